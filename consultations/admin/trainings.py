"""Trainings, their meetings, materials and registrations in the admin.

Trainings are published and cancelled through `consultations.services.trainings`;
a new seat count goes through it too, and registrations are marked and cancelled
there. The Training admin also serves the attendee list
(`exports.AttendeeListMixin`: print view, CSV, XLSX).
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from consultations.admin.advisors import CachedRoomChoicesMixin
from consultations.admin.exports import AttendeeListMixin
from consultations.models import Registration, Training, TrainingMaterial, TrainingSession
from consultations.services import trainings as training_services
from cwop_portal.admin_helpers import (
    HistoryAdminMixin,
    ServiceActionsMixin,
    ServiceRefusalMixin,
    ask_reason,
)
from cwop_portal.dates import format_short_datetime


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


class TrainingForm(forms.ModelForm):
    """A training's change form: never fewer seats than people registered (on the
    field; `training_capacity_change` checks it again with the row locked)."""

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if self.instance.pk is not None and capacity is not None:
            problem = training_services.capacity_refusal(self.instance, capacity)
            if problem:
                raise forms.ValidationError(problem)
        return capacity


@admin.register(Training)
class TrainingAdmin(
    AttendeeListMixin,
    HistoryAdminMixin,
    ServiceRefusalMixin,
    ServiceActionsMixin,
    admin.ModelAdmin,
):
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
            _training, promoted = training_services.training_capacity_change(
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
            training_services.training_publish,
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
            training_services.training_cancel,
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
            training_services.registration_mark_attendance,
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
            training_services.registration_mark_attendance,
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
            training_services.registration_cancel,
            lambda n: (
                ngettext(
                    "%(count)d registration cancelled.", "%(count)d registrations cancelled.", n
                )
                % {"count": n}
            ),
        )
