"""The jury of an edition: what each juror scores, conflicts of interest, scores,
the ranking and the jury's progress.

Decided here:
- a juror scores the ACCEPTED nominations that COUNT (confirmed, with the guardian's
  consent for a young person) of their edition, in their categories (every category
  when none is chosen for them);
- scoring is open from the close of nominations until `jury_until`, judged by the
  DATABASE's clock with the edition's row locked (a score sent at the closing second
  is judged by the time the database takes it); after it: "The jury has closed.";
- a juror gives every criterion of the edition at once, each a whole number from 0 to
  the criterion's highest score; saving again replaces their scores;
- a juror may declare a conflict of interest with a nomination until the jury closes:
  their scores of it are removed and they cannot score it. A juror cannot withdraw a
  declared conflict (a mistake is put right by the centre's staff, who may delete the
  conflict in the admin);
- the ranking (per category) is the mean, over the jurors who scored EVERY criterion
  of a nomination, of each juror's weighted result on a 0–100 scale
  (sum(weight × score / highest score) / sum(weights) × 100), rounded to two decimal
  places; equal results share a rank ("1, 1, 3") and are shown as tied; nominations
  nobody scored come last, without a result.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from awards.models import Category, Conflict, Criterion, Edition, Juror, Nomination, Score
from cwop_portal.dates import database_now
from cwop_portal.history import change_record, rows_saved

if TYPE_CHECKING:
    from cwop_portal.models import User

HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class RankingRow:
    """A nomination's place in its category. `score`: the weighted mean (0–100) over
    the jurors who scored all its criteria, None when nobody did (then `rank` is the
    place after the scored ones and `tied` is False)."""

    category: Category
    rank: int
    nomination: Nomination
    score: Decimal | None
    jurors_scored: int
    tied: bool


@dataclass(frozen=True)
class ProgressRow:
    """A juror's progress: `to_score` nominations they are to score (theirs, less
    those they declared a conflict with), `scored` of them with every criterion
    scored, `conflicts` declared, `share` scored in percent (None: nothing to
    score)."""

    juror: Juror
    to_score: int
    scored: int
    conflicts: int
    share: int | None


@dataclass(frozen=True)
class ScoreSheet:
    """One juror's scores of one nomination: {criterion pk: value}, and their weighted
    result (0–100) when every criterion is scored."""

    nomination: Nomination
    juror: Juror
    values: dict[int, int] = field(default_factory=dict)
    result: Decimal | None = None


# --- Time ----------------------------------------------------------------------------------


def _locked_edition(edition_id: int) -> tuple[Edition, datetime.datetime]:
    locked = Edition.objects.select_for_update().get(pk=edition_id)
    return locked, database_now()


def _require_jury_not_closed(edition: Edition, moment: datetime.datetime) -> None:
    if moment >= edition.jury_until:
        raise ValidationError(_("The jury has closed."), code="closed")


def _require_jury_open(edition: Edition, moment: datetime.datetime) -> None:
    _require_jury_not_closed(edition, moment)
    if moment < edition.nominations_close:
        raise ValidationError(
            _("The jury starts scoring when the nominations close."), code="not_open"
        )


# --- What a juror scores ---------------------------------------------------------------------


def juror_nominations(juror: Juror) -> QuerySet[Nomination]:
    """The accepted nominations that count of the juror's edition, in the juror's
    categories (all of them when none is chosen), by category."""
    chosen = Juror.categories.through.objects.filter(juror_id=juror.pk)
    return (
        Nomination.objects.accepted()
        .filter(edition_id=juror.edition_id)
        .filter(Q(category__in=Subquery(chosen.values("category_id"))) | ~Exists(chosen))
        .order_by("category__position", "category__name_pl", "category_id", "created_at", "pk")
    )


def _check_nomination(juror: Juror, nomination: Nomination) -> None:
    if (
        nomination.edition_id != juror.edition_id
        or not juror_nominations(juror).filter(pk=nomination.pk).exists()
    ):
        raise ValidationError(
            _("This nomination is not one the juror scores."), code="not_juror_nomination"
        )


def _weighted_result(values: dict[int, int], criteria: list[Criterion]) -> Fraction | None:
    """sum(weight × value / highest score) / sum(weights) × 100, exactly; None unless
    every criterion is scored."""
    if not criteria or any(criterion.pk not in values for criterion in criteria):
        return None
    total = sum(
        (
            Fraction(criterion.weight * values[criterion.pk], criterion.max_score)
            for criterion in criteria
        ),
        Fraction(0),
    )
    return total * 100 / sum(criterion.weight for criterion in criteria)


def _rounded(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        HUNDREDTH, rounding=ROUND_HALF_UP
    )


# --- Writes ------------------------------------------------------------------------------


@transaction.atomic
def conflict_declare(*, juror: Juror, nomination: Nomination, note: str = "") -> Conflict:
    """Declare the juror's conflict of interest with `nomination` (once: declaring it
    again changes nothing). The juror's scores of it are removed; the nomination's
    history says who declared it, never the scores."""
    if nomination.edition_id != juror.edition_id:
        raise ValidationError(
            _("This nomination is not one the juror scores."), code="not_juror_nomination"
        )
    note = (note or "").strip()
    if len(note) > 500:
        raise ValidationError({"note": [_("At most %(count)d characters.") % {"count": 500}]})
    edition, moment = _locked_edition(juror.edition_id)
    _require_jury_not_closed(edition, moment)
    locked = Juror.objects.select_for_update(of=("self",)).select_related("user").get(pk=juror.pk)
    _check_nomination(locked, nomination)
    conflict, created = Conflict.objects.get_or_create(
        juror=locked, nomination=nomination, defaults={"note": note, "declared_at": moment}
    )
    if created:
        Score.objects.filter(juror=locked, nomination=nomination).delete()
        change_record(
            nomination,
            user=locked.user,
            action="conflict_declared",
            changes={"conflicts": rows_saved(added=[locked])},
            at=moment,
        )
    return conflict


def _checked_values(values: dict[int, int], criteria: list[Criterion]) -> dict[int, int]:
    errors: dict[str, list[str]] = {}
    known = {criterion.pk for criterion in criteria}
    if any(key not in known for key in values):
        errors["__all__"] = [_("A score was given for a criterion this edition does not have.")]
    checked: dict[int, int] = {}
    for criterion in criteria:
        value = values.get(criterion.pk)
        name = f"criterion_{criterion.pk}"
        if value is None:
            errors[name] = [_("Give a score for this criterion.")]
        elif (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not (0 <= value <= criterion.max_score)
        ):
            errors[name] = [
                _("The score must be a whole number from 0 to %(max)d.")
                % {"max": criterion.max_score}
            ]
        else:
            checked[criterion.pk] = value
    if errors:
        raise ValidationError(errors)
    return checked


@transaction.atomic
def scores_save(*, juror: Juror, nomination: Nomination, values: dict[int, int]) -> None:
    """Save the juror's scores of `nomination`, {criterion pk: value}, every criterion
    of the edition at once, while the jury scores. Saving again replaces them."""
    if nomination.edition_id != juror.edition_id:
        raise ValidationError(
            _("This nomination is not one the juror scores."), code="not_juror_nomination"
        )
    edition, moment = _locked_edition(juror.edition_id)
    _require_jury_open(edition, moment)
    criteria = _edition_criteria(edition)
    if not criteria:
        raise ValidationError(_("The edition has no scoring criteria yet."), code="no_criteria")
    checked = _checked_values(values, criteria)
    locked = Juror.objects.select_for_update(of=("self",)).select_related("user").get(pk=juror.pk)
    _check_nomination(locked, nomination)
    if Conflict.objects.filter(juror=locked, nomination=nomination).exists():
        raise ValidationError(
            _(
                "You have declared a conflict of interest with this nomination, so you "
                "cannot score it."
            ),
            code="conflict",
        )
    before = {
        score.criterion_id: score.value
        for score in Score.objects.filter(juror=locked, nomination=nomination)
    }
    added, changed = [], []
    for criterion in criteria:
        value = checked[criterion.pk]
        Score.objects.update_or_create(
            juror=locked, nomination=nomination, criterion=criterion, defaults={"value": value}
        )
        if criterion.pk not in before:
            added.append(criterion)
        elif before[criterion.pk] != value:
            changed.append(criterion)
    if added or changed:
        # Which criteria were scored, never the values.
        change_record(
            nomination,
            user=locked.user,
            action="scored",
            changes={"scores": rows_saved(added=added, changed=changed)},
            at=moment,
        )


# --- Reads ---------------------------------------------------------------------------------


def _edition_criteria(edition: Edition) -> list[Criterion]:
    return list(Criterion.objects.filter(edition=edition).order_by("position", "pk"))


def _accepted(edition: Edition) -> list[Nomination]:
    return list(
        Nomination.objects.accepted()
        .filter(edition=edition)
        .select_related("category")
        .order_by("category__position", "category__name_pl", "category_id", "pk")
    )


def _score_values(
    edition: Edition, nomination_ids: set[int]
) -> dict[tuple[int, int], dict[int, int]]:
    """{(nomination pk, juror pk): {criterion pk: value}} in one query."""
    values: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for juror_id, nomination_id, criterion_id, value in Score.objects.filter(
        nomination__edition=edition, criterion__edition=edition, juror__edition=edition
    ).values_list("juror_id", "nomination_id", "criterion_id", "value"):
        if nomination_id in nomination_ids:
            values[(nomination_id, juror_id)][criterion_id] = value
    return values


def edition_score_sheets(
    edition: Edition,
    *,
    nominations: Iterable[Nomination] | None = None,
    criteria: list[Criterion] | None = None,
) -> list[ScoreSheet]:
    """Every juror's scores of the edition's accepted nominations (or of
    `nominations`, with their categories), by nomination and juror, in a constant
    number of queries (two when `nominations` and `criteria` are given)."""
    listed = _accepted(edition) if nominations is None else list(nominations)
    criteria = _edition_criteria(edition) if criteria is None else criteria
    by_pk = {nomination.pk: nomination for nomination in listed}
    jurors = {
        juror.pk: juror for juror in Juror.objects.filter(edition=edition).select_related("user")
    }
    sheets = []
    for (nomination_id, juror_id), scored in _score_values(edition, set(by_pk)).items():
        exact = _weighted_result(scored, criteria)
        sheets.append(
            ScoreSheet(
                nomination=by_pk[nomination_id],
                juror=jurors[juror_id],
                values=scored,
                result=_rounded(exact) if exact is not None else None,
            )
        )
    order = {pk: index for index, pk in enumerate(by_pk)}
    juror_order = {pk: index for index, pk in enumerate(jurors)}
    sheets.sort(key=lambda s: (order[s.nomination.pk], juror_order[s.juror.pk]))
    return sheets


def edition_ranking(
    edition: Edition,
    *,
    nominations: Iterable[Nomination] | None = None,
    criteria: list[Criterion] | None = None,
    sheets: list[ScoreSheet] | None = None,
) -> list[RankingRow]:
    """The ranking of the edition's accepted nominations (or of `nominations`, with
    their categories: whole categories of them), category by category in the
    categories' order, best first; in at most three queries (one when
    `nominations` and `criteria` are given, none with their `sheets` too, from
    `edition_score_sheets`)."""
    listed = _accepted(edition) if nominations is None else list(nominations)
    criteria = _edition_criteria(edition) if criteria is None else criteria
    results: dict[int, list[Fraction]] = defaultdict(list)
    if sheets is None:
        values = _score_values(edition, {nomination.pk for nomination in listed})
    else:
        values = {(sheet.nomination.pk, sheet.juror.pk): sheet.values for sheet in sheets}
    for (nomination_id, _juror_id), scored in values.items():
        exact = _weighted_result(scored, criteria)
        if exact is not None:
            results[nomination_id].append(exact)
    by_category: dict[int, list[tuple[Nomination, Decimal | None, int]]] = defaultdict(list)
    categories: dict[int, Category] = {}
    for nomination in sorted(
        listed, key=lambda n: (n.category.position, n.category.name_pl, n.category_id)
    ):
        found = results.get(nomination.pk, [])
        score = _rounded(sum(found, Fraction(0)) / len(found)) if found else None
        categories.setdefault(nomination.category_id, nomination.category)
        by_category[nomination.category_id].append((nomination, score, len(found)))
    rows: list[RankingRow] = []
    for category_id, entries in by_category.items():
        entries.sort(key=lambda e: (e[1] is None, -(e[1] or 0), e[0].full_name.casefold(), e[0].pk))
        scores = [score for _nomination, score, _count in entries]
        unscored_rank = sum(1 for score in scores if score is not None) + 1
        for index, (nomination, score, count) in enumerate(entries):
            if score is None:
                rank, tied = unscored_rank, False
            else:
                rank = scores.index(score) + 1
                tied = (index > 0 and scores[index - 1] == score) or (
                    index + 1 < len(scores) and scores[index + 1] == score
                )
            rows.append(
                RankingRow(
                    category=categories[category_id],
                    rank=rank,
                    nomination=nomination,
                    score=score,
                    jurors_scored=count,
                    tied=tied,
                )
            )
    return rows


def _progress(jurors: list[Juror]) -> list[ProgressRow]:
    """The progress of `jurors` (of any editions), in a constant number of queries."""
    if not jurors:
        return []
    edition_ids = {juror.edition_id for juror in jurors}
    juror_ids = [juror.pk for juror in jurors]
    chosen: dict[int, set[int]] = defaultdict(set)
    for juror_id, category_id in Juror.categories.through.objects.filter(
        juror_id__in=juror_ids
    ).values_list("juror_id", "category_id"):
        chosen[juror_id].add(category_id)
    nominations: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pk, edition_id, category_id in (
        Nomination.objects.accepted()
        .filter(edition_id__in=edition_ids)
        .values_list("pk", "edition_id", "category_id")
    ):
        nominations[edition_id].append((pk, category_id))
    conflicts: dict[int, set[int]] = defaultdict(set)
    for juror_id, nomination_id in Conflict.objects.filter(juror_id__in=juror_ids).values_list(
        "juror_id", "nomination_id"
    ):
        conflicts[juror_id].add(nomination_id)
    # The (juror, nomination) pairs with every criterion of the edition scored.
    needed = (
        Criterion.objects.filter(edition_id=OuterRef("criterion__edition_id"))
        .values("edition_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    complete: dict[int, set[int]] = defaultdict(set)
    for juror_id, nomination_id in (
        Score.objects.filter(juror_id__in=juror_ids, criterion__edition_id__in=edition_ids)
        .values("juror_id", "nomination_id", "criterion__edition_id")
        .annotate(count=Count("criterion_id", distinct=True), needed=Subquery(needed))
        .filter(count__gte=F("needed"))
        .values_list("juror_id", "nomination_id")
    ):
        complete[juror_id].add(nomination_id)
    rows = []
    for juror in jurors:
        mine = [
            pk
            for pk, category_id in nominations[juror.edition_id]
            if not chosen[juror.pk] or category_id in chosen[juror.pk]
        ]
        to_score = [pk for pk in mine if pk not in conflicts[juror.pk]]
        scored = sum(1 for pk in to_score if pk in complete[juror.pk])
        rows.append(
            ProgressRow(
                juror=juror,
                to_score=len(to_score),
                scored=scored,
                conflicts=sum(1 for pk in mine if pk in conflicts[juror.pk]),
                share=round(100 * scored / len(to_score)) if to_score else None,
            )
        )
    return rows


def jury_progress(edition: Edition) -> list[ProgressRow]:
    """Each juror of the edition (the chair first): how much they have scored."""
    return _progress(list(Juror.objects.filter(edition=edition).select_related("user")))


def juror_seats(user: User) -> list[ProgressRow]:
    """The person's seats on the juries of published editions (the latest first),
    with their progress."""
    if not user.is_authenticated:
        return []
    jurors = list(
        Juror.objects.filter(user=user, edition__status=Edition.Status.PUBLISHED)
        .select_related("edition__competition", "user")
        .order_by("-edition__jury_until", "pk")
    )
    return _progress(jurors)
