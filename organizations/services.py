"""Writes to the directory: every entry point (site, admin, commands) calls these.

Each function is atomic, keeps the history (OrganizationChange) and sends its
e-mails after commit.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from cwop_portal.emails import send_email_on_commit, staff_emails
from cwop_portal.images import clean_image_upload
from cwop_portal.text import unique_slug
from organizations.models import (
    ContactMessage,
    Membership,
    Organization,
    OrganizationChange,
)
from organizations.models.organization import IDENTITY_FIELDS

M2M_FIELDS = ["fields_of_activity", "target_groups"]


def _unique_slug(name):
    return unique_slug(
        name,
        is_taken=lambda slug: Organization.objects.filter(slug=slug).exists(),
        fallback="organizacja",
    )


def _history(organization, user, action, changes=None, note=""):
    OrganizationChange.objects.create(
        organization=organization,
        user=user if user and user.is_authenticated else None,
        action=action,
        changes=changes or {},
        note=note,
    )


def _plain(value):
    """A JSON-ready form of a field's value, for the history."""
    if isinstance(value, FieldFile):
        return value.name or ""
    if hasattr(value, "all"):
        return sorted(str(v) for v in value.all())
    if hasattr(value, "pk"):
        return str(value)
    return value


def _save_integrity(organization, **kwargs):
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


def _save_with_logo(organization, logo):
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


def _notify_staff_pending(organization):
    send_email_on_commit("organization_pending", {"organization": organization}, staff_emails())


@transaction.atomic
def organization_create(
    *, user, data, fields_of_activity=(), target_groups=(), logo=None, submit=False
):
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
    *, organization, user, data, fields_of_activity=None, target_groups=None, logo=None
):
    """Edit a profile. On a published profile a new name, legal form or KRS waits
    for the centre's approval (the profile keeps showing the approved ones); other
    changes are published at once."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    before = {f: _plain(getattr(organization, f)) for f in list(data) + M2M_FIELDS}
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
    after = {f: _plain(getattr(organization, f)) for f in before}
    changes = {f: [before[f], after[f]] for f in before if before[f] != after[f]}
    if identity_change:
        changes["pending_identity"] = [None, identity_change]
    _history(organization, user, "updated", changes)
    if identity_change:
        _notify_staff_pending(organization)
    return organization


@transaction.atomic
def organization_submit(*, organization, user):
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
def organization_approve(*, organization, user):
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
def organization_reject(*, organization, user, reason):
    """Reject a pending profile, or a published one's waiting identity change."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.status == Organization.Status.PENDING:
        organization.status = Organization.Status.REJECTED
        organization.rejection_reason = reason
        changes = {"status": [Organization.Status.PENDING, Organization.Status.REJECTED]}
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
def organization_archive(*, organization, user):
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    organization.status = Organization.Status.ARCHIVED
    organization.save(update_fields=["status", "updated_at"])
    _history(organization, user, "archived")
    return organization


def _require_admin(organization, user):
    if not (
        user.is_staff
        or organization.memberships.filter(
            user=user, status=Membership.Status.ACTIVE, role=Membership.Role.ADMIN
        ).exists()
    ):
        raise PermissionDenied


@transaction.atomic
def membership_request(*, organization, user, message=""):
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
def membership_approve(*, membership, by):
    _require_admin(membership.organization, by)
    membership.status = Membership.Status.ACTIVE
    membership.save(update_fields=["status"])
    _history(membership.organization, by, "membership_approved", {"user": membership.user.email})
    send_email_on_commit(
        "membership_approved",
        {"organization": membership.organization},
        [membership.user.email],
    )
    return membership


def _admins_left_without(membership):
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
def membership_set_role(*, membership, role, by):
    _require_admin(membership.organization, by)
    Organization.objects.select_for_update().get(pk=membership.organization_id)
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
def membership_remove(*, membership, by):
    """Remove a member (or refuse a request); a member may also leave."""
    if by != membership.user:
        _require_admin(membership.organization, by)
    Organization.objects.select_for_update().get(pk=membership.organization_id)
    if (
        membership.role == Membership.Role.ADMIN
        and membership.status == Membership.Status.ACTIVE
        and not _admins_left_without(membership)
    ):
        raise ValidationError(_("An organisation must keep at least one administrator."))
    _history(membership.organization, by, "membership_removed", {"user": membership.user.email})
    membership.delete()


@transaction.atomic
def contact_message_send(*, organization, sender_name, sender_email, body):
    """Relay a resident's message to the organisation without revealing its address."""
    if not organization.is_published:
        raise ValidationError(_("This organisation cannot be contacted through the portal."))
    message = ContactMessage.objects.create(
        organization=organization,
        sender_name=sender_name,
        sender_email=sender_email,
        body=body,
    )
    recipients = [organization.public_email] if organization.public_email else []
    send_email_on_commit(
        "contact_message",
        {"organization": organization, "message": message},
        recipients or organization.admin_emails(),
        reply_to=sender_email,
    )
    return message


def contact_messages_purge(*, older_than_days, dry_run=False):
    """Delete relayed messages older than the retention period; returns how many."""
    cutoff = timezone.now() - timezone.timedelta(days=older_than_days)
    old = ContactMessage.objects.filter(created_at__lt=cutoff)
    count = old.count()
    if not dry_run:
        old.delete()
    return count
