"""Factories for the library: subjects, books with authors, copies, loans and holds.

factory_boy factories taking the model's fields as keyword overrides, e.g.
`BookFactory(title="Fundraising", authors=["Anna Kowalska"], copies=2)`.
They write rows directly (no rules checked, no e-mails): use them for records
that should already be there; circulation goes through `library.services`.
`book_form` is the POST data of the admin's form that adds a book.
"""

import datetime

import factory
from django.utils import timezone

from library.books import book_slug, normalize_isbn, set_authors
from library.models import Book, Copy, Hold, Loan, Subject


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject

    name_pl = factory.Sequence(lambda n: f"Temat testowy {n}")
    name_en = factory.Sequence(lambda n: f"Test subject {n}")
    slug = factory.Sequence(lambda n: f"temat-{n}")


class BookFactory(factory.django.DjangoModelFactory):
    """A book; `authors`: names in order; `subjects`: Subject rows; `copies`: how many
    available copies to add (inventory numbers T/<book pk>/<n>); `isbn` as typed."""

    class Meta:
        model = Book
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Książka testowa {n}")
    language = Book.Language.POLISH
    slug = factory.LazyAttribute(lambda book: book_slug(book.title))

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        if kwargs.get("isbn"):
            kwargs["isbn"], kwargs["isbn_as_typed"] = normalize_isbn(kwargs["isbn"])
        return kwargs

    @factory.post_generation
    def authors(obj, create, extracted, **kwargs):
        if create and extracted:
            set_authors(obj, list(extracted))

    @factory.post_generation
    def subjects(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.subjects.set(extracted)

    @factory.post_generation
    def copies(obj, create, extracted, **kwargs):
        for number in range(1, (extracted or 0) + 1):
            CopyFactory(book=obj, inventory_number=f"T/{obj.pk}/{number}")

    @factory.post_generation
    def search_document(obj, create, extracted, **kwargs):
        # Last: the search text includes the authors and subjects set above.
        if create:
            obj.rebuild_search_document()


class CopyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Copy

    book = factory.SubFactory(BookFactory)
    inventory_number = factory.Sequence(lambda n: f"INW/{n:05d}")
    condition = Copy.Condition.GOOD


class LoanFactory(factory.django.DjangoModelFactory):
    """An active loan of `copy` to `borrower`, due in `days` (30) days; the copy's
    status becomes "on loan" (unless the loan has been returned)."""

    class Meta:
        model = Loan
        skip_postgeneration_save = True

    class Params:
        days = 30

    lent_at = factory.LazyFunction(timezone.now)
    due_on = factory.LazyAttribute(
        lambda loan: timezone.localdate() + datetime.timedelta(days=loan.days)
    )

    @factory.post_generation
    def copy_status(obj, create, extracted, **kwargs):
        if create and obj.returned_at is None:
            Copy.objects.filter(pk=obj.copy.pk).update(status=Copy.Status.ON_LOAN)
            obj.copy.status = Copy.Status.ON_LOAN


def _if_ready(value):
    return factory.LazyAttribute(lambda hold: value() if hold.status == Hold.Status.READY else None)


class HoldFactory(factory.django.DjangoModelFactory):
    """A hold of `user` on `book` (waiting unless `status`). A ready hold sets aside
    `copy` (a new copy of the book if not given; its status becomes "held") until
    `expires_on` (five days from today unless given); a hold no longer active is
    closed now."""

    class Meta:
        model = Hold
        skip_postgeneration_save = True

    status = Hold.Status.WAITING
    created_at = factory.LazyFunction(timezone.now)
    copy = factory.Maybe(
        factory.LazyAttribute(lambda hold: hold.status == Hold.Status.READY),
        yes_declaration=factory.SubFactory(CopyFactory, book=factory.SelfAttribute("..book")),
        no_declaration=None,
    )
    ready_at = _if_ready(timezone.now)
    expires_on = _if_ready(lambda: timezone.localdate() + datetime.timedelta(days=5))
    closed_at = factory.LazyAttribute(
        lambda hold: None if hold.status in Hold.ACTIVE_STATUSES else timezone.now()
    )

    @factory.post_generation
    def copy_status(obj, create, extracted, **kwargs):
        if create and obj.status == Hold.Status.READY:
            Copy.objects.filter(pk=obj.copy.pk).update(status=Copy.Status.HELD)
            obj.copy.status = Copy.Status.HELD


# --- Forms ---------------------------------------------------------------------------


def book_form(**overrides):
    """The POST data of the admin's form that adds a book (admin:library_book_add): a
    book with no authors or copies unless given."""
    data = {
        "title": "Fundraising w małej organizacji",
        "subtitle": "",
        "slug": "",
        "isbn_as_typed": "",
        "publisher": "Wydawnictwo Trzeci Sektor",
        "year": "2021",
        "language": "pl",
        "description": "",
        "cover_alt": "",
        "shelf_mark": "F-7",
        "book_authors-TOTAL_FORMS": "0",
        "book_authors-INITIAL_FORMS": "0",
        "book_authors-MIN_NUM_FORMS": "0",
        "book_authors-MAX_NUM_FORMS": "1000",
        "copies-TOTAL_FORMS": "0",
        "copies-INITIAL_FORMS": "0",
        "copies-MIN_NUM_FORMS": "0",
        "copies-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data
