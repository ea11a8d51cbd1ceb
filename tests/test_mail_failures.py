"""With the mail server down (or refusing some addresses), every journey that sends
mail still answers normally, and nothing claims a mail that was not sent.

The tests run outside a test transaction, as production does: the e-mails go out
when the transaction commits (inside a test transaction they never would), and the
database is checked afterwards. `tests/mail.py` has the failing backends.
"""

import datetime
import io
import logging
import re
from html import unescape

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from consultations.models import Appointment, Registration, Training
from cwop_portal import emails
from library.models import Loan
from organizations.models import ContactMessage
from rooms.models import Booking
from tests import mail as failing
from tests.consultations.factories import (
    AdvisorFactory,
    AppointmentFactory,
    AvailabilityRuleFactory,
    TrainingFactory,
)
from tests.factories import PASSWORD, UserFactory, local
from tests.library.factories import BookFactory, CopyFactory, LoanFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.rooms.factories import BookingFactory, ResourceFactory
from tests.rooms.test_views import form_data, working_day

pytestmark = pytest.mark.django_db(transaction=True)

DOWN = "tests.mail.DownBackend"
REFUSING = "tests.mail.RefusingBackend"
WORKING = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _fresh_backends():
    failing.attempts.clear()
    failing.REFUSED.clear()
    yield
    failing.REFUSED.clear()


@pytest.fixture
def mail_down(settings):
    settings.EMAIL_BACKEND = DOWN
    return settings


@pytest.fixture
def refusing(settings):
    """The server takes every message except those to the addresses the test adds."""
    settings.EMAIL_BACKEND = REFUSING
    return failing.REFUSED


def en(name, *args):
    """The English page's address."""
    with translation.override("en"):
        return reverse(name, args=args)


def text(response):
    """The page's text without tags, spaces squeezed (what a reader sees)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def mail_errors(caplog):
    return [r for r in caplog.records if r.name == "cwop_portal.emails" and r.levelname == "ERROR"]


@pytest.fixture
def staff_client(client, staff, settings):
    """Staff in the admin, which is in Polish (addresses outside the language prefix
    are in the default language)."""
    client.force_login(staff)
    return client


@pytest.fixture
def organization():
    """A published organisation with an administrator (who gets its e-mails)."""
    organization = OrganizationFactory(
        name="Stowarzyszenie Sąsiedzi", public_email="zarzad@sasiedzi.example.org"
    )
    MembershipFactory(
        user=UserFactory(email="prezes@sasiedzi.example.org"), organization=organization
    )
    return organization


@pytest.fixture
def member(organization):
    user = UserFactory(email="anna@sasiedzi.example.org")
    MembershipFactory(user=user, organization=organization)
    return user


# --- The mechanism ------------------------------------------------------------------------


def test_one_failed_e_mail_does_not_stop_the_others_and_is_logged_without_its_text(
    refusing, caplog
):
    refusing.add("nie-ma@example.org")
    with emails.collect_mail() as report, transaction.atomic():
        first = emails.send_email_on_commit(
            "contact_message",
            {"organization": {"name": "X"}, "message": {"body": "Tajna treść listu"}},
            ["nie-ma@example.org"],
        )
        second = emails.send_email_on_commit(
            "contact_message",
            {"organization": {"name": "X"}, "message": {"body": "Druga treść"}},
            ["jest@example.org"],
        )
        assert not first.failed and not second.sent  # not tried before the commit
    assert first.failed and second.sent
    assert [m.to for m in mail.outbox] == [["jest@example.org"]]
    assert report.failed_recipients() == ["nie-ma@example.org"]
    (record,) = mail_errors(caplog)
    assert record.getMessage() == "E-mail contact_message to 1 recipient(s) could not be sent."
    assert record.exc_info is not None
    assert "Tajna" not in caplog.text


def test_once_the_server_is_down_the_rest_of_the_request_does_not_wait_for_it(mail_down):
    with emails.collect_mail() as report:
        deliveries = [
            emails.send_email_now("contact_message", {}, [f"osoba{n}@example.org"])
            for n in range(3)
        ]
    assert all(d.failed for d in deliveries)
    assert len(failing.attempts) == 1
    assert report.failed_recipients() == [f"osoba{n}@example.org" for n in range(3)]


# --- Contact form -------------------------------------------------------------------------


@pytest.mark.write_path("organizations:organization_contact")
def test_the_contact_form_saves_the_message_and_says_the_e_mail_failed(
    client, organization, mail_down, caplog
):
    response = client.post(
        en("organizations:organization_contact", organization.slug),
        {
            "name": "Maria Zielińska",
            "email": "maria@example.net",
            "message": "Dzień dobry, chciałabym zostać wolontariuszką.",
            "consent": "on",
            "website": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain == [(f"/en/organizacje/{organization.slug}/", 302)]
    message = ContactMessage.objects.get()
    assert (message.organization, message.sender_email) == (organization, "maria@example.net")
    page = text(response)
    assert "has been sent" not in page
    assert "Saved, but an e-mail" not in page  # told once, by the page itself
    assert (
        "Your message to Stowarzyszenie Sąsiedzi has been saved, but the e-mail to the "
        "organisation could not be sent just now. Its administrators will see your message "
        "in the portal" in page
    )
    assert failing.attempts and mail_errors(caplog)
    assert "wolontariuszką" not in caplog.text


# --- Accounts (allauth) -------------------------------------------------------------------


@pytest.mark.write_path("account_signup", "account_login")
def test_sign_up_creates_the_account_says_the_link_was_not_sent_and_a_login_sends_it(
    client, settings, mail_down
):
    response = client.post(
        en("account_signup"),
        {
            "email": "nowa@example.org",
            "first_name": "Nowa",
            "last_name": "Osoba",
            "password1": "bardzo-dlugie-haslo-77",
            "password2": "bardzo-dlugie-haslo-77",
        },
        follow=True,
    )
    assert response.status_code == 200
    page = text(response)
    assert "We have sent" not in page and "Confirmation email sent" not in page
    assert "We could not send the confirmation e-mail to nowa@example.org just now." in page
    assert "log in with the e-mail address and password you gave" in page
    assert "Saved, but an e-mail" not in page
    address = EmailAddress.objects.get(email="nowa@example.org")
    assert not address.verified
    assert failing.attempts

    # Once the mail works, logging in sends a new link (after allauth's pause).
    settings.EMAIL_BACKEND = WORKING
    cache.clear()
    response = client.post(
        en("account_login"),
        {"login": "nowa@example.org", "password": "bardzo-dlugie-haslo-77"},
        follow=True,
    )
    page = text(response)
    assert "We have sent an email to you for verification." in page
    assert "could not" not in page
    assert [m.to for m in mail.outbox] == [["nowa@example.org"]]


@pytest.mark.write_path("account_reset_password")
def test_a_password_reset_never_claims_an_e_mail_nor_tells_who_has_an_account(
    client, settings, mail_down
):
    """With the mail server down, the page for an existing account must read exactly as
    the one for an unknown address (which is never e-mailed): nothing claims an e-mail
    went out, nothing tells whether the address has an account."""
    user = UserFactory(email="zapominalski@example.org")
    response = client.post(en("account_reset_password"), {"email": user.email}, follow=True)
    assert response.status_code == 200
    failed = text(response)
    assert "We have sent you an email" not in failed
    assert "If an account on the portal uses this address" in failed
    assert "try again" in failed
    assert mail.outbox == []
    client.cookies.clear()
    unknown = client.post(en("account_reset_password"), {"email": "nikt@example.org"}, follow=True)
    assert main_text(unknown) == main_text(response)

    settings.EMAIL_BACKEND = WORKING
    cache.clear()
    response = client.post(en("account_reset_password"), {"email": user.email}, follow=True)
    assert main_text(response) == main_text(unknown)
    assert [m.to for m in mail.outbox] == [[user.email]]


def main_text(response):
    """The text of the page's main part (the header's menu differs with the session)."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


# --- Rooms ----------------------------------------------------------------------------------


@pytest.mark.write_path("rooms:booking_create", "rooms:booking_cancel")
def test_a_member_books_and_cancels_a_room_while_the_mail_is_down(
    client, member, organization, staff, mail_down
):
    resource = ResourceFactory(name_en="Training room")
    client.force_login(member)
    day = working_day(weekday=3)
    response = client.post(
        en("rooms:booking_create", resource.slug),
        form_data(organization, day, start="09:00", end="10:30", title="Próba chóru"),
        follow=True,
    )
    assert response.status_code == 200
    booking = Booking.objects.get(title="Próba chóru")
    assert booking.status == Booking.Status.PENDING
    page = text(response)
    assert "we have e-mailed you" not in page
    assert "Booking requested. The staff will confirm it. We could not e-mail you just now" in page

    response = client.post(
        en("rooms:booking_cancel", booking.pk), {"reason": "Zmiana planów"}, follow=True
    )
    assert response.status_code == 200
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    page = text(response)
    assert "We have e-mailed" not in page
    assert "Booking cancelled. We could not e-mail the confirmation just now." in page


@pytest.mark.write_path(
    "admin:rooms_booking_changelist:approve",
    "admin:rooms_booking_changelist:reject",
    "admin:rooms_booking_changelist:cancel",
)
def test_staff_approve_reject_and_cancel_bookings_and_learn_whom_to_phone(
    staff_client, member, organization, mail_down
):
    client = staff_client
    day = working_day(weekday=2)
    resource = ResourceFactory()

    def pending(hour):
        return BookingFactory(
            resource=resource,
            organization=organization,
            created_by=member,
            status=Booking.Status.PENDING,
            start=local(day.year, day.month, day.day, hour),
            end=local(day.year, day.month, day.day, hour + 1),
        )

    approved, rejected, cancelled = pending(9), pending(11), pending(13)
    changelist = "/admin/rooms/booking/"
    whom = (
        "Nie udało się wysłać e-maili do 2 osób: anna@sasiedzi.example.org, "
        "prezes@sasiedzi.example.org. Zmiana została zapisana; powiadom te osoby w inny "
        "sposób, np. telefonicznie."
    )

    response = client.post(
        changelist, {"action": "approve", "_selected_action": [approved.pk]}, follow=True
    )
    assert response.status_code == 200
    assert whom in text(response)
    for action, booking in (("reject", rejected), ("cancel", cancelled)):
        response = client.post(
            changelist,
            {
                "action": action,
                "_selected_action": [booking.pk],
                "confirm": "1",
                "reason": "Sala w remoncie.",
            },
            follow=True,
        )
        assert response.status_code == 200
        assert whom in text(response)
    statuses = {b.pk: b.status for b in Booking.objects.all()}
    assert statuses == {
        approved.pk: Booking.Status.CONFIRMED,
        rejected.pk: Booking.Status.REJECTED,
        cancelled.pk: Booking.Status.CANCELLED,
    }


# --- Consultations --------------------------------------------------------------------------


@pytest.mark.write_path("consultations:appointment_book")
def test_a_residents_appointment_is_not_held_without_the_link_and_can_be_booked_again(
    client, settings, mail_down
):
    advisor = AdvisorFactory(name="Ewa Doradczyni", slug="ewa-doradczyni")
    AvailabilityRuleFactory(advisor=advisor, weekday=1)  # Tuesdays 10:00 and 11:00
    url = en("consultations:appointment_book", advisor.slug)
    data = {
        "start": "2030-03-12T10:00",
        "client_name": "Maria Mieszkanka",
        "client_email": "maria@example.net",
        "client_phone": "+48 600 100 200",
        "topic": "pozyskiwanie-funduszy",
        "question": "Jak zdobyć pieniądze na festyn?",
        "consent": "on",
        "website": "",
    }
    with time_machine.travel(local(2030, 3, 8, 9), tick=False):
        response = client.post(url, data)
        assert response.status_code == 200
        page = text(response)
        assert "We have sent a link" not in page
        assert (
            "We could not send the e-mail with the confirmation link just now, so the "
            "consultation has not been booked and the time is free again." in page
        )
        assert "Jak zdobyć pieniądze na festyn?" in page  # what they wrote is kept
        (appointment,) = Appointment.objects.all()
        assert appointment.status == Appointment.Status.EXPIRED
        assert not Appointment.objects.active().exists()

        settings.EMAIL_BACKEND = WORKING
        response = client.post(url, data)
        assert response.status_code == 200
        assert "We have sent a link to the e-mail address you gave." in text(response)
        held = Appointment.objects.get(status=Appointment.Status.HELD)
        assert held.start == local(2030, 3, 12, 10)
        assert [m.to for m in mail.outbox] == [["maria@example.net"]]


@pytest.mark.write_path("consultations:training_detail")
def test_a_residents_registration_asks_to_send_the_form_again_until_the_link_goes_out(
    client, settings, mail_down
):
    training = TrainingFactory(capacity=3)
    url = en("consultations:training_detail", training.slug)
    data = {"name": "Maria Mieszkanka", "email": "maria@example.org", "consent": "on"}
    response = client.post(url, data)
    assert response.status_code == 200
    page = text(response)
    assert "we have sent a link" not in page
    assert (
        "We could not send the confirmation link to maria@example.org just now, so you are "
        "not registered yet and no seat is held for you." in page
    )
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.UNCONFIRMED

    settings.EMAIL_BACKEND = WORKING
    response = client.post(url, data, follow=True)
    assert "we have sent a link to maria@example.org" in text(response)
    assert Registration.objects.get() == registration  # the same one, a new link
    assert [m.to for m in mail.outbox] == [["maria@example.org"]]


@pytest.mark.write_path("consultations:training_detail")
def test_a_member_is_told_which_colleague_could_not_be_e_mailed(
    client, member, organization, refusing
):
    refusing.add("nie-ma@example.org")
    training = TrainingFactory(capacity=5)
    client.force_login(member)
    data = {
        "organization": organization.pk,
        "person-TOTAL_FORMS": "2",
        "person-INITIAL_FORMS": "0",
        "person-MIN_NUM_FORMS": "1",
        "person-MAX_NUM_FORMS": "5",
        "person-0-name": "Jan Jest",
        "person-0-email": "jest@example.org",
        "person-1-name": "Ola Nieobecna",
        "person-1-email": "nie-ma@example.org",
    }
    response = client.post(en("consultations:training_detail", training.slug), data, follow=True)
    assert response.status_code == 200
    page = text(response)
    assert "Each person gets an e-mail" not in page
    assert (
        "The e-mail to nie-ma@example.org could not be sent just now: please pass the "
        "details on." in page
    )
    assert set(training.registrations.values_list("status", flat=True)) == {"registered"}
    assert [m.to for m in mail.outbox] == [["jest@example.org"]]


@pytest.mark.write_path("admin:consultations_training_changelist:cancel")
def test_cancelling_a_training_e_mails_everybody_it_can_and_names_the_others(
    staff_client, refusing
):
    client = staff_client
    training = TrainingFactory()
    for n in range(1, 4):
        Registration.objects.create(
            training=training,
            name=f"Uczestnik {n}",
            email=f"uczestnik{n}@example.net",
            status=Registration.Status.REGISTERED,
            confirmed_at=timezone.now(),
        )
    refusing.add("uczestnik1@example.net")
    response = client.post(
        "/admin/consultations/training/",
        {
            "action": "cancel",
            "_selected_action": [training.pk],
            "confirm": "1",
            "reason": "Trenerka zachorowała.",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert (
        "Nie udało się wysłać e-maila do 1 osoby: uczestnik1@example.net. Zmiana została "
        "zapisana; powiadom tę osobę w inny sposób, np. telefonicznie." in text(response)
    )
    training.refresh_from_db()
    assert training.status == Training.Status.CANCELLED
    assert set(training.registrations.values_list("status", flat=True)) == {"cancelled"}
    # The first address failed; the others were still e-mailed.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "uczestnik2@example.net",
        "uczestnik3@example.net",
    ]


# --- Library ---------------------------------------------------------------------------------


@pytest.mark.write_path("admin:library_desk")
def test_the_desk_says_when_the_next_reader_could_not_be_told_their_book_is_waiting(
    staff_client, mail_down
):
    from library import services as library_services

    copy = CopyFactory(book=BookFactory(title="Pozyskiwanie funduszy"), inventory_number="B/0001")
    loan = LoanFactory(copy=copy, borrower=UserFactory(first_name="Jan", last_name="Oddający"))
    reader = UserFactory(email="czytelniczka@example.org", first_name="Ewa", last_name="Czytelna")
    library_services.hold_place(book=copy.book, user=reader)

    response = staff_client.post(
        "/admin/library/book/desk/",
        {"action": "return", "inventory_number": copy.inventory_number},
        follow=True,
    )
    assert response.status_code == 200
    loan.refresh_from_db()
    copy.refresh_from_db()
    assert loan.returned_at is not None and copy.status == copy.Status.HELD
    assert reader.library_holds.get().status == "ready"
    page = text(response)
    assert "wysłano e-mail z powiadomieniem" not in page
    assert "Egzemplarz jest teraz odłożony do " in page
    assert (
        "dla: Ewa Czytelna (czytelniczka@example.org), ale nie udało się wysłać e-maila z "
        "powiadomieniem: powiadom tę osobę w inny sposób, np. telefonicznie, i połóż "
        "egzemplarz na półce z rezerwacjami." in page
    )
    assert "Nie udało się wysłać e-maila do" not in page  # said once, in the desk's message


# --- Reminders ------------------------------------------------------------------------------


def run(command):
    out = io.StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def fails_then_sends_once(settings, command, flag, *, once="sent: 1", none="sent: 0"):
    """The reminder command with the mail down, then working, then once more."""
    settings.EMAIL_BACKEND = DOWN
    with pytest.raises(CommandError, match="not sent: 1"):
        run(command)
    assert failing.attempts
    assert flag() is None  # not marked: the next run tries again
    settings.EMAIL_BACKEND = WORKING
    assert once in run(command)
    assert flag() is not None
    assert none in run(command)
    assert len(mail.outbox) == 1
    return mail.outbox[0]


def tomorrow_at(hour):
    day = timezone.localdate() + datetime.timedelta(days=1)
    return local(day.year, day.month, day.day, hour)


def test_a_booking_reminder_that_failed_is_sent_by_the_next_run(settings, member, organization):
    booking = BookingFactory(
        organization=organization,
        created_by=member,
        start=tomorrow_at(10),
        end=tomorrow_at(12),
    )
    organization.memberships.exclude(user=member).delete()

    def flag():
        booking.refresh_from_db()
        return booking.reminder_sent_at

    letter = fails_then_sends_once(settings, "send_booking_reminders", flag)
    assert letter.to == [member.email]


def test_an_appointment_reminder_that_failed_is_sent_by_the_next_run(settings):
    appointment = AppointmentFactory(
        start=tomorrow_at(10), end=tomorrow_at(10) + datetime.timedelta(minutes=45)
    )

    def flag():
        appointment.refresh_from_db()
        return appointment.reminder_sent_at

    letter = fails_then_sends_once(settings, "send_appointment_reminders", flag)
    assert letter.to == ["maria@example.net"]


def test_a_training_reminder_that_failed_is_sent_by_the_next_run(settings):
    training = TrainingFactory(sessions=[(tomorrow_at(10), tomorrow_at(14))])
    registration = Registration.objects.create(
        training=training,
        name="Anna",
        email="anna@example.org",
        status=Registration.Status.REGISTERED,
        confirmed_at=timezone.now(),
    )

    def flag():
        registration.refresh_from_db()
        return registration.reminder_sent_at

    letter = fails_then_sends_once(settings, "send_training_reminders", flag)
    assert letter.to == ["anna@example.org"]


@pytest.mark.parametrize(
    ("days", "flag_name", "kind"),
    [(2, "due_reminder_sent_at", "due soon"), (-3, "overdue_reminder_sent_on", "overdue")],
)
def test_a_library_reminder_that_failed_is_sent_by_the_next_run(settings, days, flag_name, kind):
    reader = UserFactory(email="czytelniczka@example.org", password=PASSWORD)
    loan = LoanFactory(
        copy=CopyFactory(book=BookFactory()),
        borrower=reader,
        due_on=timezone.localdate() + datetime.timedelta(days=days),
    )

    def flag():
        return getattr(Loan.objects.get(pk=loan.pk), flag_name)

    letter = fails_then_sends_once(
        settings, "send_library_reminders", flag, once=f"1 {kind}", none=f"0 {kind}"
    )
    assert letter.to == [reader.email]


def test_the_reminder_commands_log_each_failure(settings, caplog):
    settings.EMAIL_BACKEND = DOWN
    AppointmentFactory(start=tomorrow_at(10), end=tomorrow_at(10) + datetime.timedelta(minutes=45))
    with caplog.at_level(logging.ERROR, logger="cwop_portal.emails"), pytest.raises(CommandError):
        run("send_appointment_reminders")
    (record,) = mail_errors(caplog)
    assert "appointment_reminder" in record.getMessage()


def test_addresses_of_deleted_accounts_records_are_never_mailed(mailoutbox, settings):
    """An anonymised registration keeps a `.invalid` address (RFC 2606): a training's
    cancellation e-mails everyone else and not that one."""
    from cwop_portal.emails import deliverable, send_email_now

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliverable(["a@example.org", "", "deleted-7@example.invalid", "a@example.org"]) == [
        "a@example.org"
    ]
    delivery = send_email_now("contact_message", {}, ["deleted-7@example.invalid"])
    assert delivery.status == delivery.EMPTY
    assert mailoutbox == []
