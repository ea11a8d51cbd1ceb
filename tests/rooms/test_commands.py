"""The rooms' cron command and the demo data."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from rooms.models import Booking, Resource
from tests.factories import local
from tests.rooms.factories import BookingFactory, ResourceFactory

pytestmark = pytest.mark.django_db


def test_send_booking_reminders_reminds_tomorrows_bookings_once(
    world, django_capture_on_commit_callbacks
):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    room = ResourceFactory()
    booking = BookingFactory(
        resource=room,
        organization=world.organization,
        start=local(tomorrow.year, tomorrow.month, tomorrow.day, 10),
        end=local(tomorrow.year, tomorrow.month, tomorrow.day, 11),
        created_by=world.personas["ngo_member"],
    )
    mail.outbox.clear()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_booking_reminders", stdout=out)
    assert "sent: 1" in out.getvalue()
    assert [m.to for m in mail.outbox] == [[world.personas["ngo_member"].email]]
    assert mail.outbox[0].attachments[0][2] == "text/calendar"
    out = io.StringIO()
    call_command("send_booking_reminders", stdout=out)
    assert "sent: 0" in out.getvalue()
    booking.refresh_from_db()
    assert booking.reminder_sent_at is not None


def test_seed_demo_creates_rooms_and_non_overlapping_bookings(db):
    call_command("seed_demo", "--orgs", "5", "--bookings", "300", stdout=io.StringIO())
    assert Resource.objects.filter(is_demo=True).count() == 4
    bookings = list(Booking.objects.active().order_by("resource_id", "start"))
    assert len(Booking.objects.filter(is_demo=True)) == 300
    for earlier, later in zip(bookings, bookings[1:], strict=False):
        if earlier.resource_id == later.resource_id:
            assert earlier.end <= later.start
    # Idempotent: a second run adds nothing.
    call_command("seed_demo", "--orgs", "5", "--bookings", "300", stdout=io.StringIO())
    assert Booking.objects.filter(is_demo=True).count() == 300
    assert all("(demo)" in r.name_pl for r in Resource.objects.filter(is_demo=True))
