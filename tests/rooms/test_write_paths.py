"""The rooms' write paths as production runs them: outside a test transaction (on
PostgreSQL in CI), through the pages, checking the database afterwards."""

import datetime

import pytest
from django.urls import reverse

from rooms.models import Booking, BookingChange, CalendarFeed
from tests.rooms.test_views import form_data, working_day

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.write_path("rooms:booking_create", "rooms:booking_cancel")
def test_a_member_books_a_room_then_cancels_it(client, world, mailoutbox):
    member = world.personas["ngo_member"]
    client.force_login(member)
    day = working_day(weekday=3)
    response = client.post(
        reverse("rooms:booking_create", args=[world.resource.slug]),
        form_data(world.organization, day, start="09:00", end="10:30", title="Próba chóru"),
    )
    booking = Booking.objects.get(title="Próba chóru")
    assert response.status_code == 302
    assert response["Location"] == booking.get_absolute_url()
    assert booking.status == Booking.Status.PENDING
    assert (booking.organization, booking.created_by) == (world.organization, member)
    assert [m.subject for m in mailoutbox if member.email in m.to]

    response = client.post(
        reverse("rooms:booking_cancel", args=[booking.pk]), {"reason": "Zmiana planów"}
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert (booking.cancelled_by, booking.cancellation_reason) == (member, "Zmiana planów")
    assert list(BookingChange.objects.filter(booking=booking).values_list("action", flat=True)) == [
        "cancelled",
        "created",
    ]
    # The slot is free again: someone else may book it.
    response = client.post(
        reverse("rooms:booking_create", args=[world.resource.slug]),
        form_data(world.organization, day, start="09:00", end="10:30", title="Inne zebranie"),
    )
    assert Booking.objects.get(title="Inne zebranie").status == Booking.Status.PENDING


@pytest.mark.write_path("rooms:booking_create")
def test_a_weekly_series_books_the_free_dates_only(client, world):
    client.force_login(world.personas["ngo_member"])
    day = working_day(weekday=3)
    url = reverse("rooms:booking_create", args=[world.resource.slug])
    data = form_data(
        world.organization,
        day,
        start="13:00",
        end="14:00",
        title="Warsztaty",
        repeat="1",
        until=(day + datetime.timedelta(weeks=2)).isoformat(),
    )
    client.post(url, data)  # the plan first: nothing is booked yet
    assert not Booking.objects.filter(title="Warsztaty").exists()
    response = client.post(url, {**data, "series_mode": "free_only"})
    assert response.status_code == 302
    series = Booking.objects.filter(title="Warsztaty").order_by("start")
    assert [b.local_start.date() for b in series] == [
        day + datetime.timedelta(weeks=k) for k in range(3)
    ]
    assert len({b.series_id for b in series}) == 1


@pytest.mark.write_path("rooms:calendar_feed_manage")
def test_an_administrator_renews_and_switches_off_the_private_feed(client, world):
    client.force_login(world.personas["ngo_member"])
    url = reverse("rooms:calendar_feed_manage", args=[world.organization.slug])
    old_token = world.calendar_feed.token
    assert client.post(url, {"action": "renew"}).status_code == 302
    feed = CalendarFeed.objects.get(organization=world.organization)
    assert feed.token != old_token
    assert client.get(reverse("rooms_feed", args=[old_token])).status_code == 404
    assert client.get(feed.get_absolute_url()).status_code == 200
    client.post(url, {"action": "delete"})
    assert not CalendarFeed.objects.filter(organization=world.organization).exists()
    client.post(url, {"action": "create"})
    assert CalendarFeed.objects.filter(organization=world.organization).count() == 1
