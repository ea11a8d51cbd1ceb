import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db.models.sql import compiler
from django.db.transaction import TransactionManagementError
from django.dispatch import receiver
from django.urls import clear_url_caches
from django.utils import timezone, translation

from cwop_portal.roles import ADVISORS, CENTRE_STAFF
from tests import write_paths
from tests.factories import UserFactory

# --- Production's transactions inside a test transaction ---------------------------------
# A test inside pytest-django's transaction would let `select_for_update` run where
# production is in autocommit mode (PostgreSQL then refuses it: a 500). The test's
# own transaction does not count: a row lock needs one the code opened itself.
_as_sql = compiler.SQLCompiler.as_sql


def _as_sql_in_a_real_transaction(self, *args, **kwargs):
    if self.query.select_for_update and (
        self.connection.get_autocommit() or write_paths.in_test_transaction_only(self.connection)
    ):
        raise TransactionManagementError(
            "select_for_update cannot be used outside of a transaction "
            "(the test's own transaction does not count)."
        )
    return _as_sql(self, *args, **kwargs)


compiler.SQLCompiler.as_sql = _as_sql_in_a_real_transaction


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A test marked `write_path` must POST to each path it names outside a test
    transaction (see tests/write_paths.py)."""
    declared = {name for mark in item.iter_markers("write_path") for name in mark.args}
    if declared:
        write_paths.start()
    result = yield
    if declared:
        missing = declared - write_paths.posted_outside_a_test_transaction()
        if missing:
            raise AssertionError(
                "marked write_path but never POSTed outside a test transaction: "
                + ", ".join(sorted(missing))
            )
    return result


# The migrations' initial data (pages, vocabularies, topics, groups): a test outside a
# test transaction empties the tables after itself, so it is put back before each.
DATA_MIGRATIONS = [
    ("cwop_portal.migrations.0002_initial_content", "create_content"),
    ("organizations.migrations.0003_initial_terms", "create_terms"),
    ("rooms.migrations.0003_initial_equipment_and_hours", "add_initial_data"),
    ("consultations.migrations.0003_initial_topics", "add_initial_data"),
    ("library.migrations.0003_subjects_and_settings", "add_initial_data"),
]


@pytest.fixture
def portal_content(transactional_db):
    for module, function in DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)
    from cwop_portal.roles import sync_role_groups

    sync_role_groups()


def _is_transactional(request):
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _initial_data_outside_test_transactions(request):
    if _is_transactional(request):
        request.getfixturevalue("portal_content")


@receiver(setting_changed)
def _language_changed(*, setting, **kwargs):
    """URL resolvers cache each language's address prefix (none for the default
    language): a test that changes LANGUAGE_CODE must not leave its prefixes behind."""
    if setting == "LANGUAGE_CODE":
        clear_url_caches()


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Each test gets an empty cache (rate limits), its own media folder, and starts
    in the default language (a request to an English page leaves English active in
    the thread)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    translation.deactivate()
    yield
    cache.clear()
    translation.deactivate()


@pytest.fixture
def resident(client):
    """An anonymous visitor: residents need no account."""
    return client


@pytest.fixture
def ngo_member(db):
    return UserFactory(email="member@ngo-a.example.org", first_name="Anna", last_name="Nowak")


@pytest.fixture
def other_ngo_member(db):
    return UserFactory(email="member@ngo-b.example.org", first_name="Piotr", last_name="Wiśniewski")


@pytest.fixture
def staff(db):
    user = UserFactory(email="staff@cwop.example.org", is_staff=True)
    user.groups.add(Group.objects.get(name=CENTRE_STAFF))
    return user


@pytest.fixture
def staff_client(client, staff):
    """The test client, logged in as centre staff (for the admin)."""
    client.force_login(staff)
    return client


@pytest.fixture
def advisor(db):
    user = UserFactory(email="advisor@cwop.example.org")
    user.groups.add(Group.objects.get(name=ADVISORS))
    return user


class World:
    """One of everything, for the checks that visit every page."""


@pytest.fixture
def world(db, ngo_member, other_ngo_member, advisor, staff):
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC

    from tests.factories import DocumentFactory

    w = World()
    w.personas = {
        "ngo_member": ngo_member,
        "other_ngo_member": other_ngo_member,
        "advisor": advisor,
        "staff": staff,
    }
    w.document = DocumentFactory(title_pl="Regulamin Centrum", title_en="Rules of the centre")
    newcomer = UserFactory(email="newcomer@example.org")
    address = EmailAddress.objects.get(user=newcomer)
    address.verified = False
    address.save()
    w.email_confirmation_key = EmailConfirmationHMAC(address).key

    from organizations import services as org_services

    def published(user, name, krs):
        organization = org_services.organization_create(
            user=user,
            data={"name": name, "legal_form": "association", "krs": krs},
            submit=True,
        )
        return org_services.organization_approve(organization=organization, user=staff)

    w.organization = published(ngo_member, "Stowarzyszenie Seniorów Bojary", "0000100001")
    w.other_organization = published(other_ngo_member, "Fundacja Zielone Wzgórza", "0000100002")
    w.membership = w.organization.memberships.get(user=ngo_member)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from organizations import news_services
    from tests.factories import MINIMAL_PDF

    w.news_post = news_services.news_create(
        user=ngo_member,
        organization=w.organization,
        data={"title": "Dzień otwarty", "lead": "Zapraszamy do siedziby."},
    )
    w.published_post = news_services.news_create(
        user=staff,
        data={
            "title": "Nabór do konkursu grantowego",
            "lead": "Wnioski do końca miesiąca.",
            "category": "funding",
            "funding_deadline": timezone.localdate(),
        },
        attachments=[("Regulamin konkursu", SimpleUploadedFile("regulamin.pdf", MINIMAL_PDF))],
    )
    w.attachment = w.published_post.attachments.get()
    # Rooms: a resource with a confirmed booking of the organisation next week, and
    # the organisation's private calendar feed.
    import datetime as _dt

    from rooms.models import (
        Booking,
        BookingChange,
        CalendarFeed,
        Closure,
        MailItem,
        Resource,
        ResourcePhoto,
    )
    from rooms.schedule import at

    w.resource = Resource.objects.create(
        name_pl="Sala szkoleniowa",
        name_en="Training room",
        slug="sala",
        kind="training_room",
        capacity=20,
        house_rules_pl="Zostaw salę w porządku.",
    )
    # A Tuesday at least a week ahead that is not a public holiday.
    import holidays

    start_day = timezone.localdate() + _dt.timedelta(days=7)
    start_day += _dt.timedelta(days=(1 - start_day.weekday()) % 7)
    while start_day in holidays.Poland(years=start_day.year):
        start_day += _dt.timedelta(days=7)
    w.booking = Booking.objects.create(
        resource=w.resource,
        organization=w.organization,
        start=at(start_day, _dt.time(10)),
        end=at(start_day, _dt.time(12)),
        status=Booking.Status.CONFIRMED,
        title="Zebranie zarządu",
        attendees=6,
        created_by=ngo_member,
    )
    BookingChange.objects.create(
        booking=w.booking, user=ngo_member, action="created", note="Rezerwacja z formularza"
    )
    w.calendar_feed = CalendarFeed.objects.create(organization=w.organization)
    Closure.objects.create(
        start_date=start_day + _dt.timedelta(days=1),
        end_date=start_day + _dt.timedelta(days=1),
        reason_pl="Inwentaryzacja",
        reason_en="Stocktaking",
    )
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "navy").save(buffer, "PNG")
    photo = ResourcePhoto(resource=w.resource, alt_pl="Sala z krzesłami", alt_en="Room")
    photo.image.save("sala.png", ContentFile(buffer.getvalue()), save=True)
    # Trainings (consultations): one open for registration a week after the room
    # booking (in the room), with its one seat taken, a person waiting and a resident
    # who has not confirmed yet; and one that took place, with a material.
    from django.core.files.base import ContentFile

    from consultations import training_services
    from consultations.models import Registration, Training, TrainingMaterial, TrainingSession

    w.training = Training.objects.create(
        title_pl="Jak napisać wniosek grantowy",
        title_en="Writing a grant application",
        slug="wniosek-grantowy",
        description_pl="Warsztaty **praktyczne** dla zarządów.",
        trainer="Ewa Trenerska",
        target_audience_pl="Członkowie zarządów",
        capacity=1,
        registration_deadline=at(start_day + _dt.timedelta(days=5), _dt.time(12)),
        status=Training.Status.PUBLISHED,
    )
    TrainingSession.objects.create(
        training=w.training,
        start=at(start_day + _dt.timedelta(days=7), _dt.time(12)),
        end=at(start_day + _dt.timedelta(days=7), _dt.time(15)),
        room=w.resource,
    )
    Registration.objects.create(
        training=w.training,
        name="Anna Nowak",
        email=ngo_member.email,
        organization=w.organization,
        registered_by=ngo_member,
        status=Registration.Status.REGISTERED,
    )
    w.waiting_registration = Registration.objects.create(
        training=w.training,
        name="Jan Zapasowy",
        email="jan.zapasowy@example.org",
        organization=w.organization,
        registered_by=ngo_member,
        status=Registration.Status.WAITING,
    )
    w.unconfirmed_registration = Registration.objects.create(
        training=w.training,
        name="Maria Mieszkanka",
        email="maria.mieszkanka@example.org",
        status=Registration.Status.UNCONFIRMED,
    )
    w.registration_manage_token = training_services.make_registration_token(
        w.waiting_registration, training_services.MANAGE
    )
    w.registration_confirm_token = training_services.make_registration_token(
        w.unconfirmed_registration, training_services.CONFIRM
    )
    past_day = start_day - _dt.timedelta(days=35)
    w.past_training = Training.objects.create(
        title_pl="Statut stowarzyszenia",
        title_en="The statutes of an association",
        slug="statut-stowarzyszenia",
        description_pl="Jak napisać statut.",
        trainer="Jan Prawnik",
        capacity=20,
        registration_deadline=at(past_day - _dt.timedelta(days=2), _dt.time(12)),
        status=Training.Status.PUBLISHED,
    )
    TrainingSession.objects.create(
        training=w.past_training,
        start=at(past_day, _dt.time(10)),
        end=at(past_day, _dt.time(13)),
        room=w.resource,
    )
    w.training_material = TrainingMaterial(training=w.past_training, title="Wzór statutu")
    w.training_material.file.save("wzor-statutu.pdf", ContentFile(MINIMAL_PDF), save=True)
    # Consultations: the advisor persona is an advisor with weekly hours, a day off
    # and an appointment that has started (so it can be marked).
    from consultations.models import (
        Advisor,
        AdvisorGroup,
        Appointment,
        AppointmentChange,
        AvailabilityException,
        AvailabilityRule,
        Topic,
    )

    w.advisor = Advisor.objects.create(
        name="Katarzyna Doradczyni",
        slug="katarzyna-doradczyni",
        bio_pl="Prawniczka.",
        user=advisor,
    )
    w.topic = Topic.objects.get(slug="pozyskiwanie-funduszy")
    w.advisor.topics.add(w.topic)
    w.advisor_rule = AvailabilityRule.objects.create(
        advisor=w.advisor, weekday=1, starts=_dt.time(9), ends=_dt.time(13), mode="phone"
    )
    w.advisor_exception = AvailabilityException.objects.create(
        advisor=w.advisor, date=start_day, kind="day_off", note="Urlop"
    )
    begun = timezone.now() - _dt.timedelta(minutes=30)
    w.appointment = Appointment.objects.create(
        advisor=w.advisor,
        topic=w.topic,
        start=begun,
        end=begun + _dt.timedelta(minutes=45),
        mode="phone",
        status=Appointment.Status.CONFIRMED,
        user=ngo_member,
        organization=w.organization,
        client_name="Anna Nowak",
        client_email=ngo_member.email,
        client_phone="500 600 700",
        client_organization_name="Stowarzyszenie Seniorów Bojary",
        question="Jak napisać budżet projektu?",
        private_notes="Notatka doradczyni",
    )
    AppointmentChange.objects.create(
        appointment=w.appointment, user=ngo_member, action="booked", note="Z formularza"
    )
    w.advisor_group = AdvisorGroup.objects.create(
        name_pl="Centrum Informacji Administracyjnej",
        slug="centrum-informacji-administracyjnej",
        description_pl="Studenci prawa administracyjnego.",
    )
    Advisor.objects.create(
        name="Student Prawa", slug="student-prawa", group=w.advisor_group
    ).topics.add(Topic.objects.get(slug="prawo-administracyjne"))
    w.mail_item = MailItem.objects.create(
        organization=w.organization, sender="Urząd Skarbowy", note="List polecony"
    )
    MailItem.objects.create(
        organization=w.organization,
        sender="Poczta Polska",
        collected_at=timezone.now(),
        collected_by="Anna Nowak",
        handed_over_by=staff,
    )
    # Library: a book with authors, a subject, a cover and two copies, one lent to
    # the member (who may renew it); another book the member has reserved.
    from library import services as library_services
    from library.books import normalize_isbn, set_authors
    from library.models import Book, Copy, Subject

    w.book = Book(
        title="Skuteczne pozyskiwanie funduszy",
        subtitle="Poradnik dla organizacji",
        publisher="Wydawnictwo Społeczne",
        year=2021,
        description="Jak zdobywać pieniądze na działalność.\nDla zarządów.",
        shelf_mark="F-12",
        slug="skuteczne-pozyskiwanie-funduszy",
        cover_alt="Okładka z wykresem",
    )
    w.book.isbn, w.book.isbn_as_typed = normalize_isbn("978-83-7556-058-9")
    buffer = io.BytesIO()
    Image.new("RGB", (6, 8), "teal").save(buffer, "PNG")
    w.book.cover.save("okladka.png", ContentFile(buffer.getvalue()), save=False)
    w.book.save()
    set_authors(w.book, ["Anna Kowalska", "Jan Nowak"])
    w.book.subjects.add(Subject.objects.get(slug="pozyskiwanie-funduszy"))
    w.book.rebuild_search_document()
    w.copy = Copy.objects.create(book=w.book, inventory_number="B/0001")
    Copy.objects.create(book=w.book, inventory_number="B/0002")
    w.loan = library_services.lend(copy=w.copy, borrower=ngo_member, by=staff)
    w.other_book = Book.objects.create(title="Wolontariat w praktyce", slug="wolontariat")
    Copy.objects.create(book=w.other_book, inventory_number="B/0003")
    w.hold = library_services.place_hold(book=w.other_book, user=ngo_member)
    from library.models import CatalogueImport

    w.catalogue_import = CatalogueImport(original_name="biblioteczka.csv", uploaded_by=staff)
    w.catalogue_import.file.save(
        "biblioteczka.csv",
        ContentFile("Tytuł;Nr inwentarzowy\nNowa książka;B/0100\n".encode()),
        save=True,
    )
    w.contact_message = org_services.contact_message_send(
        organization=w.organization,
        sender_name="Maria Mieszkanka",
        sender_email="maria@example.org",
        body="Czy przyjmujecie wolontariuszy?",
    )
    return w
