"""Validation of uploaded documents: extension, size and real content type."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls
ZIP_MAGIC = b"PK\x03\x04"  # .docx / .xlsx / .odt / .ods

# An office file is a ZIP archive whose table of contents (the central directory) is
# read whole before anything else: 20 MB of empty entries take seconds and over
# 100 MB to read. Documents have tens of entries, a big workbook a few thousand.
MAX_ZIP_ENTRIES = 10_000
MAX_ZIP_DIRECTORY = 1024 * 1024  # bytes
ZIP_END = b"PK\x05\x06"
ZIP64_END_LOCATOR = b"PK\x06\x07"
ZIP64_END = b"PK\x06\x06"

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
        _check_zip_directory(fileobj)
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


def _zip_directory(fileobj):
    """(entries, size in bytes) of a ZIP archive's central directory, as its end
    record (or ZIP64 end record) gives them, or None if there is none. Read from the
    last 64 KB only, as `zipfile` finds it."""
    fileobj.seek(0, 2)
    length = fileobj.tell()
    start = max(0, length - (22 + 65535))  # the end record and the longest comment
    fileobj.seek(start)
    tail = fileobj.read()
    # As zipfile looks for it: a record without comment at the very end, else the last.
    if tail[-22:-18] == ZIP_END and tail[-2:] == b"\x00\x00":
        end = len(tail) - 22
    else:
        end = tail.rfind(ZIP_END)
    if end < 0 or len(tail) - end < 22:
        return None
    entries = int.from_bytes(tail[end + 10 : end + 12], "little")
    size = int.from_bytes(tail[end + 12 : end + 16], "little")
    locator = start + end - 20
    fileobj.seek(max(0, locator))
    if locator >= 0 and fileobj.read(20)[:4] == ZIP64_END_LOCATOR:
        # The ZIP64 end record: just before its locator (where Python 3.11's zipfile
        # reads it), or where the locator points (newer ones). The larger counts.
        fileobj.seek(locator + 8)
        for position in (locator - 56, int.from_bytes(fileobj.read(8), "little")):
            fileobj.seek(max(0, position))
            record = fileobj.read(56)
            if position >= 0 and len(record) == 56 and record[:4] == ZIP64_END:
                entries = max(entries, int.from_bytes(record[32:40], "little"))
                size = max(size, int.from_bytes(record[40:48], "little"))
    return entries, size


def _check_zip_directory(fileobj):
    """Refuse an archive whose table of contents is too long to read cheaply."""
    directory = _zip_directory(fileobj)
    if directory is None:
        return  # not a complete archive: zipfile refuses it
    entries, size = directory
    if entries > MAX_ZIP_ENTRIES or size > MAX_ZIP_DIRECTORY:
        raise ValidationError(
            _(
                "The file is an archive of too many parts (at most %(limit)s) and was "
                "refused. Save it again from your office program and upload it again."
            )
            % {"limit": number_format(MAX_ZIP_ENTRIES, force_grouping=True)},
            code="too_many_parts",
        )


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
