from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from cwop_portal.models import AccessibilityStatement, Document, Page, SiteSettings, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "is_demo"]
    list_filter = ["is_staff", "is_superuser", "is_active", "is_demo", "groups"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        (_("Demo data"), {"fields": ("is_demo",)}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "password1", "password2"),
            },
        ),
    )


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title_pl", "updated_at"]
    readonly_fields = ["key", "updated_at"]
    fieldsets = (
        (None, {"fields": ("key", "updated_at")}),
        (_("Polish"), {"fields": ("title_pl", "lead_pl", "body_pl")}),
        (_("English"), {"fields": ("title_en", "lead_en", "body_en")}),
    )

    def has_add_permission(self, request):
        return False  # the pages are fixed; staff edit their text

    def has_delete_permission(self, request, obj=None):
        return False


class SingletonAdmin(admin.ModelAdmin):
    """One row, edited in place: no list, no add, no delete."""

    def has_add_permission(self, request):
        return not self.model.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        from django.shortcuts import redirect
        from django.urls import reverse

        obj = self.model.load()
        opts = self.model._meta
        return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))


@admin.register(SiteSettings)
class SiteSettingsAdmin(SingletonAdmin):
    fieldsets = (
        (None, {"fields": ("centre_name_pl", "centre_name_en")}),
        (_("Contact"), {"fields": ("street_address", "postal_code", "city", "phone", "email")}),
        (_("Opening hours"), {"fields": ("opening_hours_pl", "opening_hours_en")}),
        (_("Demo data"), {"fields": ("is_demo",)}),
    )


@admin.register(AccessibilityStatement)
class AccessibilityStatementAdmin(SingletonAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("entity_name_pl", "entity_name_en", "published_on", "updated_on")}),
        (
            _("Compliance"),
            {
                "fields": (
                    "status",
                    "non_compliant_pl",
                    "non_compliant_en",
                    "exemptions_pl",
                    "exemptions_en",
                    "burden_analysis_url",
                )
            },
        ),
        (
            _("Preparation of the statement"),
            {"fields": ("prepared_on", "reviewed_on", "assessment", "auditor_name")},
        ),
        (_("Contact"), {"fields": ("contact_person", "contact_email", "contact_phone")}),
        (
            _("Other information"),
            {
                "fields": (
                    "keyboard_shortcuts_pl",
                    "keyboard_shortcuts_en",
                    "building_pl",
                    "building_en",
                    "sign_language_pl",
                    "sign_language_en",
                    "additional_pl",
                    "additional_en",
                )
            },
        ),
    )


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title_pl", "file_type", "size", "is_published", "position", "updated_at"]
    list_editable = ["is_published", "position"]
    list_filter = ["is_published", "is_demo"]
    search_fields = ["title_pl", "title_en"]
    fields = [
        "title_pl",
        "title_en",
        "description_pl",
        "description_en",
        "file",
        "is_published",
        "position",
        "is_demo",
    ]

    @admin.display(description=_("type"))
    def file_type(self, obj):
        return obj.extension

    @admin.display(description=_("size"), ordering="file_size")
    def size(self, obj):
        return filesizeformat(obj.file_size)
