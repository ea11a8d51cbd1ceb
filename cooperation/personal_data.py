"""The cooperation app's part of "download my data" and of deleting an account.

Exported: the remarks the person sent in public consultations (found by the account
or by their addresses), with each remark's history; the organisations they opted out
of consultation e-mails for; the public consultations they created (staff); and the
history entries they made in the cooperation app (consultations, remarks, the
Cooperation Programme, the Consultation Team); the messages they sent to the
Consultation Team (found by their addresses), which are deleted with the account.

On deletion: a remark stays, since it is part of the consultation's official record
and of its published report (on behalf of an organisation: the organisation's; a
resident's: "a resident"), its text kept, but it loses the link to the account and
the sender's name and e-mail address. The opt-outs go with the account (CASCADE);
history entries and consultations created stay without the link (SET_NULL).
Messages the person sent to the Consultation Team (found by their addresses) are
exported, and deleted with the account, as those sent to organisations are.
"""

from django.db.models import Q

from cooperation.models import (
    AlertOptOut,
    ProgrammeYearChange,
    PublicConsultation,
    PublicConsultationChange,
    Remark,
    RemarkChange,
    TeamContactMessage,
    TeamMeetingChange,
    TeamMemberChange,
)
from cwop_portal.history import exported
from cwop_portal.personal_data import person_emails, register, register_eraser


def _remarks(user, emails):
    condition = Q(author=user)
    for email in emails:
        condition |= Q(author_email__iexact=email)
    return Remark.objects.filter(condition)


def _sent_to_the_team(emails):
    """Messages to the Consultation Team sent from one of these addresses."""
    condition = Q(pk__in=[])
    for email in emails:
        condition |= Q(sender_email__iexact=email)
    return TeamContactMessage.objects.filter(condition)


def _entries(model, user, subject):
    return [
        {subject: getattr(change, f"{subject}_id"), **exported(change, user)}
        for change in model.objects.filter(user=user).order_by("created_at", "pk")
    ]


def _team_messages(emails):
    """Messages to the Consultation Team sent from the person's addresses."""
    condition = Q(pk__in=[])
    for email in emails:
        condition |= Q(sender_email__iexact=email)
    return TeamContactMessage.objects.filter(condition)


@register("cooperation")
def export_cooperation(user):
    emails = person_emails(user)
    remarks = (
        _remarks(user, emails)
        .select_related("consultation", "provision")
        .prefetch_related("changes")
        .order_by("created_at", "pk")
    )
    own = [remark.pk for remark in remarks]
    return {
        "public_consultation_remarks": [
            {
                "consultation": remark.consultation.title_pl,
                "provision": remark.provision.label if remark.provision_id else None,
                "organization": remark.organization_name or None,
                "name": remark.author_name,
                "email": remark.author_email,
                "proposed_wording": remark.proposed_wording,
                "justification": remark.justification,
                "status": remark.status,
                "position": remark.position,
                "position_justification": remark.position_justification,
                "sent_at": remark.created_at.isoformat(),
                "withdrawn_at": remark.withdrawn_at.isoformat() if remark.withdrawn_at else None,
                "history": [
                    exported(change, user)
                    for change in sorted(remark.changes.all(), key=lambda c: (c.created_at, c.pk))
                ],
            }
            for remark in remarks
        ],
        "consultation_email_opt_outs": [
            {"organization": opt_out.organization.name, "since": opt_out.created_at.isoformat()}
            for opt_out in AlertOptOut.objects.filter(user=user)
            .select_related("organization")
            .order_by("created_at", "pk")
        ],
        "public_consultations_created": [
            {"title": consultation.title_pl, "created_at": consultation.created_at.isoformat()}
            for consultation in PublicConsultation.objects.filter(created_by=user).order_by(
                "created_at", "pk"
            )
        ],
        "messages_sent_to_the_consultation_team": [
            {
                "name": message.sender_name,
                "email": message.sender_email,
                "message": message.body,
                "sent_at": message.created_at.isoformat(),
            }
            for message in _sent_to_the_team(emails).order_by("created_at", "pk")
        ],
        "remark_history_entries": [
            {"remark": change.remark_id, **exported(change, user)}
            for change in RemarkChange.objects.filter(user=user)
            .exclude(remark__in=own)
            .order_by("created_at", "pk")
        ],
        "public_consultation_history_entries": _entries(
            PublicConsultationChange, user, "consultation"
        ),
        "programme_year_history_entries": _entries(ProgrammeYearChange, user, "programme_year"),
        "team_member_history_entries": _entries(TeamMemberChange, user, "member"),
        "team_meeting_history_entries": _entries(TeamMeetingChange, user, "meeting"),
        "messages_to_the_consultation_team": [
            {
                "name": message.sender_name,
                "email": message.sender_email,
                "message": message.body,
                "sent_at": message.created_at.isoformat(),
            }
            for message in _team_messages(emails).order_by("created_at", "pk")
        ],
    }


@register_eraser
def erase_cooperation(user, *, emails, now):
    """Remarks stay (the consultation's record), without the person; messages to the
    Consultation Team go, as those to organisations do."""
    _remarks(user, emails).update(author=None, author_name="", author_email="")
    _sent_to_the_team(emails).delete()
    _team_messages(emails).delete()  # as the directory's relayed messages
