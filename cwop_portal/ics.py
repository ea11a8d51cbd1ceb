"""Calendar files (iCalendar, RFC 5545) of the portal, made with the icalendar package.

What every file of the portal shares: the calendar's header, the centre as the
organiser, event identifiers on the portal's host, times in UTC, a sequence number
that grows with every change, and how a file is sent (a page's response, an e-mail's
attachment). Which events a file holds is the business of the app that writes it
(`rooms.ics`, `consultations.ics.appointments`, `consultations.ics.trainings`).
"""

import datetime
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event

CONTENT_TYPE = "text/calendar; charset=utf-8"  # of a page that is a calendar file
ATTACHMENT_MIMETYPE = "text/calendar"  # of a calendar file attached to an e-mail


def host() -> str:
    """The portal's host name (from settings.SITE_URL), the domain of event identifiers."""
    return urlsplit(settings.SITE_URL).hostname or "cwop.localhost"


def organizer() -> str | None:
    """The centre's address (settings.DEFAULT_FROM_EMAIL) as a mailto: URI, as calendar
    programs expect of the organiser of a cancellation (RFC 5546); None without one."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return f"mailto:{address}" if address else None


def new_calendar(name: str, *, method: str = "PUBLISH") -> Calendar:
    """An empty calendar called `name`; `method` "CANCEL" makes a calendar program
    remove the events it holds."""
    calendar = Calendar()
    calendar.add("prodid", "-//CWOP Bialystok//Portal//PL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def sequence(created_at: datetime.datetime, updated_at: datetime.datetime, state_step: int) -> int:
    """An event's SEQUENCE: it grows with every change (seconds since creation, times
    four, plus a step per state, 0–3), so that a decision made in the same second as
    the last change still counts and calendar programs replace their copy."""
    seconds = max(0, int((updated_at - created_at).total_seconds()))
    return seconds * 4 + state_step


def new_event(
    *,
    uid: str,
    start: datetime.datetime,
    end: datetime.datetime,
    last_modified: datetime.datetime,
    sequence: int,
) -> Event:
    """An event with what every event of the portal has; `uid`: unique within the
    portal ("room-booking-12"), made unique in the world with the portal's host."""
    event = Event()
    event.add("uid", f"{uid}@{host()}")
    event.add("dtstamp", timezone.now())
    # In UTC: a local time would need a VTIMEZONE in the file (RFC 5545), and an
    # object just saved holds the caller's Europe/Warsaw times, not the database's UTC.
    event.add("dtstart", start.astimezone(datetime.UTC))
    event.add("dtend", end.astimezone(datetime.UTC))
    event.add("last-modified", last_modified)
    event.add("sequence", sequence)
    return event


def attachment(filename: str, content: bytes) -> tuple[str, bytes, str]:
    """(filename, content, mimetype) of a calendar file, for send_email_on_commit."""
    return (filename, content, ATTACHMENT_MIMETYPE)


def calendar_response(
    content: bytes, *, filename: str | None = None, disposition: str = "inline"
) -> HttpResponse:
    """A page that is the calendar file `content`: shown or subscribed to ("inline"),
    or downloaded ("attachment") as `filename`; no file name: no Content-Disposition."""
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    if filename:
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
