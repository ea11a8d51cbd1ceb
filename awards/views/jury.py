"""The jurors' pages under /konto/jury/: their seats, an edition's nominations to
score, a nomination with the score form and the declaration of a conflict of
interest.

A person sees only the editions whose jury they sit on (published editions), and of
those only the nominations of their categories: anything else is a 404. Another
juror's scores and the ranking are shown only once the jury has closed."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from awards.forms.jury import ConflictForm, ScoreForm, criterion_field_name
from awards.models import Conflict, Edition, Juror, NominationAttachment, Score
from awards.services import jury as services

MAX_PK = 2**63 - 1
STATE_TO_SCORE = "to_score"
STATE_SCORED = "scored"
STATE_CONFLICT = "conflict"


def _seat_or_404(user, edition_pk):
    """The person's seat on the edition's jury, or 404."""
    if edition_pk > MAX_PK:
        raise Http404
    return get_object_or_404(
        Juror.objects.select_related("edition__competition", "user"),
        user=user,
        edition_id=edition_pk,
        edition__status=Edition.Status.PUBLISHED,
    )


def _nomination_or_404(seat, public_id):
    """One of the juror's nominations, or 404."""
    return get_object_or_404(
        services.juror_nominations(seat)
        .select_related("category", "nominee_organization")
        .prefetch_related(
            Prefetch("attachments", queryset=NominationAttachment.objects.order_by("pk"))
        ),
        public_id=public_id,
    )


def _criteria(edition):
    return list(edition.criteria.order_by("position", "pk"))


@login_required
@require_safe
def jury_home(request):
    return render(
        request,
        "awards/jury/home.html",
        {"seats": services.juror_seats(request.user), "now": timezone.now()},
    )


@login_required
@require_safe
def jury_edition(request, edition_pk):
    seat = _seat_or_404(request.user, edition_pk)
    edition = seat.edition
    now = timezone.now()
    nominations = list(services.juror_nominations(seat).select_related("category"))
    criteria = _criteria(edition)
    conflicts = set(Conflict.objects.filter(juror=seat).values_list("nomination_id", flat=True))
    scored = {
        nomination_id
        for nomination_id, count in Score.objects.filter(juror=seat, criterion__edition=edition)
        .values("nomination_id")
        .annotate(count=Count("criterion_id", distinct=True))
        .values_list("nomination_id", "count")
        if criteria and count >= len(criteria)
    }
    categories = {}
    for nomination in nominations:
        if nomination.pk in conflicts:
            nomination.jury_state = STATE_CONFLICT
        elif nomination.pk in scored:
            nomination.jury_state = STATE_SCORED
        else:
            nomination.jury_state = STATE_TO_SCORE
        categories.setdefault(nomination.category_id, (nomination.category, []))[1].append(
            nomination
        )
    jury_closed = edition.jury_is_closed(now)
    ranking = []
    if jury_closed:
        # Only once the jury has closed: the ranking and every juror's scores (of the
        # juror's categories, which are whole categories of the ranking).
        all_sheets = services.edition_score_sheets(
            edition, nominations=nominations, criteria=criteria
        )
        sheets = defaultdict(list)
        for sheet in all_sheets:
            cells = [sheet.values.get(criterion.pk) for criterion in criteria]
            sheets[sheet.nomination.pk].append((sheet.juror, cells, sheet.result))
        for row in services.edition_ranking(
            edition, nominations=nominations, criteria=criteria, sheets=all_sheets
        ):
            if not ranking or ranking[-1][0] != row.category:
                ranking.append((row.category, []))
            ranking[-1][1].append((row, sheets.get(row.nomination.pk, [])))
    to_score = [n for n in nominations if n.jury_state != STATE_CONFLICT]
    return render(
        request,
        "awards/jury/edition.html",
        {
            "seat": seat,
            "edition": edition,
            "categories": list(categories.values()),
            "jury_open": edition.jury_is_open(now),
            "jury_closed": jury_closed,
            "ranking": ranking,
            "criteria": criteria,
            "to_score_count": len(to_score),
            "scored_count": sum(1 for n in to_score if n.jury_state == STATE_SCORED),
        },
    )


def _nomination_page(request, seat, nomination, *, score_form=None, conflict_form=None):
    edition = seat.edition
    now = timezone.now()
    criteria = _criteria(edition)
    conflict = Conflict.objects.filter(juror=seat, nomination=nomination).first()
    my_scores = {
        score.criterion_id: score.value
        for score in Score.objects.filter(juror=seat, nomination=nomination)
    }
    jury_open = edition.jury_is_open(now)
    jury_closed = edition.jury_is_closed(now)
    if conflict is None and jury_open and score_form is None:
        score_form = ScoreForm(
            criteria=criteria,
            initial={
                criterion_field_name(criterion): my_scores[criterion.pk]
                for criterion in criteria
                if criterion.pk in my_scores
            },
        )
    if conflict is None and not jury_closed and conflict_form is None:
        conflict_form = ConflictForm()
    for criterion in criteria:
        criterion.my_score = my_scores.get(criterion.pk)
    return render(
        request,
        "awards/jury/nomination.html",
        {
            "seat": seat,
            "edition": edition,
            "nomination": nomination,
            "attachments": list(nomination.attachments.all()),
            "links": [line.strip() for line in nomination.links.splitlines() if line.strip()],
            "criteria": criteria,
            "has_scores": bool(my_scores),
            "conflict": conflict,
            "jury_open": jury_open,
            "jury_closed": jury_closed,
            "score_form": score_form if conflict is None and jury_open else None,
            "conflict_form": conflict_form if conflict is None and not jury_closed else None,
            # The form sent, if any: the page's title then starts with "Error:".
            "form": next(
                (f for f in (score_form, conflict_form) if f is not None and f.is_bound), None
            ),
        },
    )


@login_required
@require_safe
def jury_nomination(request, edition_pk, public_id):
    seat = _seat_or_404(request.user, edition_pk)
    return _nomination_page(request, seat, _nomination_or_404(seat, public_id))


def _refused_for_time(request, error, nomination_url):
    if error.code in ("closed", "not_open"):
        messages.error(request, " ".join(error.messages))
        return redirect(nomination_url)
    return None


@login_required
@require_POST
def jury_score(request, edition_pk, public_id):
    seat = _seat_or_404(request.user, edition_pk)
    nomination = _nomination_or_404(seat, public_id)
    url = reverse("awards:jury_nomination", args=[edition_pk, nomination.public_id])
    form = ScoreForm(request.POST, criteria=_criteria(seat.edition))
    if form.is_valid():
        try:
            services.scores_save(juror=seat, nomination=nomination, values=form.values())
        except ValidationError as error:
            refused = _refused_for_time(request, error, url)
            if refused is not None:
                return refused
            if error.code == "conflict":
                messages.error(request, " ".join(error.messages))
                return redirect(url)
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your scores of %(name)s have been saved.") % {"name": nomination.full_name},
            )
            return redirect(reverse("awards:jury_edition", args=[edition_pk]) + "#nominations")
    return _nomination_page(request, seat, nomination, score_form=form)


@login_required
@require_POST
def jury_conflict(request, edition_pk, public_id):
    seat = _seat_or_404(request.user, edition_pk)
    nomination = _nomination_or_404(seat, public_id)
    url = reverse("awards:jury_nomination", args=[edition_pk, nomination.public_id])
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            services.conflict_declare(
                juror=seat, nomination=nomination, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            refused = _refused_for_time(request, error, url)
            if refused is not None:
                return refused
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "You have declared a conflict of interest: you will not score this "
                    "nomination. If this is a mistake, write to the centre's staff."
                ),
            )
            return redirect(url)
    return _nomination_page(request, seat, nomination, conflict_form=form)
