"""Calendar (iCalendar, RFC 5545) files of bookings, made with the icalendar package."""

import datetime
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from rooms.models import Booking

CONTENT_TYPE = "text/calendar; charset=utf-8"

_STATUS = {
    Booking.Status.PENDING: "TENTATIVE",
    Booking.Status.CONFIRMED: "CONFIRMED",
    Booking.Status.REJECTED: "CANCELLED",
    Booking.Status.CANCELLED: "CANCELLED",
}


_STATE_STEP = {
    Booking.Status.PENDING: 0,
    Booking.Status.CONFIRMED: 1,
    Booking.Status.REJECTED: 2,
    Booking.Status.CANCELLED: 3,
}


def _organizer():
    """The centre's address, as the organiser calendar programs expect on a
    cancellation (RFC 5546)."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return f"mailto:{address}" if address else None


def _host():
    return urlsplit(settings.SITE_URL).hostname or "cwop.localhost"


def _calendar(name, method="PUBLISH"):
    calendar = Calendar()
    calendar.add("prodid", "-//CWOP Bialystok//Portal//PL")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _event(booking, *, private):
    """One booking as an event; `private` adds the purpose and the organisation."""
    event = Event()
    event.add("uid", f"room-booking-{booking.pk}@{_host()}")
    event.add("dtstamp", timezone.now())
    # In UTC: a local time would need a VTIMEZONE in the file (RFC 5545), and a
    # booking just made holds the caller's Europe/Warsaw times, not the database's UTC.
    event.add("dtstart", booking.start.astimezone(datetime.UTC))
    event.add("dtend", booking.end.astimezone(datetime.UTC))
    event.add("last-modified", booking.updated_at)
    # Grows with every change (seconds since creation, plus a step per state, so a
    # decision made in the same second still counts), so calendars replace their copy.
    seconds = max(0, int((booking.updated_at - booking.created_at).total_seconds()))
    event.add("sequence", seconds * 4 + _STATE_STEP[booking.status])
    resource_name = booking.resource.name
    if private:
        organizer = _organizer()
        if organizer:
            event.add("organizer", organizer)
        event.add("summary", f"{booking.title} – {resource_name}")
        event.add(
            "description",
            _("Booking of %(resource)s for %(organization)s. Status: %(status)s.")
            % {
                "resource": resource_name,
                "organization": (
                    booking.organization.name if booking.organization else _("the centre's own use")
                ),
                "status": booking.get_status_display(),
            }
            + f"\n{settings.SITE_URL}{booking.get_absolute_url()}",
        )
    else:
        event.add("summary", _("Taken"))
    event.add(
        "location",
        _("%(resource)s, NGO Cooperation Centre, Białystok") % {"resource": resource_name},
    )
    event.add("status", _STATUS[booking.status])
    event.add("transp", "OPAQUE")
    return event


def booking_calendar(booking):
    """The ICS file of one booking, for its e-mails and the download on its page."""
    cancelled = booking.status in {Booking.Status.CANCELLED, Booking.Status.REJECTED}
    calendar = _calendar(booking.resource.name, method="CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(_event(booking, private=True))
    return calendar.to_ical()


def bookings_calendar(name, bookings, *, private):
    calendar = _calendar(name)
    for booking in bookings:
        calendar.add_component(_event(booking, private=private))
    return calendar.to_ical()


def booking_attachment(booking):
    """(filename, content, mimetype) for send_email_on_commit."""
    return (f"rezerwacja-{booking.pk}.ics", booking_calendar(booking), "text/calendar")
