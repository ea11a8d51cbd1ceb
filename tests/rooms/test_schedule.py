"""When a resource is open: the centre's hours, a resource's own hours, closures,
Polish public holidays, board space, and the changes to and from summer time."""

import datetime

import pytest
from django.utils import translation

from rooms.models import OpeningHours
from rooms.schedule import Schedule, is_aligned, opening_hours_summary
from tests.factories import local
from tests.rooms.factories import BoardSpaceFactory, ClosureFactory, ResourceFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
date = datetime.date
time = datetime.time


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def day_status(resource, day):
    return Schedule(resource, day, day).day(day)


def test_the_centre_is_open_monday_to_friday_8_to_16_from_the_initial_data():
    room = ResourceFactory()
    days = list(Schedule(room, date(2030, 3, 11), date(2030, 3, 17)).days())

    assert [d.day for d in days] == [date(2030, 3, 11) + datetime.timedelta(n) for n in range(7)]
    assert [d.is_open for d in days] == [True] * 5 + [False] * 2
    monday = days[0]
    assert (monday.opens, monday.closes) == (local(2030, 3, 11, 8), local(2030, 3, 11, 16))
    assert days[5].closed_reason == "Closed on this day of the week"


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2030, 1, 1), "New Year's Day"),
        (date(2030, 4, 22), "Easter Monday"),
        (date(2030, 5, 1), "National Day"),
        (date(2030, 5, 3), "National Day of the Third of May"),
        (date(2030, 6, 20), "Corpus Christi"),
        (date(2030, 8, 15), "Assumption Day"),
        (date(2030, 11, 1), "All Saints' Day"),
        (date(2030, 11, 11), "National Independence Day"),
        (date(2030, 12, 24), "Christmas Eve"),
        (date(2030, 12, 25), "Christmas"),
        (date(2030, 12, 26), "Second Day of Christmas"),
    ],
)
def test_polish_public_holidays_on_weekdays_are_closed_with_their_name(day, name):
    assert day.weekday() < 5  # otherwise the weekday alone would close it
    status = day_status(ResourceFactory(), day)

    assert not status.is_open
    assert status.closed_reason.startswith("Public holiday: ")
    assert name in status.closed_reason


def test_the_holiday_name_follows_the_language():
    room = ResourceFactory()
    with translation.override("pl"):
        status = day_status(room, date(2030, 11, 11))
    assert "Narodowe Święto Niepodległości" in status.closed_reason


def test_the_working_day_after_a_holiday_is_open():
    assert day_status(ResourceFactory(), date(2030, 11, 12)).is_open


def test_a_centre_closure_closes_every_resource_on_each_of_its_days_inclusive():
    room, other_room = ResourceFactory(), ResourceFactory()
    ClosureFactory(start_date=date(2030, 3, 12), end_date=date(2030, 3, 14), reason_en="Renovation")

    for resource in (room, other_room):
        days = {d.day: d for d in Schedule(resource, date(2030, 3, 11), date(2030, 3, 15)).days()}
        assert [days[date(2030, 3, n)].is_open for n in range(11, 16)] == [
            True,
            False,
            False,
            False,
            True,
        ]
        assert days[date(2030, 3, 12)].closed_reason == "Renovation"


def test_a_resource_closure_closes_only_that_resource():
    room, other_room = ResourceFactory(), ResourceFactory()
    ClosureFactory(resource=room, start_date=date(2030, 3, 12), reason_en="Floor varnishing")

    assert day_status(room, date(2030, 3, 12)).closed_reason == "Floor varnishing"
    assert day_status(other_room, date(2030, 3, 12)).is_open


def test_a_closure_outside_the_range_is_not_read():
    room = ResourceFactory()
    ClosureFactory(start_date=date(2030, 3, 1), end_date=date(2030, 3, 10))

    assert Schedule(room, date(2030, 3, 11), date(2030, 3, 12)).closures == []


def test_a_resource_with_hours_of_its_own_follows_only_those():
    room = ResourceFactory(hours={5: (time(9), time(13))})  # Saturdays only

    saturday = day_status(room, date(2030, 3, 16))
    assert (saturday.opens, saturday.closes) == (local(2030, 3, 16, 9), local(2030, 3, 16, 13))
    monday = day_status(room, date(2030, 3, 11))
    assert not monday.is_open
    assert monday.closed_reason == "Closed on this day of the week"
    # The centre's hours still apply to the other resources.
    assert day_status(ResourceFactory(), date(2030, 3, 11)).is_open


def test_the_centres_hours_are_read_from_the_database():
    OpeningHours.objects.filter(resource=None, weekday=0).update(opens=time(10), closes=time(18))

    monday = day_status(ResourceFactory(), date(2030, 3, 11))
    assert (monday.opens, monday.closes) == (local(2030, 3, 11, 10), local(2030, 3, 11, 18))


@pytest.mark.parametrize(
    "day",
    [
        date(2030, 3, 16),  # Saturday
        date(2030, 3, 17),  # Sunday
        date(2030, 11, 11),  # Independence Day
        date(2030, 4, 21),  # Easter Sunday
    ],
)
def test_board_space_is_open_all_day_on_weekends_and_holidays(day):
    status = day_status(BoardSpaceFactory(), day)

    assert (status.opens, status.closes) == (
        local(day.year, day.month, day.day),
        local(day.year, day.month, day.day) + datetime.timedelta(days=1),
    )


def test_board_space_is_closed_on_closures():
    board = BoardSpaceFactory()
    ClosureFactory(start_date=date(2030, 3, 16), reason_en="Moving the boards")
    ClosureFactory(resource=board, start_date=date(2030, 3, 18), reason_en="New boards")

    assert day_status(board, date(2030, 3, 16)).closed_reason == "Moving the boards"
    assert day_status(board, date(2030, 3, 17)).is_open
    assert day_status(board, date(2030, 3, 18)).closed_reason == "New boards"


@pytest.mark.parametrize(
    ("day", "utc_opens", "utc_closes"),
    [
        # Summer time starts on the last Sunday of March at 02:00 (UTC+1 → UTC+2)…
        (date(2030, 3, 31), datetime.datetime(2030, 3, 31, 6, tzinfo=UTC), 14),
        # …and ends on the last Sunday of October at 03:00 (UTC+2 → UTC+1).
        (date(2030, 10, 27), datetime.datetime(2030, 10, 27, 7, tzinfo=UTC), 15),
    ],
)
def test_hours_keep_the_local_clock_on_the_days_the_clocks_change(day, utc_opens, utc_closes):
    room = ResourceFactory(hours={6: (time(8), time(16))})  # open on Sundays

    status = day_status(room, day)

    assert status.opens == utc_opens
    assert status.closes == utc_opens.replace(hour=utc_closes)
    assert status.opens.astimezone(status.opens.tzinfo).hour == 8


@pytest.mark.parametrize(("day", "hours"), [(date(2030, 3, 31), 23), (date(2030, 10, 27), 25)])
def test_a_board_space_day_runs_from_local_midnight_to_midnight_across_the_change(day, hours):
    status = day_status(BoardSpaceFactory(), day)

    assert status.opens == local(day.year, day.month, day.day)
    # Subtract in UTC: Python subtracts two times of one zone on the wall clock.
    assert status.closes.astimezone(UTC) - status.opens.astimezone(UTC) == datetime.timedelta(
        hours=hours
    )


@pytest.mark.parametrize(
    ("moment", "step", "aligned"),
    [
        (local(2030, 3, 12, 10), 30, True),
        (local(2030, 3, 12, 10, 30), 30, True),
        (local(2030, 3, 12, 10, 15), 30, False),
        (local(2030, 3, 12, 10, 15), 15, True),
        (local(2030, 3, 12, 10, 30), 60, False),
        (local(2030, 3, 12, 9, 45), 45, True),  # counted from midnight: 585 = 13 × 45
        (local(2030, 3, 12, 10).replace(second=30), 30, False),
        # 08:00 UTC on 31 March 2030 is 10:00 in Warsaw (summer time)…
        (datetime.datetime(2030, 3, 31, 8, tzinfo=UTC), 60, True),
        # …and 08:30 UTC on 30 March is 09:30 there (winter time).
        (datetime.datetime(2030, 3, 30, 8, 30, tzinfo=UTC), 60, False),
    ],
)
def test_the_slot_grid_is_on_the_local_clock(moment, step, aligned):
    assert is_aligned(moment, step) is aligned


def test_a_schedule_costs_the_same_few_queries_however_many_days(django_assert_num_queries):
    room = ResourceFactory()
    ClosureFactory(start_date=date(2030, 5, 2))
    with django_assert_num_queries(2):  # hours (own and centre's), closures
        schedule = Schedule(room, date(2030, 1, 1), date(2030, 12, 31))
        days = list(schedule.days())
    assert len(days) == 365
    others = [ResourceFactory() for _ in range(5)]
    with django_assert_num_queries(2):  # the same two for any number of resources
        schedules = Schedule.for_resources([room, *others], date(2030, 1, 1), date(2030, 1, 31))
        assert all(len(list(s.days())) == 31 for s in schedules.values())
    # 261 weekdays, 11 holidays on weekdays in 2030, one closure.
    assert sum(d.is_open for d in days) == 261 - 11 - 1


def test_opening_hours_summary_lists_the_open_weekdays():
    with translation.override("en"):
        assert opening_hours_summary(ResourceFactory()) == [
            (day, "08:00–16:00") for day in ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
        ]
        room = ResourceFactory(hours={6: (time(9), time(12, 30))})
        assert opening_hours_summary(room) == [("Sunday", "09:00–12:30")]
