"""The library's part of the `world` fixture (tests/conftest.py): a book with
authors, a subject, a cover and two copies, one lent to the NGO member (who may
renew it); another book the member has reserved; a catalogue file staff uploaded."""

from django.core.files.base import ContentFile

from cwop_portal.history import change_record
from library import services as library_services
from library.books import normalize_isbn, set_authors
from library.models import Book, CatalogueImport, Copy, LibrarySettings, Subject
from tests.factories import png_file


def build(w):
    ngo_member, staff = w.personas["ngo_member"], w.personas["staff"]
    w.book = Book(
        title="Skuteczne pozyskiwanie funduszy",
        subtitle="Poradnik dla organizacji",
        publisher="Wydawnictwo Społeczne",
        year=2021,
        description="Jak zdobywać pieniądze na działalność.\nDla zarządów.",
        shelf_mark="F-12",
        slug="skuteczne-pozyskiwanie-funduszy",
        cover_alt="Okładka z wykresem",
    )
    w.book.isbn, w.book.isbn_as_typed = normalize_isbn("978-83-7556-058-9")
    w.book.cover.save("okladka.png", png_file(6, 8, colour="teal"), save=False)
    w.book.save()
    set_authors(w.book, ["Anna Kowalska", "Jan Nowak"])
    w.book.subjects.add(Subject.objects.get(slug="pozyskiwanie-funduszy"))
    w.book.rebuild_search_document()
    change_record(
        w.book, user=staff, action="changed", changes={"shelf_mark": ["F-11", "F-12"]}, note="Półka"
    )
    w.copy = Copy.objects.create(book=w.book, inventory_number="B/0001")
    change_record(w.copy, user=staff, action="created", changes={"status": "available"})
    change_record(
        LibrarySettings.load(), user=staff, action="changed", changes={"loan_days": [21, 30]}
    )
    Copy.objects.create(book=w.book, inventory_number="B/0002")
    w.loan = library_services.copy_lend(copy=w.copy, borrower=ngo_member, by=staff)
    w.other_book = Book.objects.create(title="Wolontariat w praktyce", slug="wolontariat")
    Copy.objects.create(book=w.other_book, inventory_number="B/0003")
    w.hold = library_services.hold_place(book=w.other_book, user=ngo_member)
    w.catalogue_import = CatalogueImport(original_name="biblioteczka.csv", uploaded_by=staff)
    w.catalogue_import.file.save(
        "biblioteczka.csv",
        ContentFile("Tytuł;Nr inwentarzowy\nNowa książka;B/0100\n".encode()),
        save=True,
    )
