"""Correspondence of organisations that use the centre's address: every entry point
(the admin, commands) calls these.

Staff log what arrives (`mail_item_log`, which e-mails the organisation's active
members after commit) and hand it over (`mail_item_collect`). Collected items are
kept for `MAIL_ITEM_RETENTION_DAYS` after collection, then `mail_items_purge`
deletes them (the `purge_mail_items` command, daily from cron). Items not yet
collected are kept: the letter is still at the centre.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cwop_portal.dates import format_datetime
from cwop_portal.emails import send_email_on_commit
from organizations.models import Membership, Organization
from rooms.models import MailItem

if TYPE_CHECKING:
    from cwop_portal.models import User

DEFAULT_RETENTION_DAYS = 365


def retention_days() -> int:
    """How long collected items are kept, in days (setting MAIL_ITEM_RETENTION_DAYS)."""
    return getattr(settings, "MAIL_ITEM_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)


def member_emails(organization: Organization) -> list[str]:
    """E-mail addresses of the organisation's active members, whatever their role."""
    return list(
        Membership.objects.filter(
            organization=organization,
            status=Membership.Status.ACTIVE,
            user__is_active=True,
        ).values_list("user__email", flat=True)
    )


def validate_received_on(value: datetime.date | None) -> None:
    """Mail cannot arrive in the future (a mistyped year, most often)."""
    if value and value > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future")


def _user_or_none(user: User | AnonymousUser | None) -> User | None:
    return user if user is not None and user.is_authenticated else None


@transaction.atomic
def mail_item_log(
    *,
    organization: Organization,
    sender: str,
    kind: str,
    received_on: datetime.date | None = None,
    note: str = "",
    user: User | AnonymousUser | None,
) -> MailItem:
    """Log a letter or parcel that arrived for `organization`; its active members
    get an e-mail (in Polish) once the transaction commits."""
    item = MailItem(
        organization=organization,
        sender=(sender or "").strip(),
        kind=kind,
        received_on=received_on or timezone.localdate(),
        note=(note or "").strip(),
        logged_by=_user_or_none(user),
    )
    item.full_clean()
    try:
        validate_received_on(item.received_on)
    except ValidationError as exc:
        raise ValidationError({"received_on": exc.messages}) from exc
    item.save()
    send_email_on_commit(
        "mail_item_logged",
        {"organization": organization, "item": item},
        member_emails(organization),
    )
    return item


@transaction.atomic
def mail_item_collect(
    *, item: MailItem, collected_by: str, user: User | AnonymousUser | None
) -> MailItem:
    """Record that `collected_by` (a person's name) took the item from `user`
    (the member of staff handing it over). An item is collected only once."""
    name = " ".join((collected_by or "").split())
    if not name:
        raise ValidationError(
            {"collected_by": _("Give the name of the person who collected the mail.")}
        )
    max_length = MailItem._meta.get_field("collected_by").max_length
    if max_length is not None and len(name) > max_length:
        raise ValidationError(
            {
                "collected_by": _("The name can have at most %(limit)d characters.")
                % {"limit": max_length}
            }
        )
    item = MailItem.objects.select_for_update().get(pk=item.pk)
    if item.collected_at is not None:
        raise ValidationError(
            _("This item was already collected on %(when)s by %(name)s.")
            % {
                "when": format_datetime(item.collected_at),
                "name": item.collected_by,
            },
            code="already_collected",
        )
    item.collected_at = timezone.now()
    item.collected_by = name
    item.handed_over_by = _user_or_none(user)
    item.save(update_fields=["collected_at", "collected_by", "handed_over_by"])
    return item


def mail_items_purge(*, older_than_days: int, dry_run: bool = False) -> int:
    """Delete items collected more than `older_than_days` ago; returns how many.
    Items not yet collected are never deleted here."""
    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    old = MailItem.objects.filter(collected_at__lt=cutoff)
    count = old.count()
    if not dry_run:
        old.delete()
    return count
