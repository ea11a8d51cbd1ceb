"""Calendar (iCalendar, RFC 5545) files of bookings: one booking's (for its e-mails and
its page) and the feeds of a resource or an organisation. What every calendar file of
the portal shares is in `cwop_portal.ics`."""

from django.conf import settings
from django.utils.translation import gettext as _

from cwop_portal import ics
from rooms.models import Booking

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


def _event(booking, *, private):
    """One booking as an event; `private` adds the purpose and the organisation."""
    event = ics.new_event(
        uid=f"room-booking-{booking.pk}",
        start=booking.start,
        end=booking.end,
        last_modified=booking.updated_at,
        sequence=ics.sequence(booking.created_at, booking.updated_at, _STATE_STEP[booking.status]),
    )
    resource_name = booking.resource.name
    if private:
        organizer = ics.organizer()
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
    calendar = ics.new_calendar(booking.resource.name, method="CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(_event(booking, private=True))
    return calendar.to_ical()


def bookings_calendar(name, bookings, *, private):
    calendar = ics.new_calendar(name)
    for booking in bookings:
        calendar.add_component(_event(booking, private=private))
    return calendar.to_ical()


def booking_attachment(booking):
    """(filename, content, mimetype) for send_email_on_commit."""
    return ics.attachment(f"rezerwacja-{booking.pk}.ics", booking_calendar(booking))


def series_attachment(series, resource, bookings):
    """The file of the bookings of a weekly series (of `resource`), for its e-mail."""
    return ics.attachment(
        f"rezerwacje-{series.pk}.ics", bookings_calendar(resource.name, bookings, private=True)
    )
