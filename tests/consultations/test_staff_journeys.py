"""The centre staff's work on trainings, registrations, appointments and advisors as
production runs it: outside a test transaction (on PostgreSQL in CI), logged in as a
member of "Centre staff" (not a superuser), submitting the admin's forms as they are
rendered and clicking its actions, then checking the database, the rooms held or
freed and the e-mails sent (on-commit callbacks run for real here)."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from consultations.models import (
    Advisor,
    Appointment,
    AppointmentChange,
    AvailabilityRule,
    Registration,
    Training,
    TrainingSession,
)
from cwop_portal.dates import at, local_zone
from rooms.models import Booking
from tests.dates import free_tuesday
from tests.forms import admin_save, page_errors, post_form

pytestmark = pytest.mark.django_db(transaction=True)


def act(client, model, action, objects, **extra):
    """Tick `objects` in the admin's list and run `action` on them."""
    return client.post(
        reverse(f"admin:consultations_{model}_changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects], **extra},
        follow=True,
    )


def shown_messages(response):
    return [str(message) for message in response.context["messages"]]


def session_fields(index, day, starts, ends, room):
    prefix = f"sessions-{index}-"
    return {
        f"{prefix}start_0": day.isoformat(),
        f"{prefix}start_1": starts,
        f"{prefix}end_0": day.isoformat(),
        f"{prefix}end_1": ends,
        f"{prefix}room": str(room.pk) if room else "",
    }


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def local_day(moment):
    return timezone.localtime(moment, local_zone()).date()


# --- Trainings ------------------------------------------------------------------------


@pytest.mark.write_path(
    "admin:consultations_training_add",
    "admin:consultations_training_change",
    "admin:consultations_training_changelist:publish",
)
def test_staff_draft_a_training_move_a_session_off_a_taken_room_and_publish_it(
    staff_client, staff, world, mailoutbox
):
    mailoutbox.clear()
    taken = world.booking  # the organisation's board meeting, 10:00–12:00
    taken_day = local_day(taken.start)
    day = free_tuesday(taken_day)
    deadline = day - datetime.timedelta(days=2)
    response = admin_save(
        staff_client,
        reverse("admin:consultations_training_add"),
        title_pl="Księgowość małej organizacji",
        slug="ksiegowosc-malej-organizacji",
        description_pl="Sprawozdanie finansowe krok po kroku.",
        trainer="Barbara Księgowa",
        capacity="12",
        registration_deadline_0=deadline.isoformat(),
        registration_deadline_1="12:00",
        **{
            "sessions-TOTAL_FORMS": "2",
            **session_fields(0, day, "10:00", "13:00", world.resource),
            # The second meeting clashes with the board meeting in the same room.
            **session_fields(1, taken_day, "11:00", "14:00", world.resource),
        },
    )
    assert response.status_code == 302, page_errors(response)
    training = Training.objects.get(slug="ksiegowosc-malej-organizacji")
    assert training.status == Training.Status.DRAFT
    assert training.sessions.count() == 2
    assert not training.sessions.filter(room_booking__isnull=False).exists()
    rooms_before = Booking.objects.count()

    # Publishing books every room or none: the clash leaves it a draft, nothing held.
    response = act(staff_client, "training", "publish", [training])
    assert response.status_code == 200
    assert any("Zebranie zarządu" in message for message in shown_messages(response))
    training.refresh_from_db()
    assert training.status == Training.Status.DRAFT
    assert Booking.objects.count() == rooms_before
    assert not training.sessions.filter(room_booking__isnull=False).exists()

    # The clashing meeting is moved to the afternoon, the title given in English.
    url = reverse("admin:consultations_training_change", args=[training.pk])
    response = staff_client.get(url)
    data = post_form(response, form_id="training_form").data(title_en="Small NGO accounting")
    clash = training.sessions.get(start=at(taken_day, datetime.time(11)))
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.endswith("-id") and value == [str(clash.pk)]
    )
    data[f"sessions-{index}-start_1"] = ["13:00"]
    data[f"sessions-{index}-end_1"] = ["15:00"]
    data["_save"] = ["Zapisz"]
    response = staff_client.post(url, data)
    assert response.status_code == 302, page_errors(response)
    training.refresh_from_db()
    clash.refresh_from_db()
    assert training.title_en == "Small NGO accounting"
    assert training.status == Training.Status.DRAFT
    assert clash.start == at(taken_day, datetime.time(13))

    response = act(staff_client, "training", "publish", [training])
    assert "Opublikowano 1 szkolenie." in shown_messages(response)
    training.refresh_from_db()
    assert training.status == Training.Status.PUBLISHED
    sessions = list(training.sessions.select_related("room_booking").order_by("start"))
    assert all(session.room_booking is not None for session in sessions)
    for session in sessions:
        booking = session.room_booking
        assert (booking.resource, booking.organization, booking.status) == (
            world.resource,
            None,  # the centre's own use
            Booking.Status.CONFIRMED,
        )
        assert (booking.start, booking.end) == (session.start, session.end)
        assert booking.changes.filter(action="created").exists()
    assert Booking.objects.count() == rooms_before + 2
    assert mailoutbox == []  # nobody registered yet; the centre's own bookings mail nobody

    # Published: its meetings are fixed (their rooms are booked), the page still saves.
    response = admin_save(staff_client, url, trainer="Barbara Księgowa-Nowak")
    assert response.status_code == 302, page_errors(response)
    training.refresh_from_db()
    assert training.trainer == "Barbara Księgowa-Nowak"
    assert training.status == Training.Status.PUBLISHED
    assert training.sessions.filter(room_booking__status=Booking.Status.CONFIRMED).count() == 2


@pytest.mark.write_path("admin:consultations_training_delete")
def test_a_draft_nobody_registered_for_is_deleted_a_published_training_is_not(staff_client, world):
    day = free_tuesday(local_day(world.booking.start))
    draft = Training.objects.create(
        title_pl="Szkic do usunięcia",
        slug="szkic-do-usuniecia",
        description_pl="Nieaktualne.",
        trainer="Ktoś",
        capacity=5,
        registration_deadline=at(day, datetime.time(9)),
    )
    TrainingSession.objects.create(
        training=draft,
        start=at(day, datetime.time(10)),
        end=at(day, datetime.time(12)),
        room=world.resource,
    )
    response = staff_client.post(
        reverse("admin:consultations_training_delete", args=[draft.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Training.objects.filter(pk=draft.pk).exists()
    assert not TrainingSession.objects.filter(training_id=draft.pk).exists()

    published = world.training  # people registered, its room booked
    response = staff_client.post(
        reverse("admin:consultations_training_delete", args=[published.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Training.objects.filter(pk=published.pk, status=Training.Status.PUBLISHED).exists()
    assert published.registrations.count() == 3


# --- Registrations --------------------------------------------------------------------


@pytest.mark.write_path(
    "admin:consultations_registration_changelist:cancel",
    "admin:consultations_registration_change",
)
def test_staff_cancel_a_registration_and_the_first_person_waiting_gets_the_seat(
    staff_client, world, mailoutbox
):
    mailoutbox.clear()
    training = world.training  # one seat: Anna has it, Jan waits, Maria has not confirmed
    anna = training.registrations.get(status=Registration.Status.REGISTERED)
    jan = world.waiting_registration

    # A typo in the name is corrected on the registration's page.
    response = admin_save(
        staff_client,
        reverse("admin:consultations_registration_change", args=[jan.pk]),
        name="Jan Zapaśny",
    )
    assert response.status_code == 302, page_errors(response)
    jan.refresh_from_db()
    assert (jan.name, jan.status) == ("Jan Zapaśny", Registration.Status.WAITING)

    response = act(staff_client, "registration", "cancel", [anna])
    assert response.status_code == 200
    anna.refresh_from_db()
    jan.refresh_from_db()
    assert anna.status == Registration.Status.CANCELLED and anna.cancelled_at is not None
    assert jan.status == Registration.Status.REGISTERED and jan.promoted_at is not None
    assert training.registrations.filter(status=Registration.Status.REGISTERED).count() == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted([anna.email, jan.email])

    # Cancelling again changes nothing and says why.
    mailoutbox.clear()
    response = act(staff_client, "registration", "cancel", [anna])
    assert any("już anulowane" in message for message in shown_messages(response))
    assert mailoutbox == []
    jan.refresh_from_db()
    assert jan.status == Registration.Status.REGISTERED


@pytest.mark.write_path(
    "admin:consultations_registration_changelist:mark_attended",
    "admin:consultations_registration_changelist:mark_not_attended",
)
def test_staff_mark_who_came_to_a_training_that_took_place(staff_client, world):
    past = world.past_training
    came, missed = (
        Registration.objects.create(
            training=past,
            name=name,
            email=email,
            status=Registration.Status.REGISTERED,
            confirmed_at=timezone.now(),
        )
        for name, email in [
            ("Ewa Obecna", "ewa.obecna@example.org"),
            ("Olga Nieobecna", "olga@example.org"),
        ]
    )
    act(staff_client, "registration", "mark_attended", [came, missed])
    act(staff_client, "registration", "mark_not_attended", [missed])
    assert Registration.objects.get(pk=came.pk).attended is True
    assert Registration.objects.get(pk=missed.pk).attended is False

    # A training that has not started yet: nobody can have come, nothing is marked.
    upcoming = world.training.registrations.get(status=Registration.Status.REGISTERED)
    response = act(staff_client, "registration", "mark_attended", [upcoming])
    assert any("jeszcze się nie rozpoczęło" in m for m in shown_messages(response))
    assert Registration.objects.get(pk=upcoming.pk).attended is None


# --- Appointments ---------------------------------------------------------------------


@pytest.mark.write_path(
    "admin:consultations_appointment_change",
    "admin:consultations_appointment_changelist:mark_attended",
    "admin:consultations_appointment_changelist:mark_no_show",
)
def test_staff_keep_notes_and_mark_an_appointment_with_its_history(
    staff_client, staff, world, mailoutbox
):
    mailoutbox.clear()
    appointment = world.appointment  # confirmed, started half an hour ago
    url = reverse("admin:consultations_appointment_change", args=[appointment.pk])
    response = admin_save(
        staff_client, url, private_notes="Przynieść statut na następne spotkanie."
    )
    assert response.status_code == 302, page_errors(response)
    appointment.refresh_from_db()
    assert appointment.private_notes == "Przynieść statut na następne spotkanie."
    assert appointment.status == Appointment.Status.CONFIRMED

    act(staff_client, "appointment", "mark_attended", [appointment])
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.ATTENDED
    # A mistake put right: the client did not come after all.
    act(staff_client, "appointment", "mark_no_show", [appointment])
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.NO_SHOW
    history = list(
        AppointmentChange.objects.filter(appointment=appointment, user=staff)
        .order_by("pk")
        .values_list("action", "note")
    )
    assert history == [
        ("notes", ""),
        ("marked", "confirmed → attended"),
        ("marked", "attended → no_show"),
    ]
    assert mailoutbox == []

    # An appointment still to come cannot be marked.
    later = Appointment.objects.create(
        advisor=world.advisor,
        topic=world.topic,
        start=world.booking.start,
        end=world.booking.start + datetime.timedelta(minutes=45),
        mode="phone",
        status=Appointment.Status.CONFIRMED,
        client_name="Maria Mieszkanka",
        client_email="maria@example.net",
        question="Statut",
    )
    response = act(staff_client, "appointment", "mark_no_show", [later])
    assert any("dopiero po jej rozpoczęciu" in m for m in shown_messages(response))
    later.refresh_from_db()
    assert later.status == Appointment.Status.CONFIRMED


# --- Advisors -------------------------------------------------------------------------


@pytest.mark.write_path(
    "admin:consultations_advisor_delete",
    "admin:consultations_advisor_changelist:delete_selected",
)
def test_advisors_without_appointments_are_deleted_with_their_hours_others_are_kept(
    staff_client, world
):
    student = Advisor.objects.get(slug="student-prawa")
    AvailabilityRule.objects.create(
        advisor=student, weekday=3, starts=datetime.time(9), ends=datetime.time(11), mode="phone"
    )
    student.photo_alt = "Student w bibliotece"
    student.photo.save("student.png", ContentFile(png()), save=True)
    photo = Path(student.photo.path)
    assert photo.exists()
    response = staff_client.post(
        reverse("admin:consultations_advisor_delete", args=[student.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Advisor.objects.filter(pk=student.pk).exists()
    assert not AvailabilityRule.objects.filter(advisor_id=student.pk).exists()
    assert not photo.exists()  # a person's photo is not left on the public media path

    # The advisor with appointments is kept (their history refers to them).
    spare = Advisor.objects.create(name="Doradca Zapasowy", slug="doradca-zapasowy")
    response = staff_client.post(
        reverse("admin:consultations_advisor_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [spare.pk, world.advisor.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 200  # the confirmation page lists what protects it
    assert Advisor.objects.filter(pk=world.advisor.pk).exists()
    assert Advisor.objects.filter(pk=spare.pk).exists()
    response = staff_client.post(
        reverse("admin:consultations_advisor_changelist"),
        {"action": "delete_selected", "_selected_action": [spare.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Advisor.objects.filter(pk=spare.pk).exists()
    assert world.advisor.appointments.count() == 1


@pytest.mark.write_path("admin:consultations_training_changelist:publish")
def test_a_training_dated_in_a_mistyped_year_is_not_published_and_says_why(staff_client, world):
    """Its room cannot be booked so far ahead: the training stays a draft, with the
    reason shown (the rooms' day-by-day check used to run off the calendar: a 500)."""
    training = Training.objects.create(
        title_pl="Szkolenie z literówką w roku",
        slug="literowka-w-roku",
        description_pl="Rok 9999 zamiast 2029.",
        trainer="Ktoś",
        capacity=5,
        registration_deadline=at(datetime.date(9999, 12, 20), datetime.time(12)),
    )
    TrainingSession.objects.create(
        training=training,
        start=at(datetime.date(9999, 12, 28), datetime.time(10)),
        end=at(datetime.date(9999, 12, 28), datetime.time(12)),
        room=world.resource,
    )
    rooms_before = Booking.objects.count()
    response = act(staff_client, "training", "publish", [training])
    assert response.status_code == 200
    assert any("2000–2100" in message for message in shown_messages(response))
    training.refresh_from_db()
    assert training.status == Training.Status.DRAFT
    assert Booking.objects.count() == rooms_before
