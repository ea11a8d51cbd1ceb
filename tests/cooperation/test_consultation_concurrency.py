"""Two staff members acting on one consultation at the same moment: the rows are
locked, so it is done once (one announcement, one report, one room booking)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cooperation.models import ConsultationMeeting, PublicConsultation, Remark
from cooperation.services import consultations as services
from rooms.models import Booking
from tests.concurrency import run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("threads_share_a_database"),
]

THREADS = 6


def outcomes_of(calls):
    outcomes = run_together(calls)
    unexpected = [
        error for _result, error in outcomes if error and not isinstance(error, ValidationError)
    ]
    assert unexpected == []
    return [result for result, _error in outcomes if result is not None]


def test_staff_announcing_at_once_announce_once(world):
    now = timezone.now()
    consultation = PublicConsultation.objects.create(
        title_pl="Projekt",
        slug="projekt-rownolegly",
        office="Urząd",
        start=now - datetime.timedelta(hours=1),
        end=now + datetime.timedelta(days=14),
    )
    services.provisions_replace(consultation=consultation, text="§ 1. Przepis.", user=None)
    staff = world.personas["staff"]
    done = outcomes_of(
        [
            lambda: services.consultation_open(consultation=consultation, user=staff)
            for _n in range(THREADS)
        ]
    )
    assert len(done) == 1
    assert consultation.changes.filter(action="opened").count() == 1


def test_staff_publishing_at_once_publish_once(world):
    consultation = world.public_consultation
    Remark.objects.filter(consultation=consultation).update(position=Remark.Position.ACCEPTED)
    now = timezone.now()
    PublicConsultation.objects.filter(pk=consultation.pk).update(
        start=now - datetime.timedelta(days=20), end=now - datetime.timedelta(minutes=1)
    )
    staff = world.personas["staff"]
    done = outcomes_of(
        [
            lambda: services.report_publish(consultation=consultation, user=staff)
            for _n in range(THREADS)
        ]
    )
    assert len(done) == 1
    assert consultation.changes.filter(action="report_published").count() == 1


def test_meetings_booked_at_once_in_one_room_get_it_once(world):
    start = world.booking.start + datetime.timedelta(hours=3)

    def book():
        return services.consultation_meeting_save(
            meeting=ConsultationMeeting(
                consultation=world.public_consultation,
                start=start,
                end=start + datetime.timedelta(hours=1),
                room=world.resource,
            ),
            user=world.personas["staff"],
        )

    meetings = ConsultationMeeting.objects.count()
    done = outcomes_of([book for _n in range(THREADS)])
    assert len(done) == 1
    assert ConsultationMeeting.objects.count() == meetings + 1
    active = [
        b for b in Booking.objects.filter(resource=world.resource, start=start) if b.is_active
    ]
    assert len(active) == 1
