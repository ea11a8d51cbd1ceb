"""A room of the centre held for an event of a module that may not use the rooms app
(the awards' ceremony: awards uses only organizations and the base).

The base knows no app: the rooms app registers how rooms are held (`register`, from
its `AppConfig.ready()`), and a module that holds rooms registers how to name what a
booking is held for (`register_holder`), so that the rooms admin refuses to cancel
that booking as it does for its own consultations and trainings. A hold is a booking
for the centre's own use, named here by its id.

Without the rooms app installed, no room can be chosen (`choices()` is empty) and
holding one is refused.
"""

import datetime
from collections.abc import Callable
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class Provider(Protocol):
    def choices(self) -> list[tuple[int, str]]:
        """The rooms that can be held now: (id, name), in the rooms' order."""
        ...

    def name(self, room_id: int) -> str:
        """The name of a room, as the public pages show it ("" when there is none)."""
        ...

    def hold(
        self,
        *,
        room_id: int,
        start: datetime.datetime,
        end: datetime.datetime,
        title: str,
        user: Any,
    ) -> int:
        """Book the room for the centre's own use; the booking's id. ValidationError
        (messages saying why) when it cannot be booked then."""
        ...

    def holds(
        self, hold_id: int, room_id: int, start: datetime.datetime, end: datetime.datetime
    ) -> bool:
        """Whether the booking is still active and holds exactly that room and time."""
        ...

    def release(self, *, hold_id: int, user: Any, reason: str) -> None:
        """Free the room (a booking still ahead), with the reason in its history."""
        ...


_provider: Provider | None = None
_holders: list[Callable[[int], str | None]] = []


def register(provider: Provider) -> None:
    global _provider
    _provider = provider


def register_holder(lookup: Callable[[int], str | None]) -> None:
    """`lookup(booking_id)`: what the booking is held for, in words, or None."""
    _holders.append(lookup)


def holder_of(booking_id: int) -> str | None:
    for lookup in _holders:
        found = lookup(booking_id)
        if found:
            return found
    return None


def choices() -> list[tuple[int, str]]:
    return _provider.choices() if _provider is not None else []


def name(room_id: int | None) -> str:
    if room_id is None or _provider is None:
        return ""
    return _provider.name(room_id)


def hold(
    *, room_id: int, start: datetime.datetime, end: datetime.datetime, title: str, user: Any
) -> int:
    if _provider is None:
        raise ValidationError(_("Rooms of the centre cannot be booked here."))
    return _provider.hold(room_id=room_id, start=start, end=end, title=title, user=user)


def holds(
    hold_id: int | None, room_id: int | None, start: datetime.datetime, end: datetime.datetime
) -> bool:
    if hold_id is None or room_id is None or _provider is None:
        return False
    return _provider.holds(hold_id, room_id, start, end)


def release(*, hold_id: int | None, user: Any, reason: str) -> None:
    if hold_id is not None and _provider is not None:
        _provider.release(hold_id=hold_id, user=user, reason=reason)
