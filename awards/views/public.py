"""The competitions as residents see them: the list (open calls first), a
competition with its editions, an edition (rules, documents, timeline, categories,
the results once public), the archive of laureates, the RSS feed of calls and results
and an edition's timeline as a calendar file.

Only published editions are ever shown; a draft is nobody's page here. Results are
shown once staff approved them AND the announcement time has come
(`Edition.results_are_public`). Of a young person only the first name, the initial of
the surname and the school are ever shown (`Nomination.public_name`)."""

import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import F, Max, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from awards.models import Category, Competition, Edition, Nomination, NominatorKind, NomineeKind
from awards.services.editions import YEAR_RANGE, Phase, edition_phase
from cwop_portal import ics, venues
from cwop_portal.dates import format_datetime

FEED_SIZE = 30
# The documents an edition may have: {address segment: field}.
DOCUMENTS = {"regulamin": "regulations", "zgoda": "consent_form"}


def ceremony_place(edition) -> str:
    """Where the ceremony is: the room of the centre held for it, or the place given."""
    room = venues.name(edition.ceremony_room_id) if edition.ceremony_hold_id else ""
    return room or edition.ceremony_place


def phase_label(phase: str) -> str:
    labels = {
        Phase.UPCOMING: pgettext("edition phase", "nominations not open yet"),
        Phase.NOMINATIONS: pgettext("edition phase", "nominations open"),
        Phase.FORMAL_CHECK: pgettext("edition phase", "formal check of the nominations"),
        Phase.JURY: pgettext("edition phase", "the jury is deliberating"),
        Phase.AWAITING_RESULTS: pgettext("edition phase", "waiting for the results"),
        Phase.RESULTS: pgettext("edition phase", "results announced"),
    }
    return labels[phase]


def _annotate(edition, now):
    edition.phase = edition_phase(edition, now)
    edition.phase_label = phase_label(edition.phase)
    edition.voting = edition.vote_is_open(now)
    return edition


def who(competition: Competition) -> dict[str, list[str]]:
    """Who may nominate and who or what may be nominated, in words."""
    return {
        "nominators": [str(NominatorKind(kind).label) for kind in competition.nominator_kinds],
        "nominees": [str(NomineeKind(kind).label) for kind in competition.nominee_kinds],
    }


def _public_editions():
    return Edition.objects.public().select_related("competition")


# --- The list ----------------------------------------------------------------------------


@require_safe
def competition_list(request):
    """Competitions taking nominations first (the nearest deadline first), then those
    whose public vote runs, then the others; each with its current edition (the open
    one, the voting one, or the latest)."""
    now = timezone.now()
    competitions = list(
        Competition.objects.prefetch_related(
            Prefetch(
                "editions",
                queryset=Edition.objects.public().order_by("-year"),
                to_attr="public_editions",
            )
        )
    )
    for competition in competitions:
        editions = [_annotate(edition, now) for edition in competition.public_editions]
        open_call = [e for e in editions if e.phase == Phase.NOMINATIONS]
        voting = [e for e in editions if e.voting]
        if open_call:
            competition.rank = 0
            competition.current = min(open_call, key=lambda e: e.nominations_close)
        elif voting:
            competition.rank = 1
            competition.current = voting[0]
        else:
            competition.rank = 2
            competition.current = editions[0] if editions else None
    competitions.sort(
        key=lambda c: (
            c.rank,
            c.current.nominations_close if c.rank == 0 else now,
            c.position,
            c.name_pl,
        )
    )
    return render(
        request,
        "awards/public/competition_list.html",
        {
            "open_competitions": [c for c in competitions if c.rank == 0],
            "voting_competitions": [c for c in competitions if c.rank == 1],
            "other_competitions": [c for c in competitions if c.rank == 2],
        },
    )


# --- A competition -----------------------------------------------------------------------


@require_safe
def competition_detail(request, slug):
    competition = get_object_or_404(Competition, slug=slug)
    now = timezone.now()
    editions = [
        _annotate(edition, now) for edition in competition.editions.public().order_by("-year")
    ]
    return render(
        request,
        "awards/public/competition_detail.html",
        {"competition": competition, "editions": editions, **who(competition)},
    )


# --- An edition --------------------------------------------------------------------------


def public_edition_or_404(slug: str, year: int) -> Edition:
    """A published edition by its competition's address and year; anything else a 404."""
    low, high = YEAR_RANGE
    if not low <= year <= high:
        raise Http404
    return get_object_or_404(_public_editions(), competition__slug=slug, year=year)


@dataclass
class Step:
    name: str
    start: datetime.datetime
    end: datetime.datetime | None = None
    current: bool = False
    place: str = ""


def timeline(edition: Edition, now: datetime.datetime) -> list[Step]:
    """The edition's steps in order; the one under way now is `current`."""
    steps = [
        Step(_("Nominations"), edition.nominations_open, edition.nominations_close),
        Step(
            _("Formal check of the nominations"),
            edition.nominations_close,
            edition.formal_check_until,
        ),
    ]
    if edition.public_vote and edition.vote_opens and edition.vote_closes:
        steps.append(Step(_("Public vote"), edition.vote_opens, edition.vote_closes))
    steps.append(Step(_("Jury"), edition.formal_check_until, edition.jury_until))
    steps.append(Step(_("Announcement of the results"), edition.announcement_at))
    if edition.ceremony_at:
        steps.append(Step(_("Ceremony"), edition.ceremony_at, place=ceremony_place(edition)))
    for step in steps:
        if step.end is not None:
            step.current = step.start <= now < step.end
    if not any(step.current for step in steps):
        # After the jury: the announcement is the step awaited (or done) until the ceremony.
        passed = [step for step in steps if step.end is None and step.start <= now]
        if passed:
            passed[-1].current = True
    return steps


def awarded(nominations) -> list[Nomination]:
    return list(
        nominations.awarded()
        .select_related("category", "edition__competition")
        .order_by("category__position", "category__name_pl", F("award").asc(), "pk")
    )


@require_safe
def edition_detail(request, slug, year):
    edition = public_edition_or_404(slug, year)
    now = timezone.now()
    _annotate(edition, now)
    categories = list(Category.objects.filter(edition=edition).order_by("position", "name_pl"))
    results = []
    if edition.results_are_public(now):
        by_category = {category.pk: [] for category in categories}
        for nomination in awarded(Nomination.objects.filter(edition=edition)):
            by_category.setdefault(nomination.category_id, []).append(nomination)
        results = [
            (
                category,
                [n for n in by_category[category.pk] if n.award == Nomination.Award.LAUREATE],
                [n for n in by_category[category.pk] if n.award == Nomination.Award.MENTION],
            )
            for category in categories
            if by_category.get(category.pk)
        ]
    documents = [
        (kind, getattr(edition, field))
        for kind, field in DOCUMENTS.items()
        if getattr(edition, field)
    ]
    return render(
        request,
        "awards/public/edition_detail.html",
        {
            "edition": edition,
            "competition": edition.competition,
            **who(edition.competition),
            "categories": categories,
            "timeline": timeline(edition, now),
            "results": results,
            "results_public": edition.results_are_public(now),
            "nominations_open": edition.phase == Phase.NOMINATIONS,
            "vote_open": edition.voting,
            "documents": [
                {
                    "kind": kind,
                    "filename": file.name.rsplit("/", 1)[-1],
                    "extension": file.name.rsplit(".", 1)[-1].upper() if "." in file.name else "",
                }
                for kind, file in documents
            ],
        },
    )


@require_safe
def edition_document(request, slug, year, kind, filename):
    """The edition's regulations ("regulamin") or the guardian's consent form ("zgoda")."""
    edition = public_edition_or_404(slug, year)
    field = DOCUMENTS.get(kind)
    if field is None:
        raise Http404
    stored = getattr(edition, field)
    if not stored:
        raise Http404
    name = stored.name.rsplit("/", 1)[-1]
    if filename != name:
        return redirect("awards:edition_document", slug, year, kind, name, permanent=True)
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is no longer available.")) from exc
    return FileResponse(handle, as_attachment=True, filename=name)


# --- The archive of laureates ------------------------------------------------------------


@require_safe
def laureates(request):
    """Every edition's laureates and mentions whose results are public, by competition
    and year (newest first): one query."""
    now = timezone.now()
    rows = list(
        Nomination.objects.awarded()
        .filter(
            edition__status=Edition.Status.PUBLISHED,
            edition__results_approved_at__isnull=False,
            edition__announcement_at__lte=now,
        )
        .select_related("category", "edition__competition")
        .order_by(
            "edition__competition__position",
            "edition__competition__name_pl",
            "edition__competition_id",
            "-edition__year",
            "category__position",
            "category__name_pl",
            F("award").asc(),
            "pk",
        )
    )
    competitions = []
    for nomination in rows:
        competition = nomination.edition.competition
        if not competitions or competitions[-1]["competition"].pk != competition.pk:
            competitions.append({"competition": competition, "editions": []})
        editions = competitions[-1]["editions"]
        if not editions or editions[-1]["edition"].pk != nomination.edition_id:
            editions.append({"edition": nomination.edition, "nominations": []})
        editions[-1]["nominations"].append(nomination)
    return render(request, "awards/public/laureates.html", {"competitions": competitions})


# --- The feed ----------------------------------------------------------------------------


@dataclass
class FeedItem:
    edition: Edition
    kind: str  # "call" or "results"
    at: datetime.datetime


class CompetitionFeed(Feed):
    """Calls for nominations (at their opening) and results (at their announcement,
    once public), newest first."""

    def title(self):
        return _("Competitions – NGO Cooperation Centre in Białystok")

    def link(self):
        return reverse("awards:competition_list")

    def description(self):
        return _("Calls for nominations and results of the competitions of the centre.")

    def feed_url(self):
        return reverse("awards:feed")

    def items(self):
        now = timezone.now()
        editions = list(
            _public_editions()
            .filter(nominations_open__lte=now)
            .order_by("-nominations_open", "-pk")[:FEED_SIZE]
        )
        published = list(
            _public_editions()
            .filter(results_approved_at__isnull=False, announcement_at__lte=now)
            .order_by("-announcement_at", "-pk")[:FEED_SIZE]
        )
        items = [FeedItem(e, "call", e.nominations_open) for e in editions]
        items += [FeedItem(e, "results", e.announcement_at) for e in published]
        items.sort(key=lambda item: item.at, reverse=True)
        return items[:FEED_SIZE]

    def item_title(self, item):
        if item.kind == "results":
            return _("Results: %(edition)s") % {"edition": item.edition}
        return _("Call for nominations: %(edition)s") % {"edition": item.edition}

    def item_description(self, item):
        if item.kind == "results":
            return _("The laureates and mentions of %(edition)s have been announced.") % {
                "edition": item.edition
            }
        return _("Nominations are taken until %(close)s.") % {
            "close": format_datetime(item.edition.nominations_close)
        }

    def item_link(self, item):
        anchor = "#wyniki" if item.kind == "results" else "#harmonogram"
        return item.edition.get_absolute_url() + anchor

    def item_guid(self, item):
        return f"awards-edition-{item.edition.pk}-{item.kind}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.at


feed = require_safe(CompetitionFeed())


# --- The timeline as a calendar ----------------------------------------------------------


@require_safe
def edition_ics(request, slug, year):
    edition = public_edition_or_404(slug, year)
    changed = edition.changes.aggregate(last=Max("created_at"))["last"] or edition.created_at
    sequence = ics.sequence(edition.created_at, max(changed, edition.created_at), 0)
    url = request.build_absolute_uri(edition.get_absolute_url())
    calendar = ics.new_calendar(str(edition))
    events = [
        (
            "nominations",
            _("Nominations: %(edition)s"),
            edition.nominations_open,
            edition.nominations_close,
        ),
        (
            "formal-check",
            _("Formal check of the nominations: %(edition)s"),
            edition.nominations_close,
            edition.formal_check_until,
        ),
        ("jury", _("Jury: %(edition)s"), edition.formal_check_until, edition.jury_until),
        (
            "announcement",
            _("Announcement of the results: %(edition)s"),
            edition.announcement_at,
            edition.announcement_at + datetime.timedelta(hours=1),
        ),
    ]
    if edition.public_vote and edition.vote_opens and edition.vote_closes:
        events.append(
            ("vote", _("Public vote: %(edition)s"), edition.vote_opens, edition.vote_closes)
        )
    if edition.ceremony_at:
        events.append(
            (
                "ceremony",
                _("Ceremony: %(edition)s"),
                edition.ceremony_at,
                edition.ceremony_ends_at or edition.ceremony_at + datetime.timedelta(hours=2),
            )
        )
    for key, summary, start, end in events:
        if end <= start:
            end = start + datetime.timedelta(hours=1)
        event = ics.new_event(
            uid=f"awards-edition-{edition.pk}-{key}",
            start=start,
            end=end,
            last_modified=changed,
            sequence=sequence,
        )
        event.add("summary", summary % {"edition": edition})
        event.add("url", url)
        if key == "ceremony" and ceremony_place(edition):
            event.add("location", ceremony_place(edition))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    filename = f"{edition.competition.slug}-{edition.year}.ics"
    return ics.calendar_response(calendar.to_ical(), filename=filename)
