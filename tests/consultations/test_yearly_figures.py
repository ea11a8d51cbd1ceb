"""The consultations' figures of the yearly report: consultations of the calendar
year (Polish time) by topic and advisor, held and not attended, and the trainings
held with their participants."""

import pytest
from django.utils import translation

from consultations import figures
from consultations.models import Appointment, Registration, Training
from tests.consultations.factories import (
    AdvisorFactory,
    AppointmentFactory,
    TopicFactory,
    TrainingFactory,
)
from tests.factories import local


@pytest.fixture(autouse=True)
def in_english():
    """The labels are lazy translations: read in English here."""
    with translation.override("en"):
        yield


def rows(section):
    return {str(row.label): row.value for row in section.rows}


def table(section, index):
    return {str(row.label): row.values for row in section.tables[index].rows}


def appointment(advisor, topic, start, status):
    return AppointmentFactory(
        advisor=advisor,
        topic=topic,
        start=start,
        status=status,
        confirmed_at=start,
    )


@pytest.mark.django_db
def test_consultations_and_trainings_of_the_year(django_assert_num_queries):
    law, money = TopicFactory(name_pl="Prawo"), TopicFactory(name_pl="Finanse")
    anna, jan = AdvisorFactory(name="Anna Doradczyni"), AdvisorFactory(name="Jan Doradca")
    appointment(anna, law, local(2025, 12, 31, 23, 0), Appointment.Status.ATTENDED)
    appointment(anna, money, local(2025, 1, 2, 10), Appointment.Status.ATTENDED)
    appointment(jan, law, local(2025, 6, 3, 10), Appointment.Status.NO_SHOW)
    appointment(jan, law, local(2026, 1, 1, 0, 15), Appointment.Status.ATTENDED)  # next year
    appointment(jan, money, local(2024, 12, 31, 23, 0), Appointment.Status.NO_SHOW)  # before

    held = TrainingFactory(sessions=[(local(2025, 12, 31, 22), local(2025, 12, 31, 23, 30))])
    cancelled = TrainingFactory(
        status=Training.Status.CANCELLED, sessions=[(local(2025, 5, 5, 10), local(2025, 5, 5, 12))]
    )
    TrainingFactory(sessions=[(local(2026, 1, 1, 0, 30), local(2026, 1, 1, 2))])
    for number, attended in enumerate([True, True, False, None]):
        Registration.objects.create(
            training=held,
            name=f"Osoba {number}",
            email=f"osoba{number}@example.org",
            status=Registration.Status.REGISTERED,
            attended=attended,
        )
    Registration.objects.create(
        training=cancelled,
        name="Ktoś",
        email="ktos@example.org",
        status=Registration.Status.REGISTERED,
        attended=True,
    )

    with django_assert_num_queries(3):
        section = figures.advice(2025)

    found = rows(section)
    assert found["Consultations held"] == 2
    assert found["Consultations the client did not come to"] == 1
    assert found["Trainings held"] == 1
    assert found["Training participants (marked present)"] == 2
    assert found["Training registrations (seats taken)"] == 4
    assert table(section, 0) == {"Prawo": (1, 1), "Finanse": (1, 0)}
    assert table(section, 1) == {"Anna Doradczyni": (2, 0), "Jan Doradca": (0, 1)}
