"""The awards admin: an edition's jury progress (who scored what share), its ranking
(where staff mark laureates and mentions through
`awards.services.editions.nomination_award_set`) and the downloads of every juror's
scores (CSV for a Polish Excel, XLSX).

`jury_admin_urls(model_admin)` gives the pages' URL patterns; the editions admin puts
them before its own in `EditionAdmin.get_urls`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from awards.forms.jury import AwardForm
from awards.models import Edition, Nomination
from awards.services import editions as edition_services
from awards.services import jury as services
from cwop_portal.spreadsheets import Workbook, csv_response, xlsx_response

VIEW_PERMISSION = "awards.view_edition"
AWARD_PERMISSION = "awards.change_nomination"
MAX_PK = 2**63 - 1


def _edition_or_404(request, pk):
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    if pk > MAX_PK:
        raise Http404
    return get_object_or_404(Edition.objects.select_related("competition"), pk=pk)


def _context(model_admin, request, edition, title):
    return {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": Edition._meta,
        "edition": edition,
        "changelist_url": reverse("admin:awards_edition_changelist"),
        "change_url": reverse("admin:awards_edition_change", args=[edition.pk]),
        "progress_url": reverse("admin:awards_edition_progress", args=[edition.pk]),
        "ranking_url": reverse("admin:awards_edition_ranking", args=[edition.pk]),
        "csv_url": reverse("admin:awards_edition_scores_csv", args=[edition.pk]),
        "xlsx_url": reverse("admin:awards_edition_scores_xlsx", args=[edition.pk]),
    }


def progress_view(model_admin, request, pk):
    edition = _edition_or_404(request, pk)
    context = _context(
        model_admin,
        request,
        edition,
        gettext("Jury progress: %(edition)s") % {"edition": edition},
    )
    context["rows"] = services.jury_progress(edition)
    return TemplateResponse(request, "admin/awards/edition/jury_progress.html", context)


def _set_award(request, edition):
    form = AwardForm(request.POST)
    if not request.user.has_perm(AWARD_PERMISSION):
        raise PermissionDenied
    if not form.is_valid():
        messages.error(request, gettext("Choose the award from the list."))
        return
    nomination = Nomination.objects.filter(
        pk=form.cleaned_data["nomination"], edition=edition
    ).first()
    if nomination is None:
        raise Http404
    try:
        edition_services.nomination_award_set(
            nomination=nomination,
            award=form.cleaned_data["award"],
            user=request.user,
            # The results' descriptions are kept as they are (the nomination's page edits them).
            description_pl=nomination.result_description_pl,
            description_en=nomination.result_description_en,
        )
    except ValidationError as error:
        messages.error(request, f"{nomination.full_name}: {' '.join(error.messages)}")
    else:
        nomination.refresh_from_db(fields=["award"])
        messages.success(
            request,
            gettext("%(name)s: the award is now “%(award)s”.")
            % {"name": nomination.full_name, "award": nomination.get_award_display()},
        )


def ranking_view(model_admin, request, pk):
    edition = _edition_or_404(request, pk)
    if request.method == "POST":
        _set_award(request, edition)
        return HttpResponseRedirect(reverse("admin:awards_edition_ranking", args=[pk]))
    rows = services.edition_ranking(edition)
    categories: list[tuple] = []
    for row in rows:
        if not categories or categories[-1][0] != row.category:
            categories.append((row.category, []))
        categories[-1][1].append(row)
    context = _context(
        model_admin,
        request,
        edition,
        gettext("Ranking: %(edition)s") % {"edition": edition},
    )
    context.update(
        {
            "categories": categories,
            "award_choices": Nomination.Award.choices,
            "can_award": request.user.has_perm(AWARD_PERMISSION),
            "results_approved": edition.results_approved_at is not None,
        }
    )
    return TemplateResponse(request, "admin/awards/edition/jury_ranking.html", context)


def _score_table(edition):
    """The header and rows of the scores' download: a row per juror and nomination."""
    criteria = list(edition.criteria.order_by("position", "pk"))
    header = [
        gettext("Nomination"),
        gettext("Category"),
        gettext("Juror"),
        *(criterion.name for criterion in criteria),
        gettext("Weighted result (0–100)"),
    ]
    rows = [
        [
            sheet.nomination.full_name,
            sheet.nomination.category.name,
            str(sheet.juror),
            *(sheet.values.get(criterion.pk) for criterion in criteria),
            sheet.result,
        ]
        for sheet in services.edition_score_sheets(edition)
    ]
    return header, rows, len(criteria)


def _filename(edition, extension):
    return f"oceny-{edition.competition.slug}-{edition.year}.{extension}"


def scores_csv_view(model_admin, request, pk):
    edition = _edition_or_404(request, pk)
    header, rows, _count = _score_table(edition)
    return csv_response(_filename(edition, "csv"), header, rows, polish_excel=True)


def scores_xlsx_view(model_admin, request, pk):
    edition = _edition_or_404(request, pk)
    header, rows, count = _score_table(edition)
    workbook = Workbook()
    sheet = workbook.sheet(gettext("Scores"), widths=(40, 30, 30, *([14] * count), 16), freeze="A2")
    sheet.table(header, rows, formats=[None, None, None, *(["0"] * count), "0.00"])
    workbook.about(
        [
            (gettext("Edition"), str(edition)),
            (
                gettext("Result"),
                gettext(
                    "A juror's weighted result: sum(weight × score / highest score) / "
                    "sum(weights) × 100, when every criterion is scored."
                ),
            ),
        ]
    )
    return xlsx_response(_filename(edition, "xlsx"), workbook)


def jury_admin_urls(model_admin) -> list:
    """The jury's admin pages of an edition, each wrapped in the admin site's view
    (staff only) and needing the permission to view editions."""

    def wrap(view, methods=("GET", "HEAD")):
        def bound(request, pk):
            return view(model_admin, request, pk)

        return model_admin.admin_site.admin_view(require_http_methods(list(methods))(bound))

    return [
        path("<int:pk>/jury/", wrap(progress_view), name="awards_edition_progress"),
        path(
            "<int:pk>/ranking/",
            wrap(ranking_view, ["GET", "HEAD", "POST"]),
            name="awards_edition_ranking",
        ),
        path("<int:pk>/oceny.csv", wrap(scores_csv_view), name="awards_edition_scores_csv"),
        path("<int:pk>/oceny.xlsx", wrap(scores_xlsx_view), name="awards_edition_scores_xlsx"),
    ]
