"""Days tests can book on with the real clock: working days that are not Polish
public holidays (`cwop_portal.dates.polish_holidays`), so a test never lands on
24 December or Easter Monday."""

import datetime

from django.utils import timezone

from cwop_portal.dates import polish_holidays


def working_day(days_ahead=8):
    """A Tuesday, Wednesday or Thursday at least `days_ahead` days from today that is
    not a Polish public holiday: the centre is open there 08:00–16:00."""
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    closed = polish_holidays(range(day.year, day.year + 2))
    while day.weekday() not in (1, 2, 3) or day in closed:
        day += datetime.timedelta(days=1)
    return day


def free_tuesday(after):
    """A Tuesday at least two weeks after `after` that is not a public holiday."""
    day = after + datetime.timedelta(days=14)
    day += datetime.timedelta(days=(1 - day.weekday()) % 7)
    while day in polish_holidays(day.year):
        day += datetime.timedelta(days=7)
    return day
