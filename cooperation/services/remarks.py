"""Remarks on a draft act in public consultation: sent, changed and withdrawn by the
people who sent them, only while the consultation takes remarks.

Whether it does is decided by the DATABASE's clock, with the consultation's row
locked: a remark sent at the deadline second is judged by the time the database
gives when it takes the remark, not by the web server's clock (which may differ) nor
by when the form was opened.

Decided here:
- a member sends remarks on behalf of an organisation they are an ACTIVE member of
  and that is PUBLISHED in the directory; the consultation's fields of activity only
  decide who is invited by e-mail, so any such organisation may remark;
- a signed-in person sends a remark as a resident only where the consultation
  allows it (`residents_may_remark`);
- an organisation may send several remarks;
- a remark sent on behalf of an organisation is the organisation's: its author and
  the organisation's other active members may change or withdraw it; a resident's
  remark only its author; all only until the deadline, and a withdrawn remark no
  more.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cooperation.models import Provision, PublicConsultation, Remark
from cwop_portal.dates import database_now
from cwop_portal.emails import send_email_on_commit
from cwop_portal.history import change_record, changes_between, snapshot
from organizations.models import Membership, Organization

if TYPE_CHECKING:
    from cwop_portal.models import User

# What a change of a remark may touch, kept in its history old → new.
EDITABLE_FIELDS = ["provision", "proposed_wording", "justification"]
TEXT_MAX_LENGTH = 10000


class ProvisionNotInConsultation(Exception):
    """A provision of another consultation was given: a forged form (the view answers
    400 Bad Request)."""


def _locked_consultation(consultation: PublicConsultation) -> PublicConsultation:
    return PublicConsultation.objects.select_for_update().get(pk=consultation.pk)


def _require_open(
    consultation: PublicConsultation, now: datetime.datetime | None
) -> tuple[PublicConsultation, datetime.datetime]:
    """Lock the consultation and check that it takes remarks at the database's time
    (or `now`, when a caller gives it). Returns it, locked, and the moment judged."""
    locked = _locked_consultation(consultation)
    moment = now or database_now()
    phase = locked.phase_at(moment)
    if phase == PublicConsultation.Phase.OPEN:
        return locked, moment
    if phase == PublicConsultation.Phase.UPCOMING:
        message = _("This consultation does not take remarks yet.")
    elif phase == PublicConsultation.Phase.DRAFT:
        message = _("This consultation has not been announced.")
    else:
        message = _(
            "The deadline for remarks has passed: the consultation no longer takes remarks "
            "nor changes to them."
        )
    raise ValidationError(message, code="closed")


def _check_provision(consultation: PublicConsultation, provision: Provision | None) -> None:
    if provision is not None and provision.consultation_id != consultation.pk:
        raise ProvisionNotInConsultation(
            f"Provision {provision.pk} is not part of consultation {consultation.pk}."
        )


def _check_texts(proposed_wording: str, justification: str) -> tuple[str, str]:
    proposed_wording = (proposed_wording or "").strip()
    justification = (justification or "").strip()
    errors: dict[str, list[str]] = {}
    if not justification:
        errors["justification"] = [_("Say why you propose the change.")]
    too_long = _("At most %(count)d characters.") % {"count": TEXT_MAX_LENGTH}
    if len(justification) > TEXT_MAX_LENGTH:
        errors["justification"] = [too_long]
    if len(proposed_wording) > TEXT_MAX_LENGTH:
        errors["proposed_wording"] = [too_long]
    if errors:
        raise ValidationError(errors)
    return proposed_wording, justification


def is_active_member(user: User, organization_id: int | None) -> bool:
    """Whether `user` is an active member of the organisation, and it is published."""
    if organization_id is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user,
        organization_id=organization_id,
        status=Membership.Status.ACTIVE,
        organization__status=Organization.Status.PUBLISHED,
    ).exists()


def remark_organizations(user: User) -> list[Organization]:
    """The organisations on whose behalf `user` may send remarks."""
    if not user.is_authenticated:
        return []
    return list(
        Organization.objects.published()
        .filter(memberships__user=user, memberships__status=Membership.Status.ACTIVE)
        .order_by("name", "pk")
    )


def can_change(remark: Remark, user: User) -> bool:
    """Whether `user` may change or withdraw `remark` (the deadline aside)."""
    if not user.is_authenticated:
        return False
    if remark.author_id is not None and remark.author_id == user.pk:
        return True
    return remark.organization_id is not None and is_active_member(user, remark.organization_id)


@transaction.atomic
def remark_create(
    *,
    consultation: PublicConsultation,
    user: User,
    organization: Organization | None,
    provision: Provision | None,
    proposed_wording: str,
    justification: str,
    name: str = "",
    now: datetime.datetime | None = None,
) -> Remark:
    """Take a remark on behalf of `organization` (None: as a resident). The author
    gets a copy by e-mail (after the commit; a failed e-mail loses nothing)."""
    _check_provision(consultation, provision)
    proposed_wording, justification = _check_texts(proposed_wording, justification)
    consultation, moment = _require_open(consultation, now)
    if organization is not None:
        if not is_active_member(user, organization.pk):
            raise ValidationError(
                {
                    "organization": [
                        _(
                            "You can send remarks only on behalf of a published organisation "
                            "you are an active member of."
                        )
                    ]
                }
            )
    elif not consultation.residents_may_remark:
        raise ValidationError(
            {
                "organization": [
                    _(
                        "In this consultation only organisations send remarks: choose the "
                        "organisation you send it on behalf of."
                    )
                ]
            }
        )
    author_name = (name or "").strip()[:200] or user.get_full_name() or user.email
    remark = Remark.objects.create(
        consultation=consultation,
        provision=provision,
        organization=organization,
        organization_name=organization.name if organization is not None else "",
        author=user,
        author_name=author_name,
        author_email=user.email,
        proposed_wording=proposed_wording,
        justification=justification,
        created_at=moment,
    )
    change_record(
        remark,
        user=user,
        action="submitted",
        changes={"provision": str(provision) if provision else None},
        at=moment,
    )
    send_email_on_commit(
        "cooperation_remark_sent",
        {"remark": remark, "consultation": consultation, "provision": provision},
        [user.email],
        language=settings.LANGUAGE_CODE,
    )
    return remark


def _lock_remark(
    remark: Remark, user: User, now: datetime.datetime | None
) -> tuple[Remark, datetime.datetime]:
    _consultation, moment = _require_open(remark.consultation, now)
    locked = Remark.objects.select_for_update().get(pk=remark.pk)
    if not can_change(locked, user):
        raise ValidationError(
            _(
                "Only the person who sent the remark, or a member of its organisation, "
                "can change it."
            )
        )
    if not locked.is_active:
        raise ValidationError(_("This remark has been withdrawn and can no longer be changed."))
    return locked, moment


@transaction.atomic
def remark_update(
    *,
    remark: Remark,
    user: User,
    provision: Provision | None,
    proposed_wording: str,
    justification: str,
    now: datetime.datetime | None = None,
) -> Remark:
    """Change a remark (its provision and texts) until the deadline."""
    _check_provision(remark.consultation, provision)
    proposed_wording, justification = _check_texts(proposed_wording, justification)
    locked, moment = _lock_remark(remark, user, now)
    before = snapshot(locked, EDITABLE_FIELDS)
    locked.provision = provision
    locked.proposed_wording = proposed_wording
    locked.justification = justification
    changes = changes_between(
        before, snapshot(locked, EDITABLE_FIELDS), EDITABLE_FIELDS, model=Remark
    )
    if changes:
        locked.save(update_fields=[*EDITABLE_FIELDS, "updated_at"])
        change_record(locked, user=user, action="changed", changes=changes, at=moment)
    return locked


@transaction.atomic
def remark_withdraw(*, remark: Remark, user: User, now: datetime.datetime | None = None) -> Remark:
    """Withdraw a remark until the deadline: it is kept (with its history) but no
    longer counts nor is shown."""
    locked, moment = _lock_remark(remark, user, now)
    locked.status = Remark.Status.WITHDRAWN
    locked.withdrawn_at = moment
    locked.save(update_fields=["status", "withdrawn_at", "updated_at"])
    change_record(
        locked,
        user=user,
        action="withdrawn",
        changes={"status": [Remark.Status.ACTIVE.value, Remark.Status.WITHDRAWN.value]},
        at=moment,
    )
    return locked
