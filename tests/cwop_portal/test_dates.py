"""The centre's clock (`cwop_portal.dates`): local days across summer time, months,
Polish public holidays in the page's language, working days, date formats."""

import datetime

import pytest
from django.utils import translation

from cwop_portal import dates


def test_a_day_starts_at_local_midnight_and_the_spring_day_lasts_23_hours():
    day = datetime.date(2026, 3, 29)  # clocks go forward at 02:00 in Poland
    start, end = dates.start_of_day(day), dates.start_of_day(day + dates.DAY)
    assert start.isoformat() == "2026-03-29T00:00:00+01:00"
    assert end.astimezone(datetime.UTC) - start.astimezone(datetime.UTC) == datetime.timedelta(
        hours=23
    )


def test_local_shows_a_utc_moment_on_the_centres_clock():
    moment = datetime.datetime(2026, 7, 1, 8, 30, tzinfo=datetime.UTC)
    assert dates.local(moment).strftime("%H:%M %z") == "10:30 +0200"
    assert dates.at(datetime.date(2026, 7, 1), datetime.time(10, 30)) == moment


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 1)),
        (datetime.date(2026, 12, 15), 1, datetime.date(2027, 1, 1)),
        (datetime.date(2026, 3, 1), -3, datetime.date(2025, 12, 1)),
        (datetime.date(2026, 5, 20), 0, datetime.date(2026, 5, 1)),
    ],
)
def test_add_months_gives_the_first_day_of_the_month(day, months, expected):
    assert dates.add_months(day, months) == expected


def test_polish_holidays_are_named_in_the_language_of_the_page():
    christmas = datetime.date(2026, 12, 25)
    assert "Boże Narodzenie" in dates.polish_holidays(2026)[christmas]
    with translation.override("en"):
        assert "Christmas" in dates.polish_holidays(2026, language=None)[christmas]
    with translation.override("pl"):
        assert "Boże Narodzenie" in dates.polish_holidays(2026, language=None)[christmas]


def test_working_days_skip_weekends_and_public_holidays_in_both_directions():
    # Wednesday 23 Dec 2026 to Monday 4 Jan 2027: Christmas Eve (a public holiday
    # since 2025), Christmas, 26 Dec and New Year's Day are off.
    forward = list(dates.working_days(datetime.date(2026, 12, 23), datetime.date(2027, 1, 4)))
    assert forward == [
        datetime.date(2026, 12, 23),
        datetime.date(2026, 12, 28),
        datetime.date(2026, 12, 29),
        datetime.date(2026, 12, 30),
        datetime.date(2026, 12, 31),
        datetime.date(2027, 1, 4),
    ]
    backward = dates.working_days(datetime.date(2027, 1, 4), datetime.date(2026, 12, 23), -1)
    assert list(backward) == forward[::-1]


def test_datetimes_in_messages_are_on_the_centres_clock():
    moment = datetime.datetime(2026, 6, 1, 8, 0, tzinfo=datetime.UTC)
    with translation.override("en"):
        assert "10 a.m." in dates.format_datetime(moment)
        assert dates.format_date(datetime.date(2026, 6, 1)) == "June 1, 2026"
    with translation.override("pl"):
        assert dates.format_date(datetime.date(2026, 6, 1)) == "1 czerwca 2026"
        assert dates.format_short_datetime(moment).endswith("10:00")
