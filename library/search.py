"""Catalogue search: the directory's Polish-aware word matching, plus ISBNs.

A book keeps a `search_document` built like an organisation's (lower-case ASCII
words, " word" at each word's start; see `organizations.search`) from its
title, subtitle, authors, publisher, subjects in both languages, shelf mark and
its ISBN in both forms (ISBN-13 and, where it has one, ISBN-10, digits only).
A query that is an ISBN — with or without dashes or spaces, 10 or 13 digits,
valid checksum — finds the book by its stored ISBN-13; anything else, a
malformed ISBN included, is searched as words.
"""

import re

from django.db.models import Q
from stdnum import isbn as stdnum_isbn

from organizations import search as words

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
    return words.build_document(
        book.title,
        book.subtitle,
        *authors,
        book.publisher,
        *subjects,
        book.shelf_mark,
        book.isbn,
        isbn10_of(book.isbn),
    )


def rebuild_documents(book_pks, *, chunk_size=1000):
    """Recompute the search text of many books: a few queries per chunk of books."""
    from django.db.models import Prefetch

    from library.models import Book, BookAuthor

    book_pks = list(book_pks)
    for start in range(0, len(book_pks), chunk_size):
        books = list(
            Book.objects.filter(pk__in=book_pks[start : start + chunk_size]).prefetch_related(
                Prefetch("book_authors", queryset=BookAuthor.objects.select_related("author")),
                "subjects",
            )
        )
        for book in books:
            book.search_document = book_document(
                book,
                authors=[link.author.name for link in book.book_authors.all()],
                subjects=list(book.subjects.all()),
            )
        Book.objects.bulk_update(books, ["search_document"], batch_size=chunk_size)


def filter_books(queryset, query):
    isbn13 = isbn13_of(query)
    if isbn13:
        return queryset.filter(isbn=isbn13)
    condition = Q()
    stems = words.query_stems(query)
    if not stems:
        return queryset
    for word_stem in stems:
        condition &= Q(search_document__contains=" " + word_stem)
    return queryset.filter(condition)
