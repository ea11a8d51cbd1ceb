"""The admin of the correspondence that arrives at the centre's address.

Imported at the end of `rooms/admin/bookings.py`. Adding an item here goes through
`mail_item_log` (so the organisation's members get their e-mail); the "mark
collected" action asks for the name of the person who collected the mail, then
calls `mail_item_collect` for each selected item.
"""

from django import forms
from django.contrib import admin
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cwop_portal.admin_helpers import ServiceActionsMixin
from rooms.models import MailItem
from rooms.services import mail as mail_services

MAIN_FIELDS = ["organization", "received_on", "kind", "sender", "note"]
LOG_FIELDS = ["logged_by", "logged_at"]
COLLECTION_FIELDS = ["collected_at", "collected_by", "handed_over_by"]


class CollectedFilter(admin.SimpleListFilter):
    title = _("collected")
    parameter_name = "collected"

    def lookups(self, request, model_admin):
        return [("yes", _("yes")), ("no", _("no"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(collected_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(collected_at__isnull=True)
        return queryset


class MailItemAdminForm(forms.ModelForm):
    class Meta:
        model = MailItem
        fields = MAIN_FIELDS

    def clean_received_on(self):
        value = self.cleaned_data.get("received_on")
        mail_services.validate_received_on(value)
        return value


def collect_with_name(model_admin, request, queryset, done_message, *, title):
    """An admin action that first asks who collected the mail, then calls
    `mail_item_collect` for each selected item with that name."""
    name = " ".join(request.POST.get("collected_by", "").split())
    confirmed = bool(request.POST.get("confirm"))
    if confirmed and name:
        model_admin.run_service(
            request, queryset, mail_services.mail_item_collect, done_message, collected_by=name
        )
        return None
    opts = model_admin.model._meta
    return render(
        request,
        "admin/rooms/mail_collect.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "objects": queryset.select_related("organization"),
            "opts": opts,
            "action": request.POST.get("action"),
            "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "name_missing": confirmed and not name,
            "max_length": opts.get_field("collected_by").max_length,
        },
    )


@admin.register(MailItem)
class MailItemAdmin(ServiceActionsMixin, admin.ModelAdmin):
    form = MailItemAdminForm
    list_display = ["organization", "received_on", "kind", "sender", "collected"]
    list_filter = ["kind", CollectedFilter, "received_on"]
    search_fields = ["sender", "note", "collected_by", "organization__name"]
    autocomplete_fields = ["organization"]
    list_select_related = ["organization"]
    date_hierarchy = "received_on"
    actions = ["mark_collected"]

    @admin.display(boolean=True, description=_("collected"), ordering="collected_at")
    def collected(self, obj):
        return obj.is_collected

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": MAIN_FIELDS})]
        return [
            (None, {"fields": MAIN_FIELDS + LOG_FIELDS}),
            (_("Collection"), {"fields": COLLECTION_FIELDS}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # The members were told about this organisation's mail: a mistake is put
        # right by deleting the item and logging it again for the right one.
        return ["organization", *LOG_FIELDS, *COLLECTION_FIELDS]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        item = mail_services.mail_item_log(
            organization=obj.organization,
            sender=obj.sender,
            kind=obj.kind,
            received_on=obj.received_on,
            note=obj.note,
            user=request.user,
        )
        # The admin goes on with `obj` (history entry, redirect): make it the saved row.
        obj.pk = item.pk
        obj.logged_by = item.logged_by
        obj.logged_at = item.logged_at
        obj._state.adding = False
        obj._state.db = item._state.db

    def call_service(self, service, obj, user, **kwargs):
        return service(item=obj, user=user, **kwargs)

    @admin.action(description=_("Mark selected mail as collected"), permissions=["change"])
    def mark_collected(self, request, queryset):
        return collect_with_name(
            self,
            request,
            queryset,
            lambda n: (
                ngettext(
                    "%(count)d item marked as collected.", "%(count)d items marked as collected.", n
                )
                % {"count": n}
            ),
            title=_("Mark mail as collected"),
        )
