"""When a resource can be booked: opening hours, closures and Polish public holidays.

All of it is read for a range of days with a fixed number of queries (`Schedule`),
so the week calendar, the booking rules and a weekly series cost the same few
queries however many days they look at. Times are local, on the centre's clock
(`cwop_portal.dates`: its time zone, days, Polish public holidays).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from cwop_portal.dates import DAY, at, local_zone, polish_holidays, start_of_day
from rooms.models import Closure, OpeningHours, Weekday


def is_aligned(moment, step_minutes):
    """Whether `moment` falls on the slot grid: a multiple of the step on the local clock."""
    local = moment.astimezone(local_zone())
    if local.second or local.microsecond:
        return False
    return (local.hour * 60 + local.minute) % step_minutes == 0


@dataclass(frozen=True)
class DayStatus:
    day: datetime.date
    opens: datetime.datetime | None  # None: closed all day
    closes: datetime.datetime | None
    closed_reason: str = ""

    @property
    def is_open(self):
        return self.opens is not None


class Schedule:
    """The opening days and hours of one resource between two dates (inclusive)."""

    def __init__(self, resource, first_day, last_day, *, preloaded=None):
        """`preloaded`: (hours rows, closure rows) already read for several
        resources (see `for_resources`); otherwise they are read here."""
        self.resource = resource
        self.first_day = first_day
        self.last_day = last_day
        if preloaded is None:
            hour_rows = list(
                OpeningHours.objects.filter(Q(resource=resource) | Q(resource__isnull=True))
            )
            closure_rows = list(
                Closure.objects.filter(
                    Q(resource__isnull=True) | Q(resource=resource),
                    start_date__lte=last_day,
                    end_date__gte=first_day,
                ).order_by("start_date", "pk")
            )
        else:
            hour_rows, closure_rows = preloaded
        own = [row for row in hour_rows if row.resource_id == resource.pk]
        rows = own or [row for row in hour_rows if row.resource_id is None]
        self.hours = {row.weekday: (row.opens, row.closes) for row in rows}
        self.closures = [
            closure
            for closure in closure_rows
            if closure.resource_id in (None, resource.pk)
            and closure.start_date <= last_day
            and closure.end_date >= first_day
        ]
        self.years = range(first_day.year, last_day.year + 1)

    @classmethod
    def for_resources(cls, resources, first_day, last_day):
        """{resource pk: Schedule} for many resources, read with two queries."""
        hour_rows = list(OpeningHours.objects.all())
        closure_rows = list(
            Closure.objects.filter(start_date__lte=last_day, end_date__gte=first_day).order_by(
                "start_date", "pk"
            )
        )
        return {
            resource.pk: cls(resource, first_day, last_day, preloaded=(hour_rows, closure_rows))
            for resource in resources
        }

    def _holiday_name(self, day):
        """The public holiday's name in the active language, or None."""
        return polish_holidays(self.years, language=None).get(day)

    def closure_on(self, day):
        for closure in self.closures:
            if closure.start_date <= day <= closure.end_date:
                return closure
        return None

    def day(self, day):
        """Whether and when the resource is open on `day`, with the reason if not."""
        closure = self.closure_on(day)
        if closure:
            return DayStatus(day, None, None, closure.reason)
        if self.resource.books_whole_days:
            # Posters and leaflets stay up on any day that is not a closure.
            return DayStatus(day, start_of_day(day), start_of_day(day + DAY))
        holiday = self._holiday_name(day)
        if holiday:
            return DayStatus(day, None, None, _("Public holiday: %(name)s") % {"name": holiday})
        if day.weekday() not in self.hours:
            return DayStatus(day, None, None, _("Closed on this day of the week"))
        opens, closes = self.hours[day.weekday()]
        return DayStatus(day, at(day, opens), at(day, closes))

    def days(self):
        day = self.first_day
        while day <= self.last_day:
            yield self.day(day)
            day += DAY


def opening_hours_summary(resource):
    """[(weekday label, "08:00–16:00")] for the weekdays the resource is open."""
    own = list(OpeningHours.objects.filter(resource=resource))
    rows = own or list(OpeningHours.objects.filter(resource__isnull=True))
    return [
        (Weekday(row.weekday).label, f"{row.opens:%H:%M}–{row.closes:%H:%M}")
        for row in sorted(rows, key=lambda row: row.weekday)
    ]
