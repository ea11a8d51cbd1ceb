"""Writes to the directory: every entry point (site, admin, commands) calls these.

Each function is atomic, keeps the history (`change_record`) and sends its
e-mails after commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cwop_portal.emails import send_email_on_commit, staff_emails
from cwop_portal.history import change_record, json_value
from cwop_portal.images import clean_image_upload
from cwop_portal.text import unique_slug
from organizations.models import (
    ContactMessage,
    District,
    FieldOfActivity,
    Membership,
    Organization,
    TargetGroup,
)
from organizations.models.organization import IDENTITY_FIELDS

if TYPE_CHECKING:
    from cwop_portal.models import User

# A vocabulary entry, as the admin edits them.
Term = FieldOfActivity | TargetGroup | District

M2M_FIELDS = ["fields_of_activity", "target_groups"]


def _unique_slug(name: str) -> str:
    return unique_slug(
        name,
        is_taken=lambda slug: Organization.objects.filter(slug=slug).exists(),
        fallback="organizacja",
    )


def _history(
    organization: Organization,
    user: User | AnonymousUser | None,
    action: str,
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> None:
    change_record(organization, user=user, action=action, changes=changes, note=note)


def _save_integrity(organization: Organization, **kwargs: Any) -> None:
    """Save, turning the database's uniqueness guard into a message on the field."""
    try:
        with transaction.atomic():
            organization.save(**kwargs)
    except IntegrityError as exc:
        if "krs" in str(exc).lower():
            raise ValidationError(
                {"krs": _("An organisation with this KRS number is already in the directory.")}
            ) from exc
        raise


def _save_with_logo(organization: Organization, logo: UploadedFile | None) -> None:
    """Validate, store the re-encoded logo, then save the row; a failure leaves no
    file behind."""
    organization.full_clean(exclude=["logo"])
    cleaned = None
    if logo:
        try:
            cleaned = clean_image_upload(logo, field_label="logo")
        except ValidationError as exc:
            raise ValidationError({"logo": exc.messages}) from exc
        organization.logo.save(cleaned.name, cleaned, save=False)
    try:
        _save_integrity(organization)
    except Exception:
        if cleaned:
            organization.logo.delete(save=False)
        raise


def _notify_staff_pending(organization: Organization) -> None:
    send_email_on_commit("organization_pending", {"organization": organization}, staff_emails())


@transaction.atomic
def organization_create(
    *,
    user: User,
    data: dict[str, Any],
    fields_of_activity: Iterable[FieldOfActivity] = (),
    target_groups: Iterable[TargetGroup] = (),
    logo: UploadedFile | None = None,
    submit: bool = False,
) -> Organization:
    """A member creates an organisation and becomes its administrator."""
    organization = Organization(**data)
    if organization.krs == "":
        organization.krs = None
    organization.slug = _unique_slug(organization.name)
    if submit:
        organization.status = Organization.Status.PENDING
        organization.submitted_at = timezone.now()
    _save_with_logo(organization, logo)
    organization.fields_of_activity.set(fields_of_activity)
    organization.target_groups.set(target_groups)
    organization.rebuild_search_document()
    Membership.objects.create(
        user=user,
        organization=organization,
        role=Membership.Role.ADMIN,
        status=Membership.Status.ACTIVE,
    )
    _history(organization, user, "created", {"status": organization.status})
    if submit:
        _notify_staff_pending(organization)
    return organization


@transaction.atomic
def organization_update(
    *,
    organization: Organization,
    user: User,
    data: dict[str, Any],
    fields_of_activity: Iterable[FieldOfActivity] | None = None,
    target_groups: Iterable[TargetGroup] | None = None,
    logo: UploadedFile | None = None,
) -> Organization:
    """Edit a profile. On a published profile a new name, legal form or KRS waits
    for the centre's approval (the profile keeps showing the approved ones); other
    changes are published at once."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    before = {f: json_value(getattr(organization, f)) for f in list(data) + M2M_FIELDS}
    identity_change = {}
    for field, value in data.items():
        if field == "krs" and value == "":
            value = None
        if (
            organization.is_published
            and field in IDENTITY_FIELDS
            and value != getattr(organization, field)
        ):
            identity_change[field] = value
            continue
        setattr(organization, field, value)
    if identity_change:
        # Check the proposed identity as a whole before it waits for approval.
        proposal = Organization(
            **{f: getattr(organization, f) for f in IDENTITY_FIELDS}, slug=organization.slug
        )
        for field, value in identity_change.items():
            setattr(proposal, field, value)
        proposal.full_clean(
            exclude=[f.name for f in Organization._meta.fields if f.name not in IDENTITY_FIELDS],
            validate_unique=False,
            validate_constraints=False,
        )
        if (
            proposal.krs
            and Organization.objects.exclude(pk=organization.pk).filter(krs=proposal.krs).exists()
        ):
            raise ValidationError(
                {"krs": _("An organisation with this KRS number is already in the directory.")}
            )
        organization.pending_identity = identity_change
    _save_with_logo(organization, logo)
    if fields_of_activity is not None:
        organization.fields_of_activity.set(fields_of_activity)
    if target_groups is not None:
        organization.target_groups.set(target_groups)
    organization.rebuild_search_document()
    after = {f: json_value(getattr(organization, f)) for f in before}
    changes = {f: [before[f], after[f]] for f in before if before[f] != after[f]}
    if identity_change:
        changes["pending_identity"] = [None, identity_change]
    _history(organization, user, "updated", changes)
    if identity_change:
        _notify_staff_pending(organization)
    return organization


# Set only by submit, approve, reject and archive (and by a member's identity change).
MODERATION_FIELDS = {
    "status",
    "rejection_reason",
    "pending_identity",
    "submitted_at",
    "published_at",
}


@transaction.atomic
def organization_edit_by_staff(
    *,
    user: User,
    data: dict[str, Any],
    organization: Organization | None = None,
    fields_of_activity: Iterable[FieldOfActivity] | None = None,
    target_groups: Iterable[TargetGroup] | None = None,
    logo: UploadedFile | None = None,
) -> Organization:
    """The centre's staff add (`organization` None) or edit a profile in the admin.

    Every change applies at once, the name, legal form and KRS too (a member's
    change of those waits for approval); the status does not change here. `data`:
    the changed fields; `logo`: a new upload (re-encoded). Locks the row, so a
    member's edit at the same time is not overwritten, and keeps the history."""
    if not user.is_staff:
        raise PermissionDenied
    if MODERATION_FIELDS & set(data):
        raise ValueError("The moderation fields change through their own services.")
    if organization is None:
        organization, action, before = Organization(), "created_by_staff", {}
    else:
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        action = "edited_by_staff"
        names = list(data)
        for name, value in zip(M2M_FIELDS, (fields_of_activity, target_groups), strict=True):
            names += [name] if value is not None else []
        names += ["logo"] if logo else []
        before = {f: json_value(getattr(organization, f)) for f in names}
    for field, value in data.items():
        setattr(organization, field, None if field == "krs" and value == "" else value)
    if not organization.slug:
        organization.slug = _unique_slug(organization.name)
    _save_with_logo(organization, logo)
    if fields_of_activity is not None:
        organization.fields_of_activity.set(fields_of_activity)
    if target_groups is not None:
        organization.target_groups.set(target_groups)
    organization.rebuild_search_document()
    if before:
        changes: dict[str, Any] = {
            f: [before[f], json_value(getattr(organization, f))] for f in before
        }
        changes = {f: values for f, values in changes.items() if values[0] != values[1]}
    else:
        changes = {"status": organization.status}
    _history(organization, user, action, changes)
    return organization


@transaction.atomic
def organization_submit(*, organization: Organization, user: User) -> Organization:
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.status not in {Organization.Status.DRAFT, Organization.Status.REJECTED}:
        raise ValidationError(_("Only a draft or a rejected profile can be sent for approval."))
    organization.status = Organization.Status.PENDING
    organization.submitted_at = timezone.now()
    organization.save(update_fields=["status", "submitted_at", "updated_at"])
    _history(organization, user, "submitted")
    _notify_staff_pending(organization)
    return organization


@transaction.atomic
def organization_approve(*, organization: Organization, user: User) -> Organization:
    """Publish a pending profile, or apply a published one's waiting identity change."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.status != Organization.Status.PENDING and not organization.pending_identity:
        raise ValidationError(_("There is nothing waiting for approval in this profile."))
    changes = {}
    for field, value in organization.pending_identity.items():
        changes[field] = [getattr(organization, field), value]
        setattr(organization, field, value)
    organization.pending_identity = {}
    if organization.status == Organization.Status.PENDING:
        changes["status"] = [organization.status, Organization.Status.PUBLISHED]
        organization.status = Organization.Status.PUBLISHED
        organization.published_at = organization.published_at or timezone.now()
    organization.rejection_reason = ""
    organization.full_clean(exclude=["logo"])
    _save_integrity(organization)
    organization.rebuild_search_document()
    _history(organization, user, "approved", changes)
    send_email_on_commit(
        "organization_approved", {"organization": organization}, organization.admin_emails()
    )
    return organization


@transaction.atomic
def organization_reject(*, organization: Organization, user: User, reason: str) -> Organization:
    """Reject a pending profile, or a published one's waiting identity change."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.status == Organization.Status.PENDING:
        organization.status = Organization.Status.REJECTED
        organization.rejection_reason = reason
        changes: dict[str, Any] = {
            "status": [Organization.Status.PENDING, Organization.Status.REJECTED]
        }
    elif organization.pending_identity:
        changes = {"pending_identity": [organization.pending_identity, None]}
        organization.pending_identity = {}
    else:
        raise ValidationError(_("There is nothing waiting for approval in this profile."))
    organization.save()
    _history(organization, user, "rejected", changes, note=reason)
    send_email_on_commit(
        "organization_rejected",
        {"organization": organization, "reason": reason},
        organization.admin_emails(),
    )
    return organization


@transaction.atomic
def organization_archive(*, organization: Organization, user: User) -> Organization:
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    organization.status = Organization.Status.ARCHIVED
    organization.save(update_fields=["status", "updated_at"])
    _history(organization, user, "archived")
    return organization


def _require_admin(organization: Organization, user: User) -> None:
    if not (
        user.is_staff
        or organization.memberships.filter(
            user=user, status=Membership.Status.ACTIVE, role=Membership.Role.ADMIN
        ).exists()
    ):
        raise PermissionDenied


@transaction.atomic
def membership_request(*, organization: Organization, user: User, message: str = "") -> Membership:
    """Ask to join an organisation; its administrators are told by e-mail."""
    membership, created = Membership.objects.get_or_create(
        user=user,
        organization=organization,
        defaults={"message": message[:500], "status": Membership.Status.PENDING},
    )
    if not created:
        raise ValidationError(_("You have already asked to join or are a member."))
    _history(organization, user, "membership_requested", {"user": user.email})
    send_email_on_commit(
        "membership_requested",
        {"organization": organization, "membership": membership},
        organization.admin_emails() or staff_emails(),
    )
    return membership


@transaction.atomic
def membership_approve(*, membership: Membership, by: User) -> Membership:
    """Accept a request to join; the person is told by e-mail."""
    _require_admin(membership.organization, by)
    Organization.objects.select_for_update().get(pk=membership.organization_id)
    _reread(membership)
    if membership.status == Membership.Status.ACTIVE:
        raise ValidationError(_("This person is already a member."))
    membership.status = Membership.Status.ACTIVE
    membership.save(update_fields=["status"])
    _history(membership.organization, by, "membership_approved", {"user": membership.user.email})
    send_email_on_commit(
        "membership_approved",
        {"organization": membership.organization},
        [membership.user.email],
    )
    return membership


@transaction.atomic
def membership_add(*, organization: Organization, user: User, role: str, by: User) -> Membership:
    """The centre's staff add a person to an organisation (e.g. a new administrator
    after the last one has left): an active member at once, told by e-mail."""
    if not by.is_staff:
        raise PermissionDenied
    Organization.objects.select_for_update().get(pk=organization.pk)
    if Membership.objects.filter(organization=organization, user=user).exists():
        raise ValidationError({"user": _("This person is already a member or has asked to join.")})
    membership = Membership.objects.create(
        user=user, organization=organization, role=role, status=Membership.Status.ACTIVE
    )
    _history(organization, by, "membership_added", {"user": user.email, "role": role})
    send_email_on_commit(
        "membership_added",
        {"organization": organization, "membership": membership},
        [user.email],
    )
    return membership


def _reread(membership: Membership) -> None:
    """The membership's role and status as stored (under the organisation's lock:
    another change may have come first)."""
    current = Membership.objects.filter(pk=membership.pk).values("role", "status").first()
    if current is None:
        raise ValidationError(_("This membership no longer exists."))
    membership.role, membership.status = current["role"], current["status"]


def is_last_administrator(membership: Membership) -> bool:
    """Whether `membership` (as stored) is the organisation's only active administrator."""
    return (
        membership.role == Membership.Role.ADMIN
        and membership.status == Membership.Status.ACTIVE
        and not _admins_left_without(membership)
    )


def _admins_left_without(membership: Membership) -> bool:
    return (
        Membership.objects.filter(
            organization=membership.organization,
            role=Membership.Role.ADMIN,
            status=Membership.Status.ACTIVE,
        )
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, by: User) -> Membership:
    _require_admin(membership.organization, by)
    Organization.objects.select_for_update().get(pk=membership.organization_id)
    _reread(membership)
    if role != Membership.Role.ADMIN and not _admins_left_without(membership):
        raise ValidationError(_("An organisation must keep at least one administrator."))
    membership.role = role
    membership.save(update_fields=["role"])
    _history(
        membership.organization,
        by,
        "membership_role",
        {"user": membership.user.email, "role": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    """Remove a member (or refuse a request); a member may also leave."""
    if by != membership.user:
        _require_admin(membership.organization, by)
    Organization.objects.select_for_update().get(pk=membership.organization_id)
    _reread(membership)
    if (
        membership.role == Membership.Role.ADMIN
        and membership.status == Membership.Status.ACTIVE
        and not _admins_left_without(membership)
    ):
        raise ValidationError(_("An organisation must keep at least one administrator."))
    _history(membership.organization, by, "membership_removed", {"user": membership.user.email})
    membership.delete()


@transaction.atomic
def contact_message_send(
    *, organization: Organization, sender_name: str, sender_email: str, body: str
) -> ContactMessage:
    """Relay a resident's message to the organisation without revealing its address.

    Refused (nothing saved) when nobody answers for the organisation: without an
    active administrator nobody would read the copy on the messages page, which is
    where a message is found when its e-mail did not go out. The organisation's row
    is locked, as the membership changes lock it, so its last administrator cannot
    leave while a message is on its way."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if not organization.is_published:
        raise ValidationError(_("This organisation cannot be contacted through the portal."))
    recipients = organization.contact_recipients()
    if not organization.has_active_administrator() or not recipients:
        raise ValidationError(
            _(
                "At the moment “%(name)s” has nobody to receive messages sent through the "
                "portal, so your message has not been sent."
            )
            % {"name": organization.name},
            code="no_recipient",
        )
    message = ContactMessage.objects.create(
        organization=organization,
        sender_name=sender_name,
        sender_email=sender_email,
        body=body,
    )
    send_email_on_commit(
        "contact_message",
        {"organization": organization, "message": message},
        recipients,
        reply_to=sender_email,
    )
    return message


def contact_messages_purge(*, older_than_days: int | None = None, dry_run: bool = False) -> int:
    """Delete relayed messages older than the retention period (the setting, unless
    given); returns how many. The pages hide them already (`retained()`)."""
    old = ContactMessage.objects.expired(days=older_than_days)
    count = old.count()
    if not dry_run:
        old.delete()
    return count


# --- Vocabularies (fields of activity, target groups, districts) --------------------

TERM_LOOKUPS = {
    FieldOfActivity: "fields_of_activity",
    TargetGroup: "target_groups",
    District: "district",
}


def _term_names(term: Term) -> list[str | None]:
    return [getattr(term, name, None) for name in ("name", "name_pl", "name_en")]


def _organizations_with(term: Term) -> list[int]:
    return list(
        Organization.objects.filter(**{TERM_LOOKUPS[type(term)]: term}).values_list("pk", flat=True)
    )


def _rebuild_search_documents(pks: Iterable[int]) -> None:
    for organization in Organization.objects.filter(pk__in=pks).select_related("district"):
        organization.rebuild_search_document()


@transaction.atomic
def term_save(*, term: Term) -> Term:
    """Save a field of activity, a target group or a district (the admin); the
    search text of the profiles that name it follows a new name."""
    stored = type(term).objects.filter(pk=term.pk).first() if term.pk else None
    term.save()
    if stored is not None and _term_names(stored) != _term_names(term):
        _rebuild_search_documents(_organizations_with(term))
    return term


@transaction.atomic
def term_delete(*, term: Term) -> None:
    """Delete a vocabulary entry: the profiles lose it (and their search text its name)."""
    organizations = _organizations_with(term)
    term.delete()
    _rebuild_search_documents(organizations)
