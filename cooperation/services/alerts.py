"""E-mails to the NGOs about public consultations: the invitation when a consultation
starts taking remarks, and a reminder three days before its deadline.

Invited: the active members of the published organisations whose fields of activity
match the consultation's (every published organisation when it names none), except
members who opted out for that organisation (`AlertOptOut`). A person who is a member
of several invited organisations gets one e-mail naming them all. Reminded: the
members of the invited organisations that have sent no remark (still submitted) yet.

Each is sent once per consultation: `alerts_sent_at` / `reminders_sent_at` are set
under the consultation's row lock, and the e-mails go out after the commit (never
for a change that was rolled back). An e-mail that fails is logged and reported to
the command (`collect_mail`), not retried. The User model has no language of its
own, so the e-mails are in Polish, the portal's main language.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperation.models import AlertOptOut, PublicConsultation, Remark
from cwop_portal.emails import send_email_on_commit
from organizations.models import Membership, Organization

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from cwop_portal.models import User

REMINDER_BEFORE = datetime.timedelta(days=3)


def invited_organizations(consultation: PublicConsultation) -> QuerySet[Organization]:
    """The published organisations the consultation concerns."""
    organizations = Organization.objects.published()
    fields = list(consultation.fields_of_activity.values_list("pk", flat=True))
    if fields:
        organizations = organizations.filter(fields_of_activity__in=fields)
    return organizations.distinct()


def _recipients(organizations: QuerySet[Organization]) -> dict[str, list[str]]:
    """{address: [names of their organisations]} of the active members who have not
    opted out for that organisation."""
    memberships = (
        Membership.objects.filter(
            organization__in=organizations,
            status=Membership.Status.ACTIVE,
            user__is_active=True,
        )
        .select_related("user", "organization")
        .order_by("organization__name", "pk")
    )
    opted_out = set(
        AlertOptOut.objects.filter(organization__in=organizations).values_list(
            "user_id", "organization_id"
        )
    )
    recipients: dict[str, list[str]] = defaultdict(list)
    for membership in memberships:
        if (membership.user_id, membership.organization_id) in opted_out:
            continue
        if membership.user.email:
            recipients[membership.user.email].append(membership.organization.name)
    return recipients


def _send(name: str, consultation: PublicConsultation, recipients: dict[str, list[str]]) -> int:
    for email, organizations in sorted(recipients.items()):
        send_email_on_commit(
            name,
            {"consultation": consultation, "organizations": organizations},
            [email],
            language=settings.LANGUAGE_CODE,
        )
    return len(recipients)


def consultation_invitations_send(
    *, consultation: PublicConsultation | None = None, now: datetime.datetime | None = None
) -> int:
    """Invite the organisations to the consultations that take remarks now and have
    not been announced to them yet (only `consultation`, if given); returns the
    number of e-mails."""
    now = now or timezone.now()
    due = PublicConsultation.objects.filter(
        status=PublicConsultation.Status.OPEN,
        start__lte=now,
        end__gt=now,
        alerts_sent_at__isnull=True,
    )
    if consultation is not None:
        due = due.filter(pk=consultation.pk)
    sent = 0
    for pk in list(due.values_list("pk", flat=True)):
        sent += _invite(pk, now)
    return sent


@transaction.atomic
def _invite(pk: int, now: datetime.datetime) -> int:
    consultation = PublicConsultation.objects.select_for_update().get(pk=pk)
    if consultation.alerts_sent_at is not None or not consultation.is_accepting_remarks(now):
        return 0
    consultation.alerts_sent_at = now
    consultation.save(update_fields=["alerts_sent_at"])
    return _send(
        "cooperation_invitation", consultation, _recipients(invited_organizations(consultation))
    )


def consultation_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind the invited organisations that have sent no remark, three days before
    the deadline; returns the number of e-mails. A consultation whose invitation
    went out within those three days gets no reminder (the invitation is fresh)."""
    now = now or timezone.now()
    due = PublicConsultation.objects.filter(
        status=PublicConsultation.Status.OPEN,
        start__lte=now,
        end__gt=now,
        end__lte=now + REMINDER_BEFORE,
        reminders_sent_at__isnull=True,
    )
    sent = 0
    for pk in list(due.values_list("pk", flat=True)):
        sent += _remind(pk, now)
    return sent


@transaction.atomic
def _remind(pk: int, now: datetime.datetime) -> int:
    consultation = PublicConsultation.objects.select_for_update().get(pk=pk)
    if consultation.reminders_sent_at is not None or not consultation.is_accepting_remarks(now):
        return 0
    consultation.reminders_sent_at = now
    consultation.save(update_fields=["reminders_sent_at"])
    invited_at = consultation.alerts_sent_at
    if invited_at is None or invited_at >= consultation.end - REMINDER_BEFORE:
        return 0
    remarked = Remark.objects.filter(
        consultation=consultation, status=Remark.Status.ACTIVE, organization__isnull=False
    ).values("organization_id")
    organizations = invited_organizations(consultation).exclude(pk__in=remarked)
    return _send("cooperation_reminder", consultation, _recipients(organizations))


@transaction.atomic
def alert_opt_out_set(*, user: User, organization: Organization, receive: bool) -> None:
    """Whether `user` gets the e-mails about public consultations for `organization`
    (of which they must be an active member)."""
    is_member = Membership.objects.filter(
        user=user, organization=organization, status=Membership.Status.ACTIVE
    ).exists()
    if not is_member:
        raise ValidationError(
            {"organization": [_("You are not an active member of this organisation.")]}
        )
    if receive:
        AlertOptOut.objects.filter(user=user, organization=organization).delete()
    else:
        AlertOptOut.objects.get_or_create(user=user, organization=organization)
