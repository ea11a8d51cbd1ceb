"""Factories for the rooms module: resources, hours, closures and bookings.

factory_boy factories that take the model's fields as keyword overrides, e.g.
`ResourceFactory(requires_approval=False, capacity=8)` or
`BookingFactory(resource=room, start=local(2030, 3, 12, 10), end=local(2030, 3, 12, 12))`
(times from `tests.factories.local`, on the centre's clock).

`BookingFactory` writes the row directly (no rules checked, no e-mails, no history):
use it for bookings that should already be there. `book` goes through
`rooms.services.bookings.booking_create`, as the site does.
"""

import datetime

import factory
from django.utils import timezone

from organizations.models import Organization
from rooms.models import Booking, Closure, OpeningHours, Resource
from tests.factories import next_weekday
from tests.organizations.factories import OrganizationFactory


class ResourceFactory(factory.django.DjangoModelFactory):
    """A training room for 20 people with the model's defaults otherwise: bookings
    need approval, 30–480 minutes on a 30-minute grid, up to 60 days ahead and at
    least 24 hours before, no quota, no house rules; the centre's opening hours
    (Mon–Fri 08:00–16:00, migration 0003).

    `equipment=[...]`: Equipment rows. `hours={weekday: (opens, closes)}` gives the
    resource opening hours of its own, e.g. `{6: (datetime.time(8), datetime.time(16))}`
    for Sundays only.
    """

    class Meta:
        model = Resource
        skip_postgeneration_save = True

    name_pl = factory.Sequence(lambda n: f"Sala testowa {n}")
    name_en = factory.Sequence(lambda n: f"Test room {n}")
    slug = factory.Sequence(lambda n: f"sala-testowa-{n}")
    kind = Resource.Kind.TRAINING_ROOM
    capacity = 20

    @factory.post_generation
    def equipment(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.equipment.set(extracted)

    @factory.post_generation
    def hours(obj, create, extracted, **kwargs):
        for weekday, (opens, closes) in (extracted or {}).items():
            OpeningHours.objects.create(resource=obj, weekday=weekday, opens=opens, closes=closes)


class BoardSpaceFactory(ResourceFactory):
    """Notice-board space: booked by whole days, one to fourteen days."""

    name_pl = factory.Sequence(lambda n: f"Tablica ogłoszeń {n}")
    kind = Resource.Kind.BOARD_SPACE
    capacity = 5
    min_duration = 1440
    max_duration = 14 * 1440
    slot_step = 240


class ClosureFactory(factory.django.DjangoModelFactory):
    """A closure of the whole centre (resource=None) or of one resource, one day
    (`start_date`) unless `end_date`."""

    class Meta:
        model = Closure

    resource = None
    start_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    end_date = factory.SelfAttribute("start_date")
    reason_pl = "Remont"
    reason_en = "Renovation"


class BookingFactory(factory.django.DjangoModelFactory):
    """A booking row written directly (no rules, no e-mails, no history).

    Defaults: a new resource and organisation, confirmed, next week's Tuesday
    10:00–12:00 local time (or `start` plus two hours if only `start` is given).
    `equipment=[...]`: the equipment needed.
    """

    class Meta:
        model = Booking
        skip_postgeneration_save = True

    resource = factory.SubFactory(ResourceFactory)
    organization = factory.SubFactory(OrganizationFactory)
    status = Booking.Status.CONFIRMED
    title = "Zebranie zarządu"
    attendees = 5
    start = factory.LazyFunction(lambda: next_weekday(1))
    end = factory.LazyAttribute(lambda booking: booking.start + datetime.timedelta(hours=2))
    cancelled_at = factory.LazyAttribute(
        lambda booking: timezone.now() if booking.status == Booking.Status.CANCELLED else None
    )
    rejection_reason = factory.LazyAttribute(
        lambda booking: (
            "Sala zajęta przez Centrum." if booking.status == Booking.Status.REJECTED else ""
        )
    )

    @factory.post_generation
    def equipment(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.equipment_needed.set(extracted)


def ensure_centre_hours():
    """The centre's hours as migration 0003 makes them, for tests that run after a
    flush (transactional tests) and cannot count on the migration's rows."""
    for weekday in range(5):
        OpeningHours.objects.get_or_create(
            resource=None,
            weekday=weekday,
            defaults={"opens": datetime.time(8), "closes": datetime.time(16)},
        )


def book(*, resource, user, organization=None, start, end=None, **overrides):
    """A booking made through the service, as a member would make it: the house
    rules accepted, five attendees, two hours unless `end` is given.

    `organization` defaults to the user's first organisation; pass `now=` to make
    the rules about notice and the booking window independent of today's date.
    """
    from rooms.services import bookings as services

    if organization is None:
        organization = Organization.objects.filter(memberships__user=user).first()
    values = {
        "resource": resource,
        "organization": organization,
        "user": user,
        "start": start,
        "end": end or start + datetime.timedelta(hours=2),
        "title": "Zebranie zarządu",
        "attendees": 5,
        "rules_accepted": True,
    }
    values.update(overrides)
    return services.booking_create(**values)
