from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cwop_portal.admin_helpers import (
    HistoryAdminMixin,
    ServiceActionsMixin,
    ServiceDeletionMixin,
    ServiceRefusalMixin,
    adopt,
    reject_with_reason,
)
from cwop_portal.admin_site import register_pending
from organizations.models import (
    ContactMessage,
    District,
    FieldOfActivity,
    Membership,
    NewsAttachment,
    NewsPost,
    Organization,
    TargetGroup,
)
from organizations.services import news as news_services
from organizations.services import organizations as services


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


def _last_administrator():
    return _("An organisation must keep at least one administrator.")


class MembershipInlineFormSet(BaseInlineFormSet):
    """The organisation's members; saved through `organizations.services.organizations` (see
    `save_memberships`), checked here first so that a mistake shows on the form: a
    row given to another person, or no administrator left."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        had_admin = self.instance.pk is not None and (
            Membership.objects.filter(
                organization=self.instance.pk,
                role=Membership.Role.ADMIN,
                status=Membership.Status.ACTIVE,
            ).exists()
        )
        admins = 0
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue  # an empty extra row
            if self._should_delete_form(form):
                continue
            existing = form.instance.pk is not None
            if existing and "user" in form.changed_data:
                form.add_error(
                    "user",
                    _(
                        "To give this place to someone else, add them in a new row and "
                        "delete this one."
                    ),
                )
            status = form.instance.status if existing else Membership.Status.ACTIVE
            if form.cleaned_data.get("role") == Membership.Role.ADMIN and (
                status == Membership.Status.ACTIVE
            ):
                admins += 1
        if had_admin and not admins:
            raise ValidationError(_last_administrator())


def save_memberships(formset, by):
    """The rows of the membership inline through the services, in an order that never
    leaves the organisation without an administrator on the way: new members and
    new administrators first, then the other roles, then the deleted rows. A person
    added here is an active member at once and is told by e-mail."""
    formset.save(commit=False)
    organization = formset.instance
    for membership in formset.new_objects:
        services.membership_add(
            organization=organization, user=membership.user, role=membership.role, by=by
        )
    changed = [m for m, fields in formset.changed_objects if "role" in fields]
    for membership in sorted(changed, key=lambda m: m.role != Membership.Role.ADMIN):
        services.membership_set_role(membership=membership, role=membership.role, by=by)
    for membership in formset.deleted_objects:
        services.membership_remove(membership=membership, by=by)


class MembershipInline(admin.TabularInline):
    """A request to join is accepted in the memberships' list (its action e-mails the
    person); here staff add members, change roles and delete rows."""

    model = Membership
    formset = MembershipInlineFormSet
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "status", "message", "created_at"]
    readonly_fields = ["status", "message", "created_at"]
    show_change_link = True


@admin.register(Organization)
class OrganizationAdmin(
    HistoryAdminMixin, ServiceRefusalMixin, ServiceActionsMixin, admin.ModelAdmin
):
    """Profiles are added and edited through `organization_edit_by_staff` (history,
    the row locked against a member's edit at the same time), their members through
    the membership services; the status changes only through the actions."""

    records_admin_saves = False
    records_inline_saves = False  # memberships are saved (and recorded) by the services

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
    inlines = [MembershipInline]
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

    def has_delete_permission(self, request, obj=None):
        # Archived, not deleted: its bookings, loans, news and history refer to it.
        return False

    def save_model(self, request, obj, form, change):
        many = set(services.M2M_FIELDS)
        data = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name not in many and name != "logo"
        }
        logo = form.cleaned_data.get("logo")
        if "logo" in form.changed_data and not logo:
            data["logo"] = ""  # "clear" ticked
        saved = services.organization_edit_by_staff(
            user=request.user,
            organization=obj if change else None,
            data=data,
            logo=logo if isinstance(logo, UploadedFile) else None,
            **{
                name: form.cleaned_data[name] if name in form.changed_data else None
                for name in many
            },
        )
        adopt(obj, saved)

    def save_related(self, request, form, formsets, change):
        # The many-to-many fields were saved by the service (with the search text).
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            save_memberships(formset, request.user)
        else:
            super().save_formset(request, form, formset, change)

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


class VocabularyAdminMixin(ServiceDeletionMixin):
    """Saved and deleted through `term_save` / `term_delete`: the search text of the
    profiles that name the entry follows."""

    def save_model(self, request, obj, form, change):
        services.term_save(term=obj)

    def delete_with_service(self, request, obj):
        services.term_delete(term=obj)


@admin.register(FieldOfActivity, TargetGroup)
class TermAdmin(VocabularyAdminMixin, admin.ModelAdmin):
    list_display = ["name_pl", "name_en", "position"]
    list_editable = ["position"]
    search_fields = ["name_pl", "name_en"]
    prepopulated_fields = {"slug": ["name_pl"]}


@admin.register(District)
class DistrictAdmin(VocabularyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class MembershipForm(forms.ModelForm):
    """A new member (added active at once, told by e-mail), or another role."""

    class Meta:
        model = Membership
        fields = ["user", "organization", "role"]

    def clean_role(self):
        role = self.cleaned_data["role"]
        stored = self.instance  # its fields are the stored ones until the form is valid
        if stored.pk and role != Membership.Role.ADMIN and services.is_last_administrator(stored):
            raise ValidationError(_last_administrator())
        return role


@admin.register(Membership)
class MembershipAdmin(ServiceDeletionMixin, ServiceActionsMixin, admin.ModelAdmin):
    """Members are added, given roles, accepted and removed through
    `organizations.services.organizations`, as on the organisation's own members' page: the last
    administrator stays, and the person is told by e-mail."""

    form = MembershipForm
    list_display = ["user", "organization", "role", "status", "created_at"]
    list_filter = ["status", "role"]
    search_fields = ["user__email", "organization__name"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]
    actions = ["accept"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "organization", "role"]
        return ["user", "organization", "role", "status", "message", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["user", "organization", "status", "message", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            saved = services.membership_add(
                organization=obj.organization, user=obj.user, role=obj.role, by=request.user
            )
            adopt(obj, saved)
        elif "role" in form.changed_data:
            services.membership_set_role(membership=obj, role=obj.role, by=request.user)

    def delete_with_service(self, request, obj):
        services.membership_remove(membership=obj, by=request.user)

    def deletion_refusals(self, request, obj):
        return [_last_administrator()] if services.is_last_administrator(obj) else []

    def call_service(self, service, obj, user, **kwargs):
        return service(membership=obj, by=user, **kwargs)

    @admin.action(description=_("Accept selected requests to join"), permissions=["change"])
    def accept(self, request, queryset):
        self.run_service(
            request,
            queryset.select_related("user", "organization"),
            services.membership_approve,
            lambda n: (
                ngettext(
                    "%(count)d request to join accepted.", "%(count)d requests to join accepted.", n
                )
                % {"count": n}
            ),
        )


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    """Kept for staff only for the retention period; read-only."""

    list_display = ["organization", "sender_name", "created_at"]
    search_fields = ["organization__name", "sender_name", "sender_email"]
    readonly_fields = ["organization", "sender_name", "sender_email", "body", "created_at"]
    list_select_related = ["organization"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        # Past the retention period a message is as good as deleted (the purge
        # deletes it on its next run).
        return super().get_queryset(request).retained()

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
    """Saved (and deleted, files included) through `news_attachments_update`."""

    model = NewsAttachment
    extra = 0
    fields = ["title", "file", "position"]


NEWS_MODERATION_FIELDS = [
    "status",
    "rejection_reason",
    "author",
    "submitted_at",
    "created_at",
    "updated_at",
    "is_demo",
]


@admin.register(NewsPost)
class NewsPostAdmin(HistoryAdminMixin, ServiceDeletionMixin, ServiceActionsMixin, admin.ModelAdmin):
    """Staff write the centre's news here (published directly) and moderate the
    organisations' posts with the approve / reject actions. Writing, editing and
    deleting go through `organizations.services.news`, as on the members' pages: the
    image is re-encoded, replaced files are removed, and the status changes only
    through the actions (with their e-mails)."""

    records_admin_saves = False

    list_display = ["title", "organization", "category", "status", "published_at", "expires_at"]
    list_filter = ["status", "category", "is_demo"]
    search_fields = ["title", "lead", "organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
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

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return self.fieldsets
        first = (
            None,
            {
                "description": _(
                    "A post written here is published at once (or at its publication date)."
                ),
                "fields": self.fieldsets[0][1]["fields"],
            },
        )
        return (first, *self.fieldsets[1:-1])  # no moderation yet

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # Its address and organisation stay (links to it have gone out).
        return ["slug", "organization", *NEWS_MODERATION_FIELDS]

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ["title"]} if obj is None else {}

    def get_changeform_initial_data(self, request):
        # The centre's own posts are published at once.
        return {"published_at": timezone.now(), "category": NewsPost.Category.CENTRE}

    def save_model(self, request, obj, form, change):
        cleaned = form.cleaned_data
        data = {
            name: cleaned[name]
            for name in news_services.EDITABLE_FIELDS
            if name in cleaned and (name in form.changed_data or not change)
        }
        image = cleaned.get("lead_image")
        upload = image if isinstance(image, UploadedFile) else None
        if change:
            if "lead_image" in form.changed_data and not image:
                data["remove_image"] = True  # "clear" ticked
            saved = news_services.news_update(post=obj, user=request.user, data=data, image=upload)
        else:
            saved = news_services.news_create(
                user=request.user,
                organization=cleaned.get("organization"),
                data=data,
                image=upload,
                slug=cleaned.get("slug") or "",
            )
        adopt(obj, saved)

    def save_formset(self, request, form, formset, change):
        if formset.model is not NewsAttachment:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        news_services.news_attachments_update(
            post=form.instance,
            user=request.user,
            save=[*formset.new_objects, *(a for a, _fields in formset.changed_objects)],
            delete=formset.deleted_objects,
        )

    def delete_with_service(self, request, obj):
        news_services.news_delete(post=obj, user=request.user)

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
