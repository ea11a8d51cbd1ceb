"""Competitions and their editions as staff run them: saving them (the edition's
timeline must run forward), the awards (laureates and mentions) and the approval of
the results.

The results approved by staff become public at the edition's announcement time by
themselves (`Edition.results_are_public`): no job publishes them. Whether the jury
has closed is asked of the database's clock, with the edition's row locked; rows two
staff members may act on at once are locked (`select_for_update`), the edition
before its nominations.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import Competition, Edition, Nomination
from cwop_portal import venues
from cwop_portal.dates import database_now
from cwop_portal.history import change_record, changes_between, snapshot

if TYPE_CHECKING:
    from cwop_portal.models import User

YEAR_RANGE = (2000, 2100)
# Addresses under /konkursy/ the portal's own pages take (awards/urls).
RESERVED_SLUGS = frozenset({"laureaci", "zgloszenie", "glos"})
AWARD_FIELDS = ["award", "result_description_pl", "result_description_en"]
DESCRIPTION_MAX_LENGTH = 5000
SLUG_PATTERN = re.compile(r"^[-a-z0-9]+$")


class Phase:
    """Where an edition's timeline is now (`edition_phase`)."""

    UPCOMING = "upcoming"
    NOMINATIONS = "nominations"
    FORMAL_CHECK = "formal_check"
    JURY = "jury"
    AWAITING_RESULTS = "awaiting_results"
    RESULTS = "results"


def _lock(edition: Edition) -> Edition:
    return Edition.objects.select_for_update().get(pk=edition.pk)


# --- Reading the timeline ----------------------------------------------------------------


def edition_phase(edition: Edition, now: datetime.datetime | None = None) -> str:
    """The step of the timeline `edition` is in at `now` (a `Phase` value)."""
    now = now or timezone.now()
    if edition.results_are_public(now):
        return Phase.RESULTS
    if now < edition.nominations_open:
        return Phase.UPCOMING
    if now < edition.nominations_close:
        return Phase.NOMINATIONS
    if now < edition.formal_check_until:
        return Phase.FORMAL_CHECK
    if now < edition.jury_until:
        return Phase.JURY
    return Phase.AWAITING_RESULTS


# --- Competitions ------------------------------------------------------------------------


def competition_problems(competition: Competition) -> dict[str, list[str]]:
    """What is wrong with a competition about to be saved, by field."""
    errors: dict[str, list[str]] = {}
    if not (competition.name_pl or "").strip():
        errors["name_pl"] = [_("Give the name in Polish.")]
    slug = (competition.slug or "").strip()
    if not slug:
        errors["slug"] = [_("Give the address.")]
    elif not SLUG_PATTERN.match(slug):
        errors["slug"] = [_("Use only small letters without accents, digits and hyphens.")]
    elif slug in RESERVED_SLUGS:
        errors["slug"] = [_("This address is taken by a page of the portal; choose another.")]
    elif Competition.objects.filter(slug=slug).exclude(pk=competition.pk).exists():
        errors["slug"] = [_("Another competition has this address.")]
    if not competition.nominator_kinds:
        errors["nominated_by_residents"] = [_("Say who may nominate.")]
    if not competition.nominee_kinds:
        errors["nominee_person"] = [_("Say who or what may be nominated.")]
    return errors


@transaction.atomic
def competition_save(*, competition: Competition, user: User | None) -> Competition:
    """Save a competition staff added or changed: ValidationError by field for a
    missing name, an address in use or not an address, nobody who may nominate or be
    nominated."""
    if competition.pk is not None:
        Competition.objects.select_for_update().filter(pk=competition.pk).first()
    errors = competition_problems(competition)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            competition.save()
    except IntegrityError as exc:  # the same address saved meanwhile
        raise ValidationError({"slug": [_("Another competition has this address.")]}) from exc
    return competition


# --- Editions ----------------------------------------------------------------------------

# The timeline's steps in order: (step, the step before it, strictly after it).
TIMELINE = [
    ("nominations_close", "nominations_open", True),
    ("formal_check_until", "nominations_close", False),
    ("jury_until", "formal_check_until", False),
    ("announcement_at", "jury_until", False),
]
REQUIRED_DATES = [
    "nominations_open",
    "nominations_close",
    "formal_check_until",
    "jury_until",
    "announcement_at",
]


def _timeline_message(field: str) -> str:
    messages = {
        "nominations_close": _("Nominations must close after they open."),
        "formal_check_until": _("The formal check cannot end before the nominations close."),
        "jury_until": _("The jury cannot end before the formal check ends."),
        "announcement_at": _("The results cannot be announced before the jury ends."),
    }
    return messages[field]


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def edition_problems(edition: Edition) -> dict[str, list[str]]:
    """What is wrong with an edition about to be saved, by field: a year out of range
    or taken, a timeline step not after the one before it (the error is on the later
    step's field), a public vote without its dates or outside the timeline, a
    ceremony before the announcement."""
    errors: dict[str, list[str]] = {}
    low, high = YEAR_RANGE
    if edition.year is None or not low <= edition.year <= high:
        _add(
            errors,
            "year",
            _("The year must be from %(low)d to %(high)d.") % {"low": low, "high": high},
        )
    elif (
        edition.competition_id
        and Edition.objects.filter(competition_id=edition.competition_id, year=edition.year)
        .exclude(pk=edition.pk)
        .exists()
    ):
        _add(errors, "year", _("This competition already has an edition that year."))
    for name in REQUIRED_DATES:
        if getattr(edition, name) is None:
            _add(errors, name, _("Give the date and time."))
    for field, before, strictly in TIMELINE:
        later, earlier = getattr(edition, field), getattr(edition, before)
        if later is None or earlier is None or field in errors:
            continue
        if later < earlier or (strictly and later == earlier):
            _add(errors, field, _timeline_message(field))
    announcement = edition.announcement_at
    ceremony = edition.ceremony_at
    if ceremony is not None and announcement is not None and ceremony < announcement:
        _add(errors, "ceremony_at", _("The ceremony cannot be before the announcement."))
    ends = edition.ceremony_ends_at
    if ends is not None and (ceremony is None or ends <= ceremony):
        _add(errors, "ceremony_ends_at", _("The ceremony must end after it starts."))
    if edition.ceremony_room_id is not None:
        if ceremony is None or ends is None:
            _add(
                errors,
                "ceremony_room_id",
                _("Give the ceremony's start and end to book a room for it."),
            )
        elif edition.ceremony_room_id not in dict(venues.choices()) and not venues.holds(
            edition.ceremony_hold_id, edition.ceremony_room_id, ceremony, ends
        ):
            _add(errors, "ceremony_room_id", _("Choose a room of the centre from the list."))
    if edition.public_vote:
        opens, closes = edition.vote_opens, edition.vote_closes
        if opens is None:
            _add(errors, "vote_opens", _("Give the time the public vote opens."))
        elif edition.nominations_close is not None and opens < edition.nominations_close:
            _add(
                errors, "vote_opens", _("The public vote cannot open before the nominations close.")
            )
        if closes is None:
            _add(errors, "vote_closes", _("Give the time the public vote closes."))
        elif opens is not None and closes <= opens:
            _add(errors, "vote_closes", _("The public vote must close after it opens."))
        elif announcement is not None and closes > announcement:
            _add(
                errors,
                "vote_closes",
                _("The public vote must close before the results are announced."),
            )
    if edition.status not in Edition.Status.values:
        _add(errors, "status", _("Choose a status from the list."))
    return errors


@transaction.atomic
def edition_save(
    *,
    edition: Edition,
    user: User | None,
    changes: dict[str, Any] | None = None,
    update_fields: Iterable[str] | None = None,
) -> Edition:
    """Save an edition staff added or changed (not its results' approval):
    ValidationError by field for what `edition_problems` finds. `changes`: what the
    form changed, for the history (a new edition records "created"); `update_fields`:
    only these fields of an existing row are written."""
    adding = edition.pk is None
    if not adding:
        stored = _lock(edition)
        # The approval is the approval services' business, never a form's.
        edition.results_approved_at = stored.results_approved_at
        edition.results_approved_by_id = stored.results_approved_by_id
    errors = edition_problems(edition)
    if errors:
        raise ValidationError(errors)
    room_changed = _ceremony_room_hold(edition, user=user)
    try:
        with transaction.atomic():
            if adding or update_fields is None:
                edition.save()
            elif fields := [*update_fields]:
                if room_changed:
                    fields = [*{*fields, "ceremony_hold_id"}]
                edition.save(update_fields=fields)
    except IntegrityError as exc:  # the same year saved meanwhile
        raise ValidationError(
            {"year": [_("This competition already has an edition that year.")]}
        ) from exc
    if adding or changes:
        change_record(
            edition, user=user, action="created" if adding else "changed", changes=changes or {}
        )
    return edition


def _ceremony_title(edition: Edition) -> str:
    return _("Ceremony: %(edition)s") % {"edition": f"{edition.competition.name} {edition.year}"}


def _ceremony_room_hold(edition: Edition, *, user: User | None) -> bool:
    """Make the booking held for the ceremony match its room and time: the old one is
    freed, the room booked for the centre (a room taken then is an error on the room's
    field, and the caller's transaction undoes the rest). Whether the hold changed."""
    room, start, end = edition.ceremony_room_id, edition.ceremony_at, edition.ceremony_ends_at
    if (
        start is not None
        and end is not None
        and venues.holds(edition.ceremony_hold_id, room, start, end)
    ):
        return False
    if edition.ceremony_hold_id is not None:
        venues.release(
            hold_id=edition.ceremony_hold_id,
            user=user,
            reason=_("The ceremony has moved or changed its room."),
        )
        edition.ceremony_hold_id = None
    if room is None or start is None or end is None:
        return True
    try:
        edition.ceremony_hold_id = venues.hold(
            room_id=room, start=start, end=end, title=_ceremony_title(edition), user=user
        )
    except ValidationError as error:
        raise ValidationError(
            {
                "ceremony_room_id": [
                    _("The room cannot be booked then: %(why)s") % {"why": " ".join(error.messages)}
                ]
            }
        ) from error
    return True


@transaction.atomic
def edition_delete(*, edition: Edition, user: User | None) -> None:
    """Delete an edition nobody was nominated in (its nominations protect it), freeing
    the room held for its ceremony."""
    edition = _lock(edition)
    if edition.nominations.exists():
        raise ValidationError(
            _("Nominations were sent in this edition: it stays in the competition's record.")
        )
    venues.release(
        hold_id=edition.ceremony_hold_id, user=user, reason=_("The edition has been deleted.")
    )
    edition.delete()


def ceremony_holder(booking_id: int) -> str | None:
    """What a booking of the rooms is held for, when it is a ceremony's (for the rooms
    admin, through the base's registry)."""
    edition = (
        Edition.objects.filter(ceremony_hold_id=booking_id).select_related("competition").first()
    )
    return _ceremony_title(edition) if edition is not None else None


# --- Results -----------------------------------------------------------------------------


@transaction.atomic
def edition_results_approve(*, edition: Edition, user: User | None) -> Edition:
    """Approve the edition's results: they are published on the site at its
    announcement time (at once when that has passed). Refused for a draft edition,
    before the jury closes (by the database's clock) and without a laureate."""
    edition = _lock(edition)
    if edition.results_approved_at is not None:
        raise ValidationError(_("The results of this edition are already approved."))
    if edition.status != Edition.Status.PUBLISHED:
        raise ValidationError(
            {"status": [_("Publish the edition first: the results of a draft are not shown.")]}
        )
    now = database_now()
    if not edition.jury_is_closed(now):
        raise ValidationError(
            {"jury_until": [_("The results are approved once the jury has closed.")]}
        )
    laureates = Nomination.objects.filter(edition_id=edition.pk).accepted()
    if not laureates.filter(award=Nomination.Award.LAUREATE).exists():
        raise ValidationError(_("Mark at least one laureate before approving the results."))
    edition.results_approved_at = now
    edition.results_approved_by = user if user is not None and user.is_authenticated else None
    edition.save(update_fields=["results_approved_at", "results_approved_by"])
    change_record(
        edition,
        user=user,
        action="results_approved",
        changes={"results_approved_at": [None, now.isoformat()]},
    )
    return edition


@transaction.atomic
def edition_results_withdraw(*, edition: Edition, user: User | None) -> Edition:
    """Withdraw the approval of the results (to correct them): they are no longer
    shown, nor will be at the announcement time, until approved again."""
    edition = _lock(edition)
    if edition.results_approved_at is None:
        raise ValidationError(_("The results of this edition are not approved."))
    before = edition.results_approved_at
    edition.results_approved_at = None
    edition.results_approved_by = None
    edition.save(update_fields=["results_approved_at", "results_approved_by"])
    change_record(
        edition,
        user=user,
        action="results_withdrawn",
        changes={"results_approved_at": [before.isoformat(), None]},
    )
    return edition


def _clean_text(value: str | None) -> str:
    return (value or "").replace("\x00", "").strip()


@transaction.atomic
def nomination_award_set(
    *,
    nomination: Nomination,
    award: str,
    user: User | None,
    description_pl: str = "",
    description_en: str = "",
) -> Nomination:
    """Mark a nomination a laureate or a mention (or neither, award ""), with the
    description the results show. Only an accepted nomination that counts is
    awarded; refused once the edition's results are approved (withdraw them first)."""
    edition = _lock(nomination.edition)
    nomination = Nomination.objects.select_for_update(of=("self",)).get(pk=nomination.pk)
    award = award or ""
    description_pl, description_en = _clean_text(description_pl), _clean_text(description_en)
    if award not in Nomination.Award.values:
        raise ValidationError({"award": [_("Choose the award from the list.")]})
    if edition.results_approved_at is not None:
        raise ValidationError(
            {
                "award": [
                    _(
                        "The results of this edition are approved: withdraw them first to "
                        "change the awards."
                    )
                ]
            }
        )
    if award and not (nomination.status == Nomination.Status.ACCEPTED and nomination.counts):
        raise ValidationError(
            {"award": [_("Only a nomination accepted in the formal check can be awarded.")]}
        )
    for field, value in (
        ("result_description_pl", description_pl),
        ("result_description_en", description_en),
    ):
        if len(value) > DESCRIPTION_MAX_LENGTH:
            raise ValidationError({field: [_("At most 5,000 characters.")]})
    before = snapshot(nomination, AWARD_FIELDS)
    nomination.award = award
    nomination.result_description_pl = description_pl
    nomination.result_description_en = description_en
    changes = changes_between(before, nomination, AWARD_FIELDS)
    if changes:
        nomination.save(update_fields=[*AWARD_FIELDS, "updated_at"])
        change_record(nomination, user=user, action="award", changes=changes)
    return nomination
