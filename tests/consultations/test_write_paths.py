"""The consultations' write paths as production runs them: outside a test
transaction (on PostgreSQL in CI), through the pages a person uses, with the
fields taken from the rendered forms, checking the database and the e-mails
afterwards. On-commit callbacks (the e-mails) run for real here.

The clock is frozen on Friday 8 March 2030, 09:00; the advisor consults on
Tuesdays 10:00–12:00 (slots at 10:00 and 11:00 on 12 March). Pages are the Polish
ones (the portal's main language).
"""

import datetime
import re

import factory
import pytest
import time_machine
from django.urls import reverse

from consultations.models import (
    Appointment,
    AppointmentChange,
    AvailabilityException,
    AvailabilityRule,
    Mode,
    Registration,
)
from consultations.slots import slots_ahead
from rooms.models import Booking, BookingChange
from tests.consultations.factories import (
    AdvisorFactory,
    AppointmentFactory,
    AvailabilityRuleFactory,
    TrainingFactory,
)
from tests.factories import local
from tests.forms import submitted
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.rooms.factories import ResourceFactory

pytestmark = pytest.mark.django_db(transaction=True)

NOW = local(2030, 3, 8, 9)  # Friday morning
# Hostile but plausible: the longest values the forms take, in Polish.
LONG_NAME = ("Zażółć Gęślą Jaźń-Świętokrzyska " * 7)[:200].strip()
LONG_QUESTION = ("Jak założyć stowarzyszenie zwykłe? Żółć, źdźbło, łódź.\n" * 60)[:3000].strip()
LONG_GROUP = ("Grupa sąsiedzka z Bojar i Wysokiego Stoczka " * 7)[:299] + "!"
LONGEST_PHONE = "+48 (85) 123-45-67 / 600 100 200 / 11 22"  # 40 characters


def tue(hour, minute=0):
    return local(2030, 3, 12, hour, minute)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def room():
    return ResourceFactory(name_pl="Sala konsultacji", requires_approval=True)


@pytest.fixture
def ewa(advisor, room):
    """Ewa (the `advisor` persona's profile): Tuesdays 10:00–12:00 in person, in the room."""
    profile = AdvisorFactory(
        name="Ewa Doradczyni",
        slug="ewa-doradczyni",
        user=advisor,
        topics=["pozyskiwanie-funduszy", "statuty"],
    )
    AvailabilityRuleFactory(advisor=profile, weekday=1, mode=Mode.IN_PERSON, room=room)
    return profile


@pytest.fixture
def organization(ngo_member):
    organization = OrganizationFactory(name="Stowarzyszenie Seniorów „Bojary”")
    MembershipFactory(user=ngo_member, organization=organization)
    return organization


def letters_to(mailoutbox, address):
    return [message for message in mailoutbox if address in message.to]


def link_in(message, kind):
    """The path of a link in a letter (Polish pages: no language prefix)."""
    match = re.search(
        rf"https?://[^/\s]+(/(?:en/)?(?:konsultacje|szkolenia)/{kind}/[^/\s]+/)", message.body
    )
    assert match, message.body
    return match.group(1)


def free_starts(advisor):
    return [
        slot.start for slot in slots_ahead(advisors=[advisor]) if slot.start.date() == tue(0).date()
    ]


def history(appointment):
    return list(
        AppointmentChange.objects.filter(appointment=appointment)
        .order_by("created_at", "pk")
        .values_list("action", flat=True)
    )


# --- Appointments -------------------------------------------------------------------------


@pytest.mark.write_path(
    "consultations:appointment_book",
    "consultations:appointment_confirm",
    "consultations:appointment_manage",
)
def test_a_resident_books_confirms_by_the_link_moves_and_cancels(
    client, ewa, room, staff, advisor, mailoutbox
):
    book_url = reverse("consultations:appointment_book", args=[ewa.slug])
    page = client.get(book_url, {"start": "2030-03-12T10:00", "temat": "statuty"})
    data = submitted(page, action=book_url)
    assert data["start"] == "2030-03-12T10:00" and data["topic"] == "statuty"
    assert "consent" not in data  # the box is not ticked for the person
    data.update(
        client_name=LONG_NAME,
        client_email="Maria.Mieszkanka+konsultacja@example.net",
        client_phone=LONGEST_PHONE,
        client_organization_name=LONG_GROUP,
        question=LONG_QUESTION,
        consent="on",
    )

    response = client.post(book_url, data)

    assert response.status_code == 200  # "check your e-mail"
    held = Appointment.objects.get()
    assert held.status == Appointment.Status.HELD
    assert held.held_until == NOW + datetime.timedelta(minutes=30)
    assert (held.start, held.mode, held.topic.slug) == (tue(10), Mode.IN_PERSON, "statuty")
    assert (held.client_name, held.client_phone) == (LONG_NAME, LONGEST_PHONE)
    assert held.client_organization_name == LONG_GROUP
    assert held.question == LONG_QUESTION
    assert held.language == "pl"
    assert (held.room_booking.resource, held.room_booking.status) == (
        room,
        Booking.Status.CONFIRMED,
    )
    assert history(held) == ["booked"]
    assert free_starts(ewa) == [tue(11)]
    (letter,) = mailoutbox
    assert letter.to == ["Maria.Mieszkanka+konsultacja@example.net"]
    mailoutbox.clear()

    # The link from the e-mail: opening it changes nothing, the button confirms.
    confirm_url = link_in(letter, "potwierdz")
    page = client.get(confirm_url)
    held.refresh_from_db()
    assert held.status == Appointment.Status.HELD
    response = client.post(confirm_url, submitted(page))

    assert response.status_code == 302
    manage_url = response["Location"]
    confirmed = Appointment.objects.get()
    assert confirmed.status == Appointment.Status.CONFIRMED
    assert (confirmed.confirmed_at, confirmed.held_until) == (NOW, None)
    assert history(confirmed) == ["booked", "confirmed"]
    (to_client,) = letters_to(mailoutbox, confirmed.client_email)
    assert to_client.attachments[0][0].endswith(".ics")
    assert letters_to(mailoutbox, advisor.email) and letters_to(mailoutbox, staff.email)
    mailoutbox.clear()

    # The client moves it to 11:00 (a button per free time on the page); a time
    # that is no free slot (here: far in the future) changes nothing.
    page = client.get(manage_url)
    move = submitted(page, button=("start", "2030-03-12T11:00"))
    far = client.post(manage_url, {**move, "start": "9999-12-31T10:00"})
    assert far.status_code == 302 and far["Location"] == manage_url
    assert Appointment.objects.get().status == Appointment.Status.CONFIRMED
    assert mailoutbox == []
    response = client.post(manage_url, move)

    assert response.status_code == 302
    new_manage_url = response["Location"]
    assert new_manage_url != manage_url
    old = Appointment.objects.get(pk=confirmed.pk)
    new = Appointment.objects.exclude(pk=confirmed.pk).get()
    assert old.status == Appointment.Status.CANCELLED and old.cancelled_by_client
    assert old.room_booking.status == Booking.Status.CANCELLED
    assert (new.status, new.start, new.question) == (
        Appointment.Status.CONFIRMED,
        tue(11),
        LONG_QUESTION,
    )
    assert new.room_booking.status == Booking.Status.CONFIRMED
    assert history(old) == ["booked", "confirmed", "rescheduled"]
    assert history(new) == ["booked"]
    assert free_starts(ewa) == [tue(10)]
    assert len(letters_to(mailoutbox, new.client_email)) == 1
    mailoutbox.clear()

    # And cancels it with a reason.
    page = client.get(new_manage_url)
    data = submitted(page, where={"action": "cancel"})
    data["reason"] = "Zachorowałam — przepraszam. " + "ż" * 900
    response = client.post(new_manage_url, data)

    assert response.status_code == 302
    new.refresh_from_db()
    assert new.status == Appointment.Status.CANCELLED
    assert (new.cancelled_at, new.cancelled_by_client) == (NOW, True)
    assert new.room_booking.status == Booking.Status.CANCELLED
    assert BookingChange.objects.filter(booking=new.room_booking, action="cancelled").exists()
    assert history(new) == ["booked", "cancelled"]
    assert free_starts(ewa) == [tue(10), tue(11)]
    assert len(letters_to(mailoutbox, new.client_email)) == 1
    assert letters_to(mailoutbox, advisor.email)
    assert not Booking.objects.active().filter(resource=room).exists()


@pytest.mark.write_path("consultations:appointment_book", "consultations:appointment_manage")
def test_a_member_books_for_their_organisation_and_it_is_confirmed_at_once(
    client, ewa, room, ngo_member, organization, advisor, mailoutbox
):
    client.force_login(ngo_member)
    book_url = reverse("consultations:appointment_book", args=[ewa.slug])
    page = client.get(book_url, {"start": "2030-03-12T11:00"})
    data = submitted(page, action=book_url)
    assert data["organization"] == str(organization.pk)  # their only organisation
    assert "client_email" not in data  # it comes from the account
    data.update(topic="pozyskiwanie-funduszy", question="Zmiana statutu — „Żółw”.", consent="on")

    response = client.post(book_url, data)

    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.status == Appointment.Status.CONFIRMED
    assert (appointment.organization, appointment.user) == (organization, ngo_member)
    assert appointment.client_email == ngo_member.email
    assert appointment.client_organization_name == organization.name
    assert appointment.room_booking.status == Booking.Status.CONFIRMED
    assert history(appointment) == ["booked"]
    assert len(letters_to(mailoutbox, ngo_member.email)) == 1
    assert letters_to(mailoutbox, advisor.email)

    # The same slot again: refused with the nearest free ones, nothing more booked.
    response = client.post(book_url, data)
    assert response.status_code == 200
    assert response.context["nearest"]
    assert Appointment.objects.count() == 1

    # The member cancels through the link of the confirmation e-mail.
    manage_url = link_in(letters_to(mailoutbox, ngo_member.email)[0], "wizyta")
    data = submitted(client.get(manage_url), where={"action": "cancel"})
    assert client.post(manage_url, data).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.cancelled_by_client
    assert history(appointment) == ["booked", "cancelled"]
    assert appointment.room_booking.status == Booking.Status.CANCELLED


@pytest.mark.write_path("consultations:appointment_book")
def test_an_e_mail_address_too_long_to_store_is_an_error_on_the_field_not_a_500(client, ewa):
    book_url = reverse("consultations:appointment_book", args=[ewa.slug])
    data = submitted(client.get(book_url, {"start": "2030-03-12T10:00"}), action=book_url)
    # Valid by the letter of the standard (a 64-character local part, labels of
    # 63), but longer than the 254 characters an address may have.
    address = "a" * 64 + "@" + ".".join(["b" * 63] * 3) + ".pl"
    data.update(
        client_name="Maria",
        client_email=address,
        topic="statuty",
        question="Pytanie",
        consent="on",
    )

    response = client.post(book_url, data)

    assert response.status_code == 200
    assert "client_email" in response.context["form"].errors
    assert not Appointment.objects.exists()
    assert not Booking.objects.exists()


@pytest.mark.write_path("consultations:appointment_confirm")
def test_confirming_after_the_hold_lapsed_expires_it_and_frees_the_room(client, ewa, mailoutbox):
    book_url = reverse("consultations:appointment_book", args=[ewa.slug])
    data = submitted(client.get(book_url, {"start": "2030-03-12T10:00"}), action=book_url)
    data.update(
        client_name="Maria Mieszkanka",
        client_email="maria@example.net",
        topic="statuty",
        question="Pytanie",
        consent="on",
    )
    client.post(book_url, data)
    confirm_url = link_in(mailoutbox[0], "potwierdz")

    page = client.get(confirm_url)  # opened in time, the button pressed too late

    with time_machine.travel(NOW + datetime.timedelta(minutes=31), tick=False):
        response = client.post(confirm_url, submitted(page))

    assert response.status_code == 200  # the page says the time to confirm has passed
    appointment = Appointment.objects.get()
    assert appointment.status == Appointment.Status.EXPIRED
    assert appointment.room_booking.status == Booking.Status.CANCELLED
    assert history(appointment) == ["booked", "expired"]
    assert free_starts(ewa) == [tue(10), tue(11)]


# --- The advisor's own pages ------------------------------------------------------------------


@pytest.mark.write_path("consultations:advisor_schedule")
def test_the_advisor_marks_an_appointment_and_keeps_private_notes(client, advisor, ewa):
    came = AppointmentFactory(
        advisor=ewa,
        start=NOW - datetime.timedelta(hours=2),
        end=NOW - datetime.timedelta(hours=1, minutes=15),
        client_name="Maria Mieszkanka",
    )
    client.force_login(advisor)
    schedule = reverse("consultations:advisor_schedule")

    data = submitted(
        client.get(schedule), button=("action", "attended"), where={"appointment": came.pk}
    )
    response = client.post(schedule, data)

    assert response.status_code == 302
    came.refresh_from_db()
    assert came.status == Appointment.Status.ATTENDED
    assert AppointmentChange.objects.filter(
        appointment=came, user=advisor, action="marked"
    ).exists()

    # Notes as long as the field takes, in Polish; then one character too many.
    notes = ("Przynieść statut i uchwałę zarządu — źdźbło. " * 250)[:10_000]
    data = submitted(
        client.get(schedule), button=("action", "notes"), where={"appointment": came.pk}
    )
    data[f"appointment-{came.pk}-private_notes"] = notes
    assert client.post(schedule, data).status_code == 302
    came.refresh_from_db()
    assert came.private_notes == notes.strip()
    assert AppointmentChange.objects.filter(appointment=came, user=advisor, action="notes").exists()

    data[f"appointment-{came.pk}-private_notes"] = "x" * 10_001
    assert client.post(schedule, data).status_code == 200  # the error on the field
    came.refresh_from_db()
    assert came.private_notes == notes.strip()


@pytest.mark.write_path(
    "consultations:advisor_rule_create",
    "consultations:advisor_rule_edit",
    "consultations:advisor_rule_delete",
)
def test_the_advisor_adds_edits_and_deletes_weekly_hours(client, advisor, ewa, room):
    client.force_login(advisor)
    create_url = reverse("consultations:advisor_rule_create")
    data = submitted(client.get(create_url))
    assert data["valid_from"] == "2030-03-08"  # today
    data.update(
        weekday="3",
        starts="14:00",
        ends="16:00",
        slot_minutes="60",
        buffer_minutes="0",
        mode=Mode.IN_PERSON,
        room=str(room.pk),
        valid_until="9999-12-31",  # a date far in the future
    )

    assert client.post(create_url, data).status_code == 302

    rule = AvailabilityRule.objects.get(advisor=ewa, weekday=3)
    assert (rule.starts, rule.ends, rule.room, rule.valid_until) == (
        datetime.time(14),
        datetime.time(16),
        room,
        datetime.date(9999, 12, 31),
    )
    thursday = local(2030, 3, 14, 14)
    starts = [slot.start for slot in slots_ahead(advisors=[ewa])]
    assert thursday in starts and thursday + datetime.timedelta(hours=1) in starts
    assert client.get(reverse("consultations:advisor_detail", args=[ewa.slug])).status_code == 200

    edit_url = reverse("consultations:advisor_rule_edit", args=[rule.pk])
    data = submitted(client.get(edit_url))
    assert (data["starts"], data["valid_until"]) == ("14:00", "9999-12-31")
    data.update(ends="17:00", mode=Mode.ONLINE, room="", valid_until="")
    assert client.post(edit_url, data).status_code == 302
    rule.refresh_from_db()
    assert (rule.ends, rule.mode, rule.room, rule.valid_until) == (
        datetime.time(17),
        Mode.ONLINE,
        None,
        None,
    )
    assert ewa.rules.count() == 2

    delete_url = reverse("consultations:advisor_rule_delete", args=[rule.pk])
    assert client.post(delete_url, submitted(client.get(delete_url))).status_code == 302
    assert not AvailabilityRule.objects.filter(pk=rule.pk).exists()
    assert ewa.rules.count() == 1


@pytest.mark.write_path(
    "consultations:advisor_exception_create", "consultations:advisor_exception_delete"
)
def test_the_advisor_adds_a_day_off_and_extra_hours_then_deletes_one(client, advisor, ewa):
    client.force_login(advisor)
    create_url = reverse("consultations:advisor_exception_create")
    data = submitted(client.get(create_url))
    data.update(
        date="2030-03-12", kind="day_off", note=("Urlop — wyjazd do Łodzi " * 10)[:199] + "!"
    )

    assert client.post(create_url, data).status_code == 302

    assert free_starts(ewa) == []  # Tuesday the 12th is off
    day_off = AvailabilityException.objects.get(advisor=ewa)
    assert (day_off.kind, day_off.starts, day_off.note) == (
        "day_off",
        None,
        data["note"],
    )

    data = submitted(client.get(create_url))
    data.update(date="9999-12-30", kind="extra", starts="16:00", ends="18:00", mode=Mode.PHONE)
    assert client.post(create_url, data).status_code == 302
    assert ewa.exceptions.count() == 2
    assert client.get(reverse("consultations:advisor_schedule")).status_code == 200

    delete_url = reverse("consultations:advisor_exception_delete", args=[day_off.pk])
    assert client.post(delete_url, submitted(client.get(delete_url))).status_code == 302
    assert list(ewa.exceptions.values_list("kind", flat=True)) == ["extra"]
    assert free_starts(ewa) == [tue(10), tue(11)]


# --- Trainings ------------------------------------------------------------------------------------


class OnlineTrainingFactory(TrainingFactory):
    """A published training on Wednesday 13 March 2030, 10:00–14:00, online."""

    title_pl = "Jak napisać wniosek grantowy"
    title_en = "Writing a grant application"
    slug = "wniosek-grantowy"
    description_pl = "Praktyczne warsztaty."
    registration_deadline = local(2030, 3, 12, 12)
    online_details = "https://spotkanie.example.org/abc"
    sessions = factory.LazyFunction(lambda: [(local(2030, 3, 13, 10), local(2030, 3, 13, 14))])


@pytest.mark.write_path("consultations:training_detail", "consultations:registration_manage")
def test_a_member_registers_colleagues_and_a_freed_seat_goes_to_the_first_waiting(
    client, ngo_member, organization, mailoutbox
):
    training = OnlineTrainingFactory(capacity=2)
    ola = Registration.objects.create(
        training=training,
        name="Ola Już Zapisana",
        email="ola@ngo.example.org",
        status=Registration.Status.REGISTERED,
    )
    url = reverse("consultations:training_detail", args=[training.slug])
    client.force_login(ngo_member)
    data = submitted(client.get(url), action=url)
    assert data["organization"] == str(organization.pk)
    assert data["person-0-email"] == ngo_member.email  # the member first

    # A row the service refuses (already registered) undoes the rows before it:
    # nothing is saved, no e-mail goes out (a rolled-back transaction's callbacks
    # are dropped).
    response = client.post(
        url, {**data, "person-1-name": "Ola", "person-1-email": "OLA@ngo.example.org"}
    )
    assert response.status_code == 200
    assert response.context["form"].people.forms[1].errors["email"]
    assert list(Registration.objects.values_list("email", flat=True)) == ["ola@ngo.example.org"]
    assert mailoutbox == []
    ola.delete()  # (her seat is needed below)

    long_name = ("Bartłomiej Źdźbło-Wiśniewski " * 8)[:200].strip()
    data.update(
        {
            "person-1-name": "Grażyna Żółkiewska",
            "person-1-email": "  Grazyna@NGO.example.org ",
            "person-2-name": long_name,
            "person-2-email": "bartlomiej@ngo.example.org",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302
    registrations = {r.email: r for r in Registration.objects.all()}
    assert set(registrations) == {
        ngo_member.email,
        "grazyna@ngo.example.org",
        "bartlomiej@ngo.example.org",
    }
    first, second, third = (
        registrations[ngo_member.email],
        registrations["grazyna@ngo.example.org"],
        registrations["bartlomiej@ngo.example.org"],
    )
    assert (first.status, second.status, third.status) == ("registered", "registered", "waiting")
    assert third.name == long_name
    for registration in registrations.values():
        assert (registration.organization, registration.registered_by) == (
            organization,
            ngo_member,
        )
        assert registration.confirmed_at == NOW
        assert len(letters_to(mailoutbox, registration.email)) == 1

    # Grażyna cannot come: she cancels with the link from her e-mail.
    client.logout()
    manage_url = link_in(letters_to(mailoutbox, second.email)[0], "zgloszenie")
    mailoutbox.clear()
    response = client.post(manage_url, submitted(client.get(manage_url)))

    assert response.status_code == 302
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, second.cancelled_at) == ("cancelled", NOW)
    assert (third.status, third.promoted_at) == ("registered", NOW)
    assert Registration.objects.filter(training=training, status="registered").count() == 2
    assert len(letters_to(mailoutbox, second.email)) == 1  # the cancellation
    (promoted,) = letters_to(mailoutbox, third.email)
    assert "https://spotkanie.example.org/abc" in promoted.body  # a seat: how to join

    # The link again: already cancelled, nothing changes.
    assert client.post(manage_url).status_code == 302
    second.refresh_from_db()
    assert second.status == "cancelled"
    assert Registration.objects.filter(status="registered").count() == 2


@pytest.mark.write_path(
    "consultations:training_detail",
    "consultations:registration_confirm",
    "consultations:registration_manage",
)
def test_a_resident_registers_confirms_by_the_link_and_cancels(client, mailoutbox):
    training = OnlineTrainingFactory(capacity=1)
    Registration.objects.create(
        training=training,
        name="Zajęte Miejsce",
        email="zajete@example.org",
        status=Registration.Status.REGISTERED,
    )
    url = reverse("consultations:training_detail", args=[training.slug])
    data = submitted(client.get(url), action=url)
    assert "consent" not in data
    data.update(name="  Łucja   Ćwierć  ", email="Lucja.Cwierc@Example.org", consent="on")

    response = client.post(url, data)

    assert response.status_code == 302
    registration = Registration.objects.get(email="lucja.cwierc@example.org")
    assert (registration.status, registration.name) == ("unconfirmed", "Łucja Ćwierć")
    (letter,) = mailoutbox
    mailoutbox.clear()

    confirm_url = link_in(letter, "potwierdz")
    response = client.post(confirm_url, submitted(client.get(confirm_url)))

    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.status, registration.confirmed_at) == ("waiting", NOW)  # no seat left
    (waiting,) = letters_to(mailoutbox, registration.email)
    assert "https://spotkanie.example.org/abc" not in waiting.body
    mailoutbox.clear()

    manage_url = response["Location"]
    response = client.post(manage_url, submitted(client.get(manage_url)))

    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.status, registration.cancelled_at) == ("cancelled", NOW)
    assert len(letters_to(mailoutbox, registration.email)) == 1
    assert Registration.objects.get(email="zajete@example.org").status == "registered"
