"""The rooms in the admin: resources, their hours and closures, and the bookings.

Bookings come to be and change status only through `rooms.services.bookings`: the add form
calls `booking_create(by_staff=True)`, the list's actions call `booking_approve`,
`booking_reject` and `booking_cancel`; on an existing booking only its purpose,
attendees, equipment and notes may be edited, through `booking_update_details`
(capacity, history). The Booking admin also serves the
staff's agenda (day and week) and the usage report (HTML, CSV, XLSX).
"""

import datetime

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from cwop_portal import params
from cwop_portal.admin_helpers import (
    DateFilter,
    HistoryAdminMixin,
    ServiceActionsMixin,
    ServiceRefusalMixin,
    ask_reason,
    reject_with_reason,
)
from cwop_portal.admin_site import register_pending
from cwop_portal.dates import (
    DAY,
    format_short_datetime,
    local,
    local_today,
)
from cwop_portal.images import clean_new_image_upload
from cwop_portal.periods import PeriodForm
from cwop_portal.spreadsheets import csv_response, xlsx_response
from rooms import reports, rules
from rooms.models import (
    Booking,
    Closure,
    Equipment,
    OpeningHours,
    Resource,
    ResourcePhoto,
)
from rooms.services import bookings as services

register_pending(
    _("Bookings waiting for approval"),
    lambda: reverse("admin:rooms_booking_changelist") + "?status__exact=pending",
    lambda: Booking.objects.filter(status="pending"),
    "rooms.view_booking",
)


# --- Equipment, resources, hours, closures ---------------------------------------------


@admin.register(Equipment)
class EquipmentAdmin(admin.ModelAdmin):
    list_display = ["name_pl", "name_en", "position"]
    list_editable = ["position"]
    ordering = ["position", "name_pl"]
    search_fields = ["name_pl", "name_en"]
    prepopulated_fields = {"slug": ["name_pl"]}


class ResourcePhotoForm(forms.ModelForm):
    """A new photo is stored re-encoded, without its metadata (location, camera)."""

    class Meta:
        model = ResourcePhoto
        fields = ["image", "alt_pl", "alt_en", "position"]

    def clean_image(self):
        return clean_new_image_upload(self.cleaned_data.get("image"), field_label="photo")


class ResourcePhotoInline(admin.StackedInline):
    model = ResourcePhoto
    form = ResourcePhotoForm
    extra = 0


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    fields = ["weekday", "opens", "closes"]
    extra = 0
    verbose_name_plural = _(
        "Opening hours of this resource (leave empty to follow the centre's hours)"
    )


@admin.register(Resource)
class ResourceAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name_pl", "kind", "capacity", "requires_approval", "is_active", "position"]
    list_editable = ["position"]
    list_filter = ["kind", "is_active", "requires_approval", "is_demo"]
    search_fields = ["name_pl", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_pl"]}
    filter_horizontal = ["equipment"]
    inlines = [ResourcePhotoInline, OpeningHoursInline]
    save_on_top = True
    fieldsets = (
        (_("Names"), {"fields": ("name_pl", "name_en", "slug", "kind")}),
        (_("Description"), {"fields": ("description_pl", "description_en")}),
        (_("Capacity and equipment"), {"fields": ("capacity", "equipment")}),
        (_("Accessibility"), {"fields": ("accessibility_pl", "accessibility_en")}),
        (_("House rules"), {"fields": ("house_rules_pl", "house_rules_en")}),
        (
            _("Booking rules"),
            {
                "fields": (
                    "requires_approval",
                    ("min_duration", "max_duration"),
                    "slot_step",
                    "booking_horizon_days",
                    "booking_notice_hours",
                    "cancel_notice_hours",
                    "monthly_quota_hours",
                )
            },
        ),
        (_("Visibility"), {"fields": ("is_active", "position", "is_demo")}),
    )


class ResourceOrCentreMixin:
    @admin.display(description=_("applies to"), ordering="resource__name_pl")
    def resource_or_centre(self, obj):
        return obj.resource or _("the whole centre")


@admin.register(OpeningHours)
class OpeningHoursAdmin(ResourceOrCentreMixin, admin.ModelAdmin):
    """Rows without a resource are the centre's hours; a resource with rows of its
    own follows only those."""

    list_display = ["resource_or_centre", "weekday", "opens", "closes"]
    list_filter = ["resource", "weekday"]
    list_select_related = ["resource"]
    # The centre's hours (no resource) first.
    ordering = [F("resource__position").asc(nulls_first=True), "resource__name_pl", "weekday"]


@admin.register(Closure)
class ClosureAdmin(HistoryAdminMixin, ResourceOrCentreMixin, admin.ModelAdmin):
    list_display = ["start_date", "end_date", "resource_or_centre", "reason_pl"]
    list_filter = ["resource"]
    list_select_related = ["resource"]
    search_fields = ["reason_pl", "reason_en"]
    date_hierarchy = "start_date"


# --- Bookings ---------------------------------------------------------------------------


class BookingDateFilter(DateFilter):
    """Bookings by when they take place; a booking counts for every period it
    overlaps."""

    overlapping = True


def _service_errors(form, exc):
    """A ValidationError of `rooms.services.bookings` onto the form's fields (the service
    names its fields like the form; any other goes to the top of the form)."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for name, messages in errors.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)


class BookingAddForm(forms.ModelForm):
    """Adds a booking through `booking_create(by_staff=True)`.

    The service runs in `clean()` once every field is valid, inside the admin's
    transaction (ModelAdmin.changeform_view is atomic): when a rule breaks, its
    savepoint is rolled back and the messages go on the fields, nothing saved; when
    it succeeds, the new booking becomes the form's instance and the admin only logs
    it. Its e-mails go out when the admin's transaction commits. `user` is set by
    BookingAdmin.get_form.
    """

    user = None

    class Meta:
        model = Booking
        fields = [
            "resource",
            "organization",
            "start",
            "end",
            "title",
            "attendees",
            "equipment_needed",
            "notes",
        ]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            booking = services.booking_create(
                resource=cleaned["resource"],
                organization=cleaned["organization"],
                user=self.user,
                start=cleaned["start"],
                end=cleaned["end"],
                title=cleaned["title"],
                attendees=cleaned["attendees"],
                equipment=list(cleaned.get("equipment_needed") or ()),
                notes=cleaned.get("notes") or "",
                by_staff=True,
            )
        except ValidationError as exc:
            _service_errors(self, exc)
        else:
            self.instance = booking
        return cleaned


class BookingChangeForm(forms.ModelForm):
    """An existing booking: its purpose, attendees, equipment and notes, saved by
    `booking_update_details` (BookingAdmin.save_model). Its capacity rule is asked
    here first, so that a number too large shows on the field."""

    class Meta:
        model = Booking
        fields = ["title", "attendees", "equipment_needed", "notes"]

    def clean_attendees(self):
        attendees = self.cleaned_data["attendees"]
        if attendees != self.instance.attendees:
            errors = rules.attendees_check(self.instance.resource, attendees)
            if errors:
                raise ValidationError(errors["attendees"])
        return attendees


AGENDA_DAY, AGENDA_WEEK = "dzien", "tydzien"


@admin.register(Booking)
class BookingAdmin(HistoryAdminMixin, ServiceRefusalMixin, ServiceActionsMixin, admin.ModelAdmin):
    records_admin_saves = False  # the services record
    list_display = [
        "resource",
        "local_start",
        "local_end",
        "organization",
        "title",
        "status",
        "attendees",
    ]
    list_display_links = ["local_start", "title"]
    list_filter = [
        BookingDateFilter,
        "status",
        "resource",
        ("organization", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["resource", "organization"]
    search_fields = ["title", "organization__name"]
    date_hierarchy = "start"
    autocomplete_fields = ["organization"]
    filter_horizontal = ["equipment_needed"]
    actions = ["approve", "reject", "cancel"]
    ordering = ["start", "pk"]
    add_fieldsets = (
        (
            None,
            {
                "description": _(
                    "A booking added here is confirmed at once and e-mailed to the "
                    "organisation. The rules of the resource apply (opening hours, "
                    "closures, free time, capacity, length), except the notice and "
                    "how far ahead one may book."
                ),
                "fields": (
                    "resource",
                    "organization",
                    "start",
                    "end",
                    "title",
                    "attendees",
                    "equipment_needed",
                    "notes",
                ),
            },
        ),
    )
    fieldsets = (
        (
            None,
            {
                "description": _(
                    "The time, the resource and the status change only through the "
                    "actions of the list of bookings (approve, reject, cancel)."
                ),
                "fields": ("resource", "organization", "start", "end", "status", "series"),
            },
        ),
        (_("Details"), {"fields": ("title", "attendees", "equipment_needed", "notes")}),
        (
            _("History"),
            {
                "fields": (
                    "created_by",
                    "created_at",
                    "rules_accepted_at",
                    "decided_by",
                    "decided_at",
                    "rejection_reason",
                    "cancelled_by",
                    "cancelled_at",
                    "cancellation_reason",
                    "reminder_sent_at",
                    "updated_at",
                    "is_demo",
                )
            },
        ),
    )
    change_readonly_fields = [
        "resource",
        "organization",
        "start",
        "end",
        "status",
        "series",
        "created_by",
        "created_at",
        "rules_accepted_at",
        "decided_by",
        "decided_at",
        "rejection_reason",
        "cancelled_by",
        "cancelled_at",
        "cancellation_reason",
        "reminder_sent_at",
        "updated_at",
        "is_demo",
    ]

    # -- list --

    @admin.display(description=_("start"), ordering="start")
    def local_start(self, obj):
        return format_short_datetime(obj.start)

    @admin.display(description=_("end"), ordering="end")
    def local_end(self, obj):
        start, end = local(obj.start), local(obj.end)
        if end.date() == start.date():
            return f"{end:%H:%M}"
        return date_format(end, "SHORT_DATETIME_FORMAT")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("resource", "organization")

    # -- forms --

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.change_readonly_fields

    def get_inlines(self, request, obj):
        # Nothing may fail after the add form's clean() created the booking.
        return [] if obj is None else super().get_inlines(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = BookingAddForm if obj is None else BookingChangeForm
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            form = type(form.__name__, (form,), {"user": request.user})
        return form

    def has_delete_permission(self, request, obj=None):
        # A booking is cancelled (with a reason, e-mailed), never deleted: the
        # organisation is told and the usage report keeps its history.
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            return  # booking_create saved it, in BookingAddForm.clean()
        if form.has_changed():
            data = form.cleaned_data
            services.booking_update_details(
                booking=obj,
                user=request.user,
                title=data["title"],
                attendees=data["attendees"],
                equipment=list(data.get("equipment_needed") or ()),
                notes=data.get("notes") or "",
            )

    def save_related(self, request, form, formsets, change):
        # booking_create (added) or booking_update_details (changed) set the
        # equipment; the history inline is read-only (saving it writes nothing).
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    # -- actions --

    def call_service(self, service, obj, user, **kwargs):
        return service(booking=obj, user=user, **kwargs)

    @admin.action(description=_("Approve selected bookings"))
    def approve(self, request, queryset):
        # A booking something now stands against (an overlap, a closure added since,
        # changed hours) stays pending; run_service shows why, naming the booking.
        self.run_service(
            request,
            queryset,
            services.booking_approve,
            lambda n: (
                ngettext("%(count)d booking approved.", "%(count)d bookings approved.", n)
                % {"count": n}
            ),
        )

    @admin.action(description=_("Reject selected bookings (with a reason)"))
    def reject(self, request, queryset):
        return reject_with_reason(
            self,
            request,
            queryset,
            services.booking_reject,
            lambda n: (
                ngettext("%(count)d booking rejected.", "%(count)d bookings rejected.", n)
                % {"count": n}
            ),
            title=_("Reject bookings"),
        )

    @admin.action(description=_("Cancel selected bookings (with a reason)"))
    def cancel(self, request, queryset):
        return ask_reason(
            self,
            request,
            queryset,
            services.booking_cancel_by_staff,
            lambda n: (
                ngettext("%(count)d booking cancelled.", "%(count)d bookings cancelled.", n)
                % {"count": n}
            ),
            template="admin/rooms/booking/cancel_with_reason.html",
            title=_("Cancel bookings"),
        )

    # -- agenda and report --

    def get_urls(self):
        return [
            path(
                "agenda/",
                self.admin_site.admin_view(require_safe(self.agenda_view)),
                name="rooms_booking_agenda",
            ),
            path(
                "report/",
                self.admin_site.admin_view(require_safe(self.report_view)),
                name="rooms_booking_report",
            ),
            *super().get_urls(),
        ]

    def _page_context(self, request, title):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "changelist_url": reverse("admin:rooms_booking_changelist"),
        }

    def agenda_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = local_today()
        day, date_problem = today, False
        raw = request.GET.get("dzien", "").strip()
        if raw:
            try:
                day = datetime.date.fromisoformat(raw[:32])
            except ValueError:
                day, date_problem = today, True
            if not params.day_is_shown(day):
                day, date_problem = today, True
        view = request.GET.get("widok")
        if view not in (AGENDA_DAY, AGENDA_WEEK):
            view = AGENDA_DAY
        if view == AGENDA_WEEK:
            first = day - datetime.timedelta(days=day.weekday())
            last, step = first + datetime.timedelta(days=6), datetime.timedelta(days=7)
            caption = _("Bookings from %(first)s to %(last)s") % {
                "first": date_format(first, "DATE_FORMAT"),
                "last": date_format(last, "DATE_FORMAT"),
            }
        else:
            first = last = day
            step = DAY
            caption = _("%(day)s: bookings") % {
                "day": f"{date_format(day, 'l')}, {date_format(day, 'DATE_FORMAT')}"
            }

        def link(on, widok=view):
            return "?" + urlencode({"dzien": on.isoformat(), "widok": widok})

        context = {
            **self._page_context(request, _("Agenda")),
            "agenda": reports.agenda(first, last),
            "view": view,
            "day": day,
            "today": today,
            "caption": caption,
            "date_problem": date_problem,
            "previous_url": link(first - step),
            "next_url": link(first + step),
            "today_url": link(today),
            "day_view_url": link(day, AGENDA_DAY),
            "week_view_url": link(day, AGENDA_WEEK),
            "is_week": view == AGENDA_WEEK,
            "report_url": reverse("admin:rooms_booking_report"),
        }
        return TemplateResponse(request, "admin/rooms/booking/agenda.html", context)

    def report_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = PeriodForm(request.GET)
        report = None
        if form.is_valid():
            report = reports.usage_report(*form.period())
            output = request.GET.get("format")
            if output == "csv":
                return csv_response(
                    reports.report_filename(report, "csv"),
                    reports.report_header(),
                    reports.report_records(report),
                )
            if output == "xlsx":
                return xlsx_response(
                    reports.report_filename(report, "xlsx"), reports.report_workbook(report)
                )
        query = form.query()
        context = {
            **self._page_context(request, _("Usage report")),
            "form": form,
            "report": report,
            "months_with_figures": (
                list(zip(report.months, report.per_month.months, strict=True)) if report else []
            ),
            "counted_note": reports.counted_note(),
            "board_note": reports.board_note(),
            "csv_url": "?" + urlencode({**query, "format": "csv"}),
            "xlsx_url": "?" + urlencode({**query, "format": "xlsx"}),
            "agenda_url": reverse("admin:rooms_booking_agenda"),
        }
        return TemplateResponse(request, "admin/rooms/booking/report.html", context)
