"""Checking the rows: each row's texts become the values stored (a year, a
language code, subject pks, an ISBN-13...), and each problem is noted against
its column, so that the preview lists every error of the file at once."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cwop_portal.search import normalize
from library.books import normalize_isbn, split_authors
from library.importing.columns import COLUMNS_BY_KEY, IGNORED_COLUMNS, in_each_language
from library.importing.common import quoted
from library.models import Book, Copy, Subject

_LIST_SEPARATORS = re.compile(r"\s*(?:;|\n|\r)\s*")
_YEAR = re.compile(r"^(\d{1,4})(?:\.0+)?\s*(?:r\.?|rok)?$", re.IGNORECASE)

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


def _value_key(text):
    """A language or condition name as compared: "Język polski" -> "polski"."""
    key = normalize(text)
    for prefix in ("jezyk ", "language "):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    return key


def _choice_names(choices, extra):
    """{name as compared: code} of a choice: its code, the extra names and its
    label in each language."""
    names = {}
    for code, aliases in extra.items():
        names[normalize(code)] = code
        for alias in aliases:
            names[_value_key(alias)] = code
    for code, label in choices:
        names.setdefault(normalize(code), code)
        for text in in_each_language(label):
            names.setdefault(_value_key(text), code)
    return names


@dataclass
class Row:
    """One data row of the file, checked: its clean values and its errors."""

    number: int
    values: dict  # column key -> cleaned value; only cells that were filled in
    errors: list = field(default_factory=list)  # (column key, message)
    inventory_key: str = ""  # the inventory number, upper-case

    @property
    def inventory_number(self):
        return self.values.get("inventory_number", "")

    def title_key(self):
        authors = self.values.get("authors") or [""]
        return title_key(self.values.get("title", ""), authors[0], self.values.get("year"))


def title_key(title, first_author, year):
    """What finds a book without an ISBN: title, first author and year, ignoring
    case, diacritics and punctuation."""
    return (normalize(title), normalize(first_author), year or None)


def clean_line(value):
    """One line of text with single spaces (cells often have stray ones)."""
    return " ".join((value or "").split())


def clean_long_text(value):
    """Text whose line breaks are kept, without trailing spaces or blank ends."""
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
                % {"names": ", ".join(quoted(name[:80]) for name in unknown)}
            )
        return found


def _choices_text(choices):
    """The labels of a choice, listed in the message about an unknown value."""
    return ", ".join(str(label) for _code, label in choices.choices)
