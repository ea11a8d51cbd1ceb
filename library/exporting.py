"""The catalogue export: the live "Biblioteczka" spreadsheet, as XLSX or CSV.

One row per copy (a book without copies: one row with an empty inventory
number), in the layout the import reads (`library.importing.COLUMNS`), with the
headers and the values (language, condition, availability) in the active
language, so a downloaded file imported again changes nothing.

The public export (the site's /biblioteka/biblioteczka.xlsx) leaves out
withdrawn copies and the staff's notes; the admin's export has both.

Books are read in chunks (a few queries per chunk, plain values rather than
model objects), so neither memory nor the number of queries grows with each row: the
CSV is streamed, the XLSX is written by openpyxl's write-only workbook into a
temporary file, then sent from there.
"""

import csv
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from cwop_portal.spreadsheets import neutralise_formula
from library.importing import COLUMNS_BY_KEY
from library.models import Book, BookAuthor, Copy, Subject

FORMATS = ("xlsx", "csv")
FILENAME = "biblioteczka"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_SIZE = 500

PUBLIC_COLUMNS = [
    "title",
    "subtitle",
    "authors",
    "isbn",
    "publisher",
    "year",
    "language",
    "subjects",
    "description",
    "shelf_mark",
    "inventory_number",
    "condition",
    "status",
]
STAFF_COLUMNS = [*PUBLIC_COLUMNS, "notes"]
# Column widths in the XLSX (characters).
WIDTHS = {"title": 45, "subtitle": 30, "authors": 30, "description": 50, "subjects": 30}


def columns(public=True):
    return PUBLIC_COLUMNS if public else STAFF_COLUMNS


def headers(public=True):
    return [str(COLUMNS_BY_KEY[key].label) for key in columns(public)]


BOOK_FIELDS = ["pk", "title", "subtitle", "isbn", "isbn_as_typed", "publisher", "year",
               "language", "description", "shelf_mark"]  # fmt: skip


def _chunks(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _isbn_shown(isbn, as_typed):
    if as_typed or not isbn:
        return as_typed
    return Book(isbn=isbn).isbn_display


def rows(public=True, *, chunk_size=CHUNK_SIZE):
    """The catalogue's rows (lists of values in the order of `columns`), read
    `chunk_size` books at a time, three queries per chunk for their authors,
    subjects and copies (and one for all subjects); text in the active language."""
    keys = columns(public)
    languages = dict(Book.Language.choices)
    conditions = dict(Copy.Condition.choices)
    statuses = dict(Copy.Status.choices)
    subjects = {subject.pk: subject for subject in Subject.objects.all()}
    subject_order = {pk: index for index, pk in enumerate(subjects)}  # the list's order
    subject_names = {pk: subject.name for pk, subject in subjects.items()}
    books = Book.objects.order_by("title", "pk").values(*BOOK_FIELDS)
    for chunk in _chunks(books.iterator(chunk_size=chunk_size), chunk_size):
        pks = [book["pk"] for book in chunk]
        authors, book_subjects, copies = {}, {}, {}
        links = BookAuthor.objects.filter(book_id__in=pks).order_by("position", "pk")
        for book_id, name in links.values_list("book_id", "author__name"):
            authors.setdefault(book_id, []).append(name)
        through = Book.subjects.through.objects.filter(book_id__in=pks)
        for book_id, subject_id in through.values_list("book_id", "subject_id"):
            book_subjects.setdefault(book_id, []).append(subject_id)
        book_copies = Copy.objects.filter(book_id__in=pks).order_by("inventory_number", "pk")
        if public:
            book_copies = book_copies.exclude(status=Copy.Status.WITHDRAWN)
        for copy in book_copies.values(
            "book_id", "inventory_number", "condition", "status", "notes"
        ):
            copies.setdefault(copy["book_id"], []).append(copy)
        for book in chunk:
            pk = book["pk"]
            book_values = {
                "title": book["title"],
                "subtitle": book["subtitle"],
                "authors": "; ".join(authors.get(pk, [])),
                "isbn": _isbn_shown(book["isbn"], book["isbn_as_typed"]),
                "publisher": book["publisher"],
                "year": book["year"],
                "language": str(languages.get(book["language"], book["language"])),
                "subjects": "; ".join(
                    subject_names[s]
                    for s in sorted(book_subjects.get(pk, []), key=subject_order.get)
                ),
                "description": book["description"],
                "shelf_mark": book["shelf_mark"],
            }
            for copy in copies.get(pk) or [None]:
                values = dict(book_values)
                if copy is None:
                    values.update(inventory_number="", condition="", status="", notes="")
                else:
                    values.update(
                        inventory_number=copy["inventory_number"],
                        condition=str(conditions.get(copy["condition"], copy["condition"])),
                        status=str(statuses.get(copy["status"], copy["status"])),
                        notes=copy["notes"],
                    )
                yield [values[key] for key in keys]


def catalogue_response(fmt, *, public=True):
    """The catalogue as a download: "xlsx" (FileResponse) or "csv" (streamed)."""
    if fmt == "csv":
        return csv_response(public=public)
    if fmt == "xlsx":
        return xlsx_response(public=public)
    raise ValueError(f"Unknown export format: {fmt!r}")


# --- CSV ----------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write() returns what it was given (for csv.writer)."""

    def write(self, value):
        return value


def _csv_cell(value):
    if value is None:
        return ""
    return neutralise_formula(value)


def _csv_lines(public, language):
    # The generator runs while the response is sent: keep the request's language.
    with translation.override(language):
        writer = csv.writer(_Echo())
        # The byte order mark makes Excel read the file as UTF-8 (Polish letters).
        yield "\ufeff" + writer.writerow(headers(public))
        for row in rows(public):
            yield writer.writerow([_csv_cell(value) for value in row])


def csv_response(public=True):
    response = StreamingHttpResponse(
        _csv_lines(public, translation.get_language()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{FILENAME}.csv"'
    return response


# --- XLSX ---------------------------------------------------------------------------------


def _xlsx_cell(sheet, value, font=None):
    """A write-only cell; text stays text (never a formula), as in
    `cwop_portal.spreadsheets.text_cell`, without characters XLSX cannot hold."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def write_xlsx(handle, public=True):
    """Write the catalogue as an XLSX workbook into the binary file `handle`."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Library catalogue")[:31])
    keys = columns(public)
    for index, key in enumerate(keys, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(key, 16)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_xlsx_cell(sheet, header, bold) for header in headers(public)])
    for row in rows(public):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    workbook.save(handle)


def xlsx_response(public=True):
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    try:
        write_xlsx(handle, public=public)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return FileResponse(
        handle, as_attachment=True, filename=f"{FILENAME}.xlsx", content_type=XLSX_CONTENT_TYPE
    )
