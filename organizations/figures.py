"""The directory's and the news's part of the yearly report (cwop_portal.yearly_figures):
organisations in the directory at the end of the year (by legal form, OPP), those
new in it that year, and the news posts and funding calls published that year."""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from cwop_portal import yearly_figures
from cwop_portal.yearly_figures import Column, Row, Section, Table, TableRow
from organizations.models import NewsPost, Organization, OrganizationChange


def directory(year: int) -> Section:
    """Two queries: the directory at the year's end by legal form, and the new ones.
    An organisation counts at the year's end when it was first published before it
    and was not archived by then (its history says when it was archived)."""
    start, end = yearly_figures.year_range(year)
    archived_before_end = Exists(
        OrganizationChange.objects.filter(
            organization=OuterRef("pk"), action="archived", created_at__lt=end
        )
    )
    at_year_end = (
        Organization.objects.filter(
            published_at__lt=end,
            status__in=[Organization.Status.PUBLISHED, Organization.Status.ARCHIVED],
        )
        .exclude(Q(status=Organization.Status.ARCHIVED) & archived_before_end)
        .values("legal_form")
        .annotate(number=Count("pk"), opp=Count("pk", filter=Q(is_opp=True)))
        .order_by()
    )
    by_form = {group["legal_form"]: group for group in at_year_end}
    new = Organization.objects.filter(published_at__gte=start, published_at__lt=end).count()
    total = sum(group["number"] for group in by_form.values())
    opp = sum(group["opp"] for group in by_form.values())
    return Section(
        title=_("Directory of organisations"),
        rows=(
            Row(_("Organisations in the directory at the end of the year"), total),
            Row(_("Organisations added to the directory in the year"), new),
            Row(_("Public benefit organisations (OPP) in the directory"), opp),
        ),
        tables=(
            Table(
                title=_("Organisations by legal form"),
                first_header=_("Legal form"),
                columns=(Column(_("Organisations")), Column(_("Of which OPP"))),
                rows=tuple(
                    TableRow(
                        label,
                        (
                            by_form.get(value, {}).get("number", 0),
                            by_form.get(value, {}).get("opp", 0),
                        ),
                    )
                    for value, label in Organization.LegalForm.choices
                ),
            ),
        ),
        note=_(
            "Published profiles, counted as they were at the end of the year: first "
            "published before it and not archived by then."
        ),
    )


def news(year: int) -> Section:
    """One query: the posts published in the year, by category."""
    start, end = yearly_figures.year_range(year)
    groups = (
        NewsPost.objects.filter(
            status=NewsPost.Status.PUBLISHED, published_at__gte=start, published_at__lt=end
        )
        .values("category")
        .annotate(number=Count("pk"))
        .order_by()
    )
    by_category = {group["category"]: group["number"] for group in groups}
    return Section(
        title=_("News and funding calls"),
        rows=(
            Row(_("News posts published (all categories)"), sum(by_category.values())),
            Row(_("Funding calls published"), by_category.get(NewsPost.Category.FUNDING, 0)),
        ),
        tables=(
            Table(
                title=_("News posts by category"),
                first_header=_("Category"),
                columns=(Column(_("Posts published")),),
                rows=tuple(
                    TableRow(label, (by_category.get(value, 0),))
                    for value, label in NewsPost.Category.choices
                ),
            ),
        ),
    )


def register() -> None:
    yearly_figures.register(10, "organizations", directory)
    yearly_figures.register(60, "news", news)
