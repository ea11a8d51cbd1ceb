"""The booking admin's write paths as production runs them: outside a test
transaction (on PostgreSQL in CI), posted by a centre-staff member, checking the
database afterwards. A booking's details are saved by `booking_update_details`
(the capacity rule and the history live there, with the booking's row locked)."""

import pytest
from django.urls import reverse

from rooms.models import Booking, BookingChange, Equipment, Resource
from rooms.services import bookings as services
from tests.forms import page_errors, post_form

pytestmark = pytest.mark.django_db(transaction=True)


def save_booking(client, booking, **changes):
    url = reverse("admin:rooms_booking_change", args=[booking.pk])
    return client.post(url, post_form(client.get(url)).data(**changes))


@pytest.mark.write_path("admin:rooms_booking_change")
def test_staff_change_a_bookings_details_through_the_service(staff_client, staff, world):
    booking = world.booking
    projector = Equipment.objects.order_by("pk").first()
    response = save_booking(
        staff_client,
        booking,
        attendees="25",  # the room holds 20
        equipment_needed=[str(projector.pk)],
    )
    assert response.status_code == 200
    assert "20" in " ".join(page_errors(response))
    booking.refresh_from_db()
    assert booking.attendees == 6
    assert not BookingChange.objects.filter(booking=booking, action="edited_by_staff").exists()

    response = save_booking(
        staff_client,
        booking,
        title="Walne zebranie",
        attendees="12",
        equipment_needed=[str(projector.pk)],
        status="cancelled",  # not a field: ignored
    )
    assert response.status_code == 302, page_errors(response)
    booking.refresh_from_db()
    assert (booking.title, booking.attendees, booking.status) == (
        "Walne zebranie",
        12,
        Booking.Status.CONFIRMED,
    )
    assert list(booking.equipment_needed.all()) == [projector]
    change = BookingChange.objects.get(booking=booking, action="edited_by_staff")
    assert change.user == staff
    assert change.changes == {
        "title": ["Zebranie zarządu", "Walne zebranie"],
        "attendees": ["6", "12"],
        "equipment_needed": ["", str(projector)],
    }


@pytest.mark.write_path("admin:rooms_booking_change")
def test_a_note_can_be_added_after_the_room_became_smaller(staff_client, world):
    booking = world.booking  # 6 people
    Resource.objects.filter(pk=booking.resource_id).update(capacity=4)
    response = save_booking(staff_client, booking, notes="Klucze odbiera pani Anna.")
    assert response.status_code == 302, page_errors(response)
    booking.refresh_from_db()
    assert (booking.notes, booking.attendees) == ("Klucze odbiera pani Anna.", 6)


def test_the_service_refuses_more_people_than_the_room_holds(world, staff):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.booking_update_details(
            booking=world.booking, user=staff, title="Zebranie", attendees=21
        )
    assert list(refused.value.message_dict) == ["attendees"]
    world.booking.refresh_from_db()
    assert world.booking.attendees == 6


def test_releasing_a_room_held_for_the_centre_writes_its_history_and_no_mail(
    world, staff, mailoutbox
):
    held = Booking.objects.create(
        resource=world.resource,
        organization=None,
        start=world.booking.start.replace(hour=14),
        end=world.booking.end.replace(hour=15),
        status=Booking.Status.CONFIRMED,
        title="Konsultacja",
    )
    mailoutbox.clear()
    services.booking_release(booking=held, user=None, reason="Konsultacja odwołana.")
    held.refresh_from_db()
    assert held.status == Booking.Status.CANCELLED
    assert held.cancellation_reason == "Konsultacja odwołana."
    assert list(held.changes.values_list("action", "changes", "note")) == [
        ("cancelled", {"status": ["confirmed", "cancelled"]}, "Konsultacja odwołana.")
    ]
    assert mailoutbox == []
    services.booking_release(booking=held, reason="Jeszcze raz")  # no longer active: as it is
    assert held.changes.count() == 1
    with pytest.raises(ValueError):
        services.booking_release(booking=world.booking)  # an organisation's booking


@pytest.mark.parametrize("name", ["admin:rooms_booking_agenda", "admin:rooms_booking_report"])
def test_the_admin_pages_that_only_read_refuse_a_post(staff_client, name):
    assert staff_client.post(reverse(name)).status_code == 405
