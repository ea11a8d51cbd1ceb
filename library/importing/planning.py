"""Planning: what the checked rows would change in the catalogue, worked out
with reads only (in bulk), as a `Plan` of books and copies to create or update.
The plan's summary is the preview staff see; its digest tells whether the
catalogue changed between the preview and the import."""

import hashlib
import json
from dataclasses import dataclass, field

from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from cwop_portal.search import normalize
from library.importing.columns import BOOK_FIELDS, COLUMNS_BY_KEY, LIST_FIELDS
from library.importing.common import chunks
from library.importing.reading import Table, read_table
from library.importing.validation import RowReader, clean_line, clean_long_text, title_key
from library.models import Book, BookAuthor, Copy, Hold, Loan

# Entries of each list (books to add, errors...) kept in the preview's summary;
# the counts are always complete.
MAX_LISTED = 500
SUMMARY_VERSION = 1


@dataclass
class CopyOp:
    """What the import does to one copy (a row with an inventory number)."""

    row: int
    inventory_number: str
    kind: str  # "create", "update" or "unchanged"
    copy: Copy | None = None
    fields: dict = field(default_factory=dict)  # condition, notes
    move_from: Book | None = None
    changes: list = field(default_factory=list)  # (field, old, new) for the preview


@dataclass
class BookOp:
    """What the import does to one book, and to the copies its rows list."""

    rows: list  # rows of the file describing this book
    book: Book | None  # None: a new book
    kind: str = "unchanged"  # "create", "update" or "unchanged"
    fields: dict = field(default_factory=dict)  # new values (all, or those changed)
    authors: list | None = None  # None: leave as they are
    subjects: list | None = None
    changes: list = field(default_factory=list)
    copies: list = field(default_factory=list)

    @property
    def first_row(self):
        return self.rows[0].number

    @property
    def title(self):
        return self.fields.get("title") or (self.book.title if self.book else "")


@dataclass
class Plan:
    """Everything a file would change, with its errors and warnings."""

    table: Table
    books: list  # BookOp, in the order of their first row
    errors: list  # (row number, column header, message), in row order
    warnings: list

    @property
    def has_errors(self):
        return bool(self.errors)

    def copy_ops(self):
        return [copy for book in self.books for copy in book.copies]

    @property
    def has_changes(self):
        return any(op.kind != "unchanged" for op in self.books) or any(
            op.kind != "unchanged" for op in self.copy_ops()
        )

    def digest(self):
        """What the plan would write, as a hash: equal plans, equal digests."""
        parts = []
        for op in self.books:
            parts.append(
                [
                    op.kind,
                    op.book.pk if op.book else None,
                    sorted(op.fields.items()),
                    op.authors,
                    op.subjects,
                    [
                        [
                            c.kind,
                            c.inventory_number,
                            c.copy.pk if c.copy else None,
                            sorted(c.fields.items()),
                            c.move_from.pk if c.move_from else None,
                        ]
                        for c in op.copies
                    ],
                ]  # fmt: skip
            )
        problems = [[row, column] for row, column, _message in self.errors]
        payload = json.dumps([parts, problems], default=str, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()

    def summary(self):
        """The preview, as stored in `CatalogueImport.summary` (JSON)."""

        def listed(items):
            return {"count": len(items), "items": items[:MAX_LISTED]}

        created, updated, unchanged = [], [], []
        for op in self.books:
            if op.kind == "create":
                created.append(
                    {
                        "row": op.first_row,
                        "title": op.title,
                        "authors": "; ".join(op.authors or []),
                        "copies": sum(1 for c in op.copies if c.kind == "create"),
                    }
                )
            elif op.kind == "update":
                updated.append(
                    {"row": op.first_row, "title": op.title, "changes": _changes(op.changes)}
                )
            else:
                unchanged.append(op.first_row)
        copies_created, copies_updated, copies_unchanged = [], [], []
        for op in self.books:
            for copy in op.copies:
                item = {"row": copy.row, "inventory_number": copy.inventory_number}
                if copy.kind == "create":
                    copies_created.append({**item, "title": op.title})
                elif copy.kind == "update":
                    copies_updated.append(
                        {**item, "title": op.title, "changes": _changes(copy.changes)}
                    )
                else:
                    copies_unchanged.append(copy.row)
        headers = self.table.headers
        return {
            "version": SUMMARY_VERSION,
            "header_row": self.table.header_row,
            "columns": list(headers.values()),
            "rows": len(self.table.rows),
            "errors": listed(
                [
                    {"row": row, "column": column, "message": message}
                    for row, column, message in self.errors
                ]
            ),
            "warnings": self.warnings[:MAX_LISTED],
            "skipped": listed(self.table.skipped_rows),
            "books": {
                "created": listed(created),
                "updated": listed(updated),
                "unchanged": listed(unchanged),
            },
            "copies": {
                "created": listed(copies_created),
                "updated": listed(copies_updated),
                "unchanged": listed(copies_unchanged),
            },
            "has_changes": self.has_changes,
            "digest": self.digest(),
        }


def _changes(changes):
    """(field, old, new) changes as the summary lists them, values shortened."""
    return [{"field": key, "old": _short(old), "new": _short(new)} for key, old, new in changes]


def _short(value, limit=120):
    """A value cut to `limit` characters, so that a long text does not swell the
    preview or a message."""
    value = "" if value is None else str(value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


class Planner:
    """Works out what a `Table` would change in the catalogue (reads only)."""

    def __init__(self, table, *, lock=False):
        self.table = table
        self.lock = lock
        self.warnings = list(table.warnings)
        self._title_index = None

    def error(self, row, key, message):
        row.errors.append((key, message))

    def _shown(self, key, value):
        if key == "subjects" and value:
            return "; ".join(self.subject_names.get(pk, "") for pk in value)
        return _shown(key, value)

    def run(self):
        reader = RowReader()
        self.subject_names = reader.subject_names
        rows = [reader.read(number, texts) for number, texts in self.table.rows]
        self._check_duplicate_inventory_numbers(rows)
        valid = [row for row in rows if not row.errors]
        copies = self._existing_copies({row.inventory_key for row in valid if row.inventory_key})
        isbn_books = self._books_by_isbn(
            {row.values["isbn"][0] for row in valid if "isbn" in row.values}
        )
        groups = self._group(valid, copies, isbn_books)
        books = self._existing_books({ref[1] for ref in groups if ref[0] == "db"})
        ops = []
        isbn_owner = {}  # ISBN -> first row giving it to a book
        for ref, group_rows in groups.items():
            op = self._book_op(ref, group_rows, books, isbn_books, isbn_owner)
            if op is not None:
                ops.append(op)
        self._plan_copies(ops, copies, books)
        for row in rows:
            copy_values = any(key in ("notes", "condition") for key in row.values)
            if copy_values and not row.inventory_key and not row.errors:
                self.warnings.append(
                    _(
                        "Row %(row)s: the condition and notes describe a copy, and "
                        "this row has no inventory number, so they are not imported."
                    )
                    % {"row": row.number}
                )
        errors = []
        for row in rows:
            for key, message in row.errors:
                errors.append((row.number, self._header(key), message))
        # With errors nothing is applied; the counts show what the other rows would do.
        ops = [op for op in ops if not any(r.errors for r in op.rows)]
        ops.sort(key=lambda op: op.first_row)
        return Plan(self.table, ops, errors, self.warnings)

    def _header(self, key):
        return self.table.headers.get(key) or str(COLUMNS_BY_KEY[key].label)

    # -- loading what is in the catalogue --

    def _existing_copies(self, inventory_keys):
        copies = {}
        for chunk in chunks(sorted(inventory_keys)):
            queryset = Copy.objects.annotate(inventory_key=Upper("inventory_number")).filter(
                inventory_key__in=chunk
            )
            if self.lock:
                queryset = queryset.select_for_update()
            for copy in queryset.order_by("pk"):
                copies.setdefault(copy.inventory_key, copy)
        return copies

    def _books_by_isbn(self, isbns):
        found = {}
        for chunk in chunks(sorted(isbns)):
            found.update(Book.objects.filter(isbn__in=chunk).values_list("isbn", "pk"))
        return found

    def _existing_books(self, pks):
        """{pk: Book} with `_import_authors` (names in order) and
        `_import_subjects` (pks) set: three queries per chunk."""
        books = {}
        for chunk in chunks(sorted(pks)):
            queryset = Book.objects.filter(pk__in=chunk)
            if self.lock:
                queryset = queryset.select_for_update()
            for book in queryset:
                book._import_authors, book._import_subjects = [], []
                books[book.pk] = book
            links = BookAuthor.objects.filter(book_id__in=chunk).order_by("position", "pk")
            for book_id, name in links.values_list("book_id", "author__name"):
                books[book_id]._import_authors.append(name)
            through = Book.subjects.through.objects.filter(book_id__in=chunk)
            for book_id, subject_id in through.values_list("book_id", "subject_id"):
                books[book_id]._import_subjects.append(subject_id)
        return books

    def _books_by_title_key(self, key):
        """The first book (lowest pk) with this title + first author + year."""
        if self._title_index is None:
            first_authors = {}
            links = BookAuthor.objects.order_by("book_id", "position", "pk").values_list(
                "book_id", "author__name"
            )
            for book_id, name in links.iterator(chunk_size=2000):
                first_authors.setdefault(book_id, name)
            index = {}
            books = Book.objects.order_by("pk").values_list("pk", "title", "year")
            for pk, title, year in books.iterator(chunk_size=2000):
                index.setdefault(title_key(title, first_authors.get(pk, ""), year), pk)
            self._title_index = index
        return self._title_index.get(key)

    # -- which rows describe which book --

    def _check_duplicate_inventory_numbers(self, rows):
        first = {}
        for row in rows:
            if not row.inventory_key:
                continue
            if row.inventory_key in first:
                self.error(
                    row,
                    "inventory_number",
                    _("The inventory number %(number)s is also in row %(row)s.")
                    % {"number": row.inventory_number, "row": first[row.inventory_key]},
                )
            else:
                first[row.inventory_key] = row.number

    def _group(self, rows, copies, isbn_books):
        """{reference: [rows]}; a reference is ("db", book pk) for a book in the
        catalogue, ("isbn", isbn13) or ("title", title key) for a new one."""
        refs = {}
        for row in rows:
            copy = copies.get(row.inventory_key)
            isbn = row.values["isbn"][0] if "isbn" in row.values else ""
            if copy is not None:
                other = isbn_books.get(isbn)
                refs[row.number] = ("db", other if other else copy.book_id)
            elif isbn:
                refs[row.number] = (
                    ("db", isbn_books[isbn]) if isbn in isbn_books else ("isbn", isbn)
                )
            else:
                pk = self._books_by_title_key(row.title_key())
                refs[row.number] = ("db", pk) if pk else ("title", row.title_key())
        # A new ISBN given to a book of the catalogue (by a row with its copy)
        # joins the rows of that ISBN to that book.
        isbn_to_db = {}
        for row in rows:
            ref = refs[row.number]
            if ref[0] == "db" and "isbn" in row.values:
                isbn_to_db.setdefault(row.values["isbn"][0], ref)
        for row in rows:
            ref = refs[row.number]
            if ref[0] == "isbn" and ref[1] in isbn_to_db:
                refs[row.number] = isbn_to_db[ref[1]]
        # Rows without an ISBN join the one group whose rows have their title,
        # first author and year (copies listed without repeating the ISBN).
        by_title = {}
        for row in rows:
            ref = refs[row.number]
            if ref[0] != "title":
                by_title.setdefault(row.title_key(), set()).add(ref)
        for row in rows:
            ref = refs[row.number]
            if ref[0] == "title":
                candidates = by_title.get(ref[1], set())
                if len(candidates) == 1:
                    refs[row.number] = next(iter(candidates))
        groups = {}
        for row in rows:
            groups.setdefault(refs[row.number], []).append(row)
        return groups

    # -- what changes --

    def _merged(self, rows):
        """The book's values from its rows: the first filled-in value of each
        column; a later row giving another value is an error (spelling it with
        other letter case, diacritics or punctuation is not)."""
        merged, source = {}, {}
        for row in rows:
            for key in [*BOOK_FIELDS, *LIST_FIELDS]:
                if key not in row.values:
                    continue
                value = row.values[key]
                if key not in merged:
                    merged[key], source[key] = value, row.number
                elif _loose(key, value) != _loose(key, merged[key]):
                    self.error(
                        row,
                        key,
                        _(
                            "Row %(row)s describes the same book with another value "
                            "(“%(other)s”); the rows of one book must agree."
                        )
                        % {"row": source[key], "other": _short(self._shown(key, merged[key]), 80)},
                    )
        return merged

    def _book_op(self, ref, rows, books, isbn_books, isbn_owner):
        merged = self._merged(rows)
        rows = [row for row in rows if not row.errors]
        if not rows:
            return None
        book = books.get(ref[1]) if ref[0] == "db" else None
        if ref[0] == "db" and book is None:
            for row in rows:  # deleted since the lookup (only while applying)
                self.error(row, "title", _("The book of this row has just been deleted."))
            return None
        isbn = merged.get("isbn")
        if isbn:
            owner_pk = isbn_books.get(isbn[0])
            if owner_pk and (book is None or owner_pk != book.pk):
                self.error(
                    rows[0],
                    "isbn",
                    _("Another book in the catalogue has the ISBN %(isbn)s.") % {"isbn": isbn[1]},
                )
                return None
            if isbn[0] in isbn_owner:
                self.error(
                    rows[0],
                    "isbn",
                    _("Row %(row)s gives the ISBN %(isbn)s to another book.")
                    % {"row": isbn_owner[isbn[0]], "isbn": isbn[1]},
                )
                return None
            isbn_owner[isbn[0]] = rows[0].number
        op = BookOp(rows=rows, book=book)
        if book is None:
            op.kind = "create"
            op.fields = {key: merged[key] for key in BOOK_FIELDS if key in merged}
            op.authors = merged.get("authors", [])
            op.subjects = merged.get("subjects", [])
            return op
        for key in BOOK_FIELDS:
            if key not in merged:
                continue
            old = _book_value(book, key)
            if _comparable(key, merged[key]) != _comparable(key, old):
                op.fields[key] = merged[key]
                op.changes.append((key, self._shown(key, old), self._shown(key, merged[key])))
        if "authors" in merged:
            old = book._import_authors
            if merged["authors"] != old:
                op.authors = merged["authors"]
                op.changes.append(("authors", "; ".join(old), "; ".join(op.authors)))
        if "subjects" in merged:
            old = book._import_subjects
            if set(merged["subjects"]) != set(old):
                op.subjects = merged["subjects"]
                op.changes.append(
                    (
                        "subjects",
                        self._shown("subjects", old),
                        self._shown("subjects", merged["subjects"]),
                    )
                )
        op.kind = "update" if op.changes else "unchanged"
        return op

    def _plan_copies(self, ops, copies, books):
        moving = []
        for op in ops:
            for row in op.rows:
                if not row.inventory_key:
                    continue
                copy = copies.get(row.inventory_key)
                values = {k: row.values[k] for k in ("condition", "notes") if k in row.values}
                if copy is None:
                    op.copies.append(
                        CopyOp(row.number, row.inventory_number, "create", fields=values)
                    )
                    continue
                copy_op = CopyOp(row.number, copy.inventory_number, "unchanged", copy=copy)
                for key, value in values.items():
                    old = getattr(copy, key)
                    if _comparable(key, value) != _comparable(key, old):
                        copy_op.fields[key] = value
                        copy_op.changes.append(
                            (key, self._shown(key, old), self._shown(key, value))
                        )
                if op.book is None or copy.book_id != op.book.pk:
                    moving.append((row, op, copy_op))
                if copy_op.changes:
                    copy_op.kind = "update"
                op.copies.append(copy_op)
        if not moving:
            return
        old_books, busy = {}, set()
        for chunk in chunks({c.copy.book_id for _r, _o, c in moving}):
            old_books.update((book.pk, book) for book in Book.objects.filter(pk__in=chunk))
        for chunk in chunks([c.copy.pk for _r, _o, c in moving]):
            busy.update(
                Loan.objects.active().filter(copy_id__in=chunk).values_list("copy_id", flat=True)
            )
            ready = Hold.objects.filter(status=Hold.Status.READY, copy_id__in=chunk)
            busy.update(ready.values_list("copy_id", flat=True))
        for row, op, copy_op in moving:
            copy = copy_op.copy
            old_book = old_books.get(copy.book_id)
            if copy.pk in busy or copy.status in (Copy.Status.ON_LOAN, Copy.Status.HELD):
                self.error(
                    row,
                    "inventory_number",
                    _(
                        "The copy %(number)s belongs to “%(book)s” and is on loan or set "
                        "aside for a reader: it cannot be moved to another book. Give this "
                        "row the details of “%(book)s”, or move it after it is returned."
                    )
                    % {"number": copy.inventory_number, "book": old_book.title if old_book else ""},
                )
                continue
            copy_op.move_from = old_book
            copy_op.kind = "update"
            copy_op.changes.append(("book", old_book.title if old_book else "", op.title))


def _book_value(book, key):
    """A book's value of a column, an ISBN as (ISBN-13, as typed) like a row's."""
    if key == "isbn":
        return (book.isbn, book.isbn_as_typed) if book.isbn else None
    return getattr(book, key)


def _comparable(key, value):
    """Values as compared: an ISBN by its ISBN-13, text without extra spacing."""
    if value is None or value == "":
        return None
    if key == "isbn":
        return value[0]
    if key in ("description", "notes"):
        return clean_long_text(value)
    if isinstance(value, str):
        return clean_line(value)
    if key == "subjects":
        return sorted(value)
    return value


def _loose(key, value):
    """Values as compared between rows of one book: spelling aside."""
    value = _comparable(key, value)
    return normalize(value) if isinstance(value, str) else value


def _shown(key, value):
    """A value as the preview shows it."""
    if value is None or value == "" or value == []:
        return ""
    if key == "isbn":
        return value[1] or value[0]
    if key == "language":
        return str(dict(Book.Language.choices).get(value, value))
    if key == "condition":
        return str(dict(Copy.Condition.choices).get(value, value))
    if key in ("authors",):
        return "; ".join(value)
    return value


def make_plan(table, *, lock=False):
    """The `Plan` of a `Table`; with `lock`, the rows it would change are locked
    (while applying, inside the transaction)."""
    return Planner(table, lock=lock).run()


def preview(data, filename):
    """(Plan) for a file's bytes; raises ImportFileError for a file that cannot be read."""
    return make_plan(read_table(data, filename))
