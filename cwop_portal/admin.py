from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cwop_portal import page_services, services
from cwop_portal.admin_helpers import HistoryAdminMixin, ServiceDeletionMixin
from cwop_portal.models import (
    AccessibilityStatement,
    CustomPage,
    Document,
    Page,
    SiteSettings,
    User,
)
from cwop_portal.roles import ROLE_LABELS


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts are deleted only through `cwop_portal.services.user_delete` (and
    `users_delete` for "Delete selected"), as on the site: the same blockers (books
    on loan, the only administrator of an organisation…) and the same erasing of
    personal data. A blocked deletion is an error message and deletes nothing; a
    bulk delete deletes none of the selected accounts while any of them is blocked."""

    actions = ["delete_selected"]
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

    def _refused(self, request, user, reasons):
        for reason in reasons:
            self.message_user(
                request,
                gettext("The account %(account)s cannot be deleted: %(reason)s")
                % {"account": user.email, "reason": reason},
                messages.ERROR,
            )

    def delete_view(self, request, object_id, extra_context=None):
        user = self.get_object(request, unquote(object_id))
        if user is not None and self.has_delete_permission(request, user):
            blockers = services.user_deletion_blockers(user=user)
            if blockers:
                self._refused(request, user, [blocker.message for blocker in blockers])
                return HttpResponseRedirect(
                    reverse("admin:cwop_portal_user_change", args=[user.pk])
                )
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:  # blocked meanwhile: Django's view is atomic
            self._refused(request, user, error.messages)
            return HttpResponseRedirect(reverse("admin:cwop_portal_user_change", args=[user.pk]))

    def delete_model(self, request, obj):
        services.user_delete(user=obj)

    def delete_queryset(self, request, queryset):
        services.users_delete(users=list(queryset))

    @admin.action(permissions=["delete"], description=_("Delete selected %(verbose_name_plural)s"))
    def delete_selected(self, request, queryset):
        """Django's "Delete selected" (its confirmation page), refused with the
        reasons while any selected account is blocked."""
        blocked = False
        for user in queryset.order_by("email"):
            blockers = services.user_deletion_blockers(user=user)
            if blockers:
                blocked = True
                self._refused(request, user, [blocker.message for blocker in blockers])
        if blocked:
            return None
        try:
            # All or nothing, with the log entries Django writes before deleting.
            with transaction.atomic(using=router.db_for_write(User)):
                return django_delete_selected(self, request, queryset)
        except ValidationError as error:  # blocked meanwhile
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
            return None


@admin.register(Page)
class PageAdmin(HistoryAdminMixin, admin.ModelAdmin):
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
class SiteSettingsAdmin(HistoryAdminMixin, SingletonAdmin):
    fieldsets = (
        (None, {"fields": ("centre_name_pl", "centre_name_en")}),
        (_("Contact"), {"fields": ("street_address", "postal_code", "city", "phone", "email")}),
        (_("Opening hours"), {"fields": ("opening_hours_pl", "opening_hours_en")}),
        (_("Demo data"), {"fields": ("is_demo",)}),
    )


@admin.register(AccessibilityStatement)
class AccessibilityStatementAdmin(HistoryAdminMixin, SingletonAdmin):
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
class DocumentAdmin(HistoryAdminMixin, admin.ModelAdmin):
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


class CustomPageForm(forms.ModelForm):
    class Meta:
        model = CustomPage
        fields = [*page_services.FIELDS]

    def clean_slug(self):
        """The address, checked as the service checks it: an error on this field."""
        slug = self.cleaned_data["slug"].strip().lower()
        problem = page_services.address_problem(slug)
        if problem:
            raise forms.ValidationError(problem)
        return slug


@admin.register(CustomPage)
class CustomPageAdmin(HistoryAdminMixin, ServiceDeletionMixin, admin.ModelAdmin):
    """Pages staff add at their own addresses, linked from the menu or the footer.
    Saved and deleted through `cwop_portal.page_services` (the address checked
    against every page of the portal, the history kept, the links refreshed); "View
    on site" shows an unpublished page to staff, as a preview."""

    form = CustomPageForm
    records_admin_saves = False  # the service records
    list_display = ["title_pl", "address", "placement", "position", "is_published", "updated_at"]
    list_filter = ["is_published", "placement", "is_demo"]
    search_fields = ["title_pl", "title_en", "slug"]
    prepopulated_fields = {"slug": ["title_pl"]}
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = (
        (None, {"fields": ("slug", "is_published", "placement", "position")}),
        (_("Polish"), {"fields": ("title_pl", "lead_pl", "body_pl")}),
        (_("English"), {"fields": ("title_en", "lead_en", "body_en")}),
        (_("History"), {"fields": ("created_at", "updated_at", "is_demo")}),
    )

    @admin.display(description=_("address"), ordering="slug")
    def address(self, obj):
        url = obj.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)

    def save_model(self, request, obj, form, change):
        page_services.custom_page_save(page=obj, user=request.user)

    def delete_with_service(self, request, obj):
        page_services.custom_page_delete(page=obj, user=request.user)


class PortalGroupAdmin(GroupAdmin):
    """The staff roles' groups (cwop_portal.roles) hold everybody's permissions: they
    are not deleted (a deleted one would lock its people out until the next
    migrate); other groups may go."""

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.name in ROLE_LABELS:
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        roles = [
            gettext("The group “%(group)s” is a staff role and cannot be deleted.")
            % {"group": ROLE_LABELS[group.name]}
            for group in objs
            if group.name in ROLE_LABELS
        ]
        return to_delete, model_count, perms_needed, [*protected, *roles]


admin.site.unregister(Group)
admin.site.register(Group, PortalGroupAdmin)
