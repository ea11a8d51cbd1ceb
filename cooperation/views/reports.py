"""The published report of a public consultation, for everyone: a printable page
(the summary, the figures and every remark still sent, by provision, with the
city's position), and the same remarks as CSV (for a Polish Excel) and XLSX.
Only a published report is shown (404 otherwise). Each answers in a fixed number
of queries however many remarks there are."""

from decimal import Decimal

from django.db.models import F
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cooperation.models import PublicConsultation, Remark
from cooperation.services.consultations import report_figures
from cwop_portal.dates import format_date, local
from cwop_portal.spreadsheets import Workbook, csv_response, xlsx_response


def _reported(slug):
    return get_object_or_404(
        PublicConsultation.objects.filter(status=PublicConsultation.Status.REPORT_PUBLISHED),
        slug=slug,
    )


def _remarks(consultation):
    """The remarks still sent, by provision (the general ones first)."""
    return (
        Remark.objects.filter(consultation=consultation, status=Remark.Status.ACTIVE)
        .select_related("provision")
        .order_by(F("provision__position").asc(nulls_first=True), "created_at", "pk")
    )


def _provision_groups(remarks):
    """[(provision or None, [remarks])] in the remarks' order."""
    groups = []
    for remark in remarks:
        if not groups or groups[-1][0] != remark.provision:
            groups.append((remark.provision, []))
        groups[-1][1].append(remark)
    return groups


@require_safe
def public_consultation_report(request, slug):
    consultation = _reported(slug)
    remarks = list(_remarks(consultation))
    return render(
        request,
        "cooperation/reports/report.html",
        {
            "consultation": consultation,
            "figures": report_figures(consultation),
            "groups": _provision_groups(remarks),
            "remark_count": len(remarks),
        },
    )


def _header():
    return [
        _("No."),
        _("Provision"),
        _("Current wording"),
        _("Proposed wording"),
        _("Justification"),
        _("Sender"),
        _("Position of the city"),
        _("Justification of the position"),
    ]


def _rows(remarks):
    for number, remark in enumerate(remarks, start=1):
        provision = remark.provision
        yield [
            number,
            provision.label if provision else _("General remark"),
            provision.text if provision else "",
            remark.proposed_wording,
            remark.justification,
            str(remark.sender),
            remark.get_position_display() if remark.position else "",
            remark.position_justification,
        ]


def _figure_rows(consultation, figures):
    return [
        [_("Public consultation"), consultation.title],
        [_("Remarks from"), format_date(local(consultation.start).date())],
        [_("Remarks until"), format_date(local(consultation.end).date())],
        [_("Remarks"), figures["remarks"]],
        [_("Organisations"), figures["organizations"]],
        [_("Remarks of residents"), figures["residents"]],
        [_("Accepted"), figures["accepted"]],
        [_("Partly accepted"), figures["partly"]],
        [_("Not accepted"), figures["rejected"]],
        [_("Accepted (% of remarks)"), figures["accepted_share"]],
        [_("Partly accepted (% of remarks)"), figures["partly_share"]],
        [_("Not accepted (% of remarks)"), figures["rejected_share"]],
    ]


def _filename(consultation, extension):
    return f"raport-konsultacji-{consultation.slug}.{extension}"


@require_safe
def public_consultation_report_csv(request, slug):
    """The remarks, a row each, then the figures (in a Polish Excel: `;`, a decimal
    comma, UTF-8 with a byte order mark)."""
    consultation = _reported(slug)
    figures = report_figures(consultation)
    rows = [*_rows(_remarks(consultation)), [], *_figure_rows(consultation, figures)]
    return csv_response(_filename(consultation, "csv"), _header(), rows, polish_excel=True)


@require_safe
def public_consultation_report_xlsx(request, slug):
    consultation = _reported(slug)
    figures = report_figures(consultation)
    workbook = Workbook()
    sheet = workbook.sheet(_("Remarks"), widths=(6, 18, 50, 50, 50, 30, 20, 50), freeze="A2")
    sheet.table(_header(), _rows(_remarks(consultation)))
    summary = workbook.sheet(_("Figures"), widths=(36, 60))
    for label, value in _figure_rows(consultation, figures):
        summary.row([label, value], formats=(None, "0.0" if isinstance(value, Decimal) else "0"))
    workbook.about(
        [
            (_("Public consultation"), consultation.title),
            (
                _("Address"),
                request.build_absolute_uri(
                    reverse("cooperation:public_consultation_report", args=[consultation.slug])
                ),
            ),
        ]
    )
    return xlsx_response(_filename(consultation, "xlsx"), workbook)
