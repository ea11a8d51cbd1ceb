"""Values from the address (query parameters, free-text path segments), read safely.

Anyone can type an address, so what comes from it is checked before it reaches date
arithmetic, a database query or a redirect: these helpers never raise on bad input,
they return None (or False) for what cannot be used. Dates are bounded to the years a
page of the portal can show, so that "a week later" or "in the centre's time zone"
never overflows at the ends of Python's calendar (years 1 and 9999).
"""

import datetime
import re
from urllib.parse import urlsplit

from django.utils import timezone

# The years a calendar, a filter or a booking form of the portal can show.
FIRST_YEAR, LAST_YEAR = 2000, 2100
FIRST_DAY = datetime.date(FIRST_YEAR, 1, 1)
LAST_DAY = datetime.date(LAST_YEAR, 12, 31)

_WEEK = re.compile(r"(\d{4})-W(\d{1,2})")
_TOKEN = re.compile(r"[-\w.:]{1,200}", re.ASCII)
# An ISO date or date-time is at most this long (2026-06-01T10:00:00.000000+01:00).
_ISO_MAX_LENGTH = 40


def day_is_shown(day):
    """Whether `day` (a date or datetime) falls in the years the portal shows."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


def nearest_shown_day(day):
    """`day`, or the first or last day the portal shows when it is outside them."""
    return min(max(day, FIRST_DAY), LAST_DAY)


def parse_iso_week(value):
    """The Monday of an ISO week written as 2026-W48; None when the value is not one.

    Any week Python's calendar holds is returned (9999-W52 too): check it with
    `day_is_shown` before doing arithmetic on it."""
    match = _WEEK.fullmatch((value or "").strip())
    if not match:
        return None
    try:
        return datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def parse_local_datetime(value, zone=None):
    """An aware datetime from "2026-06-01T10:00" (local time when there is no offset),
    or None when the value is not one or falls outside the years the portal shows."""
    value = (value or "").strip()
    if len(value) > _ISO_MAX_LENGTH:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    # Checked before any conversion: near year 1 or 9999 a conversion overflows.
    if not day_is_shown(moment):
        return None
    zone = zone or timezone.get_current_timezone()
    if timezone.is_naive(moment):
        return timezone.make_aware(moment, zone)
    return moment.astimezone(zone)


def is_token(value):
    """Whether a path segment can be a secret token or key (letters, digits and
    -_.:), so that a NUL byte or a huge string never reaches a database query."""
    return bool(_TOKEN.fullmatch(value or ""))


def is_parseable_url(value):
    """Whether `value` can be taken apart as an address at all ("http://[" cannot:
    Python's URL parser raises on it). Whether it is a safe place to send somebody
    is a separate question (`url_has_allowed_host_and_scheme`)."""
    if "\x00" in (value or ""):
        return False
    try:
        parts = urlsplit(value or "")
        parts.port  # noqa: B018 -- a port out of range raises only when read
    except ValueError:
        return False
    return True
