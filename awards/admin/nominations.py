"""Nominations in the admin: the list with filters (edition, category, formal check,
who is nominated, what the nomination awaits, award), the formal check's actions
(accept; reject with a reason, e-mailed to the nominator), the downloads of the
selected nominations (CSV for a Polish Excel, XLSX — with the contact data staff
need to reach nominators and guardians), and each nomination's page: every field
readable, the attachments to download, the history.

Decided here: a nomination is written only by the nominator (the public form) and
the services. Staff change on its page only what the results show: the description
(through `awards.services.editions.nomination_award_set`, which refuses once the
results are approved) and the photo with its description (re-encoded, recorded in
the history). The award itself is set on the edition's ranking page. Nominations are
neither added nor deleted here (a wrong one is rejected, with its reason).
"""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from awards.models import Category, Edition, Nomination, NominationAttachment, NomineeKind
from awards.services import editions as edition_services
from awards.services import nominations as nomination_services
from cwop_portal.admin_helpers import (
    HistoryAdminMixin,
    ServiceActionsMixin,
    ServiceRefusalMixin,
    ask_reason,
)
from cwop_portal.dates import format_datetime
from cwop_portal.images import clean_new_image_upload
from cwop_portal.spreadsheets import Workbook, csv_response, xlsx_response

DESCRIPTION_FIELDS = ["result_description_pl", "result_description_en"]
PHOTO_FIELDS = ["photo", "photo_alt_pl", "photo_alt_en"]
EDITABLE_FIELDS = [*DESCRIPTION_FIELDS, *PHOTO_FIELDS]


# --- Filters -------------------------------------------------------------------------------


class EditionFilter(admin.SimpleListFilter):
    """By edition (competition and year), in one query."""

    title = _("edition")
    parameter_name = "edition"
    edition_path = "edition"

    def lookups(self, request, model_admin):
        return [
            (str(edition.pk), str(edition))
            for edition in Edition.objects.select_related("competition").order_by(
                "competition__position", "competition__name_pl", "-year"
            )
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit() and len(value) < 19:
            return queryset.filter(**{f"{self.edition_path}_id": int(value)})
        return queryset


class CategoryFilter(admin.SimpleListFilter):
    """By category: those of the edition chosen in the edition filter (every
    category, named with its edition, when none is chosen)."""

    title = _("category")
    parameter_name = "category"
    category_path = "category"
    edition_parameter = "edition"

    def lookups(self, request, model_admin):
        categories = Category.objects.select_related("edition__competition").order_by(
            "edition__competition__position",
            "edition__competition__name_pl",
            "-edition__year",
            "position",
            "name_pl",
        )
        edition = request.GET.get(self.edition_parameter, "")
        if edition.isdigit() and len(edition) < 19:
            return [(str(c.pk), c.name_pl) for c in categories.filter(edition_id=int(edition))]
        return [(str(c.pk), f"{c.edition} – {c.name_pl}") for c in categories]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit() and len(value) < 19:
            return queryset.filter(**{f"{self.category_path}_id": int(value)})
        return queryset


class AwaitingFilter(admin.SimpleListFilter):
    """What a nomination still waits for before it counts."""

    title = _("awaiting")
    parameter_name = "awaiting"

    def lookups(self, request, model_admin):
        return [
            ("confirmation", _("the nominator's e-mail confirmation")),
            ("consent", _("the guardian's consent")),
            ("check", _("the formal check")),
            ("nothing", _("nothing: it counts")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "confirmation":
            return queryset.filter(confirmed_at__isnull=True)
        if value == "consent":
            return queryset.filter(
                confirmed_at__isnull=False, nominee_kind=NomineeKind.MINOR, consent_at__isnull=True
            )
        if value == "check":
            return queryset.counting().filter(status=Nomination.Status.SUBMITTED)
        if value == "nothing":
            return queryset.counting()
        return queryset


# --- The page of a nomination ------------------------------------------------------------


class NominationAttachmentInline(admin.TabularInline):
    """The attachments, read only, to download."""

    model = NominationAttachment
    fields = ["download", "file_size", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("attachment"))
    def download(self, attachment):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("awards:nomination_attachment", args=[attachment.pk, attachment.download_name]),
            str(attachment),
        )


class NominationAdminForm(forms.ModelForm):
    class Meta:
        model = Nomination
        fields = EDITABLE_FIELDS

    def clean_photo(self):
        return clean_new_image_upload(self.cleaned_data.get("photo"), field_label="zdjecie")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("photo") and not (cleaned.get("photo_alt_pl") or "").strip():
            self.add_error(
                "photo_alt_pl", gettext("Describe the photo for people who cannot see it.")
            )
        return cleaned


@admin.register(Nomination)
class NominationAdmin(
    HistoryAdminMixin, ServiceRefusalMixin, ServiceActionsMixin, admin.ModelAdmin
):
    form = NominationAdminForm
    records_admin_saves = False  # the services record; the photo is recorded below
    list_display = [
        "public_name_display",
        "full_name_display",
        "edition",
        "category",
        "nominee_kind",
        "nominator_name",
        "state",
        "award",
        "created_at",
    ]
    list_select_related = ["edition__competition", "category"]
    list_filter = [
        EditionFilter,
        CategoryFilter,
        "status",
        "nominee_kind",
        AwaitingFilter,
        "award",
        "nominator_kind",
        "is_demo",
    ]
    search_fields = [
        "nominee_first_name",
        "nominee_last_name",
        "nominee_name",
        "school",
        "nominator_name",
        "nominator_institution",
        "=nominator_email",
        "=guardian_email",
    ]
    date_hierarchy = "created_at"
    inlines = [NominationAttachmentInline]
    actions = ["accept", "reject", "export_csv", "export_xlsx"]
    list_per_page = 50
    readonly_fields = [
        "edition",
        "category",
        "nominee_kind",
        "nominee_first_name",
        "nominee_last_name",
        "nominee_name",
        "nominee_organization",
        "school",
        "school_class",
        "guardian_name",
        "guardian_email",
        "consent_file_link",
        "consent_method",
        "consent_at",
        "justification",
        "description",
        "achievements",
        "links",
        "nominator_kind",
        "nominator_user",
        "nominator_organization",
        "nominator_name",
        "nominator_institution",
        "nominator_email",
        "nominator_phone",
        "privacy_consent",
        "confirmed_at",
        "status",
        "rejection_reason",
        "checked_at",
        "checked_by",
        "award",
        "public_id",
        "created_at",
        "updated_at",
        "is_demo",
    ]
    fieldsets = (
        (
            None,
            {
                "description": _(
                    "Accept or reject the nomination with the actions of the list. The award "
                    "is set on the edition's ranking page; here you add what the results show."
                ),
                "fields": (
                    "edition",
                    "category",
                    "status",
                    "rejection_reason",
                    "checked_at",
                    "checked_by",
                ),
            },
        ),
        (
            _("Nominee"),
            {
                "fields": (
                    "nominee_kind",
                    "nominee_first_name",
                    "nominee_last_name",
                    "nominee_name",
                    "nominee_organization",
                    "school",
                    "school_class",
                )
            },
        ),
        (
            _("Parent or guardian"),
            {
                "fields": (
                    "guardian_name",
                    "guardian_email",
                    "consent_method",
                    "consent_at",
                    "consent_file_link",
                )
            },
        ),
        (_("Nomination"), {"fields": ("justification", "description", "achievements", "links")}),
        (
            _("Nominator"),
            {
                "fields": (
                    "nominator_kind",
                    "nominator_user",
                    "nominator_organization",
                    "nominator_name",
                    "nominator_institution",
                    "nominator_email",
                    "nominator_phone",
                    "privacy_consent",
                    "confirmed_at",
                )
            },
        ),
        (_("Results"), {"fields": ("award", *EDITABLE_FIELDS)}),
        (_("Record"), {"fields": ("public_id", "created_at", "updated_at", "is_demo")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("edition__competition", "category")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    # -- the list's columns --

    @admin.display(description=_("public name"), ordering="nominee_first_name")
    def public_name_display(self, obj):
        return obj.public_name

    @admin.display(description=_("full name"), ordering="nominee_last_name")
    def full_name_display(self, obj):
        return obj.full_name

    @admin.display(description=_("state"))
    def state(self, obj):
        return nomination_services.nomination_state_label(obj)

    @admin.display(description=_("signed consent form"))
    def consent_file_link(self, obj):
        if not obj.consent_file:
            return "—"
        name = obj.consent_file.name.rsplit("/", 1)[-1]
        return format_html(
            '<a href="{}">{}</a>',
            reverse("awards:nomination_consent_file", args=[obj.pk, name]),
            name,
        )

    # -- saving what the results show --

    def save_model(self, request, obj, form, change):
        changed = set(form.changed_data)
        if changed & set(DESCRIPTION_FIELDS):
            edition_services.nomination_award_set(
                nomination=obj,
                award=obj.award,
                user=request.user,
                description_pl=form.cleaned_data.get("result_description_pl", ""),
                description_en=form.cleaned_data.get("result_description_en", ""),
            )
        photo_changed = [name for name in PHOTO_FIELDS if name in changed]
        if photo_changed:
            obj.save(update_fields=[*photo_changed, "updated_at"])
            self.record_admin_save(request, obj, form, change, exclude=DESCRIPTION_FIELDS)

    # -- the formal check --

    def call_service(self, service, obj, user, **kwargs):
        return service(nomination=obj, user=user, **kwargs)

    @admin.action(
        description=_("Accept selected nominations (formal check)"), permissions=["change"]
    )
    def accept(self, request, queryset):
        self.run_service(
            request,
            queryset,
            nomination_services.nomination_accept,
            lambda n: (
                ngettext(
                    "%(count)d nomination accepted; the nominator has been e-mailed.",
                    "%(count)d nominations accepted; the nominators have been e-mailed.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(
        description=_("Reject selected nominations with a reason"), permissions=["change"]
    )
    def reject(self, request, queryset):
        return ask_reason(
            self,
            request,
            queryset,
            nomination_services.nomination_reject,
            lambda n: (
                ngettext(
                    "%(count)d nomination rejected; the nominator has been e-mailed the reason.",
                    "%(count)d nominations rejected; the nominators have been e-mailed the reason.",
                    n,
                )
                % {"count": n}
            ),
            template="awards/votes/admin_reason.html",
            title=_("Reject nominations"),
            required_message=_("Give the reason for the rejection."),
            intro=_(
                "The nominators of the nominations below will receive the reason by e-mail. "
                "A rejected nomination does not go to the jury:"
            ),
            label=_("Reason for rejection"),
            submit=_("Reject and send the reason"),
        )

    # -- downloads --

    @admin.action(
        description=_("Download selected nominations (CSV for Excel)"), permissions=["view"]
    )
    def export_csv(self, request, queryset):
        return csv_response(
            export_filename("csv"), export_header(), export_rows(queryset), polish_excel=True
        )

    @admin.action(description=_("Download selected nominations (XLSX)"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        workbook = Workbook()
        header = export_header()
        sheet = workbook.sheet(
            gettext("Nominations"),
            widths=[8, 30, 24, 20, 16, *[22] * (len(header) - 5)],
            freeze="B2",
        )
        sheet.table(header, export_rows(queryset))
        workbook.about(
            [
                (
                    gettext("Contents"),
                    gettext(
                        "Nominations chosen in the admin, with the contact data of nominators "
                        "and guardians: personal data, keep it safe."
                    ),
                )
            ]
        )
        return xlsx_response(export_filename("xlsx"), workbook)


# --- The downloads' columns ----------------------------------------------------------------


def export_filename(extension):
    return f"zgloszenia-{timezone.localdate().isoformat()}.{extension}"


def export_header():
    return [
        gettext("Number"),
        gettext("Edition"),
        gettext("Category"),
        gettext("State"),
        gettext("Award"),
        gettext("Who is nominated"),
        gettext("Full name or name"),
        gettext("Public name"),
        gettext("School"),
        gettext("Class"),
        gettext("Organisation from the directory"),
        gettext("Parent's or guardian's name"),
        gettext("Parent's or guardian's e-mail"),
        gettext("Consent"),
        gettext("Justification"),
        gettext("Description of the nominee"),
        gettext("Achievements"),
        gettext("Links"),
        gettext("Nominated by"),
        gettext("Nominator's name"),
        gettext("School or institution"),
        gettext("Nominating organisation"),
        gettext("Nominator's e-mail"),
        gettext("Nominator's phone"),
        gettext("Sent"),
        gettext("Confirmed"),
        gettext("Reason for rejection"),
        gettext("Attachments"),
    ]


def _when(moment):
    return format_datetime(moment) if moment else ""


def export_rows(queryset):
    """The rows of the downloads: one query whatever their number."""
    nominations = (
        queryset.select_related(
            "edition__competition", "category", "nominee_organization", "nominator_organization"
        )
        .annotate(attachment_count=Count("attachments"))
        .order_by("edition__competition__name_pl", "-edition__year", "category__position", "pk")
    )
    for n in nominations.iterator(chunk_size=500):
        yield [
            n.pk,
            str(n.edition),
            n.category.name_pl,
            nomination_services.nomination_state_label(n),
            n.get_award_display() if n.award else "",
            n.get_nominee_kind_display(),
            n.full_name,
            n.public_name,
            n.school,
            n.school_class,
            n.nominee_organization.name if n.nominee_organization else "",
            n.guardian_name,
            n.guardian_email,
            _when(n.consent_at),
            n.justification,
            n.description,
            n.achievements,
            n.links,
            n.get_nominator_kind_display(),
            n.nominator_name,
            n.nominator_institution,
            n.nominator_organization.name if n.nominator_organization else "",
            n.nominator_email,
            n.nominator_phone,
            _when(n.created_at),
            _when(n.confirmed_at),
            n.rejection_reason,
            n.attachment_count,
        ]
