"""The centre staff's work on bookings and on the mail that arrives for
organisations, as production runs it: outside a test transaction (on PostgreSQL in
CI), logged in as a member of "Centre staff" (not a superuser), submitting the
admin's forms as they are rendered and clicking its actions (marking mail collected
asks for the name first), then checking the database, the history and the e-mails
sent (on-commit callbacks run for real here)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cwop_portal.dates import at, local_zone
from rooms.models import Booking, BookingChange, Equipment, MailItem
from tests.dates import free_tuesday
from tests.forms import admin_form_data, page_errors, post_form

pytestmark = pytest.mark.django_db(transaction=True)


def shown_messages(response):
    return [str(message) for message in response.context["messages"]]


@pytest.mark.write_path("admin:rooms_booking_add")
def test_staff_book_a_room_for_an_organisation_and_a_taken_slot_is_refused(
    staff_client, staff, world, mailoutbox
):
    mailoutbox.clear()
    day = free_tuesday(timezone.localtime(world.booking.start, local_zone()).date())
    projector = Equipment.objects.order_by("pk").first()
    url = reverse("admin:rooms_booking_add")
    values = {
        "resource": str(world.resource.pk),
        "organization": str(world.organization.pk),
        "start_0": day.isoformat(),
        "start_1": "14:00",
        "end_0": day.isoformat(),
        "end_1": "16:00",
        "title": "Warsztaty dla wolontariuszy",
        "attendees": "15",
        "equipment_needed": [str(projector.pk)],
        "notes": "Ustawienie w podkowę.",
    }
    response = staff_client.post(url, admin_form_data(staff_client.get(url), **values))
    assert response.status_code == 302, page_errors(response)
    booking = Booking.objects.get(title="Warsztaty dla wolontariuszy")
    assert (booking.resource, booking.organization, booking.status) == (
        world.resource,
        world.organization,
        Booking.Status.CONFIRMED,
    )
    assert (booking.start, booking.end) == (at(day, datetime.time(14)), at(day, datetime.time(16)))
    assert (booking.created_by, booking.decided_by, booking.attendees) == (staff, staff, 15)
    assert list(booking.equipment_needed.all()) == [projector]
    assert list(BookingChange.objects.filter(booking=booking).values_list("action", "user")) == [
        ("created", staff.pk)
    ]
    member = world.personas["ngo_member"]
    assert [sorted(m.to) for m in mailoutbox] == [sorted([member.email, staff.email])]

    # The same room at an overlapping time: refused on the form, nothing saved or sent.
    mailoutbox.clear()
    clashing = {**values, "start_1": "15:00", "end_1": "17:00", "title": "Próba chóru"}
    response = staff_client.post(url, admin_form_data(staff_client.get(url), **clashing))
    assert response.status_code == 200
    assert page_errors(response)
    assert not Booking.objects.filter(title="Próba chóru").exists()
    assert mailoutbox == []

    # More people than the room holds: refused on the field.
    crowded = {**values, "start_1": "17:00", "end_1": "18:00", "attendees": "40", "title": "Gala"}
    response = staff_client.post(url, admin_form_data(staff_client.get(url), **crowded))
    assert response.status_code == 200
    assert "20" in " ".join(page_errors(response))
    assert not Booking.objects.filter(title="Gala").exists()


@pytest.mark.write_path(
    "admin:rooms_mailitem_add",
    "admin:rooms_mailitem_change",
    "admin:rooms_mailitem_changelist:mark_collected",
)
def test_staff_log_a_letter_correct_it_and_hand_it_over(staff_client, staff, world, mailoutbox):
    mailoutbox.clear()
    organization = world.organization
    url = reverse("admin:rooms_mailitem_add")
    today = timezone.localdate()
    values = {
        "organization": str(organization.pk),
        "received_on": today.isoformat(),
        "kind": MailItem.Kind.REGISTERED,
        "sender": "Zakład Ubezpieczeń Społecznych",
        "note": "Do rąk zarządu",
    }
    # Mail cannot arrive tomorrow (a mistyped date): refused, nobody told.
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    response = staff_client.post(
        url, admin_form_data(staff_client.get(url), **{**values, "received_on": tomorrow})
    )
    assert response.status_code == 200
    assert page_errors(response)
    assert not MailItem.objects.filter(sender__startswith="Zakład").exists()
    assert mailoutbox == []

    response = staff_client.post(url, admin_form_data(staff_client.get(url), **values))
    assert response.status_code == 302, page_errors(response)
    item = MailItem.objects.get(sender="Zakład Ubezpieczeń Społecznych")
    assert (item.organization, item.kind, item.received_on, item.logged_by) == (
        organization,
        MailItem.Kind.REGISTERED,
        today,
        staff,
    )
    assert item.collected_at is None
    assert [m.to for m in mailoutbox] == [[world.personas["ngo_member"].email]]

    # The sender corrected; the organisation (already told) stays.
    mailoutbox.clear()
    change = reverse("admin:rooms_mailitem_change", args=[item.pk])
    response = staff_client.get(change)
    data = post_form(response, form_id="mailitem_form").data(
        sender="ZUS Oddział w Białymstoku", organization=str(world.other_organization.pk)
    )
    data["_save"] = "Zapisz"
    response = staff_client.post(change, data)
    assert response.status_code == 302, page_errors(response)
    item.refresh_from_db()
    assert (item.sender, item.organization) == ("ZUS Oddział w Białymstoku", organization)
    assert mailoutbox == []

    # Handing it over asks who collected it; without a name nothing is marked.
    changelist = reverse("admin:rooms_mailitem_changelist")
    collected_before = world.mail_item.organization.mail_items.filter(
        collected_at__isnull=False
    ).get()
    response = staff_client.post(
        changelist,
        {"action": "mark_collected", "_selected_action": [item.pk, collected_before.pk]},
    )
    assert response.status_code == 200
    confirmation = post_form(response)
    response = staff_client.post(changelist, confirmation.data(collected_by="   "))
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.collected_at is None
    response = staff_client.post(
        changelist, confirmation.data(collected_by="Anna  Nowak"), follow=True
    )
    item.refresh_from_db()
    assert (item.collected_by, item.handed_over_by) == ("Anna Nowak", staff)
    assert item.collected_at is not None
    # The one collected before keeps who collected it, and the page says so.
    earlier = MailItem.objects.get(pk=collected_before.pk)
    assert earlier.collected_by == collected_before.collected_by
    assert earlier.collected_at == collected_before.collected_at
    assert any("Poczta Polska" in m for m in shown_messages(response))


@pytest.mark.write_path(
    "admin:rooms_mailitem_delete", "admin:rooms_mailitem_changelist:delete_selected"
)
def test_mail_logged_by_mistake_is_deleted(staff_client, world):
    item = world.mail_item
    response = staff_client.post(
        reverse("admin:rooms_mailitem_delete", args=[item.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not MailItem.objects.filter(pk=item.pk).exists()
    others = list(MailItem.objects.all())
    assert others  # the world's collected letter
    response = staff_client.post(
        reverse("admin:rooms_mailitem_changelist"),
        {"action": "delete_selected", "_selected_action": [o.pk for o in others], "post": "yes"},
    )
    assert response.status_code == 302
    assert not MailItem.objects.exists()


@pytest.mark.write_path("admin:rooms_booking_add")
@pytest.mark.parametrize("day", ["9999-12-31", "2101-01-04", "0001-01-01"])
def test_a_booking_on_a_mistyped_year_is_refused_on_the_form_not_a_500(
    staff_client, world, mailoutbox, day
):
    """Staff may book further ahead than members, but not past the years the portal
    shows (at year 9999 the rules' day-by-day check ran off the calendar)."""
    mailoutbox.clear()
    url = reverse("admin:rooms_booking_add")
    values = {
        "resource": str(world.resource.pk),
        "organization": str(world.organization.pk),
        "start_0": day,
        "start_1": "10:00",
        "end_0": day,
        "end_1": "12:00",
        "title": "Zebranie za kilka tysięcy lat",
        "attendees": "5",
    }
    response = staff_client.post(url, admin_form_data(staff_client.get(url), **values))
    assert response.status_code == 200
    assert page_errors(response)
    assert not Booking.objects.filter(title=values["title"]).exists()
    assert mailoutbox == []
