"""The report of a Cooperation Programme year: publishing it freezes the figures.

The figures of a year (`cwop_portal.yearly_figures.collect`) are computed from the
portal's data; once published they must not move when that data does (a booking
cancelled next March must not change last year's published report). So publishing
stores them in `ProgrammeYear.figures` (every language of the site, a Decimal as
a string), refreshing computes them again while the report stays published, and
withdrawing takes the report off the public page (the stored figures stay until it
is published again). Each is a line in the year's history.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperation.models import ProgrammeYear
from cwop_portal import yearly_figures
from cwop_portal.history import change_record
from cwop_portal.models import User


def _locked(programme_year: ProgrammeYear) -> ProgrammeYear:
    return ProgrammeYear.objects.select_for_update().get(pk=programme_year.pk)


def _compute(programme_year: ProgrammeYear) -> None:
    sections = yearly_figures.collect(programme_year.year)
    programme_year.figures = yearly_figures.freeze(sections)
    programme_year.figures_computed_at = timezone.now()


@transaction.atomic
def programme_report_publish(*, programme_year: ProgrammeYear, user: User | None) -> ProgrammeYear:
    """Compute the year's figures, store them and publish the report. The year must
    be published; a published report is refreshed instead."""
    programme_year = _locked(programme_year)
    if not programme_year.is_published:
        raise ValidationError({"report_published": [_("Publish the year before its report.")]})
    if programme_year.report_published:
        raise ValidationError(
            {
                "report_published": [
                    _("The report is already published; compute its figures again instead.")
                ]
            }
        )
    _compute(programme_year)
    programme_year.report_published = True
    programme_year.save(
        update_fields=["figures", "figures_computed_at", "report_published", "updated_at"]
    )
    change_record(
        programme_year,
        user=user,
        action="report_published",
        changes={"report_published": [False, True]},
    )
    return programme_year


@transaction.atomic
def programme_report_refresh(*, programme_year: ProgrammeYear, user: User | None) -> ProgrammeYear:
    """Compute the figures of a published report again (the data was corrected)."""
    programme_year = _locked(programme_year)
    if not programme_year.report_published:
        raise ValidationError(
            {"report_published": [_("The report is not published: publish it instead.")]}
        )
    _compute(programme_year)
    programme_year.save(update_fields=["figures", "figures_computed_at", "updated_at"])
    change_record(programme_year, user=user, action="report_refreshed")
    return programme_year


@transaction.atomic
def programme_report_withdraw(*, programme_year: ProgrammeYear, user: User | None) -> ProgrammeYear:
    """Take the report off the public page."""
    programme_year = _locked(programme_year)
    if not programme_year.report_published:
        raise ValidationError({"report_published": [_("The report is not published.")]})
    programme_year.report_published = False
    programme_year.save(update_fields=["report_published", "updated_at"])
    change_record(
        programme_year,
        user=user,
        action="report_withdrawn",
        changes={"report_published": [True, False]},
    )
    return programme_year
