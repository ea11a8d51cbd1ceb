"""An organisation's private calendar feed: its administrators switch it on, renew
its secret address (the old one stops working) or switch it off."""

from django.db import transaction

from organizations.models import Organization
from rooms.models import CalendarFeed


@transaction.atomic
def calendar_feed_renew(*, organization: Organization) -> CalendarFeed:
    """A new secret address; the old one, if any, no longer works. The organisation's
    row is locked so that two clicks at once leave one feed."""
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    CalendarFeed.objects.filter(organization=organization).delete()
    return CalendarFeed.objects.create(organization=organization)


@transaction.atomic
def calendar_feed_delete(*, organization: Organization) -> None:
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    CalendarFeed.objects.filter(organization=organization).delete()
