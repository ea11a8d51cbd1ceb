"""Catalogue search: the portal's Polish-aware word matching, plus ISBNs.

A book keeps a `search_document` (lower-case ASCII words, " word" at each word's
start; see `cwop_portal.search`) from its title, subtitle, authors, publisher,
subjects in both languages, shelf mark and its ISBN in both forms (ISBN-13 and,
where it has one, ISBN-10, digits only).
A query that is an ISBN — with or without dashes or spaces, 10 or 13 digits,
valid checksum — finds the book by its stored ISBN-13; anything else, a
malformed ISBN included, is searched as words.
"""

import re

from stdnum import isbn as stdnum_isbn

from cwop_portal.search import build_document, matching

_ISBN_CHARS = re.compile(r"^[0-9Xx\- ]{10,17}$")


def isbn13_of(query):
    """The ISBN-13 (digits) that `query` spells, or "" when it is not an ISBN."""
    query = (query or "").strip()
    if not _ISBN_CHARS.match(query):
        return ""
    try:
        return stdnum_isbn.to_isbn13(stdnum_isbn.validate(query))
    except Exception:  # noqa: BLE001 - stdnum raises several ValidationError kinds
        return ""


def isbn10_of(isbn13):
    try:
        return stdnum_isbn.to_isbn10(isbn13) if isbn13 else ""
    except Exception:  # noqa: BLE001 - 979 ISBNs have no ISBN-10
        return ""


def book_document(book, *, authors=None, subjects=None):
    """The stored search text of a book; its authors' names and its Subject rows are
    read from the database unless given."""
    if authors is None:
        authors = [link.author.name for link in book.book_authors.select_related("author")]
    if subjects is None:
        subjects = list(book.subjects.all())
    subjects = [name for subject in subjects for name in (subject.name_pl, subject.name_en)]
    return build_document(
        book.title,
        book.subtitle,
        *authors,
        book.publisher,
        *subjects,
        book.shelf_mark,
        book.isbn,
        isbn10_of(book.isbn),
    )


def filter_books(queryset, query):
    isbn13 = isbn13_of(query)
    if isbn13:
        return queryset.filter(isbn=isbn13)
    return queryset.filter(matching(query))
