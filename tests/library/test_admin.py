"""Staff keep the catalogue in the admin: books with their ordered authors, ISBN,
cover and copies; the copies', loans' and holds' actions go through the services
and say row by row what was done or why not."""

import io
import re

import pytest
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from library import services
from library.models import Author, Book, Copy, Hold, LibrarySettings, Subject
from tests.factories import UserFactory
from tests.library.factories import BookFactory, CopyFactory, LoanFactory, book_form

pytestmark = pytest.mark.django_db

BOOKS = "/admin/library/book/"
ADD_BOOK = "/admin/library/book/add/"
COPIES = "/admin/library/copy/"
LOANS = "/admin/library/loan/"
HOLDS = "/admin/library/hold/"


@pytest.fixture
def reader():
    return UserFactory(email="czytelnik@example.org", first_name="Jan", last_name="Czytelnik")


def messages_of(response):
    return [(m.level, m.message) for m in response.context["messages"]]


def with_authors(data, *authors):
    data["book_authors-TOTAL_FORMS"] = str(len(authors))
    for index, (author, position) in enumerate(authors):
        data[f"book_authors-{index}-author"] = str(author.pk)
        data[f"book_authors-{index}-position"] = str(position)
    return data


def with_copies(data, *numbers):
    data["copies-TOTAL_FORMS"] = str(len(numbers))
    for index, number in enumerate(numbers):
        data[f"copies-{index}-inventory_number"] = number
        data[f"copies-{index}-condition"] = "good"
    return data


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (12, 16), "teal").save(buffer, "PNG")
    return buffer.getvalue()


# --- Pages ------------------------------------------------------------------------


@pytest.fixture
def circulation(reader):
    """A book with a copy on loan, a copy set aside and a withdrawn one."""
    book = BookFactory(title="Wolontariat w praktyce", authors=["Ewa Nowak"])
    lent = CopyFactory(book=book, inventory_number="W/1")
    loan = LoanFactory(copy=lent, borrower=reader, days=-2)
    held = CopyFactory(book=book, inventory_number="W/2")
    hold = services.hold_place(book=book, user=UserFactory())
    withdrawn = CopyFactory(book=book, inventory_number="W/3")
    services.copy_withdraw(copy=withdrawn, by=None)
    return {"book": book, "loan": loan, "hold": hold, "held": held, "withdrawn": withdrawn}


@pytest.mark.parametrize(
    "path",
    [
        "/admin/library/",
        "/admin/library/subject/",
        "/admin/library/subject/add/",
        "/admin/library/author/",
        "/admin/library/author/add/",
        "/admin/library/book/",
        "/admin/library/book/?available=yes",
        "/admin/library/book/?available=no&language__exact=pl&q=wolontariat",
        "/admin/library/book/?subject=1&q=W/1",
        "/admin/library/book/?subject=nonsense",
        "/admin/library/book/add/",
        "/admin/library/book/{book}/change/",
        "/admin/library/book/{book}/delete/",
        "/admin/library/copy/",
        "/admin/library/copy/?status__exact=on_loan",
        "/admin/library/copy/add/",
        "/admin/library/copy/{held}/change/",
        "/admin/library/loan/",
        "/admin/library/loan/?state=active",
        "/admin/library/loan/?state=overdue",
        "/admin/library/loan/?state=returned&q=czytelnik",
        "/admin/library/loan/{loan}/change/",
        "/admin/library/hold/",
        "/admin/library/hold/?status__exact=ready",
        "/admin/library/hold/{hold}/change/",
        "/admin/library/librarysettings/1/change/",
        "/admin/library/catalogueimport/",
    ],
)
def test_admin_pages_load_for_centre_staff(staff_client, circulation, path):
    url = path.format(
        book=circulation["book"].pk,
        held=circulation["held"].pk,
        loan=circulation["loan"].pk,
        hold=circulation["hold"].pk,
    )
    assert staff_client.get(url).status_code == 200


def test_the_settings_are_one_row_edited_in_place(staff_client):
    response = staff_client.get("/admin/library/librarysettings/")
    assert response.status_code == 302
    assert response["Location"].endswith("/admin/library/librarysettings/1/change/")
    assert staff_client.get("/admin/library/librarysettings/add/").status_code == 403
    data = {
        "loan_days": "21",
        "max_renewals": "1",
        "max_active_loans": "3",
        "max_active_holds": "2",
        "hold_pickup_days": "4",
        "reminder_days_before": "2",
        "overdue_reminder_every_days": "5",
        # The history inline's (read-only) management form.
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
    }
    staff_client.post("/admin/library/librarysettings/1/change/", data)
    assert LibrarySettings.load().loan_days == 21


def test_the_loans_and_copies_lists_link_to_the_desk_and_the_overdue_list(staff_client):
    for path in (LOANS, COPIES):
        html = staff_client.get(path).content.decode()
        assert 'href="/admin/library/book/desk/"' in html
        assert 'href="/admin/library/book/overdue/"' in html


def test_the_admin_index_counts_overdue_loans(staff_client, circulation):
    html = staff_client.get("/admin/").content.decode()
    link = re.search(r'<a href="/admin/library/book/overdue/">[^<]*<strong>(\d+)</strong>', html)
    assert link and link.group(1) == "1"


# --- The list of books ------------------------------------------------------------------


def test_the_list_of_books_shows_authors_isbn_and_available_copies(staff_client, reader):
    book = BookFactory(
        title="Zarządzanie stowarzyszeniem",
        authors=["Anna Kowalska", "Jan Nowak"],
        isbn="8301000007",
        year=2019,
    )
    LoanFactory(copy=CopyFactory(book=book), borrower=reader)
    CopyFactory(book=book)
    CopyFactory(book=book, status=Copy.Status.WITHDRAWN)
    html = staff_client.get(BOOKS).content.decode()
    assert "Anna Kowalska, Jan Nowak" in html
    assert "978-83-01-00000-4" in html
    assert "1 / 2" in html  # one available of the two in circulation


def test_books_are_found_by_isbn_with_or_without_dashes_author_and_shelf_mark(staff_client):
    wanted = BookFactory(
        title="Ekonomia społeczna",
        authors=["Maria Spółdzielcza"],
        isbn="978-83-01-00000-4",
        shelf_mark="ES-3",
        publisher="Fundacja Wydawnicza",
    )
    BookFactory(title="Inna książka", authors=["Ktoś Inny"])
    for query in (
        "978-83-01-00000-4",
        "9788301000004",
        wanted.isbn_display,
        "Spółdzielcza",
        "ES-3",
        "Wydawnicza",
    ):
        response = staff_client.get(BOOKS, {"q": query})
        assert list(response.context["cl"].result_list) == [wanted], query


def test_the_has_available_copies_filter(staff_client, reader):
    free = BookFactory(title="Wolna", copies=1)
    lent = BookFactory(title="Wypożyczona")
    LoanFactory(copy=CopyFactory(book=lent), borrower=reader)
    response = staff_client.get(BOOKS, {"available": "yes"})
    assert list(response.context["cl"].result_list) == [free]
    response = staff_client.get(BOOKS, {"available": "no"})
    assert list(response.context["cl"].result_list) == [lent]


def test_the_list_of_books_reads_a_fixed_number_of_queries(
    staff_client, reader, django_assert_max_num_queries
):
    subject = Subject.objects.get(slug="pozyskiwanie-funduszy")
    for number in range(35):
        book = BookFactory(
            title=f"Książka {number}",
            authors=[f"Autor {number}", "Wspólny Autor"],
            subjects=[subject],
            copies=2,
        )
        if number % 3 == 0:
            LoanFactory(copy=book.copies.first(), borrower=reader)
    with django_assert_max_num_queries(14):
        response = staff_client.get(BOOKS)
    assert response.context["cl"].result_count == 35
    with django_assert_max_num_queries(14):
        staff_client.get(BOOKS, {"q": "Autor", "subject": subject.pk})


# --- Adding and editing a book --------------------------------------------------------------


def test_staff_add_a_book_with_authors_in_order_and_copies(staff_client):
    first, second = (
        Author.objects.create(name="Zofia Pierwsza"),
        Author.objects.create(name="Adam Drugi"),
    )
    data = with_copies(
        with_authors(book_form(isbn_as_typed="83-01-00000-7"), (second, 2), (first, 1)),
        "F/001",
        "F/002",
    )
    response = staff_client.post(ADD_BOOK, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    book = Book.objects.get()
    assert book.isbn == "9788301000004" and book.isbn_as_typed == "83-01-00000-7"
    assert book.slug == "fundraising-w-malej-organizacji"
    assert book.author_names() == ["Zofia Pierwsza", "Adam Drugi"]
    assert sorted(book.copies.values_list("inventory_number", flat=True)) == ["F/001", "F/002"]
    assert set(book.copies.values_list("status", flat=True)) == {Copy.Status.AVAILABLE}
    # The search text was rebuilt with the authors and the ISBN.
    assert list(Book.objects.search("Pierwsza")) == [book]
    assert list(Book.objects.search("8301000007")) == [book]


def test_an_invalid_isbn_is_refused_on_its_field_and_nothing_saved(staff_client):
    response = staff_client.post(ADD_BOOK, book_form(isbn_as_typed="978-83-01-00000-2"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "isbn_as_typed" in errors and "ISBN" in errors["isbn_as_typed"][0]
    assert not Book.objects.exists()


def test_a_duplicate_isbn_names_the_other_book(staff_client):
    BookFactory(title="Pierwsze wydanie", isbn="9788301000004")
    response = staff_client.post(ADD_BOOK, book_form(isbn_as_typed="83-01-00000-7"))
    assert response.status_code == 200
    (message,) = response.context["adminform"].form.errors["isbn_as_typed"]
    assert "Pierwsze wydanie" in message and "ISBN" in message
    assert Book.objects.count() == 1


def test_a_book_keeps_its_own_isbn_when_edited(staff_client):
    book = BookFactory(title="Stara nazwa", isbn="9788301000004")
    data = book_form(title="Nowa nazwa", slug=book.slug, isbn_as_typed="978-83-01-00000-4")
    data.update({"changes-TOTAL_FORMS": "0", "changes-INITIAL_FORMS": "0"})  # the history
    response = staff_client.post(f"/admin/library/book/{book.pk}/change/", data)
    assert response.status_code == 302
    book.refresh_from_db()
    assert (book.title, book.isbn) == ("Nowa nazwa", "9788301000004")
    assert list(Book.objects.search("nowa nazwa")) == [book]


def test_a_cover_needs_its_description_and_is_re_encoded(staff_client):
    cover = SimpleUploadedFile("okladka.png", png_bytes(), content_type="image/png")
    response = staff_client.post(ADD_BOOK, {**book_form(), "cover": cover})
    assert response.status_code == 200
    assert "cover_alt" in response.context["adminform"].form.errors
    assert not Book.objects.exists()
    cover = SimpleUploadedFile("okladka.png", png_bytes(), content_type="image/png")
    data = {**book_form(cover_alt="Zielona okładka z tytułem"), "cover": cover}
    assert staff_client.post(ADD_BOOK, data).status_code == 302
    book = Book.objects.get()
    assert book.cover.name.startswith("library/covers/")
    with Image.open(book.cover.path) as image:
        assert image.size == (12, 16)


def test_a_cover_that_is_not_an_image_is_refused(staff_client):
    fake = SimpleUploadedFile("okladka.png", b"not an image at all", content_type="image/png")
    response = staff_client.post(ADD_BOOK, {**book_form(cover_alt="Okładka"), "cover": fake})
    assert response.status_code == 200
    assert "cover" in response.context["adminform"].form.errors
    assert not Book.objects.exists()


def test_a_copy_with_a_taken_inventory_number_is_refused(staff_client):
    CopyFactory(inventory_number="F/001")
    response = staff_client.post(ADD_BOOK, with_copies(book_form(), "f/001"))
    assert response.status_code == 200
    assert not Book.objects.filter(title="Fundraising w małej organizacji").exists()
    assert "Inny egzemplarz ma już numer inwentarzowy „f/001”." in response.content.decode()


# --- Copies ---------------------------------------------------------------------------------


def test_the_status_of_a_copy_cannot_be_edited_in_its_form(staff_client, circulation):
    held = circulation["held"]
    data = {
        "book": held.book.pk,
        "inventory_number": held.inventory_number,
        "condition": "worn",
        "notes": "",
        "status": Copy.Status.AVAILABLE,
        # The history inline's (read-only) management form.
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
    }
    response = staff_client.post(f"/admin/library/copy/{held.pk}/change/", data)
    assert response.status_code == 302
    held.refresh_from_db()
    assert (held.condition, held.status) == ("worn", Copy.Status.HELD)


def test_withdrawing_and_restoring_copies_through_the_actions(staff_client, circulation):
    lent = circulation["loan"].copy
    free = CopyFactory(book=circulation["book"], inventory_number="W/4")
    response = staff_client.post(
        COPIES, {"action": "withdraw", "_selected_action": [lent.pk, free.pk]}, follow=True
    )
    free.refresh_from_db()
    lent.refresh_from_db()
    assert free.status == Copy.Status.WITHDRAWN and lent.status == Copy.Status.ON_LOAN
    found = messages_of(response)
    assert (
        messages.WARNING,
        "W/1: Przed wycofaniem egzemplarza z obiegu zarejestruj jego zwrot.",
    ) in found
    assert (messages.SUCCESS, "W/4: wycofano z obiegu.") in found
    staff_client.post(COPIES, {"action": "restore", "_selected_action": [free.pk]})
    free.refresh_from_db()
    assert free.status == Copy.Status.AVAILABLE


def test_a_restored_copy_goes_to_a_reader_who_waits(staff_client, circulation, reader):
    withdrawn = circulation["withdrawn"]
    waiting = UserFactory(email="czeka@example.org")
    services.hold_place(book=withdrawn.book, user=waiting)  # the other copies are taken
    response = staff_client.post(
        COPIES, {"action": "restore", "_selected_action": [withdrawn.pk]}, follow=True
    )
    withdrawn.refresh_from_db()
    assert withdrawn.status == Copy.Status.HELD
    ((level, message),) = messages_of(response)
    assert level == messages.SUCCESS and "czeka@example.org" in message


def test_a_copy_with_loans_or_set_aside_is_not_deleted(staff_client, circulation):
    for copy in (circulation["loan"].copy, circulation["held"]):
        response = staff_client.post(f"/admin/library/copy/{copy.pk}/delete/", {"post": "yes"})
        assert response.status_code == 200
        assert copy.inventory_number in response.content.decode()
        assert Copy.objects.filter(pk=copy.pk).exists()
    response = staff_client.post(
        COPIES,
        {
            "action": "delete_selected",
            "_selected_action": [circulation["held"].pk],
            "post": "yes",
        },
    )
    assert response.status_code == 200
    assert Copy.objects.filter(pk=circulation["held"].pk).exists()


def test_a_copy_never_lent_may_be_deleted(staff_client):
    copy = CopyFactory()
    response = staff_client.post(f"/admin/library/copy/{copy.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Copy.objects.filter(pk=copy.pk).exists()


def test_deleting_a_set_aside_copy_in_the_book_form_is_refused(staff_client, circulation):
    book = circulation["book"]
    copies = list(book.copies.order_by("inventory_number"))
    data = book_form(title=book.title, slug=book.slug, **{"copies-TOTAL_FORMS": str(len(copies))})
    data["copies-INITIAL_FORMS"] = str(len(copies))
    data["book_authors-TOTAL_FORMS"] = "0"
    for index, copy in enumerate(copies):
        data[f"copies-{index}-id"] = str(copy.pk)
        data[f"copies-{index}-book"] = str(book.pk)
        data[f"copies-{index}-inventory_number"] = copy.inventory_number
        data[f"copies-{index}-condition"] = copy.condition
        if copy == circulation["held"]:
            data[f"copies-{index}-DELETE"] = "on"
    links = list(book.book_authors.all())
    data["book_authors-TOTAL_FORMS"] = data["book_authors-INITIAL_FORMS"] = str(len(links))
    for index, link in enumerate(links):
        data[f"book_authors-{index}-id"] = str(link.pk)
        data[f"book_authors-{index}-book"] = str(book.pk)
        data[f"book_authors-{index}-author"] = str(link.author_id)
        data[f"book_authors-{index}-position"] = str(link.position)
    response = staff_client.post(f"/admin/library/book/{book.pk}/change/", data)
    assert response.status_code == 200
    assert (
        "Nie można usunąć egzemplarza W/2, ponieważ jest odłożony dla czytelnika."
        in response.content.decode()
    )
    assert Copy.objects.filter(pk=circulation["held"].pk).exists()


# --- Loans ----------------------------------------------------------------------------------


def test_loans_are_not_added_or_deleted_in_the_admin(staff_client, circulation):
    assert staff_client.get("/admin/library/loan/add/").status_code == 403
    loan = circulation["loan"]
    assert staff_client.get(f"/admin/library/loan/{loan.pk}/delete/").status_code == 403
    html = staff_client.get(f"/admin/library/loan/{loan.pk}/change/").content.decode()
    assert 'name="_save"' not in html  # the page only shows the loan


def test_the_list_of_loans_filters_by_state(staff_client, circulation, reader):
    overdue = circulation["loan"]
    current = LoanFactory(copy=CopyFactory(), borrower=reader, days=10)
    services.copy_return(copy=current.copy, by=None)
    current.refresh_from_db()
    active = LoanFactory(copy=CopyFactory(), borrower=reader, days=10)

    def listed(state):
        response = staff_client.get(LOANS, {"state": state})
        return set(response.context["cl"].result_list)

    assert listed("active") == {overdue, active}
    assert listed("overdue") == {overdue}
    assert listed("returned") == {current}


def test_returning_loans_says_row_by_row_what_became_of_each_copy(
    staff_client, circulation, reader, mailoutbox, django_capture_on_commit_callbacks
):
    loan = circulation["loan"]
    other = LoanFactory(copy=CopyFactory(inventory_number="Z/9"), borrower=reader)
    waiting = UserFactory(email="kolejna@example.org")
    services.hold_place(book=loan.copy.book, user=waiting)
    services.copy_return(copy=other.copy, by=None)
    other.refresh_from_db()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            LOANS, {"action": "return_loans", "_selected_action": [loan.pk, other.pk]}, follow=True
        )
    loan.refresh_from_db()
    assert loan.returned_at is not None
    found = {text.split(":")[0]: (level, text) for level, text in messages_of(response)}
    level, text = found["W/1 (Jan Czytelnik)"]
    assert level == messages.SUCCESS and "kolejna@example.org" in text
    level, text = found["Z/9 (Jan Czytelnik)"]
    assert level == messages.WARNING
    assert text == "Z/9 (Jan Czytelnik): Zwrot tego wypożyczenia został już zarejestrowany."
    assert [m.to for m in mailoutbox] == [[waiting.email]]


def test_renewing_loans_through_the_action(staff_client, reader):
    loan = LoanFactory(copy=CopyFactory(inventory_number="R/1"), borrower=reader, days=3)
    blocked = LoanFactory(copy=CopyFactory(inventory_number="R/2"), borrower=reader, days=3)
    services.hold_place(book=blocked.copy.book, user=UserFactory())
    response = staff_client.post(
        LOANS, {"action": "renew_loans", "_selected_action": [loan.pk, blocked.pk]}, follow=True
    )
    loan.refresh_from_db()
    blocked.refresh_from_db()
    assert (loan.renewals, blocked.renewals) == (1, 0)
    texts = [text for _level, text in messages_of(response)]
    assert any(t.startswith("R/1") and "przedłużono do" in t for t in texts)
    assert any(t.startswith("R/2") and "Na tę książkę czeka już inna osoba." in t for t in texts)


def test_the_list_of_loans_reads_a_fixed_number_of_queries(
    staff_client, django_assert_max_num_queries
):
    book = BookFactory()
    for number in range(35):
        LoanFactory(copy=CopyFactory(book=book), borrower=UserFactory(), days=number - 10)
    with django_assert_max_num_queries(14):
        response = staff_client.get(LOANS)
    assert response.context["cl"].result_count == 35


# --- Holds ----------------------------------------------------------------------------------


def test_cancelling_a_hold_passes_the_set_aside_copy_on(staff_client, circulation):
    hold = circulation["hold"]
    assert hold.status == Hold.Status.READY
    next_reader = UserFactory()
    second = services.hold_place(book=hold.book, user=next_reader)
    response = staff_client.post(
        HOLDS, {"action": "cancel", "_selected_action": [hold.pk]}, follow=True
    )
    hold.refresh_from_db()
    second.refresh_from_db()
    assert hold.status == Hold.Status.CANCELLED
    assert second.status == Hold.Status.READY and second.copy == circulation["held"]
    assert [level for level, _text in messages_of(response)] == [messages.SUCCESS]
    response = staff_client.post(
        HOLDS, {"action": "cancel", "_selected_action": [hold.pk]}, follow=True
    )
    assert [level for level, _text in messages_of(response)] == [messages.WARNING]


def test_holds_are_not_added_or_deleted_in_the_admin(staff_client, circulation):
    assert staff_client.get("/admin/library/hold/add/").status_code == 403
    hold = circulation["hold"]
    assert staff_client.get(f"/admin/library/hold/{hold.pk}/delete/").status_code == 403


def test_subjects_are_listed_by_position_which_is_editable_in_the_list(staff_client):
    response = staff_client.get("/admin/library/subject/")
    shown = list(response.context["cl"].result_list)
    assert shown == sorted(shown, key=lambda subject: (subject.position, subject.name_pl))
    html = response.content.decode()
    assert 'name="form-0-position"' in html
    data = {
        "form-TOTAL_FORMS": str(len(shown)),
        "form-INITIAL_FORMS": str(len(shown)),
        "_save": "Save",
    }
    for index, subject in enumerate(shown):
        data[f"form-{index}-id"] = str(subject.pk)
        data[f"form-{index}-position"] = "1" if subject.slug == "inne" else str(subject.position)
    assert staff_client.post("/admin/library/subject/", data).status_code == 302
    assert Subject.objects.order_by("position", "name_pl").first().slug == "inne"
