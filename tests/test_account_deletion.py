"""Deleting an account, by every way there is to do it (the site's "delete my account",
the admin's delete view and its "Delete selected"): one service, the same blockers,
nothing personal left but what the privacy page says is kept.

Also the map of personal data: every model with a foreign key to the user, or an
e-mail or phone field, is listed below with how "download my data" and the deletion
handle it, so that a new one cannot be forgotten.
"""

import datetime
import json

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone, translation

from consultations.models import (
    Advisor,
    Appointment,
    AppointmentChange,
    Registration,
    RegistrationChange,
)
from cwop_portal import services
from library import services as library_services
from library.models import Book, Copy, Hold, Loan
from organizations.models import (
    ContactMessage,
    Membership,
    NewsPost,
    Organization,
    OrganizationChange,
)
from organizations.services import organizations as org_services
from rooms.models import Booking, BookingChange
from tests.factories import PASSWORD, UserFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory

User = get_user_model()


DELETE_URL = "/en/konto/usun/"


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def lend_a_book(reader, staff, number="D/0001"):
    slug = "ksiazka-" + number.lower().replace("/", "-")
    book = Book.objects.create(title=f"Książka {number}", slug=slug)
    copy = Copy.objects.create(book=book, inventory_number=number)
    return library_services.copy_lend(copy=copy, borrower=reader, by=staff)


@pytest.fixture(autouse=True)
def in_english():
    """The services' messages are read in English here (the pages set their own)."""
    with translation.override("en"):
        yield


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@cwop.example.org", is_staff=True, is_superuser=True)


# --- The member's whole journey ----------------------------------------------------------


def every_stored_text():
    """(model, field, value) for every text, e-mail and JSON value in every table."""
    for model in apps.get_models():
        fields = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*[f.attname for f in fields]):
            for field, value in zip(fields, row, strict=True):
                if value is None:
                    continue
                if not isinstance(value, str):
                    value = json.dumps(value, ensure_ascii=False)
                yield model._meta.label, field.name, value


# What the privacy page says stays after the deletion and still names the person: the
# register of post (who collected an item), deleted after its own retention period.
KEPT_BY_THE_PRIVACY_PAGE = {("rooms.MailItem", "collected_by")}


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("account_delete", "organizations:organization_contact")
def test_a_member_downloads_everything_then_deletes_the_account_and_nothing_personal_stays(
    client, world, mailoutbox
):
    member = world.personas["ngo_member"]
    staff = world.personas["staff"]
    # Besides what the world gives the member (the organisation they run, its booking
    # and news post that they made, an appointment in progress, a training
    # registration, a loan and a reservation): a message they sent to another
    # organisation from their address typed in capitals, a request to join it (its
    # history names their address) and a consultation next week.
    client.force_login(member)
    response = client.post(
        reverse("organizations:organization_contact", args=[world.other_organization.slug]),
        {
            "name": "Anna Nowak",
            "email": "Member@NGO-A.example.org",
            "message": "Czy możemy wspólnie zorganizować festyn?",
            "consent": "on",
            "website": "",
        },
    )
    assert response.status_code == 302
    org_services.membership_request(organization=world.other_organization, user=member)
    next_week = timezone.now() + datetime.timedelta(days=10)
    upcoming = Appointment.objects.create(
        advisor=world.advisor,
        topic=world.topic,
        start=next_week,
        end=next_week + datetime.timedelta(minutes=45),
        mode="phone",
        status=Appointment.Status.CONFIRMED,
        user=member,
        organization=world.organization,
        client_name="Anna Nowak",
        client_email=member.email,
        client_phone="500 600 701",
        question="Czy warto założyć fundację?",
    )

    data = json.loads(client.get(reverse("account_data_export")).content)["data"]
    assert data["account"]["email"] == member.email
    (booking,) = data["rooms"]["bookings_made"]
    assert (booking["purpose"], booking["organization"]) == (
        "Zebranie zarządu",
        "Stowarzyszenie Seniorów Bojary",
    )
    assert [entry["note"] for entry in booking["history"]] == ["Rezerwacja z formularza"]
    assert [post["title"] for post in data["organizations"]["news_posts_written"]] == [
        "Dzień otwarty"
    ]
    history = data["organizations"]["organization_history"]
    assert {"created", "membership_requested"} <= {entry["action"] for entry in history}
    (sent,) = data["organizations"]["messages_sent_to_organizations"]
    assert sent["message"] == "Czy możemy wspólnie zorganizować festyn?"
    questions = {a["question"] for a in data["consultations"]["appointments"]}
    assert questions == {"Jak napisać budżet projektu?", "Czy warto założyć fundację?"}
    assert [r["training"] for r in data["consultations"]["training_registrations"]] == [
        "Jak napisać wniosek grantowy",
        "Jak napisać wniosek grantowy",
    ]
    assert [loan["inventory_number"] for loan in data["library"]["loans"]] == ["B/0001"]
    assert [hold["title"] for hold in data["library"]["reservations"]] == ["Wolontariat w praktyce"]

    # The book on loan and the organisation they alone run hold the deletion up.
    page = client.get(DELETE_URL).content.decode()
    assert "1 library book is still on loan to this account." in page
    assert "the only administrator of “Stowarzyszenie Seniorów Bojary”" in page
    assert f'href="/en/konto/organizacje/{world.organization.slug}/czlonkowie/"' in page
    assert 'name="password"' not in page  # no form to fill in for nothing
    response = client.post(DELETE_URL, {"password": PASSWORD})
    assert response.status_code == 200
    assert "1 library book is still on loan to this account." in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()
    assert Loan.objects.get(pk=world.loan.pk).borrower_id == member.pk

    library_services.copy_return(copy=world.copy, by=staff)
    Membership.objects.create(
        user=world.personas["other_ngo_member"],
        organization=world.organization,
        role=Membership.Role.ADMIN,
        status=Membership.Status.ACTIVE,
    )
    mailoutbox.clear()
    response = client.post(DELETE_URL, {"password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session

    # The account and what only it needed are gone.
    assert not User.objects.filter(pk=member.pk).exists()
    assert not EmailAddress.objects.filter(email__iexact=member.email).exists()
    assert not Membership.objects.filter(user_id=member.pk).exists()
    assert not Hold.objects.filter(user_id=member.pk).exists()
    assert not ContactMessage.objects.filter(sender_email__iexact=member.email).exists()
    assert ContactMessage.objects.filter(sender_name="Maria Mieszkanka").exists()  # not theirs
    # The upcoming consultation is cancelled (the advisor is told), the training
    # registration too (its seat goes to the person waiting).
    upcoming.refresh_from_db()
    assert upcoming.status == Appointment.Status.CANCELLED
    assert any("advisor@cwop.example.org" in m.to for m in mailoutbox)
    promoted = Registration.objects.get(pk=world.waiting_registration.pk)
    assert promoted.status == Registration.Status.REGISTERED
    assert (promoted.name, promoted.email) == ("Jan Zapasowy", "jan.zapasowy@example.org")
    assert promoted.registered_by is None
    # What the centre keeps stays, without the person.
    for appointment in Appointment.objects.filter(pk__in=[world.appointment.pk, upcoming.pk]):
        assert appointment.user is None
        assert (appointment.client_name, appointment.client_email) == ("", "")
        assert (appointment.client_phone, appointment.question) == ("", "")
        assert appointment.private_notes == ""
        assert (appointment.advisor, appointment.topic) == (world.advisor, world.topic)
    assert Appointment.objects.get(pk=world.appointment.pk).status == "confirmed"
    assert not AppointmentChange.objects.filter(user_id=member.pk).exists()
    own = Registration.objects.get(training=world.training, status="cancelled")
    # Its history stays, without the person: no link, no name, no address.
    assert [(c.user, c.action) for c in own.changes.order_by("created_at", "pk")] == [
        (None, "registered"),
        (None, "cancelled"),
    ]
    assert not RegistrationChange.objects.filter(user_id=member.pk).exists()
    assert "Anna Nowak" not in str(list(own.changes.values_list("changes", "note")))
    assert own.name == ""
    assert own.email.endswith(".invalid")
    kept_booking = Booking.objects.get(pk=world.booking.pk)
    assert (kept_booking.created_by, kept_booking.organization) == (None, world.organization)
    assert BookingChange.objects.get(booking=kept_booking).user is None
    post = NewsPost.objects.get(pk=world.news_post.pk)
    assert (post.author, post.organization) == (None, world.organization)
    loan = Loan.objects.get(pk=world.loan.pk)
    assert loan.borrower is None and loan.returned_at is not None
    assert OrganizationChange.objects.filter(
        organization=world.organization, action="membership_removed"
    ).exists()

    # And nowhere in the database is the person named, but where the privacy page
    # says so.
    traces = {
        member.email.lower(),
        "Anna Nowak",
        "500 600 70",
        "Jak napisać budżet projektu?",
        "Czy warto założyć fundację?",
        "Notatka doradczyni",
        "wspólnie zorganizować festyn",
    }
    found = [
        (label, field, trace)
        for label, field, value in every_stored_text()
        for trace in traces
        if trace.lower() in value.lower() and (label, field) not in KEPT_BY_THE_PRIVACY_PAGE
    ]
    assert found == []
    privacy = client.get("/en/polityka-prywatnosci/").content.decode()
    assert "The register of post received by the centre" in privacy
    assert "is kept for 365 days" in privacy


# --- The service ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_service_refuses_while_a_book_is_on_loan_and_changes_nothing(staff):
    reader = UserFactory()
    lend_a_book(reader, staff)
    with pytest.raises(services.AccountDeletionBlocked) as refused:
        services.user_delete(user=reader)
    assert refused.value.messages == [
        "1 library book is still on loan to this account. It has to be returned to the "
        "centre before the account is deleted."
    ]
    assert User.objects.filter(pk=reader.pk).exists()


@pytest.mark.django_db
def test_the_database_refuses_a_book_on_loan_without_its_reader(staff):
    """A deletion past the service (`user.delete()`) fails instead of leaving the
    copy on loan to nobody."""
    reader = UserFactory()
    loan = lend_a_book(reader, staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        reader.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.filter(pk=loan.pk).update(borrower=None)


@pytest.mark.django_db
def test_the_only_administrator_of_a_published_organisation_is_blocked_with_a_link(
    ngo_member, other_ngo_member
):
    organization = OrganizationFactory(name="Klub Sąsiedzki")
    MembershipFactory(user=ngo_member, organization=organization)
    (blocker,) = services.user_deletion_blockers(user=ngo_member)
    assert "the only administrator of “Klub Sąsiedzki”" in blocker.message
    assert blocker.url == f"/en/konto/organizacje/{organization.slug}/czlonkowie/"
    # An editor does not count; an administrator whose account is switched off
    # neither; another active administrator does.
    other = MembershipFactory(
        user=other_ngo_member, organization=organization, role=Membership.Role.EDITOR
    )
    assert services.user_deletion_blockers(user=ngo_member) != []
    other.role = Membership.Role.ADMIN
    other.save()
    other_ngo_member.is_active = False
    other_ngo_member.save()
    assert services.user_deletion_blockers(user=ngo_member) != []
    other_ngo_member.is_active = True
    other_ngo_member.save()
    assert services.user_deletion_blockers(user=ngo_member) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "blocked"),
    [
        (Organization.Status.PUBLISHED, True),
        (Organization.Status.PENDING, True),
        (Organization.Status.DRAFT, False),
        (Organization.Status.REJECTED, False),
        (Organization.Status.ARCHIVED, False),
    ],
)
def test_only_an_organisation_in_the_directory_or_on_its_way_needs_its_administrator(
    ngo_member, status, blocked
):
    organization = OrganizationFactory(status=status, rejection_reason="Brak statutu")
    MembershipFactory(user=ngo_member, organization=organization)
    assert bool(services.user_deletion_blockers(user=ngo_member)) == blocked


@pytest.mark.django_db
def test_an_account_linked_to_an_active_advisor_is_blocked_an_inactive_one_is_unlinked():
    user = UserFactory()
    advisor = Advisor.objects.create(name="Ewa Doradczyni", slug="ewa", user=user)
    (blocker,) = services.user_deletion_blockers(user=user)
    assert "advisor profile “Ewa Doradczyni”" in blocker.message
    advisor.is_active = False
    advisor.save()
    services.user_delete(user=user)
    advisor.refresh_from_db()
    assert advisor.user is None


@pytest.mark.django_db
def test_a_consultation_too_close_to_cancel_online_holds_the_deletion_up(world):
    member = world.personas["ngo_member"]
    soon = timezone.now() + datetime.timedelta(hours=1)  # cut-off: 2 hours
    Appointment.objects.create(
        advisor=world.advisor,
        topic=world.topic,
        start=soon,
        end=soon + datetime.timedelta(minutes=45),
        mode="phone",
        status=Appointment.Status.CONFIRMED,
        client_name="Anna Nowak",
        client_email=member.email.upper(),
        question="Pytanie",
    )
    messages = [b.message for b in services.user_deletion_blockers(user=member)]
    assert any("can no longer be cancelled online" in m for m in messages)


@pytest.mark.django_db
def test_a_bulk_deletion_deletes_none_while_one_account_is_blocked(staff):
    free, owing = UserFactory(), UserFactory(email="owing@example.org")
    lend_a_book(owing, staff)
    with pytest.raises(services.AccountDeletionBlocked) as refused:
        services.users_delete(users=[free, owing])
    (message,) = refused.value.messages
    assert message.startswith("The account owing@example.org cannot be deleted: 1 library book")
    assert User.objects.filter(pk__in=[free.pk, owing.pk]).count() == 2


# --- The admin --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("admin:cwop_portal_user_delete")
def test_the_admin_delete_view_refuses_a_blocked_account_then_deletes_through_the_service(
    client, superuser, staff
):
    reader = UserFactory(email="czytelnik@example.org", first_name="Celina")
    loan = lend_a_book(reader, staff)
    client.force_login(superuser)
    url = reverse("admin:cwop_portal_user_delete", args=[reader.pk])
    change_url = reverse("admin:cwop_portal_user_change", args=[reader.pk])

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == change_url
    assert messages_of(response) == [
        "Nie można usunąć konta czytelnik@example.org: Na to konto wypożyczona jest 1 "
        "książka z Biblioteczki. Przed usunięciem konta trzeba ją zwrócić do Centrum."
    ]
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert User.objects.filter(pk=reader.pk).exists()
    loan.refresh_from_db()
    assert loan.borrower_id == reader.pk

    library_services.copy_return(copy=loan.copy, by=staff)
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=reader.pk).exists()
    loan.refresh_from_db()
    assert loan.borrower is None
    # The admin's own log of the deletion does not keep the address either.
    entry = LogEntry.objects.get(object_id=str(reader.pk), action_flag=3)
    assert entry.object_repr == "usunięte konto"
    assert not LogEntry.objects.filter(object_repr__icontains="czytelnik").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("admin:cwop_portal_user_changelist:delete_selected")
def test_delete_selected_deletes_none_while_one_account_is_blocked(client, superuser, staff):
    free = UserFactory(email="wolna@example.org")
    owing = UserFactory(email="dluzna@example.org")
    lend_a_book(owing, staff)
    client.force_login(superuser)
    url = reverse("admin:cwop_portal_user_changelist")
    both = {"action": "delete_selected", "_selected_action": [free.pk, owing.pk]}

    for data in (both, {**both, "post": "yes"}):
        response = client.post(url, data)
        assert response.status_code == 302
        assert messages_of(response) == [
            "Nie można usunąć konta dluzna@example.org: Na to konto wypożyczona jest 1 "
            "książka z Biblioteczki. Przed usunięciem konta trzeba ją zwrócić do Centrum."
        ]
        assert User.objects.filter(pk__in=[free.pk, owing.pk]).count() == 2
        client.get(response["Location"])  # the messages are shown (and so used up)

    response = client.post(url, {**both, "_selected_action": [free.pk]})
    assert response.status_code == 200  # Django's confirmation page
    response = client.post(url, {**both, "_selected_action": [free.pk], "post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=free.pk).exists()
    assert User.objects.filter(pk=owing.pk).exists()


# --- The map of personal data ------------------------------------------------------------

# Every field of every model that points to the user or holds an e-mail address or a
# phone number, with what "download my data" (export) and the deletion do with it.
PERSONAL_DATA_MAP = {
    ("cwop_portal.User", "email"): "the account: exported; deleted with it",
    ("cwop_portal.SiteSettings", "email"): "the centre's own contact, not a person's",
    ("cwop_portal.SiteSettings", "phone"): "the centre's own contact, not a person's",
    ("cwop_portal.AccessibilityStatement", "contact_email"): (
        "the centre's contact for accessibility, published by law; staff edit it"
    ),
    ("cwop_portal.AccessibilityStatement", "contact_phone"): "as contact_email",
    ("account.EmailAddress", "user"): "exported (account); deleted with it (CASCADE)",
    ("account.EmailAddress", "email"): "exported (account); deleted with it (CASCADE)",
    ("admin.LogEntry", "user"): (
        "a staff member's admin actions: exported (account, without the records' names); "
        "deleted with the account (CASCADE); entries about the account lose its address"
    ),
    ("organizations.Organization", "phone"): "the organisation's public contact",
    ("organizations.Organization", "public_email"): "the organisation's public contact",
    ("organizations.Membership", "user"): "exported; deleted with the account (CASCADE)",
    ("organizations.NewsPost", "author"): (
        "exported (news written); the post stays the organisation's (SET_NULL)"
    ),
    ("organizations.OrganizationChange", "user"): (
        "exported (history); stays without the link (SET_NULL) nor the address in changes"
    ),
    ("organizations.ContactMessage", "sender_email"): (
        "exported (messages sent, by the person's addresses); deleted with the account; "
        "else purged after the retention period"
    ),
    ("rooms.BookingSeries", "created_by"): "exported; stays the organisation's (SET_NULL)",
    ("rooms.Booking", "created_by"): "exported with history; stays (SET_NULL)",
    ("rooms.Booking", "decided_by"): "staff: exported (decided); stays (SET_NULL)",
    ("rooms.Booking", "cancelled_by"): "exported; stays (SET_NULL)",
    ("rooms.BookingChange", "user"): "exported (history); stays without the link (SET_NULL)",
    ("rooms.MailItem", "logged_by"): "staff: exported; stays (SET_NULL)",
    ("rooms.MailItem", "handed_over_by"): "staff: exported; stays (SET_NULL)",
    ("consultations.Advisor", "user"): (
        "exported (advisor profile); an active profile blocks the deletion, an inactive "
        "one is unlinked (SET_NULL)"
    ),
    ("consultations.Appointment", "user"): (
        "exported; upcoming ones cancelled, then anonymised (SET_NULL)"
    ),
    ("consultations.Appointment", "client_email"): (
        "exported (the person's appointments are found by it); emptied on deletion"
    ),
    ("consultations.Appointment", "client_phone"): "exported; emptied on deletion",
    ("consultations.AppointmentChange", "user"): (
        "exported (history); stays without the link (SET_NULL), the client's notes emptied"
    ),
    ("consultations.Registration", "email"): (
        "exported (found by it); active ones cancelled, then replaced by an .invalid address"
    ),
    ("consultations.Registration", "registered_by"): (
        "exported (without the other person's data); stays (SET_NULL)"
    ),
    ("library.Loan", "borrower"): (
        "exported; blocks the deletion while active (and the database refuses an active "
        "loan without it); a returned loan stays (SET_NULL)"
    ),
    ("library.Loan", "lent_by"): "staff: exported (desk); stays (SET_NULL)",
    ("library.Loan", "returned_to"): "staff: exported (desk); stays (SET_NULL)",
    ("library.Hold", "user"): "exported; ended (the copy passes on) and deleted (CASCADE)",
    ("library.CatalogueImport", "uploaded_by"): "staff: exported; stays (SET_NULL)",
    # The change history (cwop_portal.history): the personal fields' values are never kept.
    ("cwop_portal.SiteSettingsChange", "user"): "staff: exported (history); stays (SET_NULL)",
    ("organizations.NewsPostChange", "user"): "exported (history); stays (SET_NULL)",
    ("consultations.ConsultationSettingsChange", "user"): (
        "staff: exported (history); stays (SET_NULL)"
    ),
    ("consultations.TrainingChange", "user"): "staff: exported (history); stays (SET_NULL)",
    ("consultations.RegistrationChange", "user"): (
        "exported (history of the person's registrations, or the action alone); "
        "stays without the link (SET_NULL)"
    ),
    ("library.BookChange", "user"): "staff: exported (history); stays (SET_NULL)",
    ("library.CopyChange", "user"): "staff: exported (history); stays (SET_NULL)",
    ("library.LibrarySettingsChange", "user"): "staff: exported (history); stays (SET_NULL)",
    ("cwop_portal.PageChange", "user"): "staff: exported (history); stays (SET_NULL)",
    ("cwop_portal.CustomPageChange", "user"): "staff: exported (history); stays (SET_NULL)",
    ("cwop_portal.DocumentChange", "user"): "staff: exported (history); stays (SET_NULL)",
    ("cwop_portal.AccessibilityStatementChange", "user"): (
        "staff: exported (history); stays (SET_NULL)"
    ),
    ("rooms.ResourceChange", "user"): "staff: exported (history); stays (SET_NULL)",
    ("rooms.ClosureChange", "user"): "staff: exported (history); stays (SET_NULL)",
    ("consultations.AdvisorChange", "user"): (
        "staff or the advisor: exported (history); stays (SET_NULL)"
    ),
    # cooperation (cooperation/personal_data.py)
    ("cooperation.Remark", "author"): (
        "exported (remarks sent); the remark stays in the consultation's record (SET_NULL)"
    ),
    ("cooperation.Remark", "author_email"): (
        "exported (found by it); emptied on deletion with the sender's name, the text kept"
    ),
    ("cooperation.AlertOptOut", "user"): "exported; deleted with the account (CASCADE)",
    ("cooperation.PublicConsultation", "created_by"): "staff: exported; stays (SET_NULL)",
    ("cooperation.PublicConsultation", "contact_email"): (
        "the city office's published contact for the consultation; staff edit it"
    ),
    ("cooperation.PublicConsultation", "contact_phone"): "as contact_email",
    ("cooperation.TeamMember", "email"): (
        "a team member's contact entered by staff, never shown; staff edit or remove it"
    ),
    ("cooperation.TeamContactMessage", "sender_email"): (
        "exported (by the person's addresses); deleted with the account; "
        "else purged after the retention period"
    ),
    ("cooperation.PublicConsultationChange", "user"): "staff: exported (history); stays (SET_NULL)",
    ("cooperation.RemarkChange", "user"): "exported (history); stays (SET_NULL)",
    ("cooperation.ProgrammeYearChange", "user"): "staff: exported (history); stays (SET_NULL)",
    ("cooperation.TeamMemberChange", "user"): "staff: exported (history); stays (SET_NULL)",
    ("cooperation.TeamMeetingChange", "user"): "staff: exported (history); stays (SET_NULL)",
    # awards (awards/personal_data.py)
    ("awards.Edition", "results_approved_by"): "staff: stays (SET_NULL)",
    ("awards.Juror", "user"): (
        "exported (seats, conflicts, scores); a seat on a jury whose results are not approved "
        "blocks the deletion; a finished jury's seat goes with the account (CASCADE)"
    ),
    ("awards.Nomination", "nominator_user"): (
        "exported (nominations made); the nomination stays in the competition's record "
        "(SET_NULL) without the nominator's name, address and phone"
    ),
    ("awards.Nomination", "nominator_email"): "exported (found by it); emptied on deletion",
    ("awards.Nomination", "nominator_phone"): "exported; emptied on deletion",
    ("awards.Nomination", "guardian_email"): (
        "exported to the guardian (found by it); replaced by an unreachable address, the "
        "consent's date kept"
    ),
    ("awards.Nomination", "checked_by"): "staff: stays (SET_NULL)",
    ("awards.Vote", "email"): (
        "exported (found by it); replaced by an unreachable address unique to the vote, "
        "which stays counted"
    ),
    ("awards.Vote", "voided_by"): "staff: stays (SET_NULL)",
    ("awards.EditionChange", "user"): "staff: exported (history); stays (SET_NULL)",
    ("awards.NominationChange", "user"): "exported (history); stays (SET_NULL)",
}


def personal_fields():
    user_model = get_user_model()
    for model in apps.get_models():
        for field in model._meta.fields:
            points_to_the_user = field.is_relation and field.related_model is user_model
            holds_contact = isinstance(field, models.CharField | models.TextField) and (
                isinstance(field, models.EmailField)
                or any(part in field.name for part in ("email", "phone"))
            )
            if points_to_the_user or holds_contact:
                yield (model._meta.label, field.name), field


def test_every_field_pointing_to_a_person_or_holding_their_contact_is_mapped():
    found = dict(personal_fields())
    missing = sorted(set(found) - set(PERSONAL_DATA_MAP))
    assert missing == [], (
        "say in PERSONAL_DATA_MAP how the export (<app>/personal_data.py) and the "
        f"deletion handle: {missing}"
    )
    assert sorted(set(PERSONAL_DATA_MAP) - set(found)) == []  # no stale entries
    for key, field in found.items():
        if field.is_relation:
            # PROTECT would make an account impossible to delete; DO_NOTHING would
            # leave rows pointing to nobody.
            assert field.remote_field.on_delete in (models.SET_NULL, models.CASCADE), key
