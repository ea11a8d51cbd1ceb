"""The Cooperation Programme in the admin: the programme years (their report is
published, computed again or withdrawn through cooperation.services.programme) and
the staff's report page, which computes the figures of any year live and downloads
them (CSV for a Polish Excel, XLSX) or shows them ready to print."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from cooperation.models import ProgrammeYear
from cooperation.services import programme as services
from cwop_portal import yearly_figures
from cwop_portal.admin_helpers import HistoryAdminMixin, ServiceActionsMixin
from cwop_portal.dates import format_datetime, local_today
from cwop_portal.spreadsheets import csv_response, xlsx_response


class ReportYearForm(forms.Form):
    """The year of the staff's report page."""

    rok = forms.IntegerField(
        label=_("Year"),
        min_value=yearly_figures.FIRST_YEAR,
        max_value=yearly_figures.LAST_YEAR,
        help_text=_("The calendar year, counted in Polish time."),
    )


class ProgrammeYearForm(forms.ModelForm):
    class Meta:
        model = ProgrammeYear
        fields = [
            "year",
            "title_pl",
            "title_en",
            "resolution",
            "file",
            "summary_pl",
            "summary_en",
            "priorities_pl",
            "priorities_en",
            "report_note_pl",
            "report_note_en",
            "is_published",
            "is_demo",
        ]

    def clean(self):
        cleaned = super().clean()
        if (
            self.instance.pk
            and self.instance.report_published
            and "is_published" in cleaned
            and not cleaned["is_published"]
        ):
            self.add_error(
                "is_published",
                _("The report of this year is published: withdraw the report first."),
            )
        return cleaned


@admin.register(ProgrammeYear)
class ProgrammeYearAdmin(HistoryAdminMixin, ServiceActionsMixin, admin.ModelAdmin):
    form = ProgrammeYearForm
    list_display = ["year", "title_pl", "is_published", "report_published", "computed"]
    list_filter = ["is_published", "report_published", "is_demo"]
    search_fields = ["title_pl", "title_en", "resolution"]
    readonly_fields = ["report_published", "computed", "created_at", "updated_at"]
    actions = ["publish_report", "refresh_report", "withdraw_report"]
    fieldsets = (
        (None, {"fields": ("year", "title_pl", "title_en", "resolution", "file")}),
        (
            _("Summary and priorities"),
            {"fields": ("summary_pl", "summary_en", "priorities_pl", "priorities_en")},
        ),
        (
            _("Report"),
            {"fields": ("report_note_pl", "report_note_en", "report_published", "computed")},
        ),
        (_("Publication"), {"fields": ("is_published", "is_demo", "created_at", "updated_at")}),
    )

    @admin.display(description=_("figures computed"), ordering="figures_computed_at")
    def computed(self, obj):
        return format_datetime(obj.figures_computed_at) if obj.figures_computed_at else "—"

    # -- the report's actions --

    def call_service(self, service, obj, user, **kwargs):
        return service(programme_year=obj, user=user, **kwargs)

    @admin.action(description=_("Publish the report of the selected years"), permissions=["change"])
    def publish_report(self, request, queryset):
        self.run_service(
            request,
            queryset,
            services.programme_report_publish,
            lambda n: (
                ngettext(
                    "The report of %(count)d year published.",
                    "The reports of %(count)d years published.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(
        description=_("Compute the published figures of the selected years again"),
        permissions=["change"],
    )
    def refresh_report(self, request, queryset):
        self.run_service(
            request,
            queryset,
            services.programme_report_refresh,
            lambda n: (
                ngettext(
                    "The figures of %(count)d year computed again.",
                    "The figures of %(count)d years computed again.",
                    n,
                )
                % {"count": n}
            ),
        )

    @admin.action(
        description=_("Withdraw the report of the selected years"), permissions=["change"]
    )
    def withdraw_report(self, request, queryset):
        self.run_service(
            request,
            queryset,
            services.programme_report_withdraw,
            lambda n: (
                ngettext(
                    "The report of %(count)d year withdrawn.",
                    "The reports of %(count)d years withdrawn.",
                    n,
                )
                % {"count": n}
            ),
        )

    # -- the staff's report page --

    def get_urls(self):
        return [
            path(
                "raport/",
                self.admin_site.admin_view(require_safe(self.report_view)),
                name="cooperation_programmeyear_report",
            ),
            *super().get_urls(),
        ]

    def report_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ReportYearForm(request.GET if "rok" in request.GET else {"rok": local_today().year})
        sections, year = [], None
        if form.is_valid():
            year = form.cleaned_data["rok"]
            sections = yearly_figures.collect(year)
            computed = format_datetime(timezone.now())
            title = gettext("Figures of the Cooperation Programme, %(year)s") % {"year": year}
            output = request.GET.get("format")
            filename = f"program-wspolpracy-{year}-dane"
            if output == "csv":
                return csv_response(
                    f"{filename}.csv",
                    yearly_figures.csv_header(),
                    yearly_figures.csv_rows(sections),
                    polish_excel=True,
                )
            if output == "xlsx":
                return xlsx_response(
                    f"{filename}.xlsx",
                    yearly_figures.workbook(sections, title=title, computed=computed),
                )
        else:
            output, computed, title = None, "", gettext("Figures of the Cooperation Programme")
        query = {"rok": year} if year else {}
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "changelist_url": reverse("admin:cooperation_programmeyear_changelist"),
            "form": form,
            "year": year,
            "sections": sections,
            "computed": computed,
            "programme_year": (ProgrammeYear.objects.filter(year=year).first() if year else None),
            "csv_url": "?" + urlencode({**query, "format": "csv"}),
            "xlsx_url": "?" + urlencode({**query, "format": "xlsx"}),
            "print_url": "?" + urlencode({**query, "format": "print"}),
            "page_url": "?" + urlencode(query),
        }
        template = (
            "admin/cooperation/programmeyear/report_print.html"
            if output == "print"
            else "admin/cooperation/programmeyear/report.html"
        )
        return TemplateResponse(request, template, context)
