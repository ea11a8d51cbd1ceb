"""The admin pages of the catalogue import and export.

BookAdmin.get_urls adds `admin_urls(admin_site)`:

- `admin:library_book_import`: upload a spreadsheet; a file that cannot be
  imported at all is refused on the form (HTTP 200, nothing kept); otherwise the
  upload is kept as a `CatalogueImport` and its preview shown;
- `admin:library_book_import_preview` (pk): the preview (what would be added,
  updated, left unchanged or skipped, and each row's errors), with "Import" when
  the file has no errors and "Discard";
- `admin:library_book_export` (fmt = xlsx or csv): the whole catalogue, with
  withdrawn copies and the staff's notes.

Importing needs the permissions to add and to change books; exporting, to view
them (403 otherwise).
"""

import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from library import exporting, importing
from library.models import Book, CatalogueImport

IMPORT_PERMISSIONS = ("library.add_book", "library.change_book")
EXPORT_PERMISSIONS = ("library.view_book", "library.change_book")  # either one
RECENT_IMPORTS = 10

logger = logging.getLogger(__name__)


def admin_urls(admin_site):
    return [
        path(
            "import/",
            admin_site.admin_view(upload_view(admin_site)),
            name="library_book_import",
        ),
        path(
            "import/<int:pk>/",
            admin_site.admin_view(preview_view(admin_site)),
            name="library_book_import_preview",
        ),
        path(
            "export/<str:fmt>/",
            admin_site.admin_view(export_view),
            name="library_book_export",
        ),
    ]


def _may_import(user):
    return user.has_perms(IMPORT_PERMISSIONS)


def _page_context(admin_site, request, title):
    return {
        **admin_site.each_context(request),
        "title": title,
        "opts": Book._meta,
        "changelist_url": reverse("admin:library_book_changelist"),
        "upload_url": reverse("admin:library_book_import"),
    }


# --- Upload ---------------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "XLSX, XLS or CSV (UTF-8 or Windows-1250, separated by semicolons or commas), "
            "up to %(size)s. The first sheet is read; its first non-empty row names the "
            "columns."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,.xls,.csv,text/csv,application/vnd.ms-excel,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),  # fmt: skip
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        field.help_text = field.help_text % {
            "size": filesizeformat(settings.SPREADSHEET_MAX_UPLOAD_SIZE)
        }
        self.plan = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        importing.validate_upload(upload)
        upload.seek(0)
        data = upload.read()
        upload.seek(0)
        try:
            self.plan = importing.preview(data, upload.name)
        except importing.ImportFileError as exc:
            raise ValidationError(exc.message, code="unreadable") from exc
        return upload


def upload_view(admin_site):
    @require_http_methods(["GET", "HEAD", "POST"])
    def view(request):
        if not _may_import(request.user):
            raise PermissionDenied
        posted = request.method == "POST"
        form = ImportForm(request.POST, request.FILES) if posted else ImportForm()
        if posted and form.is_valid():
            upload = form.cleaned_data["file"]
            record = CatalogueImport(
                original_name=upload.name[:255],
                uploaded_by=request.user,
                summary=form.plan.summary(),
            )
            with transaction.atomic():  # a failed save leaves no file behind
                record.file.save(upload.name, upload, save=False)
                record.save()
            return HttpResponseRedirect(
                reverse("admin:library_book_import_preview", args=[record.pk])
            )
        context = {
            **_page_context(admin_site, request, gettext("Import a spreadsheet")),
            "form": form,
            "columns": importing.recognised_columns(),
            "recent": CatalogueImport.objects.select_related("uploaded_by")[:RECENT_IMPORTS],
            "max_rows": importing.MAX_ROWS,
        }
        return TemplateResponse(request, "admin/library/import_upload.html", context)

    return view


# --- Preview, import, discard ------------------------------------------------------------


FIELD_LABELS = {
    **{key: column.label for key, column in importing.COLUMNS_BY_KEY.items()},
    "book": _("book"),
}


def _labelled(items):
    """Summary entries with each change's field named in the active language."""
    for item in items:
        changes = [
            {**change, "label": FIELD_LABELS.get(change["field"], change["field"])}
            for change in item.get("changes", [])
        ]
        yield {**item, "changes": changes}


def preview_view(admin_site):
    @require_http_methods(["GET", "HEAD", "POST"])
    def view(request, pk):
        if not _may_import(request.user):
            raise PermissionDenied
        record = get_object_or_404(CatalogueImport.objects.select_related("uploaded_by"), pk=pk)
        if request.method == "POST":
            return _preview_post(request, record)
        summary = record.summary or {}
        books = summary.get("books", {})
        copies = summary.get("copies", {})
        empty = {"count": 0, "items": []}
        errors = summary.get("errors", empty)
        is_previewed = record.status == CatalogueImport.Status.PREVIEWED
        context = {
            **_page_context(
                admin_site,
                request,
                gettext("Import of %(name)s") % {"name": record.original_name},
            ),
            "record": record,
            "summary": summary,
            "errors": errors,
            "books_created": books.get("created", empty),
            "books_updated": {
                **books.get("updated", empty),
                "items": list(_labelled(books.get("updated", empty)["items"])),
            },
            "books_unchanged": books.get("unchanged", empty),
            "copies_created": copies.get("created", empty),
            "copies_updated": {
                **copies.get("updated", empty),
                "items": list(_labelled(copies.get("updated", empty)["items"])),
            },
            "copies_unchanged": copies.get("unchanged", empty),
            "skipped": summary.get("skipped", empty),
            "warnings": summary.get("warnings", []),
            "can_apply": is_previewed and not errors["count"],
            "can_discard": is_previewed,
            "is_previewed": is_previewed,
            "max_listed": importing.MAX_LISTED,
        }
        return TemplateResponse(request, "admin/library/import_preview.html", context)

    return view


def _preview_post(request, record):
    here = reverse("admin:library_book_import_preview", args=[record.pk])
    action = request.POST.get("action")
    if action == "discard":
        try:
            importing.discard_import(record)
        except importing.ImportRefused as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(here)
        messages.success(request, gettext("The import was discarded; nothing was changed."))
        return HttpResponseRedirect(reverse("admin:library_book_import"))
    if action != "apply":
        messages.error(request, gettext("Choose whether to import the file or discard it."))
        return HttpResponseRedirect(here)
    try:
        outcome, plan = importing.apply_import(record, by=request.user)
    except importing.ImportRefused as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(here)
    except (DatabaseError, ValidationError) as exc:
        logger.warning("Catalogue import %s failed: %s", record.pk, exc)
        messages.error(
            request,
            gettext(
                "The import failed and nothing was changed: the catalogue may have been "
                "edited at the same time. Try again in a moment."
            ),
        )
        return HttpResponseRedirect(here)
    if outcome == "stale":
        messages.warning(
            request,
            gettext(
                "The catalogue has changed since the preview, so nothing was imported. "
                "This is the preview as it is now: check it and import again."
            ),
        )
        return HttpResponseRedirect(here)
    summary = record.summary
    counts = {
        "created": summary["books"]["created"]["count"],
        "updated": summary["books"]["updated"]["count"],
        "copies": summary["copies"]["created"]["count"],
        "copies_updated": summary["copies"]["updated"]["count"],
    }
    if not plan.has_changes:
        message = gettext("Nothing was changed: the catalogue already matches the file.")
    else:
        message = (
            gettext(
                "The file was imported. Books added: %(created)s, updated: %(updated)s. "
                "Copies added: %(copies)s, updated: %(copies_updated)s."
            )
            % counts
        )
    messages.success(request, message)
    return HttpResponseRedirect(reverse("admin:library_book_changelist"))


# --- Export ---------------------------------------------------------------------------------


@require_safe
def export_view(request, fmt):
    if not any(request.user.has_perm(permission) for permission in EXPORT_PERMISSIONS):
        raise PermissionDenied
    if fmt not in exporting.FORMATS:
        raise Http404
    return exporting.catalogue_response(fmt, public=False)
