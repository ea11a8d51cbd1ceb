"""Staff at two desks, readers clicking at once: a copy is lent once, set aside
once, and a reader never goes over the loan limit.

Real transactions and concurrent connections, with the helpers of tests/concurrency.py
(whose fixture moves SQLite's in-memory test database to a file meanwhile).
"""

import pytest
from django.core.exceptions import ValidationError

from library import services
from library.models import Copy, Hold, LibrarySettings, Loan
from tests.concurrency import run_together
from tests.factories import UserFactory
from tests.library.factories import BookFactory

THREADS = 16

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("threads_share_a_database"),
]


def errors(outcomes):
    return [exc for _result, exc in outcomes if exc is not None]


def test_one_copy_lent_at_two_desks_at_once_goes_to_one_reader():
    book = BookFactory(copies=1)
    copy = book.copies.get()
    staff = UserFactory(is_staff=True)
    readers = [UserFactory() for _ in range(THREADS)]
    outcomes = run_together(
        [
            (lambda reader=reader: services.copy_lend(copy=copy, borrower=reader, by=staff))
            for reader in readers
        ]
    )
    assert Loan.objects.filter(copy=copy, returned_at__isnull=True).count() == 1
    refused = errors(outcomes)
    assert len(refused) == THREADS - 1
    assert all(isinstance(exc, ValidationError) for exc in refused), refused
    assert {exc.message_dict["copy"][0] for exc in refused} == {"This copy is already on loan."}
    assert Copy.objects.get(pk=copy.pk).status == Copy.Status.ON_LOAN


def test_readers_reserving_the_last_copy_at_once_get_it_once_and_queue_in_order():
    book = BookFactory(copies=1)
    readers = [UserFactory() for _ in range(THREADS)]
    outcomes = run_together(
        [(lambda reader=reader: services.hold_place(book=book, user=reader)) for reader in readers]
    )
    assert errors(outcomes) == []
    holds = Hold.objects.filter(book=book)
    assert holds.filter(status=Hold.Status.READY).count() == 1
    assert holds.filter(status=Hold.Status.WAITING).count() == THREADS - 1
    assert Copy.objects.get(book=book).status == Copy.Status.HELD


def test_a_reader_never_goes_over_the_loan_limit_when_two_desks_lend_at_once():
    settings = LibrarySettings.load()
    settings.max_active_loans = 2
    settings.save()
    reader = UserFactory()
    staff = UserFactory(is_staff=True)
    copies = [BookFactory(copies=1).copies.get() for _ in range(THREADS)]
    outcomes = run_together(
        [
            (lambda copy=copy: services.copy_lend(copy=copy, borrower=reader, by=staff))
            for copy in copies
        ]
    )
    assert Loan.objects.filter(borrower=reader, returned_at__isnull=True).count() == 2
    refused = errors(outcomes)
    assert len(refused) == THREADS - 2
    assert all("borrower" in exc.message_dict for exc in refused), refused
