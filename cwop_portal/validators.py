"""Validation of uploaded documents: extension, size and real content type."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls
ZIP_MAGIC = b"PK\x03\x04"  # .docx / .xlsx / .odt / .ods

# extension -> how to recognise the file's real content
DOCUMENT_TYPES = {
    "pdf": "pdf",
    "doc": "ole2",
    "xls": "ole2",
    "docx": "ooxml",
    "xlsx": "ooxml",
    "odt": "odf",
    "ods": "odf",
    "rtf": "rtf",
    "csv": "text",
    "txt": "text",
}


def _looks_like(kind, head, fileobj):
    if kind == "pdf":
        return head.startswith(b"%PDF-")
    if kind == "ole2":
        return head.startswith(OLE2_MAGIC)
    if kind == "rtf":
        return head.startswith(b"{\\rtf")
    if kind == "any_text":
        # A CSV from a spreadsheet program: UTF-8, or Windows-1250 from Polish Excel.
        return b"\x00" not in head
    if kind == "text":
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is fine.
            if exc.start < len(head) - 4:
                return False
        return b"\x00" not in head
    if kind in {"ooxml", "odf"}:
        if not head.startswith(ZIP_MAGIC):
            return False
        fileobj.seek(0)
        try:
            with zipfile.ZipFile(fileobj) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return False
        if kind == "ooxml":
            return "[Content_Types].xml" in names
        return "mimetype" in names
    return False


def validate_document_file(value):
    """Accept only office documents and PDFs, within the size limit, whose
    content matches their extension."""
    _validate_upload(value, DOCUMENT_TYPES, settings.DOCUMENT_MAX_UPLOAD_SIZE)


SPREADSHEET_TYPES = {"xlsx": "ooxml", "xls": "ole2", "csv": "any_text"}


def validate_spreadsheet_file(value):
    """Accept only XLSX, XLS or CSV files within the import size limit."""
    _validate_upload(value, SPREADSHEET_TYPES, settings.SPREADSHEET_MAX_UPLOAD_SIZE)


def _validate_upload(value, types, limit):
    if getattr(value, "_committed", False):
        return  # a file stored earlier was checked when it was uploaded
    name = value.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in types:
        raise ValidationError(
            _("Files of type “%(ext)s” are not accepted. Allowed types: %(allowed)s.")
            % {
                "ext": extension or "?",
                "allowed": ", ".join(e.upper() for e in types),
            },
            code="invalid_extension",
        )
    if value.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s). The limit is %(limit)s.")
            % {"size": filesizeformat(value.size), "limit": filesizeformat(limit)},
            code="file_too_large",
        )
    if value.size == 0:
        raise ValidationError(_("The file is empty."), code="empty_file")
    fileobj = value.file if hasattr(value, "file") else value
    position = fileobj.tell() if hasattr(fileobj, "tell") else 0
    try:
        fileobj.seek(0)
        head = fileobj.read(2048)
        matches = _looks_like(types[extension], head, fileobj)
    finally:
        fileobj.seek(position)
    if not matches:
        raise ValidationError(
            _("The file's content does not match its “.%(ext)s” extension.") % {"ext": extension},
            code="content_mismatch",
        )
