"""How a room is held for another module's event through the base's registry
(`cwop_portal.venues`): a booking for the centre's own use, made and freed by the
bookings service, as the rooms of consultations and trainings are."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cwop_portal import venues
from rooms.models import Booking, Resource
from rooms.services import bookings as services


class RoomsVenues:
    def choices(self) -> list[tuple[int, str]]:
        rooms = Resource.objects.filter(is_active=True).exclude(kind=Resource.Kind.BOARD_SPACE)
        return [(room.pk, room.name) for room in rooms.order_by("name_pl")]

    def name(self, room_id: int) -> str:
        room = Resource.objects.filter(pk=room_id).first()
        return room.name if room is not None else ""

    def hold(
        self,
        *,
        room_id: int,
        start: datetime.datetime,
        end: datetime.datetime,
        title: str,
        user: Any,
    ) -> int:
        room = Resource.objects.filter(pk=room_id, is_active=True).first()
        if room is None:
            raise ValidationError(_("Choose a room of the centre."))
        booking = services.booking_create(
            resource=room,
            organization=None,
            user=user if user is not None and user.is_authenticated else None,
            start=start,
            end=end,
            title=title,
            attendees=max(1, room.capacity or 1),
            by_staff=True,
            notify=False,
        )
        return booking.pk

    def holds(
        self, hold_id: int, room_id: int, start: datetime.datetime, end: datetime.datetime
    ) -> bool:
        booking = Booking.objects.filter(pk=hold_id).first()
        return (
            booking is not None
            and booking.is_active
            and booking.resource_id == room_id
            and booking.start == start
            and booking.end == end
        )

    def release(self, *, hold_id: int, user: Any, reason: str) -> None:
        booking = Booking.objects.filter(pk=hold_id).first()
        if booking is not None and booking.is_active and booking.end > timezone.now():
            services.booking_release(booking=booking, user=user, reason=reason)


def register() -> None:
    venues.register(RoomsVenues())
