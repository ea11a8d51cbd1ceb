"""What the database itself refuses in the rooms tables (on SQLite and PostgreSQL),
the initial data of migration 0003, and the model's own validation of a resource.

The exclusion constraint against overlapping bookings (PostgreSQL) is tested with
real transactions in test_concurrency.py; here only that it is there.
"""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from rooms.models import Booking, Closure, Equipment, OpeningHours, Resource, ResourcePhoto
from tests.factories import local
from tests.rooms.factories import BookingFactory, ResourceFactory

pytestmark = pytest.mark.django_db

time = datetime.time


def refused_by_database(create, constraint):
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        create()
    # PostgreSQL names the constraint; SQLite names it too for CHECKs, and
    # gives the columns for UNIQUE ones.
    if constraint:
        assert constraint in str(caught.value)


def test_a_booking_must_end_after_it_starts():
    resource = ResourceFactory()
    refused_by_database(
        lambda: BookingFactory(
            resource=resource, start=local(2030, 3, 12, 10), end=local(2030, 3, 12, 10)
        ),
        "rooms_booking_end_after_start",
    )
    assert not Booking.objects.exists()


def test_a_rejected_booking_must_have_a_reason():
    refused_by_database(
        lambda: BookingFactory(status=Booking.Status.REJECTED, rejection_reason=""),
        "rooms_booking_rejection_has_reason",
    )


def test_a_cancelled_booking_must_have_the_time_of_cancellation():
    refused_by_database(
        lambda: BookingFactory(status=Booking.Status.CANCELLED, cancelled_at=None),
        "rooms_booking_cancellation_has_time",
    )


def test_a_booking_has_at_least_one_attendee():
    refused_by_database(lambda: BookingFactory(attendees=0), "rooms_booking_attendees_positive")


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"capacity": 0}, "rooms_capacity_positive"),
        ({"min_duration": 120, "max_duration": 60}, "rooms_min_duration_not_above_max"),
        ({"slot_step": 1}, "rooms_slot_step_min"),
    ],
)
def test_a_resource_with_impossible_settings_is_refused(values, constraint):
    refused_by_database(lambda: ResourceFactory(**values), constraint)
    assert not Resource.objects.exists()


def test_opening_hours_must_close_after_they_open():
    resource = ResourceFactory()
    refused_by_database(
        lambda: OpeningHours.objects.create(
            resource=resource, weekday=0, opens=time(16), closes=time(8)
        ),
        "rooms_hours_close_after_open",
    )


def test_one_row_of_centre_hours_per_weekday():
    # Migration 0003 has made Monday's row already.
    refused_by_database(
        lambda: OpeningHours.objects.create(weekday=0, opens=time(9), closes=time(10)), None
    )


def test_one_row_of_resource_hours_per_weekday():
    resource = ResourceFactory(hours={0: (time(8), time(12))})
    refused_by_database(
        lambda: OpeningHours.objects.create(
            resource=resource, weekday=0, opens=time(13), closes=time(15)
        ),
        None,
    )
    # Another resource may have its own Monday.
    ResourceFactory(hours={0: (time(8), time(12))})


def test_a_closure_cannot_end_before_it_starts():
    refused_by_database(
        lambda: Closure.objects.create(
            start_date=datetime.date(2030, 3, 12),
            end_date=datetime.date(2030, 3, 11),
            reason_pl="Remont",
        ),
        "rooms_closure_end_not_before_start",
    )


def test_a_photo_must_have_a_description():
    resource = ResourceFactory()
    refused_by_database(
        lambda: ResourcePhoto.objects.create(
            resource=resource, image="rooms/photos/2030/sala.jpg", alt_pl=""
        ),
        "rooms_photo_has_alt_text",
    )


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="SQLite has no exclusion constraints (by design)",
)
def test_the_exclusion_constraint_against_overlaps_is_installed():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conname = 'rooms_booking_no_overlap'"
        )
        (kind, definition), *_ = cursor.fetchall()
    assert kind == "x"
    assert "EXCLUDE USING gist" in definition
    assert "'[)'" in definition
    assert "pending" in definition and "confirmed" in definition


def test_the_initial_data_has_the_centres_hours_and_equipment():
    hours = OpeningHours.objects.filter(resource=None).order_by("weekday")
    assert [(h.weekday, h.opens, h.closes) for h in hours] == [
        (weekday, time(8), time(16)) for weekday in range(5)
    ]
    assert {"projektor", "flipchart", "petla-indukcyjna"} <= set(
        Equipment.objects.values_list("slug", flat=True)
    )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"min_duration": 120, "max_duration": 60}, "max_duration"),
        ({"min_duration": 45, "slot_step": 30}, "min_duration"),
        (
            {"kind": Resource.Kind.BOARD_SPACE, "min_duration": 1440, "max_duration": 2000},
            "max_duration",
        ),
    ],
)
def test_a_resource_form_gets_a_clear_message_for_impossible_durations(values, field):
    resource = Resource(name_pl="Sala", slug="sala", kind=Resource.Kind.TRAINING_ROOM)
    for name, value in values.items():
        setattr(resource, name, value)

    with pytest.raises(ValidationError) as caught:
        resource.clean()

    assert field in caught.value.message_dict
