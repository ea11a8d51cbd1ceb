"""Time on the centre's clock: its time zone, days and months, Polish public holidays
and the date formats the portal writes in messages.

The centre works in one time zone (settings.TIME_ZONE, Europe/Warsaw). Datetimes are
stored in UTC and turned into local ones here with zoneinfo, which handles the changes
to and from summer time: a day is from local midnight to local midnight, whatever its
length in hours.
"""

import datetime
import functools
import zoneinfo
from collections.abc import Iterator

import holidays
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language

DAY = datetime.timedelta(days=1)


def database_now() -> datetime.datetime:
    """The database's time now, for deadlines judged with a row locked: on PostgreSQL
    the time of this statement, so that a row locked before it is judged when the
    lock was obtained (every process and machine share that clock); on SQLite, which
    has no clock of its own worth the name, the web server's."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement_timestamp()")
            row = cursor.fetchone()
        moment = row[0] if row else None
        if isinstance(moment, datetime.datetime):
            return moment
    return timezone.now()


def local_zone() -> zoneinfo.ZoneInfo:
    """The centre's time zone (settings.TIME_ZONE)."""
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local(moment: datetime.datetime) -> datetime.datetime:
    """`moment` (aware) on the centre's clock."""
    return timezone.localtime(moment, local_zone())


def local_today() -> datetime.date:
    """Today's date on the centre's clock."""
    return timezone.localdate(timezone=local_zone())


def at(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """The aware datetime of `time` on `day`, in the centre's time zone."""
    return datetime.datetime.combine(day, time, tzinfo=local_zone())


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Local midnight at the start of `day` (aware)."""
    return at(day, datetime.time(0, 0))


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after the month of `day` (negative: before)."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@functools.lru_cache(maxsize=16)
def _holidays(years: int | range, language: str) -> holidays.HolidayBase:
    # Cached: the package builds the holidays in Python, year by year.
    return holidays.Poland(years=years, language=language)


def polish_holidays(years: int | range, language: str | None = "pl") -> holidays.HolidayBase:
    """Polish public holidays of `years` (a year or a range of them): a mapping
    {date: name}, the names in Polish, or in `language` ("pl" or "en_US"); None: in
    the active language (English pages get English names)."""
    if language is None:
        language = "en_US" if (get_language() or "pl").startswith("en") else "pl"
    return _holidays(years, language)


def working_days(
    first: datetime.date, last: datetime.date, step: int = 1
) -> Iterator[datetime.date]:
    """The days from `first` towards `last` (both included; `step` +1 or -1), Mondays
    to Fridays that are not Polish public holidays."""
    closed = polish_holidays(range(min(first.year, last.year), max(first.year, last.year) + 1))
    day = first
    while (day <= last) if step > 0 else (day >= last):
        if day.weekday() < 5 and day not in closed:
            yield day
        day += datetime.timedelta(days=step)


def format_date(day: datetime.date) -> str:
    """A date as messages write it (DATE_FORMAT of the active language: "1 czerwca 2026")."""
    return date_format(day, "DATE_FORMAT")


def format_datetime(moment: datetime.datetime) -> str:
    """An aware datetime on the centre's clock, as messages write it (DATETIME_FORMAT
    of the active language)."""
    return date_format(local(moment), "DATETIME_FORMAT")


def format_short_datetime(moment: datetime.datetime) -> str:
    """An aware datetime on the centre's clock, short (SHORT_DATETIME_FORMAT), for the
    admin's lists."""
    return date_format(local(moment), "SHORT_DATETIME_FORMAT")
