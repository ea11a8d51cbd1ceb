"""Writes to accounts: the one way to delete an account, used by the site's "delete my
account" page, the admin's delete view and its "delete selected" action alike."""

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cwop_portal import personal_data
from cwop_portal.models import User


class AccountDeletionBlocked(ValidationError):
    """The account cannot be deleted yet; `blockers` say why (and where to put it
    right), `messages` in words."""

    def __init__(self, blockers: Iterable[personal_data.DeletionBlocker]) -> None:
        self.blockers = list(blockers)
        super().__init__([blocker.message for blocker in self.blockers], code="blocked")


def user_deletion_blockers(
    *, user: User, lock: bool = False
) -> list[personal_data.DeletionBlocker]:
    """Why `user` cannot be deleted yet (`DeletionBlocker`s; empty: it can be).
    `lock`: inside the deletion's transaction, lock what the answer rests on."""
    return personal_data.deletion_blockers(user, lock=lock)


def _lock_users(pks: Iterable[int]) -> list[User]:
    return list(get_user_model().objects.select_for_update().filter(pk__in=pks).order_by("pk"))


def _delete(user: User, now: datetime.datetime) -> None:
    personal_data.erase(user, now=now)
    user.delete()


def user_delete(*, user: User, now: datetime.datetime | None = None) -> None:
    """Delete an account and everything that identifies the person, in one
    transaction: refused (AccountDeletionBlocked, nothing changed) while a blocker
    registered by an app holds, e.g. library books on loan or the only administrator
    of an organisation in the directory.

    The apps' erasers delete what has no reason to stay and anonymise what the
    centre keeps for its records (see the privacy page); the foreign keys to the
    user that are left are SET_NULL (history, bookings, loans) or CASCADE.
    An account deleted meanwhile (a second click) is not an error.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_users([user.pk])
        if not locked:
            return
        (user,) = locked
        blockers = user_deletion_blockers(user=user, lock=True)
        if blockers:
            raise AccountDeletionBlocked(blockers)
        _delete(user, now)


def users_delete(*, users: Iterable[User], now: datetime.datetime | None = None) -> int:
    """Delete several accounts (the admin's bulk delete): all of them, or none when
    any of them is blocked (the error then names each blocked account and why).
    Returns how many were deleted."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_users([user.pk for user in users])
        blocked = []
        for user in locked:
            for blocker in user_deletion_blockers(user=user, lock=True):
                blocked.append(
                    personal_data.DeletionBlocker(
                        message=_("The account %(account)s cannot be deleted: %(reason)s")
                        % {"account": user.email, "reason": blocker.message}
                    )
                )
        if blocked:
            raise AccountDeletionBlocked(blocked)
        for user in locked:
            _delete(user, now)
    return len(locked)
