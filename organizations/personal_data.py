"""The directory's part of "download my data"."""

from cwop_portal.personal_data import register
from organizations.models import Membership


@register("organizations")
def export_memberships(user):
    return {
        "memberships": [
            {
                "organization": m.organization.name,
                "role": m.role,
                "status": m.status,
                "since": m.created_at.isoformat(),
            }
            for m in Membership.objects.filter(user=user).select_related("organization")
        ]
    }
