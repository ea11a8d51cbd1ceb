"""Writes to the news: organisations' posts are moderated, staff posts publish directly.

Every entry point (the members' pages, the admin, commands) calls these.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cwop_portal.emails import send_email_on_commit, staff_emails
from cwop_portal.history import change_record, changes_between, snapshot
from cwop_portal.images import clean_image_upload
from cwop_portal.text import unique_slug
from organizations.models import Membership, NewsAttachment, NewsPost, Organization

if TYPE_CHECKING:
    from cwop_portal.models import User

EDITABLE_FIELDS = [
    "title",
    "category",
    "lead",
    "body",
    "lead_image_alt",
    "funding_deadline",
    "event_starts_at",
    "event_place",
    "published_at",
    "expires_at",
]
# What an edit may change, kept in the post's history old → new.
HISTORY_FIELDS = [*EDITABLE_FIELDS, "lead_image", "status"]


def _unique_slug(title: str) -> str:
    return unique_slug(
        title,
        is_taken=lambda slug: NewsPost.objects.filter(slug=slug).exists(),
        max_length=200,
        fallback="aktualnosc",
        reserved={"rss"},  # /aktualnosci/rss/ is the feed
    )


def can_edit(post: NewsPost, user: User) -> bool:
    """Staff edit any post; active members edit their organisation's posts."""
    if user.is_staff:
        return True
    return (
        post.organization_id is not None
        and Membership.objects.filter(
            organization_id=post.organization_id, user=user, status=Membership.Status.ACTIVE
        ).exists()
    )


def _admin_emails(post: NewsPost) -> list[str]:
    return post.organization.admin_emails() if post.organization is not None else []


def _save(
    post: NewsPost,
    image: UploadedFile | None,
    attachments: Iterable[tuple[str, UploadedFile]],
) -> NewsPost:
    """Validate, store the re-encoded image and the attachments, save; a failure
    leaves no file behind."""
    post.full_clean(exclude=["lead_image", "slug"])
    stored = []
    try:
        if image:
            try:
                cleaned = clean_image_upload(image, field_label="obraz")
            except ValidationError as exc:
                raise ValidationError({"lead_image": exc.messages}) from exc
            post.lead_image.save(cleaned.name, cleaned, save=False)
            stored.append(post.lead_image)
            post.full_clean(exclude=["slug"], validate_unique=False)
        post.save()
        for title, upload in attachments or ():
            attachment = NewsAttachment(post=post, title=title or upload.name or "", file=upload)
            try:
                attachment.full_clean(exclude=["post"])
            except ValidationError as exc:
                raise ValidationError({"attachments": exc.messages}) from exc
            attachment.save()
            stored.append(attachment.file)
    except Exception:
        for file in stored:
            file.delete(save=False)
        raise
    return post


@transaction.atomic
def news_create(
    *,
    user: User,
    organization: Organization | None = None,
    data: dict[str, Any],
    image: UploadedFile | None = None,
    attachments: Iterable[tuple[str, UploadedFile]] = (),
    submit: bool = False,
    slug: str = "",
) -> NewsPost:
    """A member writes a post for their organisation (a draft, or submitted for
    approval); staff write the centre's posts, which are published directly.
    `slug`: the address staff chose in the admin (made unique); else from the title."""
    if organization is None and not user.is_staff:
        raise PermissionDenied
    if organization is not None and not (
        user.is_staff
        or organization.memberships.filter(user=user, status=Membership.Status.ACTIVE).exists()
    ):
        raise PermissionDenied
    post = NewsPost(
        organization=organization,
        author=user,
        **{k: v for k, v in data.items() if k in EDITABLE_FIELDS},
    )
    post.slug = _unique_slug(slug or post.title)
    if user.is_staff:
        post.status = NewsPost.Status.PUBLISHED
        post.published_at = post.published_at or timezone.now()
    elif submit:
        post.status = NewsPost.Status.SUBMITTED
        post.submitted_at = timezone.now()
    _save(post, image, attachments)
    change_record(post, user=user, action="created", changes={"status": post.status})
    if post.status == NewsPost.Status.SUBMITTED:
        send_email_on_commit("news_submitted", {"post": post}, staff_emails())
    return post


@transaction.atomic
def news_update(
    *,
    post: NewsPost,
    user: User,
    data: dict[str, Any],
    image: UploadedFile | None = None,
    attachments: Iterable[tuple[str, UploadedFile]] = (),
    remove_attachments: Iterable[int] = (),
    submit: bool = False,
) -> NewsPost:
    """Edit a post. A member's change to a published post sends it back for approval.

    Files that the edit removes or replaces are deleted from storage only once the
    change has committed, so a failed edit leaves the post and its files intact."""
    post = NewsPost.objects.select_for_update().get(pk=post.pk)
    if not can_edit(post, user):
        raise PermissionDenied
    was_submitted = post.status == NewsPost.Status.SUBMITTED
    before = snapshot(post, HISTORY_FIELDS)
    for field, value in data.items():
        if field in EDITABLE_FIELDS:
            setattr(post, field, value)
    obsolete = []  # (storage, name) to delete after commit
    if post.lead_image and (image or data.get("remove_image")):
        obsolete.append((post.lead_image.storage, post.lead_image.name))
        if not image:
            post.lead_image = ""
            post.lead_image_alt = data.get("lead_image_alt", "")
    if not user.is_staff and (submit or post.status == NewsPost.Status.PUBLISHED):
        post.status = NewsPost.Status.SUBMITTED
        post.submitted_at = timezone.now()
    removed = post.attachments.filter(pk__in=list(remove_attachments))
    obsolete += [(a.file.storage, a.file.name) for a in removed]
    removed.delete()
    _save(post, image, attachments)
    changes = changes_between(before, post, HISTORY_FIELDS)
    if changes:
        change_record(post, user=user, action="changed", changes=changes)
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in obsolete])
    if post.status == NewsPost.Status.SUBMITTED and not was_submitted:
        send_email_on_commit("news_submitted", {"post": post}, staff_emails())
    return post


@transaction.atomic
def news_submit(*, post: NewsPost, user: User) -> NewsPost:
    post = NewsPost.objects.select_for_update().get(pk=post.pk)
    if not can_edit(post, user):
        raise PermissionDenied
    if post.status not in {NewsPost.Status.DRAFT, NewsPost.Status.REJECTED}:
        raise ValidationError(_("Only a draft or a rejected post can be sent for approval."))
    changes = {"status": [post.status, NewsPost.Status.SUBMITTED]}
    post.status = NewsPost.Status.SUBMITTED
    post.submitted_at = timezone.now()
    post.save(update_fields=["status", "submitted_at", "updated_at"])
    change_record(post, user=user, action="submitted", changes=changes)
    send_email_on_commit("news_submitted", {"post": post}, staff_emails())
    return post


@transaction.atomic
def news_approve(*, post: NewsPost, user: User) -> NewsPost:
    """Publish a submitted post (at its chosen date, or now)."""
    if not user.is_staff:
        raise PermissionDenied
    post = NewsPost.objects.select_for_update().get(pk=post.pk)
    if post.status != NewsPost.Status.SUBMITTED:
        raise ValidationError(_("Only a post waiting for approval can be published."))
    post.status = NewsPost.Status.PUBLISHED
    post.published_at = post.published_at or timezone.now()
    post.rejection_reason = ""
    post.full_clean(exclude=["lead_image"])
    post.save()
    change_record(
        post,
        user=user,
        action="approved",
        changes={"status": [NewsPost.Status.SUBMITTED, NewsPost.Status.PUBLISHED]},
    )
    send_email_on_commit("news_approved", {"post": post}, _admin_emails(post))
    return post


@transaction.atomic
def news_reject(*, post: NewsPost, user: User, reason: str) -> NewsPost:
    if not user.is_staff:
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    post = NewsPost.objects.select_for_update().get(pk=post.pk)
    if post.status != NewsPost.Status.SUBMITTED:
        raise ValidationError(_("Only a post waiting for approval can be rejected."))
    post.status = NewsPost.Status.REJECTED
    post.rejection_reason = reason
    post.save(update_fields=["status", "rejection_reason", "updated_at"])
    change_record(
        post,
        user=user,
        action="rejected",
        changes={"status": [NewsPost.Status.SUBMITTED, NewsPost.Status.REJECTED]},
        note=reason,
    )
    send_email_on_commit("news_rejected", {"post": post, "reason": reason}, _admin_emails(post))
    return post


@transaction.atomic
def news_attachments_update(
    *,
    post: NewsPost,
    user: User,
    save: Sequence[NewsAttachment] = (),
    delete: Sequence[NewsAttachment] = (),
) -> None:
    """Staff edit a post's attachments in the admin: `save` new or changed ones
    (NewsAttachment rows of `post`), `delete` removed ones. A replaced or removed
    file is deleted from storage only once the change has committed."""
    post = NewsPost.objects.select_for_update().get(pk=post.pk)
    if not can_edit(post, user):
        raise PermissionDenied
    obsolete = []  # (storage, name) to delete after commit
    stored = {
        a.pk: (a.file.storage, a.file.name)
        for a in post.attachments.filter(pk__in=[a.pk for a in [*save, *delete] if a.pk])
    }
    for attachment in delete:
        if attachment.pk in stored:
            obsolete.append(stored[attachment.pk])
            attachment.delete()
    for attachment in save:
        attachment.post = post
        attachment.full_clean(exclude=["post"])
        attachment.save()
        old = stored.get(attachment.pk)
        if old and old[1] != attachment.file.name:
            obsolete.append(old)
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in obsolete])


@transaction.atomic
def news_delete(*, post: NewsPost, user: User) -> None:
    post = NewsPost.objects.select_for_update().get(pk=post.pk)
    if not can_edit(post, user):
        raise PermissionDenied
    files = [a.file for a in post.attachments.all()]
    if post.lead_image:
        files.append(post.lead_image)
    post.delete()
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])
