"""The booking rules, as a member or the centre's staff meet them through
`rooms.services.bookings`: who may book, which times, states, series, cancellations,
history, the letters that go out and the reminders.

Dates are fixed in 2030 and every call passes `now=`, so the tests do not depend
on today's date. Messages are checked in English (the source language).
"""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from icalendar import Calendar

from organizations.models import Membership, Organization
from rooms import rules
from rooms.models import Booking, BookingChange, BookingSeries
from rooms.services import bookings as services
from rooms.services.bookings import SeriesMode
from tests.factories import local
from tests.organizations.factories import MemberFactory, MembershipFactory, OrganizationFactory
from tests.rooms.factories import (
    BoardSpaceFactory,
    BookingFactory,
    ClosureFactory,
    ResourceFactory,
    book,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
date = datetime.date
time = datetime.time
HOUR = datetime.timedelta(hours=1)

NOW = local(2030, 3, 8, 9)  # Friday morning
TUESDAY = (2030, 3, 12)  # the next Tuesday: the centre is open 08:00–16:00


def tue(hour, minute=0):
    return local(*TUESDAY, hour, minute)


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages and letters in English, the source language of the texts."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def organization(ngo_member):
    organization = OrganizationFactory(name="Stowarzyszenie Seniorów Bojary")
    MembershipFactory(user=ngo_member, organization=organization)
    return organization


@pytest.fixture
def other_organization(other_ngo_member):
    organization = OrganizationFactory(name="Fundacja Zielone Wzgórza")
    MembershipFactory(user=other_ngo_member, organization=organization)
    return organization


@pytest.fixture
def room():
    """Confirmed at once (no approval), 20 people, the centre's hours."""
    return ResourceFactory(
        name_pl="Sala szkoleniowa", name_en="Training room", requires_approval=False
    )


@pytest.fixture
def approval_room():
    return ResourceFactory(name_pl="Sala spotkań", name_en="Meeting room", requires_approval=True)


def refused(field, words, **kwargs):
    """Book with `kwargs`; the booking must be refused with `words` in a message on
    `field`, and nothing saved. Returns all the messages."""
    before = Booking.objects.count()
    with pytest.raises(ValidationError) as caught:
        book(**kwargs)
    messages = caught.value.message_dict
    assert field in messages, messages
    assert any(words in message for message in messages[field]), messages[field]
    assert Booking.objects.count() == before
    assert BookingChange.objects.filter(booking__isnull=True).count() == 0
    return messages


def messages_of(exc):
    return [str(message) for message in exc.messages]


# --- Who may book ---------------------------------------------------------------------


def test_a_member_books_for_their_published_organisation(room, organization, ngo_member):
    booking = book(
        resource=room, user=ngo_member, start=tue(10), end=tue(12), title="Walne zebranie", now=NOW
    )

    booking.refresh_from_db()
    assert booking.organization == organization
    assert booking.created_by == ngo_member
    assert (booking.start, booking.end) == (tue(10), tue(12))
    assert booking.title == "Walne zebranie"
    assert booking.rules_accepted_at is not None


def test_an_editor_may_book_too(room, organization):
    editor = MemberFactory(organization=organization, role=Membership.Role.EDITOR)

    assert book(resource=room, user=editor, start=tue(10), now=NOW).pk


def test_a_user_who_is_not_a_member_is_refused_on_organization(
    room, organization, other_ngo_member, other_organization
):
    refused(
        "organization",
        "You can book only for a published organisation you are a member of.",
        resource=room,
        user=other_ngo_member,
        organization=organization,
        start=tue(10),
        now=NOW,
    )


def test_a_member_whose_membership_is_only_requested_is_refused(room, organization):
    applicant = MemberFactory(organization=organization)
    Membership.objects.filter(user=applicant).update(status=Membership.Status.PENDING)

    refused(
        "organization",
        "a published organisation you are a member of",
        resource=room,
        user=applicant,
        organization=organization,
        start=tue(10),
        now=NOW,
    )


@pytest.mark.parametrize(
    "status",
    [
        Organization.Status.DRAFT,
        Organization.Status.PENDING,
        Organization.Status.REJECTED,
        Organization.Status.ARCHIVED,
    ],
)
def test_an_unpublished_organisation_cannot_book(room, organization, ngo_member, status):
    Organization.objects.filter(pk=organization.pk).update(
        status=status, rejection_reason="Brak statutu."
    )
    organization.refresh_from_db()

    refused(
        "organization",
        "published organisation",
        resource=room,
        user=ngo_member,
        organization=organization,
        start=tue(10),
        now=NOW,
    )


def test_staff_cannot_book_for_an_unpublished_organisation_either(room, organization, staff):
    Organization.objects.filter(pk=organization.pk).update(status=Organization.Status.ARCHIVED)
    organization.refresh_from_db()

    refused(
        "organization",
        "Bookings are made for published organisations only.",
        resource=room,
        user=staff,
        organization=organization,
        by_staff=True,
        start=tue(10),
        now=NOW,
    )


def test_an_inactive_resource_cannot_be_booked(organization, ngo_member):
    room = ResourceFactory(is_active=False)

    refused(
        "resource",
        "This resource cannot be booked at the moment.",
        resource=room,
        user=ngo_member,
        start=tue(10),
        now=NOW,
    )


def test_the_booking_must_say_what_it_is_for(room, organization, ngo_member):
    refused(
        "title",
        "Say what the booking is for.",
        resource=room,
        user=ngo_member,
        start=tue(10),
        title="   ",
        now=NOW,
    )


# --- States ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("requires_approval", "status"),
    [(True, Booking.Status.PENDING), (False, Booking.Status.CONFIRMED)],
)
def test_the_new_booking_waits_for_approval_only_if_the_resource_requires_it(
    organization, ngo_member, requires_approval, status
):
    room = ResourceFactory(requires_approval=requires_approval)

    booking = book(resource=room, user=ngo_member, start=tue(10), now=NOW)

    booking.refresh_from_db()
    assert booking.status == status
    assert booking.decided_by is None


def test_a_booking_made_by_staff_is_confirmed_at_once(approval_room, organization, staff):
    booking = book(
        resource=approval_room,
        user=staff,
        organization=organization,
        start=tue(10),
        by_staff=True,
        now=NOW,
    )

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.decided_by == staff


@pytest.mark.parametrize("status", [Booking.Status.PENDING, Booking.Status.CONFIRMED])
def test_pending_and_confirmed_bookings_hold_their_slot(
    room, organization, ngo_member, other_organization, status
):
    BookingFactory(
        resource=room, organization=other_organization, start=tue(10), end=tue(12), status=status
    )

    refused(
        "start",
        "This time has just been booked by someone else.",
        resource=room,
        user=ngo_member,
        start=tue(10),
        end=tue(12),
        now=NOW,
    )


@pytest.mark.parametrize("status", [Booking.Status.REJECTED, Booking.Status.CANCELLED])
def test_rejected_and_cancelled_bookings_free_their_slot(
    room, organization, ngo_member, other_organization, status
):
    BookingFactory(
        resource=room, organization=other_organization, start=tue(10), end=tue(12), status=status
    )

    booking = book(resource=room, user=ngo_member, start=tue(10), end=tue(12), now=NOW)

    assert booking.status == Booking.Status.CONFIRMED


# --- No overlaps ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (tue(10), tue(12)),  # the same time
        (tue(10, 30), tue(11, 30)),  # inside
        (tue(9), tue(13)),  # around
        (tue(9), tue(10, 30)),  # over the start
        (tue(11, 30), tue(13)),  # over the end
    ],
    ids=["same", "inside", "around", "over-start", "over-end"],
)
def test_an_overlapping_booking_is_refused_and_nothing_saved(
    room, organization, ngo_member, start, end
):
    first = book(resource=room, user=ngo_member, start=tue(10), end=tue(12), now=NOW)

    refused(
        "start",
        "This time has just been booked by someone else. Choose another time.",
        resource=room,
        user=ngo_member,
        start=start,
        end=end,
        now=NOW,
    )
    assert list(Booking.objects.all()) == [first]


def test_touching_bookings_are_allowed(room, organization, ngo_member):
    book(resource=room, user=ngo_member, start=tue(10), end=tue(12), now=NOW)

    before = book(resource=room, user=ngo_member, start=tue(8), end=tue(10), now=NOW)
    after = book(resource=room, user=ngo_member, start=tue(12), end=tue(14), now=NOW)

    assert before.pk and after.pk
    assert Booking.objects.active().count() == 3


def test_the_same_time_in_another_resource_is_free(room, organization, ngo_member):
    book(resource=room, user=ngo_member, start=tue(10), end=tue(12), now=NOW)

    assert book(resource=ResourceFactory(), user=ngo_member, start=tue(10), end=tue(12), now=NOW)


# --- When: bad input ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"), [(tue(12), tue(10)), (tue(10), tue(10))], ids=["backwards", "zero"]
)
def test_the_end_must_be_after_the_start(room, organization, ngo_member, start, end):
    refused(
        "end",
        "The end must be later than the start.",
        resource=room,
        user=ngo_member,
        start=start,
        end=end,
        now=NOW,
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [(tue(7), tue(9)), (tue(15), tue(17)), (tue(16), tue(17)), (tue(7, 30), tue(8))],
)
def test_outside_the_opening_hours_is_refused(room, organization, ngo_member, start, end):
    refused(
        "start",
        "Outside the opening hours: on March 12, 2030 from 08:00 to 16:00.",
        resource=room,
        user=ngo_member,
        start=start,
        end=end,
        now=NOW,
    )


def test_the_whole_opening_day_may_be_booked(room, organization, ngo_member):
    assert book(resource=room, user=ngo_member, start=tue(8), end=tue(16), now=NOW)


def test_a_day_the_centre_is_closed_on_is_refused(room, organization, ngo_member):
    saturday = local(2030, 3, 16, 10)

    refused(
        "start",
        "Closed on this day of the week",
        resource=room,
        user=ngo_member,
        start=saturday,
        now=NOW,
    )


def test_a_polish_public_holiday_is_refused(room, organization, ngo_member):
    independence_day = local(2030, 11, 11, 10)  # a Monday

    refused(
        "start",
        "cannot be booked on Nov. 11, 2030: Public holiday: National Independence Day.",
        resource=room,
        user=ngo_member,
        start=independence_day,
        now=local(2030, 11, 5, 9),
    )


def test_a_holiday_is_refused_even_where_the_resource_opens_on_that_weekday(
    organization, ngo_member
):
    room = ResourceFactory(hours={6: (time(8), time(16))})  # Sundays
    easter_sunday = local(2030, 4, 21, 10)

    refused(
        "start",
        "Public holiday",
        resource=room,
        user=ngo_member,
        start=easter_sunday,
        now=local(2030, 4, 15, 9),
    )


@pytest.mark.parametrize("whose", ["centre", "resource"])
def test_a_closure_is_refused(room, organization, ngo_member, whose):
    ClosureFactory(
        resource=room if whose == "resource" else None,
        start_date=date(2030, 3, 11),
        end_date=date(2030, 3, 13),
        reason_en="Renovation",
    )

    refused(
        "start",
        "Training room cannot be booked on March 12, 2030: Renovation.",
        resource=room,
        user=ngo_member,
        start=tue(10),
        now=NOW,
    )


def test_a_closure_of_another_resource_does_not_matter(room, organization, ngo_member):
    ClosureFactory(resource=ResourceFactory(), start_date=date(*TUESDAY))

    assert book(resource=room, user=ngo_member, start=tue(10), now=NOW)


def test_a_time_in_the_past_is_refused(room, organization, ngo_member):
    refused(
        "start",
        "This time is in the past.",
        resource=room,
        user=ngo_member,
        start=tue(10),
        now=tue(11),
    )


def test_a_time_in_the_past_is_refused_for_staff_too(room, organization, staff):
    refused(
        "start",
        "This time is in the past.",
        resource=room,
        user=staff,
        organization=organization,
        by_staff=True,
        start=tue(10),
        now=tue(11),
    )


def test_beyond_the_booking_window_is_refused(room, organization, ngo_member):
    # 60 days from Friday 8 March 09:00 is Tuesday 7 May 09:00.
    assert book(resource=room, user=ngo_member, start=local(2030, 5, 6, 10), now=NOW)

    refused(
        "start",
        "Bookings open 60 days ahead; choose an earlier date.",
        resource=room,
        user=ngo_member,
        start=local(2030, 5, 7, 10),
        now=NOW,
    )


def test_later_than_the_notice_is_refused(room, organization, ngo_member):
    now = local(2030, 3, 11, 11)  # Monday 11:00: 24 hours' notice means Tuesday 11:00

    refused(
        "start",
        "Book at least 24 hours in advance.",
        resource=room,
        user=ngo_member,
        start=tue(10),
        now=now,
    )
    assert book(resource=room, user=ngo_member, start=tue(11), now=now)


def test_staff_may_book_at_short_notice_and_far_ahead(room, organization, staff):
    assert book(
        resource=room,
        user=staff,
        organization=organization,
        by_staff=True,
        start=tue(10),
        now=local(2030, 3, 12, 9),
    )
    assert book(
        resource=room,
        user=staff,
        organization=organization,
        by_staff=True,
        start=local(2030, 9, 10, 10),
        now=NOW,
    )


def test_too_long_is_refused(organization, ngo_member):
    room = ResourceFactory(max_duration=120)

    refused(
        "end",
        "The booking is too long: at most 120 minutes.",
        resource=room,
        user=ngo_member,
        start=tue(10),
        end=tue(12, 30),
        now=NOW,
    )
    assert book(resource=room, user=ngo_member, start=tue(10), end=tue(12), now=NOW)


def test_too_short_is_refused(organization, ngo_member):
    room = ResourceFactory(min_duration=60)

    refused(
        "end",
        "The booking is too short: at least 60 minutes.",
        resource=room,
        user=ngo_member,
        start=tue(10),
        end=tue(10, 30),
        now=NOW,
    )


@pytest.mark.parametrize(
    ("start", "end", "field", "words"),
    [
        (tue(10, 15), tue(11, 15), "start", "Start on the slot grid: every 30 minutes"),
        (tue(10), tue(11, 45), "end", "End on the slot grid: every 30 minutes"),
        (tue(10, 0).replace(second=30), tue(11), "start", "Start on the slot grid"),
    ],
)
def test_times_off_the_slot_grid_are_refused(
    room, organization, ngo_member, start, end, field, words
):
    refused(field, words, resource=room, user=ngo_member, start=start, end=end, now=NOW)


def test_more_people_than_the_capacity_is_refused(room, organization, ngo_member):
    refused(
        "attendees",
        "Training room holds at most 20 people.",
        resource=room,
        user=ngo_member,
        start=tue(10),
        attendees=21,
        now=NOW,
    )
    assert book(resource=room, user=ngo_member, start=tue(10), attendees=20, now=NOW)


def test_nobody_attending_is_refused(room, organization, ngo_member):
    refused(
        "attendees",
        "At least one person.",
        resource=room,
        user=ngo_member,
        start=tue(10),
        attendees=0,
        now=NOW,
    )


def test_house_rules_must_be_accepted_where_the_resource_has_them(organization, ngo_member):
    room = ResourceFactory(house_rules_pl="Nie wnosimy jedzenia.", house_rules_en="No food.")

    refused(
        "rules_accepted",
        "Accept the house rules to book.",
        resource=room,
        user=ngo_member,
        start=tue(10),
        rules_accepted=False,
        now=NOW,
    )


def test_no_house_rules_no_acceptance_needed(room, organization, ngo_member):
    booking = book(resource=room, user=ngo_member, start=tue(10), rules_accepted=False, now=NOW)

    assert booking.rules_accepted_at is None


# --- Monthly quota --------------------------------------------------------------------


@pytest.fixture
def quota_room():
    return ResourceFactory(name_en="Quota room", requires_approval=False, monthly_quota_hours=4)


@pytest.mark.parametrize("status", [Booking.Status.PENDING, Booking.Status.CONFIRMED])
def test_the_monthly_quota_counts_pending_and_confirmed_bookings(
    quota_room, organization, ngo_member, status
):
    BookingFactory(resource=quota_room, organization=organization, start=tue(10), end=tue(12))
    BookingFactory(
        resource=quota_room,
        organization=organization,
        start=local(2030, 3, 13, 10),
        end=local(2030, 3, 13, 12),
        status=status,
    )

    refused(
        "end",
        "Over the monthly limit of 4 hours for Quota room: your organisation has 0:00 h left",
        resource=quota_room,
        user=ngo_member,
        start=local(2030, 3, 14, 10),
        end=local(2030, 3, 14, 10, 30),
        now=NOW,
    )


def test_the_quota_says_how_much_is_left(quota_room, organization, ngo_member):
    BookingFactory(resource=quota_room, organization=organization, start=tue(10), end=tue(12, 30))

    refused(
        "end",
        "has 1:30 h left in that month",
        resource=quota_room,
        user=ngo_member,
        start=local(2030, 3, 14, 10),
        end=local(2030, 3, 14, 12),
        now=NOW,
    )


@pytest.mark.parametrize(
    "other",
    [
        {"status": Booking.Status.CANCELLED},
        {"status": Booking.Status.REJECTED},
        {"organization": "other"},
        {"resource": "other"},
        {"start": local(2030, 4, 2, 10)},  # next month
        {"start": local(2030, 2, 26, 10)},  # last month
    ],
    ids=["cancelled", "rejected", "other-organisation", "other-resource", "april", "february"],
)
def test_the_quota_counts_nothing_else(
    quota_room, organization, ngo_member, other_organization, other
):
    BookingFactory(resource=quota_room, organization=organization, start=tue(10), end=tue(12))
    values = {
        "resource": quota_room,
        "organization": organization,
        "start": local(2030, 3, 13, 10),
        **other,
    }
    if values["organization"] == "other":
        values["organization"] = other_organization
    if values["resource"] == "other":
        values["resource"] = ResourceFactory()
    BookingFactory(**values)

    # 2 h booked + 2 h more = the 4 h limit, not over it.
    assert book(
        resource=quota_room,
        user=ngo_member,
        start=local(2030, 3, 14, 10),
        end=local(2030, 3, 14, 12),
        now=NOW,
    )


def test_the_quota_month_is_the_local_calendar_month(organization, ngo_member):
    """1 April 00:00 in Warsaw is 31 March 22:00 UTC: a day booked from then counts
    in April, both when it is booked and when it is counted later."""
    board = BoardSpaceFactory(name_en="Board", monthly_quota_hours=48, requires_approval=False)

    def day(month, day_of_month):
        return local(2030, month, day_of_month), local(2030, month, day_of_month + 1)

    for month, day_of_month in [(3, 27), (4, 1), (4, 2)]:
        start, end = day(month, day_of_month)
        BookingFactory(resource=board, organization=organization, start=start, end=end)

    # March has 24 hours left (1 April is not March's), May all 48 (1 May is May's).
    for month, day_of_month in [(3, 28), (5, 1)]:
        start, end = day(month, day_of_month)
        assert book(resource=board, user=ngo_member, start=start, end=end, now=NOW)
    # March is full now; April is full with 1 and 2 April.
    for month, day_of_month in [(3, 29), (4, 4)]:
        start, end = day(month, day_of_month)
        refused(
            "end",
            "Over the monthly limit of 48 hours for Board: your organisation has 0:00 h left",
            resource=board,
            user=ngo_member,
            start=start,
            end=end,
            now=NOW,
        )


def test_staff_are_not_held_to_the_quota(quota_room, organization, staff):
    BookingFactory(resource=quota_room, organization=organization, start=tue(8), end=tue(12))

    assert book(
        resource=quota_room,
        user=staff,
        organization=organization,
        by_staff=True,
        start=tue(12),
        end=tue(14),
        now=NOW,
    )


def test_quota_helpers(quota_room, organization):
    BookingFactory(resource=quota_room, organization=organization, start=tue(10), end=tue(11, 30))

    assert rules.quota_left_minutes(quota_room, organization, tue(10)) == 150
    assert services.minutes_booked_summary(quota_room, organization, tue(10)) == (90, 240)
    assert rules.quota_left_minutes(ResourceFactory(), organization, tue(10)) is None


# --- The days the clocks change -------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "now", "utc_start"),
    [
        (date(2030, 3, 31), local(2030, 3, 25, 9), datetime.datetime(2030, 3, 31, 8, tzinfo=UTC)),
        (
            date(2030, 10, 27),
            local(2030, 10, 21, 9),
            datetime.datetime(2030, 10, 27, 9, tzinfo=UTC),
        ),
    ],
    ids=["summer-time-starts", "summer-time-ends"],
)
def test_a_booking_on_the_day_the_clocks_change_keeps_its_local_times(
    organization, ngo_member, day, now, utc_start
):
    room = ResourceFactory(hours={6: (time(8), time(16))})  # open on Sundays
    start = local(day.year, day.month, day.day, 10)

    booking = book(resource=room, user=ngo_member, start=start, end=start + 2 * HOUR, now=now)

    booking.refresh_from_db()
    assert booking.start == utc_start
    assert booking.end == utc_start + 2 * HOUR
    assert (booking.local_start.hour, booking.local_end.hour) == (10, 12)
    assert booking.duration_minutes == 120


# --- Board space ----------------------------------------------------------------------


@pytest.fixture
def board():
    return BoardSpaceFactory(name_en="Notice board", requires_approval=False)


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2030, 3, 16), date(2030, 3, 16)),  # a Saturday
        (date(2030, 3, 15), date(2030, 3, 18)),  # Friday to Monday
        (date(2030, 3, 31), date(2030, 3, 31)),  # a 23-hour day (summer time starts)
        (date(2030, 4, 20), date(2030, 4, 22)),  # over Easter
    ],
)
def test_board_space_is_booked_by_whole_local_days_weekends_and_holidays_included(
    board, organization, ngo_member, first, last
):
    start = local(first.year, first.month, first.day)
    end_day = last + datetime.timedelta(days=1)
    end = local(end_day.year, end_day.month, end_day.day)

    booking = book(resource=board, user=ngo_member, start=start, end=end, now=NOW)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert (booking.local_start, booking.local_end) == (start, end)
    assert booking.local_start.time() == booking.local_end.time() == time(0)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (local(2030, 3, 15, 10), local(2030, 3, 16, 10)),
        (local(2030, 3, 15), local(2030, 3, 15, 16)),
        # Midnight UTC is 01:00 in Warsaw in winter.
        (
            datetime.datetime(2030, 3, 15, tzinfo=UTC),
            datetime.datetime(2030, 3, 16, tzinfo=UTC),
        ),
    ],
)
def test_board_space_is_refused_for_anything_but_whole_days(
    board, organization, ngo_member, start, end
):
    refused(
        "start",
        "Board space is booked by whole days.",
        resource=board,
        user=ngo_member,
        start=start,
        end=end,
        now=NOW,
    )


@pytest.mark.parametrize("whose", ["centre", "resource"])
def test_board_space_is_refused_over_a_closure(board, organization, ngo_member, whose):
    ClosureFactory(
        resource=board if whose == "resource" else None,
        start_date=date(2030, 3, 17),
        reason_en="New boards",
    )

    refused(
        "start",
        "cannot be booked on March 17, 2030: New boards.",
        resource=board,
        user=ngo_member,
        start=local(2030, 3, 15),
        end=local(2030, 3, 19),
        now=NOW,
    )


def test_board_space_is_refused_for_more_days_than_allowed(board, organization, ngo_member):
    refused(
        "end",
        "Book at most 14 days.",
        resource=board,
        user=ngo_member,
        start=local(2030, 3, 15),
        end=local(2030, 3, 30),
        now=NOW,
    )


def test_board_space_bookings_do_not_overlap_either(board, organization, ngo_member):
    book(resource=board, user=ngo_member, start=local(2030, 3, 15), end=local(2030, 3, 18), now=NOW)

    refused(
        "start",
        "just been booked",
        resource=board,
        user=ngo_member,
        start=local(2030, 3, 17),
        end=local(2030, 3, 19),
        now=NOW,
    )
    assert book(
        resource=board, user=ngo_member, start=local(2030, 3, 18), end=local(2030, 3, 19), now=NOW
    )


# --- Recurring bookings ---------------------------------------------------------------


def test_series_dates_keep_local_10_00_across_the_change_to_summer_time():
    dates = services.series_dates(
        local(2030, 3, 19, 10), local(2030, 3, 19, 12), 1, date(2030, 4, 9)
    )

    assert [(s.date(), s.hour, e.hour) for s, e in dates] == [
        (date(2030, 3, 19), 10, 12),
        (date(2030, 3, 26), 10, 12),
        (date(2030, 4, 2), 10, 12),
        (date(2030, 4, 9), 10, 12),
    ]
    assert [s.astimezone(UTC).hour for s, _ in dates] == [9, 9, 8, 8]


def test_series_dates_keep_local_10_00_across_the_change_to_winter_time():
    dates = services.series_dates(
        local(2030, 10, 15, 10), local(2030, 10, 15, 12), 2, date(2030, 11, 12)
    )

    assert [s.date() for s, _ in dates] == [
        date(2030, 10, 15),
        date(2030, 10, 29),
        date(2030, 11, 12),
    ]
    assert {(s.hour, e.hour) for s, e in dates} == {(10, 12)}
    assert [s.astimezone(UTC).hour for s, _ in dates] == [8, 9, 9]


def test_series_dates_given_in_utc_still_follow_the_local_clock():
    start = datetime.datetime(2030, 3, 26, 9, tzinfo=UTC)  # 10:00 in Warsaw
    dates = services.series_dates(start, start + 2 * HOUR, 1, date(2030, 4, 2))

    assert [s.astimezone(UTC).hour for s, _ in dates] == [9, 8]


MONDAYS = (date(2030, 4, 8), date(2030, 4, 15), date(2030, 4, 22), date(2030, 4, 29))
SERIES_NOW = local(2030, 4, 1, 9)


@pytest.fixture
def taken_monday(room, other_organization):
    """The second Monday is taken; the third is Easter Monday."""
    return BookingFactory(
        resource=room,
        organization=other_organization,
        start=local(2030, 4, 15, 11),
        end=local(2030, 4, 15, 13),
    )


def series_kwargs(room, organization, user, **overrides):
    values = {
        "resource": room,
        "organization": organization,
        "user": user,
        "start": local(2030, 4, 8, 10),
        "end": local(2030, 4, 8, 12),
        "attendees": 5,
        "frequency": BookingSeries.Frequency.WEEKLY,
        "until": date(2030, 4, 29),
        "rules_accepted": True,
        "now": SERIES_NOW,
    }
    values.update(overrides)
    return values


def test_series_plan_marks_taken_and_holiday_dates(room, organization, ngo_member, taken_monday):
    plan = services.series_plan(**series_kwargs(room, organization, ngo_member))

    assert [o.start.date() for o in plan] == list(MONDAYS)
    assert [o.is_free for o in plan] == [True, False, False, True]
    assert plan[1].problems == ["Already booked."]
    assert any("Public holiday: Easter Monday" in problem for problem in plan[2].problems)


def test_series_free_only_books_the_free_dates_and_lists_the_rest(
    room, organization, ngo_member, taken_monday
):
    values = series_kwargs(room, organization, ngo_member)
    series, created, plan = services.booking_series_create(
        **values, title="Próba chóru", mode=SeriesMode.FREE_ONLY
    )

    assert [b.local_start for b in created] == [local(2030, 4, 8, 10), local(2030, 4, 29, 10)]
    assert all(b.series == series and b.title == "Próba chóru" for b in created)
    assert set(Booking.objects.filter(series=series)) == set(created)
    assert BookingSeries.objects.get() == series
    assert (series.until, series.created_by) == (date(2030, 4, 29), ngo_member)
    skipped = [o for o in plan if not o.is_free]
    assert [o.start.date() for o in skipped] == [date(2030, 4, 15), date(2030, 4, 22)]
    taken_monday.refresh_from_db()
    assert taken_monday.status == Booking.Status.CONFIRMED


def test_series_all_or_nothing_books_nothing_and_lists_the_dates(
    room, organization, ngo_member, taken_monday, mailoutbox, django_capture_on_commit_callbacks
):
    values = series_kwargs(room, organization, ngo_member)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as caught:
        services.booking_series_create(
            **values, title="Próba chóru", mode=SeriesMode.ALL_OR_NOTHING
        )

    (message,) = caught.value.message_dict["until"]
    assert message.startswith("2 dates are not free, so nothing was booked:")
    assert "April 15, 2030" in message and "Already booked." in message
    assert "April 22, 2030" in message and "Easter Monday" in message
    assert "April 8, 2030" not in message
    assert list(Booking.objects.all()) == [taken_monday]
    assert not BookingSeries.objects.exists()
    assert mailoutbox == []


def test_series_all_or_nothing_books_every_date_when_all_are_free(room, organization, ngo_member):
    values = series_kwargs(room, organization, ngo_member, until=date(2030, 4, 15))

    series, created, plan = services.booking_series_create(
        **values, title="Próba chóru", mode=SeriesMode.ALL_OR_NOTHING
    )

    assert [b.local_start.date() for b in created] == [date(2030, 4, 8), date(2030, 4, 15)]
    assert all(o.is_free for o in plan)


def test_series_with_no_free_date_books_nothing(room, organization, ngo_member, taken_monday):
    values = series_kwargs(
        room, organization, ngo_member, start=local(2030, 4, 15, 10), end=local(2030, 4, 15, 12)
    )
    values["until"] = date(2030, 4, 22)

    with pytest.raises(ValidationError) as caught:
        services.booking_series_create(**values, title="Próba", mode=SeriesMode.FREE_ONLY)

    assert caught.value.message_dict["until"] == ["None of the dates is free: nothing was booked."]
    assert not BookingSeries.objects.exists()


def test_series_keeps_local_10_00_across_the_change_to_summer_time(room, organization, ngo_member):
    values = series_kwargs(
        room,
        organization,
        ngo_member,
        start=local(2030, 3, 19, 10),
        end=local(2030, 3, 19, 12),
        until=date(2030, 4, 9),
        now=NOW,
    )

    _series, created, _plan = services.booking_series_create(
        **values, title="Próba chóru", mode=SeriesMode.ALL_OR_NOTHING
    )

    for booking in created:
        booking.refresh_from_db()
    assert [(b.local_start.hour, b.local_end.hour) for b in created] == [(10, 12)] * 4
    assert [b.start.astimezone(UTC).hour for b in created] == [9, 9, 8, 8]


def test_series_quota_counts_the_series_own_dates_within_a_month(organization, ngo_member):
    room = ResourceFactory(requires_approval=False, monthly_quota_hours=4)
    values = series_kwargs(
        room,
        organization,
        ngo_member,
        start=tue(10),
        end=tue(12),
        until=date(2030, 4, 9),
        now=NOW,
    )

    plan = services.series_plan(**values)

    # 12 and 19 March use March's 4 hours; 26 March is over; April starts afresh.
    assert [(o.start.date(), o.is_free) for o in plan] == [
        (date(2030, 3, 12), True),
        (date(2030, 3, 19), True),
        (date(2030, 3, 26), False),
        (date(2030, 4, 2), True),
        (date(2030, 4, 9), True),
    ]
    assert "Over the monthly limit of 4 hours" in plan[2].problems[0]

    _series, created, _plan = services.booking_series_create(
        **values, title="Próba", mode=SeriesMode.FREE_ONLY
    )
    assert [b.local_start.date() for b in created] == [
        date(2030, 3, 12),
        date(2030, 3, 19),
        date(2030, 4, 2),
        date(2030, 4, 9),
    ]


def test_series_quota_also_counts_bookings_already_made(organization, ngo_member):
    room = ResourceFactory(requires_approval=False, monthly_quota_hours=4)
    BookingFactory(resource=room, organization=organization, start=local(2030, 3, 28, 10))
    values = series_kwargs(
        room, organization, ngo_member, start=tue(10), end=tue(12), until=date(2030, 3, 26), now=NOW
    )

    plan = services.series_plan(**values)

    assert [o.is_free for o in plan] == [True, False, False]


def test_series_refuses_an_end_date_before_the_first_booking(room, organization, ngo_member):
    values = series_kwargs(room, organization, ngo_member, until=date(2030, 4, 1))

    with pytest.raises(ValidationError) as caught:
        services.booking_series_create(**values, title="Próba", mode=SeriesMode.FREE_ONLY)

    assert "until" in caught.value.message_dict
    assert not BookingSeries.objects.exists()


# --- Approval and rejection -----------------------------------------------------------


@pytest.fixture
def on_friday():
    """Approval takes no `now`: stand on NOW, so that 2030 stays in the future."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def pending(on_friday, approval_room, organization, ngo_member):
    return book(resource=approval_room, user=ngo_member, start=tue(10), end=tue(12), now=NOW)


def test_staff_approve_a_pending_booking(pending, staff):
    services.booking_approve(booking=pending, user=staff)

    pending.refresh_from_db()
    assert pending.status == Booking.Status.CONFIRMED
    assert pending.decided_by == staff
    assert pending.decided_at is not None


@pytest.mark.parametrize("whose", ["centre", "resource"])
def test_a_booking_whose_day_became_a_closure_is_not_approved_unless_forced(pending, staff, whose):
    ClosureFactory(
        resource=pending.resource if whose == "resource" else None,
        start_date=date(*TUESDAY),
        reason_en="Burst pipe",
    )

    with pytest.raises(ValidationError) as caught:
        services.booking_approve(booking=pending, user=staff)

    (message,) = messages_of(caught.value)
    assert message.startswith("Not approved, check it first:")
    assert "March 12, 2030: Burst pipe" in message
    pending.refresh_from_db()
    assert pending.status == Booking.Status.PENDING
    assert not pending.changes.filter(action="approved").exists()

    services.booking_approve(booking=pending, user=staff, force=True)
    pending.refresh_from_db()
    assert pending.status == Booking.Status.CONFIRMED


def test_booking_conflicts_lists_what_stands_against_a_booking(pending):
    assert services.booking_conflicts(pending) == []
    ClosureFactory(start_date=date(*TUESDAY), reason_en="Burst pipe")

    assert any("Burst pipe" in problem for problem in services.booking_conflicts(pending))


@pytest.mark.parametrize("status", [Booking.Status.CONFIRMED, Booking.Status.CANCELLED])
def test_only_a_pending_booking_can_be_approved(pending, staff, status):
    Booking.objects.filter(pk=pending.pk).update(status=status, cancelled_at=NOW)

    with pytest.raises(ValidationError) as caught:
        services.booking_approve(booking=pending, user=staff)

    assert messages_of(caught.value) == ["Only a booking waiting for approval can be approved."]


def test_staff_reject_a_pending_booking_with_a_reason_and_the_slot_is_free_again(
    pending, staff, ngo_member
):
    services.booking_reject(booking=pending, user=staff, reason="Sala zajęta przez Centrum.")

    pending.refresh_from_db()
    assert pending.status == Booking.Status.REJECTED
    assert pending.rejection_reason == "Sala zajęta przez Centrum."
    assert pending.decided_by == staff
    assert book(resource=pending.resource, user=ngo_member, start=tue(10), now=NOW)


def test_a_rejection_needs_a_reason(pending, staff):
    with pytest.raises(ValidationError) as caught:
        services.booking_reject(booking=pending, user=staff, reason="  ")

    assert caught.value.message_dict == {"reason": ["Give the reason for the rejection."]}
    pending.refresh_from_db()
    assert pending.status == Booking.Status.PENDING


# --- Cancellation ---------------------------------------------------------------------


@pytest.fixture
def confirmed(room, organization, ngo_member):
    return book(resource=room, user=ngo_member, start=tue(10), end=tue(12), now=NOW)


def test_a_member_cancels_until_the_notice_and_the_slot_is_free_again(
    confirmed, ngo_member, other_ngo_member, other_organization
):
    now = tue(10) - 25 * HOUR
    assert services.can_cancel(confirmed, ngo_member, now=now)

    services.booking_cancel(booking=confirmed, user=ngo_member, now=now)

    confirmed.refresh_from_db()
    assert confirmed.status == Booking.Status.CANCELLED
    assert (confirmed.cancelled_by, confirmed.cancelled_at) == (ngo_member, now)
    assert book(
        resource=confirmed.resource, user=other_ngo_member, start=tue(10), end=tue(12), now=now
    )


def test_a_member_can_cancel_a_pending_request_too(pending, ngo_member):
    services.booking_cancel(booking=pending, user=ngo_member, now=NOW)

    pending.refresh_from_db()
    assert pending.status == Booking.Status.CANCELLED


def test_after_the_notice_a_member_gets_a_clear_error(confirmed, ngo_member):
    now = tue(10) - 23 * HOUR
    assert not services.can_cancel(confirmed, ngo_member, now=now)

    with pytest.raises(ValidationError) as caught:
        services.booking_cancel(booking=confirmed, user=ngo_member, now=now)

    assert messages_of(caught.value) == [
        "Bookings can be cancelled online until 24 hours before the start; "
        "after that, please call or write to the centre."
    ]
    confirmed.refresh_from_db()
    assert confirmed.status == Booking.Status.CONFIRMED
    assert not confirmed.changes.filter(action="cancelled").exists()


def test_staff_cancel_any_time_before_the_end_with_a_reason(confirmed, staff):
    now = tue(11)  # during the booking
    assert services.can_cancel(confirmed, staff, now=now)

    services.booking_cancel(booking=confirmed, user=staff, reason="Awaria ogrzewania.", now=now)

    confirmed.refresh_from_db()
    assert confirmed.status == Booking.Status.CANCELLED
    assert confirmed.cancellation_reason == "Awaria ogrzewania."
    assert confirmed.cancelled_by == staff


def test_staff_must_give_a_reason(confirmed, staff):
    with pytest.raises(ValidationError) as caught:
        services.booking_cancel(booking=confirmed, user=staff, reason=" ", now=NOW)

    assert caught.value.message_dict == {"reason": ["Give the reason for the cancellation."]}
    confirmed.refresh_from_db()
    assert confirmed.status == Booking.Status.CONFIRMED


def test_staff_cannot_cancel_a_booking_that_is_over(confirmed, staff):
    assert not services.can_cancel(confirmed, staff, now=tue(12))

    with pytest.raises(ValidationError) as caught:
        services.booking_cancel(booking=confirmed, user=staff, reason="Za późno.", now=tue(12))

    assert messages_of(caught.value) == ["This booking is already over."]


def test_a_member_of_another_organisation_cannot_cancel(
    confirmed, other_ngo_member, other_organization
):
    assert not services.can_cancel(confirmed, other_ngo_member, now=NOW)

    with pytest.raises(PermissionDenied):
        services.booking_cancel(booking=confirmed, user=other_ngo_member, now=NOW)

    confirmed.refresh_from_db()
    assert confirmed.status == Booking.Status.CONFIRMED


def test_a_cancelled_booking_cannot_be_cancelled_again(confirmed, ngo_member):
    services.booking_cancel(booking=confirmed, user=ngo_member, now=NOW)
    confirmed.refresh_from_db()

    assert not services.can_cancel(confirmed, ngo_member, now=NOW)
    with pytest.raises(ValidationError) as caught:
        services.booking_cancel(booking=confirmed, user=ngo_member, now=NOW)
    assert messages_of(caught.value) == ["This booking is no longer active."]


# --- History --------------------------------------------------------------------------


def history(booking):
    return [
        (change.action, change.user, change.note)
        for change in booking.changes.order_by("created_at", "pk")
    ]


def test_history_records_create_approve_and_cancel_with_the_user(pending, ngo_member, staff):
    services.booking_approve(booking=pending, user=staff)
    services.booking_cancel(booking=pending, user=ngo_member, reason="Zmiana planów", now=NOW)

    assert history(pending) == [
        ("created", ngo_member, ""),
        ("approved", staff, ""),
        ("cancelled", ngo_member, "Zmiana planów"),
    ]
    assert pending.changes.get(action="approved").changes == {"status": ["pending", "confirmed"]}


def test_history_records_a_rejection_with_its_reason(pending, ngo_member, staff):
    services.booking_reject(booking=pending, user=staff, reason="Sala zajęta.")

    assert history(pending) == [("created", ngo_member, ""), ("rejected", staff, "Sala zajęta.")]


# --- Letters after the commit, with a calendar file -----------------------------------


def calendar_of(message):
    (attachment,) = [a for a in message.attachments if a[2].startswith("text/calendar")]
    content = attachment[1]
    return Calendar.from_ical(content.encode() if isinstance(content, str) else content)


def check_calendar(message, booking, *, status, method="PUBLISH"):
    calendar = calendar_of(message)
    assert calendar["METHOD"] == method
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].dt.astimezone(UTC) == booking.start.astimezone(UTC)
    assert event["DTEND"].dt.astimezone(UTC) == booking.end.astimezone(UTC)
    assert event["SUMMARY"] == f"{booking.title} – {booking.resource.name}"
    assert event["STATUS"] == status


def sent_to(mailoutbox, address):
    return [m for m in mailoutbox if address in m.to]


def test_a_request_waiting_for_approval_is_acknowledged_and_staff_are_told(
    approval_room, organization, ngo_member, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(resource=approval_room, user=ngo_member, start=tue(10), now=NOW)

    (to_member,) = sent_to(mailoutbox, ngo_member.email)
    assert to_member.subject == "Booking request received: Meeting room"
    assert "Stowarzyszenie Seniorów Bojary" in to_member.body
    check_calendar(to_member, booking, status="TENTATIVE")
    (to_staff,) = sent_to(mailoutbox, staff.email)
    assert to_staff.subject == "Booking to approve: Meeting room for Stowarzyszenie Seniorów Bojary"
    assert len(mailoutbox) == 2


def test_nothing_is_sent_before_the_commit(
    approval_room, organization, ngo_member, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        book(resource=approval_room, user=ngo_member, start=tue(10), now=NOW)

    assert mailoutbox == []
    assert len(callbacks) == 2


def test_a_refused_booking_sends_nothing(
    room, organization, ngo_member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        book(resource=room, user=ngo_member, start=local(2030, 3, 16, 10), now=NOW)

    assert mailoutbox == []


def test_a_booking_confirmed_at_once_is_confirmed_by_letter(
    room, organization, ngo_member, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(resource=room, user=ngo_member, start=tue(10), now=NOW)

    (message,) = mailoutbox
    assert message.to == [ngo_member.email]
    assert message.subject == "Booking confirmed: Training room"
    check_calendar(message, booking, status="CONFIRMED")


def test_an_approval_is_confirmed_by_letter(
    pending, staff, ngo_member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_approve(booking=pending, user=staff)

    (message,) = mailoutbox
    assert message.to == [ngo_member.email]
    assert message.subject == "Booking confirmed: Meeting room"
    check_calendar(message, pending, status="CONFIRMED")


def test_a_rejection_is_told_with_its_reason(
    pending, staff, ngo_member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_reject(booking=pending, user=staff, reason="Sala zajęta przez Centrum.")

    (message,) = mailoutbox
    assert message.to == [ngo_member.email]
    assert message.subject == "Booking not approved: Meeting room"
    assert "Reason: Sala zajęta przez Centrum." in message.body
    check_calendar(message, pending, status="CANCELLED", method="CANCEL")


def test_a_cancellation_is_told_and_removes_the_calendar_entry(
    confirmed, ngo_member, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=confirmed, user=ngo_member, reason="Zmiana planów", now=NOW)

    (to_member,) = sent_to(mailoutbox, ngo_member.email)
    assert to_member.subject == "Booking cancelled: Training room"
    assert "Reason: Zmiana planów" in to_member.body
    check_calendar(to_member, confirmed, status="CANCELLED", method="CANCEL")
    # The centre learns that a confirmed booking was given up.
    assert sent_to(mailoutbox, staff.email)


def test_a_cancellation_by_staff_says_so(
    confirmed, ngo_member, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=confirmed, user=staff, reason="Awaria ogrzewania.", now=NOW)

    (message,) = mailoutbox
    assert message.to == [ngo_member.email]
    assert "The centre's staff have cancelled this booking." in message.body
    assert "Reason: Awaria ogrzewania." in message.body
    check_calendar(message, confirmed, status="CANCELLED", method="CANCEL")


def test_the_organisations_leaders_and_the_person_who_booked_are_told(
    room, organization, ngo_member, mailoutbox, django_capture_on_commit_callbacks
):
    editor = MemberFactory(organization=organization, role=Membership.Role.EDITOR)
    second_admin = MemberFactory(organization=organization)

    with django_capture_on_commit_callbacks(execute=True):
        book(resource=room, user=editor, start=tue(10), now=NOW)

    (message,) = mailoutbox
    assert sorted(message.to) == sorted([ngo_member.email, second_admin.email, editor.email])


def test_a_series_is_acknowledged_in_one_letter_listing_the_skipped_dates(
    room,
    organization,
    ngo_member,
    taken_monday,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        _series, created, _plan = services.booking_series_create(
            **series_kwargs(room, organization, ngo_member),
            title="Próba chóru",
            mode=SeriesMode.FREE_ONLY,
        )

    (message,) = mailoutbox
    assert message.to == [ngo_member.email]
    assert message.subject == "2 bookings of Training room made"
    assert "Already booked." in message.body
    assert "Public holiday: Easter Monday" in message.body
    calendar = calendar_of(message)
    assert [e["DTSTART"].dt.astimezone(UTC) for e in calendar.walk("VEVENT")] == [
        b.start.astimezone(UTC) for b in created
    ]


# --- Reminders ------------------------------------------------------------------------


def test_reminders_go_for_tomorrows_confirmed_bookings_only_and_once(
    room,
    organization,
    other_organization,
    ngo_member,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    # 00:30 on Tuesday in Warsaw is still Monday in UTC: "tomorrow" is Wednesday.
    now = local(2030, 3, 12, 0, 30)
    wednesday = local(2030, 3, 13, 8)

    def row(start, **values):
        return BookingFactory(
            resource=room, organization=organization, created_by=ngo_member, start=start, **values
        )

    due = row(wednesday, title="Jutrzejsze zebranie")
    row(wednesday + 3 * HOUR, status=Booking.Status.PENDING)
    row(wednesday + 5 * HOUR, status=Booking.Status.CANCELLED)
    row(local(2030, 3, 12, 10))  # today
    row(local(2030, 3, 14, 8))  # the day after tomorrow
    other_room_due = BookingFactory(
        resource=ResourceFactory(), organization=other_organization, start=local(2030, 3, 13, 23)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert services.booking_reminders_send(now=now) == 2

    due.refresh_from_db()
    other_room_due.refresh_from_db()
    assert due.reminder_sent_at == now and other_room_due.reminder_sent_at == now
    (message,) = sent_to(mailoutbox, ngo_member.email)
    assert message.subject == "Reminder: your booking of Training room tomorrow"
    assert "Jutrzejsze zebranie" in message.body
    check_calendar(message, due, status="CONFIRMED")

    with django_capture_on_commit_callbacks(execute=True):
        assert services.booking_reminders_send(now=now + HOUR) == 0
    assert len(mailoutbox) == 1 + len(other_organization.admin_emails())


def test_the_letters_say_the_day_and_date_in_words(
    room, organization, ngo_member, taken_monday, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        book(resource=room, user=ngo_member, start=tue(10), now=NOW)
        services.booking_series_create(
            **series_kwargs(room, organization, ngo_member),
            title="Próba chóru",
            mode=SeriesMode.FREE_ONLY,
        )

    single, series = mailoutbox
    assert "When: Tuesday, March 12, 2030, 10:00–12:00" in single.body
    assert "Monday, April 8, 2030, 10:00–12:00" in series.body
    assert "Monday, April 15, 2030, 10:00: Already booked." in series.body


def test_a_letter_about_board_space_gives_the_first_and_last_day(
    board, organization, ngo_member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        book(
            resource=board,
            user=ngo_member,
            start=local(2030, 3, 15),
            end=local(2030, 3, 18),  # midnight after Sunday 17 March
            now=NOW,
        )

    (message,) = mailoutbox
    assert "When: March 15, 2030 – March 17, 2030" in message.body
