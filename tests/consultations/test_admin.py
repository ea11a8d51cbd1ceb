"""Staff run consultations and trainings in the admin: advisors and their hours (the
rules' validation shown on the rows), the settings' one row, the appointments' and
trainings' actions (through the services, with their e-mails), the attendee list."""

import csv
import datetime
import io

import pytest
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from consultations.models import (
    Advisor,
    Appointment,
    AppointmentChange,
    AvailabilityException,
    AvailabilityRule,
    ConsultationSettings,
    Mode,
    Registration,
    Training,
    TrainingMaterial,
    TrainingSession,
)
from rooms.models import Booking
from tests.consultations.factories import (
    AdvisorFactory,
    AdvisorGroupFactory,
    AppointmentFactory,
    AvailabilityExceptionFactory,
    AvailabilityRuleFactory,
    TopicFactory,
    TrainingFactory,
)
from tests.dates import working_day
from tests.factories import MINIMAL_PDF, local
from tests.forms import history_cells
from tests.organizations.factories import OrganizationFactory
from tests.rooms.factories import BookingFactory, ResourceFactory

pytestmark = pytest.mark.django_db

APPOINTMENTS = "/admin/consultations/appointment/"
TRAININGS = "/admin/consultations/training/"
REGISTRATIONS = "/admin/consultations/registration/"


def at(day, hour, minute=0):
    return local(day.year, day.month, day.day, hour, minute)


def hours_ago(hours):
    return (timezone.now() - datetime.timedelta(hours=hours)).replace(second=0, microsecond=0)


def messages_of(response):
    return [(m.level, m.message) for m in response.context["messages"]]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def register(training, n, *, status=Registration.Status.REGISTERED, **extra):
    values = {
        "training": training,
        "name": f"Uczestnik {n}",
        "email": f"uczestnik{n}@example.net",
        "status": status,
        "confirmed_at": timezone.now(),
    }
    if status == Registration.Status.CANCELLED:
        values["cancelled_at"] = timezone.now()
    values.update(extra)
    return Registration.objects.create(**values)


@pytest.fixture
def room():
    return ResourceFactory(name_pl="Sala konsultacji", capacity=12)


@pytest.fixture
def counsellor():
    return AdvisorFactory(name="Ewa Doradczyni", topics=["pozyskiwanie-funduszy", "statuty"])


@pytest.fixture
def data(counsellor, room):
    """One of everything the consultations admin shows."""
    AvailabilityRuleFactory(advisor=counsellor, weekday=1)
    AvailabilityRuleFactory(advisor=counsellor, weekday=3, mode=Mode.IN_PERSON, room=room)
    AvailabilityExceptionFactory(advisor=counsellor, date=working_day(20))
    appointment = AppointmentFactory(
        advisor=counsellor, organization=OrganizationFactory(name="Fundacja Testowa")
    )
    AppointmentChange.objects.create(appointment=appointment, action="booked", note="z formularza")
    training = TrainingFactory(title_pl="Pisanie wniosków")
    register(training, 1, organization=appointment.organization)
    register(training, 2, status=Registration.Status.WAITING)
    return {"advisor": counsellor, "appointment": appointment, "training": training}


# --- Pages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/admin/consultations/",
        "/admin/consultations/topic/",
        "/admin/consultations/topic/add/",
        "/admin/consultations/advisorgroup/",
        "/admin/consultations/advisorgroup/add/",
        "/admin/consultations/advisor/",
        "/admin/consultations/advisor/add/",
        "/admin/consultations/advisor/{advisor}/change/",
        "/admin/consultations/consultationsettings/1/change/",
        "/admin/consultations/appointment/",
        "/admin/consultations/appointment/?when=today",
        "/admin/consultations/appointment/?when=week",
        "/admin/consultations/appointment/?when=next7",
        "/admin/consultations/appointment/?when=month",
        "/admin/consultations/appointment/?when=upcoming",
        "/admin/consultations/appointment/?when=past",
        "/admin/consultations/appointment/?status__exact=confirmed&q=maria",
        "/admin/consultations/appointment/{appointment}/change/",
        "/admin/consultations/appointment/statystyki/",
        "/admin/consultations/training/",
        "/admin/consultations/training/add/",
        "/admin/consultations/training/{training}/change/",
        "/admin/consultations/training/{training}/uczestnicy/",
        "/admin/consultations/training/{training}/uczestnicy/?format=print",
        "/admin/consultations/registration/",
        "/admin/consultations/registration/?attended__isnull=True",
    ],
)
def test_admin_pages_load_for_centre_staff(staff_client, data, path):
    url = path.format(
        advisor=data["advisor"].pk,
        appointment=data["appointment"].pk,
        training=data["training"].pk,
    )
    assert staff_client.get(url).status_code == 200


def test_the_lists_link_to_the_statistics_and_the_training_to_its_attendees(staff_client, data):
    html = staff_client.get(APPOINTMENTS).content.decode()
    assert 'href="/admin/consultations/appointment/statystyki/"' in html
    pk = data["training"].pk
    attendees = f'href="/admin/consultations/training/{pk}/uczestnicy/"'
    assert attendees in staff_client.get(f"{TRAININGS}{pk}/change/").content.decode()
    assert attendees in staff_client.get(TRAININGS).content.decode()


def test_the_list_of_appointments_shows_local_times_client_and_organisation(staff_client, data):
    appointment = data["appointment"]
    html = staff_client.get(APPOINTMENTS).content.decode()
    start = timezone.localtime(appointment.start)
    assert f"{start:%d-%m-%Y}" in html and f"{start:%H:%M}–{start:%H}:45" in html
    assert "Maria Mieszkanka" in html and "Fundacja Testowa" in html
    assert "Ewa Doradczyni" in html


def test_the_admin_pages_read_a_fixed_number_of_queries(staff_client, data, room):
    counsellor = data["advisor"]
    training = data["training"]
    urls = [
        APPOINTMENTS,
        f"/admin/consultations/advisor/{counsellor.pk}/change/",
        "/admin/consultations/advisor/",
        TRAININGS,
        f"{TRAININGS}{training.pk}/change/",
        f"{TRAININGS}{training.pk}/uczestnicy/",
        REGISTRATIONS,
    ]
    before = [count_queries(staff_client, url) for url in urls]
    # Ten times more of everything.
    base = working_day(30)
    for n in range(10):
        AvailabilityRuleFactory(
            advisor=counsellor,
            weekday=4,
            starts=datetime.time(8 + n),
            ends=datetime.time(8 + n, 50),
            mode=Mode.IN_PERSON,
            room=room,
        )
        AvailabilityExceptionFactory(advisor=counsellor, date=base + datetime.timedelta(days=n))
        appointment = AppointmentFactory(
            advisor=AdvisorFactory(),
            organization=OrganizationFactory(),
            start=at(base, 10) + datetime.timedelta(days=n),
        )
        AppointmentChange.objects.create(appointment=appointment, action="booked")
        AppointmentChange.objects.create(appointment=data["appointment"], action="notes")
        TrainingFactory()
        register(training, 100 + n, organization=OrganizationFactory())
    after = [count_queries(staff_client, url) for url in urls]
    # (The date hierarchy may read one query less once the rows span several months.)
    assert all(a <= b for a, b in zip(after, before, strict=True)), (before, after)


# --- Advisors, their hours and photos --------------------------------------------------


def advisor_post(counsellor, *, rules=(), new_rules=(), exceptions=(), **fields):
    """The advisor's change form as the admin posts it: `rules` existing rows
    (AvailabilityRule objects, or (rule, changes)), `new_rules` dicts of new rows."""
    data = {
        "name": counsellor.name,
        "slug": counsellor.slug,
        "group": "",
        "topics": [t.pk for t in counsellor.topics.all()],
        "is_active": "on",
        "bio_pl": counsellor.bio_pl,
        "bio_en": counsellor.bio_en,
        "photo_alt": counsellor.photo_alt,
        "user": "",
        "exceptions-TOTAL_FORMS": str(len(exceptions)),
        "exceptions-INITIAL_FORMS": "0",
        "exceptions-MIN_NUM_FORMS": "0",
        "exceptions-MAX_NUM_FORMS": "1000",
        # The history inline (read-only; nothing in it is saved).
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
    }
    data.update(fields)
    rows = []
    for item in rules:
        rule, changes = item if isinstance(item, tuple) else (item, {})
        row = {
            "id": rule.pk,
            "advisor": counsellor.pk or "",
            "weekday": rule.weekday,
            "starts": f"{rule.starts:%H:%M}",
            "ends": f"{rule.ends:%H:%M}",
            "slot_minutes": rule.slot_minutes,
            "buffer_minutes": rule.buffer_minutes,
            "mode": rule.mode,
            "room": rule.room_id or "",
            "valid_from": rule.valid_from.isoformat(),
            "valid_until": rule.valid_until.isoformat() if rule.valid_until else "",
        }
        row.update(changes)
        rows.append(row)
    for new in new_rules:
        row = {
            "advisor": counsellor.pk or "",
            "weekday": "1",
            "starts": "10:00",
            "ends": "12:00",
            "slot_minutes": "45",
            "buffer_minutes": "15",
            "mode": Mode.PHONE,
            "room": "",
            "valid_from": "2020-01-01",
            "valid_until": "",
        }
        row.update(new)
        rows.append(row)
    data.update(
        {
            "rules-TOTAL_FORMS": str(len(rows)),
            "rules-INITIAL_FORMS": str(len(rules)),
            "rules-MIN_NUM_FORMS": "0",
            "rules-MAX_NUM_FORMS": "1000",
        }
    )
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"rules-{index}-{name}"] = value
    for index, row in enumerate(exceptions):
        for name, value in row.items():
            data[f"exceptions-{index}-{name}"] = value
    return data


def change_url(counsellor):
    return f"/admin/consultations/advisor/{counsellor.pk}/change/"


def rule_errors(response):
    (formset,) = [
        f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == "rules"
    ]
    return [form.errors for form in formset.forms]


def test_staff_add_an_advisors_weekly_hours(staff_client, counsellor, room):
    response = staff_client.post(
        change_url(counsellor),
        advisor_post(
            counsellor,
            new_rules=[
                {},
                {
                    "weekday": "3",
                    "mode": Mode.IN_PERSON,
                    "room": room.pk,
                    "starts": "14:00",
                    "ends": "15:30",
                },
            ],
        ),
    )
    assert response.status_code == 302, rule_errors(response)
    rules = counsellor.rules.order_by("weekday")
    assert [(r.weekday, r.starts, r.ends, r.mode, r.room) for r in rules] == [
        (1, datetime.time(10), datetime.time(12), Mode.PHONE, None),
        (3, datetime.time(14), datetime.time(15, 30), Mode.IN_PERSON, room),
    ]


def test_a_rule_ending_before_it_starts_is_an_error_on_its_row(staff_client, counsellor):
    response = staff_client.post(
        change_url(counsellor),
        advisor_post(counsellor, new_rules=[{"starts": "14:00", "ends": "12:00"}]),
    )
    assert response.status_code == 200
    (errors,) = rule_errors(response)
    assert "ends" in errors
    assert "errorlist" in response.content.decode()
    assert not AvailabilityRule.objects.exists()


def test_a_rule_overlapping_a_saved_rule_of_the_advisor_is_an_error_on_its_row(
    staff_client, counsellor
):
    saved = AvailabilityRuleFactory(
        advisor=counsellor, weekday=1, starts=datetime.time(9), ends=datetime.time(11)
    )
    other = AdvisorFactory()
    AvailabilityRuleFactory(
        advisor=other, weekday=1, starts=datetime.time(10), ends=datetime.time(12)
    )
    response = staff_client.post(
        change_url(counsellor),
        advisor_post(counsellor, rules=[saved], new_rules=[{"starts": "10:30", "ends": "12:00"}]),
    )
    assert response.status_code == 200
    errors = rule_errors(response)
    assert errors[0] == {}
    assert "starts" in errors[1]
    assert "09:00" in " ".join(errors[1]["starts"])  # names the rule it overlaps
    assert counsellor.rules.count() == 1


def test_two_new_rules_overlapping_each_other_are_an_error(staff_client, counsellor):
    response = staff_client.post(
        change_url(counsellor),
        advisor_post(counsellor, new_rules=[{}, {"starts": "11:00", "ends": "13:00"}]),
    )
    assert response.status_code == 200
    errors = rule_errors(response)
    assert errors[0] == {} and "starts" in errors[1]
    assert not AvailabilityRule.objects.exists()


def test_rules_of_different_weekdays_or_periods_do_not_overlap(staff_client, counsellor):
    saved = AvailabilityRuleFactory(
        advisor=counsellor,
        weekday=1,
        valid_from=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2020, 12, 31),
    )
    response = staff_client.post(
        change_url(counsellor),
        advisor_post(
            counsellor,
            rules=[saved],
            new_rules=[{"valid_from": "2021-01-01"}, {"weekday": "2"}],
        ),
    )
    assert response.status_code == 302, rule_errors(response)
    assert counsellor.rules.count() == 3


def test_a_rule_in_person_needs_its_room(staff_client, counsellor):
    response = staff_client.post(
        change_url(counsellor), advisor_post(counsellor, new_rules=[{"mode": Mode.IN_PERSON}])
    )
    (errors,) = rule_errors(response)
    assert "room" in errors


def test_moving_a_saved_rule_onto_another_is_refused(staff_client, counsellor):
    first = AvailabilityRuleFactory(advisor=counsellor, weekday=1)
    second = AvailabilityRuleFactory(advisor=counsellor, weekday=2)
    response = staff_client.post(
        change_url(counsellor),
        advisor_post(counsellor, rules=[first, (second, {"weekday": "1", "starts": "11:00"})]),
    )
    assert response.status_code == 200
    assert "starts" in rule_errors(response)[1]
    second.refresh_from_db()
    assert second.weekday == 2


def test_an_extra_hours_exception_needs_its_times_and_mode(staff_client, counsellor):
    row = {"advisor": counsellor.pk, "date": working_day().isoformat(), "kind": "extra"}
    row.update({"slot_minutes": "45", "buffer_minutes": "15", "note": ""})
    response = staff_client.post(change_url(counsellor), advisor_post(counsellor, exceptions=[row]))
    assert response.status_code == 200
    (formset,) = [
        f.formset
        for f in response.context["inline_admin_formsets"]
        if f.formset.prefix == "exceptions"
    ]
    assert {"starts", "mode"} <= set(formset.forms[0].errors)
    assert not AvailabilityException.objects.exists()


def test_two_new_exceptions_that_contradict_each_other_are_refused_together(
    staff_client, counsellor
):
    day = working_day().isoformat()
    base = {"advisor": counsellor.pk, "date": day, "slot_minutes": "45", "buffer_minutes": "15"}
    rows = [
        {**base, "kind": "extra", "starts": "10:00", "ends": "12:00", "mode": "phone", "note": ""},
        {**base, "kind": "extra", "starts": "11:00", "ends": "13:00", "mode": "phone", "note": ""},
    ]
    response = staff_client.post(change_url(counsellor), advisor_post(counsellor, exceptions=rows))
    assert response.status_code == 200
    (formset,) = [
        f.formset
        for f in response.context["inline_admin_formsets"]
        if f.formset.prefix == "exceptions"
    ]
    assert "starts" in formset.forms[1].errors
    assert not AvailabilityException.objects.exists()


def jpeg_with_exif():
    image = Image.new("RGB", (40, 30), "navy")
    exif = Image.Exif()
    exif[0x010F] = "Aparat szpiega"  # Make
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_an_advisors_photo_needs_its_alternative_text_and_is_re_encoded(staff_client, counsellor):
    data = advisor_post(counsellor)
    data["photo"] = SimpleUploadedFile("IMG_0001.jpg", jpeg_with_exif(), "image/jpeg")
    response = staff_client.post(change_url(counsellor), data)
    assert response.status_code == 200
    assert "photo_alt" in response.context["adminform"].form.errors
    data = advisor_post(counsellor, photo_alt="Ewa przy biurku")
    data["photo"] = SimpleUploadedFile("IMG_0001.jpg", jpeg_with_exif(), "image/jpeg")
    response = staff_client.post(change_url(counsellor), data)
    assert response.status_code == 302
    counsellor.refresh_from_db()
    assert counsellor.photo_alt == "Ewa przy biurku"
    with counsellor.photo.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert not image.getexif()


def test_a_file_that_is_not_an_image_is_refused_as_a_photo(staff_client, counsellor):
    data = advisor_post(counsellor, photo_alt="Zdjęcie")
    data["photo"] = SimpleUploadedFile("zdjecie.jpg", b"<script>alert(1)</script>", "image/jpeg")
    response = staff_client.post(change_url(counsellor), data)
    assert response.status_code == 200
    assert "photo" in response.context["adminform"].form.errors


def test_linking_an_account_makes_it_an_advisor(staff_client, counsellor, ngo_member):
    response = staff_client.post(
        change_url(counsellor), advisor_post(counsellor, user=ngo_member.pk)
    )
    assert response.status_code == 302
    counsellor.refresh_from_db()
    assert counsellor.user == ngo_member
    assert ngo_member.groups.filter(name="Advisors").exists()


def test_a_group_of_advisors_is_listed_with_its_size(staff_client):
    group = AdvisorGroupFactory(name_pl="Centrum Informacji Administracyjnej")
    AdvisorFactory(group=group)
    AdvisorFactory(group=group)
    response = staff_client.get("/admin/consultations/advisorgroup/")
    assert response.context["cl"].result_list[0].advisor_total == 2


# --- Settings: one row ------------------------------------------------------------------


def test_the_settings_are_one_row_edited_in_place(staff_client):
    row = ConsultationSettings.load()
    response = staff_client.get("/admin/consultations/consultationsettings/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/consultations/consultationsettings/{row.pk}/change/"
    assert staff_client.get("/admin/consultations/consultationsettings/add/").status_code == 403
    delete = f"/admin/consultations/consultationsettings/{row.pk}/delete/"
    assert staff_client.get(delete).status_code == 403
    response = staff_client.post(
        f"/admin/consultations/consultationsettings/{row.pk}/change/",
        {
            "booking_notice_hours": "48",
            "booking_horizon_days": "30",
            "hold_minutes": "20",
            "cancel_notice_hours": "4",
            "max_active_per_organization": "",
            # The history inline's (read-only) management form.
            "changes-TOTAL_FORMS": "0",
            "changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.booking_notice_hours, row.max_active_per_organization) == (48, None)
    assert ConsultationSettings.objects.count() == 1


# --- Appointments -----------------------------------------------------------------------


def test_appointments_are_not_added_or_deleted_in_the_admin(staff_client, data):
    assert staff_client.get(f"{APPOINTMENTS}add/").status_code == 403
    pk = data["appointment"].pk
    assert staff_client.get(f"{APPOINTMENTS}{pk}/delete/").status_code == 403
    html = staff_client.get(APPOINTMENTS).content.decode()
    assert 'value="delete_selected"' not in html
    for action in ("mark_attended", "mark_no_show", "cancel"):
        assert f'value="{action}"' in html


def test_marking_an_appointment_that_has_started_goes_through_the_service(
    staff_client, staff, counsellor
):
    came = AppointmentFactory(advisor=counsellor, start=hours_ago(3))
    missed = AppointmentFactory(advisor=counsellor, start=hours_ago(26))
    response = staff_client.post(
        APPOINTMENTS, {"action": "mark_attended", "_selected_action": [came.pk]}, follow=True
    )
    assert [level for level, _text in messages_of(response)] == [messages.SUCCESS]
    staff_client.post(APPOINTMENTS, {"action": "mark_no_show", "_selected_action": [missed.pk]})
    came.refresh_from_db()
    missed.refresh_from_db()
    assert came.status == Appointment.Status.ATTENDED
    assert missed.status == Appointment.Status.NO_SHOW
    assert AppointmentChange.objects.filter(appointment=came, user=staff).exists()


def test_marking_an_appointment_not_yet_started_warns_and_changes_nothing(staff_client, data):
    appointment = data["appointment"]  # next week
    response = staff_client.post(
        APPOINTMENTS,
        {"action": "mark_attended", "_selected_action": [appointment.pk]},
        follow=True,
    )
    ((level, text),) = messages_of(response)
    assert level == messages.WARNING and text.startswith(str(appointment))
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED


def test_cancelling_asks_for_a_reason_and_e_mails_it_to_the_client(
    staff_client, data, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = data["appointment"]
    asked = staff_client.post(
        APPOINTMENTS, {"action": "cancel", "_selected_action": [appointment.pk]}
    )
    html = asked.content.decode()
    assert 'name="reason"' in html and 'for="id_reason"' in html and str(appointment) in html
    empty = staff_client.post(
        APPOINTMENTS, {"action": "cancel", "_selected_action": [appointment.pk], "confirm": "1"}
    )
    assert 'aria-invalid="true"' in empty.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            APPOINTMENTS,
            {
                "action": "cancel",
                "_selected_action": [appointment.pk],
                "confirm": "1",
                "reason": "Doradczyni jest chora.",
            },
            follow=True,
        )
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert not appointment.cancelled_by_client
    assert [level for level, _text in messages_of(response)] == [messages.SUCCESS]
    to_client = [m for m in mailoutbox if m.to == [appointment.client_email]]
    assert to_client and "Doradczyni jest chora." in to_client[0].body


def test_staff_keep_private_notes_and_nothing_else_changes(staff_client, staff, data):
    appointment = data["appointment"]
    url = f"{APPOINTMENTS}{appointment.pk}/change/"
    form = staff_client.get(url).context["adminform"].form
    assert list(form.fields) == ["private_notes"]
    response = staff_client.post(
        url,
        {
            "private_notes": "Klient potrzebuje wzoru umowy.",
            "client_name": "Ktoś Inny",
            "status": "attended",
            "changes-TOTAL_FORMS": "1",
            "changes-INITIAL_FORMS": "1",
            "changes-MIN_NUM_FORMS": "0",
            "changes-MAX_NUM_FORMS": "1000",
            "changes-0-id": appointment.changes.get().pk,
            "changes-0-appointment": appointment.pk,
        },
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.private_notes == "Klient potrzebuje wzoru umowy."
    assert appointment.client_name == "Maria Mieszkanka"
    assert appointment.status == Appointment.Status.CONFIRMED
    assert appointment.changes.filter(action="notes", user=staff).exists()


def test_the_history_of_an_appointment_is_shown_read_only(staff_client, data):
    appointment = data["appointment"]
    html = staff_client.get(f"{APPOINTMENTS}{appointment.pk}/change/").content.decode()
    assert "z formularza" in html
    assert 'name="changes-0-note"' not in html


def test_the_history_says_in_words_what_the_services_wrote_as_codes(staff_client, data):
    """The staff read the admin in Polish: no English codes in the history."""
    appointment = data["appointment"]
    for action, note in [
        ("marked", "confirmed → no_show"),
        ("rescheduled", "Przeniesiona."),
        ("notes", ""),
    ]:
        AppointmentChange.objects.create(appointment=appointment, action=action, note=note)

    cells = history_cells(staff_client, f"{APPOINTMENTS}{appointment.pk}/change/")

    assert "potwierdzona → klient nie przyszedł" in cells  # the statuses' labels
    assert "Przeniesiona." in cells  # a note in words stays as written
    for code in ["marked", "rescheduled", "notes", "booked", "confirmed → no_show"]:
        assert code not in cells


# --- Trainings ----------------------------------------------------------------------------


def session_in(room, day=None, start_hour=10, end_hour=14):
    day = day or working_day()
    return (at(day, start_hour), at(day, end_hour), room)


def test_publishing_books_the_rooms_of_the_sessions(staff_client, room):
    training = TrainingFactory(
        status=Training.Status.DRAFT, is_online=False, sessions=[session_in(room)]
    )
    response = staff_client.post(
        TRAININGS, {"action": "publish", "_selected_action": [training.pk]}, follow=True
    )
    assert [level for level, _text in messages_of(response)] == [messages.SUCCESS]
    training.refresh_from_db()
    assert training.status == Training.Status.PUBLISHED
    session = training.sessions.get()
    assert session.room_booking and session.room_booking.resource == room
    assert session.room_booking.status == Booking.Status.CONFIRMED


def test_a_room_conflict_is_shown_as_a_warning_naming_it_and_nothing_is_published(
    staff_client, room
):
    day = working_day()
    BookingFactory(
        resource=room,
        organization=OrganizationFactory(name="Klub Szachowy"),
        title="Turniej szachowy",
        start=at(day, 11),
        end=at(day, 13),
    )
    training = TrainingFactory(
        status=Training.Status.DRAFT, is_online=False, sessions=[session_in(room, day)]
    )
    response = staff_client.post(
        TRAININGS, {"action": "publish", "_selected_action": [training.pk]}, follow=True
    )
    ((level, text),) = messages_of(response)
    assert level == messages.WARNING
    assert text.startswith(str(training)) and "Sala konsultacji" in text
    assert "Turniej szachowy" in text
    training.refresh_from_db()
    assert training.status == Training.Status.DRAFT
    assert training.sessions.get().room_booking is None


def test_the_sessions_of_a_published_training_are_read_only(staff_client, room):
    draft = TrainingFactory(status=Training.Status.DRAFT, sessions=[session_in(room)])
    html = staff_client.get(f"{TRAININGS}{draft.pk}/change/").content.decode()
    assert 'name="sessions-0-start_0"' in html
    published = TrainingFactory(sessions=[session_in(None)])
    html = staff_client.get(f"{TRAININGS}{published.pk}/change/").content.decode()
    assert 'name="sessions-0-start_0"' not in html


def test_cancelling_a_training_asks_for_a_reason_and_e_mails_the_registered(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    training = TrainingFactory()
    register(training, 1)
    register(training, 2, status=Registration.Status.WAITING)
    asked = staff_client.post(TRAININGS, {"action": "cancel", "_selected_action": [training.pk]})
    assert 'name="reason"' in asked.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            TRAININGS,
            {
                "action": "cancel",
                "_selected_action": [training.pk],
                "confirm": "1",
                "reason": "Trenerka zachorowała.",
            },
        )
    training.refresh_from_db()
    assert training.status == Training.Status.CANCELLED
    assert training.cancellation_reason == "Trenerka zachorowała."
    assert set(training.registrations.values_list("status", flat=True)) == {"cancelled"}
    recipients = sorted(m.to[0] for m in mailoutbox)
    assert recipients == ["uczestnik1@example.net", "uczestnik2@example.net"]
    assert all("Trenerka zachorowała." in m.body for m in mailoutbox)


def test_a_material_is_checked_like_every_document(staff_client):
    training = TrainingFactory()
    url = f"{TRAININGS}{training.pk}/change/"
    form = staff_client.get(url).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(
        {
            "registration_deadline_0": f"{training.registration_deadline:%Y-%m-%d}",
            "registration_deadline_1": "10:00",
            "capacity": "10",
            "sessions-TOTAL_FORMS": "0",
            "sessions-INITIAL_FORMS": "0",
            "materials-TOTAL_FORMS": "1",
            "materials-INITIAL_FORMS": "0",
            "materials-0-title": "Prezentacja",
            "materials-0-file": SimpleUploadedFile("prezentacja.pdf", b"not a pdf at all"),
            # The history inline's (read-only) management form.
            "changes-TOTAL_FORMS": "0",
            "changes-INITIAL_FORMS": "0",
        }
    )
    data.pop("registration_deadline", None)
    data["is_online"] = "on"
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert not TrainingMaterial.objects.exists()
    data["materials-0-file"] = SimpleUploadedFile("prezentacja.pdf", MINIMAL_PDF)
    response = staff_client.post(url, data)
    assert response.status_code == 302
    material = TrainingMaterial.objects.get()
    assert material.file_size == len(MINIMAL_PDF)


# --- Registrations --------------------------------------------------------------------------


def started_training():
    start = hours_ago(3)
    return TrainingFactory(sessions=[(start, start + datetime.timedelta(hours=2))])


def test_staff_mark_attendance_of_a_started_training(staff_client):
    training = started_training()
    came, missed = register(training, 1), register(training, 2)
    response = staff_client.post(
        REGISTRATIONS, {"action": "mark_attended", "_selected_action": [came.pk]}, follow=True
    )
    assert [level for level, _text in messages_of(response)] == [messages.SUCCESS]
    staff_client.post(
        REGISTRATIONS, {"action": "mark_not_attended", "_selected_action": [missed.pk]}
    )
    came.refresh_from_db()
    missed.refresh_from_db()
    assert (came.attended, missed.attended) == (True, False)


def test_attendance_before_the_training_warns(staff_client, data):
    registration = data["training"].registrations.get(status="registered")
    response = staff_client.post(
        REGISTRATIONS,
        {"action": "mark_attended", "_selected_action": [registration.pk]},
        follow=True,
    )
    ((level, _text),) = messages_of(response)
    assert level == messages.WARNING
    registration.refresh_from_db()
    assert registration.attended is None


def test_cancelling_a_registration_gives_the_seat_to_the_first_waiting(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    training = TrainingFactory(capacity=1)
    seated = register(training, 1)
    waiting = register(training, 2, status=Registration.Status.WAITING)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(REGISTRATIONS, {"action": "cancel", "_selected_action": [seated.pk]})
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert seated.status == Registration.Status.CANCELLED
    assert waiting.status == Registration.Status.REGISTERED
    assert {m.to[0] for m in mailoutbox} == {seated.email, waiting.email}


def test_registrations_are_not_added_or_deleted_in_the_admin(staff_client, data):
    registration = data["training"].registrations.first()
    assert staff_client.get(f"{REGISTRATIONS}add/").status_code == 403
    assert staff_client.get(f"{REGISTRATIONS}{registration.pk}/delete/").status_code == 403


# --- Attendee list ---------------------------------------------------------------------------


@pytest.fixture
def attendees():
    training = TrainingFactory(title_pl="Księgowość w NGO", capacity=2)
    organization = OrganizationFactory(name="Stowarzyszenie Łąka")
    register(training, 1, name="Zofia Żak", organization=organization, attended=True)
    register(training, 2, name='=HYPERLINK("http://x.example","klik")')
    register(training, 3, name="Olga Czekająca", status=Registration.Status.WAITING)
    register(training, 4, name="Adam Rezygnujący", status=Registration.Status.CANCELLED)
    return training


def attendees_url(training, query=""):
    return f"{TRAININGS}{training.pk}/uczestnicy/{query}"


def test_the_attendee_list_shows_who_is_registered_waiting_and_cancelled(staff_client, attendees):
    response = staff_client.get(attendees_url(attendees))
    html = response.content.decode()
    for table in ("registered", "waiting", "cancelled"):
        assert f'id="attendees-{table}"' in html
    assert "Zofia Żak" in html and "uczestnik1@example.net" in html
    assert "Stowarzyszenie Łąka" in html and "Olga Czekająca" in html
    assert "=HYPERLINK(&quot;" in html  # escaped, as text
    assert "?format=csv" in html and "?format=xlsx" in html and "?format=print" in html
    assert f"training__id__exact={attendees.pk}" in html  # to mark attendance


def test_the_print_version_is_a_sign_in_sheet_without_e_mail_addresses(staff_client, attendees):
    html = staff_client.get(attendees_url(attendees, "?format=print")).content.decode()
    assert html.startswith("<!DOCTYPE html>")
    assert "Zofia Żak" in html and "Olga Czekająca" in html
    assert "Adam Rezygnujący" not in html
    assert "@example.net" not in html
    assert 'id="content-main"' not in html  # no admin navigation around it


def test_the_attendee_list_downloads_as_csv(staff_client, attendees):
    response = staff_client.get(attendees_url(attendees, "?format=csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="uczestnicy-' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert len(rows[0]) == 7
    names = [row[1] for row in rows[1:]]
    assert names == [
        "Zofia Żak",
        '\'=HYPERLINK("http://x.example","klik")',
        "Olga Czekająca",
        "Adam Rezygnujący",
    ]
    assert rows[1][2:4] == ["uczestnik1@example.net", "Stowarzyszenie Łąka"]
    assert rows[1][5] in ("tak", "yes") and rows[2][5] == ""


def test_the_attendee_list_downloads_as_xlsx(staff_client, attendees):
    response = staff_client.get(attendees_url(attendees, "?format=xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Księgowość w NGO"
    assert sheet["B5"].value == "Zofia Żak" and sheet["C5"].value == "uczestnik1@example.net"
    assert sheet["B6"].value == '=HYPERLINK("http://x.example","klik")'
    assert sheet["B6"].data_type == "s"  # text, not a formula
    assert sheet.max_row == 8


def test_the_attendee_list_is_for_staff_only(client, ngo_member, attendees):
    client.force_login(ngo_member)
    response = client.get(attendees_url(attendees, "?format=csv"))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_an_unknown_training_has_no_attendee_list(staff_client):
    assert staff_client.get(f"{TRAININGS}999999/uczestnicy/").status_code == 404


def test_topics_are_editable_initial_data(staff_client):
    response = staff_client.get("/admin/consultations/topic/")
    assert response.context["cl"].result_count >= 12
    assert TopicFactory(slug="statuty").name_pl in response.content.decode()
    assert Advisor.objects.count() == 0


def test_only_a_draft_nobody_registered_for_may_be_deleted(staff_client):
    draft = TrainingFactory(status=Training.Status.DRAFT)
    published = TrainingFactory()
    registered = TrainingFactory(status=Training.Status.DRAFT)
    register(registered, 1)
    assert staff_client.get(f"{TRAININGS}{published.pk}/delete/").status_code == 403
    assert staff_client.get(f"{TRAININGS}{registered.pk}/delete/").status_code == 403
    assert 'value="delete_selected"' not in staff_client.get(TRAININGS).content.decode()
    response = staff_client.post(f"{TRAININGS}{draft.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Training.objects.filter(pk=draft.pk).exists()


def local_at(day, hour):
    return local(day.year, day.month, day.day, hour)


def test_a_room_held_for_a_training_is_not_cancelled_from_the_bookings_list(
    staff_client, django_capture_on_commit_callbacks
):
    """Cancelling the booking would leave the training without its room while it
    still says it takes place there: staff are told to cancel the training."""
    room = ResourceFactory(name_pl="Sala konferencyjna", capacity=12)
    day = working_day()
    booking = BookingFactory(
        resource=room, organization=None, start=local_at(day, 10), end=local_at(day, 12)
    )
    training = TrainingFactory(sessions=[], title_pl="Warsztat budżetowy")
    TrainingSession.objects.create(
        training=training, start=booking.start, end=booking.end, room=room, room_booking=booking
    )
    response = staff_client.post(
        "/admin/rooms/booking/",
        {"action": "cancel", "_selected_action": [booking.pk], "confirm": "1", "reason": "x"},
        follow=True,
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    ((level, text),) = [(m.level, m.message) for m in response.context["messages"]]
    assert level == messages.WARNING
    assert "Warsztat budżetowy" in text and "Anuluj tamto wydarzenie" in text
