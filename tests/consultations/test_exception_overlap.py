"""An advisor's exceptions of one day must not contradict each other."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from consultations.models import AvailabilityException, Mode
from tests.consultations.factories import AdvisorFactory, AvailabilityExceptionFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2030, 3, 12)


def extra(advisor, starts, ends):
    return AvailabilityException(
        advisor=advisor,
        date=DAY,
        kind=AvailabilityException.Kind.EXTRA,
        starts=datetime.time(*starts),
        ends=datetime.time(*ends),
        mode=Mode.PHONE,
    )


def test_extra_hours_overlapping_other_extra_hours_are_refused_naming_them():
    advisor = AdvisorFactory()
    AvailabilityExceptionFactory(
        advisor=advisor,
        date=DAY,
        kind=AvailabilityException.Kind.EXTRA,
        starts=datetime.time(10),
        ends=datetime.time(12),
        mode=Mode.PHONE,
    )
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        extra(advisor, (11, 30), (13,)).full_clean()
    assert excinfo.value.message_dict["starts"] == [
        "This overlaps another entry of the same day (extra hours, 10:00–12:00)."
    ]
    extra(advisor, (12,), (13,)).full_clean()  # touching is fine
    extra(AdvisorFactory(), (11,), (12,)).full_clean()  # another advisor is fine


def test_extra_hours_on_a_whole_day_off_are_refused():
    advisor = AdvisorFactory()
    AvailabilityExceptionFactory(advisor=advisor, date=DAY, kind=AvailabilityException.Kind.DAY_OFF)
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        extra(advisor, (9,), (10,)).full_clean()
    assert "the whole day" in excinfo.value.message_dict["starts"][0]
