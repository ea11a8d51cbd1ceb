"""What every calendar file of the portal shares (`cwop_portal.ics`)."""

import datetime

from django.test import override_settings
from icalendar import Calendar

from cwop_portal import ics

START = datetime.datetime(2026, 6, 1, 10, 0, tzinfo=datetime.UTC)


@override_settings(
    SITE_URL="https://cwop.example.org", DEFAULT_FROM_EMAIL="CWOP <cwop@example.org>"
)
def test_an_event_is_identified_on_the_portals_host_and_kept_in_utc():
    calendar = ics.new_calendar("Sala", method="CANCEL")
    local_start = START.astimezone(datetime.timezone(datetime.timedelta(hours=2)))
    calendar.add_component(
        ics.new_event(
            uid="room-booking-7",
            start=local_start,
            end=local_start + datetime.timedelta(hours=1),
            last_modified=START,
            sequence=5,
        )
    )
    parsed = Calendar.from_ical(calendar.to_ical())
    (event,) = parsed.walk("VEVENT")
    assert parsed["METHOD"] == "CANCEL" and parsed["X-WR-CALNAME"] == "Sala"
    assert str(event["UID"]) == "room-booking-7@cwop.example.org"
    assert event.decoded("DTSTART") == START and event.decoded("DTSTART").utcoffset() == (
        datetime.timedelta(0)
    )
    assert event["SEQUENCE"] == 5
    assert ics.organizer() == "mailto:cwop@example.org"


def test_the_sequence_grows_with_every_change_and_with_the_state():
    changed = START + datetime.timedelta(seconds=10)
    assert ics.sequence(START, START, 0) < ics.sequence(START, START, 1)
    assert ics.sequence(START, START, 3) < ics.sequence(START, changed, 0)
    assert ics.sequence(changed, START, 2) == 2  # a clock skew never goes below the step


def test_a_file_is_attached_to_an_email_and_served_as_a_calendar():
    assert ics.attachment("a.ics", b"BEGIN:VCALENDAR") == (
        "a.ics",
        b"BEGIN:VCALENDAR",
        "text/calendar",
    )
    response = ics.calendar_response(b"BEGIN:VCALENDAR", filename="a.ics", disposition="attachment")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="a.ics"'
    assert "Content-Disposition" not in ics.calendar_response(b"BEGIN:VCALENDAR")
