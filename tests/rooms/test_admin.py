"""Staff run the rooms in the admin: resources, the bookings' actions (through the
services, with their e-mails), adding a booking under the rules, the agenda."""

import datetime
import io
import re

import pytest
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from rooms.admin.bookings import ResourcePhotoForm
from rooms.models import Booking, BookingChange, ResourcePhoto
from tests.dates import working_day
from tests.factories import UserFactory, local
from tests.organizations.factories import MemberFactory, OrganizationFactory
from tests.rooms.factories import (
    BoardSpaceFactory,
    BookingFactory,
    ClosureFactory,
    ResourceFactory,
    book,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/rooms/booking/"
ADD = "/admin/rooms/booking/add/"
AGENDA = "/admin/rooms/booking/agenda/"


def at(day, hour, minute=0):
    return local(day.year, day.month, day.day, hour, minute)


@pytest.fixture
def member():
    return MemberFactory(email="zarzad@ngo.example.org")


@pytest.fixture
def organization(member):
    return member.memberships.get().organization


@pytest.fixture
def room():
    return ResourceFactory(name_pl="Sala konferencyjna", capacity=12)


def pending(room, member, day, hour=10):
    booking = book(resource=room, user=member, start=at(day, hour))
    assert booking.status == Booking.Status.PENDING
    return booking


def messages_of(response):
    return [(m.level, m.message) for m in response.context["messages"]]


# --- Pages ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/admin/rooms/",
        "/admin/rooms/equipment/",
        "/admin/rooms/equipment/add/",
        "/admin/rooms/resource/",
        "/admin/rooms/resource/add/",
        "/admin/rooms/resource/{resource}/change/",
        "/admin/rooms/openinghours/",
        "/admin/rooms/openinghours/add/",
        "/admin/rooms/closure/",
        "/admin/rooms/closure/add/",
        "/admin/rooms/booking/",
        "/admin/rooms/booking/?when=today",
        "/admin/rooms/booking/?when=week",
        "/admin/rooms/booking/?when=next7",
        "/admin/rooms/booking/?when=month",
        "/admin/rooms/booking/?when=past",
        "/admin/rooms/booking/?status__exact=pending&q=zebranie",
        "/admin/rooms/booking/add/",
        "/admin/rooms/booking/{booking}/change/",
        "/admin/rooms/booking/agenda/",
        "/admin/rooms/booking/agenda/?widok=tydzien",
        "/admin/rooms/booking/report/",
    ],
)
def test_admin_pages_load_for_centre_staff(staff_client, world, path):
    url = path.format(resource=world.resource.pk, booking=world.booking.pk)
    response = staff_client.get(url)
    assert response.status_code == 200


def test_the_list_of_bookings_shows_local_times_and_links_to_the_agenda_and_report(
    staff_client, room, organization
):
    day = working_day()
    booking = BookingFactory(
        resource=room, organization=organization, start=at(day, 9, 30), end=at(day, 11)
    )
    html = staff_client.get(CHANGELIST).content.decode()
    assert f"{day:%d-%m-%Y}" in html and "09:30" in html and "11:00" in html
    assert booking.title in html
    assert 'href="/admin/rooms/booking/agenda/"' in html
    assert 'href="/admin/rooms/booking/report/"' in html


def test_the_admin_index_counts_bookings_waiting_for_approval(staff_client, room, member):
    day = working_day()
    pending(room, member, day)
    pending(room, member, day, hour=13)
    BookingFactory(resource=room, start=at(day, 8), end=at(day, 9))  # confirmed
    html = staff_client.get("/admin/").content.decode()
    link = re.search(
        r'<a href="/admin/rooms/booking/\?status__exact=pending">[^<]*<strong>(\d+)</strong>', html
    )
    assert link and link.group(1) == "2"


def test_bookings_cannot_be_deleted_only_cancelled(staff_client, world):
    response = staff_client.get(f"/admin/rooms/booking/{world.booking.pk}/delete/")
    assert response.status_code == 403
    html = staff_client.get(CHANGELIST).content.decode()
    assert 'value="delete_selected"' not in html
    assert 'value="cancel"' in html


# --- Actions ----------------------------------------------------------------------


def test_approving_confirms_through_the_service_and_tells_the_organisation(
    staff_client, staff, room, member, mailoutbox, django_capture_on_commit_callbacks
):
    booking = pending(room, member, working_day())
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            CHANGELIST, {"action": "approve", "_selected_action": [booking.pk]}, follow=True
        )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.decided_by == staff
    assert BookingChange.objects.filter(booking=booking, action="approved", user=staff).exists()
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert mailoutbox[0].attachments  # the calendar file
    assert [level for level, _text in messages_of(response)] == [messages.SUCCESS]


def test_approving_a_booking_something_now_stands_against_warns_and_leaves_it_pending(
    staff_client, room, member, mailoutbox, django_capture_on_commit_callbacks
):
    day = working_day()
    booking = pending(room, member, day)
    other = pending(room, member, day, hour=13)
    ClosureFactory(start_date=day, reason_pl="Awaria ogrzewania", reason_en="Heating failure")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            CHANGELIST,
            {"action": "approve", "_selected_action": [booking.pk, other.pk]},
            follow=True,
        )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING
    warnings = [text for level, text in messages_of(response) if level == messages.WARNING]
    assert len(warnings) == 2
    assert any(text.startswith(f"{booking}: ") for text in warnings)
    assert all("Awaria ogrzewania" in text or "Heating failure" in text for text in warnings)
    assert not [level for level, _text in messages_of(response) if level == messages.SUCCESS]
    assert mailoutbox == []


def test_approving_a_booking_that_overlaps_another_one_warns(
    staff_client, room, member, organization, db, django_capture_on_commit_callbacks
):
    from django.db import connection

    if connection.vendor == "postgresql":
        # The exclusion constraint forbids such rows; drop it inside this test's
        # transaction (rolled back afterwards) to stand for rows from before it.
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE rooms_booking DROP CONSTRAINT rooms_booking_no_overlap")
    day = working_day()
    booking = pending(room, member, day)
    BookingFactory(
        resource=room,
        organization=organization,
        status=Booking.Status.PENDING,
        start=at(day, 11),
        end=at(day, 12),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            CHANGELIST, {"action": "approve", "_selected_action": [booking.pk]}, follow=True
        )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING
    ((level, text),) = messages_of(response)
    assert level == messages.WARNING and text.startswith(f"{booking}: ")


def test_rejecting_asks_for_a_reason_and_e_mails_it(
    staff_client, staff, room, member, mailoutbox, django_capture_on_commit_callbacks
):
    booking = pending(room, member, working_day())
    mailoutbox.clear()
    asked = staff_client.post(CHANGELIST, {"action": "reject", "_selected_action": [booking.pk]})
    assert asked.status_code == 200
    assert 'name="reason"' in asked.content.decode()
    empty = staff_client.post(
        CHANGELIST, {"action": "reject", "_selected_action": [booking.pk], "confirm": "1"}
    )
    assert 'aria-invalid="true"' in empty.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            CHANGELIST,
            {
                "action": "reject",
                "_selected_action": [booking.pk],
                "confirm": "1",
                "reason": "Sala potrzebna na szkolenie Centrum.",
            },
        )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.REJECTED
    assert booking.rejection_reason == "Sala potrzebna na szkolenie Centrum."
    assert booking.decided_by == staff
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert "Sala potrzebna na szkolenie Centrum." in mailoutbox[0].body


def test_cancelling_asks_for_a_reason_and_e_mails_it(
    staff_client, staff, room, member, organization, mailoutbox, django_capture_on_commit_callbacks
):
    day = working_day()
    booking = BookingFactory(
        resource=room, organization=organization, start=at(day, 10), end=at(day, 12)
    )
    asked = staff_client.post(CHANGELIST, {"action": "cancel", "_selected_action": [booking.pk]})
    html = asked.content.decode()
    assert 'name="reason"' in html and 'for="id_reason"' in html
    assert str(booking) in html
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            CHANGELIST,
            {
                "action": "cancel",
                "_selected_action": [booking.pk],
                "confirm": "1",
                "reason": "Awaria ogrzewania.",
            },
            follow=True,
        )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.cancelled_by == staff and booking.cancellation_reason == "Awaria ogrzewania."
    assert BookingChange.objects.filter(booking=booking, action="cancelled", user=staff).exists()
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert "Awaria ogrzewania." in mailoutbox[0].body
    assert [level for level, _text in messages_of(response)] == [messages.SUCCESS]


def test_cancelling_a_booking_already_over_warns(
    staff_client, room, organization, django_capture_on_commit_callbacks
):
    past = timezone.localdate() - datetime.timedelta(days=3)
    booking = BookingFactory(
        resource=room, organization=organization, start=at(past, 10), end=at(past, 12)
    )
    response = staff_client.post(
        CHANGELIST,
        {"action": "cancel", "_selected_action": [booking.pk], "confirm": "1", "reason": "x"},
        follow=True,
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    ((level, text),) = messages_of(response)
    assert level == messages.WARNING and text.startswith(str(booking))


# --- Adding and editing -------------------------------------------------------------


def add_data(room, organization, day, start="10:00", end="12:00", **extra):
    return {
        "resource": room.pk,
        "organization": organization.pk,
        "start_0": day.isoformat(),
        "start_1": start,
        "end_0": day.isoformat(),
        "end_1": end,
        "title": "Szkolenie z księgowości",
        "attendees": "8",
        "notes": "Potrzebny rzutnik.",
        **extra,
    }


def test_staff_add_a_booking_through_the_service_confirmed_and_e_mailed(
    staff_client, staff, room, member, organization, mailoutbox, django_capture_on_commit_callbacks
):
    day = working_day()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(ADD, add_data(room, organization, day))
    assert response.status_code == 302, response.context["adminform"].form.errors
    booking = Booking.objects.get()
    assert (booking.start, booking.end) == (at(day, 10), at(day, 12))
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.created_by == staff and booking.decided_by == staff
    assert (booking.title, booking.attendees) == ("Szkolenie z księgowości", 8)
    assert BookingChange.objects.filter(booking=booking, action="created").count() == 1
    ((message,),) = [mailoutbox]
    assert member.email in message.to  # (and the staff member who booked, as a copy)


def test_staff_may_book_closer_and_further_ahead_than_members(
    staff_client, room, organization, django_capture_on_commit_callbacks
):
    far = working_day(days_ahead=200)  # beyond the 60 days members may book ahead
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(ADD, add_data(room, organization, far))
    assert response.status_code == 302
    assert Booking.objects.filter(resource=room).count() == 1


def test_adding_an_overlapping_booking_names_the_start_field_and_saves_nothing(
    staff_client, room, organization, mailoutbox, django_capture_on_commit_callbacks
):
    day = working_day()
    BookingFactory(resource=room, organization=organization, start=at(day, 9), end=at(day, 11))
    changes = BookingChange.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(ADD, add_data(room, organization, day, "10:30", "12:00"))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == ["start"]
    assert 'aria-invalid="true"' in response.content.decode()
    assert Booking.objects.count() == 1
    assert BookingChange.objects.count() == changes
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"start_1": "10:10", "end_1": "12:00"}, "start"),  # off the 30-minute grid
        ({"start_1": "15:00", "end_1": "17:00"}, "start"),  # after closing time
        ({"start_1": "12:00", "end_1": "10:00"}, "end"),
        ({"attendees": "13"}, "attendees"),  # the room holds 12
        ({"title": "   "}, "title"),
    ],
)
def test_adding_a_booking_against_the_rules_shows_the_error_on_its_field(
    staff_client, room, organization, overrides, field
):
    response = staff_client.post(ADD, add_data(room, organization, working_day(), **overrides))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Booking.objects.exists()


def test_adding_on_a_closed_day_or_for_an_unpublished_organisation_is_refused(
    staff_client, room, organization
):
    day = working_day()
    ClosureFactory(start_date=day)
    response = staff_client.post(ADD, add_data(room, organization, day))
    assert "start" in response.context["adminform"].form.errors
    draft = OrganizationFactory(status="draft")
    response = staff_client.post(ADD, add_data(room, draft, working_day(days_ahead=20)))
    assert "organization" in response.context["adminform"].form.errors
    assert not Booking.objects.exists()


def test_editing_a_booking_changes_only_its_details_and_keeps_a_history(
    staff_client, staff, room, organization
):
    day = working_day()
    booking = BookingFactory(
        resource=room, organization=organization, start=at(day, 10), end=at(day, 12)
    )
    other_room = ResourceFactory()
    url = f"/admin/rooms/booking/{booking.pk}/change/"
    html = staff_client.get(url).content.decode()
    assert 'name="start_0"' not in html and 'name="status"' not in html
    response = staff_client.post(
        url,
        {
            "title": "Walne zebranie",
            "attendees": "10",
            "notes": "",
            "resource": other_room.pk,  # not editable: ignored
            "status": "cancelled",
            "start_0": (day + datetime.timedelta(days=1)).isoformat(),
            "start_1": "08:00",
            "changes-TOTAL_FORMS": "0",
            "changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    booking.refresh_from_db()
    assert (booking.title, booking.attendees) == ("Walne zebranie", 10)
    assert booking.resource == room and booking.status == Booking.Status.CONFIRMED
    assert booking.start == at(day, 10)
    change = BookingChange.objects.get(booking=booking, action="edited_by_staff")
    assert change.user == staff
    assert change.changes["title"] == ["Zebranie zarządu", "Walne zebranie"]


def test_editing_cannot_exceed_the_capacity(staff_client, room, organization):
    booking = BookingFactory(resource=room, organization=organization)
    response = staff_client.post(
        f"/admin/rooms/booking/{booking.pk}/change/",
        {
            "title": booking.title,
            "attendees": "40",
            "changes-TOTAL_FORMS": "0",
            "changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "attendees" in response.context["adminform"].form.errors


def test_the_history_of_a_booking_is_shown_read_only(staff_client, room, member):
    booking = pending(room, member, working_day())
    html = staff_client.get(f"/admin/rooms/booking/{booking.pk}/change/").content.decode()
    assert "created" in html
    assert 'name="changes-0-action"' not in html


# --- Resources and their photos ---------------------------------------------------------


def jpeg_with_exif():
    image = Image.new("RGB", (40, 30), "navy")
    exif = Image.Exif()
    exif[0x010F] = "Aparat szpiega"  # Make
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_a_resource_photo_is_re_encoded_without_its_metadata():
    content = jpeg_with_exif()
    assert b"Aparat szpiega" in content
    form = ResourcePhotoForm(
        data={"alt_pl": "Sala z krzesłami", "alt_en": "", "position": "0"},
        files={"image": SimpleUploadedFile("sala.jpg", content, content_type="image/jpeg")},
    )
    assert form.is_valid(), form.errors
    cleaned = form.cleaned_data["image"]
    data = cleaned.read()
    assert cleaned.name == "sala.jpg"
    assert data.startswith(b"\xff\xd8") and b"Aparat szpiega" not in data


def test_a_resource_photo_that_is_not_an_image_is_refused():
    form = ResourcePhotoForm(
        data={"alt_pl": "Sala", "position": "0"},
        files={"image": SimpleUploadedFile("sala.jpg", b"<html>nie obraz</html>")},
    )
    assert not form.is_valid()
    assert "image" in form.errors


def test_staff_add_a_resource_with_a_photo_and_its_own_hours(staff_client):
    response = staff_client.post(
        "/admin/rooms/resource/add/",
        {
            "name_pl": "Sala warsztatowa",
            "name_en": "Workshop room",
            "slug": "sala-warsztatowa",
            "kind": "training_room",
            "capacity": "15",
            "requires_approval": "on",
            "min_duration": "60",
            "max_duration": "240",
            "slot_step": "30",
            "booking_horizon_days": "60",
            "booking_notice_hours": "24",
            "cancel_notice_hours": "24",
            "is_active": "on",
            "position": "0",
            "photos-TOTAL_FORMS": "1",
            "photos-INITIAL_FORMS": "0",
            "photos-0-image": SimpleUploadedFile("IMG_0001.jpg", jpeg_with_exif()),
            "photos-0-alt_pl": "Stoły ustawione w podkowę",
            "photos-0-position": "0",
            "opening_hours-TOTAL_FORMS": "1",
            "opening_hours-INITIAL_FORMS": "0",
            "opening_hours-0-weekday": "5",
            "opening_hours-0-opens": "09:00",
            "opening_hours-0-closes": "13:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    photo = ResourcePhoto.objects.get(resource__slug="sala-warsztatowa")
    with photo.image.open("rb") as stored:
        data = stored.read()
    assert b"Aparat szpiega" not in data
    assert photo.resource.opening_hours.get().weekday == 5


# --- Agenda --------------------------------------------------------------------------


def test_the_agenda_shows_the_bookings_of_the_chosen_day(staff_client, room, organization):
    day = working_day()
    shown = BookingFactory(
        resource=room,
        organization=organization,
        start=at(day, 10),
        end=at(day, 12),
        title="Warsztaty decoupage",
    )
    BookingFactory(
        resource=room,
        organization=organization,
        start=at(day + datetime.timedelta(days=1), 10),
        end=at(day + datetime.timedelta(days=1), 12),
        title="Zebranie jutrzejsze",
    )
    BookingFactory(
        resource=room,
        organization=organization,
        status=Booking.Status.CANCELLED,
        start=at(day, 13),
        end=at(day, 14),
        title="Odwołane spotkanie",
    )
    response = staff_client.get(AGENDA, {"dzien": day.isoformat()})
    html = response.content.decode()
    assert "Warsztaty decoupage" in html
    assert "Zebranie jutrzejsze" not in html and "Odwołane spotkanie" not in html
    assert f'href="/admin/rooms/booking/{shown.pk}/change/"' in html
    assert "10:00–12:00" in html
    assert "<caption>" in html and 'scope="row"' in html and 'scope="col"' in html
    assert shown.get_status_display() in html  # the status in words, not only a colour
    assert response.context["day"] == day


def test_the_week_agenda_shows_monday_to_sunday_with_closures_and_holidays(
    staff_client, room, organization
):
    day = working_day()
    monday = day - datetime.timedelta(days=day.weekday())
    sunday = monday + datetime.timedelta(days=6)
    board = BoardSpaceFactory(name_pl="Tablica w holu")
    titles = {
        monday: "Poniedziałkowe spotkanie",
        sunday: "Niedzielny kiermasz",
        sunday + datetime.timedelta(days=1): "Spotkanie z następnego tygodnia",
    }
    for on, title in titles.items():
        BookingFactory(
            resource=room, organization=organization, start=at(on, 9), end=at(on, 10), title=title
        )
    BookingFactory(
        resource=board,
        organization=organization,
        start=at(monday - datetime.timedelta(days=2), 0),
        end=at(monday + datetime.timedelta(days=2), 0),
        title="Plakat festynu",
    )
    ClosureFactory(resource=room, start_date=day, reason_pl="Malowanie sali", reason_en="Painting")
    response = staff_client.get(AGENDA, {"dzien": day.isoformat(), "widok": "tydzien"})
    html = response.content.decode()
    assert "Poniedziałkowe spotkanie" in html and "Niedzielny kiermasz" in html
    assert "Spotkanie z następnego tygodnia" not in html
    assert html.count("Plakat festynu") == 2  # Monday and Tuesday
    assert "Malowanie sali" in html
    agenda = response.context["agenda"]
    assert [d.day for d in agenda.days] == [monday + datetime.timedelta(n) for n in range(7)]
    room_row = next(row for row in agenda.rows if row.resource == room)
    assert room_row.cells[5].closed_reason  # Saturday: the centre is closed
    assert room_row.cells[day.weekday()].closed_reason == "Malowanie sali"


@pytest.mark.parametrize(
    "query",
    [
        {"dzien": "garbage"},
        {"dzien": "2025-02-30"},
        {"dzien": "9999-12-31", "widok": "tydzien"},
        {"dzien": "0001-01-01"},
        {"dzien": "x" * 5000, "widok": "<script>"},
        {"widok": "miesiac"},
    ],
)
def test_the_agenda_falls_back_to_today_on_a_malformed_query(staff_client, query):
    response = staff_client.get(AGENDA, query)
    assert response.status_code == 200
    assert response.context["day"] == timezone.localdate()
    assert response.context["view"] == ("tydzien" if query.get("widok") == "tydzien" else "dzien")


def test_the_agenda_navigates_by_day_and_week(staff_client):
    response = staff_client.get(AGENDA, {"dzien": "2030-03-13", "widok": "tydzien"})
    assert response.context["previous_url"] == "?dzien=2030-03-04&widok=tydzien"
    assert response.context["next_url"] == "?dzien=2030-03-18&widok=tydzien"
    response = staff_client.get(AGENDA, {"dzien": "2030-03-13"})
    assert response.context["previous_url"] == "?dzien=2030-03-12&widok=dzien"
    assert response.context["next_url"] == "?dzien=2030-03-14&widok=dzien"


# --- Who may see the agenda and the report ------------------------------------------------


@pytest.mark.parametrize("path", [AGENDA, "/admin/rooms/booking/report/"])
def test_the_staff_pages_send_others_to_the_login(client, ngo_member, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.force_login(ngo_member)
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("path", [AGENDA, "/admin/rooms/booking/report/?format=csv"])
def test_the_staff_pages_need_the_permission_to_view_bookings(client, path):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    assert client.get(path).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="view_booking"))
    assert client.get(path).status_code == 200


# --- Queries -----------------------------------------------------------------------------


@pytest.fixture
def many_bookings():
    day = working_day()
    monday = day - datetime.timedelta(days=day.weekday())
    rooms = [ResourceFactory() for _ in range(4)]
    organizations = [OrganizationFactory() for _ in range(6)]
    count = 0
    for offset in range(5):
        on = monday + datetime.timedelta(days=offset)
        for hour in range(8, 16):
            BookingFactory(
                resource=rooms[(hour + offset) % 4],
                organization=organizations[(hour * 7 + offset) % 6],
                status=Booking.Status.PENDING if hour % 3 else Booking.Status.CONFIRMED,
                start=at(on, hour),
                end=at(on, hour + 1),
            )
            count += 1
    ClosureFactory(start_date=monday + datetime.timedelta(days=2))
    return monday, count


def test_the_list_of_bookings_reads_a_fixed_number_of_queries(
    staff_client, many_bookings, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        response = staff_client.get(CHANGELIST)
    assert response.context["cl"].result_count == many_bookings[1]


def test_the_agenda_reads_a_fixed_number_of_queries(
    staff_client, many_bookings, django_assert_max_num_queries
):
    monday, count = many_bookings
    with django_assert_max_num_queries(12):
        response = staff_client.get(AGENDA, {"dzien": monday.isoformat(), "widok": "tydzien"})
    assert response.context["agenda"].booking_count == count
    with django_assert_max_num_queries(12):
        response = staff_client.get(AGENDA, {"dzien": monday.isoformat()})
    assert response.context["agenda"].booking_count == 8


def test_a_second_centre_hours_row_for_a_weekday_is_refused_not_a_server_error(staff_client):
    response = staff_client.post(
        "/admin/rooms/openinghours/add/",
        {"resource": "", "weekday": "0", "opens": "09:00", "closes": "17:00"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    response = staff_client.post(
        "/admin/rooms/openinghours/add/",
        {"resource": "", "weekday": "5", "opens": "09:00", "closes": "13:00"},
    )
    assert response.status_code == 302
