"""The centre's own use of its rooms (its consultations and trainings): staff book
without an organisation; members cannot; the letters, calendars, agenda and report
say "the centre's own use"."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from icalendar import Calendar

from rooms import ics
from rooms.models import Booking
from rooms.services import bookings as services
from tests.factories import local
from tests.rooms.factories import ResourceFactory

pytestmark = pytest.mark.django_db

NOW = local(2030, 3, 1, 9)


def test_staff_book_for_the_centre_without_an_organisation(world):
    room = ResourceFactory()
    booking = services.booking_create(
        resource=room,
        organization=None,
        user=world.personas["staff"],
        start=local(2030, 3, 5, 10),
        end=local(2030, 3, 5, 12),
        title="Konsultacje",
        by_staff=True,
        notify=False,
        now=NOW,
    )
    assert booking.organization is None
    assert booking.status == Booking.Status.CONFIRMED
    event = Calendar.from_ical(ics.booking_calendar(booking)).walk("VEVENT")[0]
    assert "the centre's own use" in str(event["description"]) or "Centrum" in str(
        event["description"]
    )
    # It still holds the slot.
    with pytest.raises(ValidationError) as caught:
        services.booking_create(
            resource=room,
            organization=world.organization,
            user=world.personas["ngo_member"],
            start=local(2030, 3, 5, 11),
            end=local(2030, 3, 5, 13),
            title="Zebranie",
            rules_accepted=True,
            now=NOW,
        )
    assert "start" in caught.value.error_dict


def test_members_cannot_book_without_an_organisation(world):
    with pytest.raises(ValidationError) as caught:
        services.booking_create(
            resource=ResourceFactory(),
            organization=None,
            user=world.personas["ngo_member"],
            start=local(2030, 3, 5, 10),
            end=local(2030, 3, 5, 12),
            title="Zebranie",
            rules_accepted=True,
            now=NOW,
        )
    assert "organization" in caught.value.error_dict
    assert Booking.objects.filter(title="Zebranie").count() == 0


def test_agenda_and_report_name_the_centres_own_use(client, world):
    room = ResourceFactory()
    day = world.booking.local_start.date() + datetime.timedelta(days=1)
    Booking.objects.create(
        resource=room,
        organization=None,
        start=local(day.year, day.month, day.day, 10),
        end=local(day.year, day.month, day.day, 11),
        status=Booking.Status.CONFIRMED,
        title="Szkolenie Centrum",
    )
    client.force_login(world.personas["staff"])
    agenda = client.get(reverse("admin:rooms_booking_agenda"), {"dzien": day.isoformat()})
    assert "Szkolenie Centrum" in agenda.content.decode()
    assert "własne potrzeby Centrum" in agenda.content.decode()
    report = client.get(reverse("admin:rooms_booking_report"), {"rok": day.year})
    assert report.status_code == 200
    assert "własne potrzeby Centrum" in report.content.decode()


def test_staff_cancel_a_booking_for_the_centres_own_use(world):
    room = ResourceFactory()
    booking = Booking.objects.create(
        resource=room,
        organization=None,
        start=local(2030, 3, 5, 10),
        end=local(2030, 3, 5, 11),
        status=Booking.Status.CONFIRMED,
        title="Szkolenie Centrum",
    )
    services.booking_cancel(
        booking=booking, user=world.personas["staff"], reason="Odwołane", now=NOW
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
