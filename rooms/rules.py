"""The booking rules: who may book for which organisation, when a resource can
be booked (opening hours, closures, the slot grid, notice and horizon), how many
people it holds and each organisation's monthly quota.

Pure checks, no writes: each returns {field: [messages]} on the booking form's
field names (empty when all is well), so that a form shows every broken rule at
once; `rooms.services.bookings` turns them into a `ValidationError` and writes.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cwop_portal import params
from cwop_portal.dates import DAY, format_date, local, start_of_day
from organizations.models import Membership, Organization
from rooms.models import Booking, Resource
from rooms.schedule import Schedule, is_aligned

if TYPE_CHECKING:
    from cwop_portal.models import User

# {form field name: [messages]}; empty when every rule holds.
Errors = dict[str, list[str]]


def user_can_book_for(user: User | AnonymousUser, organization: Organization) -> bool:
    """A member (admin or editor) of a published organisation; staff for any."""
    if not user.is_authenticated:
        return False
    if organization.status != Organization.Status.PUBLISHED:
        return False
    if user.is_staff:
        return True
    return organization.memberships.filter(user=user, status=Membership.Status.ACTIVE).exists()


def minutes_used(
    resource: Resource,
    organization: Organization,
    month_start: datetime.datetime,
    *,
    exclude_pk: int | None = None,
) -> int:
    """Minutes of active bookings of `resource` by `organization` starting in the
    local calendar month that begins at `month_start` (aware, local midnight)."""
    next_month = (month_start.replace(tzinfo=None) + datetime.timedelta(days=32)).replace(day=1)
    month_end = start_of_day(next_month.date())
    bookings = Booking.objects.active().filter(
        resource=resource, organization=organization, start__gte=month_start, start__lt=month_end
    )
    if exclude_pk:
        bookings = bookings.exclude(pk=exclude_pk)
    total = datetime.timedelta()
    for start, end in bookings.values_list("start", "end"):
        total += end - start
    return int(total.total_seconds() // 60)


def month_start_of(moment: datetime.datetime) -> datetime.datetime:
    """Local midnight of the first day of the month of `moment` (quotas are monthly)."""
    return start_of_day(local(moment).date().replace(day=1))


def quota_left_minutes(
    resource: Resource, organization: Organization, moment: datetime.datetime
) -> int | None:
    """Minutes the organisation may still book in the month of `moment`; None: no limit."""
    if resource.monthly_quota_hours is None:
        return None
    used = minutes_used(resource, organization, month_start_of(moment))
    return max(0, resource.monthly_quota_hours * 60 - used)


def times_check(
    resource: Resource,
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    schedule: Schedule | None = None,
    by_staff: bool = False,
    now: datetime.datetime | None = None,
) -> Errors:
    """The rules about when; returns {field: [messages]} (empty when all is well)."""
    errors: Errors = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    now = now or timezone.now()
    if end <= start:
        add("end", _("The end must be later than the start."))
        return errors
    if not (params.day_is_shown(start) and params.day_is_shown(end)):
        # A mistyped year (staff may book past the horizon): the day-by-day checks
        # below would run off the calendar at year 9999.
        add(
            "start",
            _("Choose a date in the years %(first)s–%(last)s.")
            % {"first": params.FIRST_YEAR, "last": params.LAST_YEAR},
        )
        return errors
    minutes = int((end - start).total_seconds() // 60)
    local_start, local_end = local(start), local(end)
    if resource.books_whole_days:
        if local_start.timetz().replace(tzinfo=None) != datetime.time(
            0
        ) or local_end.timetz().replace(tzinfo=None) != datetime.time(0):
            add("start", _("Board space is booked by whole days."))
            return errors
        days = (local_end.date() - local_start.date()).days
        if days * 1440 < resource.min_duration:
            days_min = resource.min_duration // 1440
            add(
                "end",
                ngettext("Book at least %(n)s day.", "Book at least %(n)s days.", days_min)
                % {"n": days_min},
            )
        if days * 1440 > resource.max_duration:
            days_max = resource.max_duration // 1440
            add(
                "end",
                ngettext("Book at most %(n)s day.", "Book at most %(n)s days.", days_max)
                % {"n": days_max},
            )
    else:
        if not is_aligned(start, resource.slot_step):
            add(
                "start",
                _("Start on the slot grid: every %(step)s minutes from the full hour.")
                % {"step": resource.slot_step},
            )
        if not is_aligned(end, resource.slot_step):
            add(
                "end",
                _("End on the slot grid: every %(step)s minutes from the full hour.")
                % {"step": resource.slot_step},
            )
        if local_start.date() != (local_end - datetime.timedelta(microseconds=1)).date():
            add("end", _("A booking must start and end on the same day."))
        if minutes < resource.min_duration:
            add(
                "end",
                _("The booking is too short: at least %(minutes)s minutes.")
                % {"minutes": resource.min_duration},
            )
        if minutes > resource.max_duration:
            add(
                "end",
                _("The booking is too long: at most %(minutes)s minutes.")
                % {"minutes": resource.max_duration},
            )
    if start < now:
        add("start", _("This time is in the past."))
    elif not by_staff:
        if start < now + datetime.timedelta(hours=resource.booking_notice_hours):
            add(
                "start",
                ngettext(
                    "Book at least %(hours)s hour in advance.",
                    "Book at least %(hours)s hours in advance.",
                    resource.booking_notice_hours,
                )
                % {"hours": resource.booking_notice_hours},
            )
        horizon = now + datetime.timedelta(days=resource.booking_horizon_days)
        if start > horizon:
            add(
                "start",
                ngettext(
                    "Bookings open %(days)s day ahead; choose an earlier date.",
                    "Bookings open %(days)s days ahead; choose an earlier date.",
                    resource.booking_horizon_days,
                )
                % {"days": resource.booking_horizon_days},
            )
    if errors:
        return errors
    schedule = schedule or Schedule(resource, local_start.date(), local_end.date())
    day = local_start.date()
    while day < local_end.date() or day == local_start.date():
        status = schedule.day(day)
        if not status.is_open:
            add(
                "start",
                _("%(resource)s cannot be booked on %(day)s: %(reason)s.")
                % {
                    "resource": resource.name,
                    "day": format_date(day),
                    "reason": status.closed_reason,
                },
            )
            return errors
        if not resource.books_whole_days and (start < status.opens or end > status.closes):
            add(
                "start",
                _("Outside the opening hours: on %(day)s from %(opens)s to %(closes)s.")
                % {
                    "day": format_date(day),
                    "opens": f"{local(status.opens):%H:%M}",
                    "closes": f"{local(status.closes):%H:%M}",
                },
            )
            return errors
        day += DAY
    return errors


def booking_check(
    *,
    resource: Resource,
    organization: Organization | None,
    user: User | AnonymousUser | None,
    start: datetime.datetime,
    end: datetime.datetime,
    attendees: int | None,
    rules_accepted: bool,
    by_staff: bool,
    now: datetime.datetime | None = None,
    schedule: Schedule | None = None,
    extra_minutes: int = 0,
) -> Errors:
    """Every rule of a new booking: the resource, the organisation and the
    user's right to book for it, the times, the attendees, the house rules and
    the monthly quota (with `extra_minutes` already planned in that month by
    the other dates of a series)."""
    errors: Errors = {}
    if not resource.is_active:
        errors["resource"] = [_("This resource cannot be booked at the moment.")]
        return errors
    if organization is None:
        if not by_staff:
            errors["organization"] = [_("Choose the organisation you book for.")]
            return errors
    elif not by_staff and (user is None or not user_can_book_for(user, organization)):
        errors["organization"] = [
            _("You can book only for a published organisation you are a member of.")
        ]
        return errors
    if by_staff and organization and organization.status != Organization.Status.PUBLISHED:
        errors["organization"] = [_("Bookings are made for published organisations only.")]
        return errors
    errors.update(times_check(resource, start, end, schedule=schedule, by_staff=by_staff, now=now))
    errors.update(attendees_check(resource, attendees))
    if resource.house_rules_pl and not rules_accepted and not by_staff:
        errors.setdefault("rules_accepted", []).append(_("Accept the house rules to book."))
    if not errors and not by_staff and organization is not None:
        errors.update(_quota_check(resource, organization, start, end, extra_minutes))
    return errors


def _quota_check(
    resource: Resource,
    organization: Organization,
    start: datetime.datetime,
    end: datetime.datetime,
    extra_minutes: int,
) -> Errors:
    """The monthly quota of an organisation's bookings of `resource` (none: no
    limit), counting `extra_minutes` as already booked; checked last, as it
    costs a query."""
    left = quota_left_minutes(resource, organization, start)
    if left is None:
        return {}
    left -= extra_minutes
    if int((end - start).total_seconds() // 60) <= left:
        return {}
    message = _(
        "Over the monthly limit of %(quota)s hours for %(resource)s: your "
        "organisation has %(left)s left in that month."
    ) % {
        "quota": resource.monthly_quota_hours,
        "resource": resource.name,
        "left": _hours(max(0, left)),
    }
    return {"end": [message]}


def attendees_check(resource: Resource, attendees: int | None) -> Errors:
    """The capacity rule: {"attendees": [messages]}, empty when all is well."""
    if attendees is None or attendees < 1:
        return {"attendees": [_("At least one person.")]}
    if attendees > resource.capacity:
        message = ngettext(
            "%(resource)s holds at most %(capacity)s person.",
            "%(resource)s holds at most %(capacity)s people.",
            resource.capacity,
        ) % {"resource": resource.name, "capacity": resource.capacity}
        return {"attendees": [message]}
    return {}


def _hours(minutes: int) -> str:
    """Minutes as hours, as the quota message shows them: 90 -> "1:30 h"."""
    hours, rest = divmod(minutes, 60)
    return f"{hours}:{rest:02d} h"
