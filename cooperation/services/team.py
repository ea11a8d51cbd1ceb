"""The NGO Consultation Team: its members, its meetings (with a room of the centre
booked through the rooms service) and the messages residents send it.

A meeting's room is held by a booking for the centre's own use
(`cooperation.services.meetings`): saving the meeting books the room (or moves the
booking), cancelling or deleting it frees the room. A message to the team is
relayed by e-mail to the members serving now who receive the team's messages
(reply-to the sender, their addresses never shown); without any, to the centre's
own address (the centre is the team's contact point); without that either, it is
refused and nothing is kept.
"""

import datetime
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cooperation.models import TeamContactMessage, TeamMeeting, TeamMember
from cooperation.services.meetings import (
    MeetingWithRoom,
    meeting_room_release,
    meeting_room_reserve,
)
from cwop_portal.emails import send_email_on_commit
from cwop_portal.history import CHANGED_PRIVATELY, change_record, changes_between, snapshot
from cwop_portal.models import SiteSettings, User
from rooms.models import Booking

MEMBER_FIELDS = [
    "name",
    "role",
    "side",
    "organization",
    "affiliation",
    "term_start",
    "term_end",
    "email",
    "receives_messages",
    "position",
    "is_demo",
]
# Kept out of the history's values: the address is never shown anywhere.
MEMBER_PRIVATE_FIELDS = ("email",)
MEETING_FIELDS = ["start", "end", "room", "place", "agenda_pl", "agenda_en", "is_demo"]


# --- Members -----------------------------------------------------------------------------


def serving_members(day: datetime.date | None = None) -> QuerySet[TeamMember]:
    """The members whose term includes `day` (today, on the centre's clock)."""
    day = day or timezone.localdate()
    return TeamMember.objects.filter(
        Q(term_end__isnull=True) | Q(term_end__gte=day), term_start__lte=day
    )


def team_member_problems(member: TeamMember) -> dict[str, list[str]]:
    """What is wrong with a member's data, {field: [messages]} (empty when all is
    well): the admin's form shows them on their fields, the service refuses them."""
    errors: dict[str, list[str]] = {}
    if not (member.name or "").strip():
        errors["name"] = [_("Give the member's name.")]
    if member.term_start and member.term_end and member.term_end < member.term_start:
        errors["term_end"] = [_("The term cannot end before it starts.")]
    if member.receives_messages and not (member.email or "").strip():
        errors["email"] = [_("Give an e-mail address, or untick “receives the team's messages”.")]
    if not member.organization_id and not (member.affiliation or "").strip():
        errors["affiliation"] = [
            _("Choose the organisation from the directory or type the organisation or office.")
        ]
    return errors


def _private(changes: dict[str, list]) -> dict[str, list]:
    return {
        name: CHANGED_PRIVATELY if name in MEMBER_PRIVATE_FIELDS else values
        for name, values in changes.items()
    }


@transaction.atomic
def team_member_save(*, member: TeamMember, user: User | None) -> TeamMember:
    """Create or change a member (the instance holds the new values); the history
    notes what changed, the e-mail address only as changed. Raises ValidationError
    naming the field for bad data; nothing is saved then."""
    member.name = " ".join((member.name or "").split())
    member.affiliation = (member.affiliation or "").strip()
    member.email = (member.email or "").strip()
    errors = team_member_problems(member)
    if errors:
        raise ValidationError(errors)
    before: dict[str, Any] | None = None
    if member.pk is not None:
        stored = TeamMember.objects.select_for_update().filter(pk=member.pk).first()
        if stored is not None:
            before = snapshot(stored, MEMBER_FIELDS)
    member.save()
    if before is None:
        created = {
            name: value
            for name, value in snapshot(member, MEMBER_FIELDS).items()
            if name not in MEMBER_PRIVATE_FIELDS and value not in ("", None, False)
        }
        change_record(member, user=user, action="created", changes=created)
    else:
        changes = _private(changes_between(before, member, MEMBER_FIELDS, model=TeamMember))
        if changes:
            change_record(member, user=user, action="changed", changes=changes)
    return member


# --- Meetings ----------------------------------------------------------------------------


def _with_room(meeting: TeamMeeting) -> MeetingWithRoom:
    # The protocol's attributes are typed loosely (any meeting's); a TeamMeeting has them.
    return cast(MeetingWithRoom, meeting)


def _booking_title() -> str:
    # Stored once, in the portal's main language: the rooms' calendar shows it.
    with translation.override(settings.LANGUAGE_CODE):
        return _("Meeting of the NGO Consultation Team")


def team_meeting_problems(meeting: TeamMeeting) -> dict[str, list[str]]:
    """What is wrong with a meeting's data, {field: [messages]}; also whether its
    room is free then (checked again, with the room locked, when it is booked)."""
    errors: dict[str, list[str]] = {}
    if meeting.start and meeting.end and meeting.end <= meeting.start:
        errors["end"] = [_("The end must be after the start.")]
        return errors
    if meeting.room_id and meeting.start and meeting.end and not meeting.is_cancelled:
        own = meeting.room_booking_id
        taken = (
            Booking.objects.active()
            .filter(resource_id=meeting.room_id)
            .overlapping(meeting.start, meeting.end)
            .exclude(pk=own)
            .exists()
        )
        if taken:
            errors["room"] = [_("The room is already booked at that time.")]
    return errors


@transaction.atomic
def team_meeting_save(*, meeting: TeamMeeting, user: User | None) -> TeamMeeting:
    """Create or change a meeting (the instance holds the new values): its room is
    booked for the centre at its time, or the booking moves with it, or is freed
    when the meeting leaves the room. A room taken then: ValidationError on "room"
    and nothing is saved. A cancelled meeting books no room. The history notes
    what changed."""
    meeting.place = (meeting.place or "").strip()
    if meeting.start and meeting.end and meeting.end <= meeting.start:
        raise ValidationError({"end": [_("The end must be after the start.")]})
    before: dict[str, Any] | None = None
    if meeting.pk is not None:
        stored = TeamMeeting.objects.select_for_update().filter(pk=meeting.pk).first()
        if stored is not None:
            before = snapshot(stored, MEETING_FIELDS)
            # What the database holds decides (someone may have cancelled it meanwhile).
            meeting.room_booking_id = stored.room_booking_id
            meeting.is_cancelled = stored.is_cancelled
    if meeting.is_cancelled:
        meeting_room_release(
            meeting=_with_room(meeting), user=user, reason=_("The meeting has been cancelled.")
        )
    else:
        meeting.room_booking = meeting_room_reserve(
            meeting=_with_room(meeting),
            user=user,
            title=_booking_title(),
            attendees=serving_members().count(),
        )
    meeting.save()
    if before is None:
        created = {
            name: value
            for name, value in snapshot(meeting, MEETING_FIELDS).items()
            if value not in ("", None, False)
        }
        change_record(meeting, user=user, action="created", changes=created)
    else:
        changes = changes_between(before, meeting, MEETING_FIELDS, model=TeamMeeting)
        if changes:
            change_record(meeting, user=user, action="changed", changes=changes)
    return meeting


@transaction.atomic
def team_meeting_cancel(*, meeting: TeamMeeting, user: User | None, reason: str) -> TeamMeeting:
    """Cancel a meeting: its room is freed (if the meeting is still ahead), the page
    shows it as cancelled; the reason goes to the history."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the cancellation.")]})
    meeting = TeamMeeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting has already been cancelled."))
    meeting_room_release(meeting=_with_room(meeting), user=user, reason=reason)
    meeting.is_cancelled = True
    meeting.save(update_fields=["is_cancelled"])
    change_record(
        meeting, user=user, action="cancelled", changes={"is_cancelled": [False, True]}, note=reason
    )
    return meeting


@transaction.atomic
def team_meeting_delete(*, meeting: TeamMeeting, user: User | None) -> None:
    """Delete a meeting (one entered by mistake): its room is freed first, and its
    documents go with it."""
    meeting = TeamMeeting.objects.select_for_update().get(pk=meeting.pk)
    meeting_room_release(
        meeting=_with_room(meeting), user=user, reason=_("The meeting has been deleted.")
    )
    meeting.delete()


# --- Messages ----------------------------------------------------------------------------


def team_message_recipients() -> list[str]:
    """Where a message to the team goes: the members serving now who receive the
    team's messages; without any, the centre's own address; else nobody ([])."""
    members = sorted(
        {
            email.strip()
            for email in serving_members()
            .filter(receives_messages=True)
            .exclude(email="")
            .values_list("email", flat=True)
            if email.strip()
        }
    )
    if members:
        return members
    centre = (SiteSettings.load().email or "").strip()
    return [centre] if centre else []


@transaction.atomic
def team_message_send(*, sender_name: str, sender_email: str, body: str) -> TeamContactMessage:
    """Relay a resident's message to the team by e-mail, reply-to the sender, without
    showing any address; a copy is kept for the retention period (the centre's
    staff read it in the admin when the e-mail did not go out). Refused (nothing
    kept) when there is nobody to send it to."""
    recipients = team_message_recipients()
    if not recipients:
        raise ValidationError(
            _(
                "At the moment the Consultation Team has nobody to receive messages sent "
                "through the portal, so your message has not been sent. Please contact "
                "the NGO Cooperation Centre instead."
            ),
            code="no_recipient",
        )
    message = TeamContactMessage.objects.create(
        sender_name=sender_name, sender_email=sender_email, body=body
    )
    send_email_on_commit(
        "cooperation_team_message", {"message": message}, recipients, reply_to=sender_email
    )
    return message


def team_messages_purge(*, older_than_days: int | None = None, dry_run: bool = False) -> int:
    """Delete messages to the team older than the retention period (the setting,
    unless given); returns how many."""
    old = TeamContactMessage.objects.expired(days=older_than_days)
    count = old.count()
    if not dry_run:
        old.delete()
    return count
