"""Calendar (ICS) files of bookings: what a calendar program reads from them, and
that the public calendar shows only that a time is taken."""

import datetime

import pytest
from django.utils import translation
from icalendar import Calendar

from rooms import ics
from rooms.models import Booking
from tests.factories import local
from tests.organizations.factories import MembershipFactory, OrganizationFactory
from tests.rooms.factories import BookingFactory, ResourceFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def parse(data):
    return Calendar.from_ical(data)


def events(calendar):
    return list(calendar.walk("VEVENT"))


def utc(value):
    return value.dt.astimezone(UTC)


@pytest.fixture
def booking(ngo_member):
    organization = OrganizationFactory(name="Stowarzyszenie Seniorów Bojary")
    MembershipFactory(user=ngo_member, organization=organization)
    return BookingFactory(
        resource=ResourceFactory(name_pl="Sala szkoleniowa", name_en="Training room"),
        organization=organization,
        created_by=ngo_member,
        title="Walne zebranie członków",
        notes="Prosimy o kawę.",
        start=local(2030, 3, 12, 10),
        end=local(2030, 3, 12, 12),
    )


@pytest.mark.parametrize(
    ("status", "method", "ics_status"),
    [
        (Booking.Status.PENDING, "PUBLISH", "TENTATIVE"),
        (Booking.Status.CONFIRMED, "PUBLISH", "CONFIRMED"),
        (Booking.Status.REJECTED, "CANCEL", "CANCELLED"),
        (Booking.Status.CANCELLED, "CANCEL", "CANCELLED"),
    ],
)
def test_the_file_of_one_booking_says_its_status(booking, status, method, ics_status):
    booking.status = status
    calendar = parse(ics.booking_calendar(booking))

    assert calendar["METHOD"] == method
    (event,) = events(calendar)
    assert event["STATUS"] == ics_status


def test_the_file_of_one_booking_has_its_times_purpose_and_place(booking):
    calendar = parse(ics.booking_calendar(booking))

    assert calendar["VERSION"] == "2.0"
    (event,) = events(calendar)
    assert utc(event["DTSTART"]) == datetime.datetime(2030, 3, 12, 9, tzinfo=UTC)
    assert utc(event["DTEND"]) == datetime.datetime(2030, 3, 12, 11, tzinfo=UTC)
    assert event["SUMMARY"] == "Walne zebranie członków – Training room"
    assert "Stowarzyszenie Seniorów Bojary" in event["DESCRIPTION"]
    assert f"/rezerwacje/{booking.pk}/" in event["DESCRIPTION"]
    assert "Training room" in event["LOCATION"]
    assert event["UID"].startswith(f"room-booking-{booking.pk}@")


def test_the_same_booking_keeps_its_uid_so_calendars_replace_it(booking):
    first = events(parse(ics.booking_calendar(booking)))[0]
    booking.status = Booking.Status.CANCELLED
    second = events(parse(ics.booking_calendar(booking)))[0]

    assert first["UID"] == second["UID"]


@pytest.mark.parametrize("reload", [False, True], ids=["as-created", "from-database"])
def test_times_are_in_utc_or_come_with_their_time_zone(booking, reload):
    """RFC 5545: a TZID parameter must name a VTIMEZONE in the same file. A booking
    just made by the service holds local (Europe/Warsaw) times, one read back from
    the database UTC ones: both must give a file calendar programs accept."""
    if reload:
        booking.refresh_from_db()
    data = ics.booking_calendar(booking)
    calendar = parse(data)

    zones = {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")}
    for event in events(calendar):
        for name in ("DTSTART", "DTEND"):
            tzid = event[name].params.get("TZID")
            assert tzid is None or tzid in zones, f"{name} uses TZID={tzid} without a VTIMEZONE"
    assert utc(events(calendar)[0]["DTSTART"]) == datetime.datetime(2030, 3, 12, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "utc_start"),
    [
        (local(2030, 3, 31, 10), datetime.datetime(2030, 3, 31, 8, tzinfo=UTC)),
        (local(2030, 10, 27, 10), datetime.datetime(2030, 10, 27, 9, tzinfo=UTC)),
    ],
)
def test_times_on_the_days_the_clocks_change(start, utc_start):
    booking = BookingFactory(start=start, end=start + datetime.timedelta(hours=2))
    (event,) = events(parse(ics.booking_calendar(booking)))

    assert utc(event["DTSTART"]) == utc_start
    assert utc(event["DTEND"]) == utc_start + datetime.timedelta(hours=2)


def test_the_attachment_is_a_calendar_file(booking):
    name, content, mimetype = ics.booking_attachment(booking)

    assert name == f"rezerwacja-{booking.pk}.ics"
    assert mimetype == "text/calendar"
    assert content.startswith(b"BEGIN:VCALENDAR")


def test_the_public_calendar_shows_only_that_times_are_taken(booking, ngo_member):
    other = BookingFactory(
        resource=booking.resource,
        organization=OrganizationFactory(name="Fundacja Zielone Wzgórza"),
        title="Warsztaty dla wolontariuszy",
        start=local(2030, 3, 13, 10),
        end=local(2030, 3, 13, 12),
        status=Booking.Status.PENDING,
    )

    data = ics.bookings_calendar("Training room", [booking, other], private=False)

    text = data.decode()
    unfolded = text.replace("\r\n ", "")
    for secret in (
        "Walne zebranie",
        "Warsztaty",
        "Stowarzyszenie Seniorów Bojary",
        "Fundacja Zielone Wzgórza",
        "Prosimy o kawę",
        ngo_member.email,
        ngo_member.last_name,
        "/rezerwacje/",
    ):
        assert secret not in unfolded
    found = events(parse(data))
    assert [str(event["SUMMARY"]) for event in found] == ["Taken", "Taken"]
    assert all("DESCRIPTION" not in event for event in found)
    assert {utc(event["DTSTART"]) for event in found} == {
        datetime.datetime(2030, 3, 12, 9, tzinfo=UTC),
        datetime.datetime(2030, 3, 13, 9, tzinfo=UTC),
    }


def test_the_public_calendar_hides_the_purpose_in_polish_too(booking):
    with translation.override("pl"):
        data = ics.bookings_calendar("Sala szkoleniowa", [booking], private=False)

    (event,) = events(parse(data))
    assert "Walne" not in str(event["SUMMARY"])
    assert b"Stowarzyszenie" not in data


def test_the_private_calendar_names_each_booking(booking):
    other = BookingFactory(resource=booking.resource, start=local(2030, 3, 13, 10))

    found = events(parse(ics.bookings_calendar("Nasze rezerwacje", [booking, other], private=True)))

    assert [str(event["SUMMARY"]) for event in found] == [
        "Walne zebranie członków – Training room",
        f"Zebranie zarządu – {other.resource.name}",
    ]
    assert len({str(event["UID"]) for event in found}) == 2
