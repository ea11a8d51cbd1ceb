"""The members' page of the correspondence that arrived at the centre's address.

An organisation the person is not an active member of does not exist for them
(404); centre staff are no exception: they see all correspondence in the admin.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from organizations.access import get_organization_for_member_or_404
from rooms.schedule import opening_hours_summary
from rooms.services.mail import retention_days


@login_required
@require_http_methods(["GET", "HEAD"])
def organization_mail(request, slug):
    organization = get_organization_for_member_or_404(request.user, slug)
    items = list(organization.mail_items.order_by("-received_on", "-pk"))
    return render(
        request,
        "rooms/mail_list.html",
        {
            "organization": organization,
            "waiting": [item for item in items if not item.is_collected],
            "collected": [item for item in items if item.is_collected],
            # With no resource: the centre's own opening hours.
            "opening_hours": opening_hours_summary(None),
            "retention_days": retention_days(),
        },
    )
