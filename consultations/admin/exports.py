"""The consultations' reports in the admin: the statistics page of consultations
and trainings (served by the Appointment admin) and a training's attendee list
(served by the Training admin), each as a page, CSV and XLSX. Each is a mixin
adding its URL and view to the admin that serves it.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from consultations import stats
from consultations.models import Registration, Training
from cwop_portal.dates import local
from cwop_portal.periods import PeriodForm
from cwop_portal.spreadsheets import Workbook, csv_response, xlsx_response


class StatsPeriodForm(PeriodForm):
    """The usage report's period (a year, or a range of months), its month inputs
    without the attributes HTML does not allow on type="month"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("od", "do"):
            attrs = self.fields[name].widget.attrs
            attrs.pop("placeholder", None)
            attrs.pop("maxlength", None)


class StatsPageMixin:
    """The statistics of consultations and trainings for a period, at
    `statystyki/` of the admin it is mixed into (the Appointment admin), shown to
    whoever may view that admin's rows."""

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


REGISTRATION_ORDER = [
    Registration.Status.REGISTERED,
    Registration.Status.WAITING,
    Registration.Status.UNCONFIRMED,
    Registration.Status.CANCELLED,
]


class AttendeeListMixin:
    """A training's attendee list at `<pk>/uczestnicy/` of the admin it is mixed
    into (the Training admin): a page, a print view, CSV and XLSX, grouped by the
    registrations' status."""

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
