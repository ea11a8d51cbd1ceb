"""The staff roles, kept as Django groups with their permissions.

Groups are (re)synchronised after every `migrate`, so a permission of a model
added by a later migration reaches the group without a manual step.
"""

from django.apps import apps as global_apps
from django.utils.translation import gettext_lazy as _

CENTRE_STAFF = "Centre staff"
ADVISORS = "Advisors"

# Labels for the admin (group names stay stable identifiers).
ROLE_LABELS = {CENTRE_STAFF: _("Centre staff"), ADVISORS: _("Advisors")}

# Centre staff may manage every model of these apps...
CENTRE_STAFF_APPS = [
    "cwop_portal",
    "organizations",
    "rooms",
    "consultations",
    "library",
    "cooperation",
    "awards",
]
# ...and see (not change) user accounts and groups.
CENTRE_STAFF_EXTRA = ["cwop_portal.view_user", "auth.view_group"]
# Advisors manage their own schedule through pages of the consultations app.
ADVISOR_PERMISSIONS = []


def sync_role_groups(apps=global_apps, verbosity=1, **kwargs):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    staff_permissions = Permission.objects.filter(
        content_type__app_label__in=CENTRE_STAFF_APPS
    ).exclude(content_type__model="user")
    extra = []
    for dotted in CENTRE_STAFF_EXTRA + ADVISOR_PERMISSIONS:
        app_label, codename = dotted.split(".")
        extra.extend(
            Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )
    staff_group, _created = Group.objects.get_or_create(name=CENTRE_STAFF)
    staff_group.permissions.add(*staff_permissions, *extra)
    advisors, _created = Group.objects.get_or_create(name=ADVISORS)
    if ADVISOR_PERMISSIONS:
        advisors.permissions.add(
            *[p for p in extra if f"{p.content_type.app_label}.{p.codename}" in ADVISOR_PERMISSIONS]
        )
