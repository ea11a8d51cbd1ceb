"""More seats for a training: staff raise its capacity in the admin and the people
on its waiting list get the new seats at once, the first waiting first, each with
the e-mail a freed seat sends (`training_services.training_capacity_change`, the
training's row locked as for a registration). Fewer seats than people registered
are refused on the field. Cancelling a training releases its room for the centre's
own use (history, no e-mail to the staff member who published it).

Outside a test transaction (on PostgreSQL in CI): the admin's save, its lock and
its on-commit e-mails run as in production.
"""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from consultations.models import Registration, Training, TrainingSession
from consultations.services import trainings as services
from rooms.models import Booking
from tests.concurrency import run_together
from tests.consultations.test_trainings import NOW, TrainingRoomFactory, WorkshopFactory, tue
from tests.forms import page_errors, post_form
from tests.organizations.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages and letters in English, the source language of the texts."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def letters_to(address):
    return [message for message in mail.outbox if address in message.to]


def people(training, status):
    return list(
        Registration.objects.filter(training=training, status=status)
        .order_by("created_at", "pk")
        .values_list("name", flat=True)
    )


def full_training_with_a_queue(capacity=2, waiting=3):
    """A published training with every seat taken and `waiting` people waiting,
    the first of them waiting longest, and one resident not confirmed yet."""
    training = WorkshopFactory(capacity=capacity)
    day = datetime.timedelta(days=1)
    for n in range(capacity):
        Registration.objects.create(
            training=training,
            name=f"Zapisana {n}",
            email=f"seat{n}@example.org",
            status=Registration.Status.REGISTERED,
            created_at=NOW - 10 * day,
        )
    for n in range(waiting):
        Registration.objects.create(
            training=training,
            name=f"Czeka {n}",
            email=f"wait{n}@example.org",
            status=Registration.Status.WAITING,
            created_at=NOW - (5 - n) * day,
            language="en",
        )
    Registration.objects.create(
        training=training,
        name="Maria Niepotwierdzona",
        email="maria@example.org",
        status=Registration.Status.UNCONFIRMED,
        created_at=NOW - 20 * day,
    )
    return training


# --- The service ------------------------------------------------------------------------


def test_new_seats_go_to_the_first_people_waiting_who_are_emailed(staff):
    training = full_training_with_a_queue(capacity=2, waiting=3)

    services.training_capacity_change(training=training, capacity=4, user=staff, now=NOW)

    training.refresh_from_db()
    assert training.capacity == 4
    assert people(training, Registration.Status.REGISTERED) == [
        "Zapisana 0",
        "Zapisana 1",
        "Czeka 0",
        "Czeka 1",
    ]
    assert people(training, Registration.Status.WAITING) == ["Czeka 2"]
    assert people(training, Registration.Status.UNCONFIRMED) == ["Maria Niepotwierdzona"]
    promoted = Registration.objects.get(name="Czeka 0")
    assert promoted.promoted_at == NOW
    for address in ("wait0@example.org", "wait1@example.org"):
        (letter,) = letters_to(address)
        assert "a seat has freed up and it is yours" in letter.body
    assert letters_to("wait2@example.org") == []
    assert letters_to("seat0@example.org") == []


def test_fewer_seats_than_people_registered_are_refused_on_the_field(staff):
    training = full_training_with_a_queue(capacity=3, waiting=1)
    with pytest.raises(ValidationError) as caught:
        services.training_capacity_change(training=training, capacity=2, user=staff, now=NOW)
    assert "Seats taken: 3" in caught.value.message_dict["capacity"][0]
    training.refresh_from_db()
    assert training.capacity == 3
    assert people(training, Registration.Status.WAITING) == ["Czeka 0"]


def test_fewer_seats_down_to_the_people_registered_are_saved(staff):
    training = WorkshopFactory(capacity=5)
    Registration.objects.create(
        training=training,
        name="Jedyna",
        email="one@example.org",
        status=Registration.Status.REGISTERED,
    )
    services.training_capacity_change(training=training, capacity=1, user=staff, now=NOW)
    training.refresh_from_db()
    assert training.capacity == 1


@pytest.mark.parametrize(
    "status, now",
    [
        (Training.Status.CANCELLED, NOW),
        (Training.Status.DRAFT, NOW),
        # The training has begun: a place on the waiting list is no longer a seat
        # (as when someone cancels after the start).
        (Training.Status.PUBLISHED, tue(11)),
    ],
)
def test_new_seats_of_a_training_not_open_promote_nobody(staff, status, now):
    training = full_training_with_a_queue(capacity=1, waiting=1)
    Training.objects.filter(pk=training.pk).update(
        status=status, cancellation_reason="Choroba." if status == "cancelled" else ""
    )
    mail.outbox.clear()
    services.training_capacity_change(training=training, capacity=3, user=staff, now=now)
    training.refresh_from_db()
    assert training.capacity == 3
    assert people(training, Registration.Status.WAITING) == ["Czeka 0"]
    assert mail.outbox == []


def test_raising_the_seats_while_people_register_never_oversells(threads_share_a_database, staff):
    training = full_training_with_a_queue(capacity=2, waiting=2)
    organization = OrganizationFactory()
    calls = [
        lambda: services.training_capacity_change(
            training=training, capacity=5, user=staff, now=NOW
        )
    ]
    for n in range(5):
        member = MemberFactory(organization=organization)
        calls.append(
            lambda n=n, member=member: services.registration_create(
                training=training,
                name=f"Nowa {n}",
                email=f"new{n}@example.org",
                user=member,
                organization=organization,
                now=NOW,
            )
        )

    outcomes = run_together(calls)

    assert [repr(exc) for _result, exc in outcomes if exc] == []
    registered = set(people(training, Registration.Status.REGISTERED))
    assert len(registered) == 5
    assert len(people(training, Registration.Status.WAITING)) == 4
    # Those waiting before the seats were added come first, whatever the order.
    assert {"Zapisana 0", "Zapisana 1", "Czeka 0", "Czeka 1"} <= registered


# --- The admin --------------------------------------------------------------------------


def change_form(client, training):
    url = reverse("admin:consultations_training_change", args=[training.pk])
    response = client.get(url)
    assert response.status_code == 200
    return url, post_form(response)


@pytest.mark.write_path("admin:consultations_training_change")
def test_staff_raise_the_seats_in_the_admin_and_the_person_waiting_gets_one(staff_client, world):
    training = world.training  # one seat, taken; Jan waits; Maria has not confirmed
    url, form = change_form(staff_client, training)
    mail.outbox.clear()

    response = staff_client.post(url, form.data(capacity="3"), follow=True)

    assert response.status_code == 200, page_errors(response)
    assert "1 person from the waiting list got a seat." in [
        str(message) for message in response.context["messages"]
    ]
    training.refresh_from_db()
    assert training.capacity == 3
    assert training.status == Training.Status.PUBLISHED
    jan = world.waiting_registration
    jan.refresh_from_db()
    assert jan.status == Registration.Status.REGISTERED
    assert jan.promoted_at is not None
    (letter,) = letters_to("jan.zapasowy@example.org")  # registered on the Polish pages
    assert letter.subject == f"Masz miejsce: {training.title_pl}"
    world.unconfirmed_registration.refresh_from_db()
    assert world.unconfirmed_registration.status == Registration.Status.UNCONFIRMED


@pytest.mark.write_path("admin:consultations_training_change")
def test_staff_cannot_lower_the_seats_below_the_people_registered(staff_client, world):
    training = world.training
    Registration.objects.filter(pk=world.waiting_registration.pk).update(
        status=Registration.Status.REGISTERED
    )
    Training.objects.filter(pk=training.pk).update(capacity=2)
    url, form = change_form(staff_client, training)

    response = staff_client.post(url, form.data(capacity="1", trainer="Ktoś Inny"))

    assert response.status_code == 200
    assert "Seats taken: 2" in " ".join(page_errors(response))
    training.refresh_from_db()
    assert (training.capacity, training.trainer) == (2, "Ewa Trenerska")

    response = staff_client.post(url, form.data(capacity="2", trainer="Ktoś Inny"))
    assert response.status_code == 302, page_errors(response)
    training.refresh_from_db()
    assert (training.capacity, training.trainer) == (2, "Ktoś Inny")


@pytest.mark.write_path("admin:consultations_training_change")
def test_a_registration_between_the_form_and_the_save_keeps_its_seat(
    staff_client, world, monkeypatch
):
    """The form saw enough seats, but someone took one before the row was locked:
    the service refuses, the whole page is undone and staff read why."""
    from consultations.admin.trainings import TrainingForm

    training = world.training
    Training.objects.filter(pk=training.pk).update(capacity=2)
    url, form = change_form(staff_client, training)
    monkeypatch.setattr(TrainingForm, "clean_capacity", lambda self: self.cleaned_data["capacity"])
    Registration.objects.filter(pk=world.waiting_registration.pk).update(
        status=Registration.Status.REGISTERED
    )

    response = staff_client.post(url, form.data(capacity="1", trainer="Ktoś Inny"), follow=True)

    assert response.status_code == 200
    assert any("Seats taken: 2" in str(m) for m in response.context["messages"])
    training.refresh_from_db()
    assert (training.capacity, training.trainer) == (2, "Ewa Trenerska")


# --- Rooms of a cancelled training ------------------------------------------------------


@pytest.mark.write_path("admin:consultations_training_changelist:cancel")
def test_cancelling_a_training_releases_its_rooms_without_mail_to_staff(staff_client, staff):
    room = TrainingRoomFactory()
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=14)
    start = start.replace(minute=0, second=0)
    training = WorkshopFactory(status=Training.Status.DRAFT, capacity=5, place="", sessions=[])
    session = TrainingSession.objects.create(
        training=training, start=start, end=start + datetime.timedelta(hours=2), room=room
    )
    booking = Booking.objects.create(
        resource=room,
        organization=None,
        start=session.start,
        end=session.end,
        status=Booking.Status.CONFIRMED,
        title="Szkolenie",
        created_by=staff,
    )
    TrainingSession.objects.filter(pk=session.pk).update(room_booking=booking)
    Training.objects.filter(pk=training.pk).update(status=Training.Status.PUBLISHED)
    Registration.objects.create(
        training=training,
        name="Osoba Zapisana",
        email="person@example.org",
        status=Registration.Status.REGISTERED,
    )
    mail.outbox.clear()

    response = staff_client.post(
        reverse("admin:consultations_training_changelist"),
        {
            "action": "cancel",
            "_selected_action": [training.pk],
            "confirm": "1",
            "reason": "Choroba trenera.",
        },
    )

    assert response.status_code == 302
    training.refresh_from_db()
    booking.refresh_from_db()
    assert training.status == Training.Status.CANCELLED
    assert (booking.status, booking.cancelled_by) == (Booking.Status.CANCELLED, staff)
    assert list(booking.changes.values_list("action", "user", "note")) == [
        ("cancelled", staff.pk, "Training cancelled: Choroba trenera.")
    ]
    assert len(letters_to("person@example.org")) == 1
    assert letters_to(staff.email) == []  # no "your booking was cancelled"
