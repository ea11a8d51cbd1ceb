from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """Django's admin with the portal's site (branding, the "waiting for you" box)."""

    default_site = "cwop_portal.admin_site.PortalAdminSite"
