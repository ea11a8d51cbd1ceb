"""Writes to an advisor's availability: the weekly rules and the exceptions.

The advisor's own pages (/konto/doradztwo/) and the admin's inlines both call
`availability_save`. In one transaction it locks the advisor's row, writes the
rows and then checks each of them against the advisor's rows as they now are (the
models' clean(): end after start, a room for consultations in person, no
overlapping weekly hours, no contradicting exceptions); a row that breaks a rule
undoes the whole save. Two saves at once therefore come one after the other and
the second sees the first's rows: together they cannot create overlapping hours.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from consultations.models import Advisor, AvailabilityException, AvailabilityRule
from cwop_portal.history import change_record, rows_saved

if TYPE_CHECKING:
    from cwop_portal.models import User

ROW_MODELS = (AvailabilityRule, AvailabilityException)
AvailabilityRow = AvailabilityRule | AvailabilityException


def can_manage_availability(advisor: Advisor, user: User | AnonymousUser | None) -> bool:
    """Staff, or the advisor themself (through their account)."""
    return user is not None and (
        user.is_staff or (advisor.user_id is not None and advisor.user_id == user.pk)
    )


@transaction.atomic
def availability_save(
    *,
    advisor: Advisor,
    user: User | AnonymousUser | None,
    save: Iterable[AvailabilityRow] = (),
    delete: Iterable[AvailabilityRow] = (),
) -> Advisor:
    """Save the rules and exceptions in `save` (new or changed rows of `advisor`)
    and delete those in `delete`, all or nothing. Raises ValidationError (on the
    row's fields) when a row breaks a rule."""
    advisor = Advisor.objects.select_for_update(of=("self",)).get(pk=advisor.pk)
    if not can_manage_availability(advisor, user):
        raise PermissionDenied
    save, delete = list(save), [row for row in delete if row.pk is not None]
    for row in [*save, *delete]:
        if not isinstance(row, ROW_MODELS):
            raise TypeError(f"Not an availability row: {row!r}")
        if row.pk is None:
            continue
        owner = type(row).objects.filter(pk=row.pk).values_list("advisor_id", flat=True).first()
        if owner is None and row in save:
            raise ValidationError(
                _("Some of these hours were deleted in the meantime. Open the page again.")
            )
        if owner is not None and owner != advisor.pk:
            raise PermissionDenied  # another advisor's row, whatever the instance says
    new = [row for row in save if row.pk is None]
    try:
        for row in save:
            row.advisor = advisor
            # The rules of the row alone first (the database would refuse them anyway).
            row.clean_fields()
            row.validate_constraints()
        for row in delete:
            row.delete()
        for row in save:
            row.save()
        for row in save:
            row.full_clean()  # against the advisor's rows as they are now, this save's too
    except Exception:
        for row in new:  # rolled back: the form shows them as new again
            row.pk = None
            row._state.adding = True
        raise
    changes = _rows_changed(
        added=new, changed=[row for row in save if row not in new], deleted=delete
    )
    if changes:
        change_record(advisor, user=user, action="changed", changes=changes)
    return advisor


def _rows_changed(
    *, added: list[AvailabilityRow], changed: list[AvailabilityRow], deleted: list[AvailabilityRow]
) -> dict[str, dict[str, list[str]]]:
    """The rows saved, in the advisor's history's form (`cwop_portal.history`):
    {relation ("rules", "exceptions"): rows_saved(...)}."""
    changes = {}
    for model in ROW_MODELS:
        done = rows_saved(
            added=[row for row in added if isinstance(row, model)],
            changed=[row for row in changed if isinstance(row, model)],
            deleted=[row for row in deleted if isinstance(row, model)],
        )
        if done:
            changes[str(model._meta.get_field("advisor").remote_field.get_accessor_name())] = done
    return changes
