"""The portal's admin site: Django's, with a "waiting for you" box on the index.

Apps register what staff have to act on (e.g. organisations waiting for approval)
with `register_pending`; the base imports no app.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

_pending = []


def register_pending(label, changelist_url, queryset_factory, permission):
    """`label`: what is waiting; `changelist_url`: a callable returning the link;
    `queryset_factory`: a callable returning the waiting rows; `permission`: the
    "app.view_model" permission needed to see the line."""
    _pending.append((label, changelist_url, queryset_factory, permission))


class PortalAdminSite(admin.AdminSite):
    site_header = _("CWOP — admin panel")
    site_title = _("CWOP — admin panel")
    index_title = _("Portal administration")
    index_template = "admin/portal_index.html"

    def index(self, request, extra_context=None):
        items = [
            {"label": label, "url": url(), "count": factory().count()}
            for label, url, factory, permission in _pending
            if request.user.has_perm(permission)
        ]
        extra_context = {**(extra_context or {}), "pending_items": items}
        return super().index(request, extra_context)
