"""The awards app's part of "download my data" and of deleting an account.

Exported: the nominations the person made (by the account or from one of their
addresses), those they consented to as a young nominee's parent or guardian (found
by their addresses), their public votes (by their addresses), their jury seats with
the conflicts they declared and the scores they gave, and the history entries they
made in the awards app (staff: editions and nominations).

On deletion: a nomination stays, as part of the competition's record (the nominee's
candidacy; laureates are published), but loses the link to the account and the
nominator's name, e-mail address and phone; a guardian's address in a nomination is
replaced by an address that cannot receive mail, the consent's date kept. Votes stay
counted, their address replaced by an unreachable one unique to the vote. A seat on a
jury whose results are not yet approved blocks the deletion (the jury's work would
be lost); a seat on a finished jury goes with the account (CASCADE), its scores too,
the published results untouched. History entries stay without the link (SET_NULL).
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from awards.models import (
    Conflict,
    EditionChange,
    Juror,
    Nomination,
    NominationChange,
    Score,
    Vote,
)
from awards.services.votes import unreachable_address
from cwop_portal.history import exported
from cwop_portal.personal_data import (
    DeletionBlocker,
    person_emails,
    register,
    register_deletion_blocker,
    register_eraser,
)


def _any_address(field, emails):
    condition = Q(pk__in=[])
    for email in emails:
        condition |= Q(**{f"{field}__iexact": email})
    return condition


def _nominations_made(user, emails):
    return Nomination.objects.filter(
        Q(nominator_user=user) | _any_address("nominator_email", emails)
    )


def _time(moment):
    return moment.isoformat() if moment else None


@register("awards")
def export_awards(user):
    emails = person_emails(user)
    made = (
        _nominations_made(user, emails)
        .select_related("edition__competition", "category")
        .prefetch_related("changes", "attachments")
        .order_by("created_at", "pk")
    )
    seats = Juror.objects.filter(user=user).select_related("edition__competition")
    return {
        "nominations_made": [
            {
                "competition": nomination.edition.competition.name_pl,
                "year": nomination.edition.year,
                "category": nomination.category.name_pl,
                "nominee": nomination.full_name,
                "nominee_kind": nomination.nominee_kind,
                "school": nomination.school,
                "justification": nomination.justification,
                "description": nomination.description,
                "achievements": nomination.achievements,
                "links": nomination.links,
                "attachments": [str(attachment) for attachment in nomination.attachments.all()],
                "nominated_as": nomination.nominator_kind,
                "organization": (
                    nomination.nominator_organization.name
                    if nomination.nominator_organization_id
                    else None
                ),
                "name": nomination.nominator_name,
                "institution": nomination.nominator_institution,
                "email": nomination.nominator_email,
                "phone": nomination.nominator_phone,
                "sent_at": nomination.created_at.isoformat(),
                "confirmed_at": _time(nomination.confirmed_at),
                "formal_check": nomination.status,
                "rejection_reason": nomination.rejection_reason,
                "history": [
                    exported(change, user)
                    for change in sorted(
                        nomination.changes.all(), key=lambda c: (c.created_at, c.pk)
                    )
                ],
            }
            for nomination in made
        ],
        "consents_as_guardian": [
            {
                "competition": nomination.edition.competition.name_pl,
                "year": nomination.edition.year,
                "nominee": nomination.full_name,
                "guardian": nomination.guardian_name,
                "email": nomination.guardian_email,
                "consent": nomination.consent_method,
                "consent_at": _time(nomination.consent_at),
            }
            for nomination in Nomination.objects.filter(_any_address("guardian_email", emails))
            .select_related("edition__competition")
            .order_by("created_at", "pk")
        ],
        "public_votes": [
            {
                "competition": vote.category.edition.competition.name_pl,
                "year": vote.category.edition.year,
                "category": vote.category.name_pl,
                "voted_for": vote.nomination.public_name,
                "email": vote.email,
                "cast_at": vote.created_at.isoformat(),
                "confirmed_at": _time(vote.confirmed_at),
                "voided_at": _time(vote.voided_at),
            }
            for vote in Vote.objects.filter(_any_address("email", emails))
            .select_related("category__edition__competition", "nomination")
            .order_by("created_at", "pk")
        ],
        "jury_seats": [
            {
                "competition": seat.edition.competition.name_pl,
                "year": seat.edition.year,
                "chair": seat.is_chair,
                "conflicts_declared": [
                    {
                        "nomination": conflict.nomination.full_name,
                        "note": conflict.note,
                        "declared_at": conflict.declared_at.isoformat(),
                    }
                    for conflict in Conflict.objects.filter(juror=seat)
                    .select_related("nomination")
                    .order_by("declared_at", "pk")
                ],
                "scores": [
                    {
                        "nomination": score.nomination.full_name,
                        "criterion": score.criterion.name_pl,
                        "score": score.value,
                        "scored_at": score.updated_at.isoformat(),
                    }
                    for score in Score.objects.filter(juror=seat)
                    .select_related("nomination", "criterion")
                    .order_by("nomination_id", "criterion__position", "pk")
                ],
            }
            for seat in seats
        ],
        "edition_history_entries": [
            {"edition": change.edition_id, **exported(change, user)}
            for change in EditionChange.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "nomination_history_entries": [
            {"nomination": change.nomination_id, **exported(change, user)}
            for change in NominationChange.objects.filter(user=user)
            .exclude(nomination__in=[nomination.pk for nomination in made])
            .order_by("created_at", "pk")
        ],
    }


@register_deletion_blocker
def jury_seats(user, *, lock):
    seats = Juror.objects.filter(user=user, edition__results_approved_at__isnull=True)
    if lock:
        seats = seats.select_for_update()
    return [
        DeletionBlocker(
            message=_(
                "This account sits on the jury of %(edition)s, whose results are not yet "
                "approved. Ask the centre to take it off the jury before deleting the account."
            )
            % {"edition": seat.edition}
        )
        for seat in seats.select_related("edition__competition")
    ]


@register_eraser
def erase_awards(user, *, emails, now):
    _nominations_made(user, emails).update(
        nominator_user=None, nominator_name="", nominator_email="", nominator_phone=""
    )
    Nomination.objects.filter(_any_address("guardian_email", emails)).update(
        guardian_name="", guardian_email=unreachable_address()
    )
    Vote.objects.filter(_any_address("email", emails)).update(email=unreachable_address())
