"""Many people taking the last seats of a training at once: never more registered
than the seats, everybody else on the waiting list, nobody gets an error; and the
same when residents confirm their e-mails at once, or when people cancel while
others register (each freed seat goes to exactly one person waiting).

These tests need real transactions and concurrent connections (see
tests/concurrency.py: on SQLite the test database is copied to a file
for their duration, where IMMEDIATE transactions queue the writers).
"""

import datetime

import pytest
from django.core import mail

from consultations.models import Registration
from consultations.services import trainings as services
from tests.concurrency import run_together
from tests.consultations.test_trainings import DEADLINE, NOW, WorkshopFactory
from tests.organizations.factories import MemberFactory, OrganizationFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("english_letters", "threads_share_a_database"),
]

THREADS = 24
CAPACITY = 25
ALREADY_REGISTERED = 20  # five seats left


@pytest.fixture
def english_letters(settings):
    """Letters in English, the source language (every thread sees the setting)."""
    settings.LANGUAGE_CODE = "en"


def training_with_seats_left():
    training = WorkshopFactory(capacity=CAPACITY, registration_deadline=DEADLINE)
    Registration.objects.bulk_create(
        Registration(
            training=training,
            name=f"Zapisana {n}",
            email=f"earlier{n}@example.org",
            status=Registration.Status.REGISTERED,
            created_at=NOW - datetime.timedelta(days=1),
        )
        for n in range(ALREADY_REGISTERED)
    )
    return training


def check_seats_never_oversold(training, outcomes, newcomers):
    errors = [repr(exc) for _result, exc in outcomes if exc is not None]
    assert errors == []
    statuses = [result.status for result, _exc in outcomes]
    seats_left = CAPACITY - ALREADY_REGISTERED
    assert statuses.count(Registration.Status.REGISTERED) == seats_left
    assert statuses.count(Registration.Status.WAITING) == newcomers - seats_left
    held = Registration.objects.filter(training=training, status=Registration.Status.REGISTERED)
    assert held.count() == CAPACITY
    assert (
        Registration.objects.filter(training=training, status=Registration.Status.WAITING).count()
        == newcomers - seats_left
    )


def test_members_registering_for_the_last_seats_at_once_never_oversell():
    training = training_with_seats_left()
    organizations = [OrganizationFactory() for _ in range(4)]
    calls = []
    for n in range(THREADS):
        organization = organizations[n % len(organizations)]
        user = MemberFactory(organization=organization)

        def call(n=n, user=user, organization=organization):
            return services.registration_create(
                training=training,
                name=f"Osoba {n}",
                email=f"person{n}@example.org",
                user=user,
                organization=organization,
                now=NOW,
            )

        calls.append(call)

    outcomes = run_together(calls)

    check_seats_never_oversold(training, outcomes, THREADS)
    # Each person got one letter: registered or on the waiting list.
    assert sorted(address for m in mail.outbox for address in m.to) == sorted(
        f"person{n}@example.org" for n in range(THREADS)
    )
    subjects = [m.subject.split(":")[0] for m in mail.outbox]
    assert subjects.count("You are registered") == CAPACITY - ALREADY_REGISTERED
    assert subjects.count("You are on the waiting list") == THREADS - CAPACITY + ALREADY_REGISTERED


def test_residents_confirming_at_once_never_oversell():
    training = training_with_seats_left()
    unconfirmed = [
        services.registration_create(
            training=training, name=f"Mieszkanka {n}", email=f"resident{n}@example.org", now=NOW
        )
        for n in range(THREADS)
    ]
    calls = [
        (lambda r=r: services.registration_confirm_email(registration=r, now=NOW))
        for r in unconfirmed
    ]

    outcomes = run_together(calls)

    check_seats_never_oversold(training, outcomes, THREADS)


def test_cancelling_while_others_register_gives_each_freed_seat_to_one_person():
    training = training_with_seats_left()
    # Fill the training and put four people on the waiting list first.
    for n in range(CAPACITY - ALREADY_REGISTERED + 4):
        services.registration_create(
            training=training, name=f"Ktoś {n}", email=f"full{n}@example.org", user=None, now=NOW
        )
    for registration in Registration.objects.filter(status=Registration.Status.UNCONFIRMED):
        services.registration_confirm_email(registration=registration, now=NOW)
    assert Registration.objects.filter(status=Registration.Status.REGISTERED).count() == CAPACITY
    leaving = list(
        Registration.objects.filter(status=Registration.Status.REGISTERED).order_by("pk")[:8]
    )
    member = MemberFactory(organization=OrganizationFactory())
    organization = member.memberships.get().organization
    calls = [
        (lambda r=r: services.registration_cancel(registration=r, by_link=True, now=NOW))
        for r in leaving
    ]
    calls += [
        (
            lambda n=n: services.registration_create(
                training=training,
                name=f"Nowa {n}",
                email=f"new{n}@example.org",
                user=member,
                organization=organization,
                now=NOW,
            )
        )
        for n in range(THREADS - len(leaving))
    ]

    outcomes = run_together(calls)

    assert [repr(exc) for _result, exc in outcomes if exc is not None] == []
    registered = Registration.objects.filter(status=Registration.Status.REGISTERED)
    waiting = Registration.objects.filter(status=Registration.Status.WAITING)
    # Never more than the seats; and seats are never left free while people wait.
    assert registered.count() == CAPACITY
    assert waiting.count() == 4 + (THREADS - len(leaving)) - len(leaving)
    # Those who waited first got the freed seats before the newcomers.
    assert not waiting.filter(email__startswith="full").exists()
