"""A room's history (cwop_portal.history) as staff change it in the admin: its own
fields, and the rows saved on its page with it (opening hours, photos); a closure's."""

import datetime

import pytest
from django.urls import reverse

from rooms.models import Closure, OpeningHours
from tests.factories import UserFactory
from tests.forms import admin_save, history_cells, page_errors
from tests.rooms.factories import ResourceFactory


@pytest.fixture
def staff_member(client):
    staff = UserFactory(
        email="recepcja@cwop.example.org",
        first_name="Ewa",
        last_name="Recepcyjna",
        is_staff=True,
        is_superuser=True,
    )
    client.force_login(staff)
    return staff


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("admin:rooms_resource_change")
def test_opening_hours_changed_and_deleted_on_a_rooms_page_are_in_its_history(client, staff_member):
    room = ResourceFactory(name_pl="Sala szkoleniowa", capacity=20)
    monday = OpeningHours.objects.create(
        resource=room, weekday=0, opens=datetime.time(9), closes=datetime.time(17)
    )
    friday = OpeningHours.objects.create(
        resource=room, weekday=4, opens=datetime.time(9), closes=datetime.time(14)
    )
    url = reverse("admin:rooms_resource_change", args=[room.pk])
    rows = {"opening_hours-0-closes": "15:00", "opening_hours-1-DELETE": "on"}
    response = admin_save(client, url, capacity="24", **rows)
    assert response.status_code == 302, page_errors(response)

    monday.refresh_from_db()
    assert monday.closes == datetime.time(15)
    assert not OpeningHours.objects.filter(pk=friday.pk).exists()
    fields, rows_record = room.changes.order_by("pk")
    assert (fields.user, fields.action, fields.changes) == (
        staff_member,
        "changed",
        {"capacity": [20, 24]},
    )
    assert rows_record.user == staff_member
    assert rows_record.changes == {
        "opening_hours": {
            "changed": ["Poniedziałek 09:00–15:00"],
            "deleted": ["Piątek 09:00–14:00"],
        }
    }
    cells = history_cells(client, url)
    assert "Liczba miejsc: 20 → 24" in cells
    assert (
        "Godziny otwarcia: zmieniono „Poniedziałek 09:00–15:00”; usunięto „Piątek 09:00–14:00”"
    ) in cells


@pytest.mark.django_db
def test_a_closure_entered_in_the_admin_is_recorded_as_added(client, staff_member):
    response = admin_save(
        client,
        reverse("admin:rooms_closure_add"),
        start_date="2026-12-24",
        end_date="2026-12-24",
        reason_pl="Wigilia",
    )
    assert response.status_code == 302, page_errors(response)
    closure = Closure.objects.get(reason_pl="Wigilia")
    (record,) = closure.changes.all()
    assert (record.user, record.action) == (staff_member, "created")
    assert record.changes["reason_pl"] == [None, "Wigilia"]
