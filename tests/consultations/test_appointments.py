"""Booking individual consultations through `consultations.services.appointments`: who gets a
confirmed appointment and who confirms by e-mail, the rules that refuse a booking,
the slot that was just taken, cancelling and moving, marks and private notes, the
letters (with calendar files), the reminders and the expiry of holds.

Dates are fixed in 2030 and every call passes `now=`, so the tests do not depend
on today's date. Messages are checked in English (the source language).
"""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import clear_url_caches
from django.utils import translation
from icalendar import Calendar

from consultations import client_links
from consultations.ics import appointments as ics
from consultations.models import Appointment, AppointmentChange, Mode
from consultations.services import appointments as services
from consultations.services.appointments import SlotTaken
from consultations.slots import free_slots
from rooms.models import Booking
from rooms.services import bookings as room_services
from tests.consultations.factories import (
    AdvisorFactory,
    AppointmentFactory,
    AvailabilityRuleFactory,
    TopicFactory,
    book_appointment,
    consultation_settings,
)
from tests.factories import local
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.rooms.factories import BookingFactory, ResourceFactory

pytestmark = pytest.mark.django_db

NOW = local(2030, 3, 8, 9)  # Friday morning
TUESDAY = datetime.date(2030, 3, 12)
MINUTE = datetime.timedelta(minutes=1)
TAKEN = "This slot has just been booked by someone else. Here are the nearest free ones."


def tue(hour, minute=0, day=12):
    return local(2030, 3, day, hour, minute)


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages and letters in English, the source language of the texts. (The URL
    resolver caches each language's prefix: start and end with fresh caches, so that
    English as the default language does not leak into other tests' addresses.)"""
    clear_url_caches()
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
    clear_url_caches()


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run a call and send the letters it queued (as after a real commit)."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


@pytest.fixture
def advisor(advisor, staff):
    """An advisor with an account (the persona), consulting on fundraising and
    statutes on Tuesdays 10:00–12:00 by phone (slots at 10:00 and 11:00)."""
    profile = AdvisorFactory(
        name="Ewa Doradczyni", user=advisor, topics=["pozyskiwanie-funduszy", "statuty"]
    )
    AvailabilityRuleFactory(
        advisor=profile, weekday=1, starts=datetime.time(10), ends=datetime.time(12)
    )
    return profile


@pytest.fixture
def organization(ngo_member):
    organization = OrganizationFactory(name="Stowarzyszenie Seniorów Bojary")
    MembershipFactory(user=ngo_member, organization=organization)
    return organization


def book(send, advisor, start=None, **overrides):
    values = {"advisor": advisor, "start": start or tue(10), "now": NOW}
    values.update(overrides)
    return send(book_appointment, **values)


def member_books(send, advisor, ngo_member, organization, start=None, **overrides):
    return book(
        send,
        advisor,
        start,
        user=ngo_member,
        organization=organization,
        client_name=ngo_member.get_full_name(),
        client_email=ngo_member.email,
        **overrides,
    )


def free_times(advisor, now=NOW, day=TUESDAY):
    return [
        f"{slot.local_start:%H:%M}"
        for slot in free_slots(advisors=[advisor], first_day=day, last_day=day, now=now)
    ]


def letters_to(address):
    return [message for message in mail.outbox if address in message.to]


def calendar_event(attachment):
    filename, content, mimetype = attachment
    assert mimetype == "text/calendar"
    calendar = Calendar.from_ical(content)
    return calendar, calendar.walk("VEVENT")[0]


def linked(letter, kind="wizyta"):
    """The appointment the letter's link (/konsultacje/<kind>/<token>/) opens."""
    match = re.search(rf"/konsultacje/{kind}/([^/\s]+)/", letter.body)
    assert match, letter.body
    return client_links.read_client_token(match.group(1), now=NOW)


def history(appointment):
    return list(
        AppointmentChange.objects.filter(appointment=appointment)
        .order_by("created_at", "pk")
        .values_list("action", flat=True)
    )


# --- Booking: members and residents ------------------------------------------------------


def test_a_member_booking_for_their_organisation_is_confirmed_at_once(
    send, advisor, ngo_member, organization, staff, mailoutbox
):
    appointment = member_books(send, advisor, ngo_member, organization)

    assert appointment.status == Appointment.Status.CONFIRMED
    assert appointment.organization == organization
    assert appointment.user == ngo_member
    assert (appointment.mode, appointment.room_booking) == (Mode.PHONE, None)
    assert (appointment.local_start.hour, appointment.local_end.minute) == (10, 45)
    assert free_times(advisor) == ["11:00"]
    assert history(appointment) == ["booked"]
    # The client's letter: details, the calendar file and the link to manage it.
    (letter,) = letters_to(ngo_member.email)
    assert "Consultation confirmed" in letter.subject
    assert "Ewa Doradczyni" in letter.body
    assert linked(letter) == appointment
    _calendar, event = calendar_event(letter.attachments[0])
    assert event["dtstart"].dt == tue(10)
    assert str(event["status"]) == "CONFIRMED"
    # The advisor and staff are told, with the client's contact.
    (team,) = letters_to(staff.email)
    assert advisor.user.email in team.to
    assert "New consultation" in team.subject
    assert ngo_member.email in team.body


def test_a_resident_confirms_by_e_mail_and_then_the_appointment_is_confirmed(
    send, advisor, staff, mailoutbox
):
    appointment = book(send, advisor, client_email="maria@example.net")

    assert appointment.status == Appointment.Status.HELD
    assert appointment.held_until == NOW + datetime.timedelta(minutes=30)
    assert free_times(advisor) == ["11:00"]  # held meanwhile
    (letter,) = mailoutbox
    assert letter.to == ["maria@example.net"]
    assert "Confirm your consultation" in letter.subject
    assert linked(letter, "potwierdz") == appointment
    token = re.search(r"/konsultacje/potwierdz/([^/\s]+)/", letter.body).group(1)
    assert str(calendar_event(letter.attachments[0])[1]["status"]) == "TENTATIVE"
    assert letters_to(staff.email) == []  # nobody is bothered before it is confirmed

    mail.outbox.clear()
    confirmed = send(
        services.appointment_confirm_email,
        appointment=client_links.read_client_token(token, now=NOW),
        now=NOW + 10 * MINUTE,
    )

    assert confirmed.status == Appointment.Status.CONFIRMED
    assert confirmed.confirmed_at == NOW + 10 * MINUTE
    assert history(confirmed) == ["booked", "confirmed"]
    (client_letter,) = letters_to("maria@example.net")
    assert "Consultation confirmed" in client_letter.subject
    assert linked(client_letter) == appointment
    assert letters_to(staff.email) and letters_to(advisor.user.email)


def test_confirming_twice_changes_nothing(send, advisor):
    appointment = book(send, advisor)
    send(services.appointment_confirm_email, appointment=appointment, now=NOW + MINUTE)
    mail.outbox.clear()

    again = services.appointment_confirm_email(appointment=appointment, now=NOW + 2 * MINUTE)

    assert again.status == Appointment.Status.CONFIRMED
    assert mail.outbox == []


def test_an_account_without_an_organisation_confirms_by_e_mail_too(send, advisor, other_ngo_member):
    appointment = book(send, advisor, user=other_ngo_member, client_email=other_ngo_member.email)

    assert appointment.status == Appointment.Status.HELD
    assert appointment.user == other_ngo_member


def test_staff_booking_on_somebodys_behalf_is_confirmed_at_once(send, advisor, staff):
    appointment = book(send, advisor, user=staff, client_email="telefon@example.net")

    assert appointment.status == Appointment.Status.CONFIRMED


# --- Holds that were not confirmed -------------------------------------------------------


def test_confirming_too_late_frees_the_slot_and_says_so(send, advisor, mailoutbox):
    appointment = book(send, advisor)
    mail.outbox.clear()

    with pytest.raises(ValidationError) as caught:
        services.appointment_confirm_email(appointment=appointment, now=NOW + 31 * MINUTE)

    assert "The time to confirm has passed" in caught.value.messages[0]
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.EXPIRED
    assert free_times(advisor, now=NOW + 31 * MINUTE) == ["10:00", "11:00"]
    assert mailoutbox == []


def test_a_hold_that_ran_out_does_not_stop_somebody_else_booking(
    send, advisor, ngo_member, organization
):
    first = book(send, advisor)

    second = member_books(
        send, advisor, ngo_member, organization, now=NOW + datetime.timedelta(hours=1)
    )

    assert second.status == Appointment.Status.CONFIRMED
    first.refresh_from_db()
    assert first.status == Appointment.Status.EXPIRED
    assert history(first) == ["booked", "expired"]


def test_expiring_holds_frees_their_slots_and_rooms_once(send, advisor):
    room = ResourceFactory()
    in_person = AdvisorFactory()
    AvailabilityRuleFactory(advisor=in_person, mode=Mode.IN_PERSON, room=room)
    held = book(send, advisor)
    held_in_room = book(send, in_person)
    assert held_in_room.room_booking.status == Booking.Status.CONFIRMED
    later = NOW + datetime.timedelta(hours=2)

    assert services.appointment_holds_expire(now=NOW + 29 * MINUTE) == 0
    assert services.appointment_holds_expire(now=later) == 2
    assert services.appointment_holds_expire(now=later) == 0

    for appointment in (held, held_in_room):
        appointment.refresh_from_db()
        assert appointment.status == Appointment.Status.EXPIRED
    held_in_room.room_booking.refresh_from_db()
    assert held_in_room.room_booking.status == Booking.Status.CANCELLED
    assert free_times(in_person, now=later) == ["10:00", "11:00"]


def test_the_expire_command_prints_how_many(send, advisor):
    AppointmentFactory(
        advisor=advisor,
        status=Appointment.Status.HELD,
        held_until=local(2020, 1, 1, 10),
        start=local(2030, 3, 12, 10),
    )
    out = io.StringIO()

    call_command("expire_appointment_holds", stdout=out)
    call_command("expire_appointment_holds", stdout=out)

    assert out.getvalue().splitlines() == [
        "Appointment holds expired: 1.",
        "Appointment holds expired: 0.",
    ]


# --- The signed link ---------------------------------------------------------------------


def test_the_link_works_until_after_the_end_and_not_when_tampered(send, advisor):
    appointment = book(send, advisor)
    token = client_links.make_client_token(appointment)

    assert client_links.read_client_token(token, now=NOW) == appointment
    assert client_links.read_client_token(token, now=appointment.end + datetime.timedelta(days=6))
    assert (
        client_links.read_client_token(token, now=appointment.end + datetime.timedelta(days=8))
        is None
    )
    pk, rest = token.split("-", 1)
    for bad in [
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        f"{int(pk) + 1}-{rest}",
        "",
        "nonsense",
        token + ":x",
    ]:
        assert client_links.read_client_token(bad, now=NOW) is None


# --- Refused bookings ---------------------------------------------------------------------


def refused(send, advisor, **overrides):
    with pytest.raises(ValidationError) as caught:
        book(send, advisor, **overrides)
    return caught.value.message_dict


def test_a_topic_the_advisor_does_not_offer_is_refused(send, advisor):
    errors = refused(send, advisor, topic=TopicFactory(slug="zbiorki-publiczne"))

    assert errors == {"topic": ["Choose one of the topics this advisor consults on."]}
    assert Appointment.objects.count() == 0


def test_the_consent_and_the_clients_details_are_required(send, advisor):
    errors = refused(
        send,
        advisor,
        consent=False,
        client_name="  ",
        client_email="not-an-address",
        question="",
        client_phone="1" * 41,
    )

    assert set(errors) == {"consent", "client_name", "client_email", "question", "client_phone"}
    assert Appointment.objects.count() == 0


def test_a_member_cannot_book_for_another_organisation(
    send, advisor, other_ngo_member, organization
):
    errors = refused(send, advisor, user=other_ngo_member, organization=organization)

    assert list(errors) == ["organization"]


def test_an_organisation_over_its_limit_of_active_appointments_is_refused(
    send, advisor, ngo_member, organization
):
    consultation_settings(max_active_per_organization=2)
    AvailabilityRuleFactory(advisor=advisor, weekday=3)  # Thursdays too
    member_books(send, advisor, ngo_member, organization, tue(10))
    member_books(send, advisor, ngo_member, organization, tue(11))
    past = AppointmentFactory(  # over already: does not count
        advisor=advisor, organization=organization, start=local(2030, 3, 1, 10)
    )
    assert past.status == Appointment.Status.CONFIRMED

    with pytest.raises(ValidationError) as caught:
        member_books(send, advisor, ngo_member, organization, tue(10, day=14))

    assert caught.value.message_dict == {
        "organization": [
            "Stowarzyszenie Seniorów Bojary already has 2 upcoming appointments, the most "
            "allowed at once. Cancel one or book after it."
        ]
    }
    consultation_settings(max_active_per_organization=None)
    assert member_books(send, advisor, ngo_member, organization, tue(10, day=14))


def test_a_time_that_is_not_a_slot_is_refused_with_the_free_ones(send, advisor):
    with pytest.raises(SlotTaken) as caught:
        book(send, advisor, start=tue(10, 30))

    assert caught.value.message_dict == {
        "start": [
            "This time is not one of the advisor's free slots. Here are the nearest free ones."
        ]
    }
    assert [f"{slot.local_start:%d %H:%M}" for slot in caught.value.nearest][:2] == [
        "12 10:00",
        "12 11:00",
    ]


def test_a_slot_just_taken_says_so_and_lists_the_nearest_free_slots(
    send, advisor, ngo_member, organization
):
    member_books(send, advisor, ngo_member, organization)

    with pytest.raises(SlotTaken) as caught:
        book(send, advisor)

    assert caught.value.message_dict == {"start": [TAKEN]}
    assert [f"{slot.local_start:%d.%m %H:%M}" for slot in caught.value.nearest] == [
        "12.03 11:00",
        "19.03 10:00",
        "19.03 11:00",
        "26.03 10:00",
        "26.03 11:00",
    ]
    assert Appointment.objects.count() == 1


def test_booking_outside_the_window_is_refused(send, advisor):
    with pytest.raises(SlotTaken):
        book(send, advisor, now=local(2030, 3, 11, 11))  # 10:00 is less than 24 hours away


# --- In person: the room is booked too -----------------------------------------------------


def test_an_in_person_appointment_books_its_room_for_the_centre(send, ngo_member, organization):
    room = ResourceFactory(name_pl="Sala konsultacji", requires_approval=True)
    advisor = AdvisorFactory(name="Jan Doradca")
    AvailabilityRuleFactory(advisor=advisor, mode=Mode.IN_PERSON, room=room)

    appointment = member_books(send, advisor, ngo_member, organization)

    booking = appointment.room_booking
    assert appointment.mode == Mode.IN_PERSON
    assert (booking.resource, booking.organization, booking.status) == (
        room,
        None,
        Booking.Status.CONFIRMED,
    )
    assert (booking.start, booking.end) == (tue(10), tue(11))  # on the room's 30-minute grid
    assert "Jan Doradca" in booking.title
    assert ngo_member.get_full_name() not in booking.title
    # The room is taken for others.
    with pytest.raises(ValidationError):
        room_services.booking_create(
            resource=room,
            organization=organization,
            user=ngo_member,
            start=tue(10, 30),
            end=tue(11, 30),
            title="Zebranie",
            now=NOW,
        )


def test_an_in_person_slot_whose_room_was_just_booked_is_refused(send, ngo_member, organization):
    room = ResourceFactory()
    advisor = AdvisorFactory()
    AvailabilityRuleFactory(advisor=advisor, mode=Mode.IN_PERSON, room=room)
    BookingFactory(resource=room, start=tue(10), end=tue(10, 30))

    with pytest.raises(SlotTaken) as caught:
        member_books(send, advisor, ngo_member, organization)

    assert [f"{slot.local_start:%H:%M}" for slot in caught.value.nearest][:1] == ["11:00"]
    assert Appointment.objects.count() == 0


def test_a_lapsed_hold_of_another_advisor_does_not_keep_the_room(send, ngo_member, organization):
    room = ResourceFactory()
    first, second = AdvisorFactory(), AdvisorFactory()
    AvailabilityRuleFactory(advisor=first, mode=Mode.IN_PERSON, room=room)
    AvailabilityRuleFactory(advisor=second, mode=Mode.IN_PERSON, room=room)
    lapsed = book(send, first)  # held for 30 minutes, holding the room
    later = NOW + datetime.timedelta(hours=1)
    assert free_times(second) == ["11:00"]
    assert free_times(second, now=later) == ["10:00", "11:00"]

    appointment = member_books(send, second, ngo_member, organization, now=later)

    assert appointment.room_booking.resource == room
    lapsed.refresh_from_db()
    assert lapsed.status == Appointment.Status.EXPIRED
    assert lapsed.room_booking.status == Booking.Status.CANCELLED


def test_if_the_room_service_refuses_nothing_is_booked(send, ngo_member, organization, monkeypatch):
    room = ResourceFactory()
    advisor = AdvisorFactory()
    AvailabilityRuleFactory(advisor=advisor, mode=Mode.IN_PERSON, room=room)

    def refuse(**kwargs):
        raise ValidationError({"start": ["This time has just been booked by someone else."]})

    monkeypatch.setattr(services.room_services, "booking_create", refuse)

    with pytest.raises(SlotTaken) as caught:
        member_books(send, advisor, ngo_member, organization)

    assert caught.value.message_dict == {"start": [TAKEN]}
    assert Appointment.objects.count() == 0


# --- Cancelling ---------------------------------------------------------------------------


def test_the_client_cancels_through_the_link_and_the_slot_is_free_again(
    send, advisor, ngo_member, organization, staff
):
    appointment = member_books(send, advisor, ngo_member, organization)
    mail.outbox.clear()

    send(
        services.appointment_cancel,
        appointment=appointment,
        by_client=True,
        reason="Sprawa się wyjaśniła.",
        now=NOW,
    )

    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.cancelled_by_client
    assert free_times(advisor) == ["10:00", "11:00"]
    (letter,) = letters_to(ngo_member.email)
    assert "Consultation cancelled" in letter.subject
    calendar, event = calendar_event(letter.attachments[0])
    assert str(calendar["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"
    (team,) = letters_to(staff.email)
    assert advisor.user.email in team.to
    assert "The client has cancelled" in team.body
    assert history(appointment) == ["booked", "cancelled"]


def test_the_client_cannot_cancel_after_the_cut_off(send, advisor, ngo_member, organization):
    appointment = member_books(send, advisor, ngo_member, organization)

    with pytest.raises(ValidationError) as caught:
        services.appointment_cancel(
            appointment=appointment, by_client=True, now=tue(8, 30)
        )  # the cut-off is 2 hours before

    assert "until 2 hours before the start" in caught.value.messages[0]
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED


def test_staff_and_the_advisor_cancel_any_time_before_the_start(
    send, advisor, ngo_member, organization, staff, other_ngo_member
):
    first = member_books(send, advisor, ngo_member, organization, tue(10))
    second = member_books(send, advisor, ngo_member, organization, tue(11))

    with pytest.raises(PermissionDenied):
        services.appointment_cancel(appointment=first, user=other_ngo_member, now=tue(9, 30))
    mail.outbox.clear()
    send(
        services.appointment_cancel,
        appointment=first,
        user=staff,
        reason="Doradczyni jest chora.",
        now=tue(9, 30),
    )
    send(services.appointment_cancel, appointment=second, user=advisor.user, now=tue(9, 30))
    with pytest.raises(ValidationError):
        services.appointment_cancel(appointment=first, user=staff, now=tue(9, 30))

    (letter, _second) = letters_to(ngo_member.email)
    assert "the centre has had to cancel" in letter.body
    assert "Doradczyni jest chora." in letter.body


def test_an_in_person_cancellation_frees_the_room(send, ngo_member, organization):
    room = ResourceFactory()
    advisor = AdvisorFactory()
    AvailabilityRuleFactory(advisor=advisor, mode=Mode.IN_PERSON, room=room)
    appointment = member_books(send, advisor, ngo_member, organization)

    send(services.appointment_cancel, appointment=appointment, by_client=True, now=NOW)

    appointment.room_booking.refresh_from_db()
    assert appointment.room_booking.status == Booking.Status.CANCELLED
    assert appointment.room_booking.changes.filter(action="cancelled").exists()
    assert free_times(advisor) == ["10:00", "11:00"]


# --- Moving ------------------------------------------------------------------------------


def test_moving_books_the_new_slot_and_frees_the_old_one(
    send, advisor, ngo_member, organization, staff
):
    appointment = member_books(send, advisor, ngo_member, organization)
    services.appointment_set_notes(appointment=appointment, notes="Statut z 2019.", user=staff)
    mail.outbox.clear()

    new = send(services.appointment_reschedule, appointment=appointment, new_start=tue(11), now=NOW)

    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert new.status == Appointment.Status.CONFIRMED
    assert (new.local_start.hour, new.client_email, new.organization) == (
        11,
        ngo_member.email,
        organization,
    )
    assert new.private_notes == "Statut z 2019."
    assert free_times(advisor) == ["10:00"]
    (letter,) = letters_to(ngo_member.email)
    assert "moved" in letter.subject
    assert linked(letter) == new
    assert [calendar_event(a)[1]["status"] for a in letter.attachments] == [
        "CONFIRMED",
        "CANCELLED",
    ]
    assert letters_to(staff.email)
    assert history(appointment)[-1] == "rescheduled"


def test_moving_to_a_taken_slot_changes_nothing(send, advisor, ngo_member, organization):
    appointment = member_books(send, advisor, ngo_member, organization, tue(10))
    book(send, advisor, start=tue(11))
    mail.outbox.clear()

    with pytest.raises(SlotTaken) as caught:
        services.appointment_reschedule(appointment=appointment, new_start=tue(11), now=NOW)

    assert caught.value.message_dict == {"start": [TAKEN]}
    assert tue(10) not in [slot.start for slot in caught.value.nearest]
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED
    assert Appointment.objects.filter(status=Appointment.Status.CONFIRMED).count() == 1
    assert mail.outbox == []


def test_moving_an_in_person_appointment_moves_its_room(send, ngo_member, organization):
    room = ResourceFactory()
    advisor = AdvisorFactory()
    AvailabilityRuleFactory(advisor=advisor, mode=Mode.IN_PERSON, room=room)
    appointment = member_books(send, advisor, ngo_member, organization, tue(10))

    new = services.appointment_reschedule(appointment=appointment, new_start=tue(11), now=NOW)

    appointment.room_booking.refresh_from_db()
    assert appointment.room_booking.status == Booking.Status.CANCELLED
    assert (new.room_booking.start, new.room_booking.status) == (tue(11), Booking.Status.CONFIRMED)


def test_a_held_appointment_cannot_be_moved(send, advisor):
    appointment = book(send, advisor)

    with pytest.raises(ValidationError):
        services.appointment_reschedule(appointment=appointment, new_start=tue(11), now=NOW)


# --- Marks and private notes ---------------------------------------------------------------


def test_staff_and_the_advisor_mark_attendance_after_the_start(
    send, advisor, ngo_member, organization, staff, other_ngo_member
):
    appointment = member_books(send, advisor, ngo_member, organization)

    with pytest.raises(ValidationError):
        services.appointment_mark(
            appointment=appointment,
            status=Appointment.Status.ATTENDED,
            user=staff,
            now=tue(9, 59),
        )
    with pytest.raises(PermissionDenied):
        services.appointment_mark(
            appointment=appointment,
            status=Appointment.Status.ATTENDED,
            user=other_ngo_member,
            now=tue(11),
        )
    with pytest.raises(ValidationError):
        services.appointment_mark(
            appointment=appointment, status=Appointment.Status.CANCELLED, user=staff, now=tue(11)
        )
    services.appointment_mark(
        appointment=appointment, status=Appointment.Status.NO_SHOW, user=advisor.user, now=tue(11)
    )
    marked = services.appointment_mark(
        appointment=appointment, status=Appointment.Status.ATTENDED, user=staff, now=tue(11)
    )

    assert marked.status == Appointment.Status.ATTENDED
    assert history(appointment)[-2:] == ["marked", "marked"]
    assert free_times(advisor, now=NOW) == ["11:00"]  # still holds its time


def test_private_notes_are_kept_by_staff_and_the_advisor_and_never_reach_the_client(
    send, advisor, ngo_member, organization, staff, other_ngo_member
):
    appointment = member_books(send, advisor, ngo_member, organization)
    with pytest.raises(PermissionDenied):
        services.appointment_set_notes(appointment=appointment, notes="x", user=other_ngo_member)
    with pytest.raises(PermissionDenied):
        services.appointment_set_notes(appointment=appointment, notes="x", user=ngo_member)
    services.appointment_set_notes(
        appointment=appointment, notes="Poufne: spór w zarządzie.", user=advisor.user
    )
    mail.outbox.clear()

    send(services.appointment_reminders_send, now=tue(9, day=11))
    send(services.appointment_cancel, appointment=appointment, user=staff, now=tue(9, day=11))

    assert history(appointment)[-2:] == ["notes", "cancelled"]
    assert AppointmentChange.objects.filter(note__contains="Poufne").count() == 0
    for message in mail.outbox:
        assert "Poufne" not in message.body
        for attachment in message.attachments:
            content = attachment[1]
            assert "Poufne" not in (content.decode() if isinstance(content, bytes) else content)


# --- Reminders ------------------------------------------------------------------------------


def test_reminders_go_once_the_day_before_to_confirmed_appointments(
    send, advisor, ngo_member, organization
):
    confirmed = member_books(send, advisor, ngo_member, organization, tue(10))
    held = book(send, advisor, start=tue(11), client_email="held@example.net")
    AvailabilityRuleFactory(advisor=advisor, weekday=2)
    later = member_books(send, advisor, ngo_member, organization, local(2030, 3, 13, 10))
    mail.outbox.clear()

    assert send(services.appointment_reminders_send, now=tue(8, day=11)) == 1
    assert send(services.appointment_reminders_send, now=tue(18, day=11)) == 0

    (letter,) = mail.outbox
    assert letter.to == [ngo_member.email]
    assert "Reminder: your consultation tomorrow at 10:00" in letter.subject
    assert linked(letter) == confirmed
    assert calendar_event(letter.attachments[0])[1]["dtstart"].dt == tue(10)
    held.refresh_from_db()
    later.refresh_from_db()
    assert held.reminder_sent_at is None and later.reminder_sent_at is None


def test_the_reminder_command_prints_how_many(send, advisor, ngo_member, organization):
    out = io.StringIO()
    call_command("send_appointment_reminders", stdout=out)
    assert out.getvalue() == "Appointment reminders sent: 0.\n"


# --- Calendar files ---------------------------------------------------------------------------


def test_the_calendar_files_of_the_client_and_of_the_team_differ(
    send, advisor, ngo_member, organization
):
    appointment = member_books(send, advisor, ngo_member, organization)

    _calendar, client = calendar_event(ics.appointment_attachment(appointment))
    _calendar, team = calendar_event(ics.appointment_attachment(appointment, for_client=False))

    assert str(client["summary"]) == "Consultation: Fundraising"
    token = re.search(r"/konsultacje/wizyta/([^/\s]+)/", str(client["description"])).group(1)
    assert client_links.read_client_token(token, now=NOW) == appointment
    assert ngo_member.get_full_name() in str(team["summary"])
    assert "/konsultacje/wizyta/" not in str(team["description"])
    assert client["dtend"].dt == tue(10, 45)
    assert str(client["uid"]) == str(team["uid"])
