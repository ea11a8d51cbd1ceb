"""Many people booking the same advisor's slot at once: exactly one gets it, the
others the clear "just booked" message with the nearest free slots, never an error
page; and on PostgreSQL the database itself refuses an overlapping busy
appointment written behind the service's back.

As everywhere (tests/concurrency.py), each thread opens its own connection, and
on SQLite the threaded tests work on a file copy of the test database
(`threads_share_a_database`), where WAL and IMMEDIATE transactions behave as in
production. The checks of the exclusion constraint are skipped on SQLite, which
has none, by design.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from consultations.models import Appointment, ConsultationSettings, Mode
from consultations.services import appointments as services
from consultations.services.appointments import SlotTaken
from rooms.models import Booking
from tests.concurrency import postgresql_only, run_together
from tests.consultations.factories import (
    AdvisorFactory,
    AppointmentFactory,
    AvailabilityRuleFactory,
    TopicFactory,
)
from tests.factories import local
from tests.organizations.factories import MemberFactory, OrganizationFactory
from tests.rooms.factories import ResourceFactory, ensure_centre_hours

THREADS = 24
NOW = local(2030, 3, 8, 9)
TAKEN = "This slot has just been booked by someone else. Here are the nearest free ones."


def tue(hour, minute=0):
    return local(2030, 3, 12, hour, minute)


def an_advisor(**rule):
    """An advisor on Tuesdays 10:00–12:00 (slots at 10:00 and 11:00); the migration's
    topics and the centre's hours may have been flushed by an earlier test."""
    ensure_centre_hours()
    advisor = AdvisorFactory(topics=[TopicFactory(slug="pozyskiwanie-funduszy")])
    AvailabilityRuleFactory(advisor=advisor, **rule)
    return advisor


def booking_call(advisor, n, start, organization=None, user=None):
    def call():
        return services.appointment_book(
            advisor=advisor,
            topic=advisor.topics.first(),
            start=start,
            client_name=f"Osoba {n}",
            client_email=f"osoba{n}@example.net",
            client_phone="500 100 200",
            question="Jak założyć fundację?",
            consent=True,
            user=user,
            organization=organization,
            now=NOW,
        )

    return call


def callers(advisor, start, count=THREADS):
    """Half residents without an account (held), half members of organisations
    (confirmed at once), all after the same slot."""
    organizations = [OrganizationFactory() for _ in range(3)]
    calls = []
    for n in range(count):
        if n % 2:
            organization = organizations[n % 3]
            calls.append(
                booking_call(
                    advisor, n, start, organization, MemberFactory(organization=organization)
                )
            )
        else:
            calls.append(booking_call(advisor, n, start))
    return calls


def check_exactly_one_won(outcomes, advisor):
    winners = [appointment for appointment, exc in outcomes if exc is None]
    errors = [exc for _appointment, exc in outcomes if exc is not None]
    assert len(winners) == 1, [repr(exc) for exc in errors]
    unexpected = [exc for exc in errors if not isinstance(exc, SlotTaken)]
    assert unexpected == [], [repr(exc) for exc in unexpected]
    assert {message for exc in errors for message in exc.message_dict["start"]} == {TAKEN}
    # Everybody who lost is offered the other slot that day first.
    assert {f"{exc.nearest[0].local_start:%H:%M}" for exc in errors} == {"11:00"}
    (held,) = Appointment.objects.filter(advisor=advisor).active()
    assert held.pk == winners[0].pk
    assert Appointment.objects.count() == 1
    return winners[0]


@pytest.mark.django_db(transaction=True)
def test_many_people_booking_the_same_slot_at_once_one_gets_it(threads_share_a_database):
    advisor = an_advisor()

    check_exactly_one_won(run_together(callers(advisor, tue(10))), advisor)


@pytest.mark.django_db(transaction=True)
def test_many_people_booking_the_same_slot_in_person_one_gets_it_and_the_room(
    threads_share_a_database,
):
    room = ResourceFactory(requires_approval=True)
    advisor = an_advisor(mode=Mode.IN_PERSON, room=room)

    winner = check_exactly_one_won(run_together(callers(advisor, tue(10))), advisor)

    (booking,) = Booking.objects.filter(resource=room)
    assert booking.status == Booking.Status.CONFIRMED
    assert winner.room_booking_id == booking.pk


@pytest.mark.django_db(transaction=True)
def test_bookings_of_different_slots_all_succeed_at_once(threads_share_a_database):
    """Waiting for one another must not turn into errors ("database is locked")."""
    calls = []
    for n in range(THREADS // 2):
        advisor = an_advisor()
        calls.append(booking_call(advisor, 2 * n, tue(10)))
        calls.append(booking_call(advisor, 2 * n + 1, tue(11)))

    outcomes = run_together(calls)

    assert [repr(exc) for _appointment, exc in outcomes if exc is not None] == []
    assert Appointment.objects.active().count() == THREADS


@pytest.mark.django_db(transaction=True)
def test_members_of_one_organisation_booking_different_advisors_at_once_keep_its_limit(
    threads_share_a_database,
):
    """The limit of active appointments per organisation holds when its members book
    at the same moment (each with another advisor, so no advisor's lock orders them)."""
    ConsultationSettings.objects.update_or_create(pk=1, defaults={"max_active_per_organization": 2})
    organization = OrganizationFactory()
    calls = [
        booking_call(
            an_advisor(), n, tue(10), organization, MemberFactory(organization=organization)
        )
        for n in range(THREADS // 2)
    ]

    outcomes = run_together(calls)

    winners = [appointment for appointment, exc in outcomes if exc is None]
    errors = [exc for _appointment, exc in outcomes if exc is not None]
    assert len(winners) == 2, [repr(exc) for exc in errors]
    assert all(set(exc.message_dict) == {"organization"} for exc in errors), errors
    assert Appointment.objects.filter(organization=organization).active().count() == 2


# --- The database's own guard (PostgreSQL) ------------------------------------------------


@pytest.fixture
def busy():
    """A confirmed appointment, Tuesday 10:00–10:45."""
    advisor = an_advisor()
    return AppointmentFactory(advisor=advisor, start=tue(10), end=tue(10, 45))


def raw_row(busy, **overrides):
    values = {
        "advisor": busy.advisor,
        "topic": busy.topic,
        "start": tue(10, 30),
        "end": tue(11, 15),
        "mode": Mode.PHONE,
        "client_name": "Wpisane z pominięciem serwisu",
        "client_email": "raw@example.net",
        "question": "?",
        "status": Appointment.Status.CONFIRMED,
    }
    values.update(overrides)
    return values


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "status",
    [
        Appointment.Status.HELD,
        Appointment.Status.CONFIRMED,
        Appointment.Status.ATTENDED,
        Appointment.Status.NO_SHOW,
    ],
)
def test_the_database_refuses_an_overlapping_busy_appointment(busy, status):
    extra = {"held_until": NOW} if status == Appointment.Status.HELD else {}
    with (
        pytest.raises(IntegrityError, match="consultations_appointment_no_overlap"),
        transaction.atomic(),
    ):
        Appointment.objects.create(**raw_row(busy, status=status, **extra))

    assert Appointment.objects.count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_an_overlapping_appointment_inserted_in_raw_sql(busy):
    now = timezone.now()
    with (
        pytest.raises(IntegrityError, match="consultations_appointment_no_overlap"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            'INSERT INTO consultations_appointment (advisor_id, topic_id, start, "end", '
            "mode, status, client_name, client_email, client_phone, "
            "client_organization_name, question, language, private_notes, "
            "cancelled_by_client, is_demo, created_at, updated_at, held_until) VALUES "
            "(%s, %s, %s, %s, 'phone', 'held', 'SQL', 'sql@example.net', '', '', '?', 'pl', "
            "'', false, false, %s, %s, %s)",
            [busy.advisor_id, busy.topic_id, tue(9, 30), tue(10, 15), now, now, now],
        )

    assert Appointment.objects.count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_reviving_a_cancelled_appointment_over_a_busy_one(busy):
    cancelled = Appointment.objects.create(
        **raw_row(busy, status=Appointment.Status.CANCELLED, cancelled_at=timezone.now())
    )

    with (
        pytest.raises(IntegrityError, match="consultations_appointment_no_overlap"),
        transaction.atomic(),
    ):
        Appointment.objects.filter(pk=cancelled.pk).update(status=Appointment.Status.CONFIRMED)

    cancelled.refresh_from_db()
    assert cancelled.status == Appointment.Status.CANCELLED


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "overrides",
    [
        {"status": Appointment.Status.CANCELLED, "cancelled_at": local(2030, 3, 9, 9)},
        {"status": Appointment.Status.EXPIRED, "held_until": local(2030, 3, 9, 9)},
        {"start": tue(10, 45), "end": tue(11, 30)},  # touches: '[)' ranges
        {"start": tue(9, 15), "end": tue(10)},
        {"advisor": "other"},
    ],
    ids=["cancelled", "expired", "touching-after", "touching-before", "other-advisor"],
)
def test_the_database_accepts_appointments_that_do_not_overlap_a_busy_one(busy, overrides):
    """The constraint must not refuse too much (on SQLite this only shows nothing else does)."""
    values = raw_row(busy, **overrides)
    if values["advisor"] == "other":
        values["advisor"] = AdvisorFactory()

    Appointment.objects.create(**values)

    assert Appointment.objects.count() == 2


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_overlap_that_slips_past_the_check_still_gets_the_clear_message(busy, monkeypatch):
    """If the service's own check ever misses an appointment, the constraint's error
    becomes the same "just booked" message (with the nearest free slots), not an
    error page."""
    from consultations import slots

    real_free_slots = slots.free_slots

    def blind_free_slots(**kwargs):
        with transaction.atomic():
            Appointment.objects.filter(pk=busy.pk).update(
                status=Appointment.Status.CANCELLED, cancelled_at=timezone.now()
            )
            found = real_free_slots(**kwargs)
            transaction.set_rollback(True)
        return found

    monkeypatch.setattr(services, "free_slots", blind_free_slots)

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.appointment_book(
            advisor=busy.advisor,
            topic=busy.topic,
            start=tue(10),
            client_name="Maria",
            client_email="maria@example.net",
            client_phone="500 100 200",
            question="?",
            consent=True,
            now=NOW,
        )

    assert isinstance(caught.value, SlotTaken)
    assert caught.value.message_dict == {"start": [TAKEN]}
    assert Appointment.objects.count() == 1
    assert datetime.timedelta(0) < caught.value.nearest[0].start - tue(10)
