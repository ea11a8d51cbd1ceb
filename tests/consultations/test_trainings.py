"""The training rules, as staff, NGO members and residents meet them through
`consultations.services.trainings`: publishing (rooms reserved all or nothing),
registration with seats and a waiting list, e-mail confirmation, cancellations and
promotion, cancelling a training, attendance, reminders, tokens and the calendar
files.

Dates are fixed in 2030 and every call that can take `now=` gets it. Messages and
letters are checked in English (the source language).
"""

import datetime
import re

import factory
import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone, translation
from icalendar import Calendar

from consultations.ics import trainings as training_ics
from consultations.models import Registration, Training, TrainingSession
from consultations.services import trainings as services
from rooms.models import Booking
from tests.consultations.factories import TrainingFactory
from tests.factories import local
from tests.organizations.factories import MemberFactory, OrganizationFactory
from tests.rooms.factories import BookingFactory, ResourceFactory

pytestmark = pytest.mark.django_db

NOW = local(2030, 3, 8, 9)  # a Friday morning
DEADLINE = local(2030, 3, 11, 12)  # Monday noon
HOUR = datetime.timedelta(hours=1)


def tue(hour, minute=0):
    return local(2030, 3, 12, hour, minute)


def wed(hour, minute=0):
    return local(2030, 3, 13, hour, minute)


# --- Helpers (shared with the other training test files) -----------------------------


class WorkshopFactory(TrainingFactory):
    """The training of these tests, written directly (no rules, no rooms booked):
    published unless `status`, two seats, registration until Monday noon; `sessions`:
    [(start, end) or (start, end, room)], by default Tuesday 10:00–14:00 without a
    room (at the `place`)."""

    title_pl = factory.Sequence(lambda n: f"Jak napisać wniosek grantowy {n}")
    title_en = factory.Sequence(lambda n: f"Writing a grant application {n}")
    slug = factory.Sequence(lambda n: f"wniosek-grantowy-{n}")
    description_pl = "Praktyczne **warsztaty** dla organizacji."
    trainer = "Ewa Trenerska"
    target_audience_pl = "Członkowie zarządów"
    target_audience_en = "Board members"
    place = "Sala konferencyjna, ul. Testowa 1"
    capacity = 2
    registration_deadline = DEADLINE
    is_online = False
    sessions = factory.LazyFunction(lambda: [(tue(10), tue(14))])


class TrainingRoomFactory(ResourceFactory):
    name_pl = "Sala szkoleniowa"
    name_en = "Training room"
    capacity = 30


def register(training, name, email, **kwargs):
    kwargs.setdefault("now", NOW)
    return services.registration_create(training=training, name=name, email=email, **kwargs)


def letters_to(address):
    return [message for message in mail.outbox if address in message.to]


def only_letter_to(address):
    letters = letters_to(address)
    assert len(letters) == 1, [m.subject for m in letters]
    return letters[0]


def calendar_of(message):
    ((_name, content, mimetype),) = message.attachments
    assert mimetype == "text/calendar"
    return Calendar.from_ical(content)


def events_of(message):
    return calendar_of(message).walk("VEVENT")


def link_in(message, kind):
    """The path of the confirmation ("potwierdz") or registration ("zgloszenie") link."""
    match = re.search(rf"https?://[^/\s]+(/\S*/{kind}/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def token_in(message, kind):
    return link_in(message, kind).rstrip("/").rsplit("/", 1)[-1]


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages and letters in English, the source language of the texts."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def organization(ngo_member):
    organization = OrganizationFactory(name="Stowarzyszenie Seniorów Bojary")
    from tests.organizations.factories import MembershipFactory

    MembershipFactory(user=ngo_member, organization=organization)
    return organization


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run a call and send the letters it queued (as after a real commit)."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


# --- The journey: a member fills the training, a third person waits -------------------


def test_member_registers_two_people_until_full_a_third_waits_and_is_promoted(
    organization, ngo_member, send
):
    training = WorkshopFactory(capacity=2)

    anna = send(
        register,
        training,
        "Anna Nowak",
        "anna@ngo.example.org",
        user=ngo_member,
        organization=organization,
    )
    bartek = send(
        register,
        training,
        "Bartek Zięba",
        "Bartek@NGO.example.org",
        user=ngo_member,
        organization=organization,
    )
    celina = send(
        register,
        training,
        "Celina Wrona",
        "celina@ngo.example.org",
        user=ngo_member,
        organization=organization,
    )

    assert [anna.status, bartek.status, celina.status] == ["registered", "registered", "waiting"]
    assert bartek.email == "bartek@ngo.example.org"  # stored normalised
    assert anna.organization == organization and anna.registered_by == ngo_member
    assert services.waiting_list_position(celina) == 1
    letter = only_letter_to("anna@ngo.example.org")
    assert letter.subject.startswith("You are registered")
    assert "for Stowarzyszenie Seniorów Bojary" in letter.body
    assert "/zgloszenie/" in letter.body
    assert [e["status"] for e in events_of(letter)] == ["CONFIRMED"]
    waiting_letter = only_letter_to("celina@ngo.example.org")
    assert waiting_letter.subject.startswith("You are on the waiting list")
    assert "place 1" in waiting_letter.body
    assert [e["status"] for e in events_of(waiting_letter)] == ["TENTATIVE"]

    mail.outbox.clear()
    anna_again = services.registration_token_read(token_in(letter, "zgloszenie"), services.MANAGE)
    send(services.registration_cancel, registration=anna_again, by_link=True, now=NOW)

    anna.refresh_from_db()
    celina.refresh_from_db()
    assert anna.status == "cancelled" and anna.cancelled_at == NOW
    assert celina.status == "registered" and celina.promoted_at == NOW
    assert training.registrations.holding_seats().count() == 2
    cancelled = only_letter_to("anna@ngo.example.org")
    assert cancelled.subject.startswith("Registration cancelled")
    assert calendar_of(cancelled)["method"] == "CANCEL"
    promoted = only_letter_to("celina@ngo.example.org")
    assert promoted.subject.startswith("A seat is yours")
    assert [e["status"] for e in events_of(promoted)] == ["CONFIRMED"]
    # The promotion replaces the tentative entry in Celina's calendar.
    assert events_of(promoted)[0]["uid"] == events_of(waiting_letter)[0]["uid"]
    assert events_of(promoted)[0]["sequence"] > events_of(waiting_letter)[0]["sequence"]


def test_the_first_person_waiting_is_promoted_not_a_later_one(organization, ngo_member, send):
    training = WorkshopFactory(capacity=1)
    first = register(
        training, "Pierwsza", "a@example.org", user=ngo_member, organization=organization
    )
    waiting = [
        register(
            training,
            f"Osoba {n}",
            f"w{n}@example.org",
            user=ngo_member,
            organization=organization,
            now=NOW + n * HOUR,
        )
        for n in (1, 2, 3)
    ]
    assert [services.waiting_list_position(r) for r in waiting] == [1, 2, 3]

    send(services.registration_cancel, registration=waiting[1], by_link=True, now=NOW)
    send(services.registration_cancel, registration=first, by_link=True, now=NOW)

    statuses = {r.email: r.status for r in Registration.objects.filter(training=training)}
    assert statuses == {
        "a@example.org": "cancelled",
        "w1@example.org": "registered",
        "w2@example.org": "cancelled",
        "w3@example.org": "waiting",
    }
    assert services.waiting_list_position(Registration.objects.get(email="w3@example.org")) == 1


def test_cancelling_a_waiting_place_promotes_nobody(organization, ngo_member, send):
    training = WorkshopFactory(capacity=1)
    register(training, "A", "a@example.org", user=ngo_member, organization=organization)
    waiting = register(training, "B", "b@example.org", user=ngo_member, organization=organization)
    third = register(training, "C", "c@example.org", user=ngo_member, organization=organization)
    mail.outbox.clear()

    send(services.registration_cancel, registration=waiting, by_link=True, now=NOW)

    third.refresh_from_db()
    assert third.status == "waiting"
    assert [m.to for m in mail.outbox] == [["b@example.org"]]


# --- Closed, cancelled, duplicates ----------------------------------------------------


@pytest.mark.parametrize("now", [DEADLINE, DEADLINE + HOUR], ids=["at", "after"])
def test_registration_after_the_deadline_is_refused(organization, ngo_member, now):
    training = WorkshopFactory()

    with pytest.raises(ValidationError) as caught:
        register(
            training,
            "Anna",
            "anna@example.org",
            user=ngo_member,
            organization=organization,
            now=now,
        )

    assert caught.value.messages == ["Registration closed on 11 March 2030, 12:00."]
    assert not Registration.objects.exists()


def test_registration_for_a_cancelled_training_is_refused():
    training = WorkshopFactory(status=Training.Status.CANCELLED)

    with pytest.raises(ValidationError) as caught:
        register(training, "Anna", "anna@example.org")

    assert caught.value.messages == ["This training has been cancelled."]
    assert not Registration.objects.exists()


def test_registration_for_a_draft_is_refused():
    with pytest.raises(ValidationError) as caught:
        register(WorkshopFactory(status=Training.Status.DRAFT), "Anna", "anna@example.org")

    assert caught.value.messages == ["Registration for this training is not open."]


def test_registration_once_the_training_has_started_is_refused():
    training = WorkshopFactory(registration_deadline=wed(12))

    with pytest.raises(ValidationError) as caught:
        register(training, "Anna", "anna@example.org", now=tue(11))

    assert caught.value.messages == ["This training has already started."]


def test_the_same_email_twice_is_refused_on_the_email_field(organization, ngo_member):
    training = WorkshopFactory(capacity=5)
    register(training, "Anna", "anna@example.org", user=ngo_member, organization=organization)

    with pytest.raises(ValidationError) as caught:
        register(
            training, "Anna N.", " ANNA@example.org ", user=ngo_member, organization=organization
        )

    assert caught.value.message_dict == {
        "email": ["anna@example.org is already registered for this training."]
    }
    assert Registration.objects.count() == 1


def test_after_cancelling_the_same_email_may_register_again(organization, ngo_member):
    training = WorkshopFactory(capacity=5)
    first = register(
        training, "Anna", "anna@example.org", user=ngo_member, organization=organization
    )
    services.registration_cancel(registration=first, by_link=True, now=NOW)

    again = register(
        training, "Anna", "anna@example.org", user=ngo_member, organization=organization
    )

    assert again.pk != first.pk and again.status == "registered"


@pytest.mark.parametrize(
    ("name", "email", "field"),
    [("", "anna@example.org", "name"), ("Anna", "not-an-address", "email")],
)
def test_a_person_needs_a_name_and_a_valid_address(name, email, field):
    with pytest.raises(ValidationError) as caught:
        register(WorkshopFactory(), name, email)

    assert field in caught.value.message_dict
    assert not Registration.objects.exists()


def test_only_members_register_people_for_an_organisation(organization, other_ngo_member):
    with pytest.raises(ValidationError) as caught:
        register(
            WorkshopFactory(),
            "Piotr",
            "piotr@example.org",
            user=other_ngo_member,
            organization=organization,
        )

    assert "organization" in caught.value.message_dict
    assert not Registration.objects.exists()


# --- Residents confirm their e-mail ---------------------------------------------------


def test_a_resident_is_unconfirmed_until_the_link_then_gets_a_seat(send):
    training = WorkshopFactory(capacity=1)

    registration = send(register, training, "Maria Mieszkanka", "maria@example.org")

    assert registration.status == "unconfirmed"
    assert registration.registered_by is None
    letter = only_letter_to("maria@example.org")
    assert letter.subject.startswith("Confirm your registration")
    assert not letter.attachments
    assert training.registrations.holding_seats().count() == 0

    mail.outbox.clear()
    found = services.registration_token_read(token_in(letter, "potwierdz"), services.CONFIRM)
    assert found == registration
    confirmed = send(services.registration_confirm_email, registration=found, now=NOW + HOUR)

    assert confirmed.status == "registered"
    assert confirmed.confirmed_at == NOW + HOUR
    assert only_letter_to("maria@example.org").subject.startswith("You are registered")
    # Confirming again changes nothing and sends nothing.
    mail.outbox.clear()
    again = send(services.registration_confirm_email, registration=found, now=NOW + 2 * HOUR)
    assert again.status == "registered" and again.confirmed_at == NOW + HOUR
    assert mail.outbox == []


def test_no_seat_is_held_before_confirming(organization, ngo_member, send):
    training = WorkshopFactory(capacity=1)
    resident = register(training, "Maria", "maria@example.org")
    register(training, "Anna", "anna@example.org", user=ngo_member, organization=organization)

    confirmed = send(services.registration_confirm_email, registration=resident, now=NOW)

    assert confirmed.status == "waiting"
    assert only_letter_to("maria@example.org").subject.startswith("You are on the waiting list")


def test_confirming_after_the_deadline_is_refused():
    training = WorkshopFactory()
    resident = register(training, "Maria", "maria@example.org")

    with pytest.raises(ValidationError) as caught:
        services.registration_confirm_email(registration=resident, now=DEADLINE)

    assert "Registration closed" in caught.value.messages[0]
    resident.refresh_from_db()
    assert resident.status == "unconfirmed"


def test_registering_again_before_confirming_sends_a_new_link(send):
    training = WorkshopFactory()
    first = send(register, training, "Maria", "maria@example.org")

    second = send(register, training, "Maria Mieszkanka", "maria@example.org")

    assert second.pk == first.pk and second.name == "Maria Mieszkanka"
    assert len(letters_to("maria@example.org")) == 2
    assert Registration.objects.count() == 1


def test_a_signed_in_person_registering_their_own_address_needs_no_link(advisor, send):
    registration = send(register, WorkshopFactory(), "Adam", advisor.email, user=advisor)

    assert registration.status == "registered"
    assert only_letter_to(advisor.email).subject.startswith("You are registered")


def test_a_signed_in_person_registering_another_address_confirms_it(advisor, send):
    registration = send(register, WorkshopFactory(), "Brat", "brat@example.org", user=advisor)

    assert registration.status == "unconfirmed"


# --- Tokens -----------------------------------------------------------------------------


def test_tampered_and_foreign_tokens_find_nothing():
    registration = register(WorkshopFactory(), "Maria", "maria@example.org")
    token = services.registration_token_make(registration, services.MANAGE)

    assert services.registration_token_read(token, services.MANAGE) == registration
    assert services.registration_token_read(token + "x", services.MANAGE) is None
    assert services.registration_token_read(token.replace(":", ";"), services.MANAGE) is None
    other_pk = token.replace(str(registration.pk), str(registration.pk + 1), 1)
    assert services.registration_token_read(other_pk, services.MANAGE) is None
    # A link for managing cannot confirm, nor the other way round.
    assert services.registration_token_read(token, services.CONFIRM) is None
    confirm = services.registration_token_make(registration, services.CONFIRM)
    assert services.registration_token_read(confirm, services.MANAGE) is None
    assert services.registration_token_read("", services.MANAGE) is None
    assert services.registration_token_read(None, services.CONFIRM) is None


def test_the_confirmation_link_expires_after_a_week():
    registration = register(WorkshopFactory(), "Maria", "maria@example.org")
    with time_machine.travel(NOW, tick=False):
        token = services.registration_token_make(registration, services.CONFIRM)
        manage = services.registration_token_make(registration, services.MANAGE)
    with time_machine.travel(NOW + datetime.timedelta(days=6), tick=False):
        assert services.registration_token_read(token, services.CONFIRM) == registration
    with time_machine.travel(NOW + datetime.timedelta(days=8), tick=False):
        assert services.registration_token_read(token, services.CONFIRM) is None
        assert services.registration_token_read(manage, services.MANAGE) == registration


# --- Cancelling a registration: who may ---------------------------------------------------


def test_who_may_cancel_a_registration(organization, ngo_member, other_ngo_member, staff):
    training = WorkshopFactory(capacity=5)
    colleague = MemberFactory(organization=organization)
    registration = register(
        training, "Anna", "anna@example.org", user=ngo_member, organization=organization
    )

    with pytest.raises(PermissionDenied):
        services.registration_cancel(registration=registration, user=other_ngo_member, now=NOW)
    with pytest.raises(PermissionDenied):
        services.registration_cancel(registration=registration, now=NOW)

    services.registration_cancel(registration=registration, user=colleague, now=NOW)
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    with pytest.raises(ValidationError, match="already cancelled"):
        services.registration_cancel(registration=registration, user=staff, now=NOW)


def test_cancelling_an_unconfirmed_registration_writes_to_nobody(staff, send):
    """Its confirmation e-mail promised not to write again without the confirmation
    (the address may be somebody else's, typed by mistake)."""
    training = WorkshopFactory(capacity=5)
    registration = send(register, training, "Maria", "maria@example.org")
    assert registration.status == "unconfirmed"
    mail.outbox.clear()

    send(services.registration_cancel, registration=registration, user=staff, now=NOW)

    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert mail.outbox == []


def test_the_link_cannot_cancel_once_the_training_has_started_but_staff_can(staff):
    training = WorkshopFactory(capacity=5, registration_deadline=local(2030, 3, 1))
    registration = Registration.objects.create(
        training=training, name="Anna", email="anna@example.org", status="registered"
    )

    with pytest.raises(ValidationError, match="already started"):
        services.registration_cancel(registration=registration, by_link=True, now=tue(11))
    registration.refresh_from_db()
    assert registration.status == "registered"

    services.registration_cancel(registration=registration, user=staff, now=tue(11))
    registration.refresh_from_db()
    assert registration.status == "cancelled"


# --- Publishing: rooms reserved all or nothing -----------------------------------------


def test_publishing_reserves_the_room_of_every_session_for_the_centre(staff):
    room = TrainingRoomFactory()
    training = WorkshopFactory(
        status=Training.Status.DRAFT,
        place="",
        capacity=12,
        sessions=[(tue(10), tue(12), room), (wed(10), wed(12), room)],
    )

    services.training_publish(training=training, user=staff)

    training.refresh_from_db()
    assert training.status == "published"
    bookings = Booking.objects.filter(resource=room).order_by("start")
    assert [(b.start, b.end) for b in bookings] == [(tue(10), tue(12)), (wed(10), wed(12))]
    assert {b.organization for b in bookings} == {None}
    assert {b.status for b in bookings} == {"confirmed"}
    assert {b.attendees for b in bookings} == {12}
    assert all("Jak napisać wniosek grantowy" in b.title for b in bookings)
    sessions = list(training.sessions.order_by("start"))
    assert [s.room_booking for s in sessions] == list(bookings)


def test_a_moved_session_releases_its_old_room_booking_quietly(staff, send):
    room = TrainingRoomFactory()
    training = WorkshopFactory(
        status=Training.Status.DRAFT, place="", sessions=[(tue(11), tue(13), room)]
    )
    old = BookingFactory(
        resource=room,
        organization=None,
        start=tue(10),
        end=tue(12),
        title="Szkolenie",
        created_by=staff,
    )
    training.sessions.update(room_booking=old)  # booked for 10:00, then moved an hour on
    mail.outbox.clear()

    send(services.training_publish, training=training, user=staff)

    old.refresh_from_db()
    assert (old.status, old.cancelled_by) == ("cancelled", staff)
    assert list(old.changes.values_list("action", "note")) == [
        ("cancelled", "The training session has moved.")
    ]
    session = training.sessions.get()
    assert (session.room_booking.start, session.room_booking.status) == (tue(11), "confirmed")
    assert mail.outbox == []  # the centre's own booking: nobody to tell


def test_a_taken_room_stops_publishing_and_names_the_session_and_the_conflict(staff):
    room = TrainingRoomFactory()
    BookingFactory(
        resource=room,
        start=tue(11),
        end=tue(13),
        title="Walne zebranie",
        organization=OrganizationFactory(name="Fundacja Zielone Wzgórza"),
    )
    training = WorkshopFactory(
        status=Training.Status.DRAFT,
        place="",
        sessions=[(wed(10), wed(12), room), (tue(10), tue(12), room)],
    )

    with pytest.raises(ValidationError) as caught:
        services.training_publish(training=training, user=staff)

    messages = caught.value.messages
    assert messages[0] == "The training was not published."
    assert len(messages) == 2
    assert "Tuesday, 12 March 2030, 10:00–12:00" in messages[1]
    assert "Training room" in messages[1]
    assert "This time has just been booked" in messages[1]
    assert "11:00–13:00 for “Walne zebranie” (Fundacja Zielone Wzgórza)" in messages[1]
    # All or nothing: the free Wednesday was not reserved either.
    training.refresh_from_db()
    assert training.status == "draft"
    assert Booking.objects.filter(resource=room).count() == 1
    assert not TrainingSession.objects.filter(room_booking__isnull=False).exists()


def test_sessions_of_one_training_cannot_share_a_room_at_once(staff):
    room = TrainingRoomFactory()
    training = WorkshopFactory(
        status=Training.Status.DRAFT, sessions=[(tue(10), tue(12), room), (tue(11), tue(13), room)]
    )

    with pytest.raises(ValidationError) as caught:
        services.training_publish(training=training, user=staff)

    assert "Tuesday, 12 March 2030, 11:00–13:00" in caught.value.messages[1]
    assert not Booking.objects.exists()


def test_an_online_training_needs_no_room_but_every_training_needs_a_session(staff):
    online = WorkshopFactory(status=Training.Status.DRAFT, is_online=True, place="")
    services.training_publish(training=online, user=staff)
    online.refresh_from_db()
    assert online.status == "published"
    assert not Booking.objects.exists()

    empty = WorkshopFactory(status=Training.Status.DRAFT, sessions=[])
    with pytest.raises(ValidationError, match="at least one session"):
        services.training_publish(training=empty, user=staff)
    nowhere = WorkshopFactory(status=Training.Status.DRAFT, place="")
    with pytest.raises(ValidationError, match="choose a room"):
        services.training_publish(training=nowhere, user=staff)
    with pytest.raises(ValidationError, match="Only a draft"):
        services.training_publish(training=online, user=staff)


# --- Cancelling a training ------------------------------------------------------------------


def test_cancelling_a_training_emails_everyone_and_frees_the_rooms(
    staff, organization, ngo_member, send
):
    room = TrainingRoomFactory()
    training = WorkshopFactory(
        status=Training.Status.DRAFT, capacity=2, place="", sessions=[(tue(10), tue(12), room)]
    )
    services.training_publish(training=training, user=staff)
    for n in range(3):
        register(
            training, f"Osoba {n}", f"p{n}@example.org", user=ngo_member, organization=organization
        )
    register(training, "Maria", "maria@example.org")  # not confirmed yet
    mail.outbox.clear()

    with pytest.raises(ValidationError) as caught:
        services.training_cancel(training=training, user=staff, reason="  ")
    assert "reason" in caught.value.message_dict
    send(services.training_cancel, training=training, user=staff, reason="Choroba trenera.")

    training.refresh_from_db()
    assert training.status == "cancelled"
    assert training.cancellation_reason == "Choroba trenera."
    for address in ["p0@example.org", "p1@example.org", "p2@example.org"]:
        letter = only_letter_to(address)
        assert letter.subject.startswith("Training cancelled")
        assert "Reason: Choroba trenera." in letter.body
        assert calendar_of(letter)["method"] == "CANCEL"
        assert {e["status"] for e in events_of(letter)} == {"CANCELLED"}
    # Maria never confirmed her address: her confirmation e-mail promised that
    # nobody would write to her again about this training.
    assert letters_to("maria@example.org") == []
    assert set(Registration.objects.values_list("status", flat=True)) == {"cancelled"}
    booking = Booking.objects.get(resource=room)
    assert booking.status == "cancelled"
    # Released for the centre's own use: a line in its history, and no letter to
    # the staff member who published the training.
    assert list(booking.changes.order_by("pk").values_list("action", "note"))[-1] == (
        "cancelled",
        "Training cancelled: Choroba trenera.",
    )
    assert letters_to(staff.email) == []
    # The room is free again for an organisation.
    assert BookingFactory(resource=room, start=tue(10), end=tue(12)).pk
    with pytest.raises(ValidationError, match="already cancelled"):
        services.training_cancel(training=training, user=staff, reason="Znowu.")


# --- Attendance -----------------------------------------------------------------------------


def test_staff_mark_attendance_of_registered_people_once_the_training_began(staff, ngo_member):
    day = timezone.localdate() - datetime.timedelta(days=3)
    started = WorkshopFactory(
        sessions=[
            (local(day.year, day.month, day.day, 10), local(day.year, day.month, day.day, 12))
        ],
        registration_deadline=local(day.year, day.month, day.day, 8),
    )
    came = Registration.objects.create(
        training=started, name="A", email="a@example.org", status="registered"
    )
    waiting = Registration.objects.create(
        training=started, name="B", email="b@example.org", status="waiting"
    )

    services.registration_mark_attendance(registration=came, attended=True, user=staff)
    came.refresh_from_db()
    assert came.attended is True
    services.registration_mark_attendance(registration=came, attended=False, user=staff)
    came.refresh_from_db()
    assert came.attended is False
    with pytest.raises(PermissionDenied):
        services.registration_mark_attendance(registration=came, attended=True, user=ngo_member)
    with pytest.raises(ValidationError, match="registered people only"):
        services.registration_mark_attendance(registration=waiting, attended=True, user=staff)
    future = WorkshopFactory()
    ahead = Registration.objects.create(
        training=future, name="C", email="c@example.org", status="registered"
    )
    with pytest.raises(ValidationError, match="not started"):
        services.registration_mark_attendance(registration=ahead, attended=True, user=staff)


# --- Reminders ------------------------------------------------------------------------------


def test_reminders_go_the_day_before_the_first_session_once(send):
    monday = local(2030, 3, 11, 18)
    tomorrow = WorkshopFactory(
        capacity=1, is_online=True, online_details="https://meet.example/abc"
    )
    later = WorkshopFactory(sessions=[(local(2030, 3, 14, 10), local(2030, 3, 14, 12))])
    series_started = WorkshopFactory(
        sessions=[(local(2030, 3, 5, 10), local(2030, 3, 5, 12)), (tue(10), tue(12))]
    )
    Registration.objects.create(
        training=tomorrow, name="A", email="a@example.org", status="registered", language="en"
    )
    Registration.objects.create(
        training=tomorrow, name="W", email="w@example.org", status="waiting"
    )
    Registration.objects.create(
        training=later, name="L", email="l@example.org", status="registered"
    )
    Registration.objects.create(
        training=series_started, name="S", email="s@example.org", status="registered"
    )
    cancelled = WorkshopFactory(status=Training.Status.CANCELLED)
    Registration.objects.create(
        training=cancelled, name="C", email="c@example.org", status="registered"
    )

    assert send(services.training_reminders_send, now=monday) == 1

    letter = only_letter_to("a@example.org")
    assert letter.subject.startswith("Reminder: your training tomorrow")
    assert "https://meet.example/abc" in letter.body
    assert events_of(letter)
    assert len(mail.outbox) == 1
    mail.outbox.clear()
    assert send(services.training_reminders_send, now=monday + HOUR) == 0
    assert mail.outbox == []


def test_the_reminder_command_reports_how_many_were_sent(capsys):
    training = WorkshopFactory()
    Registration.objects.create(
        training=training, name="A", email="a@example.org", status="registered"
    )
    with time_machine.travel(local(2030, 3, 11, 18), tick=False):
        call_command("send_training_reminders")
        call_command("send_training_reminders")
    assert capsys.readouterr().out.splitlines() == [
        "Training reminders sent: 1.",
        "Training reminders sent: 0.",
    ]


# --- Online details only for registered people ------------------------------------------------


def test_how_to_join_online_goes_only_to_people_with_a_seat(organization, ngo_member, send):
    training = WorkshopFactory(
        capacity=1, is_online=True, place="", online_details="https://meet.example/tajne"
    )
    first = send(
        register, training, "A", "a@example.org", user=ngo_member, organization=organization
    )
    send(register, training, "B", "b@example.org", user=ngo_member, organization=organization)
    send(register, training, "Maria", "maria@example.org")

    assert "https://meet.example/tajne" in only_letter_to("a@example.org").body
    assert "https://meet.example/tajne" in str(
        events_of(only_letter_to("a@example.org"))[0]["description"]
    )
    for address in ["b@example.org", "maria@example.org"]:
        letter = only_letter_to(address)
        assert "meet.example" not in letter.body
        assert all("meet.example" not in str(content) for _n, content, _t in letter.attachments)
    mail.outbox.clear()

    send(services.registration_cancel, registration=first, by_link=True, now=NOW)

    assert "https://meet.example/tajne" in only_letter_to("b@example.org").body
    assert "meet.example" not in only_letter_to("a@example.org").body


# --- Calendar files -----------------------------------------------------------------------------


def test_the_calendar_files_have_every_session_with_its_place():
    room = TrainingRoomFactory()
    training = WorkshopFactory(
        place="",
        sessions=[(tue(10), tue(12), room), (wed(9), wed(11, 30))],
        is_online=True,
        online_details="https://meet.example/x",
    )
    registration = Registration.objects.create(
        training=training, name="Anna Nowak", email="anna@example.org", status="registered"
    )
    sessions = list(training.sessions.select_related("room").order_by("start"))

    public = Calendar.from_ical(training_ics.training_calendar(training, sessions))
    events = public.walk("VEVENT")
    assert [e.decoded("dtstart") for e in events] == [
        tue(10).astimezone(datetime.UTC),
        wed(9).astimezone(datetime.UTC),
    ]
    assert [e.decoded("dtend") for e in events] == [
        tue(12).astimezone(datetime.UTC),
        wed(11, 30).astimezone(datetime.UTC),
    ]
    assert str(events[0]["summary"]) == training.title_en
    assert str(events[0]["location"]) == "Training room, NGO Cooperation Centre, Białystok"
    assert str(events[1]["location"]) == "Online"
    assert {str(e["status"]) for e in events} == {"CONFIRMED"}
    assert f"/szkolenia/{training.slug}/" in str(events[0]["url"])
    raw = training_ics.training_calendar(training, sessions)
    for secret in [b"Anna", b"anna@example.org", b"meet.example"]:
        assert secret not in raw

    personal = Calendar.from_ical(
        training_ics.registration_calendar(training, sessions, registration)
    )
    assert personal["method"] == "PUBLISH"
    personal_events = personal.walk("VEVENT")
    assert len(personal_events) == 2
    assert {str(e["uid"]) for e in personal_events}.isdisjoint({str(e["uid"]) for e in events})
    assert "https://meet.example/x" in str(personal_events[0]["description"])
