"""Calendar (iCalendar, RFC 5545) files of appointments, on `cwop_portal.ics` like
`rooms.ics`: the client's file (with the link to manage the appointment) and the
advisor's and staff's (with the client's name)."""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from consultations import client_links
from consultations.models import Appointment, Mode
from cwop_portal import ics

__all__ = ["appointment_attachment", "appointment_calendar", "how", "place"]

_STATUS = {
    Appointment.Status.HELD: "TENTATIVE",
    Appointment.Status.CONFIRMED: "CONFIRMED",
    Appointment.Status.ATTENDED: "CONFIRMED",
    Appointment.Status.NO_SHOW: "CONFIRMED",
    Appointment.Status.CANCELLED: "CANCELLED",
    Appointment.Status.EXPIRED: "CANCELLED",
}

_STATE_STEP = {
    Appointment.Status.HELD: 0,
    Appointment.Status.CONFIRMED: 1,
    Appointment.Status.ATTENDED: 2,
    Appointment.Status.NO_SHOW: 2,
    Appointment.Status.CANCELLED: 3,
    Appointment.Status.EXPIRED: 3,
}

CANCELLED = {Appointment.Status.CANCELLED, Appointment.Status.EXPIRED}


def place(appointment):
    """Where the consultation takes place, in words."""
    if appointment.mode == Mode.IN_PERSON and appointment.room_booking_id:
        return _("%(room)s, NGO Cooperation Centre, Białystok") % {
            "room": appointment.room_booking.resource.name
        }
    if appointment.mode == Mode.PHONE:
        return _("By phone: the advisor calls the number you gave.")
    if appointment.mode == Mode.ONLINE:
        return _("Online: the advisor e-mails you the link to join.")
    return _("NGO Cooperation Centre, Białystok")


def how(appointment):
    """How and where the consultation takes place, in one sentence for the client."""
    if appointment.mode == Mode.IN_PERSON and appointment.room_booking_id:
        return _("In person: %(room)s, NGO Cooperation Centre, Białystok.") % {
            "room": appointment.room_booking.resource.name
        }
    if appointment.mode == Mode.IN_PERSON:
        return _("In person, at the NGO Cooperation Centre, Białystok.")
    return place(appointment)


def _event(appointment, *, for_client):
    created = appointment.created_at or timezone.now()
    event = ics.new_event(
        uid=f"consultation-{appointment.pk}",
        start=appointment.start,
        end=appointment.end,
        last_modified=appointment.updated_at or timezone.now(),
        sequence=ics.sequence(
            created, appointment.updated_at or created, _STATE_STEP[appointment.status]
        ),
    )
    organizer = ics.organizer()
    if organizer:
        event.add("organizer", organizer)
    topic = appointment.topic.name
    if for_client:
        summary = _("Consultation: %(topic)s") % {"topic": topic}
        url = settings.SITE_URL + client_links.manage_path(appointment)
        description = _(
            "Consultation with %(advisor)s (%(mode)s). To cancel or move it: %(url)s"
        ) % {
            "advisor": appointment.advisor.name,
            "mode": appointment.get_mode_display(),
            "url": url,
        }
    else:
        summary = _("Consultation: %(client)s") % {"client": appointment.client_name}
        description = _("Consultation with %(client)s on %(topic)s (%(mode)s).") % {
            "client": appointment.client_name,
            "topic": topic,
            "mode": appointment.get_mode_display(),
        }
    event.add("summary", summary)
    event.add("description", description)
    event.add("location", place(appointment))
    event.add("status", _STATUS[appointment.status])
    event.add("transp", "OPAQUE")
    return event


def appointment_calendar(appointment, *, for_client=True, language=None):
    """The ICS file of one appointment (a cancellation when it is cancelled or
    expired), in `language` (the portal's main one by default)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        cancelled = appointment.status in CANCELLED
        calendar = ics.new_calendar(
            _("Consultations – NGO Cooperation Centre"),
            method="CANCEL" if cancelled else "PUBLISH",
        )
        calendar.add_component(_event(appointment, for_client=for_client))
        return calendar.to_ical()


def appointment_attachment(appointment, *, for_client=True, language=None):
    """(filename, content, mimetype) for send_email_on_commit."""
    return ics.attachment(
        f"konsultacja-{appointment.pk}.ics",
        appointment_calendar(appointment, for_client=for_client, language=language),
    )
