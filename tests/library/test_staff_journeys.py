"""The librarian's admin work as production runs it: outside a test transaction (on
PostgreSQL in CI), through the admin pages, checking the database afterwards."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from library.books import normalize_isbn
from library.models import Book, CatalogueImport, Copy, Hold, Loan
from tests.factories import UserFactory
from tests.forms import admin_save, page_errors
from tests.library.factories import BookFactory, CopyFactory, LoanFactory

pytestmark = pytest.mark.django_db(transaction=True)

DESK = "/admin/library/book/desk/"


@pytest.fixture
def librarian(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def reader():
    return UserFactory(email="czytelniczka@example.org", first_name="Halina", last_name="Czyta")


@pytest.mark.write_path("admin:library_book_add", "admin:library_book_change")
def test_a_librarian_adds_a_book_with_authors_and_copies_then_edits_it(librarian):
    response = admin_save(
        librarian,
        reverse("admin:library_book_add"),
        title="Ekonomia społeczna w praktyce",
        publisher="Wydawnictwo Trzeci Sektor",
        year="2022",
        language="pl",
        isbn_as_typed="83-01-00000-7",
        **{
            "book_authors-TOTAL_FORMS": "1",
            "book_authors-0-author": "",
            "copies-TOTAL_FORMS": "2",
            "copies-0-inventory_number": "E/101",
            "copies-0-condition": "good",
            "copies-1-inventory_number": "E/102",
            "copies-1-condition": "good",
        },
    )
    assert response.status_code == 302, page_errors(response)
    book = Book.objects.get(title="Ekonomia społeczna w praktyce")
    assert book.isbn == normalize_isbn("83-01-00000-7")[0]
    assert sorted(book.copies.values_list("inventory_number", flat=True)) == ["E/101", "E/102"]

    response = admin_save(
        librarian, reverse("admin:library_book_change", args=[book.pk]), year="2023"
    )
    assert response.status_code == 302, page_errors(response)
    book.refresh_from_db()
    assert book.year == 2023
    assert book.copies.count() == 2


@pytest.mark.write_path("admin:library_desk")
def test_at_the_desk_a_copy_is_lent_renewed_and_returned(librarian, reader, mailoutbox):
    copy = CopyFactory(book=BookFactory(title="Wolontariat w praktyce"), inventory_number="W/7")
    response = librarian.post(
        DESK, {"action": "lend", "inventory_number": "w/7", "email": reader.email}
    )
    assert response.status_code == 302
    loan = Loan.objects.get(copy=copy, returned_at=None)
    assert loan.borrower == reader
    assert Copy.objects.get(pk=copy.pk).status == Copy.Status.ON_LOAN
    # Days later, before it is due, the reader asks for more time.
    Loan.objects.filter(pk=loan.pk).update(due_on=loan.due_on - datetime.timedelta(days=20))
    loan.refresh_from_db()
    due = loan.due_on
    response = librarian.post(DESK, {"action": "renew", "inventory_number": "W/7"})
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.due_on > due and loan.renewals == 1

    response = librarian.post(DESK, {"action": "return", "inventory_number": "W/7"})
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.returned_at is not None
    assert Copy.objects.get(pk=copy.pk).status == Copy.Status.AVAILABLE


@pytest.mark.write_path(
    "admin:library_loan_changelist:renew_loans",
    "admin:library_loan_changelist:return_loans",
)
def test_loans_are_renewed_and_returned_from_the_list(librarian, reader):
    loans = [LoanFactory(copy=CopyFactory(), borrower=reader, days=3) for _ in range(2)]
    pks = [loan.pk for loan in loans]
    librarian.post(
        reverse("admin:library_loan_changelist"),
        {"action": "renew_loans", "_selected_action": pks},
    )
    assert all(loan.renewals == 1 for loan in Loan.objects.filter(pk__in=pks))
    librarian.post(
        reverse("admin:library_loan_changelist"),
        {"action": "return_loans", "_selected_action": pks},
    )
    assert not Loan.objects.filter(pk__in=pks, returned_at=None).exists()
    assert not Copy.objects.filter(status=Copy.Status.ON_LOAN).exists()


@pytest.mark.write_path("admin:library_hold_changelist:cancel")
def test_a_reservation_is_cancelled_from_the_list_and_the_copy_goes_back(
    librarian, reader, mailoutbox
):
    from library import services

    book = BookFactory(title="Fundraising", copies=1)
    hold = services.hold_place(book=book, user=reader)
    assert Copy.objects.get(book=book).status == Copy.Status.HELD

    librarian.post(
        reverse("admin:library_hold_changelist"),
        {"action": "cancel", "_selected_action": [hold.pk]},
    )
    hold.refresh_from_db()
    assert hold.status == Hold.Status.CANCELLED
    assert Copy.objects.get(book=book).status == Copy.Status.AVAILABLE


@pytest.mark.write_path(
    "admin:library_copy_add",
    "admin:library_copy_change",
    "admin:library_copy_changelist:withdraw",
    "admin:library_copy_changelist:restore",
    "admin:library_copy_delete",
    "admin:library_copy_changelist:delete_selected",
)
def test_copies_are_added_edited_withdrawn_restored_and_deleted(librarian):
    book = BookFactory(title="Statut stowarzyszenia")
    response = admin_save(
        librarian,
        reverse("admin:library_copy_add"),
        book=str(book.pk),
        inventory_number="S/1",
        condition="good",
    )
    assert response.status_code == 302, page_errors(response)
    copy = Copy.objects.get(inventory_number="S/1")
    response = admin_save(
        librarian, reverse("admin:library_copy_change", args=[copy.pk]), condition="worn"
    )
    assert response.status_code == 302, page_errors(response)
    assert Copy.objects.get(pk=copy.pk).condition == "worn"

    changelist = reverse("admin:library_copy_changelist")
    librarian.post(changelist, {"action": "withdraw", "_selected_action": [copy.pk]})
    assert Copy.objects.get(pk=copy.pk).status == Copy.Status.WITHDRAWN
    librarian.post(changelist, {"action": "restore", "_selected_action": [copy.pk]})
    assert Copy.objects.get(pk=copy.pk).status == Copy.Status.AVAILABLE

    response = librarian.post(reverse("admin:library_copy_delete", args=[copy.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Copy.objects.filter(pk=copy.pk).exists()
    spare = CopyFactory(book=book)
    librarian.post(
        changelist, {"action": "delete_selected", "_selected_action": [spare.pk], "post": "yes"}
    )
    assert not Copy.objects.filter(pk=spare.pk).exists()


@pytest.mark.write_path(
    "admin:library_book_delete", "admin:library_book_changelist:delete_selected"
)
def test_books_without_copies_are_deleted_and_books_with_copies_are_kept(librarian):
    book, other, kept = BookFactory(), BookFactory(), BookFactory(copies=1)
    response = librarian.post(reverse("admin:library_book_delete", args=[book.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Book.objects.filter(pk=book.pk).exists()
    librarian.post(
        reverse("admin:library_book_changelist"),
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )
    assert not Book.objects.filter(pk=other.pk).exists()
    librarian.post(reverse("admin:library_book_delete", args=[kept.pk]), {"post": "yes"})
    assert Book.objects.filter(pk=kept.pk).exists()
    assert kept.copies.count() == 1


def catalogue_csv(*rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Tytuł", "Autor", "Rok", "Nr inwentarzowy"])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@pytest.mark.write_path(
    "admin:library_book_import",
    "admin:library_book_import_preview",
    "admin:library_catalogueimport_delete",
    "admin:library_catalogueimport_changelist:delete_selected",
)
def test_a_spreadsheet_is_previewed_imported_and_its_record_deleted(librarian):
    data = catalogue_csv(
        ["Wolontariat w Białymstoku", "Ewa Nowak", "2019", "K/1"],
        ["Zakładanie fundacji", "Jan Prawnik", "2020", "K/2"],
    )
    response = librarian.post(
        reverse("admin:library_book_import"),
        {"file": SimpleUploadedFile("biblioteczka.csv", data, "text/csv")},
    )
    assert response.status_code == 302
    record = CatalogueImport.objects.get()
    assert not Book.objects.exists()  # the preview writes nothing
    response = librarian.post(
        reverse("admin:library_book_import_preview", args=[record.pk]), {"action": "apply"}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == CatalogueImport.Status.APPLIED
    assert sorted(Copy.objects.values_list("inventory_number", flat=True)) == ["K/1", "K/2"]
    assert [a.name for a in Book.objects.get(title="Zakładanie fundacji").authors.all()] == [
        "Jan Prawnik"
    ]

    response = librarian.post(
        reverse("admin:library_catalogueimport_delete", args=[record.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not CatalogueImport.objects.filter(pk=record.pk).exists()
    librarian.post(
        reverse("admin:library_book_import"),
        {"file": SimpleUploadedFile("druga.csv", catalogue_csv(["Trzecia", "A B", "2021", "K/3"]))},
    )
    second = CatalogueImport.objects.get()
    librarian.post(
        reverse("admin:library_catalogueimport_changelist"),
        {"action": "delete_selected", "_selected_action": [second.pk], "post": "yes"},
    )
    assert not CatalogueImport.objects.exists()
    assert not Book.objects.filter(title="Trzecia").exists()
