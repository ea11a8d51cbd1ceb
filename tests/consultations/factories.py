"""Factories for the consultations module: advisors, their rules, trainings.

Plain functions that take the model's fields as keyword overrides, e.g.
`make_advisor(name="Ewa Nowak", topics=["pozyskiwanie-funduszy"])` or
`make_rule(advisor=advisor, weekday=1, starts=time(10), ends=time(12))`.

They write rows directly (no services, no e-mails). Topics are the initial data of
migration 0003 (slugs such as "pozyskiwanie-funduszy", "statuty", "inne");
`make_topic` adds one. `make_appointment` writes an appointment row as if it were
booked already; `book_appointment` goes through `consultations.services`.

Times: `local(...)` (from the rooms' factories) gives an aware datetime on the
centre's clock, Europe/Warsaw.
"""

import datetime
import itertools

from django.utils import timezone

from consultations.models import (
    Advisor,
    AdvisorGroup,
    Appointment,
    AvailabilityException,
    AvailabilityRule,
    ConsultationSettings,
    Mode,
    Topic,
    Training,
    TrainingSession,
)
from tests.rooms.factories import local  # noqa: F401 - re-exported for the tests

_sequence = itertools.count(1)


def make_topic(**overrides):
    n = next(_sequence)
    values = {"name_pl": f"Temat testowy {n}", "name_en": f"Test topic {n}", "slug": f"temat-{n}"}
    values.update(overrides)
    return Topic.objects.create(**values)


def topic(slug="pozyskiwanie-funduszy"):
    """One of the initial topics (migration 0003), or a new one with this slug."""
    return Topic.objects.filter(slug=slug).first() or make_topic(slug=slug)


def make_group(**overrides):
    n = next(_sequence)
    values = {
        "name_pl": f"Zespół testowy {n}",
        "name_en": f"Test team {n}",
        "slug": f"zespol-{n}",
        "description_pl": "Porady studentów prawa pod opieką wykładowcy.",
    }
    values.update(overrides)
    return AdvisorGroup.objects.create(**values)


def make_advisor(*, topics=("pozyskiwanie-funduszy",), **overrides):
    """An active advisor. `topics`: Topic objects or slugs of the initial topics."""
    n = next(_sequence)
    values = {
        "name": f"Doradca Testowy {n}",
        "slug": f"doradca-{n}",
        "bio_pl": "Doradza organizacjom od lat.",
        "bio_en": "Has advised NGOs for years.",
    }
    values.update(overrides)
    advisor = Advisor.objects.create(**values)
    advisor.topics.set([t if isinstance(t, Topic) else topic(t) for t in topics])
    return advisor


def make_rule(**overrides):
    """A weekly rule: by default a new advisor's Tuesdays 10:00–12:00 by phone, 45-minute
    slots with 15 minutes between them (so 10:00 and 11:00), valid from 2020.

    For a rule in person pass `mode=Mode.IN_PERSON, room=<rooms Resource>`."""
    values = {
        "weekday": 1,
        "starts": datetime.time(10),
        "ends": datetime.time(12),
        "slot_minutes": 45,
        "buffer_minutes": 15,
        "mode": Mode.PHONE,
        "valid_from": datetime.date(2020, 1, 1),
    }
    values.update(overrides)
    if "advisor" not in values:
        values["advisor"] = make_advisor()
    return AvailabilityRule.objects.create(**values)


def make_exception(**overrides):
    """A day off (whole day unless `starts`/`ends`), or with kind="extra" extra hours."""
    values = {"kind": AvailabilityException.Kind.DAY_OFF}
    values.update(overrides)
    if values["kind"] == AvailabilityException.Kind.EXTRA:
        values.setdefault("mode", Mode.PHONE)
    return AvailabilityException.objects.create(**values)


def consultation_settings(**changes):
    """The settings row (migration 0003) with `changes` saved."""
    row = ConsultationSettings.load()
    for name, value in changes.items():
        setattr(row, name, value)
    row.save()
    return row


def make_appointment(**overrides):
    """An appointment row written directly (no rules checked, no e-mails): by default
    confirmed, a resident's, of a new advisor, next week's Tuesday 10:00–10:45."""
    from tests.rooms.factories import next_weekday

    values = {
        "status": Appointment.Status.CONFIRMED,
        "mode": Mode.PHONE,
        "client_name": "Maria Mieszkanka",
        "client_email": "maria@example.net",
        "client_phone": "500 100 200",  # the default rule is by phone
        "question": "Jak napisać wniosek o dotację?",
    }
    values.update(overrides)
    if "advisor" not in values:
        values["advisor"] = make_advisor()
    values.setdefault("topic", topic())
    values.setdefault("start", next_weekday(1))
    values.setdefault("end", values["start"] + datetime.timedelta(minutes=45))
    if values["status"] == Appointment.Status.HELD:
        values.setdefault("held_until", timezone.now() + datetime.timedelta(minutes=30))
    if values["status"] == Appointment.Status.CANCELLED:
        values.setdefault("cancelled_at", timezone.now())
    if values["status"] == Appointment.Status.CONFIRMED:
        values.setdefault("confirmed_at", timezone.now())
    return Appointment.objects.create(**values)


def book_appointment(*, advisor, start, now, **overrides):
    """An appointment made through the service, as a resident without an account
    would make it (so held until the e-mail is confirmed)."""
    from consultations import services

    values = {
        "advisor": advisor,
        "topic": advisor.topics.first(),
        "start": start,
        "client_name": "Maria Mieszkanka",
        "client_email": "maria@example.net",
        "client_phone": "500 100 200",  # the default rule is by phone
        "question": "Jak napisać wniosek o dotację?",
        "consent": True,
        "now": now,
    }
    values.update(overrides)
    return services.appointment_book(**values)


def make_training(*, sessions=None, **overrides):
    """A published training for 10 people with one session next week's Wednesday
    10:00–14:00 (online unless a session has a room). `sessions`: [(start, end)] or
    [(start, end, room)]."""
    from tests.rooms.factories import next_weekday

    n = next(_sequence)
    first = next_weekday(2)
    values = {
        "title_pl": f"Szkolenie testowe {n}",
        "title_en": f"Test training {n}",
        "slug": f"szkolenie-{n}",
        "description_pl": "Jak pozyskać **fundusze**.",
        "trainer": "Anna Trenerka",
        "capacity": 10,
        "registration_deadline": first - datetime.timedelta(days=1),
        "status": Training.Status.PUBLISHED,
        "is_online": True,
    }
    values.update(overrides)
    training = Training.objects.create(**values)
    for session in sessions if sessions is not None else [(first, first.replace(hour=14))]:
        start, end, *rest = session
        TrainingSession.objects.create(
            training=training, start=start, end=end, room=rest[0] if rest else None
        )
    return training
