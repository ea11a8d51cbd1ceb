"""The spreadsheet's columns: what each one holds, the names it is recognised by
(Polish or English, any letter case, diacritics and spacing) and the header row
that names them."""

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from cwop_portal.search import normalize
from library.importing.common import ImportFileError, quoted
from library.models import Author

# Longest text accepted for the fields without a length limit in the database.
MAX_LONG_TEXT = 10_000


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


def header_key(text):
    """A header as compared: "Nr inwentarzowy" -> "nrinwentarzowy"."""
    return normalize(str(text)).replace(" ", "")


def in_each_language(lazy_text):
    """A translated text in each of the portal's languages: a file may name a
    column or a value in any of them."""
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
        for label in in_each_language(column.label):
            names.setdefault(header_key(label), column.key)
    return names


def recognised_columns():
    """(label, Polish and English names) of each column, for the upload page."""
    rows = []
    for column in COLUMNS:
        rows.append((column, list(dict.fromkeys(in_each_language(column.label)))))
    return rows


def read_header(cells):
    """({column key: index in the row}, {column key: header as written}) of the
    header row; raises ImportFileError for unknown or repeated columns or no title."""
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
                "unknown": ", ".join(quoted(name) for name in unknown),
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
    """The recognised names, listed in the messages that refuse a header."""
    return "; ".join(" / ".join(names) for _column, names in recognised_columns())
