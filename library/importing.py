"""The catalogue import: the "Biblioteczka" spreadsheet (XLSX, XLS or CSV) in.

Staff upload a file; `read_table` reads its first sheet (the first non-empty row
is the header, column names in Polish or English, see `COLUMNS`), `make_plan`
works out what the file would change and `Plan.summary()` is the preview kept in
`CatalogueImport.summary`. Nothing is written until `apply_import`, which reads
the stored file again, checks that the plan is still the one previewed and
carries it out in one transaction.

Each data row describes a book and, when it has an inventory number, one copy of
it. The book a row belongs to is found by:

1. its inventory number: the book that copy belongs to (but when the row's ISBN
   is that of another book in the catalogue, that other book, and the copy moves
   to it: a copy on loan or set aside for a reader never moves, that is an error);
2. else its ISBN (stored as ISBN-13; ISBN-10 or -13, with or without dashes);
3. else title + first author + year, ignoring case, diacritics and punctuation.

Rows of one file with the same ISBN (or, without an ISBN, the same title, first
author and year) are copies of one book; their book columns must agree.

Updating: an empty cell leaves the field as it is (to clear a field, edit the
book in the admin); a filled cell replaces it, a list (authors, subjects) as a
whole. The import never deletes a book or a copy, never changes a copy's status
(loans and holds stay as they are) and never writes anything when the file has
errors. Re-importing a file (or the catalogue's own export) changes nothing.
"""

import csv
import datetime
import hashlib
import io
import json
import logging
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Upper
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from cwop_portal.search import normalize
from cwop_portal.spreadsheets import FORMULA_PREFIXES
from cwop_portal.text import unique_slug
from cwop_portal.validators import validate_spreadsheet_file
from library.books import normalize_isbn, split_authors
from library.models import Author, Book, BookAuthor, CatalogueImport, Copy, Hold, Loan, Subject

# More data rows than this: the file is refused (split it into several).
MAX_ROWS = 50_000
# An XLSX is a ZIP archive: refused when its content unpacks into more than this.
MAX_UNPACKED_XLSX = 300 * 1024 * 1024
# Longest text accepted for the fields without a length limit in the database.
MAX_LONG_TEXT = 10_000
# Entries of each list (books to add, errors...) kept in the preview's summary;
# the counts are always complete.
MAX_LISTED = 500
# Lookups by a list of values go in chunks of this size (database parameter limits).
CHUNK = 500
SUMMARY_VERSION = 1

logger = logging.getLogger(__name__)

_LIST_SEPARATORS = re.compile(r"\s*(?:;|\n|\r)\s*")
_YEAR = re.compile(r"^(\d{1,4})(?:\.0+)?\s*(?:r\.?|rok)?$", re.IGNORECASE)


class ImportFileError(Exception):
    """The file as a whole cannot be imported (the message says why)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- Columns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # the header the export writes (translated)
    aliases: tuple  # names recognised (any letter case, diacritics and spacing)
    max_length: int = 0


COLUMNS = [
    Column("number", pgettext_lazy("spreadsheet column", "No."), ("Lp.", "Nr", "No.", "Number")),
    Column(
        "title",
        pgettext_lazy("spreadsheet column", "Title"),
        ("Tytuł", "Tytuł książki", "Title"),
        300,
    ),
    Column(
        "subtitle", pgettext_lazy("spreadsheet column", "Subtitle"), ("Podtytuł", "Subtitle"), 300
    ),
    Column(
        "authors",
        pgettext_lazy("spreadsheet column", "Authors"),
        ("Autor", "Autorzy", "Autor(zy)", "Autorka", "Author", "Authors", "Author(s)"),
        Author._meta.get_field("name").max_length,
    ),
    Column("isbn", pgettext_lazy("spreadsheet column", "ISBN"), ("ISBN", "ISBN-10", "ISBN-13"), 20),
    Column(
        "publisher",
        pgettext_lazy("spreadsheet column", "Publisher"),
        ("Wydawnictwo", "Wydawca", "Publisher"),
        200,
    ),
    Column(
        "year",
        pgettext_lazy("spreadsheet column", "Year"),
        ("Rok", "Rok wydania", "Year", "Year of publication", "Publication year"),
    ),
    Column("language", pgettext_lazy("spreadsheet column", "Language"), ("Język", "Language")),
    Column(
        "subjects",
        pgettext_lazy("spreadsheet column", "Subjects"),
        ("Tematyka", "Temat", "Tematy", "Dziedzina", "Subject", "Subjects", "Topics"),
    ),
    Column(
        "description",
        pgettext_lazy("spreadsheet column", "Description"),
        ("Opis", "Description"),
        MAX_LONG_TEXT,
    ),
    Column(
        "shelf_mark",
        pgettext_lazy("spreadsheet column", "Shelf mark"),
        ("Sygnatura", "Sygn.", "Shelf mark", "Call number"),
        50,
    ),
    Column(
        "inventory_number",
        pgettext_lazy("spreadsheet column", "Inventory number"),
        (
            "Nr inwentarzowy",
            "Numer inwentarzowy",
            "Nr inw.",
            "Numer inwentarza",
            "Inventory number",
            "Inventory no.",
        ),
        40,
    ),
    Column(
        "condition",
        pgettext_lazy("spreadsheet column", "Condition"),
        ("Stan", "Stan egzemplarza", "Condition"),
    ),
    Column(
        "status",
        pgettext_lazy("spreadsheet column", "Availability"),
        ("Dostępność", "Status", "Availability"),
    ),
    Column(
        "notes",
        pgettext_lazy("spreadsheet column", "Notes"),
        ("Uwagi", "Notes", "Notes for staff"),
        MAX_LONG_TEXT,
    ),
]
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
# Columns read but not stored: the row counter and the copy's availability
# (which loans and holds set, never the import).
IGNORED_COLUMNS = {"number", "status"}
BOOK_FIELDS = ["title", "subtitle", "isbn", "publisher", "year", "language", "description",
               "shelf_mark"]  # fmt: skip
LIST_FIELDS = ["authors", "subjects"]

# Names of languages and conditions recognised besides their codes and their
# labels in the portal's languages (normalised: lower-case ASCII).
LANGUAGE_NAMES = {
    "pl": ["polski", "polska", "polish", "pol"],
    "en": ["angielski", "angielska", "english", "eng", "ang"],
    "de": ["niemiecki", "niemiecka", "german", "deutsch", "ger", "deu", "niem"],
    "fr": ["francuski", "francuska", "french", "francais", "fra", "fre", "franc"],
    "uk": ["ukrainski", "ukrainska", "ukrainian", "ukr", "ua"],
    "ru": ["rosyjski", "rosyjska", "russian", "rus"],
    "be": ["bialoruski", "bialoruska", "belarusian", "belarussian", "bel", "by"],
    "lt": ["litewski", "litewska", "lithuanian", "lit"],
    "other": ["inny", "inna", "inne", "other", "other language", "inny jezyk"],
}
CONDITION_NAMES = {
    "new": ["nowy", "nowa", "nowe", "new"],
    "good": ["dobry", "dobra", "dobre", "bardzo dobry", "bardzo dobra", "good", "very good"],
    "worn": ["zuzyty", "zuzyta", "zuzyte", "uzywany", "uzywana", "worn", "used"],
    "damaged": [
        "uszkodzony",
        "uszkodzona",
        "uszkodzone",
        "zniszczony",
        "zniszczona",
        "damaged",
    ],
}


def header_key(text):
    """A header as compared: "Nr inwentarzowy" -> "nrinwentarzowy"."""
    return normalize(str(text)).replace(" ", "")


def _value_key(text):
    """A language or condition name as compared: "Język polski" -> "polski"."""
    key = normalize(text)
    for prefix in ("jezyk ", "language "):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    return key


def _in_each_language(lazy_text):
    names = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.append(str(lazy_text))
    return names


def _header_names():
    """{header key: column key}: the aliases and the labels in every language."""
    names = {}
    for column in COLUMNS:
        for alias in column.aliases:
            names[header_key(alias)] = column.key
    for column in COLUMNS:
        for label in _in_each_language(column.label):
            names.setdefault(header_key(label), column.key)
    return names


def _choice_names(choices, extra):
    names = {}
    for code, aliases in extra.items():
        names[normalize(code)] = code
        for alias in aliases:
            names[_value_key(alias)] = code
    for code, label in choices:
        names.setdefault(normalize(code), code)
        for text in _in_each_language(label):
            names.setdefault(_value_key(text), code)
    return names


def recognised_columns():
    """(label, Polish and English names) of each column, for the upload page."""
    rows = []
    for column in COLUMNS:
        rows.append((column, list(dict.fromkeys(_in_each_language(column.label)))))
    return rows


# --- Reading the file ---------------------------------------------------------------------


@dataclass
class Table:
    """The first sheet: its header and data rows, as text, by column key."""

    header_row: int
    headers: dict  # column key -> header as written in the file
    rows: list  # (row number as in the spreadsheet, {column key: text})
    skipped_rows: list = field(default_factory=list)  # blank, or just a row number
    warnings: list = field(default_factory=list)


def _quoted(name):
    """A name in the quotation marks of the active language (Polish „…”)."""
    return _("“%(name)s”") % {"name": name}


def validate_upload(upload):
    """The portal's spreadsheet validator: type, size and content (a CSV may be
    UTF-8 or Windows-1250, as saved by Polish Excel)."""
    validate_spreadsheet_file(upload)


def read_table(data, filename):
    """The first sheet of an XLSX, XLS or CSV file (bytes) as a `Table`.

    Raises ImportFileError when the file cannot be read, is empty, has only a
    header, has unknown or repeated columns, no title column, or too many rows.
    """
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if not data:
        raise ImportFileError(_("The file is empty."))
    readers = {"xlsx": _xlsx_rows, "xls": _xls_rows, "csv": _csv_rows}
    if extension not in readers:
        raise ImportFileError(
            _("Files of type “%(ext)s” cannot be imported. Use XLSX, XLS or CSV.")
            % {"ext": extension or "?"}
        )
    return _table(readers[extension](data))


def _not_readable():
    return ImportFileError(
        _(
            "The file could not be read as a spreadsheet. Save it from your spreadsheet "
            "program as XLSX, XLS or CSV and upload it again."
        )
    )


def _xlsx_rows(data):
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise _not_readable() from exc
    if unpacked > MAX_UNPACKED_XLSX:
        # A small file that unpacks into gigabytes (a "zip bomb"), or far more
        # data than a catalogue has.
        raise _not_readable()
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise _not_readable() from exc
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The file has no sheets."))
        sheet = workbook.worksheets[0]
        if hasattr(sheet, "reset_dimensions"):
            # Some programs store wrong sheet dimensions: read every row there is.
            sheet.reset_dimensions()
        number = 0
        try:
            for row in sheet.iter_rows(values_only=True):
                number += 1
                yield number, row
        except ImportFileError:
            raise
        except Exception as exc:  # noqa: BLE001 - a damaged sheet
            raise _not_readable() from exc
    finally:
        workbook.close()


def _xls_rows(data):
    import xlrd

    try:
        workbook = xlrd.open_workbook(file_contents=data, on_demand=True)
        if workbook.nsheets == 0:
            raise ImportFileError(_("The file has no sheets."))
        sheet = workbook.sheet_by_index(0)
    except ImportFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - xlrd raises many kinds for a bad file
        raise _not_readable() from exc
    for index in range(sheet.nrows):
        values = []
        for cell in sheet.row(index):
            if cell.ctype == xlrd.XL_CELL_DATE:
                try:
                    values.append(xlrd.xldate_as_datetime(cell.value, workbook.datemode))
                except Exception:  # noqa: BLE001 - a date Excel cannot show either
                    values.append(cell.value)
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                values.append(None)
            else:
                values.append(cell.value)
        yield index + 1, values


def _decode_csv(data):
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Polish Excel saves "CSV" in Windows-1250.
        return data.decode("cp1250", errors="replace")


def _csv_delimiter(text):
    """ ";", "," or a tab: the one found most often in the first non-empty line,
    outside quotes (header names have none of them)."""
    for line in text.splitlines():
        if line.strip():
            unquoted = re.sub(r'"[^"]*"', "", line)
            counts = {d: unquoted.count(d) for d in (";", ",", "\t")}
            best = max(counts, key=counts.get)
            return best if counts[best] else ","
    return ","


def _csv_rows(data):
    if b"\x00" in data[:4096]:
        raise _not_readable()
    text = _decode_csv(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_csv_delimiter(text))
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise _not_readable() from exc


def _cell_text(value):
    """A cell as text: numbers without a needless ".0", dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    text = str(value)
    # The portal's own CSV export puts an apostrophe before text that starts
    # like a formula (see cwop_portal.spreadsheets): read it back as it was.
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        text = text[1:]
    return text


def _column_name(index):
    """The spreadsheet's name of a column: 0 -> A, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        name = chr(65 + remainder) + name
    return name


def _table(numbered_rows):
    header_row = None
    positions = {}  # column key -> index in the row
    headers = {}
    rows, skipped, blank, warnings = [], [], [], []
    unnamed_with_data = set()
    data_rows = 0
    for number, raw in numbered_rows:
        cells = [_cell_text(value) for value in raw]
        if header_row is None:
            if not any(cell.strip() for cell in cells):
                continue
            header_row = number
            positions, headers = _read_header(cells)
            named = set(positions.values())
            continue
        if not any(cell.strip() for cell in cells):
            blank.append(number)  # skipped, unless no book follows
            continue
        values = {}
        for key, index in positions.items():
            if index < len(cells) and cells[index].strip():
                values[key] = cells[index]
        for index, cell in enumerate(cells):
            if index not in named and cell.strip():
                unnamed_with_data.add(index)
        skipped += blank
        blank = []
        if not any(key not in IGNORED_COLUMNS for key in values):
            skipped.append(number)  # blank but for a row number or availability
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            raise ImportFileError(
                _(
                    "The file has more than %(max)s rows of books. Split it into "
                    "several files and import them one after another."
                )
                % {"max": f"{MAX_ROWS:,}".replace(",", "\u00a0")}
            )
        rows.append((number, values))
    if header_row is None:
        raise ImportFileError(_("The first sheet of the file is empty."))
    if not rows:
        raise ImportFileError(
            _("The sheet has only a header row (row %(row)s): there are no books in it.")
            % {"row": header_row}
        )
    for index in sorted(unnamed_with_data):
        warnings.append(
            _("Column %(column)s has no name in the header row, so its values are ignored.")
            % {"column": _column_name(index)}
        )
    return Table(header_row, headers, rows, skipped, warnings)


def _read_header(cells):
    names = _header_names()
    positions, headers, unknown = {}, {}, []
    for index, cell in enumerate(cells):
        text = " ".join(cell.split())
        if not text:
            continue
        key = names.get(header_key(text))
        if key is None:
            unknown.append(text)
        elif key in positions:
            raise ImportFileError(
                _("The columns “%(first)s” and “%(second)s” both give the %(column)s.")
                % {
                    "first": headers[key],
                    "second": text,
                    "column": str(COLUMNS_BY_KEY[key].label).lower(),
                }
            )
        else:
            positions[key] = index
            headers[key] = text
    if unknown:
        raise ImportFileError(
            _(
                "The file has columns the import does not know: %(unknown)s. Rename or "
                "remove them. Recognised columns: %(known)s."
            )
            % {
                "unknown": ", ".join(_quoted(name) for name in unknown),
                "known": _known_columns_text(),
            }
        )
    if "title" not in positions:
        raise ImportFileError(
            _(
                "The file has no title column (“%(title)s”). The first non-empty row must "
                "name the columns. Recognised columns: %(known)s."
            )
            % {"title": COLUMNS_BY_KEY["title"].label, "known": _known_columns_text()}
        )
    return positions, headers


def _known_columns_text():
    return "; ".join(" / ".join(names) for _column, names in recognised_columns())


# --- Rows ------------------------------------------------------------------------------


@dataclass
class Row:
    number: int
    values: dict  # column key -> cleaned value; only cells that were filled in
    errors: list = field(default_factory=list)  # (column key, message)
    inventory_key: str = ""  # the inventory number, upper-case
    group: object = None

    @property
    def inventory_number(self):
        return self.values.get("inventory_number", "")

    def title_key(self):
        authors = self.values.get("authors") or [""]
        return title_key(self.values.get("title", ""), authors[0], self.values.get("year"))


def title_key(title, first_author, year):
    return (normalize(title), normalize(first_author), year or None)


def clean_line(value):
    return " ".join((value or "").split())


def clean_long_text(value):
    lines = (value or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


class RowReader:
    """Turns a row's texts into the values stored, noting each problem."""

    def __init__(self):
        self.languages = _choice_names(Book.Language.choices, LANGUAGE_NAMES)
        self.conditions = _choice_names(Copy.Condition.choices, CONDITION_NAMES)
        self.subjects, self.subject_names = {}, {}
        for subject in Subject.objects.order_by("-position", "-name_pl"):
            self.subject_names[subject.pk] = subject.name
            # Later (lower position) wins, so a name shared by two subjects gives
            # the first one in the list.
            for name in (subject.slug, subject.name_en, subject.name_pl):
                if name:
                    self.subjects[normalize(name)] = subject

    def read(self, number, texts):
        row = Row(number, {})
        for key, text in texts.items():
            if key in IGNORED_COLUMNS:
                continue
            try:
                value = getattr(self, f"_{key}")(text, COLUMNS_BY_KEY[key])
            except ValidationError as exc:
                row.errors.append((key, exc.messages[0]))
                continue
            if value not in ("", None, []):
                row.values[key] = value
        if "title" not in row.values and not any(key == "title" for key, _m in row.errors):
            row.errors.append(("title", _("The title is missing.")))
        if row.inventory_number:
            row.inventory_key = row.inventory_number.upper()
        return row

    @staticmethod
    def _check_length(value, column):
        if column.max_length and len(value) > column.max_length:
            raise ValidationError(
                _("Too long: %(length)s characters (at most %(max)s).")
                % {"length": len(value), "max": column.max_length}
            )
        return value

    def _line(self, text, column):
        return self._check_length(clean_line(text), column)

    _title = _subtitle = _publisher = _shelf_mark = _inventory_number = _line

    def _long_text(self, text, column):
        return self._check_length(clean_long_text(text), column)

    _description = _notes = _long_text

    def _authors(self, text, column):
        names = split_authors(text)
        for name in names:
            if len(name) > column.max_length:
                raise ValidationError(
                    _("The author “%(name)s…” is too long (at most %(max)s characters).")
                    % {"name": name[:40], "max": column.max_length}
                )
        return names

    def _isbn(self, text, column):
        typed = clean_line(text)
        if re.fullmatch(r"\d{9}", typed):
            typed = "0" + typed  # an ISBN-10 whose leading 0 a spreadsheet dropped
        isbn13, typed = normalize_isbn(typed)
        return (isbn13, self._check_length(typed, column)) if isbn13 else None

    def _year(self, text, column):
        match = _YEAR.match(clean_line(text))
        if not match:
            raise ValidationError(
                _("“%(value)s” is not a year: give the year of publication as a number, e.g. 2019.")
                % {"value": clean_line(text)[:40]}
            )
        year = int(match.group(1))
        if not 1450 <= year <= 2100:
            raise ValidationError(
                _("%(year)s is not a plausible year of publication (1450–2100).") % {"year": year}
            )
        return year

    def _language(self, text, column):
        code = self.languages.get(_value_key(text))
        if code is None:
            raise ValidationError(
                _("Unknown language “%(value)s”. Use one of: %(known)s.")
                % {"value": clean_line(text)[:60], "known": _choices_text(Book.Language)}
            )
        return code

    def _condition(self, text, column):
        code = self.conditions.get(_value_key(text))
        if code is None:
            raise ValidationError(
                _("Unknown condition “%(value)s”. Use one of: %(known)s.")
                % {"value": clean_line(text)[:60], "known": _choices_text(Copy.Condition)}
            )
        return code

    def _subjects(self, text, column):
        found, unknown = [], []
        for name in _LIST_SEPARATORS.split(text):
            name = clean_line(name)
            if not name:
                continue
            subject = self.subjects.get(normalize(name))
            if subject is None:
                unknown.append(name)
            elif subject.pk not in found:
                found.append(subject.pk)
        if unknown:
            raise ValidationError(
                _(
                    "Unknown subject: %(names)s. Use the subjects listed in the admin "
                    "(Library › Subjects) or add the subject there first."
                )
                % {"names": ", ".join(_quoted(name[:80]) for name in unknown)}
            )
        return found


def _choices_text(choices):
    return ", ".join(str(label) for _code, label in choices.choices)


# --- The plan ----------------------------------------------------------------------------


@dataclass
class CopyOp:
    row: int
    inventory_number: str
    kind: str  # "create", "update" or "unchanged"
    copy: Copy | None = None
    fields: dict = field(default_factory=dict)  # condition, notes
    move_from: Book | None = None
    changes: list = field(default_factory=list)  # (field, old, new) for the preview


@dataclass
class BookOp:
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
    return [{"field": key, "old": _short(old), "new": _short(new)} for key, old, new in changes]


def _short(value, limit=120):
    value = "" if value is None else str(value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _chunks(values, size=CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


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
        for chunk in _chunks(sorted(inventory_keys)):
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
        for chunk in _chunks(sorted(isbns)):
            found.update(Book.objects.filter(isbn__in=chunk).values_list("isbn", "pk"))
        return found

    def _existing_books(self, pks):
        """{pk: Book} with `_import_authors` (names in order) and
        `_import_subjects` (pks) set: three queries per chunk."""
        books = {}
        for chunk in _chunks(sorted(pks)):
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
        for chunk in _chunks({c.copy.book_id for _r, _o, c in moving}):
            old_books.update((book.pk, book) for book in Book.objects.filter(pk__in=chunk))
        for chunk in _chunks([c.copy.pk for _r, _o, c in moving]):
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
    return Planner(table, lock=lock).run()


def preview(data, filename):
    """(Plan) for a file's bytes; raises ImportFileError for a file that cannot be read."""
    return make_plan(read_table(data, filename))


# --- Applying ------------------------------------------------------------------------------


class ImportRefused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _read_stored(catalogue_import):
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
    if record.file:
        record.file.delete(save=False)
        CatalogueImport.objects.filter(pk=record.pk).update(file="")


def execute(plan, *, now, by=None):
    """Write the plan (inside the caller's transaction): bulk inserts and updates;
    then the copies that joined a title readers wait for go to them."""
    created = [op for op in plan.books if op.kind == "create"]
    updated = [op for op in plan.books if op.kind == "update"]
    _create_books(created, now)
    _update_books(updated, now)
    _write_authors([op for op in created + updated if op.authors is not None])
    _write_subjects([op for op in created + updated if op.subjects is not None])
    _write_copies(plan.books, now)
    _serve_waiting_readers(plan.books, now=now, by=by)
    Book.objects.rebuild_search_documents(op.book.pk for op in created + updated)


def _book_attributes(fields):
    attributes = {}
    for key, value in fields.items():
        if key == "isbn":
            attributes["isbn"], attributes["isbn_as_typed"] = value
        else:
            attributes[key] = value
    return attributes


def _create_books(ops, now):
    if not ops:
        return
    taken = set(Book.objects.values_list("slug", flat=True))

    def is_taken(slug):
        return slug in taken

    books = []
    for op in ops:
        attributes = _book_attributes(op.fields)
        slug = unique_slug(
            attributes["title"], is_taken=is_taken, max_length=100, fallback="ksiazka"
        )
        taken.add(slug)
        op.book = Book(slug=slug, created_at=now, **attributes)
        books.append(op.book)
    Book.objects.bulk_create(books, batch_size=CHUNK)
    if any(book.pk is None for book in books):  # pragma: no cover - databases without RETURNING
        by_slug = dict(
            Book.objects.filter(slug__in=[b.slug for b in books]).values_list("slug", "pk")
        )
        for book in books:
            book.pk = by_slug[book.slug]


def _update_books(ops, now):
    if not ops:
        return
    changed = set()
    for op in ops:
        for attribute, value in _book_attributes(op.fields).items():
            setattr(op.book, attribute, value)
            changed.add(attribute)
        op.book.updated_at = now
    Book.objects.bulk_update(
        [op.book for op in ops], [*sorted(changed), "updated_at"], batch_size=CHUNK
    )


def _write_authors(ops):
    if not ops:
        return
    names = {name for op in ops for name in op.authors}
    authors = {}
    for chunk in _chunks(sorted(names)):
        authors.update((a.name, a) for a in Author.objects.filter(name__in=chunk))
    missing = [Author(name=name) for name in sorted(names) if name not in authors]
    if missing:
        Author.objects.bulk_create(missing, batch_size=CHUNK, ignore_conflicts=True)
        for chunk in _chunks([a.name for a in missing]):
            authors.update((a.name, a) for a in Author.objects.filter(name__in=chunk))
    for chunk in _chunks([op.book.pk for op in ops if op.kind == "update"]):
        BookAuthor.objects.filter(book_id__in=chunk).delete()
    links = [
        BookAuthor(book=op.book, author=authors[name], position=position)
        for op in ops
        for position, name in enumerate(op.authors)
    ]
    BookAuthor.objects.bulk_create(links, batch_size=CHUNK)


def _write_subjects(ops):
    if not ops:
        return
    through = Book.subjects.through
    for chunk in _chunks([op.book.pk for op in ops if op.kind == "update"]):
        through.objects.filter(book_id__in=chunk).delete()
    links = [through(book_id=op.book.pk, subject_id=pk) for op in ops for pk in op.subjects]
    through.objects.bulk_create(links, batch_size=CHUNK)


def _write_copies(ops, now):
    new, changed, changed_fields = [], [], set()
    for op in ops:
        for copy_op in op.copies:
            if copy_op.kind == "create":
                copy_op.copy = Copy(
                    book=op.book,
                    inventory_number=copy_op.inventory_number,
                    created_at=now,
                    **copy_op.fields,
                )
                new.append(copy_op.copy)
            elif copy_op.kind == "update":
                copy = copy_op.copy
                for key, value in copy_op.fields.items():
                    setattr(copy, key, value)
                    changed_fields.add(key)
                if copy_op.move_from is not None or copy.book_id != op.book.pk:
                    copy.book = op.book
                    changed_fields.add("book")
                changed.append(copy)
    if new:
        Copy.objects.bulk_create(new, batch_size=CHUNK)
    if changed and changed_fields:
        Copy.objects.bulk_update(changed, sorted(changed_fields), batch_size=CHUNK)


def _serve_waiting_readers(ops, *, now, by=None):
    """A copy the import adds to a title already in the catalogue (a new copy, or
    one moved to it) goes, as `library.services.copy_add` gives it, to the first
    reader waiting for that title: set aside, with an e-mail after the commit. A
    new book has nobody waiting, and titles nobody waits for cost one query per
    chunk of titles: the bulk writes above stay bulk."""
    from library import services

    arrived = {}  # book pk -> copies that joined it, in the file's order
    for op in ops:
        if op.kind == "create":
            continue
        for copy_op in op.copies:
            moved = any(change[0] == "book" for change in copy_op.changes)
            joined = copy_op.kind == "create" or moved
            if joined and copy_op.copy.status == Copy.Status.AVAILABLE:
                arrived.setdefault(op.book.pk, []).append(copy_op.copy)
    if not arrived:
        return
    awaited = set()
    for chunk in _chunks(sorted(arrived)):
        awaited.update(
            Hold.objects.filter(book_id__in=chunk, status=Hold.Status.WAITING)
            .order_by()
            .values_list("book_id", flat=True)
            .distinct()
        )
    for book_pk in sorted(awaited):
        for copy in arrived[book_pk]:
            if copy.pk is None:  # pragma: no cover - databases without RETURNING
                copy = Copy.objects.get(inventory_number=copy.inventory_number)
            services.copy_add(copy=copy, by=by, now=now)
