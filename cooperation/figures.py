"""The public consultations' part of the yearly report (cwop_portal.yearly_figures):
the consultations whose deadline fell in the calendar year, the remarks sent in them
(withdrawn ones are not counted), the organisations that sent them and the share
of the remarks with the city's position that were accepted in whole or in part."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from cooperation.models import PublicConsultation, Remark
from cwop_portal import yearly_figures
from cwop_portal.yearly_figures import PERCENT, Row, Section


def public_consultations(year: int) -> Section:
    """Two queries: the consultations, and their remarks added up."""
    start, end = yearly_figures.year_range(year)
    held = PublicConsultation.objects.public().filter(end__gte=start, end__lt=end)
    count = held.count()
    figures = Remark.objects.filter(consultation__in=held, status=Remark.Status.ACTIVE).aggregate(
        remarks=Count("pk"),
        organizations=Count("organization_id", distinct=True),
        answered=Count("pk", filter=~Q(position=Remark.Position.NONE)),
        accepted=Count(
            "pk", filter=Q(position__in=[Remark.Position.ACCEPTED, Remark.Position.PARTLY])
        ),
    )
    return Section(
        title=_("Public consultations of city acts"),
        rows=(
            Row(_("Public consultations held (deadline in the year)"), count),
            Row(_("Remarks sent"), figures["remarks"]),
            Row(_("Organisations that sent remarks"), figures["organizations"]),
            Row(_("Remarks with the city's position"), figures["answered"]),
            Row(_("Remarks accepted in whole or in part"), figures["accepted"]),
            Row(
                _("Share of remarks accepted in whole or in part"),
                yearly_figures.percent(figures["accepted"], figures["answered"]),
                PERCENT,
            ),
        ),
        note=_(
            "The share is of the remarks the city has taken a position on; withdrawn "
            "remarks are not counted."
        ),
    )


def register() -> None:
    yearly_figures.register(70, "public_consultations", public_consultations)
