"""The catalogue export: the live "Biblioteczka" spreadsheet, as XLSX or CSV.

One row per copy (a book without copies: one row with an empty inventory
number), in the layout the import reads (`library.importing.columns`), with the
headers and the values (language, condition, availability) in the active
language, so a downloaded file imported again changes nothing.

The public export (the site's /biblioteka/biblioteczka.xlsx) leaves out
withdrawn copies and the staff's notes; the admin's export has both.

Books are read in chunks (a few queries per chunk, plain values rather than
model objects), so neither memory nor the number of queries grows with each row: the
CSV is streamed, the XLSX is written row by row into a temporary file, then sent
from there (`cwop_portal.spreadsheets`).
"""

from django.utils.translation import gettext as _

from cwop_portal.spreadsheets import Workbook, csv_response, xlsx_response
from library.importing import COLUMNS_BY_KEY
from library.models import Book, BookAuthor, Copy, Subject

FORMATS = ("xlsx", "csv")
FILENAME = "biblioteczka"
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
    """The catalogue as a download: "xlsx" (a temporary file) or "csv" (streamed)."""
    if fmt == "csv":
        return csv_response(f"{FILENAME}.csv", headers(public), rows(public), streamed=True)
    if fmt == "xlsx":
        return xlsx_response(f"{FILENAME}.xlsx", workbook(public), streamed=True)
    raise ValueError(f"Unknown export format: {fmt!r}")


def workbook(public=True):
    """The catalogue as an XLSX workbook, written row by row."""
    keys = columns(public)
    book = Workbook()
    sheet = book.sheet(
        _("Library catalogue"), widths=[WIDTHS.get(key, 16) for key in keys], freeze="A2"
    )
    sheet.table(headers(public), rows(public))
    return book
