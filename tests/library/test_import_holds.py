"""Readers waiting for a title are served when the catalogue import adds a copy of
it, as when staff add one in the admin (`library.services.copy_add`): the first
reader waiting gets the copy set aside and an e-mail after the commit; titles
nobody waits for keep their new copies on the shelf, written in bulk.

Outside a test transaction (on PostgreSQL in CI): the import's transaction, its
locks and its on-commit e-mails run as in production.
"""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from library import importing
from library.models import Book, CatalogueImport, Copy, Hold
from tests.factories import UserFactory
from tests.library.factories import BookFactory, CopyFactory, HoldFactory, LoanFactory
from tests.library.test_import import csv_bytes, isbn13

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def import_through_the_admin(client, rows):
    response = client.post(
        reverse("admin:library_book_import"),
        {"file": SimpleUploadedFile("biblioteczka.csv", csv_bytes(rows), "text/csv")},
    )
    assert response.status_code == 302
    record = CatalogueImport.objects.order_by("-pk").first()
    assert record.summary["errors"]["count"] == 0, record.summary["errors"]
    response = client.post(
        reverse("admin:library_book_import_preview", args=[record.pk]), {"action": "apply"}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == CatalogueImport.Status.APPLIED
    return record


def waiting(book, email, days_ago):
    return HoldFactory(
        book=book,
        user=UserFactory(email=email),
        created_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def letters_to(address):
    return [message for message in mail.outbox if address in message.to]


@pytest.mark.write_path("admin:library_book_import", "admin:library_book_import_preview")
def test_new_copies_go_to_the_readers_waiting_longest_who_are_emailed(staff_client):
    book = BookFactory(title="Fundraising w praktyce", isbn=isbn13(1))
    LoanFactory(copy=CopyFactory(book=book, inventory_number="F/1"), borrower=UserFactory())
    first = waiting(book, "first@example.org", days_ago=9)
    second = waiting(book, "second@example.org", days_ago=5)
    third = waiting(book, "third@example.org", days_ago=1)
    quiet = BookFactory(title="Księgowość stowarzyszeń", isbn=isbn13(2))
    mail.outbox.clear()

    import_through_the_admin(
        staff_client,
        [
            ["Tytuł", "ISBN", "Nr inwentarzowy"],
            ["Fundraising w praktyce", isbn13(1), "F/1"],
            ["Fundraising w praktyce", isbn13(1), "F/2"],
            ["Fundraising w praktyce", isbn13(1), "F/3"],
            ["Księgowość stowarzyszeń", isbn13(2), "K/1"],
            ["Nowa książka", isbn13(3), "N/1"],
        ],
    )

    for hold in (first, second, third):
        hold.refresh_from_db()
    assert (first.status, second.status, third.status) == (
        Hold.Status.READY,
        Hold.Status.READY,
        Hold.Status.WAITING,
    )
    assert {first.copy.inventory_number, second.copy.inventory_number} == {"F/2", "F/3"}
    assert set(Copy.objects.filter(book=book).values_list("inventory_number", "status")) == {
        ("F/1", Copy.Status.ON_LOAN),
        ("F/2", Copy.Status.HELD),
        ("F/3", Copy.Status.HELD),
    }
    assert first.expires_on is not None
    assert len(letters_to("first@example.org")) == 1
    assert len(letters_to("second@example.org")) == 1
    assert letters_to("third@example.org") == []
    assert Copy.objects.get(inventory_number="K/1").book == quiet
    assert Copy.objects.get(inventory_number="K/1").status == Copy.Status.AVAILABLE
    assert Copy.objects.get(inventory_number="N/1").status == Copy.Status.AVAILABLE
    assert Book.objects.get(title="Nowa książka").copies.count() == 1


@pytest.mark.write_path("admin:library_book_import", "admin:library_book_import_preview")
def test_a_free_copy_moved_to_a_title_readers_wait_for_is_set_aside(staff_client):
    wrong = BookFactory(title="Zły tytuł", isbn=isbn13(11))
    right = BookFactory(title="Dobry tytuł", isbn=isbn13(12))
    CopyFactory(book=wrong, inventory_number="M/1")
    reader = waiting(right, "reader@example.org", days_ago=3)
    mail.outbox.clear()

    import_through_the_admin(
        staff_client,
        [["Tytuł", "ISBN", "Nr inwentarzowy"], ["Dobry tytuł", isbn13(12), "M/1"]],
    )

    reader.refresh_from_db()
    moved = Copy.objects.get(inventory_number="M/1")
    assert (moved.book, moved.status) == (right, Copy.Status.HELD)
    assert (reader.status, reader.copy) == (Hold.Status.READY, moved)
    assert len(letters_to("reader@example.org")) == 1


def test_an_import_for_titles_nobody_waits_for_asks_about_holds_once(
    staff_client, django_assert_max_num_queries
):
    """The common case stays bulk: one look at the holds for the titles given copies."""
    books = [BookFactory(title=f"Tytuł {n}", isbn=isbn13(100 + n)) for n in range(30)]
    rows = [["Tytuł", "ISBN", "Nr inwentarzowy"]]
    rows += [[book.title, isbn13(100 + n), f"S/{n}"] for n, book in enumerate(books)]
    plan = importing.preview(csv_bytes(rows), "biblioteczka.csv")
    with django_assert_max_num_queries(6):  # the insert, the holds, the transaction
        importing.execute(plan, now=timezone.now())
    assert Copy.objects.filter(status=Copy.Status.AVAILABLE).count() == 30
