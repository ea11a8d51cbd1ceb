"""Uploaded files follow the database transaction that stores them.

A file is written to `MEDIA_ROOT` when its row is saved, i.e. inside the
transaction; part of `MEDIA_ROOT` is served to anybody by the proxy. So:

- a file written in a transaction (or savepoint) that rolls back is deleted
  (`TransactionalFileSystemStorage`, the default storage);
- a file that an update replaces or clears, or whose row is deleted, is deleted only
  once that change has committed (`delete_replaced_files`, `delete_files_of_deleted_row`,
  connected to every model's saves and deletions in `CwopPortalConfig.ready`), so a
  failed change leaves the row and its file as they were. A file that another row of
  the same field still names is kept.

Django has no hook for a rollback, but it keeps the callbacks of
`transaction.on_commit` in a list it throws away on a rollback (of the whole
transaction, or only the callbacks registered inside a savepoint rolled back). The
marker registered for a new file is referenced from that list only; when it is thrown
away without having run, its finalizer deletes the file. On commit the marker runs
first and the file stays.
"""

import logging
import os
import weakref

from django.core.files.storage import FileSystemStorage
from django.db import models, transaction

logger = logging.getLogger(__name__)


class _Outcome:
    committed = False


class _CommitMarker:
    """The on-commit callback of a new file: notes that its transaction committed."""

    __slots__ = ("outcome", "__weakref__")

    def __init__(self, outcome):
        self.outcome = outcome

    def __call__(self):
        self.outcome.committed = True


def _remove_unless_committed(outcome, path):
    if outcome.committed:
        return
    try:
        os.remove(path)
    except FileNotFoundError:
        pass  # e.g. the code that wrote it removed it itself
    except OSError:
        logger.exception("Could not delete %s, written in a transaction rolled back", path)


def delete_on_rollback(path):
    """Delete the file at `path` (just written) if the current transaction, or the
    savepoint it was written in, rolls back. Outside a transaction: nothing to do."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    outcome = _Outcome()
    marker = _CommitMarker(outcome)
    weakref.finalize(marker, _remove_unless_committed, outcome, os.fspath(path))
    connection.on_commit(marker, robust=True)


class TransactionalFileSystemStorage(FileSystemStorage):
    """The file system storage of `MEDIA_ROOT`; a file written inside a transaction
    that rolls back is deleted again."""

    def _save(self, name, content):
        name = super()._save(name, content)
        delete_on_rollback(self.path(name))
        return name


def _file_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _delete_if_unused(model, field, storage, name):
    if model._base_manager.filter(**{field.name: name}).exists():
        return  # another row (or the row again) still uses it
    try:
        storage.delete(name)
    except OSError:
        logger.exception("Could not delete %s, no longer used", name)


def delete_on_commit(model, field, name):
    """Delete the stored file `name` of `model.field` once the current transaction
    commits (at once outside a transaction), unless a row still names it then."""
    if name:
        storage = field.storage
        transaction.on_commit(lambda: _delete_if_unused(model, field, storage, name), robust=True)


def delete_replaced_files(sender, instance, raw=False, update_fields=None, **kwargs):
    """pre_save: the files an update replaces or clears are deleted after commit."""
    fields = _file_fields(sender)
    if update_fields is not None:
        fields = [f for f in fields if f.name in update_fields]
    if raw or not fields or instance._state.adding or instance.pk is None:
        return
    stored = (
        sender._base_manager.filter(pk=instance.pk).values(*(f.attname for f in fields)).first()
    )
    if stored is None:
        return
    for field in fields:
        new = getattr(instance, field.attname)
        if stored[field.attname] and stored[field.attname] != (new.name if new else ""):
            delete_on_commit(sender, field, stored[field.attname])


def delete_files_of_deleted_row(sender, instance, **kwargs):
    """post_delete: a deleted row's files are deleted after commit."""
    for field in _file_fields(sender):
        value = getattr(instance, field.attname)
        if value:
            delete_on_commit(sender, field, value.name)


def connect_signals():
    """Connect the cleanup to the models that have files (only those: a deletion
    signal on a model turns off Django's fast bulk deletes for it)."""
    from django.apps import apps
    from django.db.models.signals import post_delete, pre_save

    for model in apps.get_models():
        if _file_fields(model):
            pre_save.connect(
                delete_replaced_files,
                sender=model,
                dispatch_uid=f"cwop_replaced_{model._meta.label}",
            )
            post_delete.connect(
                delete_files_of_deleted_row,
                sender=model,
                dispatch_uid=f"cwop_deleted_{model._meta.label}",
            )
