"""The consultations' part of the yearly report (cwop_portal.yearly_figures): the
consultations of the calendar year by topic and by advisor (held, did not come)
and the trainings held (participants), as counted by `consultations.stats`."""

import datetime

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from consultations.models import Training
from consultations.stats import consultation_stats, counted_note, trainings_note
from cwop_portal import yearly_figures
from cwop_portal.yearly_figures import Column, Row, Section, Table, TableRow


def _stats(year: int):
    return consultation_stats(datetime.date(year, 1, 1), datetime.date(year, 12, 1))


def _outcome_table(title, first_header, rows):
    return Table(
        title=title,
        first_header=first_header,
        columns=(Column(_("Held")), Column(_("Did not come"))),
        rows=tuple(TableRow(row.label, (row.total.attended, row.total.no_show)) for row in rows),
    )


def advice(year: int) -> Section:
    """Three queries (consultations.stats): the consultations and the trainings."""
    stats = _stats(year)
    total = stats.per_month.total
    held = [row for row in stats.trainings if row.status != Training.Status.CANCELLED]
    return Section(
        title=_("Consultations and trainings"),
        rows=(
            Row(_("Consultations held"), total.attended),
            Row(_("Consultations the client did not come to"), total.no_show),
            Row(_("Consultations cancelled"), total.cancelled),
            Row(_("Consultations confirmed, not marked attended or not"), total.confirmed),
            Row(_("Trainings held"), len(held)),
            Row(_("Training participants (marked present)"), sum(row.attended for row in held)),
            Row(_("Training registrations (seats taken)"), sum(row.registered for row in held)),
        ),
        tables=(
            _outcome_table(_("Consultations by topic"), _("Topic"), stats.by_topic),
            _outcome_table(_("Consultations by advisor"), _("Advisor"), stats.by_advisor),
        ),
        note=lazy(lambda: f"{counted_note()} {trainings_note()}", str)(),
    )


def register() -> None:
    yearly_figures.register(30, "consultations", advice)
