"""Staff import the "Biblioteczka" spreadsheet from the admin: a preview of what
would be added, updated or left alone and each row's errors, then one
transaction; the same file again changes nothing, and loans and holds survive."""

import csv
import io
import zipfile

import pytest
import xlwt
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook
from stdnum import isbn as stdnum_isbn

from library import importing, services
from library.importing import reading, writing
from library.models import Book, CatalogueImport, Copy, Hold, Loan, Subject
from tests.factories import MINIMAL_PDF, UserFactory
from tests.library.factories import BookFactory, CopyFactory, HoldFactory, LoanFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/library/book/import/"
BOOKS_URL = "/admin/library/book/"

HEADER = ["Lp.", "Tytuł", "Autorzy", "ISBN", "Wydawnictwo", "Rok wydania", "Język",
          "Tematyka", "Sygnatura", "Nr inwentarzowy", "Stan", "Uwagi"]  # fmt: skip


def isbn13(n):
    """A valid ISBN-13 (digits), different for each n."""
    from stdnum import ean

    body = f"97883{n:07d}"
    return body + ean.calc_check_digit(body)


def dashed(isbn):
    return stdnum_isbn.format(isbn)


def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xls_bytes(rows):
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("Biblioteczka")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, *, encoding="utf-8", delimiter=",", bom=False):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def spreadsheet(rows, fmt="xlsx", **options):
    """(file name, bytes) of `rows` (the header first) in the format `fmt`."""
    if fmt == "xlsx":
        return "biblioteczka.xlsx", xlsx_bytes(rows)
    if fmt == "xls":
        return "biblioteczka.xls", xls_bytes(rows)
    return "biblioteczka.csv", csv_bytes(rows, **options)


def book_row(n, **overrides):
    """A row of HEADER: book n with one copy B/000n."""
    values = {
        "Lp.": n,
        "Tytuł": f"Poradnik organizacji nr {n}",
        "Autorzy": f"Anna Autorka{n}; Jan Współautor",
        "ISBN": dashed(isbn13(n)),
        "Wydawnictwo": "Wydawnictwo Trzeci Sektor",
        "Rok wydania": 2000 + n % 25,
        "Język": "polski",
        "Tematyka": "Pozyskiwanie funduszy; Wolontariat",
        "Sygnatura": f"P-{n}",
        "Nr inwentarzowy": f"B/{n:04d}",
        "Stan": "dobry",
        "Uwagi": "",
    }
    values.update(overrides)
    return [values[name] for name in HEADER]


def catalogue_rows(count, overrides_by_n=None):
    """HEADER and books 1..count; `overrides_by_n`: {n: {column: value}}."""
    overrides_by_n = overrides_by_n or {}
    return [HEADER, *[book_row(n, **overrides_by_n.get(n, {})) for n in range(1, count + 1)]]


@pytest.fixture(autouse=True)
def english(settings):
    """Pages in English (served without a prefix while it is the default)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def upload(client, rows=None, fmt="xlsx", *, name=None, data=None, follow=False, **options):
    if data is None:
        name, data = spreadsheet(rows, fmt, **options)
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data)}, follow=follow)


def last_import():
    return CatalogueImport.objects.order_by("-pk").first()


def preview_url(record):
    return reverse("admin:library_book_import_preview", args=[record.pk])


def apply(client, record, action="apply"):
    return client.post(preview_url(record), {"action": action}, follow=True)


def messages_of(response):
    return [(m.level, m.message) for m in response.context["messages"]]


def errors_of(record):
    return [(e["row"], e["column"], e["message"]) for e in record.summary["errors"]["items"]]


def import_file(client, rows, fmt="xlsx", **options):
    """Upload and apply; the import record."""
    response = upload(client, rows, fmt, **options)
    assert response.status_code == 302, response.content.decode()[:3000]
    record = last_import()
    assert record.summary["errors"]["count"] == 0, errors_of(record)
    response = apply(client, record)
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.status == CatalogueImport.Status.APPLIED
    return record


# --- The "done when" ---------------------------------------------------------------


def test_300_books_with_5_bad_rows_show_exactly_those_errors_and_nothing_is_written(
    staff_client,
):
    bad = {
        17: {"ISBN": "978-83-000-0000-0"},  # wrong check digit
        50: {"Tytuł": ""},
        101: {"Nr inwentarzowy": "B/0100"},  # row 100's number again
        200: {"Rok wydania": "dwa tysiące"},
        250: {"Tematyka": "Astrologia"},
    }
    response = upload(staff_client, catalogue_rows(300, bad))
    record = last_import()
    assert response.status_code == 302
    assert response["Location"] == preview_url(record)

    page = staff_client.get(preview_url(record))
    assert page.status_code == 200
    errors = errors_of(record)
    # Row numbers as in the spreadsheet: the header is row 1, book n is row n + 1.
    assert [(row, column) for row, column, _message in errors] == [
        (18, "ISBN"),
        (51, "Tytuł"),
        (102, "Nr inwentarzowy"),
        (201, "Rok wydania"),
        (251, "Tematyka"),
    ]
    assert "check digit" in errors[0][2]
    assert "B/0100" in errors[2][2] and "101" in errors[2][2]
    assert "Astrologia" in errors[4][2]
    content = page.content.decode()
    assert "5 errors" in content
    for row, _column, message in errors:
        assert f'<th scope="row">{row}</th>' in content
        assert message in content
    assert 'value="apply"' not in content  # no Import button
    assert Book.objects.count() == 0 and Copy.objects.count() == 0

    # Applying anyway (a forged POST) is refused.
    response = apply(staff_client, record)
    assert Book.objects.count() == 0
    assert any("errors" in message for _level, message in messages_of(response))


def test_the_corrected_file_creates_300_books_and_importing_it_again_changes_nothing(
    staff_client, django_assert_max_num_queries
):
    rows = catalogue_rows(300)
    record = import_file(staff_client, rows)
    assert Book.objects.count() == 300
    assert Copy.objects.count() == 300
    book = Book.objects.get(copies__inventory_number="B/0007")
    assert book.title == "Poradnik organizacji nr 7"
    assert book.author_names() == ["Anna Autorka7", "Jan Współautor"]
    assert book.isbn == isbn13(7)
    assert book.isbn_as_typed == dashed(isbn13(7))
    assert book.year == 2007 and book.language == "pl" and book.shelf_mark == "P-7"
    assert sorted(s.slug for s in book.subjects.all()) == ["pozyskiwanie-funduszy", "wolontariat"]
    assert record.summary["books"]["created"]["count"] == 300
    # The search finds the imported books.
    assert book in Book.objects.search("Autorka7")
    stamps = dict(Book.objects.values_list("pk", "updated_at"))

    response = upload(staff_client, rows)
    again = last_import()
    summary = again.summary
    assert summary["books"]["unchanged"]["count"] == 300
    assert summary["copies"]["unchanged"]["count"] == 300
    for kind in ("created", "updated"):
        assert summary["books"][kind]["count"] == 0
        assert summary["copies"][kind]["count"] == 0
    page = staff_client.get(preview_url(again))
    assert "Nothing would change" in page.content.decode()
    response = apply(staff_client, again)
    assert messages_of(response) == [
        (messages.SUCCESS, "Nothing was changed: the catalogue already matches the file.")
    ]
    assert dict(Book.objects.values_list("pk", "updated_at")) == stamps
    assert Book.objects.count() == 300 and Copy.objects.count() == 300


def test_a_book_on_loan_keeps_its_loan_and_holds_when_reimported_with_a_changed_title(
    staff_client,
):
    import_file(staff_client, catalogue_rows(3))
    copy = Copy.objects.get(inventory_number="B/0002")
    reader, waiting = UserFactory(), UserFactory()
    loan = services.copy_lend(copy=copy, borrower=reader, by=UserFactory(is_staff=True))
    hold = services.hold_place(book=copy.book, user=waiting)

    import_file(staff_client, catalogue_rows(3, {2: {"Tytuł": "Nowy tytuł poradnika"}}))
    copy.refresh_from_db()
    assert copy.book.title == "Nowy tytuł poradnika"
    assert copy.status == Copy.Status.ON_LOAN
    assert Loan.objects.active().get() == loan
    assert Hold.objects.active().get() == hold and hold.book_id == copy.book_id
    assert Book.objects.count() == 3


# --- Files: formats and encodings --------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "options"),
    [
        ("xlsx", {}),
        ("xls", {}),
        ("csv", {"encoding": "utf-8"}),
        ("csv", {"encoding": "utf-8", "bom": True, "delimiter": ";"}),
        ("csv", {"encoding": "cp1250", "delimiter": ";"}),
        ("csv", {"encoding": "cp1250", "delimiter": ","}),
    ],
)
def test_xlsx_xls_and_csv_in_utf8_or_windows_1250_with_semicolons_or_commas(
    staff_client, fmt, options
):
    rows = [
        HEADER,
        book_row(1, **{"Tytuł": "Żółć, gęślą jaźń; zażółć", "Autorzy": "Łucja Źdźbło"}),
        book_row(2),
    ]
    import_file(staff_client, rows, fmt, **options)
    book = Book.objects.get(copies__inventory_number="B/0001")
    assert book.title == "Żółć, gęślą jaźń; zażółć"
    assert book.author_names() == ["Łucja Źdźbło"]
    assert book.year == 2001
    assert Book.objects.count() == 2


def test_csv_cells_may_hold_quoted_separators_and_line_breaks(staff_client):
    rows = [
        ["Tytuł", "Opis", "Nr inwentarzowy"],
        ["Jak pisać wnioski", "Pierwsza linia;\ndruga, z przecinkiem", "W/1"],
        ["Druga książka", "", "W/2"],
    ]
    import_file(staff_client, rows, "csv", delimiter=";")
    book = Book.objects.get(title="Jak pisać wnioski")
    assert book.description == "Pierwsza linia;\ndruga, z przecinkiem"
    assert Copy.objects.get(inventory_number="W/2").book.title == "Druga książka"


def test_numbers_from_a_spreadsheet_are_read_as_typed(staff_client):
    rows = [
        ["Title", "ISBN", "Year", "Inventory number"],
        # An ISBN, a year and an inventory number stored as numbers.
        ["Liczby", int(isbn13(5)), 2015.0, 123.0],
        # An ISBN-10 whose leading zero the spreadsheet dropped: 0-306-40615-2.
        ["Zero", 306406152, 1999, 124],
    ]
    import_file(staff_client, rows)
    book = Book.objects.get(title="Liczby")
    assert (book.isbn, book.year) == (isbn13(5), 2015)
    assert book.copies.get().inventory_number == "123"
    assert Book.objects.get(title="Zero").isbn == "9780306406157"


def test_headers_are_recognised_in_polish_and_english_whatever_the_case_and_spacing(
    staff_client,
):
    rows = [
        ["  TYTUŁ ", "podtytul", "Author(s)", "isbn", "Wydawca", "ROK", "język", "Temat",
         "Opis", "Shelf mark", "numer  inwentarzowy", "Condition", "Notes", "No.", "Status"],
        ["Ekonomia społeczna w praktyce", "Poradnik", "Ewa Nowak", "", "Klon", "2018",
         "English", "social economy", "Opis książki", "E-1", "E/1", "worn", "Pęknięty grzbiet",
         "1", "available"],
    ]  # fmt: skip
    import_file(staff_client, rows)
    book = Book.objects.get()
    assert (book.title, book.subtitle, book.publisher, book.year) == (
        "Ekonomia społeczna w praktyce",
        "Poradnik",
        "Klon",
        2018,
    )
    assert book.language == "en"
    assert [s.slug for s in book.subjects.all()] == ["ekonomia-spoleczna"]
    assert (book.description, book.shelf_mark) == ("Opis książki", "E-1")
    copy = book.copies.get()
    assert (copy.inventory_number, copy.condition, copy.notes) == (
        "E/1",
        "worn",
        "Pęknięty grzbiet",
    )
    assert copy.status == Copy.Status.AVAILABLE


@pytest.mark.parametrize(
    ("typed", "code"),
    [("polski", "pl"), ("PL", "pl"), ("angielski", "en"), ("English", "en"), ("en", "en"),
     ("niemiecki", "de"), ("Ukraiński", "uk"), ("język francuski", "fr"), ("inny", "other")],
)  # fmt: skip
def test_languages_by_code_or_name_in_either_language(staff_client, typed, code):
    import_file(staff_client, [["Tytuł", "Język"], ["Książka", typed]])
    assert Book.objects.get().language == code


def test_subjects_by_name_in_either_language_any_case(staff_client):
    rows = [["Tytuł", "Tematyka"], ["Książka", "FUNDRAISING;  wolontariat ; Older people"]]
    import_file(staff_client, rows)
    assert sorted(s.slug for s in Book.objects.get().subjects.all()) == [
        "pozyskiwanie-funduszy",
        "seniorzy",
        "wolontariat",
    ]


# --- Files that cannot be imported ------------------------------------------------------


def assert_refused(response, *fragments):
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="errornote"' in content
    for fragment in fragments:
        assert fragment in content, fragment
    assert not CatalogueImport.objects.exists()
    assert not Book.objects.exists()


def test_a_pdf_renamed_to_xlsx_is_refused(staff_client):
    response = upload(staff_client, name="biblioteczka.xlsx", data=MINIMAL_PDF)
    assert_refused(response, "does not match its “.xlsx” extension")


def test_a_zip_that_is_not_a_workbook_is_refused(staff_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    response = upload(staff_client, name="biblioteczka.xlsx", data=buffer.getvalue())
    assert_refused(response, "could not be read as a spreadsheet")


def test_an_xlsx_that_unpacks_into_too_much_data_is_refused(staff_client, monkeypatch):
    monkeypatch.setattr(reading, "MAX_UNPACKED_XLSX", 10_000)
    response = upload(staff_client, catalogue_rows(100))
    assert_refused(response, "could not be read as a spreadsheet")


def test_a_damaged_xls_is_refused(staff_client):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    response = upload(staff_client, name="biblioteczka.xls", data=data)
    assert_refused(response, "could not be read as a spreadsheet")


def test_an_empty_file_is_refused(staff_client):
    response = upload(staff_client, name="biblioteczka.csv", data=b"")
    assert_refused(response)
    assert "empty" in response.content.decode()


def test_an_empty_sheet_is_refused(staff_client):
    response = upload(staff_client, [[None], []])
    assert_refused(response, "The first sheet of the file is empty.")


def test_a_sheet_with_only_a_header_is_refused(staff_client):
    response = upload(staff_client, [HEADER, [None] * 3, ["7"]], "xlsx")
    assert_refused(response, "only a header row (row 1)")


def test_unknown_columns_are_named_with_the_recognised_ones(staff_client):
    response = upload(staff_client, [["Tytuł", "Cena", "Półka nr"], ["Książka", "20 zł", "3"]])
    assert_refused(response, "“Cena”", "“Półka nr”", "Recognised columns", "Inventory number")


def test_a_file_without_a_title_column_is_refused(staff_client):
    response = upload(staff_client, [["Autor", "ISBN"], ["Anna Nowak", ""]], "csv")
    assert_refused(response, "no title column")


def test_the_same_column_twice_is_refused(staff_client):
    response = upload(staff_client, [["Tytuł", "Title"], ["A", "B"]])
    assert_refused(response, "“Tytuł”", "“Title”")


def test_a_file_over_the_size_limit_is_refused(staff_client, settings):
    settings.SPREADSHEET_MAX_UPLOAD_SIZE = 1024
    name, data = spreadsheet(catalogue_rows(40), "csv")
    assert len(data) > 1024
    response = upload(staff_client, name=name, data=data)
    assert_refused(response, "too large")


def test_a_file_with_too_many_rows_is_refused(staff_client, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 20)
    response = upload(staff_client, catalogue_rows(21), "csv")
    assert_refused(response, "more than 20 rows")


def test_another_file_type_is_refused(staff_client):
    response = upload(staff_client, name="biblioteczka.ods", data=b"PK\x03\x04")
    assert_refused(response, "“ods”")


# --- Row errors --------------------------------------------------------------------------


def test_each_row_error_names_the_row_the_column_and_the_problem(staff_client):
    rows = [
        ["Tytuł", "ISBN", "Rok", "Język", "Stan", "Nr inwentarzowy", "Tematyka"],
        ["Dobra", "", "2020", "polski", "dobry", "X/1", ""],
        [None, None, None, None, None, None, None],
        ["Zły ISBN", "12345", "", "", "", "X/2", ""],
        ["", "", "2019", "", "", "X/3", ""],
        ["Zły rok", "", "1200", "", "", "X/4", ""],
        ["Zły język", "", "", "klingoński", "", "X/5", ""],
        ["Zły stan", "", "", "", "podarty", "x/1", ""],
        ["T" * 301, "", "", "", "", "X/7", ""],
        ["Zły temat", "", "", "", "", "X/8", "Wolontariat; Kosmonautyka"],
    ]
    upload(staff_client, rows)
    record = last_import()
    errors = errors_of(record)
    assert [(row, column) for row, column, _message in errors] == [
        (4, "ISBN"),
        (5, "Tytuł"),
        (6, "Rok"),
        (7, "Język"),
        (8, "Stan"),
        (8, "Nr inwentarzowy"),  # x/1 is X/1 of row 2: letter case does not matter
        (9, "Tytuł"),
        (10, "Tematyka"),
    ]
    messages_by_row = {(row, column): message for row, column, message in errors}
    assert "10 or 13 digits" in messages_by_row[(4, "ISBN")]
    assert messages_by_row[(5, "Tytuł")] == "The title is missing."
    assert "1200" in messages_by_row[(6, "Rok")]
    assert "klingoński" in messages_by_row[(7, "Język")]
    assert "podarty" in messages_by_row[(8, "Stan")]
    assert "row 2" in messages_by_row[(8, "Nr inwentarzowy")]
    assert "301 characters (at most 300)" in messages_by_row[(9, "Tytuł")]
    assert "“Kosmonautyka”" in messages_by_row[(10, "Tematyka")]
    assert "Wolontariat" not in messages_by_row[(10, "Tematyka")]
    content = staff_client.get(preview_url(record)).content.decode()
    assert "8 errors" in content and 'value="apply"' not in content
    assert record.summary["skipped"]["items"] == [3]


def test_rows_of_one_book_that_disagree_are_an_error(staff_client):
    rows = [
        ["Tytuł", "ISBN", "Wydawnictwo", "Nr inwentarzowy"],
        ["Poradnik", isbn13(1), "Klon", "K/1"],
        ["Poradnik", dashed(isbn13(1)), "Jawor", "K/2"],
    ]
    upload(staff_client, rows)
    ((row, column, message),) = errors_of(last_import())
    assert (row, column) == (3, "Wydawnictwo")
    assert "Row 2" in message and "Klon" in message


# --- Which book a row is -----------------------------------------------------------------


def test_rows_with_the_same_isbn_or_title_are_copies_of_one_book(staff_client):
    rows = [
        ["Tytuł", "Autor", "Rok", "ISBN", "Nr inwentarzowy"],
        ["Wolontariat od A do Z", "Ewa Nowak", 2010, isbn13(3), "A/1"],
        ["Wolontariat od A do Z", "Ewa Nowak", 2010, dashed(isbn13(3)), "A/2"],
        ["WOLONTARIAT od a do z", "Ewa Nowak", 2010, "", "A/3"],  # no ISBN: same title
        ["Inna książka", "", "", "", "A/4"],
        ["Inna książka", "", "", "", "A/5"],
    ]
    import_file(staff_client, rows)
    assert Book.objects.count() == 2
    first = Book.objects.get(isbn=isbn13(3))
    assert sorted(first.copies.values_list("inventory_number", flat=True)) == ["A/1", "A/2", "A/3"]
    assert Book.objects.get(title="Inna książka").copies.count() == 2


def test_an_existing_book_is_found_by_isbn_10_or_13_or_by_title_author_and_year(staff_client):
    by_isbn = BookFactory(title="Stary tytuł", isbn=isbn13(8), year=2001)
    by_title = BookFactory(title="Prawo stowarzyszeń", authors=["Jan Łoś"], year=2012)
    other_year = BookFactory(title="Prawo stowarzyszeń", authors=["Jan Łoś"], year=2015)
    rows = [
        ["Tytuł", "Autor", "Rok", "ISBN", "Wydawnictwo"],
        ["Stary tytuł", "", "", stdnum_isbn.to_isbn10(isbn13(8)), "Nowe wydawnictwo"],
        ["prawo STOWARZYSZEN", "jan los", 2012, "", "Klon"],
    ]
    import_file(staff_client, rows)
    assert Book.objects.count() == 3
    by_isbn.refresh_from_db()
    by_title.refresh_from_db()
    other_year.refresh_from_db()
    assert by_isbn.publisher == "Nowe wydawnictwo"
    assert by_title.publisher == "Klon"
    assert other_year.publisher == ""


def test_an_update_changes_only_filled_in_cells_and_shows_what_changes(staff_client):
    subject = Subject.objects.get(slug="wolontariat")
    book = BookFactory(
        title="Poradnik",
        subtitle="Wydanie drugie",
        authors=["Anna Nowak"],
        subjects=[subject],
        isbn=isbn13(4),
        publisher="Klon",
        year=2011,
        description="Opis, który zostaje.",
    )
    copy = CopyFactory(book=book, inventory_number="P/1", notes="Notatka zostaje")
    rows = [
        ["Tytuł", "Podtytuł", "Autorzy", "ISBN", "Rok", "Opis", "Tematyka", "Nr inw.", "Stan"],
        ["Poradnik", "", "Anna Nowak; Piotr Kowal", isbn13(4), 2012, "", "", "p/1", "zużyty"],
    ]
    upload(staff_client, rows)
    record = last_import()
    (updated,) = record.summary["books"]["updated"]["items"]
    assert {c["field"]: (c["old"], c["new"]) for c in updated["changes"]} == {
        "authors": ("Anna Nowak", "Anna Nowak; Piotr Kowal"),
        "year": ("2011", "2012"),
    }
    (copy_change,) = record.summary["copies"]["updated"]["items"]
    assert copy_change["inventory_number"] == "P/1"
    content = staff_client.get(preview_url(record)).content.decode()
    assert "Anna Nowak; Piotr Kowal" in content and "2011" in content
    apply(staff_client, record)
    book.refresh_from_db()
    copy.refresh_from_db()
    assert book.author_names() == ["Anna Nowak", "Piotr Kowal"]
    assert (book.subtitle, book.year, book.publisher) == ("Wydanie drugie", 2012, "Klon")
    assert book.description == "Opis, który zostaje."
    assert list(book.subjects.all()) == [subject]
    assert (copy.condition, copy.notes) == ("worn", "Notatka zostaje")
    assert list(Book.objects.search("Kowal")) == [book]


def test_a_copy_moves_to_the_book_its_isbn_names_unless_it_is_lent_or_set_aside(staff_client):
    wrong = BookFactory(title="Zły tytuł", isbn=isbn13(1))
    right = BookFactory(title="Dobry tytuł", isbn=isbn13(2))
    free = CopyFactory(book=wrong, inventory_number="M/1")
    lent = CopyFactory(book=wrong, inventory_number="M/2")
    held = CopyFactory(book=wrong, inventory_number="M/3")
    LoanFactory(copy=lent, borrower=UserFactory())
    HoldFactory(book=wrong, user=UserFactory(), status=Hold.Status.READY, copy=held)
    rows = [["Tytuł", "ISBN", "Nr inwentarzowy"], ["Dobry tytuł", isbn13(2), "M/1"]]
    import_file(staff_client, rows)
    free.refresh_from_db()
    assert free.book == right
    assert free.status == Copy.Status.AVAILABLE

    rows = [
        ["Tytuł", "ISBN", "Nr inwentarzowy"],
        ["Dobry tytuł", isbn13(2), "M/2"],
        ["Dobry tytuł", isbn13(2), "M/3"],
    ]
    upload(staff_client, rows)
    errors = errors_of(last_import())
    assert [(row, column) for row, column, _m in errors] == [
        (2, "Nr inwentarzowy"),
        (3, "Nr inwentarzowy"),
    ]
    assert "cannot be moved" in errors[0][2] and "Zły tytuł" in errors[0][2]
    assert set(wrong.copies.values_list("inventory_number", flat=True)) == {"M/2", "M/3"}


def test_an_isbn_given_to_two_books_is_an_error(staff_client):
    first = BookFactory(title="Pierwsza")
    second = BookFactory(title="Druga")
    CopyFactory(book=first, inventory_number="D/1")
    CopyFactory(book=second, inventory_number="D/2")
    rows = [["Tytuł", "ISBN", "Nr inwentarzowy"], ["Pierwsza", isbn13(9), "D/1"],
            ["Druga", isbn13(9), "D/2"]]  # fmt: skip
    upload(staff_client, rows)
    ((row, column, message),) = errors_of(last_import())
    assert (row, column) == (3, "ISBN") and "Row 2" in message


def test_notes_without_an_inventory_number_are_a_warning(staff_client):
    rows = [["Tytuł", "Uwagi"], ["Książka bez egzemplarza", "Uwaga"]]
    upload(staff_client, rows)
    record = last_import()
    assert record.summary["errors"]["count"] == 0
    assert "Row 2" in record.summary["warnings"][0]
    content = staff_client.get(preview_url(record)).content.decode()
    assert "no inventory number" in content and 'value="apply"' in content


def test_text_that_looks_like_a_formula_in_the_portals_csv_is_read_back_as_it_was(staff_client):
    rows = [["Tytuł", "Opis"], ["'=SUMA(A1)", "'-1 strona"]]
    import_file(staff_client, rows, "csv")
    book = Book.objects.get()
    assert (book.title, book.description) == ("=SUMA(A1)", "-1 strona")


# --- Applying: once, atomically, and only the previewed plan ----------------------------


def test_an_import_is_applied_once(staff_client):
    record = import_file(staff_client, catalogue_rows(2))
    response = apply(staff_client, record)
    assert (messages.ERROR, "This file has already been imported.") in messages_of(response)
    assert Book.objects.count() == 2
    content = staff_client.get(preview_url(record)).content.decode()
    assert "This file was imported on" in content and 'value="apply"' not in content


def test_a_discarded_preview_is_not_applied(staff_client):
    upload(staff_client, catalogue_rows(2))
    record = last_import()
    response = apply(staff_client, record, "discard")
    assert response.redirect_chain[-1][0] == IMPORT_URL
    record.refresh_from_db()
    assert record.status == CatalogueImport.Status.DISCARDED
    response = apply(staff_client, record)
    assert any("discarded" in message for _level, message in messages_of(response))
    assert not Book.objects.exists()


def test_a_discarded_import_keeps_no_file(staff_client, django_capture_on_commit_callbacks):
    upload(staff_client, catalogue_rows(1))
    record = last_import()
    storage, name = record.file.storage, record.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        apply(staff_client, record, "discard")
    assert not storage.exists(name)
    record.refresh_from_db()
    assert not record.file


def test_an_upload_without_a_file_is_refused(staff_client):
    response = staff_client.post(IMPORT_URL, {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert 'class="errornote"' in response.content.decode()
    assert not CatalogueImport.objects.exists()


def test_a_stale_preview_is_refused_and_shown_again(staff_client):
    BookFactory(title="Poradnik organizacji nr 1", isbn=isbn13(1))
    upload(staff_client, catalogue_rows(2))
    record = last_import()
    assert record.summary["books"]["created"]["count"] == 1
    # Meanwhile someone adds the second book by hand.
    BookFactory(title="Poradnik organizacji nr 2", isbn=isbn13(2))
    response = apply(staff_client, record)
    assert any("changed since the preview" in m for _level, m in messages_of(response))
    record.refresh_from_db()
    assert record.status == CatalogueImport.Status.PREVIEWED
    assert record.summary["books"]["created"]["count"] == 0
    assert Copy.objects.count() == 0  # nothing written
    apply(staff_client, record)
    assert Copy.objects.count() == 2


def test_a_failure_while_writing_leaves_nothing_written(staff_client, monkeypatch):
    upload(staff_client, catalogue_rows(5))
    record = last_import()

    def broken(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(writing, "write_copies", broken)
    response = apply(staff_client, record)
    assert any("nothing was changed" in m for _level, m in messages_of(response))
    assert not Book.objects.exists()
    record.refresh_from_db()
    assert record.status == CatalogueImport.Status.PREVIEWED


def test_the_pages_use_a_bounded_number_of_queries(staff_client, django_assert_max_num_queries):
    name, data = spreadsheet(catalogue_rows(300))
    with django_assert_max_num_queries(40):
        response = upload(staff_client, name=name, data=data)
    assert response.status_code == 302
    record = last_import()
    with django_assert_max_num_queries(15):
        assert staff_client.get(preview_url(record)).status_code == 200
    # Applying: bulk writes, plus the search text of each new book (3 queries).
    with django_assert_max_num_queries(300 * 3 + 60):
        apply(staff_client, record)
    assert Book.objects.count() == 300
    # Previewing the same file against a full catalogue reads it in bulk too.
    with django_assert_max_num_queries(40):
        upload(staff_client, name=name, data=data)
    assert last_import().summary["books"]["unchanged"]["count"] == 300


def test_20000_rows_are_previewed_in_bulk(django_assert_max_num_queries):
    name, data = spreadsheet(catalogue_rows(20_000), "csv")
    with django_assert_max_num_queries(120):
        plan = importing.preview(data, name)
    summary = plan.summary()
    assert summary["books"]["created"]["count"] == 20_000
    assert len(summary["books"]["created"]["items"]) == importing.MAX_LISTED
    assert summary["errors"]["count"] == 0


# --- Pages and permissions ------------------------------------------------------------------


def test_the_book_list_offers_the_import_and_the_exports(staff_client):
    content = staff_client.get(BOOKS_URL).content.decode()
    assert f'href="{IMPORT_URL}"' in content
    assert 'href="/admin/library/book/export/xlsx/"' in content
    assert 'href="/admin/library/book/export/csv/"' in content


def test_the_upload_page_lists_the_recognised_columns_and_recent_imports(staff_client):
    upload(staff_client, catalogue_rows(1))
    response = staff_client.get(IMPORT_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Nr inwentarzowy" in content and "Rok wydania" in content
    assert "biblioteczka.xlsx" in content


def test_importing_needs_the_permissions_to_add_and_change_books(client):
    from django.contrib.auth.models import Permission

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_book"))
    client.force_login(viewer)
    assert client.get(IMPORT_URL).status_code == 403
    assert upload(client, catalogue_rows(1)).status_code == 403
    assert not CatalogueImport.objects.exists()
    record = CatalogueImport.objects.create(original_name="x.xlsx", file="x.xlsx")
    assert client.get(preview_url(record)).status_code == 403
    assert apply(client, record).status_code == 403
    content = client.get(BOOKS_URL).content.decode()
    assert IMPORT_URL not in content


def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
