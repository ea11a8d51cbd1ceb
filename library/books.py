"""Catalogue records: what the admin form, the import and the demo data share.

`normalize_isbn` turns what someone typed into the stored ISBN-13 (or refuses it
with a message); `book_slug` gives a free address; `set_authors` stores the
ordered author list and `split_authors` reads one from a spreadsheet cell.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import isbn as stdnum_isbn
from stdnum.exceptions import ValidationError as StdnumError

from cwop_portal.text import unique_slug
from library.models import Author, Book, BookAuthor

# Separators between authors in one spreadsheet cell: ";" or a line break
# ("Kowalska, Anna" keeps its comma: a comma alone is not a separator).
_AUTHOR_SEPARATORS = re.compile(r"\s*(?:;|\n|\r)\s*")


def normalize_isbn(value):
    """(isbn13_digits, as_typed) for an ISBN-10/13 with or without dashes; ("", "")
    for an empty value. Raises ValidationError naming the problem."""
    typed = " ".join((value or "").split())
    if not typed:
        return "", ""
    try:
        compact = stdnum_isbn.validate(typed)
    except StdnumError as exc:
        code = type(exc).__name__
        if code == "InvalidChecksum":
            message = _("“%(value)s” is not a valid ISBN: its check digit is wrong.")
        elif code == "InvalidLength":
            message = _("“%(value)s” is not a valid ISBN: it must have 10 or 13 digits.")
        else:
            message = _(
                "“%(value)s” is not a valid ISBN: use digits (and X as the last "
                "character of an ISBN-10), with or without dashes."
            )
        raise ValidationError(message % {"value": typed}, code="invalid_isbn") from exc
    if len(compact) == 10:
        return stdnum_isbn.to_isbn13(compact), typed
    return compact, typed


def book_slug(title, *, exclude_pk=None):
    def is_taken(slug):
        books = Book.objects.filter(slug=slug)
        if exclude_pk:
            books = books.exclude(pk=exclude_pk)
        return books.exists()

    return unique_slug(title, is_taken=is_taken, max_length=100, fallback="ksiazka")


def split_authors(text):
    """Author names from one cell: "Anna Kowalska; Jan Nowak" -> two names."""
    names = []
    for part in _AUTHOR_SEPARATORS.split(text or ""):
        name = " ".join(part.split())
        if name and name not in names:
            names.append(name)
    return names


def set_authors(book, names):
    """Make `names` (in order) the book's authors; True when anything changed."""
    current = list(book.book_authors.select_related("author").order_by("position", "pk"))
    if [link.author.name for link in current] == list(names):
        return False
    book.book_authors.all().delete()
    existing = {a.name: a for a in Author.objects.filter(name__in=names)}
    links = []
    for position, name in enumerate(names):
        author = existing.get(name) or Author.objects.create(name=name)
        existing[name] = author
        links.append(BookAuthor(book=book, author=author, position=position))
    BookAuthor.objects.bulk_create(links)
    return True
