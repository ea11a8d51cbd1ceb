"""Applying a previewed import: the stored file is read and planned again
inside one transaction, and written only when the plan is still the one staff
previewed; or the preview is discarded."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from library.importing.common import ImportFileError
from library.importing.planning import make_plan
from library.importing.reading import read_table
from library.importing.writing import execute
from library.models import CatalogueImport

logger = logging.getLogger(__name__)


class ImportRefused(Exception):
    """A previewed import cannot be applied or discarded (the message says why)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _read_stored(catalogue_import):
    """The `Table` of the file kept with the preview."""
    try:
        with catalogue_import.file.open("rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise ImportRefused(
            _("The uploaded file is no longer available. Upload it again.")
        ) from exc
    return read_table(data, catalogue_import.original_name or catalogue_import.file.name)


def apply_import(catalogue_import, *, by, now=None):
    """Carry out a previewed import in one transaction.

    Returns ("applied", plan) or ("stale", plan) when the catalogue (or anything
    the file touches) changed since the preview: then nothing is written but the
    new preview, to be checked before importing. Raises ImportRefused when the
    import cannot be applied (already applied or discarded, errors in the file).
    """
    now = now or timezone.now()
    with transaction.atomic():
        record = CatalogueImport.objects.select_for_update().get(pk=catalogue_import.pk)
        if record.status == CatalogueImport.Status.APPLIED:
            raise ImportRefused(_("This file has already been imported."))
        if record.status == CatalogueImport.Status.DISCARDED:
            raise ImportRefused(_("This preview was discarded. Upload the file again."))
        if record.summary.get("errors", {}).get("count"):
            raise ImportRefused(
                _("The file has errors: correct them in the spreadsheet and upload it again.")
            )
        try:
            table = _read_stored(record)
        except ImportFileError as exc:
            raise ImportRefused(exc.message) from exc
        plan = make_plan(table, lock=True)
        if plan.digest() != record.summary.get("digest"):
            record.summary = plan.summary()
            record.save(update_fields=["summary"])
            return "stale", plan
        if plan.has_errors:  # pragma: no cover - the digest covers the errors
            raise ImportRefused(_("The file has errors: correct them and upload it again."))
        execute(plan, now=now, by=by)
        logger.info("Catalogue import %s applied by user %s", record.pk, getattr(by, "pk", None))
        record.status = CatalogueImport.Status.APPLIED
        record.applied_at = now
        record.save(update_fields=["status", "applied_at"])
    catalogue_import.refresh_from_db()
    return "applied", plan


def discard_import(catalogue_import):
    """Mark a preview as not to be carried out, and delete its file."""
    with transaction.atomic():
        record = CatalogueImport.objects.select_for_update().get(pk=catalogue_import.pk)
        if record.status != CatalogueImport.Status.PREVIEWED:
            raise ImportRefused(_("Only an import that has not been carried out can be discarded."))
        record.status = CatalogueImport.Status.DISCARDED
        record.save(update_fields=["status"])
        # The file is not needed any more (it may hold staff notes).
        transaction.on_commit(lambda: _delete_file(record))
    catalogue_import.refresh_from_db()


def _delete_file(record):
    """Delete the stored file after the commit that discarded it."""
    if record.file:
        record.file.delete(save=False)
        CatalogueImport.objects.filter(pk=record.pk).update(file="")
