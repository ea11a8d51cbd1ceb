"""The ceremony's room: a room of the centre held for it through the base's registry
(awards does not use the rooms app), moved with the ceremony, freed when it is no
longer needed, and never cancelled from the bookings' side while the edition holds it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from awards.models import Edition
from awards.services import editions as services
from rooms.models import Booking
from rooms.services import bookings as room_services
from tests.factories import next_weekday

HOUR = datetime.timedelta(hours=1)


def with_ceremony(edition, room, start):
    edition.ceremony_at = start
    edition.ceremony_ends_at = start + 2 * HOUR
    edition.ceremony_room_id = room.pk if room is not None else None
    return services.edition_save(edition=edition, user=None)


def held(edition):
    edition.refresh_from_db()
    return Booking.objects.get(pk=edition.ceremony_hold_id)


@pytest.fixture
def ceremony_time():
    return next_weekday(2, days_ahead=75, hour=10)


@pytest.mark.django_db
def test_saving_the_edition_books_the_room_and_the_page_shows_it(client, world, ceremony_time):
    with_ceremony(world.open_edition, world.resource, ceremony_time)
    booking = held(world.open_edition)
    assert booking.is_active and booking.organization is None
    assert (booking.resource, booking.start, booking.end) == (
        world.resource,
        ceremony_time,
        ceremony_time + 2 * HOUR,
    )
    assert "Ośmiu Wspaniałych" in booking.title
    page = client.get("/en" + world.open_edition.get_absolute_url()).content.decode()
    assert "Training room" in page
    ics = client.get(
        reverse("awards:edition_ics", args=[world.competition.slug, world.open_edition.year])
    ).content.decode()
    assert "LOCATION:Training room" in ics or "LOCATION:Sala szkoleniowa" in ics


@pytest.mark.django_db
def test_moving_the_ceremony_moves_the_booking_and_removing_the_room_frees_it(world, ceremony_time):
    with_ceremony(world.open_edition, world.resource, ceremony_time)
    first = held(world.open_edition)
    with_ceremony(world.open_edition, world.resource, ceremony_time + 3 * HOUR)
    second = held(world.open_edition)
    first.refresh_from_db()
    assert not first.is_active and second.is_active and second.pk != first.pk
    world.open_edition.ceremony_room_id = None
    services.edition_save(edition=world.open_edition, user=None)
    second.refresh_from_db()
    world.open_edition.refresh_from_db()
    assert not second.is_active and world.open_edition.ceremony_hold_id is None


@pytest.mark.django_db
def test_a_room_taken_then_is_an_error_on_the_room_and_nothing_changes(world, ceremony_time):
    room_services.booking_create(
        resource=world.resource,
        organization=world.organization,
        user=world.personas["ngo_member"],
        start=ceremony_time,
        end=ceremony_time + HOUR,
        title="Walne zebranie",
        by_staff=True,
        notify=False,
    )
    with pytest.raises(ValidationError) as refused:
        with_ceremony(world.open_edition, world.resource, ceremony_time)
    assert list(refused.value.message_dict) == ["ceremony_room_id"]
    stored = Edition.objects.get(pk=world.open_edition.pk)
    assert stored.ceremony_hold_id is None and stored.ceremony_room_id is None
    assert not Booking.objects.filter(title__contains="Ośmiu Wspaniałych").exists()


@pytest.mark.django_db
def test_a_room_needs_the_ceremonys_start_and_end(world):
    world.open_edition.ceremony_room_id = world.resource.pk
    world.open_edition.ceremony_ends_at = None
    assert "ceremony_room_id" in services.edition_problems(world.open_edition)


@pytest.mark.django_db
def test_the_bookings_admin_refuses_to_cancel_the_ceremonys_room(world, ceremony_time):
    with_ceremony(world.open_edition, world.resource, ceremony_time)
    with pytest.raises(ValidationError) as refused:
        room_services.booking_cancel_by_staff(
            booking=held(world.open_edition), user=world.personas["staff"], reason="Remont"
        )
    assert "Ośmiu Wspaniałych" in " ".join(refused.value.messages)


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("admin:awards_edition_change", "admin:awards_edition_delete")
def test_staff_choose_the_room_in_the_admin_and_deleting_the_edition_frees_it(
    client, world, ceremony_time
):
    edition = Edition.objects.create(
        competition=world.competition,
        year=world.open_edition.year + 1,
        nominations_open=ceremony_time - 90 * datetime.timedelta(days=1),
        nominations_close=ceremony_time - 60 * datetime.timedelta(days=1),
        formal_check_until=ceremony_time - 50 * datetime.timedelta(days=1),
        jury_until=ceremony_time - 40 * datetime.timedelta(days=1),
        announcement_at=ceremony_time - 30 * datetime.timedelta(days=1),
    )
    client.force_login(world.personas["staff"])
    url = reverse("admin:awards_edition_change", args=[edition.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False or name in ("regulations", "consent_form"):
            continue
        if isinstance(value, datetime.datetime):
            local_value = timezone.localtime(value)
            data[f"{name}_0"] = local_value.strftime("%Y-%m-%d")
            data[f"{name}_1"] = local_value.strftime("%H:%M:%S")
        else:
            data[name] = value
    for inline in page.context["inline_admin_formsets"]:  # none has rows yet
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    start = timezone.localtime(ceremony_time)
    data.update(
        {
            "ceremony_at_0": start.strftime("%Y-%m-%d"),
            "ceremony_at_1": start.strftime("%H:%M:%S"),
            "ceremony_ends_at_0": start.strftime("%Y-%m-%d"),
            "ceremony_ends_at_1": (start + 2 * HOUR).strftime("%H:%M:%S"),
            "ceremony_room_id": world.resource.pk,
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors,
        [inline.formset.errors for inline in response.context["inline_admin_formsets"]],
    )
    booking = held(edition)
    assert booking.is_active and booking.resource == world.resource

    response = client.post(
        reverse("admin:awards_edition_delete", args=[edition.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Edition.objects.filter(pk=edition.pk).exists()
    booking.refresh_from_db()
    assert not booking.is_active
