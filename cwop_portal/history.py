"""The change history: who changed what in a row a person edits, when, old → new.

Every model people change has a history model, a concrete subclass of
`ChangeRecord` with a foreign key to it whose related name is "changes"
(`booking.changes`). The services write it with `change_record`, the admin's own
saves through `admin_helpers.HistoryAdminMixin`; the admin shows it in words with
`admin_helpers.HistoryInline`.

What is kept: `changes` = {field name: [old, new]}, the values in a JSON form that
does not depend on the language (a choice's code, a date in ISO form, the name of a
related row as it was then); they are put in words when shown (`describe_changes`:
the choice's label, the date in the reader's language, yes/no), so a record reads
the same in every language and the old records read as well as the new ones. A
field the subject model names in `history_private_fields` (an e-mail address, a
phone, a name, private notes) is recorded as changed without its values
(`[]`), so the history keeps no personal data beyond the row itself.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, cast

from django.conf import settings
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cwop_portal.dates import format_date, format_datetime

if TYPE_CHECKING:
    from django.contrib.contenttypes.fields import GenericForeignKey
    from django.forms import BaseModelForm

# A private field's entry: it changed, its values are not kept.
CHANGED_PRIVATELY: list = []

# The actions' words every history shares; a record model adds or rewords its own
# in `action_labels` (a booking's "created" is "booked").
ACTION_LABELS = {
    "created": pgettext_lazy("history", "created"),
    "changed": pgettext_lazy("history", "changed"),
    "updated": pgettext_lazy("history", "changed"),
    "created_by_staff": pgettext_lazy("history", "added by the centre's staff"),
    "edited_by_staff": pgettext_lazy("history", "changed by the centre's staff"),
    "submitted": pgettext_lazy("history", "sent for approval"),
    "approved": pgettext_lazy("history", "approved"),
    "rejected": pgettext_lazy("history", "rejected"),
    "cancelled": pgettext_lazy("history", "cancelled"),
    "archived": pgettext_lazy("history", "archived"),
}


class ChangeRecord(models.Model):
    """One change of a subject row. A concrete subclass adds the foreign key to its
    subject (related name "changes") and names it in `subject_field`."""

    subject_field = ""
    action_labels: Mapping[str, Any] = {}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=50)
    # Values are made JSON-ready by `json_value`; the encoder is the safety net for
    # a date or a decimal that reaches the history as it is.
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{capfirst(self.action_label)} ({format_datetime(self.created_at)})"

    @property
    def subject_model(self) -> type[models.Model]:
        # A relation's model is a class once the apps are loaded ("self" only before).
        return cast(type[models.Model], self._meta.get_field(self.subject_field).related_model)

    @property
    def action_label(self) -> str:
        labels = {**ACTION_LABELS, **self.action_labels}
        return str(labels.get(self.action, self.action))

    def note_in_words(self) -> str:
        """The note as shown; a subclass whose services wrote codes in it says them
        in words."""
        return self.note

    def changes_in_words(self) -> str:
        return "; ".join(describe_changes(self.subject_model, self.changes))

    def describe(self) -> str:
        """The whole record in a sentence: "Anna Nowak, 7 grudnia 2026 10:15:
        odwołano — Powód: …; Godzina rozpoczęcia: 10:00 → 11:00"."""
        who = str(self.user) if self.user_id else gettext("the system")
        details = "; ".join(
            part for part in (self.note_in_words(), self.changes_in_words()) if part
        )
        text = f"{who}, {format_datetime(self.created_at)}: {self.action_label}"
        return f"{text} — {details}" if details else text


class WithHistory(Protocol):
    """A row whose model has a history: its records are its "changes"."""

    @property
    def changes(self) -> models.Manager[ChangeRecord]: ...


def change_record(
    obj: WithHistory,
    *,
    user: Any,
    action: str,
    changes: Mapping[str, Any] | None = None,
    note: str = "",
    at: datetime.datetime | None = None,
) -> ChangeRecord:
    """Write one change of `obj` to its history: the one way history is written.
    `user`: who did it (None or an anonymous user: the system or the person by an
    e-mailed link); `changes`: {field: [old, new]} from `changes_between` or
    `form_changes` (or {field: value} for a state the row was created in); `at`:
    when, if not now (a service given its `now`)."""
    return obj.changes.create(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        changes=dict(changes or {}),
        note=note,
        created_at=at or timezone.now(),
    )


def exported(record: ChangeRecord, user: Any) -> dict[str, Any]:
    """A record in the person's "download my data": what was done, whether they
    did it, when, and the values kept (never the private fields' ones)."""
    return {
        "action": record.action,
        "by_you": record.user_id == user.pk,
        "changes": record.changes,
        "note": record.note,
        "at": record.created_at.isoformat(),
    }


def history_model(model: type[models.Model]) -> type[ChangeRecord]:
    """The record model of `model`'s history (the one behind its "changes")."""
    return cast(type[ChangeRecord], model._meta.get_field("changes").related_model)


# --- Values for the history ------------------------------------------------------------


def json_value(value: Any) -> Any:
    """A field's value in the history's JSON form, the same in every language."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, FieldFile | File):
        return value.name or ""
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "all"):  # a many-to-many manager or a queryset
        return sorted(str(item) for item in value.all())
    if isinstance(value, list | tuple | set):
        return sorted(str(json_value(item)) for item in value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): json_value(item) for key, item in value.items()}
    return str(value)


def private_fields(model: type[models.Model]) -> tuple[str, ...]:
    """The fields of `model` whose values the history never keeps."""
    return tuple(getattr(model, "history_private_fields", ()))


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The JSON form of `fields` of `obj` now: take it before a change, compare it
    with `changes_between` after."""
    return {name: json_value(getattr(obj, name)) for name in fields}


def changes_between(
    before: Mapping[str, Any] | models.Model,
    after: Mapping[str, Any] | models.Model,
    fields: Iterable[str],
    *,
    model: type[models.Model] | None = None,
) -> dict[str, list]:
    """{field: [old, new]} of the `fields` that differ between `before` and
    `after` (instances, or snapshots with `model` given); a private field's entry
    is `[]`."""
    fields = list(fields)
    if model is None:
        instance = after if isinstance(after, models.Model) else before
        if not isinstance(instance, models.Model):
            raise TypeError("Give the `model` of two snapshots: its private fields count.")
        model = type(instance)
    old = before if isinstance(before, Mapping) else snapshot(before, fields)
    new = after if isinstance(after, Mapping) else snapshot(after, fields)
    return _entries(model, {name: [old[name], new[name]] for name in fields})


def form_changes(form: BaseModelForm[Any]) -> dict[str, list]:
    """{field: [old, new]} of what a model form changed (`changed_data`): the
    initial value against the cleaned one, in the history's JSON form. A text the
    form only trimmed (a final line break the stored text had) is no change a
    person made."""
    model = form._meta.model
    pairs = {
        name: [
            _initial_value(model, name, form.initial.get(name)),
            _cleaned_value(model, name, form.cleaned_data[name]),
        ]
        for name in form.changed_data
        if name in form.cleaned_data
    }
    return _entries(model, {name: pair for name, pair in pairs.items() if not _only_trimmed(*pair)})


def _only_trimmed(old: Any, new: Any) -> bool:
    return isinstance(old, str) and isinstance(new, str) and old.strip() == new.strip()


def _initial_value(model: type[models.Model], name: str, value: Any) -> Any:
    """A form's initial value of a foreign key is the related row's key: its name
    then was that row's."""
    field = _field(model, name)
    if value is not None and isinstance(field, models.ForeignKey):
        related = cast(type[models.Model], field.related_model)  # a class, never "self" now
        return related._default_manager.filter(pk=value).first()
    return value


def _cleaned_value(model: type[models.Model], name: str, value: Any) -> Any:
    """A file field's "clear" box gives False: the file is then none."""
    return "" if value is False and isinstance(_field(model, name), models.FileField) else value


def _entries(model: type[models.Model], pairs: Mapping[str, list]) -> dict[str, list]:
    private = private_fields(model)
    entries = {}
    for name, (old, new) in pairs.items():
        old, new = json_value(old), json_value(new)
        if old != new and not (_empty(old) and _empty(new)):
            entries[name] = list(CHANGED_PRIVATELY) if name in private else [old, new]
    return entries


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


# --- Words ------------------------------------------------------------------------------


def _field(
    model: type[models.Model], name: str
) -> models.Field[Any, Any] | models.ForeignObjectRel | GenericForeignKey | None:
    try:
        return model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a key that is no field (e.g. "reason") or no longer one
        return None


def field_label(model: type[models.Model], name: str) -> str:
    """The field's name in words (its verbose name; the related rows' plural name
    for a reverse relation), or the key as written."""
    field = _field(model, name)
    if isinstance(field, models.ForeignObjectRel):
        related = cast(type[models.Model], field.related_model)  # a class once apps are loaded
        return capfirst(str(related._meta.verbose_name_plural))
    label = getattr(field, "verbose_name", None) or name.replace("_", " ")
    return capfirst(str(label))


def value_in_words(model: type[models.Model], name: str, value: Any) -> str:
    """A kept value as the reader reads it: a choice's label, a date in their
    language, yes or no, the related rows' names."""
    if _empty(value):
        return "—"
    field = _field(model, name)
    if isinstance(value, Mapping):
        return "; ".join(
            f"{field_label(model, key)}: {value_in_words(model, key, item)}"
            for key, item in value.items()
        )
    if isinstance(value, list):
        return ", ".join(value_in_words(model, name, item) for item in value)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    choices = {str(code): label for code, label in getattr(field, "flatchoices", None) or ()}
    if str(value) in choices:
        return str(choices[str(value)])
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        return format_datetime(moment) if moment and timezone.is_aware(moment) else value
    if isinstance(field, models.DateField) and isinstance(value, str):
        day = parse_date(value)
        return format_date(day) if day else value
    return str(value)


# The rows of an inline (a training's sessions, a room's photos) added, changed or
# deleted with their parent: {relation: {"added": [names], "changed": [...], ...}}.
ROWS_CHANGED = {
    "added": pgettext_lazy("history", "added"),
    "changed": pgettext_lazy("history", "changed"),
    "deleted": pgettext_lazy("history", "deleted"),
}


def rows_saved(
    *, added: Iterable[Any] = (), changed: Iterable[Any] = (), deleted: Iterable[Any] = ()
) -> dict[str, list[str]]:
    """{"added": [names], "changed": [...], "deleted": [...]} of rows saved with their
    parent, named as they were then; a kind with no rows is left out."""
    done = {"added": added, "changed": changed, "deleted": deleted}
    return {what: names for what, rows in done.items() if (names := [str(row) for row in rows])}


def rows_changed(formsets: Iterable[Any]) -> dict[str, dict[str, list[str]]]:
    """What the saved inline formsets of an admin page did, by relation."""
    changes: dict[str, dict[str, list[str]]] = {}
    for formset in formsets:
        # A formset a service saved itself (not through `formset.save()`) has none.
        done = rows_saved(
            added=getattr(formset, "new_objects", ()),
            changed=[row for row, _fields in getattr(formset, "changed_objects", ())],
            deleted=getattr(formset, "deleted_objects", ()),
        )
        if done:
            relation = formset.fk.remote_field.get_accessor_name() if formset.fk else ""
            changes.setdefault(relation or formset.prefix, {}).update(done)
    return changes


def rows_changed_in_words(values: Mapping[str, list[str]]) -> str:
    """ "dodano „Sesja 1”, „Sesja 2”; usunięto „Sesja 3”" """
    return "; ".join(
        f"{ROWS_CHANGED[what]} " + ", ".join(f"„{name}”" for name in names)
        for what, names in values.items()
        if what in ROWS_CHANGED
    )


def describe_changes(model: type[models.Model], changes: Mapping[str, Any]) -> list[str]:
    """Each kept change in words: "Status: oczekuje → potwierdzona"; a private
    field: "E-mail: zmieniono"; a state recorded alone: "Status: potwierdzona"."""
    lines = []
    for name, values in (changes or {}).items():
        label = field_label(model, name)
        if values == CHANGED_PRIVATELY:
            kept_private = gettext("changed (the values are not kept)")
            lines.append(f"{label}: {kept_private}")
        elif isinstance(values, list) and len(values) == 2:
            old, new = (value_in_words(model, name, value) for value in values)
            lines.append(f"{label}: {old} → {new}")
        elif isinstance(values, Mapping) and values and set(values) <= set(ROWS_CHANGED):
            lines.append(f"{label}: {rows_changed_in_words(values)}")
        else:
            lines.append(f"{label}: {value_in_words(model, name, values)}")
    return lines
