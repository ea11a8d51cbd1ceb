"""The public catalogue as residents and readers use it: search, filters, the
result count, a book's page with its availability, and reserving a book."""

import datetime
import html
import re

import pytest
from django.utils import timezone

from library.models import Book, Copy, Hold, Subject
from tests.factories import UserFactory
from tests.library.factories import BookFactory, CopyFactory, HoldFactory, LoanFactory
from tests.organizations.factories import MemberFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

LIST = "/biblioteka/"
EN_LIST = "/en/biblioteka/"

# Valid ISBNs: the ISBN-13 with dashes, and the same book's ISBN-10.
ISBN_13 = "978-83-7556-064-0"
ISBN_10 = "83-7556-064-2"

_CARD_TITLE = re.compile(r'<h3 class="h5 card-title[^"]*"><a href="([^"]+)"[^>]*>([^<]*)</a></h3>')


def listed(response):
    """Titles of the books on the page, in the order shown."""
    assert response.status_code == 200
    return [html.unescape(title) for _url, title in _CARD_TITLE.findall(response.content.decode())]


def text_of(response):
    """The page's text with tags removed and spaces collapsed."""
    assert response.status_code == 200
    content = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(content).split())


def detail(book):
    return f"/biblioteka/{book.slug}/"


def reserve_url(book):
    return f"/biblioteka/{book.slug}/zarezerwuj/"


def en(path):
    """The English address of a page (Polish ones have no prefix)."""
    return f"/en{path}"


def fundraising():
    return Subject.objects.get(slug="pozyskiwanie-funduszy")


# --- Search -------------------------------------------------------------------------


def test_searching_pozyskiwanie_funduszy_finds_the_title_and_the_subject(client):
    BookFactory(title="Skuteczne pozyskiwanie funduszy")
    BookFactory(title="Jak zdobyć pieniądze na projekt", subjects=[fundraising()])
    BookFactory(title="Wolontariat w praktyce")
    found = listed(client.get(LIST, {"q": "pozyskiwanie funduszy"}))
    assert sorted(found) == ["Jak zdobyć pieniądze na projekt", "Skuteczne pozyskiwanie funduszy"]


@pytest.mark.parametrize("query", ["POZYSKIWANIE", "pozyskiwanie", "Pozyskiwaniu funduszy"])
def test_search_ignores_letter_case_and_word_endings(client, query):
    BookFactory(title="Skuteczne pozyskiwanie funduszy")
    BookFactory(title="Wolontariat w praktyce")
    assert listed(client.get(LIST, {"q": query})) == ["Skuteczne pozyskiwanie funduszy"]


@pytest.mark.parametrize("query", ["lodz", "Łódź", "ŁÓDŹ", "łodz"])
def test_search_ignores_polish_diacritics(client, query):
    BookFactory(title="Organizacje pozarządowe w Łodzi", publisher="Wydawnictwo Łódź")
    BookFactory(title="Wolontariat w praktyce")
    assert listed(client.get(LIST, {"q": query})) == ["Organizacje pozarządowe w Łodzi"]


def test_search_covers_authors_publisher_and_the_english_subject_name(client):
    BookFactory(title="Pierwsza", authors=["Anna Kowalska"])
    BookFactory(title="Druga", publisher="Fundacja Klon/Jawor")
    BookFactory(title="Trzecia", subjects=[fundraising()])
    assert listed(client.get(LIST, {"q": "kowalska"})) == ["Pierwsza"]
    assert listed(client.get(LIST, {"q": "klon jawor"})) == ["Druga"]
    assert listed(client.get(LIST, {"q": "fundraising"})) == ["Trzecia"]


@pytest.mark.parametrize(
    "query",
    [ISBN_13, "9788375560640", "978 83 7556 064 0", ISBN_10, "8375560642", " 83-7556-064-2 "],
)
def test_an_isbn_finds_its_book_with_or_without_dashes_as_10_or_13_digits(client, query):
    BookFactory(title="Książka z ISBN", isbn=ISBN_13)
    BookFactory(title="Inna książka", isbn="978-83-01-01234-2")
    assert listed(client.get(LIST, {"q": query})) == ["Książka z ISBN"]


def test_a_malformed_isbn_is_searched_as_text_not_an_error(client):
    BookFactory(title="Książka z ISBN", isbn=ISBN_13)
    BookFactory(title="Sprawozdanie 2019-2020-2021")
    # The right length with a wrong check digit: no book, a helpful page.
    response = client.get(EN_LIST, {"q": "978-83-7556-064-9"})
    assert listed(response) == []
    assert "No book matches your search" in text_of(response)
    # Digits and dashes that are no ISBN at all are words to look for.
    assert listed(client.get(LIST, {"q": "2019-2020-2021"})) == ["Sprawozdanie 2019-2020-2021"]


def test_a_search_with_no_result_explains_what_to_try(client):
    BookFactory(title="Wolontariat w praktyce")
    response = client.get(EN_LIST, {"q": "astrofizyka"})
    page = text_of(response)
    assert listed(response) == []
    assert "0 books" in page
    assert "Check the spelling" in page
    assert f'href="{EN_LIST}"' in response.content.decode()


# --- Filters and order -----------------------------------------------------------------


def test_filters_by_subject_language_and_available_now(client):
    on_shelf = BookFactory(title="Na półce", subjects=[fundraising()], copies=1)
    lent = BookFactory(title="Wypożyczona", subjects=[fundraising()], copies=1)
    LoanFactory(copy=lent.copies.get(), borrower=UserFactory())
    BookFactory(title="Fundraising for beginners", language=Book.Language.ENGLISH, copies=1)
    BookFactory(title="Bez egzemplarzy")

    assert listed(client.get(LIST, {"subject": "pozyskiwanie-funduszy"})) == [
        "Na półce",
        "Wypożyczona",
    ]
    assert listed(client.get(LIST, {"language": "en"})) == ["Fundraising for beginners"]
    assert listed(client.get(LIST, {"available": "on"})) == [
        "Fundraising for beginners",
        "Na półce",
    ]
    assert listed(client.get(LIST, {"available": "on", "subject": "pozyskiwanie-funduszy"})) == [
        on_shelf.title
    ]


def test_a_held_or_withdrawn_copy_is_not_available_now(client):
    held = BookFactory(title="Odłożona")
    HoldFactory(book=held, user=UserFactory(), status=Hold.Status.READY)
    withdrawn = BookFactory(title="Wycofana")
    CopyFactory(book=withdrawn, status=Copy.Status.WITHDRAWN)
    BookFactory(title="Dostępna", copies=1)
    assert listed(client.get(LIST, {"available": "on"})) == ["Dostępna"]


@pytest.mark.parametrize(
    "params",
    [
        {"subject": "nie-ma-takiego"},
        {"language": "xx"},
        {"sort": "random"},
        {"page": "abc"},
        {"page": "999"},
        {"available": "maybe"},
        {"q": "x" * 500},
    ],
)
def test_odd_filter_values_are_ignored_not_an_error(client, params):
    BookFactory(title="Wolontariat w praktyce")
    response = client.get(LIST, params)
    assert response.status_code == 200


def test_sort_by_title_newest_and_year(client):
    now = timezone.now()
    BookFactory(title="Beta", year=2001, created_at=now - datetime.timedelta(days=1))
    BookFactory(title="Alfa", year=None, created_at=now - datetime.timedelta(days=10))
    BookFactory(title="Gamma", year=2020, created_at=now - datetime.timedelta(days=5))
    assert listed(client.get(LIST)) == ["Alfa", "Beta", "Gamma"]
    assert listed(client.get(LIST, {"sort": "newest"})) == ["Beta", "Gamma", "Alfa"]
    assert listed(client.get(LIST, {"sort": "year"})) == ["Gamma", "Beta", "Alfa"]


# --- Count, pagination, what each result shows -------------------------------------------


@pytest.mark.parametrize(
    ("count", "heading"), [(1, "1 book"), (2, "2 books"), (5, "5 books"), (22, "22 books")]
)
def test_the_result_count_uses_the_right_plural_form(client, count, heading):
    for _ in range(count):
        BookFactory()
    found = re.search(
        r'<h2 id="library-results-heading"[^>]*>([^<]*)</h2>', client.get(EN_LIST).content.decode()
    )
    assert found and found.group(1) == heading


@pytest.mark.parametrize(
    ("count", "heading"), [(1, "1 książka"), (2, "2 książki"), (5, "5 książek")]
)
def test_the_polish_page_counts_books_in_polish(client, count, heading):
    for _ in range(count):
        BookFactory()
    found = re.search(
        r'<h2 id="library-results-heading"[^>]*>([^<]*)</h2>', client.get(LIST).content.decode()
    )
    assert found and found.group(1) == heading


def test_the_polish_page_shows_the_result_count(client):
    for _ in range(3):
        BookFactory()
    found = re.search(
        r'<h2 id="library-results-heading"[^>]*>([^<]*)</h2>', client.get(LIST).content.decode()
    )
    assert found and found.group(1).split()[0] == "3"


def test_twenty_books_per_page_with_links_that_keep_the_filters(client):
    for n in range(45):
        BookFactory(title=f"Poradnik {n:02d}", subjects=[fundraising()])
    BookFactory(title="Poradnik spoza tematu")

    first = client.get(EN_LIST, {"subject": "pozyskiwanie-funduszy"})
    assert listed(first) == [f"Poradnik {n:02d}" for n in range(20)]
    page = first.content.decode()
    assert "45 books" in page
    assert "Page 1 of 3" in page
    assert 'href="?subject=pozyskiwanie-funduszy&amp;page=2"' in page

    third = client.get(EN_LIST, {"subject": "pozyskiwanie-funduszy", "page": 3})
    assert listed(third) == [f"Poradnik {n:02d}" for n in range(40, 45)]


def test_each_result_shows_authors_in_order_year_and_availability(client):
    two_of_three = BookFactory(
        title="Trzy egzemplarze", authors=["Zofia Zalewska", "Adam Abacki"], year=2019, copies=3
    )
    LoanFactory(
        copy=two_of_three.copies.first(),
        borrower=UserFactory(),
        due_on=datetime.date(2026, 12, 12),
    )
    lent = BookFactory(title="Wszystkie wypożyczone", copies=2)
    for copy, day in zip(lent.copies.all(), [20, 12], strict=True):
        LoanFactory(copy=copy, borrower=UserFactory(), due_on=datetime.date(2026, 12, day))
    BookFactory(title="Bez egzemplarzy")
    page = text_of(client.get(EN_LIST))
    assert "Trzy egzemplarze Zofia Zalewska, Adam Abacki · 2019 2 of 3 copies available" in page
    # The nearest date a copy comes back.
    assert "Wszystkie wypożyczone On loan, due back 12 December 2026" in page
    assert "Bez egzemplarzy No copies to lend" in page


def test_one_copy_on_the_shelf_is_singular(client):
    BookFactory(title="Jedna", copies=1)
    assert "1 of 1 copy available" in text_of(client.get(EN_LIST))


def test_a_cover_is_shown_with_its_alt_text(client):
    from tests.factories import png_file

    BookFactory(
        title="Z okładką", cover=png_file(120, 180, "okladka.png"), cover_alt="Niebieska okładka"
    )
    page = client.get(LIST).content.decode()
    assert re.search(r'<img src="/media/library/covers/[^"]+" alt="Niebieska okładka"', page)


def test_a_title_in_another_language_is_marked_for_screen_readers(client):
    BookFactory(title="Fundraising for beginners", language=Book.Language.ENGLISH)
    BookFactory(title="Pozyskiwanie funduszy")
    page = client.get(LIST).content.decode()
    assert 'lang="en">Fundraising for beginners</a>' in page
    assert 'lang="pl"' not in page.split("<main", 1)[1]


def many_books(count=35):
    """A catalogue where N+1 queries show: every book has two authors, two subjects,
    copies on the shelf, on loan and set aside, and readers waiting."""
    subjects = list(Subject.objects.all()[:6])
    readers = [UserFactory() for _ in range(3)]
    books = []
    for n in range(count):
        book = BookFactory(
            title=f"Poradnik numer {n:02d}",
            authors=[f"Autorka {n}", f"Autor {n + 1}"],
            subjects=[subjects[n % 6], subjects[(n + 1) % 6]],
            year=2000 + n % 20,
            copies=3,
        )
        copies = list(book.copies.all())
        LoanFactory(copy=copies[0], borrower=readers[n % 3])
        HoldFactory(book=book, user=readers[(n + 1) % 3], status=Hold.Status.READY, copy=copies[1])
        HoldFactory(book=book, user=readers[(n + 2) % 3])
        books.append(book)
    return books


@pytest.mark.parametrize(
    "params", [{}, {"q": "poradnik"}, {"subject": "pozyskiwanie-funduszy", "available": "on"}]
)
def test_the_list_runs_a_constant_number_of_queries(client, django_assert_max_num_queries, params):
    many_books(35)
    client.get(LIST)  # the first request creates the site settings row
    with django_assert_max_num_queries(9):
        response = client.get(LIST, params)
    assert len(listed(response)) >= 1


def test_the_list_runs_a_constant_number_of_queries_for_a_signed_in_reader(
    client, ngo_member, django_assert_max_num_queries
):
    many_books(35)
    client.force_login(ngo_member)
    client.get(LIST)
    with django_assert_max_num_queries(11):
        response = client.get(LIST, {"q": "poradnik", "page": 2})
    assert len(listed(response)) == 15


# --- A book's page ------------------------------------------------------------------------


def test_the_book_page_shows_every_detail(client):
    book = BookFactory(
        title="Skuteczne pozyskiwanie funduszy",
        subtitle="Poradnik dla stowarzyszeń",
        authors=["Zofia Zalewska", "Adam Abacki"],
        isbn="9788375560640",
        publisher="Wydawnictwo Klon",
        year=2019,
        subjects=[fundraising()],
        description="Pierwszy akapit.\n\nDrugi akapit <b>pogrubiony</b>.",
        shelf_mark="III-12",
    )
    response = client.get(en(detail(book)))
    page = response.content.decode()
    text = text_of(response)
    assert '<h1 lang="pl">Skuteczne pozyskiwanie funduszy</h1>' in page
    assert "Poradnik dla stowarzyszeń" in text
    assert "Zofia Zalewska, Adam Abacki" in text
    assert "978-83-7556-064-0" in text
    assert "Wydawnictwo Klon" in text and "2019" in text and "III-12" in text
    assert "Language Polish" in text
    # The subject links to the list filtered by it.
    assert '<a href="/en/biblioteka/?subject=pozyskiwanie-funduszy">Fundraising</a>' in page
    # The description is plain text: paragraphs kept, HTML shown as typed.
    assert "<p>Pierwszy akapit.</p>" in page
    assert "&lt;b&gt;pogrubiony&lt;/b&gt;" in page


def test_a_book_page_that_does_not_exist_is_404(client):
    assert client.get("/biblioteka/nie-ma-takiej/").status_code == 404


def test_the_book_page_shows_availability_and_the_queue(client):
    book = BookFactory(title="Rozchwytywana", copies=3)
    copies = list(book.copies.all())
    LoanFactory(copy=copies[0], borrower=UserFactory(), due_on=datetime.date(2026, 12, 12))
    HoldFactory(book=book, user=UserFactory(), status=Hold.Status.READY, copy=copies[1])
    HoldFactory(book=book, user=UserFactory())
    HoldFactory(book=book, user=UserFactory())
    text = text_of(client.get(en(detail(book))))
    # The copy set aside for a reader is not available to others.
    assert "1 of 3 copies available" in text
    assert "2 readers are waiting for this book." in text


def test_when_no_copy_is_free_the_page_gives_the_nearest_due_date(client):
    book = BookFactory(title="Rozchwytywana", copies=2)
    for copy, day in zip(book.copies.all(), [20, 12], strict=True):
        LoanFactory(copy=copy, borrower=UserFactory(), due_on=datetime.date(2026, 12, day))
    text = text_of(client.get(en(detail(book))))
    assert "On loan, due back 12 December 2026" in text
    assert "Nobody is waiting for this book." in text


def test_a_visitor_is_invited_to_log_in_to_reserve(client):
    book = BookFactory(title="Rozchwytywana", copies=1)
    page = client.get(detail(book)).content.decode()
    assert f'href="/konto/login/?next={detail(book).replace("/", "%2F")}"' in page
    assert 'action="/biblioteka/' not in page


def test_a_book_without_copies_cannot_be_reserved(client, ngo_member):
    book = BookFactory(title="Tylko w katalogu")
    client.force_login(ngo_member)
    text = text_of(client.get(en(detail(book))))
    assert "No copies to lend" in text
    assert "Reserve" not in text


def test_a_reader_sees_the_reserve_form_without_an_organisation_choice(client, ngo_member):
    book = BookFactory(title="Rozchwytywana", copies=1)
    client.force_login(ngo_member)
    page = client.get(detail(book)).content.decode()
    assert f'action="{reserve_url(book)}"' in page
    assert 'name="organization"' not in page


def test_a_member_may_reserve_for_their_organisation(client):
    organization = OrganizationFactory(name="Stowarzyszenie Czytelników")
    member = MemberFactory(organization=organization)
    OrganizationFactory(name="Fundacja Obca")
    book = BookFactory(title="Rozchwytywana", copies=1)
    client.force_login(member)
    page = client.get(detail(book)).content.decode()
    assert 'name="organization"' in page
    assert "Stowarzyszenie Czytelników" in page
    assert "Fundacja Obca" not in page


def test_a_reader_who_reserved_or_borrowed_the_title_is_told_so(client, ngo_member):
    waiting_for = BookFactory(title="W kolejce", copies=1)
    LoanFactory(copy=waiting_for.copies.get(), borrower=UserFactory())
    HoldFactory(book=waiting_for, user=UserFactory())
    HoldFactory(book=waiting_for, user=ngo_member)
    ready = BookFactory(title="Odłożona")
    HoldFactory(
        book=ready,
        user=ngo_member,
        status=Hold.Status.READY,
        expires_on=datetime.date(2026, 12, 3),
    )
    borrowed = BookFactory(title="Wypożyczona", copies=1)
    LoanFactory(copy=borrowed.copies.get(), borrower=ngo_member, due_on=datetime.date(2026, 12, 12))
    client.force_login(ngo_member)

    text = text_of(client.get(en(detail(waiting_for))))
    assert "you are number 2 in the queue" in text
    text = text_of(client.get(en(detail(ready))))
    assert "A copy is set aside for you: collect it from the centre by 3 December 2026." in text
    text = text_of(client.get(en(detail(borrowed))))
    assert "You have this book on loan; it is due back on 12 December 2026." in text
    for book in (waiting_for, ready, borrowed):
        page = client.get(detail(book)).content.decode()
        assert reserve_url(book) not in page


def test_the_book_page_runs_a_constant_number_of_queries(
    client, ngo_member, django_assert_max_num_queries
):
    # The reader is a member: the page offers reserving for the organisation.
    MembershipFactory(user=ngo_member, organization=OrganizationFactory())
    book = BookFactory(
        title="Rozchwytywana",
        authors=[f"Autor {n}" for n in range(8)],
        subjects=list(Subject.objects.all()[:5]),
        copies=40,
    )
    copies = list(book.copies.all())
    for n, copy in enumerate(copies[:15]):
        LoanFactory(copy=copy, borrower=UserFactory(), days=n + 1)
    for copy in copies[15:25]:
        HoldFactory(book=book, user=UserFactory(), status=Hold.Status.READY, copy=copy)
    for _ in range(20):
        HoldFactory(book=book, user=UserFactory())
    HoldFactory(book=book, user=ngo_member)
    client.get(detail(book))
    with django_assert_max_num_queries(8):
        assert client.get(detail(book)).status_code == 200
    client.force_login(ngo_member)
    with django_assert_max_num_queries(13):
        text = text_of(client.get(en(detail(book))))
    assert "21 readers are waiting" in text
    assert "you are number 21 in the queue" in text
    # Without a hold of their own the reader gets the form, organisations included.
    Hold.objects.filter(user=ngo_member).delete()
    with django_assert_max_num_queries(13):
        page = client.get(detail(book)).content.decode()
    assert 'name="organization"' in page


# --- Reserving ----------------------------------------------------------------------------


def reserve(client, book, **data):
    return client.post(reserve_url(book), data)


def test_reserving_a_book_on_the_shelf_sets_a_copy_aside(
    client, ngo_member, mailoutbox, django_capture_on_commit_callbacks
):
    book = BookFactory(title="Na półce", copies=1)
    client.force_login(ngo_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = reserve(client, book)
    assert response.status_code == 302
    assert response.url == detail(book)
    hold = Hold.objects.get(book=book, user=ngo_member)
    assert hold.status == Hold.Status.READY
    assert book.copies.get().status == Copy.Status.HELD
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [ngo_member.email]


def test_the_success_message_gives_the_date_to_collect_by(client, ngo_member):
    book = BookFactory(title="Na półce", copies=1)
    client.force_login(ngo_member)
    response = client.post(en(reserve_url(book)), follow=True)
    expires_on = Hold.objects.get(book=book, user=ngo_member).expires_on
    date = f"{expires_on.day} {expires_on:%B %Y}"
    assert f"A copy of “Na półce” is waiting for you: collect it from the centre by {date}." in (
        text_of(response)
    )


def test_reserving_a_lent_book_puts_the_reader_in_the_queue(client, ngo_member):
    book = BookFactory(title="Rozchwytywana", copies=1)
    LoanFactory(copy=book.copies.get(), borrower=UserFactory())
    HoldFactory(book=book, user=UserFactory())
    client.force_login(ngo_member)
    response = client.post(en(reserve_url(book)), follow=True)
    assert Hold.objects.get(book=book, user=ngo_member).status == Hold.Status.WAITING
    assert "You are number 2 in the queue for “Rozchwytywana”" in text_of(response)


def test_a_member_reserves_on_behalf_of_their_organisation(client):
    organization = OrganizationFactory()
    member = MemberFactory(organization=organization)
    book = BookFactory(title="Na półce", copies=1)
    client.force_login(member)
    assert reserve(client, book, organization=organization.pk).status_code == 302
    assert Hold.objects.get(book=book, user=member).organization == organization


def test_reserving_for_an_organisation_one_is_not_a_member_of_is_refused(client):
    member = MemberFactory(organization=OrganizationFactory())
    other = OrganizationFactory(name="Fundacja Obca")
    book = BookFactory(title="Na półce", copies=1)
    client.force_login(member)
    response = client.post(en(reserve_url(book)), {"organization": other.pk})
    assert response.status_code == 200
    assert "Choose one of your organisations, or yourself." in text_of(response)
    assert not Hold.objects.exists()


def test_reserving_twice_is_refused_with_a_clear_message(client, ngo_member):
    book = BookFactory(title="Rozchwytywana", copies=1)
    LoanFactory(copy=book.copies.get(), borrower=UserFactory())
    HoldFactory(book=book, user=ngo_member)
    client.force_login(ngo_member)
    response = client.post(en(reserve_url(book)))
    assert response.status_code == 200
    text = text_of(response)
    assert "The form has errors" in text
    assert "You have already reserved this book." in text
    assert "<title>Error:" in response.content.decode()
    assert Hold.objects.filter(book=book, user=ngo_member).count() == 1


def test_reserving_over_the_limit_is_refused(client, ngo_member):
    from library.models import LibrarySettings

    LibrarySettings.objects.filter(pk=1).update(max_active_holds=1)
    HoldFactory(book=BookFactory(copies=1), user=ngo_member)
    book = BookFactory(title="Druga", copies=1)
    client.force_login(ngo_member)
    response = client.post(en(reserve_url(book)))
    assert response.status_code == 200
    assert "You may have 1 reservation at a time." in text_of(response)
    assert not Hold.objects.filter(book=book).exists()


def test_reserving_a_book_without_copies_is_refused(client, ngo_member):
    book = BookFactory(title="Tylko w katalogu")
    client.force_login(ngo_member)
    response = client.post(en(reserve_url(book)))
    assert response.status_code == 200
    assert "The library has no copy of this book to lend." in text_of(response)
    assert not Hold.objects.exists()


def test_a_visitor_who_tries_to_reserve_is_sent_to_log_in_and_back_to_the_book(client):
    book = BookFactory(title="Na półce", copies=1)
    response = reserve(client, book)
    assert response.status_code == 302
    assert response.url == f"/konto/login/?next={detail(book)}"
    assert not Hold.objects.exists()


def test_reserve_takes_only_post(client, ngo_member):
    book = BookFactory(title="Na półce", copies=1)
    client.force_login(ngo_member)
    assert client.get(reserve_url(book)).status_code == 405
    assert not Hold.objects.exists()


def test_reserving_a_book_that_does_not_exist_is_404(client, ngo_member):
    client.force_login(ngo_member)
    assert client.post("/biblioteka/nie-ma-takiej/zarezerwuj/").status_code == 404


# --- The catalogue to download ----------------------------------------------------------


def test_the_list_links_to_the_catalogue_files(client):
    page = client.get(LIST).content.decode()
    assert 'href="/biblioteka/biblioteczka.xlsx"' in page
    assert 'href="/biblioteka/biblioteczka.csv"' in page


def test_the_catalogue_files_download(client):
    BookFactory(title="Skuteczne pozyskiwanie funduszy", copies=1)
    csv_response = client.get("/biblioteka/biblioteczka.csv")
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"].startswith("text/csv")
    body = b"".join(csv_response.streaming_content)
    assert "Skuteczne pozyskiwanie funduszy" in body.decode("utf-8-sig")
    xlsx_response = client.get("/biblioteka/biblioteczka.xlsx")
    assert xlsx_response.status_code == 200
    assert "spreadsheetml" in xlsx_response["Content-Type"]
