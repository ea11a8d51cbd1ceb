"""The room of a meeting (an open meeting of a public consultation, a meeting of the
Consultation Team): booked for the centre's own use through the rooms service, freed
when the meeting moves, leaves the room or is cancelled."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperation.models import ConsultationMeeting, TeamMeeting
from cwop_portal.models import User
from rooms.models import Booking
from rooms.services import bookings as room_services

# What a meeting with a room is: an open meeting of a public consultation or a
# meeting of the Consultation Team.
MeetingWithRoom = ConsultationMeeting | TeamMeeting


def _holds_its_time(meeting: MeetingWithRoom, booking: Booking | None) -> bool:
    return (
        booking is not None
        and booking.is_active
        and booking.resource_id == meeting.room_id
        and booking.start == meeting.start
        and booking.end == meeting.end
    )


@transaction.atomic
def meeting_room_reserve(
    *, meeting: MeetingWithRoom, user: User | None, title: str, attendees: int = 1
) -> Booking | None:
    """Make the meeting's room booking match its room and time: the old booking is
    freed (when it is still ahead) and the room is booked for the centre. A meeting
    without a room holds none. Raises ValidationError naming the field ("room")
    when the room cannot be booked then; the caller's transaction undoes the rest.
    The meeting is not saved: the caller sets `room_booking` from the result and
    saves it."""
    current = meeting.room_booking if meeting.room_booking_id else None
    if _holds_its_time(meeting, current):
        return current
    if current is not None and current.is_active and current.end > timezone.now():
        # Freed first, so that the meeting may move within its own old time.
        room_services.booking_release(
            booking=current, user=user, reason=_("The meeting has moved or changed its room.")
        )
    if meeting.room is None:
        return None
    try:
        return room_services.booking_create(
            resource=meeting.room,
            organization=None,
            user=user,
            start=meeting.start,
            end=meeting.end,
            title=title,
            attendees=max(1, min(attendees, meeting.room.capacity)),
            by_staff=True,
            notify=False,
        )
    except ValidationError as error:
        raise ValidationError(
            {
                "room": [
                    _("The room cannot be booked then: %(why)s") % {"why": " ".join(error.messages)}
                ]
            }
        ) from error


@transaction.atomic
def meeting_room_release(*, meeting: MeetingWithRoom, user: User | None, reason: str) -> None:
    """Free the meeting's room (a cancelled or deleted meeting), if still ahead."""
    current = meeting.room_booking if meeting.room_booking_id else None
    if current is not None and current.is_active and current.end > timezone.now():
        room_services.booking_release(booking=current, user=user, reason=reason)
