"""Factories for the library: subjects, books with authors, copies and loans.

Plain functions taking the model's fields as keyword overrides, e.g.
`make_book(title="Fundraising", authors=["Anna Kowalska"], copies=2)`.
They write rows directly (no rules checked, no e-mails): use them for records
that should already be there; circulation goes through `library.services`.
"""

import datetime
import itertools

from django.utils import timezone

from library.books import book_slug, normalize_isbn, set_authors
from library.models import Book, Copy, Loan, Subject

_sequence = itertools.count(1)


def make_subject(**overrides):
    n = next(_sequence)
    values = {"name_pl": f"Temat testowy {n}", "name_en": f"Test subject {n}", "slug": f"temat-{n}"}
    values.update(overrides)
    return Subject.objects.create(**values)


def make_book(*, authors=(), subjects=(), copies=0, isbn="", **overrides):
    """A book; `authors`: names in order; `subjects`: Subject rows; `copies`: how many
    available copies to add (inventory numbers T/<book pk>/<n>); `isbn` as typed."""
    n = next(_sequence)
    values = {"title": f"Książka testowa {n}", "language": Book.Language.POLISH}
    values.update(overrides)
    if isbn:
        values["isbn"], values["isbn_as_typed"] = normalize_isbn(isbn)
    values.setdefault("slug", book_slug(values["title"]))
    book = Book.objects.create(**values)
    if authors:
        set_authors(book, list(authors))
    if subjects:
        book.subjects.set(subjects)
    for number in range(1, copies + 1):
        make_copy(book=book, inventory_number=f"T/{book.pk}/{number}")
    book.rebuild_search_document()
    return book


def make_copy(*, book=None, **overrides):
    n = next(_sequence)
    values = {"inventory_number": f"INW/{n:05d}", "condition": Copy.Condition.GOOD}
    values.update(overrides)
    return Copy.objects.create(book=book or make_book(), **values)


def make_loan(*, copy, borrower, days=30, **overrides):
    """An active loan of `copy` (its status becomes "on loan")."""
    now = timezone.now()
    values = {
        "lent_at": now,
        "due_on": timezone.localdate() + datetime.timedelta(days=days),
    }
    values.update(overrides)
    loan = Loan.objects.create(copy=copy, borrower=borrower, **values)
    if loan.returned_at is None:
        Copy.objects.filter(pk=copy.pk).update(status=Copy.Status.ON_LOAN)
        copy.status = Copy.Status.ON_LOAN
    return loan


def make_hold(*, book, user, status=None, copy=None, **overrides):
    """A hold of `user` on `book` (waiting unless `status`). A ready hold sets aside
    `copy` (a new copy of the book if not given; its status becomes "held") until
    `expires_on` (five days from today unless given)."""
    from library.models import Hold

    values = {"status": status or Hold.Status.WAITING, "created_at": timezone.now()}
    values.update(overrides)
    if values["status"] == Hold.Status.READY:
        copy = copy or make_copy(book=book)
        values.setdefault("ready_at", timezone.now())
        values.setdefault("expires_on", timezone.localdate() + datetime.timedelta(days=5))
        Copy.objects.filter(pk=copy.pk).update(status=Copy.Status.HELD)
        copy.status = Copy.Status.HELD
    if values["status"] not in Hold.ACTIVE_STATUSES:
        values.setdefault("closed_at", timezone.now())
    return Hold.objects.create(book=book, user=user, copy=copy, **values)
