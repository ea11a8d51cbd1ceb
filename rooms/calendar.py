"""The week calendar of a resource: which slots are free, taken, closed or past.

Built from one query for the week's bookings plus the schedule's few queries,
whatever the number of bookings or slots.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cwop_portal.dates import DAY, at, local_zone
from rooms.models import Booking
from rooms.schedule import Schedule


class Cell:
    FREE = "free"
    TAKEN = "taken"
    PENDING = "pending"
    CLOSED = "closed"
    PAST = "past"


def week_label(monday):
    year, week, _weekday = monday.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(day):
    return day - datetime.timedelta(days=day.weekday())


@dataclass
class Slot:
    start: datetime.datetime
    end: datetime.datetime
    state: str
    booking: Booking | None = None
    reason: str = ""
    param: str = ""  # the start as the booking form's ?start= value (local time)
    label: str = ""  # what a screen reader says for a free slot's link


@dataclass
class Row:
    label: str
    slots: list


def week_calendar(resource, monday, *, now=None):
    """{'days': [DayStatus × 7], 'rows': [Row]} for the week starting on `monday`.

    Rooms: one row per slot step between the earliest opening and the latest
    closing of the week. Board space: one row of whole days.
    """
    now = now or timezone.now()
    sunday = monday + datetime.timedelta(days=6)
    schedule = Schedule(resource, monday, sunday)
    days = list(schedule.days())
    bookings = list(
        Booking.objects.active()
        .filter(resource=resource, start__lt=at(sunday + DAY, datetime.time(0)))
        .filter(end__gt=at(monday, datetime.time(0)))
        .select_related("organization")
        .order_by("start")
    )

    def state_of(start, end, day_status):
        if not day_status.is_open or start < day_status.opens or end > day_status.closes:
            return Cell.CLOSED, None
        for booking in bookings:
            if booking.start < end and booking.end > start:
                state = Cell.PENDING if booking.status == Booking.Status.PENDING else Cell.TAKEN
                return state, booking
        if start < now:
            return Cell.PAST, None
        return Cell.FREE, None

    # Labels are made once per day (date formatting is costly in a 112-cell week).
    day_labels = {d.day: date_format(d.day, "l j E") for d in days}

    def free_label(start):
        local = start.astimezone(local_zone())
        return _("Book %(day)s, %(time)s") % {
            "day": day_labels[local.date()],
            "time": f"{local:%H:%M}",
        }

    def slot(start, end, day_status):
        state, booking = state_of(start, end, day_status)
        local = start.astimezone(local_zone())
        free = state == Cell.FREE
        return Slot(
            start,
            end,
            state,
            booking,
            day_status.closed_reason,
            param=f"{local:%Y-%m-%dT%H:%M}" if free else "",
            label=free_label(start) if free else "",
        )

    rows = []
    if resource.books_whole_days:
        slots = []
        for day_status in days:
            start = at(day_status.day, datetime.time(0))
            end = at(day_status.day + DAY, datetime.time(0))
            slots.append(slot(start, end, day_status))
        rows.append(Row("", slots))
        return {"days": days, "rows": rows}

    open_days = [d for d in days if d.is_open]
    if not open_days:
        return {"days": days, "rows": []}
    zone = local_zone()
    first_minute = min(_minutes(d.opens.astimezone(zone)) for d in open_days)
    last_minute = max(_minutes(d.closes.astimezone(zone)) for d in open_days)
    step = resource.slot_step
    first_minute -= first_minute % step
    minute = first_minute
    while minute < last_minute:
        slots = []
        clock = datetime.time(minute // 60, minute % 60)
        for day_status in days:
            start = at(day_status.day, clock)
            end = start + datetime.timedelta(minutes=step)
            slots.append(slot(start, end, day_status))
        rows.append(Row(f"{clock:%H:%M}", slots))
        minute += step
    return {"days": days, "rows": rows}


def _minutes(moment):
    return moment.hour * 60 + moment.minute


def open_during(resources, start, end):
    """The resources that are open for the whole of [start, end) on its day(s)."""
    zone = local_zone()
    first, last = (
        start.astimezone(zone).date(),
        (end - datetime.timedelta(microseconds=1)).astimezone(zone).date(),
    )
    result = []
    schedules = Schedule.for_resources(resources, first, last)
    for resource in resources:
        statuses = list(schedules[resource.pk].days())
        whole_day = (
            len(statuses) == 1
            and start == at(first, datetime.time(0))
            and (end == at(first + DAY, datetime.time(0)))
        )
        if all(status.is_open for status in statuses) and (
            resource.books_whole_days
            or whole_day
            or (len(statuses) == 1 and statuses[0].opens <= start and end <= statuses[0].closes)
        ):
            result.append(resource)
    return result
