"""Calendar (iCalendar, RFC 5545) files of trainings, made with the icalendar package.

Two kinds: the public calendar of a training or of all upcoming trainings (one
event per session, no personal data, never how to join online), and a person's
own file attached to the e-mails about their registration (the same sessions
with their own identifiers, tentative while waiting, cancelled when cancelled,
and how to join online only for a registered person). What every calendar file of
the portal shares is in `cwop_portal.ics`.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from consultations.models import Registration, Training
from cwop_portal import ics

# The step added to an event's SEQUENCE by its state, so that a calendar program
# replaces its copy when a waiting place becomes a seat or a seat is cancelled.
_TENTATIVE, _CONFIRMED, _CANCELLED = 0, 1, 3


def training_url(training):
    return settings.SITE_URL + reverse("consultations:training_detail", args=[training.slug])


def location(training, session):
    if session.room_id:
        return _("%(resource)s, NGO Cooperation Centre, Białystok") % {
            "resource": session.room.name
        }
    if training.place:
        return training.place
    if training.is_online:
        return _("Online")
    return ""


def _event(training, session, *, uid, status, step, description):
    """`uid`: unique within the portal (`cwop_portal.ics.new_event` adds the host)."""
    event = ics.new_event(
        uid=uid,
        start=session.start,
        end=session.end,
        last_modified=training.updated_at,
        sequence=ics.sequence(training.created_at, training.updated_at, step),
    )
    event.add("summary", training.title)
    place = location(training, session)
    if place:
        event.add("location", place)
    event.add("description", description)
    event.add("url", training_url(training))
    event.add("status", status)
    event.add("transp", "OPAQUE")
    return event


def _public_description(training):
    lines = [_("Training of the NGO Cooperation Centre in Białystok.")]
    if training.trainer:
        lines.append(_("Trainer: %(trainer)s") % {"trainer": training.trainer})
    if training.status == Training.Status.CANCELLED:
        lines.append(_("Cancelled: %(reason)s") % {"reason": training.cancellation_reason})
    lines.append(training_url(training))
    return "\n".join(lines)


def _public_events(training, sessions):
    cancelled = training.status == Training.Status.CANCELLED
    for session in sessions:
        yield _event(
            training,
            session,
            uid=f"training-session-{session.pk}",
            status="CANCELLED" if cancelled else "CONFIRMED",
            step=_CANCELLED if cancelled else _CONFIRMED,
            description=_public_description(training),
        )


def training_calendar(training, sessions):
    """The public calendar of one training."""
    calendar = ics.new_calendar(training.title)
    for event in _public_events(training, sessions):
        calendar.add_component(event)
    return calendar.to_ical()


def trainings_feed(sessions):
    """The public feed: `sessions` with their `training` (and `room`) selected."""
    calendar = ics.new_calendar(_("Trainings of the NGO Cooperation Centre"))
    by_training = {}
    for session in sessions:
        by_training.setdefault(session.training_id, (session.training, []))[1].append(session)
    for training, items in by_training.values():
        for event in _public_events(training, items):
            calendar.add_component(event)
    return calendar.to_ical()


def registration_calendar(training, sessions, registration, *, cancelled=False):
    """A person's own calendar file: confirmed with a seat, tentative while waiting
    or unconfirmed, a cancellation (METHOD:CANCEL) when cancelled; in the language
    of the registration (like the e-mail it is attached to)."""
    with translation.override(registration.language):
        return _registration_calendar(training, sessions, registration, cancelled=cancelled)


def registration_attachment(training, sessions, registration, *, cancelled=False):
    """(filename, content, mimetype) of `registration_calendar`, for send_email_on_commit."""
    return ics.attachment(
        f"szkolenie-{training.slug}.ics",
        registration_calendar(training, sessions, registration, cancelled=cancelled),
    )


def _registration_calendar(training, sessions, registration, *, cancelled):
    cancelled = (
        cancelled
        or registration.status == Registration.Status.CANCELLED
        or training.status == Training.Status.CANCELLED
    )
    registered = registration.status == Registration.Status.REGISTERED and not cancelled
    if cancelled:
        status, step = "CANCELLED", _CANCELLED
    elif registered:
        status, step = "CONFIRMED", _CONFIRMED
    else:
        status, step = "TENTATIVE", _TENTATIVE
    lines = [_public_description(training)]
    if registration.status == Registration.Status.WAITING and not cancelled:
        lines.insert(0, _("You are on the waiting list: we will e-mail you if a seat frees up."))
    if registered and training.is_online and training.online_details:
        lines.append(_("How to join online:") + "\n" + training.online_details)
    calendar = ics.new_calendar(training.title, method="CANCEL" if cancelled else "PUBLISH")
    organizer = ics.organizer()
    for session in sessions:
        event = _event(
            training,
            session,
            uid=f"training-registration-{registration.pk}-session-{session.pk}",
            status=status,
            step=step,
            description="\n\n".join(lines),
        )
        if organizer:
            event.add("organizer", organizer)
        calendar.add_component(event)
    return calendar.to_ical()
