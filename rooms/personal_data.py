"""The rooms' part of "download my data" and of deleting an account.

Exported: the bookings (and series) the person made, with their history; the
booking history entries they made on other bookings, and, for staff, the bookings
they approved, rejected or cancelled; the correspondence they logged or handed over.

On deletion nothing here is deleted: a booking is the organisation's (or the
centre's) and stays, with its history, without the link to the person (SET_NULL);
so do the correspondence records. A mail item names people who have no account
(the sender, the person who collected it): those are covered by the retention
period (`purge_mail_items`), not by this export.
"""

from django.db.models import Q

from cwop_portal.history import exported
from cwop_portal.personal_data import register
from rooms.models import (
    Booking,
    BookingChange,
    BookingSeries,
    ClosureChange,
    MailItem,
    ResourceChange,
)


def _iso(moment):
    return moment.isoformat() if moment else None


@register("rooms")
def export_rooms(user):
    bookings = (
        Booking.objects.filter(created_by=user)
        .select_related("resource", "organization")
        .prefetch_related("changes")
        .order_by("start", "pk")
    )
    series = (
        BookingSeries.objects.filter(created_by=user)
        .select_related("resource", "organization")
        .order_by("created_at", "pk")
    )
    decided = (
        Booking.objects.filter(Q(decided_by=user) | Q(cancelled_by=user))
        .exclude(created_by=user)
        .select_related("resource", "organization")
        .order_by("start", "pk")
    )
    other_changes = (
        BookingChange.objects.filter(user=user)
        .exclude(booking__created_by=user)
        .order_by("created_at", "pk")
    )
    return {
        "bookings_made": [
            {
                "room": booking.resource.name_pl,
                "organization": booking.organization.name if booking.organization_id else None,
                "start": booking.start.isoformat(),
                "end": booking.end.isoformat(),
                "status": booking.status,
                "purpose": booking.title,
                "attendees": booking.attendees,
                "notes": booking.notes,
                "created_at": booking.created_at.isoformat(),
                "cancelled_by_you": booking.cancelled_by_id == user.pk,
                "history": [
                    exported(change, user)
                    for change in sorted(booking.changes.all(), key=lambda c: (c.created_at, c.pk))
                ],
            }
            for booking in bookings
        ],
        "booking_series_made": [
            {
                "room": item.resource.name_pl,
                "organization": item.organization.name,
                "repeats": item.frequency,
                "until": item.until.isoformat(),
                "created_at": item.created_at.isoformat(),
            }
            for item in series
        ],
        "bookings_decided_or_cancelled": [
            {
                "booking": booking.pk,
                "room": booking.resource.name_pl,
                "organization": booking.organization.name if booking.organization_id else None,
                "start": booking.start.isoformat(),
                "decided_by_you": booking.decided_by_id == user.pk,
                "decided_at": _iso(booking.decided_at),
                "cancelled_by_you": booking.cancelled_by_id == user.pk,
                "cancelled_at": _iso(booking.cancelled_at),
            }
            for booking in decided
        ],
        "booking_history_entries": [
            {"booking": change.booking_id, **exported(change, user)} for change in other_changes
        ],
        "resource_history_entries": [
            {"resource": change.resource_id, **exported(change, user)}
            for change in ResourceChange.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "closure_history_entries": [
            {"closure": change.closure_id, **exported(change, user)}
            for change in ClosureChange.objects.filter(user=user).order_by("created_at", "pk")
        ],
    }


@register("rooms_mail")
def export_mail_items(user):
    items = (
        MailItem.objects.filter(Q(logged_by=user) | Q(handed_over_by=user))
        .select_related("organization")
        .order_by("logged_at", "pk")
    )
    return {
        "mail_items_handled": [
            {
                "organization": item.organization.name,
                "received_on": item.received_on.isoformat(),
                "kind": item.kind,
                "logged_by_you": item.logged_by_id == user.pk,
                "logged_at": item.logged_at.isoformat(),
                "handed_over_by_you": item.handed_over_by_id == user.pk,
                "collected_at": item.collected_at.isoformat() if item.collected_at else None,
            }
            for item in items
        ]
    }
