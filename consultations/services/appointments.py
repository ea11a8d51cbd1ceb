"""Writes to appointments: the site, the admin and the commands all call these.

`appointment_book` is the only way an appointment comes to be. In one transaction
it locks the advisor's row (PostgreSQL: SELECT … FOR UPDATE; SQLite: the IMMEDIATE
transaction already serialises writers) and, for a member's booking, the
organisation's row (its limit of active appointments), expires the advisor's holds
whose time to confirm has passed, checks that the start is one of the advisor's free slots
(`consultations.slots`), inserts the appointment and, for a consultation in person,
books its room through `rooms.services.bookings.booking_create` (the centre's own use). If an
overlap still slips past the check, the database refuses it (PostgreSQL exclusion
constraint, migration 0002) and the caller gets the same "just booked" message,
with the nearest free slots (`SlotTaken.nearest`).

Who gets what: a member booking for one of their published organisations (and a
staff member booking on somebody's behalf) gets a confirmed appointment at once;
anybody else gets one held for `hold_minutes`, until they follow the link e-mailed
to them. The link (`consultations.client_links`) also lets the client cancel or move
the appointment, until its end plus `LINK_MARGIN`.

The room booking of an appointment is released through
`rooms.services.bookings.booking_release` (cancelled, with a line in the booking's history,
nobody e-mailed), not `booking_cancel`: that one needs a staff user and e-mails the
booking's people, and the centre's own bookings have nobody to e-mail.

Every change writes the appointment's history (`change_record`). E-mails go out
after the commit, each with an ICS file: the client's in the language of the pages they booked on
(`Appointment.language`, so their links lead to those pages), the advisor's and
staff's in the portal's main language. Rules break as `ValidationError({field: [message]})`, on the
booking form's field names: start, topic, consent, client_name, client_email,
client_phone, question, organization (and status, notes for the staff's actions).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from consultations import client_links
from consultations.ics import appointments as ics
from consultations.models import (
    Advisor,
    Appointment,
    ConsultationSettings,
    Mode,
    Topic,
    client_language,
)
from consultations.slots import Slot, free_slots, nearest_free_slots, room_hold
from cwop_portal.dates import format_datetime, local, local_zone
from cwop_portal.emails import Delivery, send_email_now, send_email_on_commit, staff_emails
from cwop_portal.history import change_record
from cwop_portal.reservations import reminders_send
from organizations.models import Organization
from rooms.rules import user_can_book_for
from rooms.services import bookings as room_services

if TYPE_CHECKING:
    from cwop_portal.models import User

QUESTION_MAX_LENGTH = 3000
EMAIL_MAX_LENGTH = 254  # what an address may have (RFC 5321), and the column holds
NEAREST_LIMIT = 5
ACTIVE = (Appointment.Status.HELD, Appointment.Status.CONFIRMED)
MARKS = (Appointment.Status.ATTENDED, Appointment.Status.NO_SHOW)


class SlotTaken(ValidationError):
    """The chosen start is not (or no longer) free. `nearest`: free slots to offer."""

    def __init__(self, message: str, nearest: Iterable[Slot] = ()) -> None:
        super().__init__({"start": [ValidationError(message, code="slot_taken")]})
        self.nearest = list(nearest)


def _taken() -> str:
    return _("This slot has just been booked by someone else. Here are the nearest free ones.")


def _not_offered() -> str:
    return _("This time is not one of the advisor's free slots. Here are the nearest free ones.")


def _history(
    appointment: Appointment,
    user: User | AnonymousUser | None,
    action: str,
    note: str = "",
    changes: dict[str, Any] | None = None,
) -> None:
    change_record(appointment, user=user, action=action, changes=changes, note=note)


def _is_advisors_user(appointment: Appointment, user: User | AnonymousUser | None) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and appointment.advisor.user_id is not None
        and appointment.advisor.user_id == user.pk
    )


def can_manage(appointment: Appointment, user: User | AnonymousUser | None) -> bool:
    """Staff, or the advisor of the appointment (through their account)."""
    return user is not None and (user.is_staff or _is_advisors_user(appointment, user))


# --- E-mails ----------------------------------------------------------------------


def _advisor_emails(appointment: Appointment) -> list[str]:
    user = appointment.advisor.user
    return [user.email] if user is not None and user.is_active and user.email else []


def _context(
    appointment: Appointment, *, language: str | None = None, **extra: Any
) -> dict[str, Any]:
    settings_row = extra.pop("settings_row", None) or ConsultationSettings.load()
    return {
        "appointment": appointment,
        "token": client_links.make_client_token(appointment),
        "how": _how(appointment, language),
        "consultation_settings": settings_row,
        **extra,
    }


def _how(appointment: Appointment, language: str | None = None) -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        return str(ics.how(appointment))


def _notify_client(
    name: str,
    appointment: Appointment,
    *,
    others: Iterable[Appointment] = (),
    send: Callable[..., Delivery] = send_email_on_commit,
    **extra: Any,
) -> Delivery:
    """A letter to the client, in the language of the pages they booked on (its
    links lead to those pages), with the calendar file of the appointment (and of
    `others`: the old time of a moved one). Returns its `Delivery`; `send`:
    `send_email_now` for a reminder, marked only once it went out."""
    language = appointment.language
    return send(
        name,
        _context(appointment, language=language, **extra),
        [appointment.client_email],
        language=language,
        attachments=[
            ics.appointment_attachment(appointment, language=language),
            *(ics.appointment_attachment(other, language=language) for other in others),
        ],
    )


def _notify_booked(appointment: Appointment, *, previous: Appointment | None = None) -> None:
    """The client's letter (held: confirm your e-mail; confirmed: details and links),
    and for a confirmed one the advisor's and staff's."""
    moved = [previous] if previous is not None else []
    if appointment.status == Appointment.Status.HELD:
        _notify_client("appointment_hold", appointment, others=moved, previous=previous)
        return
    _notify_client("appointment_confirmed", appointment, others=moved, previous=previous)
    _notify_team(appointment, "appointment_new_staff", previous=previous)


def _notify_team(appointment: Appointment, name: str, **extra: Any) -> None:
    """The advisor's and staff's letter, in the portal's main language."""
    attachments = [ics.appointment_attachment(appointment, for_client=False)]
    send_email_on_commit(
        name,
        _context(appointment, **extra),
        _advisor_emails(appointment) + staff_emails(),
        attachments=attachments,
    )


# --- Booking ------------------------------------------------------------------------


def _lock_advisor(advisor: Advisor) -> Advisor:
    return Advisor.objects.select_for_update(of=("self",)).select_related("user").get(pk=advisor.pk)


def _locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("advisor", "advisor__user", "topic", "room_booking__resource")
        .get(pk=appointment.pk)
    )


def _release_room(
    appointment: Appointment,
    now: datetime.datetime,
    user: User | AnonymousUser | None = None,
    reason: str = "",
) -> None:
    """Cancel the room booking that held the room for the appointment, if any."""
    if appointment.room_booking is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        note = reason or _("The consultation no longer needs the room.")
    room_services.booking_release(booking=appointment.room_booking, user=user, reason=note, now=now)


def _expire(appointment: Appointment, now: datetime.datetime) -> None:
    appointment.status = Appointment.Status.EXPIRED
    appointment.save(update_fields=["status", "updated_at"])
    _release_room(appointment, now)
    _history(appointment, None, "expired")


def _expire_stale(queryset: QuerySet[Appointment], now: datetime.datetime) -> int:
    count = 0
    stale = queryset.filter(status=Appointment.Status.HELD, held_until__lte=now)
    for appointment in stale.select_for_update(of=("self",)).order_by("pk"):
        _expire(appointment, now)
        count += 1
    return count


def _nearest(
    advisor: Advisor,
    start: datetime.datetime,
    now: datetime.datetime,
    *,
    exclude: datetime.datetime | None = None,
) -> list[Slot]:
    slots = nearest_free_slots(advisors=[advisor], after=start, limit=NEAREST_LIMIT + 1, now=now)
    return [slot for slot in slots if slot.start != exclude][:NEAREST_LIMIT]


def _find_slot(advisor: Advisor, start: datetime.datetime, now: datetime.datetime) -> Slot:
    """The free slot of `advisor` starting exactly at `start`, or SlotTaken."""
    day = local(start).date()
    for slot in free_slots(advisors=[advisor], first_day=day, last_day=day, now=now):
        if slot.start == start:
            return slot
    busy = (
        Appointment.objects.active()
        .filter(advisor=advisor, start__lte=start, end__gt=start)
        .exclude(status=Appointment.Status.HELD, held_until__lte=now)
        .exists()
    )
    message = _taken() if busy else _not_offered()
    raise SlotTaken(message, _nearest(advisor, start, now))


def _insert(appointment: Appointment, advisor: Advisor, now: datetime.datetime) -> None:
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as exc:
        if "consultations_appointment_no_overlap" in str(exc):
            raise SlotTaken(_taken(), _nearest(advisor, appointment.start, now)) from exc
        raise


def _book_slot(
    *, advisor: Advisor, slot: Slot, now: datetime.datetime, fields: dict[str, Any]
) -> Appointment:
    """Insert an appointment for a slot known to be free, and hold its room."""
    appointment = Appointment(
        advisor=advisor, start=slot.start, end=slot.end, mode=slot.mode, **fields
    )
    _insert(appointment, advisor, now)
    if slot.room is not None:
        hold = room_hold(slot.room, slot.start, slot.end)
        # The room's holds that lapsed (of any advisor) stand in the way until expired.
        _expire_stale(
            Appointment.objects.filter(
                room_booking__resource=slot.room,
                room_booking__start__lt=hold[1],
                room_booking__end__gt=hold[0],
            ),
            now,
        )
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Consultation: %(advisor)s") % {"advisor": advisor.name}
        try:
            booking = room_services.booking_create(
                resource=slot.room,
                organization=None,
                user=None,
                start=hold[0],
                end=hold[1],
                title=title,
                by_staff=True,
                notify=False,
                now=now,
            )
        except ValidationError as exc:
            raise SlotTaken(_taken(), _nearest(advisor, slot.start, now)) from exc
        appointment.room_booking = booking
        appointment.save(update_fields=["room_booking", "updated_at"])
    return appointment


def _clean_client(
    errors: dict[str, list[str]],
    *,
    client_name: str,
    client_email: str,
    client_phone: str,
    question: str,
) -> tuple[str, str, str, str]:
    client_name = " ".join((client_name or "").split())
    client_email = (client_email or "").strip()
    client_phone = " ".join((client_phone or "").split())
    question = (question or "").strip()
    if not client_name:
        errors["client_name"] = [_("Give your name.")]
    elif len(client_name) > 200:
        errors["client_name"] = [_("The name is too long (at most 200 characters).")]
    try:
        if len(client_email) > EMAIL_MAX_LENGTH:  # the validator lets up to 320 through
            raise ValidationError("too long")
        validate_email(client_email)
    except ValidationError:
        errors["client_email"] = [_("Give a valid e-mail address: the confirmation goes there.")]
    if len(client_phone) > 40:
        errors["client_phone"] = [_("The phone number is too long (at most 40 characters).")]
    if not question:
        errors["question"] = [_("Describe your question in a few words.")]
    elif len(question) > QUESTION_MAX_LENGTH:
        errors["question"] = [
            _("The description is too long (at most %(count)s characters).")
            % {"count": QUESTION_MAX_LENGTH}
        ]
    return client_name, client_email, client_phone, question


def active_count(organization: Organization, now: datetime.datetime) -> int:
    """The organisation's appointments that count against the limit: held (still
    in time) or confirmed, not yet over."""
    return (
        Appointment.objects.filter(organization=organization, end__gt=now)
        .filter(
            Q(status=Appointment.Status.CONFIRMED)
            | Q(status=Appointment.Status.HELD, held_until__gt=now)
        )
        .count()
    )


@transaction.atomic
def appointment_book(
    *,
    advisor: Advisor,
    topic: Topic | None,
    start: datetime.datetime,
    client_name: str,
    client_email: str,
    question: str,
    consent: bool,
    user: User | AnonymousUser | None = None,
    organization: Organization | None = None,
    client_phone: str = "",
    client_organization_name: str = "",
    language: str | None = None,
    now: datetime.datetime | None = None,
) -> Appointment:
    """Book the free slot of `advisor` that starts at `start`; returns the
    appointment, or raises ValidationError (SlotTaken on "start"). `language`: of
    the pages the client books on (the active one), for the e-mails to the client."""
    now = now or timezone.now()
    if timezone.is_naive(start):
        start = timezone.make_aware(start, local_zone())
    advisor = _lock_advisor(advisor)
    settings_row = ConsultationSettings.load()
    errors = {}
    if not advisor.is_active:
        errors["start"] = [_("This advisor does not take appointments at the moment.")]
    if topic is None or not advisor.topics.filter(pk=topic.pk, is_active=True).exists():
        errors["topic"] = [_("Choose one of the topics this advisor consults on.")]
    if not consent:
        errors["consent"] = [_("Tick this box to agree, otherwise we cannot book the appointment.")]
    client_name, client_email, client_phone, question = _clean_client(
        errors,
        client_name=client_name,
        client_email=client_email,
        client_phone=client_phone,
        question=question,
    )
    limit = settings_row.max_active_per_organization
    if organization is not None:
        # The organisation's row guards its limit: members booking different advisors
        # at once are counted one after another (locked after the advisor, always).
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        if user is None or not user_can_book_for(user, organization):
            errors["organization"] = [
                _("You can book only for a published organisation you are a member of.")
            ]
        elif limit is not None and active_count(organization, now) >= limit:
            errors["organization"] = [
                ngettext(
                    "%(organization)s already has %(count)s upcoming appointment, the most "
                    "allowed at once. Cancel one or book after it.",
                    "%(organization)s already has %(count)s upcoming appointments, the most "
                    "allowed at once. Cancel one or book after it.",
                    limit,
                )
                % {"organization": organization.name, "count": limit}
            ]
    if errors:
        raise ValidationError(errors)
    _expire_stale(Appointment.objects.filter(advisor=advisor), now)
    slot = _find_slot(advisor, start, now)
    if slot.mode == Mode.PHONE and not client_phone:
        raise ValidationError(
            {
                "client_phone": _(
                    "This consultation is by phone: give the number the advisor should call."
                )
            }
        )
    # Staff booking on somebody's behalf (e.g. a phone call, in the admin) vouch for
    # the client's details: no e-mail confirmation.
    confirmed = organization is not None or bool(getattr(user, "is_staff", False))
    fields = {
        "topic": topic,
        "user": user if user is not None and user.is_authenticated else None,
        "organization": organization,
        "client_name": client_name,
        "client_email": client_email,
        "client_phone": client_phone,
        "client_organization_name": " ".join((client_organization_name or "").split())[:300],
        "question": question,
        "language": client_language(language),
        "created_at": now,
    }
    if confirmed:
        fields.update(status=Appointment.Status.CONFIRMED, confirmed_at=now)
    else:
        fields.update(
            status=Appointment.Status.HELD,
            held_until=now + datetime.timedelta(minutes=settings_row.hold_minutes),
        )
    appointment = _book_slot(advisor=advisor, slot=slot, now=now, fields=fields)
    _history(appointment, user, "booked", appointment.status)
    _notify_booked(appointment)
    return appointment


def appointment_confirm_email(
    *, appointment: Appointment, now: datetime.datetime | None = None
) -> Appointment:
    """The client followed the e-mailed link: a held appointment becomes confirmed.
    If the time to confirm has passed, the appointment expires (its slot is free
    again) and a ValidationError says so."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = _locked(appointment)
        status = appointment.status
        if status == Appointment.Status.CONFIRMED:
            return appointment
        too_late = status == Appointment.Status.EXPIRED or (
            status == Appointment.Status.HELD
            and appointment.held_until is not None  # always set while held (a constraint)
            and appointment.held_until <= now
        )
        if too_late and status == Appointment.Status.HELD:
            _expire(appointment, now)
        if not too_late:
            if status != Appointment.Status.HELD:
                raise ValidationError(_("This appointment is no longer active."))
            appointment.status = Appointment.Status.CONFIRMED
            appointment.confirmed_at = now
            appointment.held_until = None
            appointment.save(update_fields=["status", "confirmed_at", "held_until", "updated_at"])
            _history(appointment, None, "confirmed", "e-mail")
            _notify_booked(appointment)
            return appointment
    raise ValidationError(
        _(
            "The time to confirm has passed, so the slot is free again. "
            "Choose a time and book once more."
        ),
        code="expired",
    )


@transaction.atomic
def appointment_hold_release(
    *, appointment: Appointment, now: datetime.datetime | None = None
) -> Appointment:
    """The e-mail with the link to confirm a held appointment could not be sent, so
    the client cannot confirm it: the hold ends at once (expired: the slot and the
    room are free again for anybody, the client too, to book once the mail works)
    instead of blocking the time until it lapses."""
    now = now or timezone.now()
    appointment = _locked(appointment)
    if appointment.status == Appointment.Status.HELD:
        _expire(appointment, now)
    return appointment


def moved_to(appointment: Appointment) -> Appointment | None:
    """The appointment a cancelled one was moved to by `appointment_reschedule` (it
    is booked in the same moment the old one is cancelled), or None."""
    if appointment.status != Appointment.Status.CANCELLED or not appointment.cancelled_at:
        return None
    if not appointment.changes.filter(action="rescheduled").exists():
        return None
    return (
        Appointment.objects.filter(
            advisor_id=appointment.advisor_id,
            client_email=appointment.client_email,
            created_at=appointment.cancelled_at,
        )
        .exclude(pk=appointment.pk)
        .order_by("pk")
        .first()
    )


def client_can_cancel(
    appointment: Appointment,
    now: datetime.datetime | None = None,
    settings_row: ConsultationSettings | None = None,
) -> bool:
    """Whether the client may still cancel or move the appointment online."""
    now = now or timezone.now()
    settings_row = settings_row or ConsultationSettings.load()
    notice = datetime.timedelta(hours=settings_row.cancel_notice_hours)
    return appointment.status in ACTIVE and appointment.start - notice > now


def _cut_off_message(settings_row: ConsultationSettings) -> str:
    return ngettext(
        "Appointments can be cancelled or moved online until %(hours)s hour before the "
        "start; after that, please call or write to the centre.",
        "Appointments can be cancelled or moved online until %(hours)s hours before the "
        "start; after that, please call or write to the centre.",
        settings_row.cancel_notice_hours,
    ) % {"hours": settings_row.cancel_notice_hours}


def _cancel(
    appointment: Appointment,
    *,
    user: User | AnonymousUser | None,
    by_client: bool,
    reason: str,
    now: datetime.datetime,
) -> None:
    appointment.status = Appointment.Status.CANCELLED
    appointment.cancelled_at = now
    appointment.cancelled_by_client = by_client
    appointment.save(update_fields=["status", "cancelled_at", "cancelled_by_client", "updated_at"])
    _release_room(appointment, now, user, reason)


@transaction.atomic
def appointment_cancel(
    *,
    appointment: Appointment,
    user: User | AnonymousUser | None = None,
    by_client: bool = False,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Appointment:
    """Cancel a held or confirmed appointment: the client (through the signed link)
    until `cancel_notice_hours` before the start; staff and the advisor any time
    before the start. Frees the room; e-mails the client, and for a confirmed one
    the advisor and staff."""
    now = now or timezone.now()
    reason = (reason or "").strip()[:1000]
    appointment = _locked(appointment)
    settings_row = ConsultationSettings.load()
    if not by_client and not can_manage(appointment, user):
        raise PermissionDenied
    if appointment.status not in ACTIVE:
        raise ValidationError(_("This appointment is no longer active."))
    if by_client:
        if not client_can_cancel(appointment, now, settings_row):
            raise ValidationError(_cut_off_message(settings_row))
    elif appointment.start <= now:
        raise ValidationError(_("This appointment has already started."))
    previous = appointment.status
    _cancel(appointment, user=user, by_client=by_client, reason=reason, now=now)
    _history(appointment, user, "cancelled", reason or ("client" if by_client else ""))
    _notify_client(
        "appointment_cancelled",
        appointment,
        reason=reason,
        by_client=by_client,
        settings_row=settings_row,
    )
    if previous == Appointment.Status.CONFIRMED:
        _notify_team(appointment, "appointment_cancelled_staff", reason=reason, by_client=by_client)
    return appointment


@transaction.atomic
def appointment_reschedule(
    *,
    appointment: Appointment,
    new_start: datetime.datetime,
    now: datetime.datetime | None = None,
    by_client: bool = True,
) -> Appointment:
    """Move a confirmed appointment to another free slot of the same advisor: the
    old one is cancelled and a new one booked for the same client, together; if the
    new slot is not free, nothing changes (SlotTaken, with the nearest free ones).
    Returns the new appointment. `by_client`: the client's cut-off applies."""
    now = now or timezone.now()
    if timezone.is_naive(new_start):
        new_start = timezone.make_aware(new_start, local_zone())
    advisor = _lock_advisor(appointment.advisor)
    old = _locked(appointment)
    settings_row = ConsultationSettings.load()
    if old.status != Appointment.Status.CONFIRMED:
        raise ValidationError(_("Only a confirmed appointment can be moved."))
    if by_client and not client_can_cancel(old, now, settings_row):
        raise ValidationError(_cut_off_message(settings_row))
    if not by_client and old.start <= now:
        raise ValidationError(_("This appointment has already started."))
    if new_start == old.start:
        raise ValidationError({"start": [_("The appointment is already at this time.")]})
    with translation.override(settings.LANGUAGE_CODE):
        moved = _("The consultation was moved to another time.")
    _cancel(old, user=None, by_client=by_client, reason=moved, now=now)
    try:
        _expire_stale(Appointment.objects.filter(advisor=advisor), now)
        slot = _find_slot(advisor, new_start, now)
        fields = {
            name: getattr(old, name)
            for name in (
                "topic",
                "user",
                "organization",
                "client_name",
                "client_email",
                "client_phone",
                "client_organization_name",
                "question",
                "language",
            )
        }
        fields.update(status=Appointment.Status.CONFIRMED, confirmed_at=now, created_at=now)
        new = _book_slot(advisor=advisor, slot=slot, now=now, fields=fields)
    except SlotTaken as exc:
        # The old time was free only inside this (now undone) transaction.
        exc.nearest = [slot for slot in exc.nearest if slot.start != old.start]
        raise
    with translation.override(settings.LANGUAGE_CODE):
        _history(
            old, None, "rescheduled", _("Moved to %(when)s.") % {"when": format_datetime(new.start)}
        )
        _history(
            new, None, "booked", _("Moved from %(when)s.") % {"when": format_datetime(old.start)}
        )
    if old.private_notes:
        new.private_notes = old.private_notes
        new.save(update_fields=["private_notes", "updated_at"])
    _notify_booked(new, previous=old)
    return new


@transaction.atomic
def appointment_mark(
    *, appointment: Appointment, status: str, user: User, now: datetime.datetime | None = None
) -> Appointment:
    """Staff or the appointment's advisor: attended or did not come, once started."""
    now = now or timezone.now()
    appointment = _locked(appointment)
    if not can_manage(appointment, user):
        raise PermissionDenied
    if status not in MARKS:
        raise ValidationError({"status": [_("Choose “attended” or “did not come”.")]})
    if appointment.status not in (Appointment.Status.CONFIRMED, *MARKS):
        raise ValidationError(_("Only a confirmed appointment can be marked."))
    if appointment.start > now:
        raise ValidationError(_("An appointment can be marked once it has started."))
    previous = appointment.status
    appointment.status = status
    appointment.save(update_fields=["status", "updated_at"])
    _history(appointment, user, "marked", f"{previous} → {status}")
    return appointment


@transaction.atomic
def appointment_set_notes(*, appointment: Appointment, notes: str, user: User) -> Appointment:
    """Staff or the appointment's advisor keep private notes (never shown to the
    client; the history records that they changed, not what they say)."""
    appointment = _locked(appointment)
    if not can_manage(appointment, user):
        raise PermissionDenied
    appointment.private_notes = (notes or "").strip()
    appointment.save(update_fields=["private_notes", "updated_at"])
    _history(appointment, user, "notes")
    return appointment


# --- Cron ---------------------------------------------------------------------------


def appointment_holds_expire(*, now: datetime.datetime | None = None) -> int:
    """Held appointments whose time to confirm has passed become expired (their
    slot and room are free again). Returns how many; a re-run finds none."""
    now = now or timezone.now()
    count = 0
    candidates = Appointment.objects.filter(
        status=Appointment.Status.HELD, held_until__lte=now
    ).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            count += _expire_stale(Appointment.objects.filter(pk=pk), now)
    return count


def appointment_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """E-mail the day-before reminder of tomorrow's (local) confirmed appointments,
    once each (`cwop_portal.reservations.reminders_send`); returns how many were sent."""
    settings_row = ConsultationSettings.load()

    def send(appointment: Appointment) -> Delivery:
        return _notify_client(
            "appointment_reminder", appointment, send=send_email_now, settings_row=settings_row
        )

    return reminders_send(
        Appointment.objects.all(),
        send,
        now=now or timezone.now(),
        related=("advisor", "topic", "room_booking__resource"),
    )
