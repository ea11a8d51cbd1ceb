"""Rooms' part of the `world` fixture (tests/conftest.py): a training room with a
photo and the organisation's confirmed booking on a Tuesday at least a week ahead
that is not a public holiday (with its history line), a closure the day after, the
organisation's private calendar feed, and two letters for it at the desk (one
waiting, one collected)."""

import datetime

from django.utils import timezone

from cwop_portal.dates import at, polish_holidays
from cwop_portal.history import change_record
from rooms.models import (
    Booking,
    CalendarFeed,
    Closure,
    MailItem,
    Resource,
    ResourcePhoto,
)
from tests.factories import png_file


def build(w):
    ngo_member = w.personas["ngo_member"]
    w.resource = Resource.objects.create(
        name_pl="Sala szkoleniowa",
        name_en="Training room",
        slug="sala",
        kind="training_room",
        capacity=20,
        house_rules_pl="Zostaw salę w porządku.",
    )
    start_day = timezone.localdate() + datetime.timedelta(days=7)
    start_day += datetime.timedelta(days=(1 - start_day.weekday()) % 7)
    while start_day in polish_holidays(start_day.year):
        start_day += datetime.timedelta(days=7)
    w.booking = Booking.objects.create(
        resource=w.resource,
        organization=w.organization,
        start=at(start_day, datetime.time(10)),
        end=at(start_day, datetime.time(12)),
        status=Booking.Status.CONFIRMED,
        title="Zebranie zarządu",
        attendees=6,
        created_by=ngo_member,
    )
    change_record(w.booking, user=ngo_member, action="created", note="Rezerwacja z formularza")
    w.calendar_feed = CalendarFeed.objects.create(organization=w.organization)
    w.closure = Closure.objects.create(
        start_date=start_day + datetime.timedelta(days=1),
        end_date=start_day + datetime.timedelta(days=1),
        reason_pl="Inwentaryzacja",
        reason_en="Stocktaking",
    )
    staff = w.personas["staff"]
    change_record(
        w.closure, user=staff, action="created", changes={"reason_pl": [None, "Inwentaryzacja"]}
    )
    change_record(w.resource, user=staff, action="changed", changes={"capacity": [16, 20]})
    photo = ResourcePhoto(resource=w.resource, alt_pl="Sala z krzesłami", alt_en="Room")
    photo.image.save("sala.png", png_file(8, 6, colour="navy"), save=True)
    w.mail_item = MailItem.objects.create(
        organization=w.organization, sender="Urząd Skarbowy", note="List polecony"
    )
    MailItem.objects.create(
        organization=w.organization,
        sender="Poczta Polska",
        collected_at=timezone.now(),
        collected_by="Anna Nowak",
        handed_over_by=w.personas["staff"],
    )
