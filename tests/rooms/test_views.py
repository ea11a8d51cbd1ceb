"""The rooms pages as people use them: the list and its filters, the week
calendar, the booking form (single and repeated), my bookings, cancelling, and
the calendar feeds."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cwop_portal.dates import polish_holidays
from rooms.models import Booking, CalendarFeed, Closure
from tests.factories import local
from tests.rooms.factories import BookingFactory, ResourceFactory

pytestmark = pytest.mark.django_db


def working_day(weekday=1, weeks_ahead=2):
    """A `weekday` at least `weeks_ahead` weeks from today that is not a public
    holiday (nor are the same weekday one and two weeks later), so tests that use
    the real clock never land on 24 December."""
    day = timezone.localdate() + datetime.timedelta(weeks=weeks_ahead)
    day += datetime.timedelta(days=(weekday - day.weekday()) % 7)
    closed = polish_holidays(range(day.year, day.year + 2))
    # The day and the two weeks after it (a repeated booking's dates) are working days.
    while any(day + datetime.timedelta(weeks=k) in closed for k in range(3)):
        day += datetime.timedelta(days=7)
    return day


def at_day(day, hour, minute=0):
    return local(day.year, day.month, day.day, hour, minute)


def week_of(day):
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def form_data(organization, day, start="10:00", end="12:00", **extra):
    data = {
        "organization": organization.pk,
        "date": day.isoformat(),
        "start_time": start,
        "end_time": end,
        "title": "Zebranie zarządu",
        "attendees": 5,
        "rules_accepted": "on",
    }
    data.update(extra)
    return data


def errors_of(response):
    return re.sub(
        r"\s+",
        " ",
        " ".join(re.findall(r"invalid-feedback[^>]*>(.*?)</", response.content.decode(), re.S)),
    )


# --- List and filters ---------------------------------------------------------------


def test_list_shows_active_resources_with_capacity_and_equipment(client, world):
    hidden = ResourceFactory(name_pl="Stara sala", is_active=False)
    response = client.get(reverse("rooms:resource_list"))
    page = response.content.decode()
    assert "Sala szkoleniowa" in page
    assert "Do 20 osób" in page
    assert hidden.name_pl not in page


def test_filters_by_kind_capacity_equipment_and_free_time(client, world):
    from rooms.models import Equipment

    projector = Equipment.objects.get(slug="projektor")
    small = ResourceFactory(name_pl="Mała salka", capacity=4, equipment=[projector])
    url = reverse("rooms:resource_list")
    assert "Mała salka" not in client.get(url, {"capacity": 10}).content.decode()
    page = client.get(url, {"equipment": "projektor"}).content.decode()
    assert "Mała salka" in page and "Sala szkoleniowa" not in page
    page = client.get(url, {"kind": "workstation"}).content.decode()
    assert "Mała salka" not in page
    # World's booking holds Sala szkoleniowa 10:00-12:00 on its day.
    day = world.booking.local_start.date()
    page = client.get(url, {"date": day.isoformat(), "time_from": "11:00", "time_to": "13:00"})
    page = page.content.decode()
    assert "Mała salka" in page and "Sala szkoleniowa</a>" not in page
    page = client.get(url, {"date": day.isoformat(), "time_from": "13:00", "time_to": "15:00"})
    assert "Sala szkoleniowa</a>" in page.content.decode()
    assert small.name_pl in page.content.decode()


def test_bad_filter_values_are_reported_not_a_500(client, world):
    response = client.get(
        reverse("rooms:resource_list"), {"capacity": "dużo", "date": "wczoraj", "equipment": "x"}
    )
    assert response.status_code == 200
    assert "Niektórych filtrów nie udało się użyć" in response.content.decode()


# --- Week calendar ------------------------------------------------------------------


def test_week_calendar_shows_free_and_taken_slots_without_who_to_visitors(client, world):
    day = world.booking.local_start.date()
    response = client.get(world.resource.get_absolute_url(), {"tydzien": week_of(day)})
    page = response.content.decode()
    assert response.status_code == 200
    assert '<th scope="row">10:00</th>' in page
    assert "Zajęte" in page and "Wolne" in page
    # Who booked is not shown to visitors.
    assert world.organization.name not in page
    assert "Zebranie zarządu" not in page
    # A free slot links to the booking form with its start.
    assert f"?start={day.isoformat()}T12:00" in page


def test_member_sees_their_own_booking_in_the_calendar(client, world):
    client.force_login(world.personas["ngo_member"])
    day = world.booking.local_start.date()
    page = client.get(world.resource.get_absolute_url(), {"tydzien": week_of(day)})
    assert world.booking.get_absolute_url() in page.content.decode()


def test_week_calendar_marks_holidays_and_closures(client, world):
    # 11 November 2030 (Monday): National Independence Day.
    page = client.get(world.resource.get_absolute_url(), {"tydzien": "2030-W46"}).content.decode()
    assert "Narodowe Święto Niepodległości" in page
    Closure.objects.create(
        start_date=datetime.date(2030, 11, 13),
        end_date=datetime.date(2030, 11, 13),
        reason_pl="Remont sali",
    )
    page = client.get(world.resource.get_absolute_url(), {"tydzien": "2030-W46"}).content.decode()
    assert "Remont sali" in page


@pytest.mark.parametrize("week", ["2026-W99", "abc", "2026-W", "9999999-W01", "2026-W00"])
def test_malformed_week_shows_the_current_week(client, world, week):
    response = client.get(world.resource.get_absolute_url(), {"tydzien": week})
    assert response.status_code == 200
    assert "nie został rozpoznany" in response.content.decode()


def test_week_calendar_has_constant_queries_with_many_bookings(
    client, world, django_assert_max_num_queries
):
    resource = ResourceFactory()
    organization = world.organization
    start_day = timezone.localdate() - datetime.timedelta(days=400)
    rows = []
    for n in range(800):
        day = start_day + datetime.timedelta(days=n)
        rows.append(
            Booking(
                resource=resource,
                organization=organization,
                start=at_day(day, 8),
                end=at_day(day, 9),
                status=Booking.Status.CONFIRMED,
                title="x",
            )
        )
    Booking.objects.bulk_create(rows)
    # Public pages: at most 10 queries (the benchmark's budget).
    with django_assert_max_num_queries(10):
        assert client.get(resource.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("rooms:resource_list")).status_code == 200
    for n in range(6):  # the "free at a time" filter: no queries per resource
        ResourceFactory(name_pl=f"Sala {n}")
    free_filter = {"date": "2030-06-04", "time_from": "10:00", "time_to": "12:00"}
    with django_assert_max_num_queries(10):
        assert client.get(reverse("rooms:resource_list"), free_filter).status_code == 200
    client.force_login(world.personas["ngo_member"])
    with django_assert_max_num_queries(14):
        assert client.get(resource.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("rooms:my_bookings")).status_code == 200


# --- Booking form -------------------------------------------------------------------


def test_member_books_and_gets_an_email_with_a_calendar_file(client, world, settings):
    settings.LANGUAGE_CODE = "pl"
    member = world.personas["ngo_member"]
    client.force_login(member)
    day = working_day()
    url = reverse("rooms:booking_create", args=[world.resource.slug])
    form_page = client.get(url, {"start": f"{day.isoformat()}T10:00"}).content.decode()
    assert f'value="{day.isoformat()}"' in form_page
    assert 'value="10:00"' in form_page
    assert "Zostaw salę w porządku." in form_page  # house rules up front
    mail.outbox.clear()
    with pytest.MonkeyPatch.context():
        response = client.post(url, form_data(world.organization, day))
    booking = Booking.objects.get(title="Zebranie zarządu", start=at_day(day, 10))
    assert response.status_code == 302
    assert response["Location"] == booking.get_absolute_url()
    assert booking.status == Booking.Status.PENDING  # the room needs approval
    assert booking.created_by == member


def test_emails_go_out_after_commit_with_ics(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.personas["ngo_member"])
    day = working_day()
    url = reverse("rooms:booking_create", args=[world.resource.slug])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, form_data(world.organization, day, start="13:00", end="14:00"))
    received = [m for m in mail.outbox if world.personas["ngo_member"].email in m.to]
    assert received, [m.subject for m in mail.outbox]
    name, content, mimetype = received[0].attachments[0]
    assert mimetype == "text/calendar"
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == at_day(day, 13)
    assert str(event["status"]) == "TENTATIVE"


def test_taken_time_gives_a_message_on_the_start_and_saves_nothing(client, world):
    client.force_login(world.personas["other_ngo_member"])
    day = world.booking.local_start.date()
    before = Booking.objects.count()
    response = client.post(
        reverse("rooms:booking_create", args=[world.resource.slug]),
        form_data(world.other_organization, day, start="11:00", end="13:00"),
    )
    assert response.status_code == 200
    assert "zarezerwował" in errors_of(response) or "zajęty" in errors_of(response)
    assert Booking.objects.count() == before


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"start_time": "12:00", "end_time": "10:00"}, "później"),
        ({"start_time": "07:00", "end_time": "09:00"}, "godzinami otwarcia"),
        ({"attendees": 50}, "20"),
        ({"start_time": "10:10", "end_time": "11:00"}, "co 30 minut"),
        ({"rules_accepted": ""}, "regulamin"),
        ({"title": ""}, "wymagane"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(client, world, changes, words):
    client.force_login(world.personas["ngo_member"])
    day = working_day(weekday=2)
    before = Booking.objects.count()
    data = form_data(world.organization, day)
    data.update(changes)
    response = client.post(reverse("rooms:booking_create", args=[world.resource.slug]), data)
    assert response.status_code == 200
    assert words in errors_of(response), errors_of(response)
    assert Booking.objects.count() == before


def test_another_organisations_member_cannot_book_for_it(client, world):
    client.force_login(world.personas["other_ngo_member"])
    response = client.post(
        reverse("rooms:booking_create", args=[world.resource.slug]),
        form_data(world.organization, working_day()),
    )
    assert response.status_code == 200
    assert "Wybierz jedną ze swoich organizacji" in errors_of(response)


def test_repeated_booking_shows_the_dates_then_books_only_free_ones(client, world):
    client.force_login(world.personas["ngo_member"])
    day = working_day(weekday=3)
    url = reverse("rooms:booking_create", args=[world.resource.slug])
    taken = day + datetime.timedelta(weeks=1)
    BookingFactory(
        resource=world.resource,
        organization=world.other_organization,
        start=at_day(taken, 10),
        end=at_day(taken, 12),
    )
    data = form_data(
        world.organization, day, repeat="1", until=(day + datetime.timedelta(weeks=2)).isoformat()
    )
    preview = client.post(url, data)
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Wolne terminy: 2 z 3" in page
    assert (
        Booking.objects.filter(organization=world.organization, title="Zebranie zarządu").count()
        == 1
    )
    # "All or nothing" books nothing, because one date is taken.
    response = client.post(url, {**data, "series_mode": "all_or_nothing"})
    assert response.status_code == 200
    assert "niczego nie zarezerwowano" in errors_of(response), errors_of(response)
    assert (
        Booking.objects.filter(organization=world.organization, title="Zebranie zarządu").count()
        == 1
    )
    # "Only free dates" books the two free ones.
    response = client.post(url, {**data, "series_mode": "free_only"})
    assert response.status_code == 302
    made = Booking.objects.filter(organization=world.organization, series__isnull=False)
    assert sorted(b.local_start.date() for b in made) == [day, day + datetime.timedelta(weeks=2)]


def test_people_without_an_organisation_are_told_how_to_get_one(client, world):
    client.force_login(world.personas["advisor"])
    response = client.get(reverse("rooms:booking_create", args=[world.resource.slug]))
    assert response.status_code == 403
    assert reverse("organizations:organization_create") in response.content.decode()


# --- My bookings, cancelling, calendars ---------------------------------------------


def test_my_bookings_lists_upcoming_with_cancel_and_ics(client, world):
    client.force_login(world.personas["ngo_member"])
    page = client.get(reverse("rooms:my_bookings")).content.decode()
    assert "Zebranie zarządu" in page
    assert reverse("rooms:booking_ics", args=[world.booking.pk]) in page
    client.force_login(world.personas["other_ngo_member"])
    assert "Zebranie zarządu" not in client.get(reverse("rooms:my_bookings")).content.decode()


def test_member_cancels_before_the_cut_off(client, world):
    client.force_login(world.personas["ngo_member"])
    response = client.post(
        reverse("rooms:booking_cancel", args=[world.booking.pk]), {"reason": "Zmiana planów"}
    )
    assert response.status_code == 302
    world.booking.refresh_from_db()
    assert world.booking.status == Booking.Status.CANCELLED
    assert world.booking.cancelled_by == world.personas["ngo_member"]
    assert world.booking.cancellation_reason == "Zmiana planów"


@pytest.mark.parametrize(
    ("reason", "problem"),
    [
        ("Zmiana\x00planów", "Znaki null są niedozwolone."),
        ("x" * 1001, "Upewnij się, że ta wartość ma co najwyżej 1000 znaków (obecnie ma 1001)."),
    ],
)
def test_a_reason_the_form_refuses_is_named_and_nothing_is_cancelled(
    client, world, reason, problem
):
    client.force_login(world.personas["ngo_member"])
    response = client.post(
        reverse("rooms:booking_cancel", args=[world.booking.pk]), {"reason": reason}, follow=True
    )
    assert response.status_code == 200
    (message,) = [str(m) for m in response.context["messages"]]
    assert problem in message  # the field's own words, not a fixed "too long"
    world.booking.refresh_from_db()
    assert world.booking.status == Booking.Status.CONFIRMED


def test_member_cannot_cancel_after_the_cut_off(client, world):
    soon = timezone.now() + datetime.timedelta(hours=3)
    booking = BookingFactory(
        resource=world.resource,
        organization=world.organization,
        start=soon,
        end=soon + datetime.timedelta(hours=1),
    )
    client.force_login(world.personas["ngo_member"])
    page = client.get(booking.get_absolute_url()).content.decode()
    assert "Anuluj rezerwację" not in page
    response = client.post(reverse("rooms:booking_cancel", args=[booking.pk]), follow=True)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert "zadzwoń" in response.content.decode() or "napisz" in response.content.decode()


def test_other_member_cannot_cancel_or_see(client, world):
    client.force_login(world.personas["other_ngo_member"])
    assert client.get(world.booking.get_absolute_url()).status_code == 404
    assert client.post(reverse("rooms:booking_cancel", args=[world.booking.pk])).status_code == 404
    world.booking.refresh_from_db()
    assert world.booking.status == Booking.Status.CONFIRMED


def test_public_feed_shows_taken_times_without_personal_data(client, world):
    response = client.get(reverse("rooms:resource_ics", args=[world.resource.slug]))
    content = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "Zebranie zarządu" not in content
    assert world.organization.name not in content
    events = Calendar.from_ical(response.content).walk("VEVENT")
    # Every confirmed booking of the room (the world's, and any the centre holds).
    taken = Booking.objects.filter(resource=world.resource, status=Booking.Status.CONFIRMED)
    assert sorted(e.decoded("dtstart") for e in events) == sorted(b.start for b in taken)
    assert world.booking.start in [e.decoded("dtstart") for e in events]


def test_private_feed_has_details_and_can_be_renewed(client, world):
    url = world.calendar_feed.get_absolute_url()
    response = client.get(url)
    assert "Zebranie zarządu" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    client.force_login(world.personas["ngo_member"])
    client.post(
        reverse("rooms:calendar_feed_manage", args=[world.organization.slug]), {"action": "renew"}
    )
    assert client.get(url).status_code == 404
    new = CalendarFeed.objects.get(organization=world.organization)
    assert client.get(new.get_absolute_url()).status_code == 200
    client.post(
        reverse("rooms:calendar_feed_manage", args=[world.organization.slug]), {"action": "delete"}
    )
    assert client.get(new.get_absolute_url()).status_code == 404


def test_only_administrators_manage_the_feed(client, world):
    client.force_login(world.personas["other_ngo_member"])
    response = client.post(
        reverse("rooms:calendar_feed_manage", args=[world.organization.slug]), {"action": "delete"}
    )
    assert response.status_code == 404
    assert CalendarFeed.objects.filter(organization=world.organization).exists()


def test_pages_in_english(client, world):
    page = client.get("/en/sale/").content.decode()
    assert "Rooms, workstation and board space" in page
    assert "Projector" in page and "Projektor" not in page  # the equipment filter
    page = client.get(f"/en/sale/{world.resource.slug}/").content.decode()
    assert "Training room" in page and "Next week" in page
