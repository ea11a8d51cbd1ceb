"""The rooms' figures of the yearly report: confirmed bookings starting in the
calendar year (Polish time), the organisations served, the mail received."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from rooms import figures
from rooms.models import Booking, MailItem
from tests.factories import local
from tests.organizations.factories import OrganizationFactory
from tests.rooms.factories import BoardSpaceFactory, BookingFactory, ResourceFactory


@pytest.fixture(autouse=True)
def in_english():
    """The labels are lazy translations: read in English here."""
    with translation.override("en"):
        yield


def rows(section):
    return {str(row.label): row.value for row in section.rows}


@pytest.mark.django_db
def test_rooms_add_up_the_confirmed_bookings_of_the_year(django_assert_num_queries):
    room = ResourceFactory(name_pl="Sala szkoleniowa")
    board = BoardSpaceFactory(name_pl="Tablica ogłoszeń")
    first, second = OrganizationFactory(), OrganizationFactory()
    BookingFactory(
        resource=room,
        organization=first,
        start=local(2025, 12, 31, 22, 30),
        end=local(2025, 12, 31, 23, 45),
        attendees=4,
    )
    BookingFactory(resource=room, organization=first, start=local(2025, 3, 4, 10), attendees=6)
    BookingFactory(resource=room, organization=None, start=local(2025, 5, 6, 9))  # the centre
    BookingFactory(
        resource=board,
        organization=second,
        start=local(2025, 6, 1),
        end=local(2025, 6, 8),
        attendees=1,
    )
    # Not counted: the next year (still 2025 in UTC), cancelled, waiting.
    BookingFactory(resource=room, organization=second, start=local(2026, 1, 1, 0, 30))
    BookingFactory(resource=room, status=Booking.Status.CANCELLED, start=local(2025, 7, 1, 10))
    BookingFactory(resource=room, status=Booking.Status.PENDING, start=local(2025, 7, 2, 10))

    with django_assert_num_queries(2):
        section = figures.rooms(2025)

    assert rows(section) == {
        "Hours booked in the rooms and at the workstation": Decimal("5.25"),
        "Bookings of the rooms and the workstation": 3,
        "Expected attendees": 15,
        "Days of notice-board and leaflet-stand space booked": 7,
        "Bookings of notice-board and leaflet-stand space": 1,
        "Organisations served (any booking)": 2,
    }
    by_resource = {str(r.label): r.values for r in section.tables[0].rows}
    assert by_resource == {"Sala szkoleniowa": (Decimal("5.25"), 3)}
    assert {str(r.label): r.values for r in section.tables[1].rows} == {"Tablica ogłoszeń": (7, 1)}


@pytest.mark.django_db
def test_mail_counts_the_items_received_in_the_year(django_assert_num_queries):
    first, second = OrganizationFactory(), OrganizationFactory()
    MailItem.objects.create(organization=first, sender="ZUS", received_on=datetime.date(2025, 1, 1))
    MailItem.objects.create(
        organization=first,
        sender="US",
        received_on=datetime.date(2025, 12, 31),
        collected_at=local(2026, 1, 5, 10),
        collected_by="Jan Kowalski",
    )
    MailItem.objects.create(organization=second, sender="UM", received_on=datetime.date(2026, 1, 1))

    with django_assert_num_queries(1):
        section = figures.mail(2025)

    assert rows(section) == {
        "Mail items received for organisations": 2,
        "Of which already collected": 1,
        "Organisations that received mail": 1,
    }
