"""What the portal keeps about a person: "download my data" and deleting an account.

Each app registers, in its own `personal_data.py` (the base never imports the apps):
- an exporter (`register`): its part of a person's data as JSON-ready values;
- deletion blockers (`register_deletion_blocker`): why the account cannot be
  deleted yet (books on loan, the only administrator of an organisation…);
- an eraser (`register_eraser`): run in the deletion's transaction just before the
  user row goes, it deletes what has no reason to stay and anonymises what the
  centre keeps for its records and statistics (the foreign keys to the user that
  are left are SET_NULL or CASCADE).

`cwop_portal.services.user_delete` is the one way to delete an account.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from django.utils.translation import gettext

from cwop_portal.history import exported
from cwop_portal.models import (
    AccessibilityStatementChange,
    CustomPageChange,
    DocumentChange,
    PageChange,
    SiteSettingsChange,
)

_exporters = []
_deletion_blockers = []
_erasers = []


@dataclass(frozen=True)
class DeletionBlocker:
    """Why an account cannot be deleted yet (`message`, translated), and where on the
    site the person can put it right (`url`, `link_text`; optional)."""

    message: str
    url: str = ""
    link_text: str = ""

    def __str__(self):
        return str(self.message)


def register(name):
    def decorator(func):
        _exporters.append((name, func))
        return func

    return decorator


def register_deletion_blocker(func):
    """`func(user, *, lock)` returns the reasons (`DeletionBlocker`s or translated
    text) why the account cannot be deleted yet, e.g. library books still on loan.
    With `lock` it runs inside the deletion's transaction and locks the rows it
    decides on, as the other writes to them do (without it: the page showing why)."""
    _deletion_blockers.append(func)
    return func


def register_eraser(func):
    """`func(user, *, emails, now)`, called inside the deletion's transaction before
    the user row is deleted; `emails` are the person's addresses (lower case)."""
    _erasers.append(func)
    return func


def person_emails(user):
    """The person's e-mail addresses, lower case: the account's own and every other
    address they have confirmed (records made without an account, e.g. a
    consultation booked as a resident, are found by them). Unconfirmed addresses do
    not count: anybody can type anybody's address."""
    emails = {user.email.lower()} if user.email else set()
    emails.update(
        email.lower()
        for email in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    )
    return sorted(emails)


def deletion_blockers(user, *, lock=False):
    reasons = []
    for func in _deletion_blockers:
        for reason in func(user, lock=lock):
            if not isinstance(reason, DeletionBlocker):
                reason = DeletionBlocker(message=str(reason))
            reasons.append(reason)
    return reasons


def erase(user, *, now):
    emails = person_emails(user)
    for func in _erasers:
        func(user, emails=emails, now=now)


def export_user_data(user):
    return {name: func(user) for name, func in _exporters}


# --- The account itself -----------------------------------------------------------------


@register("account")
def export_account(user):
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "groups": sorted(user.groups.values_list("name", flat=True)),
        # What a member of staff did in the admin panel: when, to what kind of
        # record and which one (not the record's name, which may be somebody else's).
        "admin_actions": [
            {
                "at": entry.action_time.isoformat(),
                "action": {1: "added", 2: "changed", 3: "deleted"}.get(entry.action_flag),
                "record_type": entry.content_type.model if entry.content_type_id else None,
                "record_id": entry.object_id,
            }
            for entry in LogEntry.objects.filter(user=user)
            .select_related("content_type")
            .order_by("action_time", "pk")
        ],
        "site_settings_history_entries": [
            exported(change, user)
            for change in SiteSettingsChange.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "page_history_entries": [
            {"page": change.page_id, **exported(change, user)}
            for change in PageChange.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "custom_page_history_entries": [
            {"page": change.page_id, **exported(change, user)}
            for change in CustomPageChange.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "document_history_entries": [
            {"document": change.document_id, **exported(change, user)}
            for change in DocumentChange.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "accessibility_statement_history_entries": [
            exported(change, user)
            for change in AccessibilityStatementChange.objects.filter(user=user).order_by(
                "created_at", "pk"
            )
        ],
    }


@register_eraser
def erase_account(user, *, emails, now):
    """The admin log names the account in the entries about it (its address is the
    record's name): those lose the name. The account's e-mail addresses, group
    memberships and the log of its own admin actions go with it (CASCADE)."""
    with translation.override(settings.LANGUAGE_CODE):
        deleted = gettext("deleted account")
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk)
    ).update(object_repr=deleted)
