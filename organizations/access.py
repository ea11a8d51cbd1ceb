"""Who may work on an organisation: one helper, used by every app's pages.

An organisation the person is not an active member of does not exist for them
(404). Centre staff are no exception: they work on organisations in the admin.
"""

from django.shortcuts import get_object_or_404

from organizations.models import Membership


def get_organization_for_member_or_404(user, slug, *, admin_only=False):
    """The organisation `slug` when `user` is its active member (an administrator
    when `admin_only`), with that membership as `organization.membership`; a 404
    for everybody else. One query."""
    memberships = Membership.objects.select_related("organization").filter(
        user=user, organization__slug=slug, status=Membership.Status.ACTIVE
    )
    if admin_only:
        memberships = memberships.filter(role=Membership.Role.ADMIN)
    membership = get_object_or_404(memberships)
    organization = membership.organization
    organization.membership = membership
    return organization
