"""Appointments and the consultations' settings in the admin.

Appointments are booked by clients on the site, never added here; their status
changes only through the actions (`consultations.services.appointments`):
attended, did not come, cancel with a reason; staff keep private notes. The
Appointment admin also serves the statistics page (`exports.StatsPageMixin`).
The settings are one row.
"""

from django import forms
from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consultations.admin.exports import StatsPageMixin
from consultations.models import Appointment, ConsultationSettings
from consultations.services import appointments as appointment_services
from cwop_portal.admin import SingletonAdmin
from cwop_portal.admin_helpers import (
    DateFilter,
    HistoryAdminMixin,
    ServiceActionsMixin,
    ask_reason,
)
from cwop_portal.dates import local


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


class AppointmentForm(forms.ModelForm):
    class Meta:
        model = Appointment
        fields = ["private_notes"]
        widgets = {"private_notes": forms.Textarea(attrs={"rows": 6, "cols": 80})}


@admin.register(Appointment)
class AppointmentAdmin(StatsPageMixin, HistoryAdminMixin, ServiceActionsMixin, admin.ModelAdmin):
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
            appointment_services.appointment_set_notes(
                appointment=obj, notes=form.cleaned_data["private_notes"], user=request.user
            )

    # -- actions --

    def call_service(self, service, obj, user, **kwargs):
        return service(appointment=obj, user=user, **kwargs)

    def _mark(self, request, queryset, status, done_message):
        self.run_service(
            request, queryset, appointment_services.appointment_mark, done_message, status=status
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
            appointment_services.appointment_cancel,
            lambda n: (
                ngettext("%(count)d appointment cancelled.", "%(count)d appointments cancelled.", n)
                % {"count": n}
            ),
            template="admin/consultations/cancel_with_reason.html",
            title=_("Cancel appointments"),
            intro=_("The clients will receive the reason for the cancellation by e-mail:"),
            submit=_("Cancel the appointments and send the reason"),
        )
