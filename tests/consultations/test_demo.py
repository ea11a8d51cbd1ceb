"""`seed_demo` loads the consultations' demo data: advisors with their hours (and a
group of students), appointments (a few by hand, then in bulk), three trainings;
all marked demo, and nothing doubled on a second run."""

import io
import itertools

import pytest
from django.core.management import call_command
from django.utils import timezone

from consultations import demo
from consultations.models import (
    Advisor,
    AdvisorGroup,
    Appointment,
    AvailabilityException,
    AvailabilityRule,
    Mode,
    Registration,
    Training,
    TrainingSession,
)
from rooms.models import Booking

pytestmark = pytest.mark.django_db


def seed(*extra):
    out = io.StringIO()
    call_command(
        "seed_demo", "--orgs", "3", "--bookings", "4", *extra, stdout=out, stderr=io.StringIO()
    )
    return out.getvalue()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Advisor,
            AdvisorGroup,
            AvailabilityRule,
            AvailabilityException,
            Appointment,
            Training,
            TrainingSession,
            Registration,
        )
    } | {"bookings": Booking.objects.count()}


def assert_no_overlaps():
    """No two appointments that keep an advisor busy overlap (what the database's
    exclusion constraint enforces on PostgreSQL)."""
    busy = Appointment.objects.filter(status__in=Appointment.ACTIVE_STATUSES).order_by(
        "advisor_id", "start"
    )
    for _advisor, rows in itertools.groupby(busy, key=lambda a: a.advisor_id):
        rows = list(rows)
        for before, after in itertools.pairwise(rows):
            assert before.end <= after.start, (before, after)


def test_the_demo_data_is_created_marked_and_consistent():
    output = seed("--advisors", "6", "--appointments", "40")
    assert "Demo advisors: 6 in place (6 created" in output
    assert "Demo appointments: created 40" in output
    advisors = list(Advisor.objects.all())
    assert len(advisors) == 6
    assert all(a.is_demo and a.name.endswith("(demo)") for a in advisors)
    assert all(a.topics.exists() and a.rules.count() == 2 for a in advisors)
    group = AdvisorGroup.objects.get()
    assert group.name_pl == "Centrum Informacji Administracyjnej (demo)"
    assert group.advisors.count() == 2
    assert all(a.topics.filter(slug="prawo-administracyjne").exists() for a in group.advisors.all())
    # Hours in person take place in the rooms' demo meeting room.
    in_person = AvailabilityRule.objects.filter(mode=Mode.IN_PERSON)
    assert in_person.exists()
    assert {r.room.slug for r in in_person} == {demo.MEETING_ROOM_SLUG}
    appointments = Appointment.objects.all()
    assert appointments.count() == 40
    assert all(a.is_demo and "(demo)" in a.client_name for a in appointments)
    assert all(a.client_email.endswith("@example.com") for a in appointments)
    now = timezone.now()
    statuses = {a.status for a in appointments if a.start < now}
    assert {"attended", "no_show", "cancelled"} <= statuses
    assert {a.status for a in appointments if a.start > now} == {"confirmed"}
    assert_no_overlaps()
    # The rooms' demo bookings are left to the rooms module (`--bookings` counts them):
    # upcoming appointments are by phone or online, past ones in person history only.
    assert not appointments.filter(mode=Mode.IN_PERSON, start__gt=now).exists()
    assert appointments.filter(mode=Mode.IN_PERSON, start__lt=now).exists()
    assert not appointments.filter(room_booking__isnull=False).exists()
    assert Booking.objects.filter(is_demo=True).count() == 4
    assert not TrainingSession.objects.filter(room__isnull=False).exists()

    trainings = {t.slug: t for t in Training.objects.all()}
    assert len(trainings) == 3
    assert all(t.is_demo and "(demo)" in t.title_pl for t in trainings.values())
    past = trainings["jak-napisac-wniosek-demo"]
    assert past.sessions.get().start < now
    assert past.registrations.filter(attended=True).exists()
    assert past.registrations.filter(attended=False).exists()
    series = trainings["ksiegowosc-w-malej-organizacji-demo"]
    assert series.sessions.count() == 2 and series.sessions.first().start > now
    assert series.registrations.filter(status="registered").count() == 5
    full = trainings["wolontariat-w-praktyce-demo"]
    assert full.registrations.filter(status="registered").count() == full.capacity
    assert full.registrations.filter(status="waiting").count() == 2
    assert all(r.is_demo for r in Registration.objects.all())


def test_the_demo_advisor_account_if_there_is_one_gets_a_schedule():
    from tests.factories import UserFactory

    seed()
    assert not Advisor.objects.filter(user__isnull=False).exists()
    account = UserFactory(email=demo.DEMO_ADVISOR_EMAIL, is_demo=True)
    output = seed()
    advisor = Advisor.objects.get(user=account)
    assert advisor.is_demo and advisor.group is None
    assert account.groups.filter(name="Advisors").exists()
    assert "Demo advisor account" in output
    seed()
    assert Advisor.objects.filter(user=account).count() == 1


def test_a_second_run_adds_nothing():
    seed()
    before = counts()
    output = seed()
    assert counts() == before
    assert "Demo appointments: 40 already there, none created." in output
    assert "Demo advisors: 6 in place (0 created" in output


def test_more_advisors_and_appointments_are_topped_up():
    seed("--advisors", "3", "--appointments", "10")
    output = seed("--advisors", "20", "--appointments", "1500")
    assert Advisor.objects.count() == 20
    assert AdvisorGroup.objects.get().advisors.count() == 2
    assert Appointment.objects.count() == 1500
    assert "created 1490" in output
    assert_no_overlaps()
    # A year of history, mostly: the bulk goes back in time.
    oldest = Appointment.objects.order_by("start").first().start
    assert (timezone.now() - oldest).days > 60


def test_without_the_rooms_demo_hours_are_by_phone():
    _advisors, created = demo.create_demo_advisors(4, today=timezone.localdate(), meeting_room=None)
    assert created == 4
    assert not AvailabilityRule.objects.filter(mode=Mode.IN_PERSON).exists()


def test_a_dry_run_saves_nothing():
    seed("--dry-run")
    assert Advisor.objects.count() == 0
    assert Training.objects.count() == 0


def test_negative_sizes_are_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        seed("--appointments", "-1")
    with pytest.raises(CommandError):
        seed("--advisors", "-1")
