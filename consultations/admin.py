"""Consultations and trainings in the admin.

Advisors with their weekly rules and exceptions (the rules' own validation —
end before start, overlapping another rule of the advisor — shown on the rows;
saved through `consultations.services.availability`, the advisor's row locked),
topics, groups and the one row of settings. Appointments are booked by clients on
the site, never added here; their status changes only through the actions
(`consultations.services.appointments`): attended, did not come, cancel with a reason; staff
keep private notes. Trainings are published and cancelled through
`consultations.services.trainings`; registrations are marked and cancelled there
too. The Appointment admin also serves the statistics page, the Training admin the
attendee list (print view, CSV, XLSX).
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from consultations import stats
from consultations.models import (
    Advisor,
    AdvisorGroup,
    Appointment,
    AvailabilityException,
    AvailabilityRule,
    ConsultationSettings,
    Registration,
    Topic,
    Training,
    TrainingMaterial,
    TrainingSession,
)
from consultations.services import availability as availability_services
from cwop_portal.admin import SingletonAdmin
from cwop_portal.admin_helpers import (
    DateFilter,
    HistoryAdminMixin,
    ServiceActionsMixin,
    ServiceRefusalMixin,
    ask_reason,
)
from cwop_portal.dates import (
    format_short_datetime,
    local,
)
from cwop_portal.images import clean_new_image_upload
from cwop_portal.periods import PeriodForm
from cwop_portal.roles import ADVISORS
from cwop_portal.spreadsheets import Workbook, csv_response, xlsx_response
from rooms.models import Resource


def _services():
    from consultations.services import appointments as services

    return services


def _training_services():
    from consultations.services import trainings as training_services

    return training_services


def bookable_rooms():
    """The rooms consultations and trainings may take place in (not board space)."""
    return Resource.objects.exclude(kind=Resource.Kind.BOARD_SPACE).order_by("position", "name_pl")


class CachedRoomChoicesMixin:
    """An inline whose room list is read once per page, not once per row."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "room":
            kwargs["queryset"] = bookable_rooms()
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "room" and formfield is not None:
            formfield.choices = list(formfield.choices)
        return formfield


class StatsPeriodForm(PeriodForm):
    """The usage report's period (a year, or a range of months), its month inputs
    without the attributes HTML does not allow on type="month"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("od", "do"):
            attrs = self.fields[name].widget.attrs
            attrs.pop("placeholder", None)
            attrs.pop("maxlength", None)


# --- Topics, groups, advisors -------------------------------------------------------


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name_pl", "name_en", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    ordering = ["position", "name_pl"]
    search_fields = ["name_pl", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_pl"]}


@admin.register(AdvisorGroup)
class AdvisorGroupAdmin(admin.ModelAdmin):
    list_display = ["name_pl", "name_en", "advisor_count"]
    search_fields = ["name_pl", "name_en"]
    prepopulated_fields = {"slug": ["name_pl"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(advisor_total=Count("advisors"))

    @admin.display(description=_("advisors"), ordering="advisor_total")
    def advisor_count(self, obj):
        return obj.advisor_total


class AdvisorForm(forms.ModelForm):
    """A new photo is stored re-encoded, without its metadata; a photo needs its
    alternative text."""

    class Meta:
        model = Advisor
        fields = [
            "name",
            "slug",
            "group",
            "topics",
            "is_active",
            "bio_pl",
            "bio_en",
            "photo",
            "photo_alt",
            "user",
            "is_demo",
        ]

    def clean_photo(self):
        return clean_new_image_upload(self.cleaned_data.get("photo"), field_label="doradca")

    def clean(self):
        cleaned = super().clean()
        photo_alt = (cleaned.get("photo_alt") or "").strip()
        if cleaned.get("photo") and not photo_alt and "photo_alt" not in self.errors:
            self.add_error("photo_alt", _("Describe the photo for people who cannot see it."))
        return cleaned


def _rule_label(data):
    weekday = dict(AvailabilityRule._meta.get_field("weekday").choices).get(data["weekday"], "")
    return f"{weekday} {data['starts']:%H:%M}–{data['ends']:%H:%M}"


class RuleInlineFormSet(BaseInlineFormSet):
    """Each rule's clean() compares it with the advisor's saved rules; this also
    compares the rows of the form with each other (two new rules may overlap)."""

    def clean(self):
        super().clean()
        kept = []
        far = datetime.date.max
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or form.errors or self._should_delete_form(form):
                continue
            if not all(data.get(name) is not None for name in ("weekday", "starts", "ends")):
                continue
            for other in kept:
                if (
                    other["weekday"] == data["weekday"]
                    and other["starts"] < data["ends"]
                    and data["starts"] < other["ends"]
                    and (data.get("valid_from") or datetime.date.min)
                    <= (other.get("valid_until") or far)
                    and (other.get("valid_from") or datetime.date.min)
                    <= (data.get("valid_until") or far)
                ):
                    form.add_error(
                        "starts",
                        _("These hours overlap another rule in this form: %(rule)s.")
                        % {"rule": _rule_label(other)},
                    )
                    break
            else:
                kept.append(data)


class AvailabilityRuleInline(CachedRoomChoicesMixin, admin.TabularInline):
    model = AvailabilityRule
    formset = RuleInlineFormSet
    fields = [
        "weekday",
        "starts",
        "ends",
        "slot_minutes",
        "buffer_minutes",
        "mode",
        "room",
        "valid_from",
        "valid_until",
    ]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("advisor", "room")


class ExceptionInlineFormSet(BaseInlineFormSet):
    """Each exception's clean() compares it with the advisor's saved ones; this also
    compares the rows of the form with each other (two new rows may contradict)."""

    def clean(self):
        super().clean()
        kept = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or form.errors or self._should_delete_form(form):
                continue
            if not data.get("date") or not data.get("kind"):
                continue
            row = AvailabilityException(
                date=data["date"],
                kind=data["kind"],
                starts=data.get("starts"),
                ends=data.get("ends"),
            )
            for other in kept:
                if other.date == row.date and AvailabilityException.contradict(row, other):
                    form.add_error(
                        "starts",
                        _(
                            "This overlaps another entry of the same day in this form "
                            "(%(kind)s, %(when)s)."
                        )
                        % {"kind": other.get_kind_display(), "when": other.describe_times()},
                    )
                    break
            else:
                kept.append(row)


class AvailabilityExceptionInline(CachedRoomChoicesMixin, admin.TabularInline):
    model = AvailabilityException
    formset = ExceptionInlineFormSet
    fields = [
        "date",
        "kind",
        "starts",
        "ends",
        "slot_minutes",
        "buffer_minutes",
        "mode",
        "room",
        "note",
    ]
    extra = 0
    ordering = ["-date", "starts"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("advisor", "room")


@admin.register(Advisor)
class AdvisorAdmin(ServiceRefusalMixin, admin.ModelAdmin):
    """The weekly rules and exceptions are saved through
    `consultations.services.availability.availability_save`, as on the advisor's own
    pages: with the advisor's row locked, so two saves at once cannot overlap."""

    form = AdvisorForm
    list_display = ["name", "group", "user", "is_active", "is_demo"]
    list_filter = ["is_active", "group", "topics", "is_demo"]
    list_select_related = ["group", "user"]
    search_fields = ["name", "slug", "user__email"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["topics"]
    autocomplete_fields = ["user"]
    inlines = [AvailabilityRuleInline, AvailabilityExceptionInline]
    save_on_top = True
    fieldsets = (
        (None, {"fields": ("name", "slug", "group", "topics", "is_active")}),
        (_("Short bio"), {"fields": ("bio_pl", "bio_en")}),
        (_("Photo"), {"fields": ("photo", "photo_alt")}),
        (
            _("Account"),
            {
                "description": _(
                    "An advisor with an account sees their appointments and manages "
                    "their hours at “My account → My consultations”."
                ),
                "fields": ("user",),
            },
        ),
        (_("Demo data"), {"fields": ("is_demo",)}),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.user_id and "user" in form.changed_data:
            # The role, as for the centre's staff (cwop_portal.roles).
            group = Group.objects.filter(name=ADVISORS).first()
            if group:
                obj.user.groups.add(group)

    def save_formset(self, request, form, formset, change):
        if formset.model not in (AvailabilityRule, AvailabilityException):
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        availability_services.availability_save(
            advisor=form.instance,
            user=request.user,
            save=[*formset.new_objects, *(row for row, _fields in formset.changed_objects)],
            delete=formset.deleted_objects,
        )


@admin.register(ConsultationSettings)
class ConsultationSettingsAdmin(HistoryAdminMixin, SingletonAdmin):
    """The row is made by migration 0003 (and by `load()` if ever missing), so there
    is never anything to add: no query on every admin page's menu to find out."""

    fieldsets = (
        (
            _("Booking window"),
            {"fields": ("booking_notice_hours", "booking_horizon_days", "hold_minutes")},
        ),
        (_("Cancelling"), {"fields": ("cancel_notice_hours",)}),
        (_("Limits"), {"fields": ("max_active_per_organization",)}),
    )

    def has_add_permission(self, request):
        return False


# --- Appointments -------------------------------------------------------------------


class AppointmentDateFilter(DateFilter):
    """Appointments by when they start."""

    offers_upcoming = True


# The history's actions (`consultations.services.appointments` writes the codes).
class AppointmentForm(forms.ModelForm):
    class Meta:
        model = Appointment
        fields = ["private_notes"]
        widgets = {"private_notes": forms.Textarea(attrs={"rows": 6, "cols": 80})}


@admin.register(Appointment)
class AppointmentAdmin(HistoryAdminMixin, ServiceActionsMixin, admin.ModelAdmin):
    records_admin_saves = False  # the services record
    form = AppointmentForm
    list_display = [
        "advisor",
        "local_start",
        "topic",
        "client_name",
        "organisation",
        "mode",
        "status",
    ]
    list_display_links = ["local_start", "client_name"]
    list_filter = [AppointmentDateFilter, "status", "advisor", "topic", "mode", "is_demo"]
    list_select_related = ["advisor", "topic", "organization"]
    search_fields = ["client_name", "client_email"]
    date_hierarchy = "start"
    ordering = ["-start", "-pk"]
    actions = ["mark_attended", "mark_no_show", "cancel"]
    fieldsets = (
        (
            None,
            {
                "description": _(
                    "Clients book on the site. The status changes only through the "
                    "actions of the list of appointments (attended, did not come, "
                    "cancel); the private notes are never shown to the client."
                ),
                "fields": ("advisor", "topic", "when", "mode", "room_booking", "status"),
            },
        ),
        (
            _("Client"),
            {
                "fields": (
                    "client_name",
                    "client_email",
                    "client_phone",
                    "organization",
                    "client_organization_name",
                    "user",
                    "question",
                    "language",
                )
            },
        ),
        (_("Private notes"), {"fields": ("private_notes",)}),
        (
            _("History"),
            {
                "fields": (
                    "created_at",
                    "held_until",
                    "confirmed_at",
                    "cancelled_at",
                    "cancelled_by_client",
                    "reminder_sent_at",
                    "updated_at",
                    "is_demo",
                )
            },
        ),
    )
    readonly_fields = [
        "advisor",
        "topic",
        "when",
        "mode",
        "room_booking",
        "status",
        "client_name",
        "client_email",
        "client_phone",
        "organization",
        "client_organization_name",
        "user",
        "question",
        "language",
        "created_at",
        "held_until",
        "confirmed_at",
        "cancelled_at",
        "cancelled_by_client",
        "reminder_sent_at",
        "updated_at",
        "is_demo",
    ]

    # -- list --

    @admin.display(description=_("start"), ordering="start")
    def local_start(self, obj):
        start, end = local(obj.start), local(obj.end)
        return f"{date_format(start, 'SHORT_DATETIME_FORMAT')}–{end:%H:%M}"

    @admin.display(description=_("when"))
    def when(self, obj):
        return self.local_start(obj)

    @admin.display(description=_("organisation"), ordering="organization__name")
    def organisation(self, obj):
        if obj.organization_id:
            return obj.organization.name
        return obj.client_organization_name

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("advisor", "topic", "organization", "user", "room_booking__resource")
        )

    # -- no adding (clients book on the site), no deleting (cancel instead) --

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Only the private notes are editable; they go through the service, which
        # keeps the history.
        if "private_notes" in form.changed_data:
            _services().appointment_set_notes(
                appointment=obj, notes=form.cleaned_data["private_notes"], user=request.user
            )

    # -- actions --

    def call_service(self, service, obj, user, **kwargs):
        return service(appointment=obj, user=user, **kwargs)

    def _mark(self, request, queryset, status, done_message):
        self.run_service(
            request, queryset, _services().appointment_mark, done_message, status=status
        )

    @admin.action(description=_("Mark selected appointments: attended"))
    def mark_attended(self, request, queryset):
        self._mark(
            request,
            queryset,
            Appointment.Status.ATTENDED,
            lambda n: (
                ngettext(
                    "%(count)d appointment marked as attended.",
                    "%(count)d appointments marked as attended.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Mark selected appointments: did not come"))
    def mark_no_show(self, request, queryset):
        self._mark(
            request,
            queryset,
            Appointment.Status.NO_SHOW,
            lambda n: (
                ngettext(
                    "%(count)d appointment marked as not attended.",
                    "%(count)d appointments marked as not attended.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(description=_("Cancel selected appointments (with a reason)"))
    def cancel(self, request, queryset):
        return ask_reason(
            self,
            request,
            queryset.select_related("advisor"),
            _services().appointment_cancel,
            lambda n: (
                ngettext("%(count)d appointment cancelled.", "%(count)d appointments cancelled.", n)
                % {"count": n}
            ),
            template="admin/consultations/cancel_with_reason.html",
            title=_("Cancel appointments"),
            intro=_("The clients will receive the reason for the cancellation by e-mail:"),
            submit=_("Cancel the appointments and send the reason"),
        )

    # -- statistics --

    def get_urls(self):
        return [
            path(
                "statystyki/",
                self.admin_site.admin_view(require_safe(self.stats_view)),
                name="consultations_appointment_stats",
            ),
            *super().get_urls(),
        ]

    def stats_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = StatsPeriodForm(request.GET)
        result = None
        if form.is_valid():
            result = stats.consultation_stats(*form.period())
            output = request.GET.get("format")
            if output == "csv" and request.GET.get("tabela") == "szkolenia":
                return csv_response(
                    stats.stats_filename(result, "szkolenia", "csv"),
                    stats.trainings_header(),
                    stats.training_records(result),
                )
            if output == "csv":
                return csv_response(
                    stats.stats_filename(result, "konsultacje", "csv"),
                    stats.consultations_header(),
                    stats.consultation_records(result),
                )
            if output == "xlsx":
                return xlsx_response(
                    stats.stats_filename(result, "konsultacje-i-szkolenia", "xlsx"),
                    stats.stats_workbook(result),
                )
        query = form.query()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Statistics of consultations and trainings"),
            "opts": self.model._meta,
            "changelist_url": reverse("admin:consultations_appointment_changelist"),
            "form": form,
            "stats": result,
            "counted_note": stats.counted_note(),
            "trainings_note": stats.trainings_note(),
            "csv_url": "?" + urlencode({**query, "format": "csv"}),
            "trainings_csv_url": "?" + urlencode({**query, "format": "csv", "tabela": "szkolenia"}),
            "xlsx_url": "?" + urlencode({**query, "format": "xlsx"}),
        }
        return TemplateResponse(request, "admin/consultations/appointment/stats.html", context)


# --- Trainings ----------------------------------------------------------------------


class TrainingSessionInline(CachedRoomChoicesMixin, admin.TabularInline):
    """The meetings of a training. Once the training is published their rooms are
    booked, so they are shown read-only."""

    model = TrainingSession
    fields = ["start", "end", "room", "room_booking"]
    readonly_fields = ["room_booking"]
    extra = 1

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("training", "room", "room_booking__resource")
        )

    def _is_fixed(self, obj):
        return obj is not None and obj.status != Training.Status.DRAFT

    def get_extra(self, request, obj=None, **kwargs):
        return 0 if obj is not None else 1

    def has_add_permission(self, request, obj=None):
        return not self._is_fixed(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._is_fixed(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._is_fixed(obj) and super().has_delete_permission(request, obj)


class TrainingMaterialInline(admin.TabularInline):
    """Files for the participants; checked like every document (type, content, size)."""

    model = TrainingMaterial
    fields = ["title", "file", "size"]
    readonly_fields = ["size"]
    extra = 0

    @admin.display(description=_("size in bytes"))
    def size(self, obj):
        return obj.file_size if obj and obj.pk else ""


def _subquery_count(queryset):
    return Coalesce(
        Subquery(
            queryset.values("training_id").annotate(number=Count("pk")).values("number")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


REGISTRATION_ORDER = [
    Registration.Status.REGISTERED,
    Registration.Status.WAITING,
    Registration.Status.UNCONFIRMED,
    Registration.Status.CANCELLED,
]


class TrainingForm(forms.ModelForm):
    """A training's change form: never fewer seats than people registered (on the
    field; `training_capacity_change` checks it again with the row locked)."""

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if self.instance.pk is not None and capacity is not None:
            problem = _training_services().capacity_refusal(self.instance, capacity)
            if problem:
                raise forms.ValidationError(problem)
        return capacity


@admin.register(Training)
class TrainingAdmin(HistoryAdminMixin, ServiceRefusalMixin, ServiceActionsMixin, admin.ModelAdmin):
    form = TrainingForm
    list_display = [
        "title_pl",
        "first_meeting",
        "status",
        "capacity",
        "registered_count",
        "waiting_count",
        "attendee_list",
    ]
    list_filter = ["status", "is_online", "is_demo"]
    search_fields = ["title_pl", "title_en", "trainer"]
    prepopulated_fields = {"slug": ["title_pl"]}
    inlines = [TrainingSessionInline, TrainingMaterialInline]
    actions = ["publish", "cancel"]
    readonly_fields = ["status", "cancellation_reason", "created_at", "updated_at"]
    save_on_top = True
    fieldsets = (
        (
            None,
            {
                "description": _(
                    "A training is published and cancelled through the actions of the "
                    "list of trainings; publishing books the rooms of its meetings."
                ),
                "fields": ("title_pl", "title_en", "slug", "trainer", "status"),
            },
        ),
        (
            _("Description"),
            {
                "fields": (
                    "description_pl",
                    "description_en",
                    "target_audience_pl",
                    "target_audience_en",
                )
            },
        ),
        (_("Place"), {"fields": ("is_online", "online_details", "place")}),
        (_("Registration"), {"fields": ("capacity", "registration_deadline")}),
        (
            _("History"),
            {"fields": ("cancellation_reason", "created_at", "updated_at", "is_demo")},
        ),
    )

    def get_queryset(self, request):
        first = (
            TrainingSession.objects.filter(training=OuterRef("pk"))
            .order_by("start")
            .values("start")
        )
        registrations = Registration.objects.filter(training=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                first_start=Subquery(first[:1]),
                registered_total=_subquery_count(
                    registrations.filter(status=Registration.Status.REGISTERED)
                ),
                waiting_total=_subquery_count(
                    registrations.filter(status=Registration.Status.WAITING)
                ),
            )
        )

    @admin.display(description=_("first meeting"), ordering="first_start")
    def first_meeting(self, obj):
        if obj.first_start is None:
            return "—"
        return format_short_datetime(obj.first_start)

    @admin.display(description=_("seats taken"), ordering="registered_total")
    def registered_count(self, obj):
        return obj.registered_total

    @admin.display(description=_("waiting list"), ordering="waiting_total")
    def waiting_count(self, obj):
        return obj.waiting_total

    @admin.display(description=_("attendees"))
    def attendee_list(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:consultations_training_attendees", args=[obj.pk]),
            gettext("Attendee list"),
        )

    def get_actions(self, request):
        # Deleting goes one by one through the change page, where it is checked.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        # A training with registrations is cancelled (with a reason, e-mailed), not
        # deleted; a draft nobody registered for may go.
        if obj is not None and (obj.status != Training.Status.DRAFT or obj.registrations.exists()):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """A new seat count goes through `training_capacity_change` (the row locked;
        new seats to the first people waiting, e-mailed). Then only the fields the
        form changed are written: the status and the reason for a cancellation are
        the services' to write, and a cancellation made meanwhile stays."""
        if not change:
            return super().save_model(request, obj, form, change)
        if "capacity" in form.changed_data:
            _training, promoted = _training_services().training_capacity_change(
                training=obj, capacity=obj.capacity, user=request.user
            )
            if promoted:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d person from the waiting list got a seat.",
                        "%(count)d people from the waiting list got a seat.",
                        len(promoted),
                    )
                    % {"count": len(promoted)},
                    messages.SUCCESS,
                )
        concrete = {field.name for field in obj._meta.concrete_fields}
        changed = [name for name in form.changed_data if name in concrete and name != "capacity"]
        if changed:
            obj.save(update_fields=[*changed, "updated_at"])
        self.record_admin_save(request, obj, form, change, exclude=["capacity"])
        return None

    # -- actions --

    def call_service(self, service, obj, user, **kwargs):
        return service(training=obj, user=user, **kwargs)

    @admin.action(description=_("Publish selected trainings (books their rooms)"))
    def publish(self, request, queryset):
        # A room conflict leaves the training unpublished; run_service shows the
        # service's message (naming the room and the time) as a warning.
        self.run_service(
            request,
            queryset,
            _training_services().training_publish,
            lambda n: (
                ngettext("%(count)d training published.", "%(count)d trainings published.", n)
                % {"count": n}
            ),
        )

    @admin.action(description=_("Cancel selected trainings (with a reason)"))
    def cancel(self, request, queryset):
        return ask_reason(
            self,
            request,
            queryset,
            _training_services().training_cancel,
            lambda n: (
                ngettext("%(count)d training cancelled.", "%(count)d trainings cancelled.", n)
                % {"count": n}
            ),
            template="admin/consultations/cancel_with_reason.html",
            title=_("Cancel trainings"),
            intro=_(
                "Everybody registered (and on the waiting list) will receive the reason "
                "for the cancellation by e-mail:"
            ),
            submit=_("Cancel the trainings and send the reason"),
        )

    # -- attendee list --

    def get_urls(self):
        return [
            path(
                "<int:pk>/uczestnicy/",
                self.admin_site.admin_view(require_safe(self.attendees_view)),
                name="consultations_training_attendees",
            ),
            *super().get_urls(),
        ]

    def attendees_view(self, request, pk):
        training = Training.objects.filter(pk=pk).first()
        if training is None:
            raise Http404
        if not self.has_view_permission(request, training):
            raise PermissionDenied
        sessions = list(training.sessions.select_related("room").order_by("start", "pk"))
        registrations = sorted(
            training.registrations.select_related("organization"),
            key=lambda r: (
                REGISTRATION_ORDER.index(r.status) if r.status in REGISTRATION_ORDER else 9,
                r.created_at,
                r.pk,
            ),
        )
        output = request.GET.get("format")
        filename = f"uczestnicy-{training.slug}"
        if output == "csv":
            return csv_response(
                f"{filename}.csv", attendees_header(), attendee_records(registrations)
            )
        if output == "xlsx":
            return xlsx_response(
                f"{filename}.xlsx", attendees_workbook(training, sessions, registrations)
            )
        groups = []
        for status in REGISTRATION_ORDER:
            rows = [r for r in registrations if r.status == status]
            if rows:
                groups.append((status, Registration.Status(status).label, rows))
        counts = {status: len(rows) for status, _label, rows in groups}
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Attendee list: %(title)s") % {"title": training.title_pl},
            "opts": self.model._meta,
            "changelist_url": reverse("admin:consultations_training_changelist"),
            "change_url": reverse("admin:consultations_training_change", args=[training.pk]),
            "registrations_url": reverse("admin:consultations_registration_changelist")
            + "?"
            + urlencode({"training__id__exact": training.pk}),
            "training": training,
            "sessions": [(s, local(s.start), local(s.end)) for s in sessions],
            "groups": groups,
            "registered": [r for r in registrations if r.status == Registration.Status.REGISTERED],
            "waiting": [r for r in registrations if r.status == Registration.Status.WAITING],
            "registered_count": counts.get(Registration.Status.REGISTERED, 0),
            "waiting_count": counts.get(Registration.Status.WAITING, 0),
            "csv_url": "?format=csv",
            "xlsx_url": "?format=xlsx",
            "print_url": "?format=print",
        }
        template = (
            "admin/consultations/training/attendees_print.html"
            if output == "print"
            else "admin/consultations/training/attendees.html"
        )
        return TemplateResponse(request, template, context)


def _attended_label(registration):
    if registration.attended is True:
        return gettext("yes")
    if registration.attended is False:
        return gettext("no")
    return ""


def attendees_header():
    return [
        gettext("No."),
        gettext("Name and surname"),
        gettext("E-mail address"),
        gettext("Organisation"),
        gettext("Status"),
        gettext("Attendance"),
        gettext("Registered on"),
    ]


def attendee_records(registrations):
    for number, registration in enumerate(registrations, start=1):
        yield [
            number,
            registration.name,
            registration.email,
            registration.organization.name if registration.organization_id else "",
            registration.get_status_display(),
            _attended_label(registration),
            f"{local(registration.created_at):%Y-%m-%d %H:%M}",
        ]


def attendees_workbook(training, sessions, registrations):
    """The attendee list as an Excel workbook: the training and its meetings, then
    the list."""
    workbook = Workbook()
    sheet = workbook.sheet(gettext("Attendees"), widths=[5, 30, 34, 40, 28, 10, 18], freeze="A5")
    meetings = "; ".join(f"{local(s.start):%Y-%m-%d %H:%M}–{local(s.end):%H:%M}" for s in sessions)
    sheet.row([training.title_pl], bold=True)
    sheet.row([meetings])
    sheet.row()
    sheet.table(attendees_header(), attendee_records(registrations))
    return workbook


# --- Registrations ------------------------------------------------------------------


@admin.register(Registration)
class RegistrationAdmin(HistoryAdminMixin, ServiceActionsMixin, admin.ModelAdmin):
    list_display = ["name", "email", "training", "organization", "status", "attended", "created_at"]
    list_filter = ["training", "status", "attended", "is_demo"]
    list_select_related = ["training", "organization"]
    search_fields = ["name", "email"]
    autocomplete_fields = ["organization"]
    actions = ["mark_attended", "mark_not_attended", "cancel"]
    ordering = ["training", "created_at", "pk"]
    fields = [
        "training",
        "name",
        "email",
        "organization",
        "status",
        "attended",
        "language",
        "registered_by",
        "created_at",
        "confirmed_at",
        "promoted_at",
        "cancelled_at",
        "reminder_sent_at",
        "is_demo",
    ]
    readonly_fields = [
        "training",
        "email",
        "status",
        "attended",
        "language",
        "registered_by",
        "created_at",
        "confirmed_at",
        "promoted_at",
        "cancelled_at",
        "reminder_sent_at",
        "is_demo",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("training", "organization")

    def has_add_permission(self, request):
        return False  # people register on the site: seats and the waiting list are kept there

    def has_delete_permission(self, request, obj=None):
        return False

    def call_service(self, service, obj, user, **kwargs):
        return service(registration=obj, user=user, **kwargs)

    @admin.action(description=_("Mark selected registrations: attended"))
    def mark_attended(self, request, queryset):
        self.run_service(
            request,
            queryset,
            _training_services().registration_mark_attendance,
            lambda n: (
                ngettext(
                    "%(count)d person marked as attended.",
                    "%(count)d people marked as attended.",
                    n,
                )
                % {"count": n}
            ),
            attended=True,
        )

    @admin.action(description=_("Mark selected registrations: did not come"))
    def mark_not_attended(self, request, queryset):
        self.run_service(
            request,
            queryset,
            _training_services().registration_mark_attendance,
            lambda n: (
                ngettext(
                    "%(count)d person marked as not attended.",
                    "%(count)d people marked as not attended.",
                    n,
                )
                % {"count": n}
            ),
            attended=False,
        )

    @admin.action(description=_("Cancel selected registrations"))
    def cancel(self, request, queryset):
        # The service e-mails the person and gives the seat to the first one waiting.
        self.run_service(
            request,
            queryset,
            _training_services().registration_cancel,
            lambda n: (
                ngettext(
                    "%(count)d registration cancelled.", "%(count)d registrations cancelled.", n
                )
                % {"count": n}
            ),
        )
