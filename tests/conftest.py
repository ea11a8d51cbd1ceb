import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone

from cwop_portal.roles import ADVISORS, CENTRE_STAFF
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Each test gets an empty cache (rate limits) and its own media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


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
    w.contact_message = org_services.contact_message_send(
        organization=w.organization,
        sender_name="Maria Mieszkanka",
        sender_email="maria@example.org",
        body="Czy przyjmujecie wolontariuszy?",
    )
    return w
