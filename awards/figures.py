"""The competitions' part of the yearly report (cwop_portal.yearly_figures): the
editions whose nominations closed in the calendar year, the nominations that
counted in them, the share accepted in the formal check, the laureates and
mentions, and the public votes confirmed."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from awards.models import Edition, Nomination, Vote
from cwop_portal import yearly_figures
from cwop_portal.yearly_figures import PERCENT, Row, Section


def competitions(year: int) -> Section:
    """Three queries: the editions, their nominations added up, their votes."""
    start, end = yearly_figures.year_range(year)
    editions = Edition.objects.filter(
        status=Edition.Status.PUBLISHED, nominations_close__gte=start, nominations_close__lt=end
    )
    count = editions.count()
    figures = (
        Nomination.objects.filter(edition__in=editions)
        .counting()
        .aggregate(
            nominations=Count("pk"),
            checked=Count("pk", filter=~Q(status=Nomination.Status.SUBMITTED)),
            accepted=Count("pk", filter=Q(status=Nomination.Status.ACCEPTED)),
            laureates=Count("pk", filter=Q(award=Nomination.Award.LAUREATE)),
            mentions=Count("pk", filter=Q(award=Nomination.Award.MENTION)),
            organizations=Count("nominator_organization_id", distinct=True),
        )
    )
    votes = Vote.objects.counted().filter(category__edition__in=editions).count()
    return Section(
        title=_("Competitions and awards"),
        rows=(
            Row(_("Competition editions (nominations closed in the year)"), count),
            Row(_("Nominations"), figures["nominations"]),
            Row(_("Organisations that nominated"), figures["organizations"]),
            Row(
                _("Share of nominations accepted in the formal check"),
                yearly_figures.percent(figures["accepted"], figures["checked"]),
                PERCENT,
            ),
            Row(_("Laureates"), figures["laureates"]),
            Row(_("Mentions"), figures["mentions"]),
            Row(_("Public votes counted"), votes),
        ),
        note=_(
            "Nominations are counted once confirmed (and, for a young person, with the "
            "guardian's consent); votes once confirmed and not voided."
        ),
    )


def register() -> None:
    yearly_figures.register(65, "competitions", competitions)
