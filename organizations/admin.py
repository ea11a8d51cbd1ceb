from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cwop_portal.admin_site import register_pending
from organizations import news_services, services
from organizations.models import (
    ContactMessage,
    District,
    FieldOfActivity,
    Membership,
    NewsAttachment,
    NewsPost,
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


def reject_with_reason(model_admin, request, queryset, service, done_message, *, title):
    """An admin action that first asks for the reason, then calls `service` for
    each selected object with it (the reason is e-mailed by the service)."""
    reason = request.POST.get("reason", "").strip()
    if request.POST.get("confirm") and reason:
        model_admin.run_service(request, queryset, service, done_message, reason=reason)
        return None
    opts = model_admin.model._meta
    return render(
        request,
        "admin/reject_with_reason.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "objects": queryset,
            "opts": opts,
            "action": request.POST.get("action"),
            "changelist_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "reason_missing": bool(request.POST.get("confirm")) and not reason,
        },
    )


class ServiceActionsMixin:
    def run_service(self, request, queryset, service, done_message, **kwargs):
        done = 0
        for obj in queryset:
            try:
                self.call_service(service, obj, request.user, **kwargs)
                done += 1
            except ValidationError as exc:
                self.message_user(request, f"{obj}: {' '.join(exc.messages)}", messages.WARNING)
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)


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
class OrganizationAdmin(ServiceActionsMixin, admin.ModelAdmin):
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

    def call_service(self, service, obj, user, **kwargs):
        return service(organization=obj, user=user, **kwargs)

    @admin.action(description=_("Approve (publish) selected organisations"))
    def approve(self, request, queryset):
        self.run_service(
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
        return reject_with_reason(
            self,
            request,
            queryset,
            services.organization_reject,
            lambda n: (
                ngettext("%(count)d organisation rejected.", "%(count)d organisations rejected.", n)
                % {"count": n}
            ),
            title=_("Reject organisations"),
        )

    @admin.action(description=_("Archive selected organisations"))
    def archive(self, request, queryset):
        self.run_service(
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


def news_waiting_for_approval():
    return NewsPost.objects.filter(status=NewsPost.Status.SUBMITTED)


register_pending(
    _("News waiting for approval"),
    lambda: reverse("admin:organizations_newspost_changelist") + "?status__exact=submitted",
    news_waiting_for_approval,
    "organizations.view_newspost",
)


class NewsAttachmentInline(admin.TabularInline):
    model = NewsAttachment
    extra = 0
    fields = ["title", "file", "position"]


@admin.register(NewsPost)
class NewsPostAdmin(ServiceActionsMixin, admin.ModelAdmin):
    """Staff write the centre's news here (published directly) and moderate the
    organisations' posts with the approve / reject actions."""

    list_display = ["title", "organization", "category", "status", "published_at", "expires_at"]
    list_filter = ["status", "category", "is_demo"]
    search_fields = ["title", "lead", "organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["author", "submitted_at", "created_at", "updated_at"]
    date_hierarchy = "published_at"
    inlines = [NewsAttachmentInline]
    actions = ["approve", "reject"]
    fieldsets = (
        (
            None,
            {"fields": ("title", "slug", "organization", "category", "lead", "body")},
        ),
        (_("Image"), {"fields": ("lead_image", "lead_image_alt")}),
        (
            _("Dates"),
            {
                "fields": (
                    "published_at",
                    "expires_at",
                    "funding_deadline",
                    "event_starts_at",
                    "event_place",
                )
            },
        ),
        (
            _("Moderation"),
            {
                "fields": (
                    "status",
                    "rejection_reason",
                    "author",
                    "submitted_at",
                    "created_at",
                    "updated_at",
                    "is_demo",
                )
            },
        ),
    )

    def get_changeform_initial_data(self, request):
        # The centre's own posts are published at once.
        return {
            "status": NewsPost.Status.PUBLISHED,
            "published_at": timezone.now(),
            "category": NewsPost.Category.CENTRE,
        }

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        if obj.status == NewsPost.Status.PUBLISHED and not obj.published_at:
            obj.published_at = timezone.now()
        super().save_model(request, obj, form, change)

    def call_service(self, service, obj, user, **kwargs):
        return service(post=obj, user=user, **kwargs)

    @admin.action(description=_("Publish selected news"))
    def approve(self, request, queryset):
        self.run_service(
            request,
            queryset,
            news_services.news_approve,
            lambda n: (
                ngettext("%(count)d post published.", "%(count)d posts published.", n)
                % {"count": n}
            ),
        )

    @admin.action(description=_("Reject selected news (with a reason)"))
    def reject(self, request, queryset):
        return reject_with_reason(
            self,
            request,
            queryset,
            news_services.news_reject,
            lambda n: (
                ngettext("%(count)d post rejected.", "%(count)d posts rejected.", n) % {"count": n}
            ),
            title=_("Reject news"),
        )
