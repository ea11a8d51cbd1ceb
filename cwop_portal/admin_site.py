"""The portal's admin site: Django's, with a "waiting for you" box on the index.

Apps register what staff have to act on (e.g. organisations waiting for approval)
with `register_pending`; the base imports no app.
"""

from functools import wraps

from django.contrib import admin
from django.core.exceptions import BadRequest
from django.utils.translation import gettext_lazy as _

_pending = []


def register_pending(label, changelist_url, queryset_factory, permission):
    """`label`: what is waiting; `changelist_url`: a callable returning the link;
    `queryset_factory`: a callable returning the waiting rows; `permission`: the
    "app.view_model" permission needed to see the line."""
    _pending.append((label, changelist_url, queryset_factory, permission))


def _has_nul(request):
    return "\x00" in request.path or any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


class PortalAdminSite(admin.AdminSite):
    site_header = _("CWOP — admin panel")
    site_title = _("CWOP — admin panel")
    index_title = _("Portal administration")
    index_template = "admin/portal_index.html"

    def admin_view(self, view, cacheable=False):
        """Every admin page refuses a NUL byte in its address as a bad request: the
        lists' filters pass their values straight to the database, and PostgreSQL
        refuses NUL in a query (a server error otherwise)."""
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def refusing_nul(request, *args, **kwargs):
            if _has_nul(request):
                raise BadRequest("A NUL byte in the address.")
            return inner(request, *args, **kwargs)

        return refusing_nul

    def index(self, request, extra_context=None):
        items = [
            {"label": label, "url": url(), "count": factory().count()}
            for label, url, factory, permission in _pending
            if request.user.has_perm(permission)
        ]
        extra_context = {**(extra_context or {}), "pending_items": items}
        return super().index(request, extra_context)
