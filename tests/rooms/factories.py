"""Factories for the rooms module: resources, hours, closures and bookings.

Plain functions that take the model's fields as keyword overrides, e.g.
`make_resource(requires_approval=False, capacity=8)` or
`make_booking(resource=room, start=local(2030, 3, 12, 10), end=local(2030, 3, 12, 12))`.

Times: `local(...)` gives an aware datetime on the centre's clock (Europe/Warsaw),
so a test says "10:00" and means what a user sees, on either side of a change to
or from summer time.

`make_booking` writes the row directly (no rules checked, no e-mails): use it for
bookings that should already be there. `book` goes through
`rooms.services.booking_create`, as the site does.
"""

import datetime
import itertools
import zoneinfo

from django.conf import settings
from django.utils import timezone

from organizations.models import Membership, Organization
from rooms.models import Booking, Closure, OpeningHours, Resource
from tests.factories import UserFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory

_sequence = itertools.count(1)


def local(year, month, day, hour=0, minute=0):
    """An aware datetime on the centre's local clock (settings.TIME_ZONE)."""
    return datetime.datetime(
        year, month, day, hour, minute, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE)
    )


def next_weekday(weekday=1, *, days_ahead=7, hour=10, minute=0):
    """The first `weekday` (0 Monday … 6 Sunday) at least `days_ahead` days from
    today, at `hour:minute` local time: for tests that must use the real clock."""
    day = timezone.localdate() + datetime.timedelta(days=days_ahead)
    day += datetime.timedelta(days=(weekday - day.weekday()) % 7)
    return local(day.year, day.month, day.day, hour, minute)


def make_resource(*, equipment=(), hours=None, **overrides):
    """A training room for 20 people with the model's defaults otherwise: bookings
    need approval, 30–480 minutes on a 30-minute grid, up to 60 days ahead and at
    least 24 hours before, no quota, no house rules; the centre's opening hours
    (Mon–Fri 08:00–16:00, migration 0003).

    `hours`: {weekday: (opens, closes)} gives the resource opening hours of its
    own, e.g. `{6: (datetime.time(8), datetime.time(16))}` for Sundays only.
    """
    n = next(_sequence)
    values = {
        "name_pl": f"Sala testowa {n}",
        "name_en": f"Test room {n}",
        "slug": f"sala-testowa-{n}",
        "kind": Resource.Kind.TRAINING_ROOM,
        "capacity": 20,
    }
    values.update(overrides)
    resource = Resource.objects.create(**values)
    if equipment:
        resource.equipment.set(equipment)
    for weekday, (opens, closes) in (hours or {}).items():
        OpeningHours.objects.create(resource=resource, weekday=weekday, opens=opens, closes=closes)
    return resource


def make_board_space(**overrides):
    """Notice-board space: booked by whole days, one to fourteen days."""
    values = {
        "name_pl": f"Tablica ogłoszeń {next(_sequence)}",
        "kind": Resource.Kind.BOARD_SPACE,
        "capacity": 5,
        "min_duration": 1440,
        "max_duration": 14 * 1440,
        "slot_step": 240,
    }
    values.update(overrides)
    return make_resource(**values)


def ensure_centre_hours():
    """The centre's hours as migration 0003 makes them, for tests that run after a
    flush (transactional tests) and cannot count on the migration's rows."""
    for weekday in range(5):
        OpeningHours.objects.get_or_create(
            resource=None,
            weekday=weekday,
            defaults={"opens": datetime.time(8), "closes": datetime.time(16)},
        )


def make_closure(*, resource=None, start_date, end_date=None, **overrides):
    """A closure of the whole centre (resource=None) or of one resource."""
    values = {"reason_pl": "Remont", "reason_en": "Renovation"}
    values.update(overrides)
    return Closure.objects.create(
        resource=resource, start_date=start_date, end_date=end_date or start_date, **values
    )


def make_organization(**overrides):
    """A published organisation."""
    return OrganizationFactory(**overrides)


def make_member(organization=None, *, role=Membership.Role.ADMIN, **user_fields):
    """A user who is an active member (administrator unless `role`) of `organization`
    (a new published one if not given)."""
    user = UserFactory(**user_fields)
    MembershipFactory(
        user=user,
        organization=organization or make_organization(),
        role=role,
        status=Membership.Status.ACTIVE,
    )
    return user


def make_booking(*, equipment=(), **overrides):
    """A booking row written directly (no rules, no e-mails, no history).

    Defaults: a new resource and organisation, confirmed, next week's Tuesday
    10:00–12:00 local time (or `start` plus two hours if only `start` is given).
    """
    values = {"status": Booking.Status.CONFIRMED, "title": "Zebranie zarządu", "attendees": 5}
    values.update(overrides)
    if "resource" not in values:
        values["resource"] = make_resource()
    if "organization" not in values:
        values["organization"] = make_organization()
    values.setdefault("start", next_weekday(1))
    values.setdefault("end", values["start"] + datetime.timedelta(hours=2))
    status = values["status"]
    if status == Booking.Status.CANCELLED:
        values.setdefault("cancelled_at", timezone.now())
    if status == Booking.Status.REJECTED:
        values.setdefault("rejection_reason", "Sala zajęta przez Centrum.")
    booking = Booking.objects.create(**values)
    if equipment:
        booking.equipment_needed.set(equipment)
    return booking


def book(*, resource, user, organization=None, start, end=None, **overrides):
    """A booking made through the service, as a member would make it: the house
    rules accepted, five attendees, two hours unless `end` is given.

    `organization` defaults to the user's first organisation; pass `now=` to make
    the rules about notice and the booking window independent of today's date.
    """
    from rooms import services

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
