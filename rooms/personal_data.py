"""The correspondence's part of "download my data".

A mail item names people who have no account (the sender, the person who
collected it): those are covered by the retention period, not by this export.
A person's account appears on an item only as the member of staff who logged it
or handed it over; that is what is exported here.
"""

from django.db.models import Q

from cwop_portal.personal_data import register
from rooms.models import MailItem


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
