"""The admin's "when" filter (`cwop_portal.admin_helpers.DateFilter`), as the
lists of bookings (a booking counts for every period it overlaps) and of
appointments (an appointment counts for the period it starts in) use it."""

import time_machine

from tests.consultations.factories import AppointmentFactory
from tests.factories import local
from tests.rooms.factories import BookingFactory

BOOKINGS = "/admin/rooms/booking/"
APPOINTMENTS = "/admin/consultations/appointment/"
# A Wednesday.
NOW = local(2030, 3, 13, 12)


def listed(client, url, when):
    response = client.get(url, {"when": when})
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def choices(client, url):
    response = client.get(url)
    spec = next(f for f in response.context["cl"].filter_specs if f.parameter_name == "when")
    return [value for value, _label in spec.lookup_choices]


def test_a_booking_counts_for_every_period_it_overlaps(client, staff):
    whole_week = BookingFactory(start=local(2030, 3, 11, 8), end=local(2030, 3, 15, 18))
    over_now = BookingFactory(start=local(2030, 3, 12, 9), end=NOW)  # ends as the list is read
    next_week = BookingFactory(start=local(2030, 3, 19, 10), end=local(2030, 3, 19, 12))
    with time_machine.travel(NOW, tick=False):
        client.force_login(staff)  # the session starts at the frozen time
        assert listed(client, BOOKINGS, "today") == {whole_week, over_now}
        assert listed(client, BOOKINGS, "week") == {whole_week, over_now}
        assert listed(client, BOOKINGS, "month") == {whole_week, over_now, next_week}
        assert listed(client, BOOKINGS, "next7") == {whole_week, next_week}
        assert listed(client, BOOKINGS, "past") == {over_now}
        assert "upcoming" not in choices(client, BOOKINGS)


def test_an_appointment_counts_for_the_period_it_starts_in(client, staff):
    started_monday = AppointmentFactory(start=local(2030, 3, 11, 10), end=local(2030, 3, 11, 11))
    ends_now = AppointmentFactory(start=local(2030, 3, 13, 11), end=NOW)
    tomorrow = AppointmentFactory(start=local(2030, 3, 14, 10), end=local(2030, 3, 14, 11))
    last_month = AppointmentFactory(start=local(2030, 2, 27, 10), end=local(2030, 2, 27, 11))
    with time_machine.travel(NOW, tick=False):
        client.force_login(staff)  # the session starts at the frozen time
        assert listed(client, APPOINTMENTS, "today") == {ends_now}
        assert listed(client, APPOINTMENTS, "week") == {started_monday, ends_now, tomorrow}
        assert listed(client, APPOINTMENTS, "month") == {started_monday, ends_now, tomorrow}
        assert listed(client, APPOINTMENTS, "next7") == {tomorrow}
        assert listed(client, APPOINTMENTS, "upcoming") == {ends_now, tomorrow}
        assert listed(client, APPOINTMENTS, "past") == {started_monday, last_month}
        assert choices(client, APPOINTMENTS) == [
            "today",
            "week",
            "next7",
            "month",
            "upcoming",
            "past",
        ]
