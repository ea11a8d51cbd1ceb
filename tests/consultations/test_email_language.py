"""The letters to a client are written in the language of the pages they booked or
registered on, and their links lead back to those pages (/en/… for English); the
letters to the advisor and the staff stay in the portal's main language (Polish).

The clock is frozen on Friday 8 March 2030, 09:00; the portal's main language is
Polish, as in production.
"""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import clear_url_caches
from django.utils import translation
from icalendar import Calendar

from consultations.models import Appointment, Registration
from consultations.services import appointments as services
from consultations.services import trainings as training_services
from tests.consultations.factories import AdvisorFactory, AvailabilityRuleFactory, TrainingFactory
from tests.factories import local
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

NOW = local(2030, 3, 8, 9)  # Friday morning
TUESDAY_10 = local(2030, 3, 12, 10)


@pytest.fixture(autouse=True)
def _frozen_clock():
    clear_url_caches()
    with time_machine.travel(NOW, tick=False):
        yield
    clear_url_caches()


@pytest.fixture
def advisor(advisor):
    """Ewa, with an account, on fundraising; Tuesdays 10:00–12:00 by phone."""
    profile = AdvisorFactory(
        name="Ewa Doradczyni", slug="ewa-doradczyni", user=advisor, topics=["pozyskiwanie-funduszy"]
    )
    AvailabilityRuleFactory(advisor=profile, weekday=1)
    return profile


def booking(prefix, advisor):
    return f"{prefix}/konsultacje/zarezerwuj/{advisor.slug}/", {
        "start": f"{TUESDAY_10:%Y-%m-%dT%H:%M}",
        "client_name": "Mary Resident",
        "client_email": "mary@example.net",
        "client_phone": "+48 600 100 200",
        "topic": "pozyskiwanie-funduszy",
        "question": "How do we raise money for a street party?",
        "consent": "on",
        "website": "",
    }


def post(client, capture, url, data=None):
    with capture(execute=True):
        return client.post(url, data or {})


def only_letter_to(address):
    letters = [message for message in mail.outbox if address in message.to]
    assert len(letters) == 1, [message.subject for message in letters]
    return letters[0]


def path_in(letter, pattern):
    match = re.search(rf"https?://[^/\s]+({pattern}[^/\s]+/)", letter.body)
    assert match, letter.body
    return match.group(1)


def calendar_event(letter):
    _name, content, _mimetype = letter.attachments[0]
    return Calendar.from_ical(content).walk("VEVENT")[0]


# --- Consultations -----------------------------------------------------------------------


def test_a_resident_booking_on_the_english_pages_gets_english_letters_and_links(
    client, advisor, staff, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    post(client, capture, *booking("/en", advisor))

    (appointment,) = Appointment.objects.all()
    assert appointment.language == "en"
    hold = only_letter_to("mary@example.net")
    assert hold.subject == "Confirm your consultation"
    assert "By phone: the advisor calls the number you gave." in hold.body
    confirm_path = path_in(hold, "/en/konsultacje/potwierdz/")

    mail.outbox.clear()
    response = post(client, capture, confirm_path)
    assert response["Location"].startswith("/en/konsultacje/wizyta/")
    confirmed = only_letter_to("mary@example.net")
    assert confirmed.subject.startswith("Consultation confirmed: 12 March, 10:00")
    assert "Tuesday" in confirmed.body
    manage_path = path_in(confirmed, "/en/konsultacje/wizyta/")
    event = calendar_event(confirmed)
    assert str(event["summary"]).startswith("Consultation: ")
    assert manage_path in str(event["description"])
    # The advisor and the staff read Polish.
    team = only_letter_to(staff.email)
    assert team.subject.startswith("Nowa konsultacja: Ewa Doradczyni")
    assert "Telefonicznie" in team.body

    mail.outbox.clear()
    with capture(execute=True):
        services.appointment_reminders_send(now=local(2030, 3, 11, 18))
    reminder = only_letter_to("mary@example.net")
    assert reminder.subject == "Reminder: your consultation tomorrow at 10:00"
    assert manage_path in reminder.body

    mail.outbox.clear()
    with translation.override("pl"), capture(execute=True):  # the admin, in Polish
        services.appointment_cancel(
            appointment=appointment, user=staff, reason="Doradczyni jest chora."
        )
    cancelled = only_letter_to("mary@example.net")
    assert cancelled.subject == "Consultation cancelled: 12 March, 10:00"
    assert "/en/konsultacje/" in cancelled.body
    assert only_letter_to(staff.email).subject.startswith("Konsultacja odwołana")


def test_a_resident_booking_on_the_polish_pages_gets_polish_letters_and_links(
    client, advisor, django_capture_on_commit_callbacks
):
    post(client, django_capture_on_commit_callbacks, *booking("", advisor))

    (appointment,) = Appointment.objects.all()
    assert appointment.language == "pl"
    hold = only_letter_to("mary@example.net")
    assert hold.subject == "Potwierdź konsultację"
    assert "Telefonicznie" in hold.body
    assert "/en/" not in hold.body
    path_in(hold, "/konsultacje/potwierdz/")


def test_a_moved_consultation_keeps_the_language_of_its_booking(
    advisor, django_capture_on_commit_callbacks
):
    appointment = services.appointment_book(
        advisor=advisor,
        topic=advisor.topics.first(),
        start=TUESDAY_10,
        client_name="Mary Resident",
        client_email="mary@example.net",
        client_phone="500 100 200",
        question="?",
        consent=True,
        language="en",
        now=NOW,
    )
    appointment = services.appointment_confirm_email(appointment=appointment, now=NOW)
    with translation.override("pl"), django_capture_on_commit_callbacks(execute=True):
        moved = services.appointment_reschedule(
            appointment=appointment, new_start=TUESDAY_10 + datetime.timedelta(hours=1), now=NOW
        )

    assert moved.language == "en"
    letter = only_letter_to("mary@example.net")
    assert letter.subject == "Consultation moved to 12 March, 11:00"
    path_in(letter, "/en/konsultacje/wizyta/")


# --- Trainings ---------------------------------------------------------------------------


def registering(prefix, training, name, email):
    return f"{prefix}/szkolenia/{training.slug}/", {"name": name, "email": email, "consent": "on"}


def test_a_resident_registering_on_the_english_pages_gets_english_letters_and_links(
    client, staff, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    training = TrainingFactory(title_pl="Księgowość", title_en="Bookkeeping", capacity=1)
    post(client, capture, *registering("/en", training, "Mary Resident", "mary@example.net"))
    post(client, capture, *registering("", training, "Jan Mieszkaniec", "jan@example.net"))

    english = only_letter_to("mary@example.net")
    assert english.subject == "Confirm your registration: Bookkeeping"
    confirm_path = path_in(english, "/en/szkolenia/potwierdz/")
    polish = only_letter_to("jan@example.net")
    assert polish.subject == "Potwierdź zgłoszenie: Księgowość"
    assert "/en/" not in polish.body

    mail.outbox.clear()
    post(client, capture, confirm_path)
    post(client, capture, path_in(polish, "/szkolenia/potwierdz/"))
    registered = only_letter_to("mary@example.net")
    assert registered.subject == "You are registered: Bookkeeping"
    path_in(registered, "/en/szkolenia/zgloszenie/")
    assert str(calendar_event(registered)["summary"]) == "Bookkeeping"
    waiting = only_letter_to("jan@example.net")
    assert waiting.subject == "Jesteś na liście rezerwowej: Księgowość"

    mail.outbox.clear()
    with translation.override("pl"), capture(execute=True):  # the admin, in Polish
        training_services.training_cancel(training=training, user=staff, reason="Choroba.")
    assert only_letter_to("mary@example.net").subject == "Training cancelled: Bookkeeping"
    assert only_letter_to("jan@example.net").subject == "Szkolenie odwołane: Księgowość"


def test_colleagues_registered_on_the_english_pages_are_promoted_in_english(
    client, ngo_member, staff, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    organization = OrganizationFactory()
    MembershipFactory(user=ngo_member, organization=organization)
    training = TrainingFactory(title_pl="Księgowość", title_en="Bookkeeping", capacity=1)
    client.force_login(ngo_member)
    people = {
        "organization": organization.pk,
        "person-TOTAL_FORMS": "5",
        "person-INITIAL_FORMS": "0",
        "person-MIN_NUM_FORMS": "1",
        "person-MAX_NUM_FORMS": "5",
        "person-0-name": "Anna First",
        "person-0-email": "anna@example.net",
        "person-1-name": "Bob Second",
        "person-1-email": "bob@example.net",
    }
    post(client, capture, f"/en/szkolenia/{training.slug}/", people)
    assert only_letter_to("bob@example.net").subject == "You are on the waiting list: Bookkeeping"

    mail.outbox.clear()
    first = Registration.objects.get(email="anna@example.net")
    with translation.override("pl"), capture(execute=True):  # the admin, in Polish
        training_services.registration_cancel(registration=first, user=staff)

    promoted = only_letter_to("bob@example.net")
    assert promoted.subject == "A seat is yours: Bookkeeping"
    path_in(promoted, "/en/szkolenia/zgloszenie/")
    assert only_letter_to("anna@example.net").subject == "Registration cancelled: Bookkeeping"
