"""The live catalogue as a spreadsheet (XLSX and CSV): one row per copy, in the
layout the import reads, so a downloaded file imported again changes nothing;
the public file hides withdrawn copies and the staff's notes."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from openpyxl import load_workbook

from cwop_portal.spreadsheets import XLSX_CONTENT_TYPE
from library import exporting, importing
from library.models import Book, Copy, Subject
from tests.factories import UserFactory
from tests.library.factories import BookFactory, CopyFactory, LoanFactory
from tests.library.test_import import dashed, isbn13

pytestmark = pytest.mark.django_db

EXPORT_URL = "/admin/library/book/export/{}/"

ENGLISH_HEADER = ["Title", "Subtitle", "Authors", "ISBN", "Publisher", "Year", "Language",
                  "Subjects", "Description", "Shelf mark", "Inventory number", "Condition",
                  "Availability"]  # fmt: skip


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def catalogue():
    """Two books with copies in every state, one without copies."""
    fundraising = BookFactory(
        title="Fundraising krok po kroku",
        subtitle="Poradnik",
        authors=["Anna Kowalska", "Jan Nowak"],
        subjects=[
            Subject.objects.get(slug="wolontariat"),
            Subject.objects.get(slug="pozyskiwanie-funduszy"),
        ],
        isbn=dashed(isbn13(1)),
        publisher="Klon/Jawor",
        year=2019,
        description="Jak zdobyć pieniądze.\nDruga linia opisu.",
        shelf_mark="F-1",
    )
    on_loan = CopyFactory(book=fundraising, inventory_number="B/0002", condition="worn")
    LoanFactory(copy=on_loan, borrower=UserFactory())
    CopyFactory(book=fundraising, inventory_number="B/0001", notes="Pieczątka na stronie 3")
    CopyFactory(book=fundraising, inventory_number="B/0003", status=Copy.Status.WITHDRAWN)
    law = BookFactory(title="Prawo stowarzyszeń", language="de", year=2005)
    CopyFactory(book=law, inventory_number="B/0010", condition="new")
    BookFactory(title="Afisz bez egzemplarzy", authors=["Ewa Łoś"])
    return fundraising


def csv_rows(response):
    assert isinstance(response, StreamingHttpResponse)
    data = b"".join(response.streaming_content)
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def xlsx_rows(response):
    assert isinstance(response, FileResponse)
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def test_the_public_csv_has_one_row_per_copy_without_withdrawn_copies_or_notes(catalogue):
    response = exporting.catalogue_response("csv", public=True)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="biblioteczka.csv"'
    rows = csv_rows(response)
    assert rows[0] == ENGLISH_HEADER
    assert rows[1:] == [
        ["Afisz bez egzemplarzy", "", "Ewa Łoś", "", "", "", "Polish", "", "", "", "", "", ""],
        ["Fundraising krok po kroku", "Poradnik", "Anna Kowalska; Jan Nowak", dashed(isbn13(1)),
         "Klon/Jawor", "2019", "Polish", "Fundraising; Volunteering",
         "Jak zdobyć pieniądze.\nDruga linia opisu.", "F-1", "B/0001", "good", "available"],
        ["Fundraising krok po kroku", "Poradnik", "Anna Kowalska; Jan Nowak", dashed(isbn13(1)),
         "Klon/Jawor", "2019", "Polish", "Fundraising; Volunteering",
         "Jak zdobyć pieniądze.\nDruga linia opisu.", "F-1", "B/0002", "worn", "on loan"],
        ["Prawo stowarzyszeń", "", "", "", "", "2005", "German", "", "", "", "B/0010", "new",
         "available"],
    ]  # fmt: skip
    assert "Pieczątka" not in str(rows)


def test_the_staff_xlsx_has_withdrawn_copies_and_notes(catalogue):
    response = exporting.catalogue_response("xlsx", public=False)
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert 'filename="biblioteczka.xlsx"' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    rows = xlsx_rows(response)
    assert rows[0] == [*ENGLISH_HEADER, "Notes"]
    by_number = {row[10]: row for row in rows[1:]}
    assert set(by_number) == {"", "B/0001", "B/0002", "B/0003", "B/0010"}
    assert by_number["B/0003"][12] == "withdrawn"
    assert by_number["B/0001"][13] == "Pieczątka na stronie 3"
    assert by_number["B/0001"][5] == 2019  # the year is a number
    assert by_number["B/0001"][3] == dashed(isbn13(1))  # the ISBN stays text


def test_headers_and_values_follow_the_active_language(catalogue):
    with translation.override("pl"):
        rows = csv_rows(exporting.catalogue_response("csv"))
    # Whatever the translations say, the import reads the Polish file's header.
    with translation.override("pl"):
        expected = [str(importing.COLUMNS_BY_KEY[key].label) for key in exporting.PUBLIC_COLUMNS]
    assert rows[0] == expected
    fundraising = next(row for row in rows if row[10] == "B/0001")
    assert fundraising[7] == "Pozyskiwanie funduszy; Wolontariat"


def test_the_polish_file_has_polish_headers(catalogue):
    with translation.override("pl"):
        header = csv_rows(exporting.catalogue_response("csv"))[0]
    assert header == ["Tytuł", "Podtytuł", "Autorzy", "ISBN", "Wydawnictwo", "Rok wydania",
                      "Język", "Tematyka", "Opis", "Sygnatura", "Nr inwentarzowy", "Stan",
                      "Dostępność"]  # fmt: skip


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("public", [True, False])
def test_the_export_imported_again_changes_nothing(catalogue, language, fmt, public):
    with translation.override(language):
        response = exporting.catalogue_response(fmt, public=public)
        data = b"".join(response.streaming_content)
    plan = importing.preview(data, f"biblioteczka.{fmt}")
    assert plan.errors == []
    assert not plan.has_changes
    summary = plan.summary()
    assert summary["books"]["unchanged"]["count"] == 3
    assert summary["copies"]["unchanged"]["count"] == (3 if public else 4)


def test_text_that_looks_like_a_formula_is_never_run(catalogue):
    BookFactory(title="=HYPERLINK(\"http://zlo.example\")", authors=["+48 Autor"],
              description="@SUMA(A1)")  # fmt: skip
    rows = csv_rows(exporting.catalogue_response("csv"))
    row = next(r for r in rows if "HYPERLINK" in r[0])
    assert row[0] == '\'=HYPERLINK("http://zlo.example")'
    assert row[2] == "'+48 Autor"
    assert row[8] == "'@SUMA(A1)"
    data = b"".join(exporting.catalogue_response("xlsx").streaming_content)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row}
    assert cells['=HYPERLINK("http://zlo.example")'].data_type == "s"
    assert cells["+48 Autor"].data_type == "s"
    # ...and both read back as typed.
    for fmt in ("csv", "xlsx"):
        data = b"".join(exporting.catalogue_response(fmt).streaming_content)
        assert not importing.preview(data, f"x.{fmt}").has_changes


def test_characters_a_workbook_cannot_hold_are_left_out(catalogue):
    BookFactory(title="Tytuł\x0bz tabulatorem pionowym")
    data = b"".join(exporting.catalogue_response("xlsx").streaming_content)
    titles = [
        row[0] for row in load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True)
    ]
    assert "Tytułz tabulatorem pionowym" in titles


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_export_reads_a_constant_number_of_queries(fmt, django_assert_max_num_queries):
    subjects = list(Subject.objects.all()[:3])
    for n in range(1, 41):
        book = BookFactory(title=f"Książka {n}", authors=[f"Autor {n}", "Współautor"],
                         subjects=subjects[: n % 4], isbn=isbn13(n))  # fmt: skip
        CopyFactory(book=book, inventory_number=f"Q/{n}/1")
        CopyFactory(book=book, inventory_number=f"Q/{n}/2")
    # Per chunk of books: the books, their authors, subjects and copies; plus the
    # list of subjects once.
    with django_assert_max_num_queries(5):
        data = b"".join(exporting.catalogue_response(fmt).streaming_content)
    assert data
    original = exporting.CHUNK_SIZE
    try:
        exporting.CHUNK_SIZE = 10
        rows = list(exporting.rows(chunk_size=10))
    finally:
        exporting.CHUNK_SIZE = original
    assert len(rows) == 80
    assert rows[0][:3] == ["Książka 1", "", "Autor 1; Współautor"]


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="pdf"):
        exporting.catalogue_response("pdf")


# --- The admin's buttons ------------------------------------------------------------------


def test_staff_download_the_full_catalogue_from_the_admin(client, staff, catalogue):
    client.force_login(staff)
    rows = xlsx_rows(client.get(EXPORT_URL.format("xlsx")))
    assert "B/0003" in [row[10] for row in rows]  # withdrawn copies too
    rows = csv_rows(client.get(EXPORT_URL.format("csv")))
    assert rows[0][-1] == "Notes"
    assert client.get(EXPORT_URL.format("pdf")).status_code == 404


def test_exporting_needs_the_permission_to_view_books(client, catalogue):
    clerk = UserFactory(is_staff=True)
    client.force_login(clerk)
    assert client.get(EXPORT_URL.format("csv")).status_code == 403
    clerk.user_permissions.add(Permission.objects.get(codename="view_book"))
    response = client.get(EXPORT_URL.format("csv"))
    assert response.status_code == 200
    assert csv_rows(response)[1][0] == "Afisz bez egzemplarzy"
    assert Book.objects.count() == 3


def test_readers_cannot_use_the_admin_export(client, catalogue):
    client.force_login(UserFactory())
    response = client.get(EXPORT_URL.format("csv"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
