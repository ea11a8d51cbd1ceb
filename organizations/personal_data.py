"""The directory's part of "download my data" and of deleting an account.

Exported: the person's memberships, the news they wrote (with its history), the
organisations' and news posts' history entries they made or that name them, and the
messages they sent to organisations (found by their e-mail addresses).

On deletion: memberships go (CASCADE; the organisation's history notes that a
member's account was deleted); news posts stay the organisation's, without the
author; history entries lose the link to the person (SET_NULL) and their e-mail
address; messages they sent are deleted. The only administrator of an organisation
in the directory (or waiting for approval) cannot delete the account until another
member is made an administrator or the centre withdraws the profile.
"""

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from cwop_portal.history import change_record, exported
from cwop_portal.personal_data import (
    DeletionBlocker,
    person_emails,
    register,
    register_deletion_blocker,
    register_eraser,
)
from organizations.models import (
    ContactMessage,
    Membership,
    NewsPost,
    NewsPostChange,
    Organization,
    OrganizationChange,
)

# Statuses in which an organisation needs somebody to answer for it: it is in the
# directory (residents write to it) or will be once the centre approves it.
NEEDS_AN_ADMINISTRATOR = [Organization.Status.PUBLISHED, Organization.Status.PENDING]


def _about(emails):
    """History entries that name one of these addresses (membership changes)."""
    condition = Q(pk__in=[])
    for email in emails:
        condition |= Q(changes__user__iexact=email)
    return condition


def _sent_by(emails):
    """Messages sent from one of these addresses, typed in any letter case."""
    condition = Q(pk__in=[])
    for email in emails:
        condition |= Q(sender_email__iexact=email)
    return condition


@register("organizations")
def export_organizations(user):
    emails = person_emails(user)
    memberships = Membership.objects.filter(user=user).select_related("organization")
    news = (
        NewsPost.objects.filter(author=user)
        .select_related("organization")
        .prefetch_related("changes")
        .order_by("created_at", "pk")
    )
    history = (
        OrganizationChange.objects.filter(Q(user=user) | _about(emails))
        .select_related("organization")
        .order_by("created_at", "pk")
    )
    sent = (
        ContactMessage.objects.filter(_sent_by(emails))
        .select_related("organization")
        .order_by("created_at", "pk")
    )
    return {
        "memberships": [
            {
                "organization": m.organization.name,
                "role": m.role,
                "status": m.status,
                "message": m.message,
                "since": m.created_at.isoformat(),
            }
            for m in memberships
        ],
        "news_posts_written": [
            {
                "organization": post.organization.name if post.organization_id else None,
                "title": post.title,
                "lead": post.lead,
                "body": post.body,
                "status": post.status,
                "created_at": post.created_at.isoformat(),
                "published_at": post.published_at.isoformat() if post.published_at else None,
                "history": [
                    exported(change, user)
                    for change in sorted(post.changes.all(), key=lambda c: (c.created_at, c.pk))
                ],
            }
            for post in news
        ],
        "news_history_entries": [
            {"news_post": change.post_id, **exported(change, user)}
            for change in NewsPostChange.objects.filter(user=user)
            .exclude(post__author=user)
            .order_by("created_at", "pk")
        ],
        "organization_history": [
            {
                "organization": change.organization.name,
                "action": change.action,
                "by_you": change.user_id == user.pk,
                "changes": _own_changes(change.changes, emails),
                "note": change.note,
                "at": change.created_at.isoformat(),
            }
            for change in history
        ],
        "messages_sent_to_organizations": [
            {
                "organization": message.organization.name,
                "name": message.sender_name,
                "email": message.sender_email,
                "message": message.body,
                "sent_at": message.created_at.isoformat(),
            }
            for message in sent
        ],
    }


def _own_changes(changes, emails):
    """A history entry's changes without somebody else's address (an administrator's
    entry about another member)."""
    if not isinstance(changes, dict) or "user" not in changes:
        return changes
    user = changes["user"]
    if isinstance(user, str) and user.lower() in emails:
        return changes
    return {**changes, "user": None}


@register_deletion_blocker
def only_administrator(user, *, lock):
    candidates = Organization.objects.filter(
        status__in=NEEDS_AN_ADMINISTRATOR,
        memberships__user=user,
        memberships__role=Membership.Role.ADMIN,
        memberships__status=Membership.Status.ACTIVE,
    ).order_by("name", "pk")
    if lock:
        # As the membership changes do: nobody else steps down meanwhile.
        candidates = candidates.select_for_update()
    blockers = []
    for organization in candidates:
        others = (
            Membership.objects.filter(
                organization=organization,
                role=Membership.Role.ADMIN,
                status=Membership.Status.ACTIVE,
                user__is_active=True,
            )
            .exclude(user=user)
            .exists()
        )
        if others:
            continue
        blockers.append(
            DeletionBlocker(
                message=gettext(
                    "This account is the only administrator of “%(name)s”. Before the "
                    "account is deleted, another member has to become its administrator, "
                    "or the centre has to withdraw its profile."
                )
                % {"name": organization.name},
                url=reverse("organizations:membership_list", args=[organization.slug]),
                link_text=gettext("Members of %(name)s") % {"name": organization.name},
            )
        )
    return blockers


@register_eraser
def erase_organizations(user, *, emails, now):
    with translation.override(settings.LANGUAGE_CODE):
        deleted = gettext("deleted account")
    for change in OrganizationChange.objects.filter(_about(emails)):
        change.changes = {**change.changes, "user": deleted}
        change.save(update_fields=["changes"])
    for membership in Membership.objects.filter(user=user).select_related("organization"):
        change_record(
            membership.organization,
            user=None,
            action="membership_removed",
            changes={"user": deleted},
            at=now,
        )
    ContactMessage.objects.filter(_sent_by(emails)).delete()
