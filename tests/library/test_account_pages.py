"""The reader's library page under /konto/: loans with due dates and renewals,
reservations with the place in the queue, history; renewing and cancelling."""

import datetime
import html
import re

import pytest
from django.utils import timezone

from library.models import Copy, Hold, LibrarySettings, Loan
from tests.factories import UserFactory
from tests.library.factories import BookFactory, HoldFactory, LoanFactory

pytestmark = pytest.mark.django_db

MY_LIBRARY = "/konto/biblioteka/"
EN_MY_LIBRARY = "/en/konto/biblioteka/"


def text_of(response):
    assert response.status_code == 200
    content = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(content).split())


def row_text(response, row_id):
    """The text of one table row (`loan-<pk>` or `hold-<pk>`)."""
    found = re.search(rf'<tr id="{row_id}">(.*?)</tr>', response.content.decode(), re.S)
    assert found, f"no row {row_id}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def renew_url(loan):
    return f"/konto/biblioteka/wypozyczenia/{loan.pk}/przedluz/"


def cancel_url(hold):
    return f"/konto/biblioteka/rezerwacje/{hold.pk}/anuluj/"


def english_date(day):
    return f"{day.day} {day:%B %Y}"


# --- Who may come in ----------------------------------------------------------------------


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(MY_LIBRARY)
    assert response.status_code == 302
    assert response.url == "/konto/login/?next=/konto/biblioteka/"


def test_a_visitor_cannot_renew_or_cancel(client):
    reader = UserFactory()
    loan = LoanFactory(copy=BookFactory(copies=1).copies.get(), borrower=reader)
    hold = HoldFactory(book=BookFactory(copies=1), user=reader)
    due_on = loan.due_on
    for url in (renew_url(loan), cancel_url(hold)):
        response = client.post(url)
        assert response.status_code == 302
        assert response.url == "/konto/login/?next=/konto/biblioteka/"
    loan.refresh_from_db()
    hold.refresh_from_db()
    assert (loan.due_on, loan.renewals) == (due_on, 0)
    assert hold.status == Hold.Status.WAITING


def test_renew_and_cancel_take_only_post(client, ngo_member):
    loan = LoanFactory(copy=BookFactory(copies=1).copies.get(), borrower=ngo_member)
    hold = HoldFactory(book=BookFactory(copies=1), user=ngo_member)
    client.force_login(ngo_member)
    assert client.get(renew_url(loan)).status_code == 405
    assert client.get(cancel_url(hold)).status_code == 405


def test_another_readers_loan_or_hold_is_404(client, ngo_member, other_ngo_member):
    loan = LoanFactory(copy=BookFactory(copies=1).copies.get(), borrower=other_ngo_member)
    hold = HoldFactory(book=BookFactory(copies=1), user=other_ngo_member)
    client.force_login(ngo_member)
    assert client.post(renew_url(loan)).status_code == 404
    assert client.post(cancel_url(hold)).status_code == 404
    assert client.post("/konto/biblioteka/wypozyczenia/999999/przedluz/").status_code == 404
    loan.refresh_from_db()
    hold.refresh_from_db()
    assert loan.renewals == 0
    assert hold.status == Hold.Status.WAITING


def test_a_reader_sees_only_their_own_loans_and_holds(client, ngo_member, other_ngo_member):
    LoanFactory(
        copy=BookFactory(title="Moja").copies.create(inventory_number="M/1"), borrower=ngo_member
    )
    LoanFactory(
        copy=BookFactory(title="Cudza").copies.create(inventory_number="C/1"),
        borrower=other_ngo_member,
    )
    HoldFactory(book=BookFactory(title="Cudza rezerwacja", copies=1), user=other_ngo_member)
    client.force_login(ngo_member)
    text = text_of(client.get(MY_LIBRARY))
    assert "Moja" in text
    assert "Cudza" not in text


# --- What the page shows ------------------------------------------------------------------


def test_an_empty_page_says_so(client, ngo_member):
    client.force_login(ngo_member)
    text = text_of(client.get(EN_MY_LIBRARY))
    assert "You have no books on loan." in text
    assert "You have no reservations." in text
    assert "No returned books yet." in text


def test_a_loan_shows_title_inventory_number_due_date_and_renewals_left(client, ngo_member):
    LibrarySettings.objects.filter(pk=1).update(max_renewals=2)
    book = BookFactory(title="Skuteczne pozyskiwanie funduszy")
    copy = book.copies.create(inventory_number="B/0042")
    due_on = timezone.localdate() + datetime.timedelta(days=10)
    loan = LoanFactory(copy=copy, borrower=ngo_member, due_on=due_on, renewals=1)
    client.force_login(ngo_member)
    response = client.get(EN_MY_LIBRARY)
    row = row_text(response, f"loan-{loan.pk}")
    assert row.startswith("Skuteczne pozyskiwanie funduszy B/0042")
    assert english_date(due_on) in row
    assert "Overdue" not in row
    assert row.endswith("1 Renew : Skuteczne pozyskiwanie funduszy")
    assert f'action="/en{renew_url(loan)}"' in response.content.decode()


def test_an_overdue_loan_says_so_in_words(client, ngo_member):
    today = timezone.localdate()
    late = LoanFactory(
        copy=BookFactory(title="Spóźniona", copies=1).copies.get(),
        borrower=ngo_member,
        due_on=today - datetime.timedelta(days=3),
    )
    very_late = LoanFactory(
        copy=BookFactory(title="Bardzo spóźniona", copies=1).copies.get(),
        borrower=ngo_member,
        due_on=today - datetime.timedelta(days=1),
    )
    due_today = LoanFactory(
        copy=BookFactory(title="Na dziś", copies=1).copies.get(), borrower=ngo_member, due_on=today
    )
    client.force_login(ngo_member)
    response = client.get(EN_MY_LIBRARY)
    assert "Overdue by 3 days: please return it" in row_text(response, f"loan-{late.pk}")
    assert "Overdue by 1 day: please return it" in row_text(response, f"loan-{very_late.pk}")
    assert "Due today" in row_text(response, f"loan-{due_today.pk}")
    # The most urgent first.
    text = text_of(response)
    assert text.index("Spóźniona") < text.index("Bardzo spóźniona") < text.index("Na dziś")


def test_a_loan_that_cannot_be_renewed_gives_the_reason_instead_of_the_button(client, ngo_member):
    LibrarySettings.objects.filter(pk=1).update(max_renewals=2)
    used_up = LoanFactory(
        copy=BookFactory(title="Przedłużana", copies=1).copies.get(),
        borrower=ngo_member,
        renewals=2,
    )
    wanted = BookFactory(title="Chciana", copies=1)
    awaited = LoanFactory(copy=wanted.copies.get(), borrower=ngo_member)
    HoldFactory(book=wanted, user=UserFactory())
    client.force_login(ngo_member)
    response = client.get(EN_MY_LIBRARY)
    row = row_text(response, f"loan-{used_up.pk}")
    assert "The loan has been renewed as many times as the rules allow." in row
    assert " 0 " in f" {row} "
    assert "Another reader is waiting for this book." in row_text(response, f"loan-{awaited.pk}")
    page = response.content.decode()
    assert renew_url(used_up) not in page
    assert renew_url(awaited) not in page


def test_holds_show_the_place_in_the_queue_or_the_date_to_collect_by(client, ngo_member):
    now = timezone.now()
    queued_book = BookFactory(title="W kolejce", copies=1)
    LoanFactory(copy=queued_book.copies.get(), borrower=UserFactory())
    for minutes in (30, 20):
        HoldFactory(
            book=queued_book,
            user=UserFactory(),
            created_at=now - datetime.timedelta(minutes=minutes),
        )
    queued = HoldFactory(book=queued_book, user=ngo_member, created_at=now)
    # Somebody who came later does not change the place.
    HoldFactory(
        book=queued_book, user=UserFactory(), created_at=now + datetime.timedelta(minutes=1)
    )
    ready_book = BookFactory(title="Odłożona")
    ready = HoldFactory(
        book=ready_book,
        user=ngo_member,
        status=Hold.Status.READY,
        expires_on=datetime.date(2026, 12, 3),
    )
    client.force_login(ngo_member)
    response = client.get(EN_MY_LIBRARY)
    assert "Waiting: number 3 in the queue" in row_text(response, f"hold-{queued.pk}")
    ready_row = row_text(response, f"hold-{ready.pk}")
    assert "Ready: collect it from the centre by 3 December 2026" in ready_row
    assert ready.copy.inventory_number in ready_row
    page = response.content.decode()
    assert f'action="/en{cancel_url(queued)}"' in page
    assert f'action="/en{cancel_url(ready)}"' in page


def test_history_lists_returned_loans_and_ended_reservations(client, ngo_member):
    now = timezone.now()
    returned = LoanFactory(
        copy=BookFactory(title="Oddana", copies=1).copies.get(),
        borrower=ngo_member,
        lent_at=now - datetime.timedelta(days=40),
        returned_at=now - datetime.timedelta(days=5),
    )
    HoldFactory(book=BookFactory(title="Anulowana"), user=ngo_member, status=Hold.Status.CANCELLED)
    HoldFactory(
        book=BookFactory(title="Przeterminowana"), user=ngo_member, status=Hold.Status.EXPIRED
    )
    client.force_login(ngo_member)
    response = client.get(EN_MY_LIBRARY)
    text = text_of(response)
    history = text[text.index("History") :]
    assert (
        f"Oddana – borrowed {english_date(timezone.localtime(returned.lent_at))}, "
        f"returned {english_date(timezone.localtime(returned.returned_at))}"
    ) in history
    assert "Anulowana – cancelled" in history
    assert "Przeterminowana – expired" in history
    # A returned book is history, not on loan.
    assert "You have no books on loan." in text
    assert f"loan-{returned.pk}" not in response.content.decode()


def test_the_page_runs_a_constant_number_of_queries(
    client, ngo_member, django_assert_max_num_queries
):
    LibrarySettings.objects.filter(pk=1).update(max_active_loans=50, max_active_holds=50)
    now = timezone.now()
    others = [UserFactory() for _ in range(3)]
    for n in range(20):
        book = BookFactory(title=f"Wypożyczona {n}", copies=2)
        copies = list(book.copies.all())
        LoanFactory(copy=copies[0], borrower=ngo_member, renewals=n % 3)
        if n % 2:
            HoldFactory(book=book, user=others[n % 3])
        LoanFactory(
            copy=copies[1],
            borrower=ngo_member,
            lent_at=now - datetime.timedelta(days=60),
            returned_at=now - datetime.timedelta(days=30),
        )
    for n in range(20):
        book = BookFactory(title=f"Zarezerwowana {n}", copies=1)
        LoanFactory(copy=book.copies.get(), borrower=others[n % 3])
        HoldFactory(book=book, user=others[(n + 1) % 3])
        HoldFactory(book=book, user=ngo_member)
        HoldFactory(book=book, user=others[(n + 2) % 3], status=Hold.Status.CANCELLED)
        HoldFactory(book=BookFactory(), user=ngo_member, status=Hold.Status.READY)
        HoldFactory(book=BookFactory(), user=ngo_member, status=Hold.Status.EXPIRED)
    client.force_login(ngo_member)
    client.get(MY_LIBRARY)
    with django_assert_max_num_queries(10):
        response = client.get(EN_MY_LIBRARY)
    text = text_of(response)
    # The loans nobody waits for, with renewals left, have the button.
    assert response.content.decode().count('action="/en/konto/biblioteka/wypozyczenia/') == 7
    assert text.count("Waiting: number 2 in the queue") == 20
    assert text.count("Ready: collect it from the centre by") == 20


# --- Renewing ------------------------------------------------------------------------------


def test_renewing_extends_the_due_date_and_says_until_when(
    client, ngo_member, mailoutbox, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    loan = LoanFactory(
        copy=BookFactory(title="Przedłużana", copies=1).copies.get(),
        borrower=ngo_member,
        due_on=today + datetime.timedelta(days=2),
    )
    client.force_login(ngo_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en{renew_url(loan)}")
    assert response.status_code == 302
    assert response.url == EN_MY_LIBRARY
    loan.refresh_from_db()
    settings = LibrarySettings.load()
    assert loan.due_on == today + datetime.timedelta(days=settings.loan_days)
    assert loan.renewals == 1
    text = text_of(client.get(response.url))
    assert f"Renewed: “Przedłużana” is now due back on {english_date(loan.due_on)}." in text
    assert len(mailoutbox) == 1


def test_renewing_when_someone_waits_is_refused_with_the_reason(client, ngo_member):
    book = BookFactory(title="Chciana", copies=1)
    loan = LoanFactory(copy=book.copies.get(), borrower=ngo_member)
    HoldFactory(book=book, user=UserFactory())
    due_on = loan.due_on
    client.force_login(ngo_member)
    response = client.post(f"/en{renew_url(loan)}", follow=True)
    assert "“Chciana” was not renewed: Another reader is waiting for this book." in (
        text_of(response)
    )
    loan.refresh_from_db()
    assert (loan.due_on, loan.renewals) == (due_on, 0)


def test_renewing_a_returned_loan_is_refused_not_an_error(client, ngo_member):
    now = timezone.now()
    loan = LoanFactory(
        copy=BookFactory(title="Oddana", copies=1).copies.get(),
        borrower=ngo_member,
        lent_at=now - datetime.timedelta(days=3),
        returned_at=now,
    )
    client.force_login(ngo_member)
    response = client.post(f"/en{renew_url(loan)}", follow=True)
    assert "“Oddana” was not renewed: This book has been returned." in text_of(response)
    loan.refresh_from_db()
    assert loan.renewals == 0


# --- Cancelling ---------------------------------------------------------------------------


def test_cancelling_a_waiting_hold(client, ngo_member):
    hold = HoldFactory(book=BookFactory(title="Niepotrzebna", copies=1), user=ngo_member)
    client.force_login(ngo_member)
    response = client.post(f"/en{cancel_url(hold)}", follow=True)
    assert response.redirect_chain == [(EN_MY_LIBRARY, 302)]
    assert "Your reservation of “Niepotrzebna” is cancelled." in text_of(response)
    hold.refresh_from_db()
    assert hold.status == Hold.Status.CANCELLED


def test_cancelling_a_ready_hold_passes_the_copy_to_the_next_reader(
    client, ngo_member, mailoutbox, django_capture_on_commit_callbacks
):
    book = BookFactory(title="Rozchwytywana")
    hold = HoldFactory(book=book, user=ngo_member, status=Hold.Status.READY)
    next_reader = UserFactory()
    following = HoldFactory(book=book, user=next_reader)
    client.force_login(ngo_member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(cancel_url(hold))
    following.refresh_from_db()
    assert following.status == Hold.Status.READY
    assert following.copy == hold.copy
    assert Copy.objects.get(pk=hold.copy.pk).status == Copy.Status.HELD
    assert [message.to for message in mailoutbox] == [[next_reader.email]]


def test_cancelling_a_hold_that_has_ended_is_refused_not_an_error(client, ngo_member):
    hold = HoldFactory(book=BookFactory(title="Stara"), user=ngo_member, status=Hold.Status.EXPIRED)
    client.force_login(ngo_member)
    response = client.post(f"/en{cancel_url(hold)}", follow=True)
    assert "The reservation of “Stara” was not cancelled: This reservation has already ended." in (
        text_of(response)
    )
    assert Hold.objects.get(pk=hold.pk).status == Hold.Status.EXPIRED


def test_loans_of_a_deleted_account_stay_out_of_everyone_elses_page(client, ngo_member):
    """A loan whose borrower was deleted has no borrower: it is nobody's to renew. (Only
    a returned loan can lose its borrower: the database refuses a book on loan to
    nobody.)"""
    now = timezone.now()
    loan = LoanFactory(
        copy=BookFactory(copies=1).copies.get(),
        borrower=None,
        lent_at=now - datetime.timedelta(days=3),
        returned_at=now,
    )
    client.force_login(ngo_member)
    assert client.post(renew_url(loan)).status_code == 404
    assert Loan.objects.get(pk=loan.pk).renewals == 0


def test_a_reader_at_the_loan_limit_is_told_before_coming_for_a_reserved_book(client):
    from library import services
    from library.models import LibrarySettings
    from tests.factories import UserFactory
    from tests.library.factories import BookFactory

    rules = LibrarySettings.load()
    rules.max_active_loans = 1
    rules.save()
    reader = UserFactory()
    staff = UserFactory(is_staff=True)
    services.copy_lend(copy=BookFactory(copies=1).copies.get(), borrower=reader, by=staff)
    services.hold_place(book=BookFactory(copies=1), user=reader)
    client.force_login(reader)
    page = client.get("/en/konto/biblioteka/").content.decode()
    assert "You have 1 book on loan, the most allowed at once" in page
