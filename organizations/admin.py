from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cwop_portal.admin_site import register_pending
from organizations import services
from organizations.models import (
    ContactMessage,
    District,
    FieldOfActivity,
    Membership,
    Organization,
    OrganizationChange,
    TargetGroup,
)


def waiting_for_approval():
    return Organization.objects.filter(
        Q(status=Organization.Status.PENDING) | ~Q(pending_identity={})
    )


register_pending(
    _("Organisations waiting for approval"),
    lambda: reverse("admin:organizations_organization_changelist") + "?waiting=yes",
    waiting_for_approval,
    "organizations.view_organization",
)


class WaitingFilter(admin.SimpleListFilter):
    title = _("waiting for approval")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("yes", _("yes"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=waiting_for_approval().values("pk"))
        return queryset


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "status", "message", "created_at"]
    readonly_fields = ["message", "created_at"]


class OrganizationChangeInline(admin.TabularInline):
    model = OrganizationChange
    extra = 0
    can_delete = False
    fields = ["created_at", "user", "action", "changes", "note"]
    readonly_fields = fields
    ordering = ["-created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "name",
        "legal_form",
        "status",
        "has_pending_identity",
        "is_opp",
        "district",
        "updated_at",
    ]
    list_filter = [
        WaitingFilter,
        "status",
        "legal_form",
        "is_opp",
        "is_looking_for_volunteers",
        "district",
        "fields_of_activity",
        "is_demo",
    ]
    search_fields = ["name", "short_name", "krs", "nip", "regon", "slug"]
    list_select_related = ["district"]
    filter_horizontal = ["fields_of_activity", "target_groups"]
    readonly_fields = [
        "status",
        "rejection_reason",
        "pending_identity",
        "submitted_at",
        "published_at",
        "created_at",
        "updated_at",
    ]
    inlines = [MembershipInline, OrganizationChangeInline]
    actions = ["approve", "reject", "archive"]
    save_on_top = True
    fieldsets = (
        (
            _("Moderation"),
            {
                "fields": (
                    "status",
                    "pending_identity",
                    "rejection_reason",
                    "submitted_at",
                    "published_at",
                    "created_at",
                    "updated_at",
                )
            },
        ),
        (
            _("Identity"),
            {
                "fields": (
                    "name",
                    "short_name",
                    "slug",
                    "legal_form",
                    "krs",
                    "ordinary_register_number",
                    "nip",
                    "regon",
                    "is_opp",
                )
            },
        ),
        (
            _("Activity"),
            {
                "fields": (
                    "fields_of_activity",
                    "target_groups",
                    "district",
                    "description",
                    "logo",
                    "year_founded",
                    "is_looking_for_volunteers",
                    "volunteering_description",
                    "data_confirmed_on",
                )
            },
        ),
        (
            _("Contact"),
            {
                "fields": (
                    "street_address",
                    "postal_code",
                    "city",
                    "phone",
                    "public_email",
                    "show_email",
                    "website",
                    "facebook_url",
                    "instagram_url",
                )
            },
        ),
        (_("Demo data"), {"fields": ("is_demo",)}),
    )

    @admin.display(boolean=True, description=_("changes waiting"))
    def has_pending_identity(self, obj):
        return bool(obj.pending_identity)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            changes = {
                field: [str(form.initial.get(field)), str(form.cleaned_data.get(field))]
                for field in form.changed_data
            }
            OrganizationChange.objects.create(
                organization=obj, user=request.user, action="edited_by_staff", changes=changes
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.rebuild_search_document()

    def _run(self, request, queryset, service, done_message, **kwargs):
        done = 0
        for organization in queryset:
            try:
                service(organization=organization, user=request.user, **kwargs)
                done += 1
            except ValidationError as exc:
                self.message_user(
                    request, f"{organization}: {' '.join(exc.messages)}", messages.WARNING
                )
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Approve (publish) selected organisations"))
    def approve(self, request, queryset):
        self._run(
            request,
            queryset,
            services.organization_approve,
            lambda n: (
                ngettext("%(count)d organisation approved.", "%(count)d organisations approved.", n)
                % {"count": n}
            ),
        )

    @admin.action(description=_("Reject selected organisations (with a reason)"))
    def reject(self, request, queryset):
        reason = request.POST.get("reason", "").strip()
        if request.POST.get("confirm") and reason:
            self._run(
                request,
                queryset,
                services.organization_reject,
                lambda n: (
                    ngettext(
                        "%(count)d organisation rejected.", "%(count)d organisations rejected.", n
                    )
                    % {"count": n}
                ),
                reason=reason,
            )
            return None
        return render(
            request,
            "admin/organizations/organization/reject.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Reject organisations"),
                "organizations": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "reason_missing": bool(request.POST.get("confirm")) and not reason,
            },
        )

    @admin.action(description=_("Archive selected organisations"))
    def archive(self, request, queryset):
        self._run(
            request,
            queryset,
            services.organization_archive,
            lambda n: (
                ngettext("%(count)d organisation archived.", "%(count)d organisations archived.", n)
                % {"count": n}
            ),
        )


@admin.register(FieldOfActivity, TargetGroup)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name_pl", "name_en", "position"]
    list_editable = ["position"]
    search_fields = ["name_pl", "name_en"]
    prepopulated_fields = {"slug": ["name_pl"]}


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "status", "created_at"]
    list_filter = ["status", "role"]
    search_fields = ["user__email", "organization__name"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    """Kept for staff only for the retention period; read-only."""

    list_display = ["organization", "sender_name", "created_at"]
    search_fields = ["organization__name", "sender_name", "sender_email"]
    readonly_fields = ["organization", "sender_name", "sender_email", "body", "created_at"]
    list_select_related = ["organization"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
