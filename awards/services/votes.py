"""The public vote: one vote per e-mail address per category, counted once the voter
has confirmed it by the link e-mailed to them (double opt-in), unless staff void it.

Whether the vote is open is decided by the DATABASE's clock with the edition's row
locked (as `cooperation.services.remarks` does): a vote at the closing second is
judged by the time the database gives when it takes the vote. Locking the edition
also puts the votes of one edition one after another, so two casts from one address
in one category never race to the unique constraint.

Decided here:
- only an accepted nomination that counts (confirmed, with the guardian's consent
  for a young person) of a published edition whose vote is open is on the ballot;
- the address is lower-cased and trimmed; an address whose vote in the category is
  confirmed (or voided by staff) cannot vote there again; an unconfirmed vote is
  replaced by the new choice and a new link is sent (the old link then confirms
  nothing);
- the link (signed, valid 48 hours) confirms only while the vote is open; a
  confirmed vote counts until staff void it, with a reason (kept in the vote and in
  the admin's log);
- the results are computed from counted votes only; the public sees them once the
  vote has closed (the views decide that, staff may look earlier).
"""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import CharField, Count, Q, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from awards.models import Category, Edition, Nomination, Vote
from cwop_portal.dates import database_now
from cwop_portal.emails import send_email_on_commit

if TYPE_CHECKING:
    from cwop_portal.models import User

SIGNING_SALT = "awards.vote.confirm"
CONFIRMATION_MAX_AGE = datetime.timedelta(hours=48)
EMAIL_MAX_LENGTH = 254
REASON_MAX_LENGTH = 1000
CONFIRMATION_EMAIL = "awards_vote_confirm"
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def vote_network(address: str | None) -> str:
    """The address range of a client address: IPv4 /24, IPv6 /48 (never the whole
    address); "" for what is not an address."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def normalise_email(email: str) -> str:
    """The address as votes keep it: trimmed, lower-cased; an error on "email" when
    it is not an address."""
    value = (email or "").strip().lower()
    if not value:
        raise ValidationError({"email": [_("Give your e-mail address.")]}, code="required")
    try:
        if len(value) > EMAIL_MAX_LENGTH:
            raise ValidationError("too long")
        validate_email(value)
    except ValidationError:
        raise ValidationError(
            {"email": [_("Give a valid e-mail address.")]}, code="invalid"
        ) from None
    return value


def ballot(edition: Edition) -> Any:
    """The nominations on the ballot of `edition`: accepted and counting."""
    return Nomination.objects.accepted().filter(edition=edition)


def _locked_open_edition(
    edition_id: int, now: datetime.datetime | None
) -> tuple[Edition, datetime.datetime]:
    """Lock the edition and check its vote is open at the database's time (or `now`)."""
    edition = Edition.objects.select_for_update().get(pk=edition_id)
    moment = now or database_now()
    if edition.status != Edition.Status.PUBLISHED or not edition.public_vote:
        raise ValidationError(_("This edition holds no public vote."), code="no_vote")
    if edition.vote_is_open(moment):
        return edition, moment
    if edition.vote_opens and moment < edition.vote_opens:
        raise ValidationError(_("The vote has not opened yet."), code="not_open")
    raise ValidationError(
        _("The vote has closed: votes are no longer taken nor confirmed."), code="closed"
    )


def _stamp(moment: datetime.datetime) -> int:
    """A moment as whole microseconds since the epoch (the same whatever its zone)."""
    return (moment - EPOCH) // datetime.timedelta(microseconds=1)


def vote_token(vote: Vote) -> str:
    """The signed token of the confirmation link of `vote` as it is now cast: a
    later choice (which replaces the vote) makes it confirm nothing."""
    return signing.dumps(
        {"v": vote.pk, "n": vote.nomination_id, "t": _stamp(vote.created_at)},
        salt=SIGNING_SALT,
    )


def vote_confirm_url(vote: Vote) -> str:
    return settings.SITE_URL + reverse("awards:vote_confirm", args=[vote_token(vote)])


@transaction.atomic
def vote_cast(
    *,
    nomination: Nomination,
    email: str,
    network: str,
    now: datetime.datetime | None = None,
) -> Vote:
    """Take a vote for `nomination` from `email` (not yet counted) and e-mail the
    confirmation link (after the commit; a failed e-mail loses nothing: voting
    again sends a new link)."""
    email = normalise_email(email)
    network = (network or "")[:50]
    edition, moment = _locked_open_edition(nomination.edition_id, now)
    chosen = (
        ballot(edition)
        .filter(pk=nomination.pk)
        .select_related("category", "edition__competition")
        .first()
    )
    if chosen is None:
        raise ValidationError(
            {"nomination": [_("This nomination is not on the ballot of this vote.")]},
            code="not_on_ballot",
        )
    existing = (
        Vote.objects.select_for_update().filter(category_id=chosen.category_id, email=email).first()
    )
    if existing is not None and existing.voided_at is not None:
        raise ValidationError(
            {"email": [_("The vote from this address in this category has been voided.")]},
            code="voided",
        )
    if existing is not None and existing.confirmed_at is not None:
        raise ValidationError(
            {"email": [_("You have already voted in this category.")]}, code="already_voted"
        )
    if existing is not None:
        existing.nomination = chosen
        existing.network = network
        existing.created_at = moment
        existing.save(update_fields=["nomination", "network", "created_at"])
        vote = existing
    else:
        vote = Vote.objects.create(
            category_id=chosen.category_id,
            nomination=chosen,
            email=email,
            network=network,
            created_at=moment,
        )
    vote.nomination = chosen
    language = translation.get_language() or settings.LANGUAGE_CODE
    send_email_on_commit(
        CONFIRMATION_EMAIL,
        {
            "vote": vote,
            "nomination": chosen,
            "category": chosen.category,
            "edition": edition,
            "competition": chosen.edition.competition,
            "confirm_url": vote_confirm_url(vote),
            "valid_hours": int(CONFIRMATION_MAX_AGE.total_seconds() // 3600),
        },
        [email],
        language=language,
    )
    return vote


def vote_from_token(token: str) -> Vote:
    """The vote a confirmation link stands for (nothing is changed). Refused with a
    ValidationError: "invalid" (not a link of ours, or the vote is gone), "expired"
    (older than 48 hours), "superseded" (a later choice replaced it)."""
    try:
        data = signing.loads(str(token)[:500], salt=SIGNING_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(
            _(
                "The confirmation link has expired (it is valid for 48 hours). "
                "Vote again to get a new one."
            ),
            code="expired",
        ) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise ValidationError(_("This confirmation link is not valid."), code="invalid") from None
    if not isinstance(data, dict) or not isinstance(data.get("v"), int):
        raise ValidationError(_("This confirmation link is not valid."), code="invalid")
    vote = (
        Vote.objects.select_related(
            "nomination", "category", "category__edition", "category__edition__competition"
        )
        .filter(pk=data["v"])
        .first()
    )
    if vote is None:
        raise ValidationError(_("This confirmation link is not valid."), code="invalid")
    if vote.nomination_id != data.get("n") or _stamp(vote.created_at) != data.get("t"):
        raise ValidationError(
            _(
                "This link confirms an earlier choice, which your later vote replaced. "
                "Use the link from the latest e-mail."
            ),
            code="superseded",
        )
    return vote


@transaction.atomic
def vote_confirm(*, token: str, now: datetime.datetime | None = None) -> Vote:
    """Confirm the vote of a link: from then on it counts. A vote already confirmed
    is returned as it is; after the close the link confirms nothing."""
    vote = vote_from_token(token)
    if vote.confirmed_at is not None and vote.voided_at is None:
        return vote
    _edition, moment = _locked_open_edition(vote.category.edition_id, now)
    locked = Vote.objects.select_for_update().get(pk=vote.pk)
    if locked.nomination_id != vote.nomination_id or locked.created_at != vote.created_at:
        raise ValidationError(
            _(
                "This link confirms an earlier choice, which your later vote replaced. "
                "Use the link from the latest e-mail."
            ),
            code="superseded",
        )
    if locked.voided_at is not None:
        raise ValidationError(_("This vote has been voided by the organisers."), code="voided")
    if locked.confirmed_at is None:
        if not ballot(vote.category.edition).filter(pk=locked.nomination_id).exists():
            raise ValidationError(
                _("This nomination is no longer on the ballot: the vote cannot be confirmed."),
                code="not_on_ballot",
            )
        locked.confirmed_at = moment
        locked.save(update_fields=["confirmed_at"])
    locked.nomination = vote.nomination
    locked.category = vote.category
    return locked


@transaction.atomic
def vote_void(*, vote: Vote, user: User, reason: str, now: datetime.datetime | None = None) -> Vote:
    """Void a vote (it no longer counts) with a reason, kept in the vote and in the
    admin's log."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for voiding the vote.")]})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": [_("At most %(count)d characters.") % {"count": REASON_MAX_LENGTH}]}
        )
    locked = Vote.objects.select_for_update().get(pk=vote.pk)
    if locked.voided_at is not None:
        raise ValidationError(_("This vote has already been voided."), code="voided")
    locked.voided_at = now or timezone.now()
    locked.voided_by = user
    locked.void_reason = reason
    locked.save(update_fields=["voided_at", "voided_by", "void_reason"])
    LogEntry.objects.log_actions(
        user_id=user.pk,
        queryset=[locked],
        action_flag=CHANGE,
        change_message=_("Vote voided: %(reason)s") % {"reason": reason},
        single_object=True,
    )
    return locked


# --- Results and suspicious patterns ------------------------------------------------------


@dataclass
class ResultRow:
    nomination: Nomination
    votes: int
    rank: int
    tied: bool = False


@dataclass
class CategoryResult:
    category: Category
    rows: list[ResultRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(row.votes for row in self.rows)


def vote_results(edition: Edition) -> list[CategoryResult]:
    """Per category (in its order), the nominations on the ballot with their counted
    votes, most first (equal counts share a rank). Two queries whatever the size.
    The public sees this only once the vote has closed (the views decide)."""
    categories = list(
        Category.objects.filter(edition=edition).order_by("position", "name_pl", "pk")
    )
    nominations = (
        ballot(edition)
        .annotate(
            counted_votes=Count(
                "votes",
                filter=Q(votes__confirmed_at__isnull=False, votes__voided_at__isnull=True),
            )
        )
        .order_by("category_id", "-counted_votes", "nominee_first_name", "nominee_name", "pk")
    )
    by_category: dict[int, list[Nomination]] = {}
    for nomination in nominations:
        by_category.setdefault(nomination.category_id, []).append(nomination)
    results = []
    for category in categories:
        rows: list[ResultRow] = []
        for nomination in by_category.get(category.pk, []):
            count = int(nomination.counted_votes)  # type: ignore[attr-defined]
            if rows and rows[-1].votes == count:
                rows[-1].tied = True
                rows.append(ResultRow(nomination, count, rows[-1].rank, tied=True))
            else:
                rows.append(ResultRow(nomination, count, len(rows) + 1))
        results.append(CategoryResult(category, rows))
    return results


@dataclass
class SuspiciousGroup:
    """Votes from one address range, each within the window of the one before."""

    network: str
    votes: list[Vote]

    @property
    def count(self) -> int:
        return len(self.votes)

    @property
    def first(self) -> datetime.datetime:
        return self.votes[0].created_at

    @property
    def last(self) -> datetime.datetime:
        return self.votes[-1].created_at

    @property
    def confirmed(self) -> int:
        return sum(1 for vote in self.votes if vote.confirmed_at is not None)


def suspicious_votes(
    edition: Edition, *, window_minutes: int = 10, threshold: int = 5
) -> list[SuspiciousGroup]:
    """Groups of at least `threshold` votes (not voided) of `edition` from one
    address range, each cast within `window_minutes` of the one before it; the
    largest groups first. One query whatever the number of votes."""
    window = datetime.timedelta(minutes=max(1, window_minutes))
    votes = (
        Vote.objects.filter(category__edition=edition, voided_at__isnull=True)
        .exclude(network="")
        .select_related("nomination", "category")
        .order_by("network", "created_at", "pk")
    )
    groups: list[SuspiciousGroup] = []
    current: SuspiciousGroup | None = None
    for vote in votes:
        if (
            current is not None
            and current.network == vote.network
            and vote.created_at - current.last <= window
        ):
            current.votes.append(vote)
            continue
        if current is not None and current.count >= threshold:
            groups.append(current)
        current = SuspiciousGroup(vote.network, [vote])
    if current is not None and current.count >= threshold:
        groups.append(current)
    groups.sort(key=lambda group: (-group.count, group.first))
    return groups


# --- Retention ---------------------------------------------------------------------------

# An address no mail reaches (RFC 2606), made unique per vote by its number.
UNREACHABLE = ".usunieto@adres.invalid"


def unreachable_address() -> Concat:
    """An expression giving each row `<pk>.usunieto@adres.invalid`."""
    return Concat(Cast("pk", CharField()), Value(UNREACHABLE), output_field=CharField())


@transaction.atomic
def vote_addresses_purge(*, now: datetime.datetime | None = None, dry_run: bool = False) -> int:
    """Forget the voters' addresses (and address ranges) of the editions whose
    results have been announced, as the vote's privacy clause promises: the votes
    stay counted, each with an unreachable address of its own. Returns how many
    votes it concerned."""
    moment = now or database_now()
    votes = Vote.objects.filter(category__edition__announcement_at__lte=moment).exclude(
        email__endswith=UNREACHABLE
    )
    if dry_run:
        return votes.count()
    return votes.update(email=unreachable_address(), network="")
