"""Values from the address, read without ever raising (cwop_portal.params)."""

import datetime
import zoneinfo

import pytest

from cwop_portal import params

WARSAW = zoneinfo.ZoneInfo("Europe/Warsaw")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-W48", datetime.date(2026, 11, 23)),
        (" 2026-W1 ", datetime.date(2025, 12, 29)),
        ("9999-W52", datetime.date(9999, 12, 27)),  # held, for the caller to bound
        ("2026-W99", None),
        ("0000-W00", None),
        ("10000-W01", None),
        ("2026-W", None),
        ("2026-W48\x00", None),
        ("", None),
        (None, None),
        ("2" * 3000, None),
    ],
)
def test_an_iso_week_gives_its_monday_or_none(value, expected):
    assert params.parse_iso_week(value) == expected


def test_days_outside_the_years_shown_are_brought_to_the_nearest_shown():
    assert params.nearest_shown_day(datetime.date(9999, 12, 31)) == datetime.date(2100, 12, 31)
    assert params.nearest_shown_day(datetime.date(1, 1, 1)) == datetime.date(2000, 1, 1)
    assert params.nearest_shown_day(datetime.date(2026, 5, 5)) == datetime.date(2026, 5, 5)
    assert params.day_is_shown(datetime.date(2100, 12, 31))
    assert not params.day_is_shown(datetime.date(2101, 1, 1))


def test_a_start_is_local_time_unless_it_says_otherwise():
    assert params.parse_local_datetime("2030-06-04T10:00", WARSAW) == datetime.datetime(
        2030, 6, 4, 10, tzinfo=WARSAW
    )
    converted = params.parse_local_datetime("2030-06-04T08:00+00:00", WARSAW)
    assert (converted.hour, converted.utcoffset()) == (10, datetime.timedelta(hours=2))


@pytest.mark.parametrize(
    "value",
    ["9999-12-31T23:59", "0001-01-01T00:00", "9999-12-31T23:59:59-23:59", "jutro", "", "\x00"],
)
def test_a_start_at_the_ends_of_the_calendar_or_malformed_is_none(value):
    assert params.parse_local_datetime(value, WARSAW) is None


@pytest.mark.parametrize(
    ("value", "parseable"),
    [
        ("/sale/", True),
        ("https://example.org/x?y=1", True),
        ("//evil.example", True),  # parseable; whether it is safe is a separate check
        ("http://[", False),
        ("http://[::1", False),
        ("http://example.org:99999/", False),
        ("/a\x00b", False),
        ("", True),
    ],
)
def test_an_address_python_cannot_parse_is_recognised(value, parseable):
    assert params.is_parseable_url(value) is parseable


@pytest.mark.parametrize(
    ("value", "is_token"),
    [
        ("Xy-_09abc", True),
        ("NQ:1xaXvM:gMaU141PWrYyw4ZOUkbC62OsXvoTeMRomxHEdrVGbEY", True),
        ("\x00", False),
        ("abc\x00", False),
        ("a" * 3000, False),
        ("zażółć", False),
        ("", False),
    ],
)
def test_a_token_is_letters_digits_and_a_few_marks(value, is_token):
    assert params.is_token(value) is is_token
