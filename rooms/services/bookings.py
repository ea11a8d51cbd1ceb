"""Writes to bookings: the site, the admin and the commands all call these.

`booking_create` is the only way a booking comes to be. In one transaction it
locks the resource's row (PostgreSQL: SELECT … FOR UPDATE; SQLite: the IMMEDIATE
transaction already serialises writers), checks every rule and that the time is
free, and inserts the row. If something still slips past the check, the database
refuses the overlap (PostgreSQL exclusion constraint) and the caller gets the same
"just taken" message. E-mails go out after the commit, each with an ICS file.

Rules (checked by `rooms.rules`, which writes nothing) break as
`ValidationError({field: message})`, on the form's field names: resource,
organization, start, end, attendees, rules_accepted.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cwop_portal import venues
from cwop_portal.dates import format_datetime, local, local_zone
from cwop_portal.emails import Delivery, send_email_now, send_email_on_commit, staff_emails
from cwop_portal.history import change_record
from cwop_portal.reservations import reminders_send
from organizations.models import Membership, Organization
from rooms import ics
from rooms.models import Booking, BookingSeries, Equipment, Resource
from rooms.rules import attendees_check, booking_check, minutes_used, month_start_of, times_check
from rooms.schedule import Schedule

if TYPE_CHECKING:
    from cwop_portal.models import User


def _taken() -> str:
    return _("This time has just been booked by someone else. Choose another time.")


def _history(
    booking: Booking,
    user: User | AnonymousUser | None,
    action: str,
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> None:
    change_record(booking, user=user, action=action, changes=changes, note=note)


def bookable_organizations(user: User) -> QuerySet[Organization]:
    """The published organisations `user` may book for (as a member)."""
    return Organization.objects.published().managed_by(user).order_by("name")


def _overlap_exists(
    resource: Resource,
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    exclude_pk: int | None = None,
) -> bool:
    query = Booking.objects.active().filter(resource=resource).overlapping(start, end)
    if exclude_pk:
        query = query.exclude(pk=exclude_pk)
    return query.exists()


def _lock(resource: Resource) -> Resource:
    return Resource.objects.select_for_update().get(pk=resource.pk)


def _insert(booking: Booking, equipment: Iterable[Equipment]) -> None:
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        if "no_overlap" in str(exc) or "rooms_booking_no_overlap" in str(exc):
            raise ValidationError({"start": [_taken()]}) from exc
        raise
    if equipment:
        booking.equipment_needed.set(equipment)


def _notify_created(booking: Booking) -> None:
    context = {"booking": booking}
    recipients = booking.organization.admin_emails() if booking.organization else []
    if booking.created_by and booking.created_by.email:
        recipients.append(booking.created_by.email)
    if booking.status == Booking.Status.PENDING:
        send_email_on_commit(
            "booking_received", context, recipients, attachments=[ics.booking_attachment(booking)]
        )
        send_email_on_commit("booking_pending_staff", context, staff_emails())
    else:
        send_email_on_commit(
            "booking_confirmed", context, recipients, attachments=[ics.booking_attachment(booking)]
        )


def _recipients(booking: Booking) -> list[str]:
    recipients = booking.organization.admin_emails() if booking.organization else []
    if booking.created_by and booking.created_by.email:
        recipients.append(booking.created_by.email)
    return recipients


@transaction.atomic
def booking_create(
    *,
    resource: Resource,
    organization: Organization | None,
    user: User | None,
    start: datetime.datetime,
    end: datetime.datetime,
    title: str,
    attendees: int = 1,
    equipment: Iterable[Equipment] = (),
    notes: str = "",
    rules_accepted: bool = False,
    by_staff: bool = False,
    series: BookingSeries | None = None,
    notify: bool = True,
    now: datetime.datetime | None = None,
) -> Booking:
    """Book `resource` for `organization`; returns the booking or raises ValidationError."""
    resource = _lock(resource)
    errors = booking_check(
        resource=resource,
        organization=organization,
        user=user,
        start=start,
        end=end,
        attendees=attendees,
        rules_accepted=rules_accepted,
        by_staff=by_staff,
        now=now,
    )
    title = (title or "").strip()
    if not title:
        errors.setdefault("title", []).append(_("Say what the booking is for."))
    if errors:
        raise ValidationError(errors)
    if _overlap_exists(resource, start, end):
        raise ValidationError({"start": [_taken()]})
    booking = Booking(
        resource=resource,
        organization=organization,
        series=series,
        start=start,
        end=end,
        title=title[:200],
        attendees=attendees,
        notes=notes or "",
        rules_accepted_at=timezone.now() if rules_accepted else None,
        created_by=user if user and user.is_authenticated else None,
        status=(
            Booking.Status.PENDING
            if resource.requires_approval and not by_staff
            else Booking.Status.CONFIRMED
        ),
    )
    if booking.status == Booking.Status.CONFIRMED and by_staff:
        booking.decided_by = user
        booking.decided_at = timezone.now()
    _insert(booking, equipment)
    _history(booking, user, "created", {"status": booking.status})
    if notify:
        _notify_created(booking)
    return booking


# --- Recurring bookings ----------------------------------------------------------


@dataclass
class Occurrence:
    start: datetime.datetime
    end: datetime.datetime
    problems: list[str] = field(default_factory=list)

    @property
    def is_free(self) -> bool:
        return not self.problems


MAX_OCCURRENCES = 60


def series_dates(
    start: datetime.datetime, end: datetime.datetime, frequency: int, until: datetime.date
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """(start, end) of each repetition, the first included, on the same local clock
    times (so a series keeps 10:00 across the change to and from summer time)."""
    zone = local_zone()
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    length_days = (local_end.date() - local_start.date()).days
    step = datetime.timedelta(weeks=int(frequency))
    day = local_start.date()
    result: list[tuple[datetime.datetime, datetime.datetime]] = []
    while day <= until and len(result) < MAX_OCCURRENCES:
        occurrence_start = datetime.datetime.combine(
            day, local_start.timetz().replace(tzinfo=None), zone
        )
        occurrence_end = datetime.datetime.combine(
            day + datetime.timedelta(days=length_days),
            local_end.timetz().replace(tzinfo=None),
            zone,
        )
        result.append((occurrence_start, occurrence_end))
        day += step
    return result


def series_plan(
    *,
    resource: Resource,
    organization: Organization,
    user: User | None,
    start: datetime.datetime,
    end: datetime.datetime,
    attendees: int,
    frequency: int,
    until: datetime.date,
    rules_accepted: bool = False,
    by_staff: bool = False,
    now: datetime.datetime | None = None,
) -> list[Occurrence]:
    """Every date of a weekly series with what stands in its way (empty = free)."""
    dates = series_dates(start, end, frequency, until)
    if not dates:
        return []
    first = local(dates[0][0]).date()
    last = local(dates[-1][1]).date()
    schedule = Schedule(resource, first, last)
    taken = list(
        Booking.objects.active()
        .filter(resource=resource)
        .overlapping(dates[0][0], dates[-1][1])
        .values_list("start", "end")
    )
    plan: list[Occurrence] = []
    for occurrence_start, occurrence_end in dates:
        errors = booking_check(
            resource=resource,
            organization=organization,
            user=user,
            start=occurrence_start,
            end=occurrence_end,
            attendees=attendees,
            rules_accepted=rules_accepted,
            by_staff=by_staff,
            now=now,
            schedule=schedule,
            extra_minutes=_same_month_minutes(plan, occurrence_start),
        )
        problems = [message for messages in errors.values() for message in messages]
        if any(s < occurrence_end and e > occurrence_start for s, e in taken):
            problems.append(_("Already booked."))
        plan.append(Occurrence(occurrence_start, occurrence_end, problems))
    return plan


def _same_month_minutes(plan: list[Occurrence], moment: datetime.datetime) -> int:
    month = month_start_of(moment)
    return sum(
        int((o.end - o.start).total_seconds() // 60)
        for o in plan
        if o.is_free and month_start_of(o.start) == month
    )


class SeriesMode:
    FREE_ONLY = "free_only"
    ALL_OR_NOTHING = "all_or_nothing"


@transaction.atomic
def booking_series_create(
    *,
    resource: Resource,
    organization: Organization,
    user: User | None,
    start: datetime.datetime,
    end: datetime.datetime,
    title: str,
    frequency: int,
    until: datetime.date,
    mode: str,
    attendees: int = 1,
    equipment: Iterable[Equipment] = (),
    notes: str = "",
    rules_accepted: bool = False,
    by_staff: bool = False,
    now: datetime.datetime | None = None,
) -> tuple[BookingSeries, list[Booking], list[Occurrence]]:
    """Book a weekly or fortnightly series. Returns (series, created bookings, plan).

    mode FREE_ONLY books the free dates and skips the rest; ALL_OR_NOTHING books
    nothing (ValidationError) if any date is not free.
    """
    resource = _lock(resource)
    if int(frequency) not in BookingSeries.Frequency.values:
        raise ValidationError({"frequency": [_("Choose how often the booking repeats.")]})
    local_start = local(start)
    if until < local_start.date():
        raise ValidationError({"until": [_("The last date cannot be before the first booking.")]})
    plan = series_plan(
        resource=resource,
        organization=organization,
        user=user,
        start=start,
        end=end,
        attendees=attendees,
        frequency=frequency,
        until=until,
        rules_accepted=rules_accepted,
        by_staff=by_staff,
        now=now,
    )
    blocked = [o for o in plan if not o.is_free]
    free = [o for o in plan if o.is_free]
    if mode == SeriesMode.ALL_OR_NOTHING and blocked:
        raise ValidationError(
            {
                "until": [
                    ngettext(
                        "%(count)s date is not free, so nothing was booked:",
                        "%(count)s dates are not free, so nothing was booked:",
                        len(blocked),
                    )
                    % {"count": len(blocked)}
                    + " "
                    + "; ".join(
                        f"{format_datetime(o.start)} ({' '.join(o.problems)})" for o in blocked
                    )
                ]
            }
        )
    if not free:
        raise ValidationError({"until": [_("None of the dates is free: nothing was booked.")]})
    series = BookingSeries.objects.create(
        resource=resource,
        organization=organization,
        frequency=int(frequency),
        until=until,
        created_by=user if user and user.is_authenticated else None,
    )
    created = []
    for occurrence in free:
        created.append(
            booking_create(
                resource=resource,
                organization=organization,
                user=user,
                start=occurrence.start,
                end=occurrence.end,
                title=title,
                attendees=attendees,
                equipment=equipment,
                notes=notes,
                rules_accepted=rules_accepted,
                by_staff=by_staff,
                series=series,
                notify=False,
                now=now,
            )
        )
    first = created[0]
    context = {"booking": first, "series": series, "bookings": created, "skipped": blocked}
    send_email_on_commit(
        "booking_series_received",
        context,
        _recipients(first),
        attachments=[ics.series_attachment(series, resource, created)],
    )
    if any(b.status == Booking.Status.PENDING for b in created):
        send_email_on_commit("booking_pending_staff", context, staff_emails())
    return series, created, plan


# --- Decisions and cancellations ---------------------------------------------------


def _locked_booking(booking: Booking) -> Booking:
    # Lock only the booking's row: the organisation may be empty (the centre's own
    # use), and PostgreSQL cannot lock the nullable side of an outer join.
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("resource", "organization")
        .get(pk=booking.pk)
    )


def booking_conflicts(booking: Booking) -> list[str]:
    """What now stands against a booking (a closure since added, changed hours, an
    overlapping booking): messages for the staff member about to approve it."""
    problems: list[str] = []
    times = times_check(
        booking.resource,
        booking.start,
        booking.end,
        by_staff=True,
        now=min(timezone.now(), booking.start),
    )
    problems.extend(message for messages in times.values() for message in messages)
    if _overlap_exists(booking.resource, booking.start, booking.end, exclude_pk=booking.pk):
        problems.append(_("Another booking holds part of this time."))
    return problems


@transaction.atomic
def booking_approve(*, booking: Booking, user: User, force: bool = False) -> Booking:
    booking = _locked_booking(booking)
    if booking.status != Booking.Status.PENDING:
        raise ValidationError(_("Only a booking waiting for approval can be approved."))
    if booking.end <= timezone.now():
        raise ValidationError(_("This booking is already over."))
    problems = booking_conflicts(booking)
    if problems and not force:
        raise ValidationError(
            _("Not approved, check it first: %(problems)s") % {"problems": " ".join(problems)}
        )
    booking.status = Booking.Status.CONFIRMED
    booking.decided_by = user
    booking.decided_at = timezone.now()
    booking.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    _history(booking, user, "approved", {"status": ["pending", "confirmed"]})
    send_email_on_commit(
        "booking_confirmed",
        {"booking": booking},
        _recipients(booking),
        attachments=[ics.booking_attachment(booking)],
    )
    return booking


@transaction.atomic
def booking_reject(*, booking: Booking, user: User, reason: str) -> Booking:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    booking = _locked_booking(booking)
    if booking.status != Booking.Status.PENDING:
        raise ValidationError(_("Only a booking waiting for approval can be rejected."))
    booking.status = Booking.Status.REJECTED
    booking.rejection_reason = reason
    booking.decided_by = user
    booking.decided_at = timezone.now()
    booking.save(
        update_fields=["status", "rejection_reason", "decided_by", "decided_at", "updated_at"]
    )
    _history(booking, user, "rejected", {"status": ["pending", "rejected"]}, note=reason)
    send_email_on_commit(
        "booking_rejected",
        {"booking": booking, "reason": reason},
        _recipients(booking),
        attachments=[ics.booking_attachment(booking)],
    )
    return booking


def can_cancel(
    booking: Booking, user: User | AnonymousUser, now: datetime.datetime | None = None
) -> bool:
    """Whether `user` may cancel `booking` now (members until the cut-off, staff always)."""
    if not booking.is_active or not user.is_authenticated:
        return False
    now = now or timezone.now()
    if user.is_staff:
        return booking.end > now
    if booking.organization is None:
        return False
    if not booking.organization.memberships.filter(
        user=user, status=Membership.Status.ACTIVE
    ).exists():
        return False
    return booking.start - datetime.timedelta(hours=booking.resource.cancel_notice_hours) > now


def held_for(booking: Booking) -> Model | None:
    """The record a booking for the centre's own use holds the room for (a
    consultation in person, a training session…), found through the one-to-one
    links other apps keep to bookings; None for an ordinary booking."""
    for relation in Booking._meta.related_objects:
        accessor = relation.get_accessor_name()  # None only for a hidden relation
        if relation.one_to_one and accessor is not None:
            try:
                return getattr(booking, accessor)
            except ObjectDoesNotExist:
                continue
    return None


@transaction.atomic
def booking_cancel_by_staff(
    *, booking: Booking, user: User, reason: str = "", now: datetime.datetime | None = None
) -> Booking:
    """The admin's cancellation: a room held for a consultation or a training is
    freed by cancelling that, not its booking (which would leave it without a room)."""
    owner = held_for(booking) or venues.holder_of(booking.pk)
    if owner is not None:
        raise ValidationError(
            _("This room is held for %(owner)s. Cancel that instead: its room is freed with it.")
            % {"owner": owner}
        )
    return booking_cancel(booking=booking, user=user, reason=reason, now=now)


@transaction.atomic
def booking_cancel(
    *, booking: Booking, user: User, reason: str = "", now: datetime.datetime | None = None
) -> Booking:
    reason = (reason or "").strip()
    booking = _locked_booking(booking)
    now = now or timezone.now()
    if not booking.is_active:
        raise ValidationError(_("This booking is no longer active."))
    if user.is_staff:
        if not reason:
            raise ValidationError({"reason": _("Give the reason for the cancellation.")})
        if booking.end <= now:
            raise ValidationError(_("This booking is already over."))
    elif (
        booking.organization is None
        or not booking.organization.memberships.filter(
            user=user, status=Membership.Status.ACTIVE
        ).exists()
    ):
        raise PermissionDenied
    elif not can_cancel(booking, user, now):
        raise ValidationError(
            ngettext(
                "Bookings can be cancelled online until %(hours)s hour before the start; "
                "after that, please call or write to the centre.",
                "Bookings can be cancelled online until %(hours)s hours before the start; "
                "after that, please call or write to the centre.",
                booking.resource.cancel_notice_hours,
            )
            % {"hours": booking.resource.cancel_notice_hours}
        )
    previous = booking.status
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_by = user
    booking.cancelled_at = now
    booking.cancellation_reason = reason
    booking.save(
        update_fields=[
            "status",
            "cancelled_by",
            "cancelled_at",
            "cancellation_reason",
            "updated_at",
        ]
    )
    _history(booking, user, "cancelled", {"status": [previous, "cancelled"]}, note=reason)
    recipients = _recipients(booking)
    if previous == Booking.Status.CONFIRMED or user.is_staff:
        recipients += staff_emails() if not user.is_staff else []
    send_email_on_commit(
        "booking_cancelled",
        {"booking": booking, "reason": reason, "by_staff": user.is_staff},
        recipients,
        attachments=[ics.booking_attachment(booking)],
    )
    return booking


def _equipment_names(booking: Booking) -> str:
    return ", ".join(str(item) for item in booking.equipment_needed.all())


@transaction.atomic
def booking_update_details(
    *,
    booking: Booking,
    user: User,
    title: str,
    attendees: int,
    equipment: Iterable[Equipment] = (),
    notes: str = "",
) -> Booking:
    """Staff change what a booking is for: its title, the number of people (within
    the resource's capacity), the equipment and the notes. The time, the resource
    and the status change only through the services above. Keeps the history;
    returns the booking."""
    if not user.is_staff:
        raise PermissionDenied
    booking = _locked_booking(booking)
    title = (title or "").strip()
    errors = {}
    if attendees != booking.attendees:  # a later change of capacity binds new numbers only
        errors.update(attendees_check(booking.resource, attendees))
    if not title:
        errors.setdefault("title", []).append(_("Say what the booking is for."))
    if errors:
        raise ValidationError(errors)
    before = {
        "title": booking.title,
        "attendees": booking.attendees,
        "equipment_needed": _equipment_names(booking),
        "notes": booking.notes,
    }
    booking.title = title[:200]
    booking.attendees = attendees
    booking.notes = notes or ""
    booking.save(update_fields=["title", "attendees", "notes", "updated_at"])
    booking.equipment_needed.set(equipment)
    after = {
        "title": booking.title,
        "attendees": booking.attendees,
        "equipment_needed": _equipment_names(booking),
        "notes": booking.notes,
    }
    changes = {
        name: [str(before[name]), str(after[name])]
        for name in before
        if before[name] != after[name]
    }
    if changes:
        _history(booking, user, "edited_by_staff", changes)
    return booking


@transaction.atomic
def booking_release(
    *,
    booking: Booking,
    user: User | AnonymousUser | None = None,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Booking:
    """Free a room held for the centre's own use (a consultation in person, a
    training session) that what it was held for no longer needs: the booking is
    cancelled, with a line in its history. Nobody is e-mailed: the centre's own
    bookings have no organisation to tell, and the people of the consultation or
    training hear from its own service. A booking no longer active stays as it is.
    Returns the booking."""
    booking = _locked_booking(booking)
    if booking.organization_id is not None:
        raise ValueError("Only a booking for the centre's own use is released.")
    if not booking.is_active:
        return booking
    previous = booking.status
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = now or timezone.now()
    booking.cancelled_by = user if user is not None and user.is_authenticated else None
    booking.cancellation_reason = reason
    booking.save(
        update_fields=[
            "status",
            "cancelled_at",
            "cancelled_by",
            "cancellation_reason",
            "updated_at",
        ]
    )
    _history(booking, user, "cancelled", {"status": [previous, "cancelled"]}, note=reason)
    return booking


def booking_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """E-mail the day-before reminder of tomorrow's (local) confirmed bookings, once
    each (`cwop_portal.reservations.reminders_send`); returns how many were sent."""

    def send(booking: Booking) -> Delivery:
        return send_email_now(
            "booking_reminder",
            {"booking": booking},
            _recipients(booking),
            attachments=[ics.booking_attachment(booking)],
        )

    return reminders_send(
        Booking.objects.all(),
        send,
        now=now or timezone.now(),
        related=("resource", "organization", "created_by"),
    )


def minutes_booked_summary(
    resource: Resource, organization: Organization, moment: datetime.datetime
) -> tuple[int, int] | None:
    """For the booking form: (used minutes, quota minutes or None) in the month of `moment`."""
    if resource.monthly_quota_hours is None:
        return None
    used = minutes_used(resource, organization, month_start_of(moment))
    return used, resource.monthly_quota_hours * 60


def total_attendees(bookings: QuerySet[Booking]) -> int:
    return bookings.aggregate(total=Sum("attendees"))["total"] or 0
