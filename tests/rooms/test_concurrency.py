"""Many people booking the same time at once: exactly one gets it, the others a
clear "just been booked" message and no error page; and on PostgreSQL the
database itself refuses an overlap written behind the service's back.

Real transactions and concurrent connections, with the shared helpers of
tests/concurrency.py (on SQLite the test database is copied to a file meanwhile).
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from rooms.models import Booking
from rooms.services import bookings as services
from tests.concurrency import postgresql_only, run_together
from tests.factories import local
from tests.organizations.factories import MemberFactory, OrganizationFactory
from tests.rooms.factories import BookingFactory, ResourceFactory, ensure_centre_hours

THREADS = 24
NOW = local(2030, 3, 8, 9)
TAKEN = "This time has just been booked by someone else. Choose another time."


def tue(hour, minute=0):
    return local(2030, 3, 12, hour, minute)


def overlapping_slots(count):
    """`count` different slots that all contain 11:00–11:30, so any two overlap."""
    starts = [tue(8, 30), tue(9), tue(9, 30), tue(10), tue(10, 30), tue(11)]
    ends = [tue(11, 30), tue(12), tue(12, 30), tue(13)]
    slots = [(start, end) for start in starts for end in ends]
    assert len(slots) >= count
    return slots[:count]


def booking_call(resource, user, organization, start, end):
    def call():
        return services.booking_create(
            resource=resource,
            organization=organization,
            user=user,
            start=start,
            end=end,
            title="Zebranie",
            attendees=5,
            rules_accepted=True,
            now=NOW,
        )

    return call


def people(count):
    """Members of four organisations: (user, organisation) pairs."""
    organizations = [OrganizationFactory() for _ in range(4)]
    pairs = []
    for i in range(count):
        organization = organizations[i % len(organizations)]
        pairs.append((MemberFactory(organization=organization), organization))
    return pairs


def check_exactly_one_won(outcomes, resource):
    winners = [booking for booking, exc in outcomes if exc is None]
    errors = [exc for _booking, exc in outcomes if exc is not None]
    assert len(winners) == 1, [repr(exc) for exc in errors]
    unexpected = [exc for exc in errors if not isinstance(exc, ValidationError)]
    assert unexpected == [], [repr(exc) for exc in unexpected]
    assert {tuple(exc.message_dict) for exc in errors} == {("start",)}
    assert {message for exc in errors for message in exc.message_dict["start"]} == {TAKEN}
    (held,) = Booking.objects.filter(resource=resource).active()
    assert held.pk == winners[0].pk
    assert Booking.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("requires_approval", [False, True], ids=["confirmed", "pending"])
def test_many_people_booking_the_same_slot_at_once_one_gets_it(
    threads_share_a_database, requires_approval
):
    ensure_centre_hours()
    room = ResourceFactory(requires_approval=requires_approval)
    calls = [
        booking_call(room, user, organization, tue(10), tue(12))
        for user, organization in people(THREADS)
    ]

    check_exactly_one_won(run_together(calls), room)


@pytest.mark.django_db(transaction=True)
def test_many_people_booking_overlapping_slots_at_once_one_gets_it(threads_share_a_database):
    ensure_centre_hours()
    room = ResourceFactory(requires_approval=False)
    calls = [
        booking_call(room, user, organization, start, end)
        for (user, organization), (start, end) in zip(
            people(THREADS), overlapping_slots(THREADS), strict=True
        )
    ]

    check_exactly_one_won(run_together(calls), room)


@pytest.mark.django_db(transaction=True)
def test_bookings_that_do_not_overlap_all_succeed_at_once(threads_share_a_database):
    """Waiting for one another must not turn into errors ("database is locked")."""
    ensure_centre_hours()
    rooms = [ResourceFactory(requires_approval=False) for _ in range(THREADS // 2)]
    calls = []
    for i, (user, organization) in enumerate(people(THREADS)):
        # Two threads per room, one in the morning and one touching it at 12:00.
        start = tue(10) if i % 2 == 0 else tue(12)
        calls.append(
            booking_call(
                rooms[i // 2], user, organization, start, start + datetime.timedelta(hours=2)
            )
        )

    outcomes = run_together(calls)

    assert [repr(exc) for _booking, exc in outcomes if exc is not None] == []
    assert Booking.objects.active().count() == THREADS


# --- The database's own guard (PostgreSQL) --------------------------------------------


@pytest.fixture
def held():
    """A confirmed booking of a room, Tuesday 10:00–12:00."""
    ensure_centre_hours()
    return BookingFactory(start=tue(10), end=tue(12), status=Booking.Status.CONFIRMED)


def raw_row(held, **overrides):
    values = {
        "resource": held.resource,
        "organization": held.organization,
        "start": tue(11),
        "end": tue(13),
        "title": "Wpisane z pominięciem serwisu",
        "status": Booking.Status.CONFIRMED,
    }
    values.update(overrides)
    return values


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("status", [Booking.Status.PENDING, Booking.Status.CONFIRMED])
def test_the_database_refuses_an_overlapping_row_written_behind_the_service(held, status):
    with pytest.raises(IntegrityError, match="rooms_booking_no_overlap"), transaction.atomic():
        Booking.objects.create(**raw_row(held, status=status))

    assert Booking.objects.count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_an_overlapping_row_inserted_in_raw_sql(held):
    now = timezone.now()
    with (
        pytest.raises(IntegrityError, match="rooms_booking_no_overlap"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            'INSERT INTO rooms_booking (resource_id, organization_id, start, "end", status, '
            "title, attendees, notes, rejection_reason, cancellation_reason, is_demo, "
            "created_at, updated_at) "
            "VALUES (%s, %s, %s, %s, 'pending', 'SQL', 1, '', '', '', false, %s, %s)",
            [held.resource_id, held.organization_id, tue(9), tue(10, 30), now, now],
        )

    assert Booking.objects.count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_reviving_a_cancelled_booking_over_a_held_slot(held):
    cancelled = Booking.objects.create(
        **raw_row(held, status=Booking.Status.CANCELLED, cancelled_at=timezone.now())
    )

    with pytest.raises(IntegrityError, match="rooms_booking_no_overlap"), transaction.atomic():
        Booking.objects.filter(pk=cancelled.pk).update(status=Booking.Status.CONFIRMED)

    cancelled.refresh_from_db()
    assert cancelled.status == Booking.Status.CANCELLED


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "overrides",
    [
        {"status": Booking.Status.CANCELLED, "cancelled_at": local(2030, 3, 9, 9)},
        {"status": Booking.Status.REJECTED, "rejection_reason": "Zajęte."},
        {"start": tue(12), "end": tue(14)},  # touches: '[)' ranges
        {"start": tue(8), "end": tue(10)},
        {"resource": "other"},
    ],
    ids=["cancelled", "rejected", "touching-after", "touching-before", "other-resource"],
)
def test_the_database_accepts_rows_that_do_not_hold_an_overlapping_slot(held, overrides):
    """The constraint must not refuse too much (on SQLite this only shows nothing else does)."""
    values = raw_row(held, **overrides)
    if values["resource"] == "other":
        values["resource"] = ResourceFactory()

    Booking.objects.create(**values)

    assert Booking.objects.count() == 2


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_overlap_that_slips_past_the_check_still_gets_the_clear_message(held, monkeypatch):
    """If the service's own check ever misses an overlap, the constraint's error
    becomes the same "just been booked" message, not an error page."""
    monkeypatch.setattr(services, "_overlap_exists", lambda *args, **kwargs: False)
    user = MemberFactory(organization=held.organization)

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.booking_create(
            resource=held.resource,
            organization=held.organization,
            user=user,
            start=tue(11),
            end=tue(13),
            title="Zebranie",
            rules_accepted=True,
            now=NOW,
        )

    assert caught.value.message_dict == {"start": [TAKEN]}
    assert Booking.objects.count() == 1
