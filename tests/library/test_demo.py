"""`seed_demo --books N`: demo books with copies, loans and reservations that keep
the library's rules, found by the catalogue's search, and never doubled."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone
from stdnum import isbn

from library import search
from library.models import Author, Book, BookAuthor, Copy, Hold, LibrarySettings, Loan

pytestmark = pytest.mark.django_db

MEMBER = "czlonek@example.com"


def seed(books):
    out = io.StringIO()
    call_command(
        "seed_demo",
        "--orgs",
        "2",
        "--bookings",
        "0",
        "--advisors",
        "0",
        "--appointments",
        "0",
        "--books",
        str(books),
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Book, Author, BookAuthor, Copy, Loan, Hold)
    }


def assert_circulation_is_consistent():
    """What `library.services` guarantees, checked on every copy, loan and hold."""
    settings = LibrarySettings.load()
    today = timezone.localdate()
    active_loans = Counter(Loan.objects.active().values_list("copy_id", flat=True))
    ready = Counter(Hold.objects.filter(status=Hold.Status.READY).values_list("copy_id", flat=True))
    assert all(n == 1 for n in active_loans.values())
    assert all(n == 1 for n in ready.values())
    for copy in Copy.objects.all():
        assert (copy.status == Copy.Status.ON_LOAN) == (copy.pk in active_loans), copy
        assert (copy.status == Copy.Status.HELD) == (copy.pk in ready), copy
    for loan in Loan.objects.all():
        assert loan.returned_at is None or loan.returned_at >= loan.lent_at
    per_reader = Counter(Loan.objects.active().values_list("borrower_id", flat=True))
    assert max(per_reader.values(), default=0) <= settings.max_active_loans
    holds_per_reader = Counter(Hold.objects.active().values_list("user_id", flat=True))
    assert max(holds_per_reader.values(), default=0) <= settings.max_active_holds
    for hold in Hold.objects.filter(status=Hold.Status.READY):
        assert hold.copy.book_id == hold.book_id and hold.expires_on >= today
    for hold in Hold.objects.filter(status=Hold.Status.WAITING).select_related("book"):
        # Nobody waits for a title with a copy on the shelf, or one they borrow.
        assert not hold.book.copies.filter(status=Copy.Status.AVAILABLE).exists(), hold
        assert not Loan.objects.active().filter(copy__book=hold.book, borrower=hold.user).exists()
    for loan in Loan.objects.active():
        if loan.organization_id:
            assert loan.organization.memberships.filter(user=loan.borrower).exists()


def test_the_demo_books_are_marked_valid_and_searchable():
    output = seed(40)
    assert "Demo library: created 40 books" in output
    books = list(Book.objects.prefetch_related("copies"))
    assert len(books) == 40
    for book in books:
        assert book.is_demo and book.title.endswith(" (demo)")
        assert book.description.startswith("(demo)")
        assert 1 <= len(book.copies.all()) <= 3
        assert all(c.is_demo and c.inventory_number.startswith("DEMO/") for c in book.copies.all())
        assert book.subjects.exists() and book.author_names()
        # The search text is what the site would compute for the book.
        assert book.search_document == search.book_document(book)
        if book.isbn:
            assert isbn.is_valid(book.isbn) and book.isbn.startswith("97883")
            assert isbn.compact(book.isbn_as_typed) == book.isbn
    with_isbn = [b.isbn for b in books if b.isbn]
    assert len(with_isbn) == len(set(with_isbn)) >= 30
    numbers = list(Copy.objects.values_list("inventory_number", flat=True))
    assert len(numbers) == len(set(numbers))
    assert "DEMO/00001" in numbers
    assert len({b.slug for b in books}) == 40


def test_the_fundraising_book_is_found_and_on_the_shelf():
    seed(12)
    found = list(Book.objects.search("pozyskiwanie funduszy"))
    fundraising = Book.objects.get(title__startswith="Pozyskiwanie funduszy dla organizacji")
    assert fundraising in found
    assert fundraising.copies.filter(status=Copy.Status.AVAILABLE).exists()
    assert list(Book.objects.search(fundraising.isbn_as_typed)) == [fundraising]


def test_the_demo_circulation_keeps_the_rules():
    seed(300)
    assert_circulation_is_consistent()
    today = timezone.localdate()
    member_loans = Loan.objects.active().filter(borrower__email=MEMBER)
    assert member_loans.count() == 3
    assert member_loans.filter(due_on__lt=today).count() == 1
    assert Hold.objects.filter(user__email=MEMBER, status=Hold.Status.READY).count() == 1
    assert Loan.objects.filter(returned_at__isnull=False).exists()
    assert Copy.objects.filter(status=Copy.Status.WITHDRAWN).exists()
    assert all(loan.is_demo for loan in Loan.objects.all())
    assert all(hold.is_demo for hold in Hold.objects.all())


def test_seeding_again_creates_nothing_and_a_larger_number_only_tops_up():
    seed(30)
    before = counts()
    output = seed(30)
    assert "Demo library: 30 books already there, none created." in output
    assert counts() == before
    output = seed(45)
    assert "created 15 books" in output
    assert Book.objects.count() == 45
    assert Copy.objects.count() > before["Copy"]
    numbers = list(Copy.objects.values_list("inventory_number", flat=True))
    assert len(numbers) == len(set(numbers))
    assert_circulation_is_consistent()


def test_a_negative_number_of_books_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--books"):
        seed(-1)
