"""Factories for the consultations module: topics, advisors, their hours,
appointments and trainings.

factory_boy factories that take the model's fields as keyword overrides, e.g.
`AdvisorFactory(name="Ewa Nowak", topics=["pozyskiwanie-funduszy"])` or
`AvailabilityRuleFactory(advisor=advisor, weekday=1, starts=time(10), ends=time(12))`.

They write rows directly (no services, no e-mails). Topics are the initial data of
migration 0003 (slugs such as "pozyskiwanie-funduszy", "statuty", "inne"):
`TopicFactory(slug="statuty")` gives that row (a new one with that slug if a flush
removed it). `AppointmentFactory` writes an appointment row as if it were booked
already; `book_appointment` goes through `consultations.services.appointments`. Times:
`tests.factories.local(...)` gives an aware datetime on the centre's clock,
Europe/Warsaw.
"""

import datetime

import factory
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
from tests.factories import next_weekday

FUNDRAISING = "pozyskiwanie-funduszy"  # one of the initial topics


class TopicFactory(factory.django.DjangoModelFactory):
    """A topic; one of the initial topics when its slug is given."""

    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name_pl = factory.Sequence(lambda n: f"Temat testowy {n}")
    name_en = factory.Sequence(lambda n: f"Test topic {n}")
    slug = factory.Sequence(lambda n: f"temat-{n}")


class AdvisorGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdvisorGroup

    name_pl = factory.Sequence(lambda n: f"Zespół testowy {n}")
    name_en = factory.Sequence(lambda n: f"Test team {n}")
    slug = factory.Sequence(lambda n: f"zespol-{n}")
    description_pl = "Porady studentów prawa pod opieką wykładowcy."


class AdvisorFactory(factory.django.DjangoModelFactory):
    """An active advisor. `topics`: Topic objects or slugs of the initial topics
    (fundraising unless given)."""

    class Meta:
        model = Advisor
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Doradca Testowy {n}")
    slug = factory.Sequence(lambda n: f"doradca-{n}")
    bio_pl = "Doradza organizacjom od lat."
    bio_en = "Has advised NGOs for years."

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):
        if create:
            topics = (FUNDRAISING,) if extracted is None else extracted
            obj.topics.set([t if isinstance(t, Topic) else TopicFactory(slug=t) for t in topics])


class AvailabilityRuleFactory(factory.django.DjangoModelFactory):
    """A weekly rule: by default a new advisor's Tuesdays 10:00–12:00 by phone,
    45-minute slots with 15 minutes between them (so 10:00 and 11:00), valid from 2020.

    For a rule in person pass `mode=Mode.IN_PERSON, room=<rooms Resource>`."""

    class Meta:
        model = AvailabilityRule

    advisor = factory.SubFactory(AdvisorFactory)
    weekday = 1
    starts = datetime.time(10)
    ends = datetime.time(12)
    slot_minutes = 45
    buffer_minutes = 15
    mode = Mode.PHONE
    valid_from = datetime.date(2020, 1, 1)


class AvailabilityExceptionFactory(factory.django.DjangoModelFactory):
    """A day off (whole day unless `starts`/`ends`), or with kind="extra" extra hours
    (by phone unless `mode`). `advisor` and `date` are needed."""

    class Meta:
        model = AvailabilityException

    kind = AvailabilityException.Kind.DAY_OFF
    mode = factory.LazyAttribute(
        lambda exception: Mode.PHONE if exception.kind == AvailabilityException.Kind.EXTRA else ""
    )


def consultation_settings(**changes):
    """The settings row (migration 0003) with `changes` saved."""
    row = ConsultationSettings.load()
    for name, value in changes.items():
        setattr(row, name, value)
    row.save()
    return row


def _now_if(status):
    """A moment set when the appointment has `status` (None otherwise)."""
    return factory.LazyAttribute(lambda row: timezone.now() if row.status == status else None)


class AppointmentFactory(factory.django.DjangoModelFactory):
    """An appointment row written directly (no rules checked, no e-mails): by default
    confirmed, a resident's, of a new advisor, next week's Tuesday 10:00–10:45."""

    class Meta:
        model = Appointment

    advisor = factory.SubFactory(AdvisorFactory)
    topic = factory.SubFactory(TopicFactory, slug=FUNDRAISING)
    status = Appointment.Status.CONFIRMED
    mode = Mode.PHONE
    client_name = "Maria Mieszkanka"
    client_email = "maria@example.net"
    client_phone = "500 100 200"  # the default rule is by phone
    question = "Jak napisać wniosek o dotację?"
    start = factory.LazyFunction(lambda: next_weekday(1))
    end = factory.LazyAttribute(lambda row: row.start + datetime.timedelta(minutes=45))
    held_until = factory.LazyAttribute(
        lambda row: (
            timezone.now() + datetime.timedelta(minutes=30)
            if row.status == Appointment.Status.HELD
            else None
        )
    )
    cancelled_at = _now_if(Appointment.Status.CANCELLED)
    confirmed_at = _now_if(Appointment.Status.CONFIRMED)


def book_appointment(*, advisor, start, now, **overrides):
    """An appointment made through the service, as a resident without an account
    would make it (so held until the e-mail is confirmed)."""
    from consultations.services import appointments as services

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


class TrainingFactory(factory.django.DjangoModelFactory):
    """A published training for 10 people with one session next week's Wednesday
    10:00–14:00 (online unless a session has a room). `sessions`: [(start, end)] or
    [(start, end, room)]. A cancelled one has a reason."""

    class Meta:
        model = Training

    class Params:
        first_day = factory.LazyFunction(lambda: next_weekday(2))

    title_pl = factory.Sequence(lambda n: f"Szkolenie testowe {n}")
    title_en = factory.Sequence(lambda n: f"Test training {n}")
    slug = factory.Sequence(lambda n: f"szkolenie-{n}")
    description_pl = "Jak pozyskać **fundusze**."
    trainer = "Anna Trenerka"
    capacity = 10
    registration_deadline = factory.LazyAttribute(
        lambda training: training.first_day - datetime.timedelta(days=1)
    )
    status = Training.Status.PUBLISHED
    is_online = True
    cancellation_reason = factory.LazyAttribute(
        lambda training: "Choroba trenera." if training.status == Training.Status.CANCELLED else ""
    )
    # Not a field: the sessions written after the training (see _create).
    sessions = factory.LazyAttribute(
        lambda training: [(training.first_day, training.first_day.replace(hour=14))]
    )

    @classmethod
    def _create(cls, model_class, *args, sessions=(), **kwargs):
        training = super()._create(model_class, *args, **kwargs)
        for start, end, *room in sessions:
            TrainingSession.objects.create(
                training=training, start=start, end=end, room=room[0] if room else None
            )
        return training
