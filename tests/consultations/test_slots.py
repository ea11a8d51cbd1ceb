"""Which appointment slots are offered: rules cut into slots with breaks, days off
and extra hours, public holidays and closures, the booking window, an advisor
busy with another appointment, a room taken or closed, summer time, and the cost
of listing many advisors over many weeks.

Dates are fixed in 2030 and every call passes `now=`, so nothing depends on today.
"""

import datetime

import pytest
from django.utils import timezone

from consultations.models import Appointment, AvailabilityException, Mode
from consultations.slots import free_slots, nearest_free_slots, room_hold, slots_ahead
from rooms.models import Booking
from tests.consultations.factories import (
    AdvisorFactory,
    AdvisorGroupFactory,
    AppointmentFactory,
    AvailabilityExceptionFactory,
    AvailabilityRuleFactory,
    consultation_settings,
)
from tests.factories import local
from tests.rooms.factories import BookingFactory, ClosureFactory, ResourceFactory

pytestmark = pytest.mark.django_db

time = datetime.time
date = datetime.date
UTC = datetime.UTC

NOW = local(2030, 3, 8, 9)  # Friday morning
TUESDAY = date(2030, 3, 12)


def tue(hour, minute=0, day=12):
    return local(2030, 3, day, hour, minute)


def times(slots):
    """What a visitor sees: "Tue 12.03 10:00–10:45" per slot."""
    return [
        f"{slot.local_start:%a %d.%m %H:%M}–{slot.local_end:%H:%M}"
        + (f" {slot.room.name_pl}" if slot.room else "")
        for slot in slots
    ]


def slots_on(advisor, day=TUESDAY, now=NOW, last_day=None):
    return free_slots(advisors=[advisor], first_day=day, last_day=last_day or day, now=now)


# --- Rules ----------------------------------------------------------------------------


def test_a_rule_is_cut_into_slots_with_a_break_between_them():
    rule = AvailabilityRuleFactory(
        weekday=1, starts=time(9), ends=time(13), slot_minutes=45, buffer_minutes=15
    )

    assert times(slots_on(rule.advisor)) == [
        "Tue 12.03 09:00–09:45",
        "Tue 12.03 10:00–10:45",
        "Tue 12.03 11:00–11:45",
        "Tue 12.03 12:00–12:45",
    ]


def test_the_last_slot_must_end_by_the_rules_end():
    rule = AvailabilityRuleFactory(
        starts=time(10), ends=time(12), slot_minutes=50, buffer_minutes=20
    )

    # 10:00–10:50, 11:10–12:00; a third would start at 12:20.
    assert times(slots_on(rule.advisor)) == ["Tue 12.03 10:00–10:50", "Tue 12.03 11:10–12:00"]


def test_rules_apply_on_their_weekday_and_within_their_validity():
    advisor = AdvisorFactory()
    AvailabilityRuleFactory(
        advisor=advisor, weekday=1, valid_from=date(2030, 3, 13)
    )  # from Wednesday
    AvailabilityRuleFactory(
        advisor=advisor,
        weekday=3,
        starts=time(14),
        ends=time(15),
        valid_until=date(2030, 3, 14),  # only this Thursday
    )

    week = slots_on(advisor, TUESDAY, last_day=date(2030, 3, 21))

    assert times(week) == [
        "Thu 14.03 14:00–14:45",
        "Tue 19.03 10:00–10:45",
        "Tue 19.03 11:00–11:45",
    ]


def test_each_slot_says_how_the_consultation_takes_place():
    room = ResourceFactory(name_pl="Sala konsultacji")
    advisor = AdvisorFactory()
    AvailabilityRuleFactory(
        advisor=advisor, weekday=1, starts=time(9), ends=time(10), mode=Mode.ONLINE
    )
    AvailabilityRuleFactory(
        advisor=advisor, weekday=1, mode=Mode.IN_PERSON, room=room, ends=time(11)
    )

    online, in_person = slots_on(advisor)

    assert (online.mode, online.room) == (Mode.ONLINE, None)
    assert (in_person.mode, in_person.room) == (Mode.IN_PERSON, room)
    assert in_person.param == "2030-03-12T10:00"


def test_inactive_advisors_have_no_slots():
    rule = AvailabilityRuleFactory(advisor=AdvisorFactory(is_active=False))

    assert slots_on(rule.advisor) == []


# --- Exceptions -----------------------------------------------------------------------


def test_extra_hours_add_slots_on_a_day_without_a_rule():
    rule = AvailabilityRuleFactory()
    AvailabilityExceptionFactory(
        advisor=rule.advisor,
        kind=AvailabilityException.Kind.EXTRA,
        date=date(2030, 3, 13),
        starts=time(16),
        ends=time(17, 30),
        slot_minutes=30,
        buffer_minutes=0,
        mode=Mode.ONLINE,
    )

    slots = slots_on(rule.advisor, date(2030, 3, 13))

    assert times(slots) == [
        "Wed 13.03 16:00–16:30",
        "Wed 13.03 16:30–17:00",
        "Wed 13.03 17:00–17:30",
    ]
    assert {slot.mode for slot in slots} == {Mode.ONLINE}


def test_a_whole_day_off_removes_the_day():
    rule = AvailabilityRuleFactory()
    AvailabilityExceptionFactory(advisor=rule.advisor, date=TUESDAY, note="Urlop")

    assert slots_on(rule.advisor) == []
    assert times(slots_on(rule.advisor, date(2030, 3, 19))) == [
        "Tue 19.03 10:00–10:45",
        "Tue 19.03 11:00–11:45",
    ]


def test_a_day_off_for_some_hours_removes_only_the_slots_it_touches():
    rule = AvailabilityRuleFactory()
    AvailabilityExceptionFactory(
        advisor=rule.advisor, date=TUESDAY, starts=time(11, 30), ends=time(13)
    )

    assert times(slots_on(rule.advisor)) == ["Tue 12.03 10:00–10:45"]


# --- Holidays and closures ----------------------------------------------------------------


def test_polish_public_holidays_have_no_slots():
    # 1 May 2030 (Labour Day) and 3 May (Constitution Day) are Wednesday and Friday.
    advisor = AdvisorFactory()
    AvailabilityRuleFactory(advisor=advisor, weekday=2)
    AvailabilityRuleFactory(advisor=advisor, weekday=4, starts=time(9), ends=time(10))
    now = local(2030, 4, 26, 9)

    slots = slots_on(advisor, date(2030, 4, 29), now=now, last_day=date(2030, 5, 10))

    assert {slot.day for slot in slots} == {date(2030, 5, 8), date(2030, 5, 10)}


def test_a_closure_of_the_centre_removes_every_slot_that_day():
    room = ResourceFactory()
    advisor = AdvisorFactory()
    AvailabilityRuleFactory(advisor=advisor, mode=Mode.PHONE, ends=time(11))
    AvailabilityRuleFactory(
        advisor=advisor, mode=Mode.IN_PERSON, room=room, starts=time(12), ends=time(13)
    )
    ClosureFactory(start_date=TUESDAY, reason_pl="Inwentaryzacja")

    assert slots_on(advisor) == []


def test_a_closure_of_the_room_removes_only_the_slots_in_that_room():
    room = ResourceFactory(name_pl="Sala A")
    advisor = AdvisorFactory()
    AvailabilityRuleFactory(advisor=advisor, mode=Mode.PHONE, ends=time(11))
    AvailabilityRuleFactory(
        advisor=advisor, mode=Mode.IN_PERSON, room=room, starts=time(12), ends=time(13)
    )
    ClosureFactory(resource=room, start_date=TUESDAY, reason_pl="Malowanie")

    assert times(slots_on(advisor)) == ["Tue 12.03 10:00–10:45"]


def test_in_person_slots_follow_the_rooms_opening_hours():
    room = ResourceFactory(name_pl="Sala B", hours={1: (time(11), time(16))})
    rule = AvailabilityRuleFactory(mode=Mode.IN_PERSON, room=room)

    assert times(slots_on(rule.advisor)) == ["Tue 12.03 11:00–11:45 Sala B"]


def test_a_room_that_cannot_be_booked_offers_no_slots():
    room = ResourceFactory(is_active=False)
    rule = AvailabilityRuleFactory(mode=Mode.IN_PERSON, room=room)

    assert slots_on(rule.advisor) == []


# --- The booking window -------------------------------------------------------------------


def test_slots_start_at_least_the_notice_ahead():
    rule = AvailabilityRuleFactory()
    now = local(2030, 3, 11, 10, 30)  # Monday 10:30; the notice is 24 hours

    assert times(slots_on(rule.advisor, now=now)) == ["Tue 12.03 11:00–11:45"]


def test_slots_are_offered_up_to_the_horizon():
    consultation_settings(booking_horizon_days=14, booking_notice_hours=0)
    rule = AvailabilityRuleFactory()

    slots = free_slots(
        advisors=[rule.advisor],
        first_day=date(2030, 3, 1),
        last_day=date(2030, 4, 30),
        now=NOW,
    )

    # 14 days from Friday 8 March 09:00: the Tuesdays 12, 19 March.
    assert sorted({slot.day for slot in slots}) == [date(2030, 3, 12), date(2030, 3, 19)]


def test_no_slots_in_the_past():
    rule = AvailabilityRuleFactory()
    consultation_settings(booking_notice_hours=0)

    assert times(slots_on(rule.advisor, now=tue(10, 1))) == ["Tue 12.03 11:00–11:45"]


# --- Busy advisors and rooms ------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "held_until", "offered"),
    [
        (Appointment.Status.CONFIRMED, None, ["Tue 12.03 11:00–11:45"]),
        (Appointment.Status.HELD, NOW + datetime.timedelta(minutes=20), ["Tue 12.03 11:00–11:45"]),
        (
            Appointment.Status.HELD,
            NOW - datetime.timedelta(minutes=1),
            ["Tue 12.03 10:00–10:45", "Tue 12.03 11:00–11:45"],
        ),
        (
            Appointment.Status.CANCELLED,
            None,
            ["Tue 12.03 10:00–10:45", "Tue 12.03 11:00–11:45"],
        ),
        (
            Appointment.Status.EXPIRED,
            NOW - datetime.timedelta(minutes=1),
            ["Tue 12.03 10:00–10:45", "Tue 12.03 11:00–11:45"],
        ),
    ],
    ids=["confirmed", "held", "held-too-long", "cancelled", "expired"],
)
def test_the_advisors_appointments_keep_their_slots(status, held_until, offered):
    rule = AvailabilityRuleFactory()
    extra = {"held_until": held_until} if held_until else {}
    AppointmentFactory(advisor=rule.advisor, start=tue(10), end=tue(10, 45), status=status, **extra)

    assert times(slots_on(rule.advisor)) == offered


def test_another_advisors_appointment_does_not_matter():
    rule = AvailabilityRuleFactory()
    other = AvailabilityRuleFactory()
    AppointmentFactory(advisor=other.advisor, start=tue(10), end=tue(10, 45))

    assert len(slots_on(rule.advisor)) == 2


def test_an_appointment_outside_the_slot_grid_blocks_what_it_overlaps():
    rule = AvailabilityRuleFactory()
    AppointmentFactory(advisor=rule.advisor, start=tue(10, 40), end=tue(11, 5))

    assert slots_on(rule.advisor) == []


def test_a_room_booked_by_an_organisation_is_not_offered_in_person():
    room = ResourceFactory(name_pl="Sala C")
    advisor = AdvisorFactory()
    AvailabilityRuleFactory(advisor=advisor, mode=Mode.IN_PERSON, room=room)
    AvailabilityRuleFactory(
        advisor=advisor, weekday=1, mode=Mode.PHONE, starts=time(13), ends=time(14)
    )
    BookingFactory(resource=room, start=tue(11, 30), end=tue(12, 30))

    assert times(slots_on(advisor)) == ["Tue 12.03 10:00–10:45 Sala C", "Tue 12.03 13:00–13:45"]


def test_the_room_is_held_for_the_slot_rounded_to_the_rooms_grid():
    room = ResourceFactory(slot_step=30, min_duration=30)

    assert room_hold(room, tue(10), tue(10, 45)) == (tue(10), tue(11))
    assert room_hold(room, tue(10, 10), tue(10, 25)) == (tue(10), tue(10, 30))
    short_room = ResourceFactory(slot_step=15, min_duration=60)
    assert room_hold(short_room, tue(10), tue(10, 30)) == (tue(10), tue(11))
    assert room_hold(ResourceFactory(max_duration=30), tue(10), tue(10, 45)) is None

    # So a booking of the room from 10:45 takes the 10:00–10:45 slot too.
    rule = AvailabilityRuleFactory(mode=Mode.IN_PERSON, room=room)
    BookingFactory(resource=room, start=tue(10, 45), end=tue(11, 0))
    assert times(slots_on(rule.advisor)) == [f"Tue 12.03 11:00–11:45 {room.name_pl}"]


def test_cancelled_and_rejected_room_bookings_do_not_matter():
    room = ResourceFactory()
    rule = AvailabilityRuleFactory(mode=Mode.IN_PERSON, room=room)
    BookingFactory(resource=room, start=tue(10), end=tue(12), status=Booking.Status.CANCELLED)
    BookingFactory(resource=room, start=tue(10), end=tue(12), status=Booking.Status.REJECTED)

    assert len(slots_on(rule.advisor)) == 2


# --- Summer time ------------------------------------------------------------------------


def test_slots_keep_the_local_clock_across_the_changes_of_summer_time():
    # Summer time starts on Sunday 31 March 2030 and ends on Sunday 27 October.
    rule = AvailabilityRuleFactory(weekday=6, starts=time(10), ends=time(12))
    consultation_settings(booking_horizon_days=300)

    slots = free_slots(
        advisors=[rule.advisor],
        first_day=date(2030, 3, 24),
        last_day=date(2030, 11, 3),
        now=local(2030, 3, 20, 9),
    )
    by_day = {slot.day: slot for slot in slots if slot.local_start.hour == 10}

    for day in [date(2030, 3, 24), date(2030, 3, 31), date(2030, 10, 27), date(2030, 11, 3)]:
        slot = by_day[day]
        assert f"{slot.local_start:%H:%M}–{slot.local_end:%H:%M}" == "10:00–10:45"
        assert slot.end.astimezone(UTC) - slot.start.astimezone(UTC) == datetime.timedelta(
            minutes=45
        )
    assert by_day[date(2030, 3, 24)].start.astimezone(UTC).hour == 9  # CET, UTC+1
    assert by_day[date(2030, 3, 31)].start.astimezone(UTC).hour == 8  # CEST, UTC+2
    assert by_day[date(2030, 10, 27)].start.astimezone(UTC).hour == 9


def test_a_rule_over_the_skipped_night_hour_offers_no_bent_slot():
    rule = AvailabilityRuleFactory(
        weekday=6, starts=time(1), ends=time(4), slot_minutes=60, buffer_minutes=0
    )
    consultation_settings(booking_notice_hours=0)

    slots = slots_on(rule.advisor, date(2030, 3, 31), now=local(2030, 3, 20, 9))

    # 02:00–03:00 does not exist that night: 01:00–02:00 would end at 03:00.
    assert times(slots) == ["Sun 31.03 03:00–04:00"]
    assert slots[0].end.astimezone(UTC) - slots[0].start.astimezone(UTC) == datetime.timedelta(
        hours=1
    )


# --- Many advisors ------------------------------------------------------------------------


def test_many_advisors_over_eight_weeks_cost_a_constant_number_of_queries(
    django_assert_max_num_queries,
):
    rooms = [ResourceFactory(name_pl=f"Sala {n}") for n in range(4)]
    group = AdvisorGroupFactory()
    advisors = []
    for n in range(20):
        advisor = AdvisorFactory(group=group if n < 5 else None)
        advisors.append(advisor)
        for weekday in range(5):
            in_person = (n + weekday) % 2 == 0
            AvailabilityRuleFactory(
                advisor=advisor,
                weekday=weekday,
                starts=time(8 + n % 4),
                ends=time(12 + n % 4),
                mode=Mode.IN_PERSON if in_person else Mode.PHONE,
                room=rooms[(n + weekday) % 4] if in_person else None,
            )
        AvailabilityExceptionFactory(advisor=advisor, date=date(2030, 3, 15 + n % 10))
    # Many appointments and room bookings, spread over the weeks.
    rows = []
    for n, advisor in enumerate(advisors):
        for week in range(8):
            day = date(2030, 3, 11) + datetime.timedelta(weeks=week, days=n % 5)
            start = local(day.year, day.month, day.day, 8 + n % 4)
            rows.append(
                Appointment(
                    advisor=advisor,
                    topic=advisor.topics.first(),
                    start=start,
                    end=start + datetime.timedelta(minutes=45),
                    mode=Mode.PHONE,
                    status=Appointment.Status.CONFIRMED,
                    client_name="Klient",
                    client_email="klient@example.net",
                    question="?",
                )
            )
    Appointment.objects.bulk_create(rows)
    for week in range(8):
        for n, room in enumerate(rooms):
            day = date(2030, 3, 12) + datetime.timedelta(weeks=week, days=n)
            BookingFactory(
                resource=room,
                start=local(day.year, day.month, day.day, 14),
                end=local(day.year, day.month, day.day, 15),
            )
    ClosureFactory(start_date=date(2030, 4, 1), end_date=date(2030, 4, 2))

    with django_assert_max_num_queries(8):
        few = slots_ahead(advisors=advisors[:2], now=NOW)
    with django_assert_max_num_queries(8):
        many = slots_ahead(advisors=advisors, now=NOW)

    assert len(many) > 1000
    assert many == sorted(many, key=lambda slot: (slot.start, slot.advisor.name, slot.advisor.pk))
    assert {slot.advisor for slot in few} <= set(advisors[:2])
    # Nothing busy is offered.
    taken = {(row.advisor_id, row.start) for row in rows}
    assert not any((slot.advisor.pk, slot.start) in taken for slot in many)


# --- The nearest free slots -------------------------------------------------------------


def test_the_nearest_free_slots_are_the_closest_in_time():
    advisor = AdvisorFactory()
    AvailabilityRuleFactory(advisor=advisor, weekday=1, starts=time(9), ends=time(13))
    AvailabilityRuleFactory(advisor=advisor, weekday=3, starts=time(9), ends=time(11))
    AppointmentFactory(advisor=advisor, start=tue(11), end=tue(11, 45))

    nearest = nearest_free_slots(advisors=[advisor], after=tue(11), limit=4, now=NOW)

    assert times(nearest) == [
        "Tue 12.03 09:00–09:45",
        "Tue 12.03 10:00–10:45",
        "Tue 12.03 12:00–12:45",
        "Thu 14.03 09:00–09:45",
    ]


def test_nearest_free_slots_of_nobody_free_is_empty():
    advisor = AdvisorFactory()

    assert nearest_free_slots(advisors=[advisor], after=tue(10), now=NOW) == []


def test_slots_of_several_advisors_are_sorted_by_time():
    first = AvailabilityRuleFactory(
        starts=time(11), ends=time(12), advisor=AdvisorFactory(name="Anna")
    )
    second = AvailabilityRuleFactory(
        starts=time(10), ends=time(12), advisor=AdvisorFactory(name="Bartek")
    )

    slots = free_slots(
        advisors=[first.advisor, second.advisor], first_day=TUESDAY, last_day=TUESDAY, now=NOW
    )

    assert [(slot.advisor.name, f"{slot.local_start:%H:%M}") for slot in slots] == [
        ("Bartek", "10:00"),
        ("Anna", "11:00"),
        ("Bartek", "11:00"),
    ]


def test_slot_starts_are_aware_datetimes_on_the_centres_clock():
    rule = AvailabilityRuleFactory()

    slot = slots_on(rule.advisor)[0]

    assert timezone.is_aware(slot.start)
    assert slot.start == datetime.datetime(2030, 3, 12, 9, 0, tzinfo=UTC)
