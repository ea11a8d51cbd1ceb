"""The Cooperation Programme's public pages: the centre's part in the City–NGO
cooperation, each published programme year with its document, priorities and public
consultation, and its published report (the figures frozen when it was published,
as tables and as CSV and XLSX downloads)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from cooperation.models import ProgrammeYear, PublicConsultation
from cwop_portal import yearly_figures
from cwop_portal.dates import format_datetime, local_today
from cwop_portal.spreadsheets import csv_response, xlsx_response
from cwop_portal.views import download_response

# The consultations taking remarks that the cooperation page lists (the soonest deadline first).
OPEN_CONSULTATIONS_SHOWN = 10


def _published_year(year):
    if not yearly_figures.FIRST_YEAR <= year <= yearly_figures.LAST_YEAR:
        raise Http404
    return get_object_or_404(ProgrammeYear, year=year, is_published=True)


def _published_report(year):
    programme_year = _published_year(year)
    if not programme_year.report_published:
        raise Http404
    return programme_year, yearly_figures.thaw(programme_year.figures)


def report_filename(year, extension):
    return f"program-wspolpracy-{year}-raport.{extension}"


@require_safe
def cooperation_home(request):
    years = list(
        ProgrammeYear.objects.filter(is_published=True)
        .only("year", "title_pl", "title_en", "report_published")
        .order_by("-year")
    )
    this_year = local_today().year
    current = next((y for y in years if y.year == this_year), None)
    open_consultations = list(
        PublicConsultation.objects.accepting_remarks()
        .only("slug", "title_pl", "title_en", "end", "office")
        .order_by("end", "pk")[:OPEN_CONSULTATIONS_SHOWN]
    )
    return render(
        request,
        "cooperation/programme/home.html",
        {
            "current": current,
            "other_years": [y for y in years if y is not current],
            "open_consultations": open_consultations,
        },
    )


@require_safe
def programme_year(request, year):
    programme_year = _published_year(year)
    consultations = list(programme_year.public_consultations.public().order_by("start", "pk"))
    sections = (
        yearly_figures.thaw(programme_year.figures) if programme_year.report_published else []
    )
    return render(
        request,
        "cooperation/programme/year.html",
        {
            "programme_year": programme_year,
            "consultations": consultations,
            "sections": sections,
            "computed_at": (
                format_datetime(programme_year.figures_computed_at)
                if programme_year.figures_computed_at
                else ""
            ),
        },
    )


@require_safe
def programme_report_csv(request, year):
    programme_year, sections = _published_report(year)
    return csv_response(
        report_filename(programme_year.year, "csv"),
        yearly_figures.csv_header(),
        yearly_figures.csv_rows(sections),
        polish_excel=True,
    )


@require_safe
def programme_report_xlsx(request, year):
    programme_year, sections = _published_report(year)
    computed = (
        format_datetime(programme_year.figures_computed_at)
        if programme_year.figures_computed_at
        else ""
    )
    return xlsx_response(
        report_filename(programme_year.year, "xlsx"),
        yearly_figures.workbook(sections, title=programme_year.title, computed=computed),
    )


@require_safe
def programme_document(request, year, filename):
    programme_year = _published_year(year)
    if not programme_year.file:
        raise Http404
    if filename != programme_year.download_name:
        return redirect(
            "cooperation:programme_document",
            year=programme_year.year,
            filename=programme_year.download_name,
            permanent=True,
        )
    return download_response(programme_year)
