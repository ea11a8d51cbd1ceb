"""Consultations' admin write paths (and the advisor's own hours) as production runs
them: outside a test transaction (on PostgreSQL in CI), checking the database.

An advisor's weekly hours and exceptions are saved by `availability_save`, with the
advisor's row locked, from the admin and from the advisor's pages alike: hours saved
at the same moment cannot overlap. A consultation's room is released through the
rooms service, with a line in the booking's history."""

import datetime

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consultations.models import Appointment, AvailabilityException, AvailabilityRule, Mode
from rooms.models import Booking
from tests.concurrency import run_together
from tests.forms import page_errors, post_form

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6


def advisor_form(client, advisor):
    url = reverse("admin:consultations_advisor_change", args=[advisor.pk])
    return url, post_form(client.get(url))


def new_rule(index, starts, ends, weekday=1):
    prefix = f"rules-{index}-"
    return {
        f"{prefix}weekday": str(weekday),
        f"{prefix}starts": starts,
        f"{prefix}ends": ends,
        f"{prefix}slot_minutes": "45",
        f"{prefix}buffer_minutes": "15",
        f"{prefix}mode": Mode.PHONE,
        f"{prefix}valid_from": "2025-01-01",
    }


@pytest.mark.write_path("admin:consultations_advisor_change")
def test_staff_change_an_advisors_hours_through_the_service(staff_client, world):
    advisor = world.advisor  # Tuesdays 9:00–13:00, a day off
    url, form = advisor_form(staff_client, advisor)
    overlapping = form.data(**{"rules-TOTAL_FORMS": "2", **new_rule(1, "12:00", "14:00")})
    response = staff_client.post(url, overlapping)
    assert response.status_code == 200
    assert page_errors(response)
    assert advisor.rules.count() == 1

    data = form.data(
        **{
            "rules-TOTAL_FORMS": "2",
            **new_rule(1, "14:00", "16:00"),
            "exceptions-0-DELETE": "on",
        }
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, page_errors(response)
    assert list(advisor.rules.order_by("starts").values_list("starts", "ends")) == [
        (datetime.time(9), datetime.time(13)),
        (datetime.time(14), datetime.time(16)),
    ]
    assert not AvailabilityException.objects.filter(advisor=advisor).exists()


@pytest.mark.write_path("admin:consultations_advisor_change")
def test_hours_added_in_the_admin_at_the_same_moment_do_not_overlap(
    threads_share_a_database, world, staff
):
    advisor = world.advisor
    clients = []
    for _n in range(THREADS):
        client = Client()
        client.force_login(staff)
        clients.append(client)
    url, form = advisor_form(clients[0], advisor)

    def save(client, n):
        # Every one a different rule, each overlapping all the others (15:30–16:00).
        starts, ends = f"{14 + n % 2}:{'30' if n > 1 else '00'}", f"{16 + n // 2}:00"
        return lambda: client.post(
            url, form.data(**{"rules-TOTAL_FORMS": "2", **new_rule(1, starts, ends)})
        )

    outcomes = run_together([save(client, n) for n, client in enumerate(clients)])
    assert [exc for _response, exc in outcomes if exc] == []
    assert all(response.status_code in (200, 302) for response, _exc in outcomes)
    afternoon = AvailabilityRule.objects.filter(advisor=advisor, starts__gte=datetime.time(14))
    assert afternoon.count() == 1


@pytest.mark.write_path("consultations:advisor_rule_create")
def test_hours_the_advisor_adds_at_the_same_moment_do_not_overlap(threads_share_a_database, world):
    advisor = world.advisor
    clients = []
    for _n in range(THREADS):
        client = Client()
        client.force_login(world.personas["advisor"])
        clients.append(client)
    url = reverse("consultations:advisor_rule_create")

    def save(client, n):
        starts, ends = f"{14 + n % 2}:{'30' if n > 1 else '00'}", f"{16 + n // 2}:00"
        data = {
            "weekday": "3",
            "starts": starts,
            "ends": ends,
            "slot_minutes": "45",
            "buffer_minutes": "15",
            "mode": Mode.PHONE,
            "room": "",
            "valid_from": "2025-01-01",
            "valid_until": "",
        }
        return lambda: client.post(url, data)

    outcomes = run_together([save(client, n) for n, client in enumerate(clients)])
    assert [exc for _response, exc in outcomes if exc] == []
    statuses = sorted(response.status_code for response, _exc in outcomes)
    assert statuses == [200] * (THREADS - 1) + [302]  # the others see why on the form
    assert AvailabilityRule.objects.filter(advisor=advisor, weekday=3).count() == 1


@pytest.mark.write_path(
    "consultations:advisor_rule_delete", "consultations:advisor_exception_create"
)
def test_the_advisor_deletes_hours_and_adds_a_day_off_through_the_service(client, world):
    client.force_login(world.personas["advisor"])
    rule = world.advisor_rule
    response = client.post(reverse("consultations:advisor_rule_delete", args=[rule.pk]))
    assert response.status_code == 302
    assert not AvailabilityRule.objects.filter(pk=rule.pk).exists()
    day = world.advisor_exception.date
    response = client.post(
        reverse("consultations:advisor_exception_create"),
        {
            "date": day.isoformat(),
            "kind": "extra",
            "starts": "10:00",
            "ends": "12:00",
            "slot_minutes": "45",
            "buffer_minutes": "15",
            "mode": Mode.PHONE,
            "room": "",
            "note": "",
        },
    )
    assert response.status_code == 200  # extra hours on the day off: contradicting
    response = client.post(
        reverse("consultations:advisor_exception_create"),
        {
            "date": (day + datetime.timedelta(days=1)).isoformat(),
            "kind": "day_off",
            "starts": "",
            "ends": "",
            "slot_minutes": "45",
            "buffer_minutes": "15",
            "mode": "",
            "room": "",
            "note": "Szkolenie",
        },
    )
    assert response.status_code == 302, page_errors(response)
    assert world.advisor.exceptions.filter(note="Szkolenie").exists()


@pytest.mark.write_path("admin:consultations_appointment_changelist:cancel")
def test_cancelling_a_consultation_in_person_releases_its_room_with_its_history(
    staff_client, staff, world
):
    start = world.booking.start + datetime.timedelta(hours=4)
    room = Booking.objects.create(
        resource=world.resource,
        organization=None,
        start=start,
        end=start + datetime.timedelta(minutes=45),
        status=Booking.Status.CONFIRMED,
        title="Konsultacja",
    )
    appointment = Appointment.objects.create(
        advisor=world.advisor,
        topic=world.topic,
        start=start,
        end=start + datetime.timedelta(minutes=45),
        mode=Mode.IN_PERSON,
        room_booking=room,
        status=Appointment.Status.CONFIRMED,
        confirmed_at=timezone.now(),
        client_name="Maria Mieszkanka",
        client_email="maria@example.net",
        question="Statut",
    )
    response = staff_client.post(
        reverse("admin:consultations_appointment_changelist"),
        {
            "action": "cancel",
            "_selected_action": [appointment.pk],
            "confirm": "1",
            "reason": "Doradczyni jest chora.",
        },
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    room.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert (room.status, room.cancelled_by, room.cancellation_reason) == (
        Booking.Status.CANCELLED,
        staff,
        "Doradczyni jest chora.",
    )
    assert list(room.changes.values_list("action", "user", "note")) == [
        ("cancelled", staff.pk, "Doradczyni jest chora.")
    ]


@pytest.mark.write_path("admin:consultations_advisor_add")
def test_a_new_advisor_gets_its_hours_through_the_service(staff_client, world):
    url = reverse("admin:consultations_advisor_add")
    data = post_form(staff_client.get(url)).data(
        name="Tomasz Doradca",
        slug="tomasz-doradca",
        topics=[str(world.topic.pk)],
        **{
            "rules-TOTAL_FORMS": "2",
            **new_rule(0, "09:00", "11:00"),
            **new_rule(1, "10:00", "12:00"),
        },
    )
    response = staff_client.post(url, data)
    assert response.status_code == 200  # the two rows overlap: nothing saved
    assert "nakładają się" in " ".join(page_errors(response))
    assert not AvailabilityRule.objects.filter(advisor__slug="tomasz-doradca").exists()
    data.update(new_rule(1, "11:00", "12:00"))
    response = staff_client.post(url, data)
    assert response.status_code == 302, page_errors(response)
    assert list(
        AvailabilityRule.objects.filter(advisor__slug="tomasz-doradca")
        .order_by("starts")
        .values_list("starts", flat=True)
    ) == [datetime.time(9), datetime.time(11)]


def test_the_admin_pages_that_only_read_refuse_a_post(staff_client, world):
    assert staff_client.post(reverse("admin:consultations_appointment_stats")).status_code == 405
    url = reverse("admin:consultations_training_attendees", args=[world.training.pk])
    assert staff_client.post(url).status_code == 405


@pytest.mark.write_path("admin:consultations_advisor_change")
@pytest.mark.parametrize(
    ("field", "value"),
    [("slot_minutes", "2000000000"), ("slot_minutes", "99999999999"), ("buffer_minutes", "121")],
)
def test_an_exceptions_slot_and_break_have_the_weekly_hours_limits(
    staff_client, world, field, value
):
    advisor = world.advisor
    url, form = advisor_form(staff_client, advisor)
    day = (world.advisor_exception.date + datetime.timedelta(days=1)).isoformat()
    extra = {
        "exceptions-TOTAL_FORMS": "2",
        "exceptions-1-date": day,
        "exceptions-1-kind": "extra",
        "exceptions-1-starts": "16:00",
        "exceptions-1-ends": "18:00",
        "exceptions-1-slot_minutes": "45",
        "exceptions-1-buffer_minutes": "15",
        "exceptions-1-mode": Mode.PHONE,
        "exceptions-1-note": "",
    }
    response = staff_client.post(url, form.data(**{**extra, f"exceptions-1-{field}": value}))
    assert response.status_code == 200
    assert "mniejsza lub równa" in " ".join(page_errors(response))
    assert advisor.exceptions.count() == 1
    response = staff_client.post(url, form.data(**extra))
    assert response.status_code == 302, page_errors(response)
    assert advisor.exceptions.count() == 2


@pytest.mark.parametrize("model", [AvailabilityRule, AvailabilityException])
@pytest.mark.parametrize(
    ("field", "value"), [("slot_minutes", 241), ("slot_minutes", 9), ("buffer_minutes", 121)]
)
def test_the_database_holds_the_limits_of_slots_and_breaks(world, model, field, value):
    row = model.objects.filter(advisor=world.advisor).first()
    with pytest.raises(IntegrityError):
        model.objects.filter(pk=row.pk).update(**{field: value})
