"""Public consultations in the admin: the consultation (its provisions, open
meetings, history), the remarks with the city's position, and the members'
opt-outs of the e-mails.

Every write goes through `cooperation.services.consultations`: a consultation is
saved by `consultation_save` (a deadline not after the start is an error on the
"end" field), announced, its report published and withdrawn by the list's actions
(or the buttons of its page), its act split into provisions on a page of its own
(pasted text or a DOCX file, a preview, then the replacement), its provisions edited
inline only while no remark has come; an open meeting is saved and deleted with its
room booked and freed; a remark's position is recorded after the deadline only.
"""

import copy

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from cooperation import provisions as parsing
from cooperation.models import (
    AlertOptOut,
    ConsultationMeeting,
    Provision,
    PublicConsultation,
    Remark,
)
from cooperation.services import consultations as consultation_services
from cwop_portal.admin_helpers import (
    HistoryAdminMixin,
    ServiceActionsMixin,
    ServiceDeletionMixin,
    ServiceRefusalMixin,
)
from cwop_portal.dates import format_short_datetime
from cwop_portal.history import form_changes

MAX_DOCX_BYTES = 20 * 1024 * 1024
POSITION_FIELDS = consultation_services.POSITION_FIELDS


def _add_errors(form, error):
    """A service's ValidationError on the form's fields (or the whole form)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class _DryRun(Exception):
    """Rolls back a trial run of a service (a form checking what the save would do)."""


# --- Public consultations ----------------------------------------------------------------


class PublicConsultationForm(forms.ModelForm):
    """A consultation's form: a deadline not after the start is an error on the
    "end" field (the database refuses it too)."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", gettext("The deadline must be after the start."))
        return cleaned


class ProvisionInline(admin.TabularInline):
    """The provisions of the draft act: edited here (or split from the act's text
    on the page "Split the act into provisions") until the first remark comes."""

    model = Provision
    fields = ["position", "label", "text"]
    extra = 0
    ordering = ["position"]
    formfield_overrides = {
        Provision._meta.get_field("text").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 60})
        }
    }

    def _has_remarks(self, obj):
        return obj is not None and obj.pk and obj.remarks.exists()

    def has_add_permission(self, request, obj=None):
        return not self._has_remarks(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._has_remarks(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._has_remarks(obj) and super().has_delete_permission(request, obj)


class ConsultationMeetingInline(admin.TabularInline):
    """The open meetings, read only: each is added and changed on its own page
    (its room is booked through the rooms service)."""

    model = ConsultationMeeting
    fields = ["meeting", "room", "place"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("room")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("open meeting"))
    def meeting(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:cooperation_consultationmeeting_change", args=[obj.pk]),
            format_short_datetime(obj.start),
        )


@admin.register(PublicConsultation)
class PublicConsultationAdmin(
    HistoryAdminMixin, ServiceRefusalMixin, ServiceActionsMixin, admin.ModelAdmin
):
    form = PublicConsultationForm
    change_form_template = "admin/cooperation/publicconsultation/change_form.html"
    records_admin_saves = False  # consultation_save records
    list_display = ["title_pl", "start", "end", "status", "remark_count", "report_link"]
    list_filter = ["status", "council_consulted", "residents_may_remark", "is_demo"]
    search_fields = ["title_pl", "title_en", "office", "slug"]
    prepopulated_fields = {"slug": ["title_pl"]}
    filter_horizontal = ["fields_of_activity"]
    inlines = [ProvisionInline, ConsultationMeetingInline]
    actions = ["open_consultation", "publish_report", "withdraw_report"]
    date_hierarchy = "start"
    save_on_top = True
    readonly_fields = [
        "status",
        "opened_at",
        "alerts_sent_at",
        "reminders_sent_at",
        "report_published_at",
        "created_by",
        "created_at",
        "updated_at",
    ]
    fieldsets = (
        (
            None,
            {
                "description": _(
                    "A draft is announced, and its report published or withdrawn, with the "
                    "buttons above or the actions of the list of consultations. The act's "
                    "provisions can be changed until the first remark comes."
                ),
                "fields": ("title_pl", "title_en", "slug", "status", "programme_year"),
            },
        ),
        (
            _("The draft act"),
            {"fields": ("summary_pl", "summary_en", "file")},
        ),
        (
            _("Who is consulted"),
            {"fields": ("fields_of_activity", "council_consulted", "residents_may_remark")},
        ),
        (_("Dates"), {"fields": ("start", "end")}),
        (
            _("Responsible office and contact"),
            {"fields": ("office", "contact_name", "contact_email", "contact_phone")},
        ),
        (_("Report on the consultation"), {"fields": ("report_summary_pl", "report_summary_en")}),
        (
            _("History"),
            {
                "fields": (
                    "opened_at",
                    "alerts_sent_at",
                    "reminders_sent_at",
                    "report_published_at",
                    "created_by",
                    "created_at",
                    "updated_at",
                    "is_demo",
                )
            },
        ),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_remarks=Count("remarks", filter=Q(remarks__status=Remark.Status.ACTIVE))
            )
        )

    @admin.display(description=_("remarks"), ordering="active_remarks")
    def remark_count(self, obj):
        return format_html(
            '<a href="{}?consultation__id__exact={}">{}</a>',
            reverse("admin:cooperation_remark_changelist"),
            obj.pk,
            obj.active_remarks,
        )

    @admin.display(description=_("report on the consultation"))
    def report_link(self, obj):
        if obj.status != PublicConsultation.Status.REPORT_PUBLISHED:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("cooperation:public_consultation_report", args=[obj.slug]),
            gettext("Report on the consultation"),
        )

    def get_actions(self, request):
        # Deleting goes one by one through the change page, where it is checked.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        # Only a draft without remarks or meetings (no room held): an announced
        # consultation is part of the record.
        if obj is not None and (
            obj.status != PublicConsultation.Status.DRAFT
            or obj.remarks.exists()
            or obj.meetings.exists()
        ):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        concrete = {field.name for field in obj._meta.concrete_fields}
        consultation_services.consultation_save(
            consultation=obj,
            user=request.user,
            changes=form_changes(form),
            update_fields=(
                [name for name in form.changed_data if name in concrete] if change else None
            ),
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is Provision and formset.has_changed():
            # A remark sent meanwhile stops the change (the whole page is undone).
            consultation_services.provisions_lock(consultation=form.instance)
        super().save_formset(request, form, formset, change)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context.update(self._tools(request, obj))
        return super().change_view(request, object_id, form_url, extra_context)

    def _tools(self, request, obj):
        status = PublicConsultation.Status
        may_change = self.has_change_permission(request, obj)
        buttons = []
        if may_change and obj.status == status.DRAFT:
            buttons.append(("open_consultation", gettext("Announce (open)")))
        if may_change and obj.status == status.OPEN:
            buttons.append(("publish_report", gettext("Publish the report")))
        if may_change and obj.status == status.REPORT_PUBLISHED:
            buttons.append(("withdraw_report", gettext("Withdraw the report")))
        return {
            "service_buttons": buttons,
            "changelist_url": reverse("admin:cooperation_publicconsultation_changelist"),
            "provisions_url": (
                reverse("admin:cooperation_publicconsultation_provisions", args=[obj.pk])
                if may_change
                else None
            ),
            "preview_url": reverse("admin:cooperation_publicconsultation_preview", args=[obj.pk]),
            "meeting_add_url": reverse("admin:cooperation_consultationmeeting_add")
            + f"?consultation={obj.pk}",
            "report_url": (
                reverse("cooperation:public_consultation_report", args=[obj.slug])
                if obj.status == status.REPORT_PUBLISHED
                else None
            ),
        }

    # -- actions --

    def call_service(self, service, obj, user, **kwargs):
        return service(consultation=obj, user=user, **kwargs)

    @admin.action(description=_("Announce selected consultations (invites the organisations)"))
    def open_consultation(self, request, queryset):
        self.run_service(
            request,
            queryset,
            consultation_services.consultation_open,
            lambda n: (
                ngettext(
                    "%(count)d consultation announced.", "%(count)d consultations announced.", n
                )
                % {"count": n}
            ),
        )
        return self._back(request)

    @admin.action(description=_("Publish the report of selected consultations"))
    def publish_report(self, request, queryset):
        self.run_service(
            request,
            queryset,
            consultation_services.report_publish,
            lambda n: (
                ngettext("%(count)d report published.", "%(count)d reports published.", n)
                % {"count": n}
            ),
        )
        return self._back(request)

    @admin.action(description=_("Withdraw the report of selected consultations (to correct it)"))
    def withdraw_report(self, request, queryset):
        self.run_service(
            request,
            queryset,
            consultation_services.report_withdraw,
            lambda n: (
                ngettext("%(count)d report withdrawn.", "%(count)d reports withdrawn.", n)
                % {"count": n}
            ),
        )
        return self._back(request)

    def _back(self, request):
        """A button of a consultation's page returns to that page."""
        back = request.POST.get("_back_to")
        if back:
            try:
                pk = int(back)
            except ValueError:
                return None
            return HttpResponseRedirect(
                reverse("admin:cooperation_publicconsultation_change", args=[pk])
            )
        return None

    # -- the act split into provisions --

    def get_urls(self):
        return [
            path(
                "<int:pk>/podglad/",
                self.admin_site.admin_view(require_safe(self.preview_view)),
                name="cooperation_publicconsultation_preview",
            ),
            path(
                "<int:pk>/przepisy/",
                self.admin_site.admin_view(
                    require_http_methods(["GET", "HEAD", "POST"])(self.provisions_view)
                ),
                name="cooperation_publicconsultation_provisions",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk):
        """The consultation as residents will read it (a draft too): its act, the
        provisions and the open meetings."""
        consultation = PublicConsultation.objects.filter(pk=pk).first()
        if consultation is None:
            raise Http404
        if not self.has_view_permission(request, consultation):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Preview: %(title)s") % {"title": consultation.title_pl},
            "opts": self.model._meta,
            "consultation": consultation,
            "changelist_url": reverse("admin:cooperation_publicconsultation_changelist"),
            "change_url": reverse("admin:cooperation_publicconsultation_change", args=[pk]),
            "provisions": list(consultation.provisions.order_by("position")),
            "meetings": list(consultation.meetings.select_related("room").order_by("start")),
            "fields": list(consultation.fields_of_activity.all()),
        }
        return TemplateResponse(
            request, "admin/cooperation/publicconsultation/preview.html", context
        )

    def provisions_view(self, request, pk):
        consultation = PublicConsultation.objects.filter(pk=pk).first()
        if consultation is None:
            raise Http404
        if not self.has_change_permission(request, consultation):
            raise PermissionDenied
        refusal = consultation_services.provisions_refusal(consultation)
        form = SplitForm(request.POST or None, request.FILES or None)
        parsed = None
        if request.method == "POST" and refusal is None and form.is_valid():
            text = form.cleaned_data["text"]
            if request.POST.get("confirm") and text:
                try:
                    created = consultation_services.provisions_replace(
                        consultation=consultation, text=text, user=request.user
                    )
                except ValidationError as error:
                    _add_errors(form, error)
                else:
                    self.message_user(
                        request,
                        ngettext(
                            "The act has been split into %(count)d provision.",
                            "The act has been split into %(count)d provisions.",
                            len(created),
                        )
                        % {"count": len(created)},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:cooperation_publicconsultation_change", args=[pk])
                    )
            else:
                parsed = form.parsed
                # The text read from the file is shown (and sent with the confirmation).
                form = SplitForm(initial={"text": text})
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Split the act into provisions: %(title)s")
            % {"title": consultation.title_pl},
            "opts": self.model._meta,
            "consultation": consultation,
            "changelist_url": reverse("admin:cooperation_publicconsultation_changelist"),
            "change_url": reverse("admin:cooperation_publicconsultation_change", args=[pk]),
            "form": form,
            "parsed": parsed,
            "refusal": refusal,
            "current": list(consultation.provisions.order_by("position")),
        }
        return TemplateResponse(
            request, "admin/cooperation/publicconsultation/provisions.html", context
        )


class SplitForm(forms.Form):
    """The act's text, pasted or read from a DOCX file, split for a preview."""

    text = forms.CharField(
        label=_("Text of the act"),
        required=False,
        max_length=parsing.MAX_TEXT_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 20, "cols": 100}),
        help_text=_(
            "Paste the act's text: a § at the start of a line begins a paragraph, "
            "“1.” a passage, “1)” a point, “a)” a letter. Or upload the DOCX file."
        ),
    )
    docx = forms.FileField(
        label=_("DOCX file of the act"),
        required=False,
        help_text=_("The act as a Word document (DOCX); its text replaces the pasted one."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".docx,application/vnd.openxmlformats-officedocument."
                "wordprocessingml.document"
            }
        ),
    )

    parsed = None

    def clean_text(self):
        return (self.cleaned_data.get("text") or "").replace("\x00", "")

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("docx")
        if upload is not None:
            if upload.size > MAX_DOCX_BYTES:
                self.add_error("docx", gettext("The file is too large (at most 20 MB)."))
                return cleaned
            try:
                cleaned["text"] = parsing.docx_text(upload, field="docx")
            except ValidationError as error:
                _add_errors(self, error)
                return cleaned
        if "text" not in cleaned:
            return cleaned
        if not cleaned["text"].strip():
            self.add_error("text", gettext("Paste the act's text or upload its DOCX file."))
            return cleaned
        try:
            self.parsed = parsing.split_text(cleaned["text"])
        except ValidationError as error:
            _add_errors(self, error)
            return cleaned
        if not self.parsed:
            self.add_error("text", gettext("No provisions were found in the act's text."))
        return cleaned


# --- Open meetings -----------------------------------------------------------------------


class ConsultationMeetingForm(forms.ModelForm):
    """An open meeting's form: what the save would refuse (the room taken then, no
    place) is an error on its field, tried in a transaction that is undone."""

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        errors = consultation_services.meeting_errors(self.instance)
        if errors:
            _add_errors(self, ValidationError(errors))
            return
        trial = copy.copy(self.instance)
        try:
            with transaction.atomic():
                consultation_services.consultation_meeting_save(meeting=trial, user=None)
                raise _DryRun
        except _DryRun:
            pass
        except ValidationError as error:
            _add_errors(self, error)


@admin.register(ConsultationMeeting)
class ConsultationMeetingAdmin(ServiceDeletionMixin, admin.ModelAdmin):
    form = ConsultationMeetingForm
    list_display = ["consultation", "start", "end", "room", "place", "room_booking"]
    list_select_related = ["consultation", "room", "room_booking"]
    list_filter = ["room"]
    search_fields = ["consultation__title_pl", "place"]
    date_hierarchy = "start"
    fields = [
        "consultation",
        "start",
        "end",
        "room",
        "place",
        "description_pl",
        "description_en",
        "room_booking",
    ]
    readonly_fields = ["room_booking"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        consultation_services.consultation_meeting_save(meeting=obj, user=request.user)

    def delete_with_service(self, request, obj):
        consultation_services.consultation_meeting_delete(meeting=obj, user=request.user)


# --- Remarks -----------------------------------------------------------------------------


class RemarkForm(forms.ModelForm):
    """The city's position: after the deadline, partly accepted and not accepted
    with a justification (errors on their fields)."""

    def clean(self):
        cleaned = super().clean()
        if "position" not in self.fields:
            return cleaned
        problem = consultation_services.position_refusal(self.instance)
        if problem:
            self.add_error("position", problem)
            return cleaned
        errors = consultation_services.position_errors(
            cleaned.get("position") or "", (cleaned.get("position_justification") or "").strip()
        )
        if errors:
            _add_errors(self, ValidationError(errors))
        return cleaned


@admin.register(Remark)
class RemarkAdmin(HistoryAdminMixin, ServiceRefusalMixin, admin.ModelAdmin):
    form = RemarkForm
    records_admin_saves = False  # remark_position_record records
    list_display = [
        "__str__",
        "consultation",
        "sender_name",
        "status",
        "position",
        "created_at",
    ]
    list_select_related = ["consultation", "provision"]
    list_filter = ["consultation", "position", "status", "is_demo"]
    search_fields = [
        "organization_name",
        "author_name",
        "author_email",
        "justification",
        "proposed_wording",
        "provision__label",
    ]
    ordering = ["consultation", "provision__position", "created_at", "pk"]
    fields = [
        "consultation",
        "provision",
        "current_wording",
        "organization",
        "organization_name",
        "author",
        "author_name",
        "author_email",
        "proposed_wording",
        "justification",
        "status",
        "created_at",
        "updated_at",
        "withdrawn_at",
        "position",
        "position_justification",
    ]
    readonly_fields = [name for name in fields if name not in POSITION_FIELDS]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and consultation_services.position_refusal(obj):
            readonly += POSITION_FIELDS
        return readonly

    def has_add_permission(self, request):
        return False  # remarks are sent on the site, by their authors

    def has_delete_permission(self, request, obj=None):
        return False  # the report answers every remark; an author withdraws their own

    @admin.display(description=_("sender"), ordering="organization_name")
    def sender_name(self, obj):
        return obj.sender

    @admin.display(description=_("current wording"))
    def current_wording(self, obj):
        return obj.provision.text if obj.provision_id else "—"

    def save_model(self, request, obj, form, change):
        if set(form.changed_data) & set(POSITION_FIELDS):
            consultation_services.remark_position_record(
                remark=obj,
                user=request.user,
                position=obj.position,
                justification=obj.position_justification,
            )


# --- Opt-outs ----------------------------------------------------------------------------


@admin.register(AlertOptOut)
class AlertOptOutAdmin(admin.ModelAdmin):
    """Who does not want the consultations' e-mails, for which organisation: set by
    the members themselves, shown here read only."""

    list_display = ["user", "organization", "created_at"]
    list_select_related = ["user", "organization"]
    search_fields = ["user__email", "organization__name"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
