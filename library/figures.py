"""The library's part of the yearly report (cwop_portal.yearly_figures): loans made
in the calendar year and the readers who borrowed."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from cwop_portal import yearly_figures
from cwop_portal.yearly_figures import Row, Section
from library.models import Loan


def loans(year: int) -> Section:
    """One query: the loans made in the year (renewals are not new loans)."""
    start, end = yearly_figures.year_range(year)
    figures = Loan.objects.filter(lent_at__gte=start, lent_at__lt=end).aggregate(
        loans=Count("pk"),
        readers=Count("borrower_id", distinct=True),
        organizations=Count("organization_id", distinct=True),
    )
    return Section(
        title=_("Library"),
        rows=(
            Row(_("Loans"), figures["loans"]),
            Row(_("Readers who borrowed"), figures["readers"]),
            Row(_("Organisations on whose behalf books were borrowed"), figures["organizations"]),
        ),
        note=_("Readers whose accounts were deleted since are no longer counted as readers."),
    )


def register() -> None:
    yearly_figures.register(50, "library", loans)
