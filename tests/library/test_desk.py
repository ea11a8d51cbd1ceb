"""The staff's circulation desk and the list of overdue loans: typing the inventory
number shows the copy; staff lend, return and renew through the services; every
refusal is a message on the field it concerns, with nothing changed."""

import csv
import datetime
import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from library import services
from library.models import Copy, Hold, LibrarySettings, Loan
from organizations.models import Membership
from tests.factories import UserFactory
from tests.library.factories import BookFactory, CopyFactory, LoanFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

DESK = "/admin/library/book/desk/"
OVERDUE = "/admin/library/book/overdue/"


@pytest.fixture
def reader():
    return UserFactory(email="czytelniczka@example.org", first_name="Ewa", last_name="Czytelna")


@pytest.fixture
def book():
    return BookFactory(
        title="Pozyskiwanie funduszy krok po kroku", authors=["Anna Kowalska"], shelf_mark="F-12"
    )


@pytest.fixture
def copy(book):
    return CopyFactory(book=book, inventory_number="B/0001")


def html_of(response):
    return response.content.decode()


def messages_of(response):
    return [m.message for m in response.context["messages"]]


def error_summary(response):
    """The texts of the error summary at the top of the page."""
    html = html_of(response)
    start = html.index('id="desk-errors"')
    return html[start : html.index("</div>", start)]


def lend(client, copy, email, **extra):
    return client.post(
        DESK,
        {"action": "lend", "inventory_number": copy.inventory_number, "email": email, **extra},
    )


# --- Finding a copy ---------------------------------------------------------------------


def input_tag(html, name):
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)


def test_the_desk_starts_with_a_labelled_autofocused_inventory_number_field(staff_client):
    html = html_of(staff_client.get(DESK))
    assert '<label for="id_inventory_number">' in html
    tag = input_tag(html, "inventory_number")
    assert 'id="id_inventory_number"' in tag and "autofocus" in tag


def test_typing_the_inventory_number_shows_the_available_copy_and_the_lend_form(staff_client, copy):
    response = staff_client.get(DESK, {"inventory_number": " b/0001 "})
    html = html_of(response)
    assert response.status_code == 200
    assert "Pozyskiwanie funduszy krok po kroku" in html and "Anna Kowalska" in html
    assert "F-12" in html
    assert 'id="lend"' in html
    due = LibrarySettings.load().due_date(timezone.localdate())
    assert response.context["at_desk"].due_if_lent_today == due
    assert str(due.year) in html
    # The reader's e-mail has the focus now: the copy is ready to lend.
    assert "autofocus" in input_tag(html, "email")
    assert "autofocus" not in input_tag(html, "inventory_number")


def test_an_unknown_inventory_number_is_a_message_on_its_field(staff_client, copy):
    response = staff_client.get(DESK, {"inventory_number": "B/9999"})
    assert response.status_code == 200
    summary = error_summary(response)
    assert "Numer inwentarzowy" in summary
    assert "Nie ma egzemplarza o numerze inwentarzowym „B/9999”." in summary
    assert 'href="#id_inventory_number"' in summary
    assert response.context["at_desk"] is None


def test_an_empty_inventory_number_is_a_message_on_its_field(staff_client):
    response = staff_client.get(DESK, {"inventory_number": "  "})
    assert response.status_code == 200
    assert "Numer inwentarzowy" in error_summary(response)


# --- Lending ------------------------------------------------------------------------------


def test_staff_lend_an_available_copy_to_a_reader_found_by_e_mail(
    staff_client, staff, copy, reader, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = lend(staff_client, copy, "CZYTELNICZKA@example.org")
    assert response.status_code == 302
    assert response["Location"] == f"{DESK}?inventory_number=B%2F0001"
    loan = Loan.objects.get()
    assert (loan.borrower, loan.organization, loan.lent_by) == (reader, None, staff)
    assert loan.due_on == LibrarySettings.load().due_date(timezone.localdate())
    copy.refresh_from_db()
    assert copy.status == Copy.Status.ON_LOAN
    assert [m.to for m in mailoutbox] == [[reader.email]]
    page = staff_client.get(response["Location"])
    assert any(
        m.startswith("Wypożyczono „Pozyskiwanie funduszy krok po kroku” (B/0001)")
        and "osoba wypożyczająca: Ewa Czytelna; termin zwrotu:" in m
        for m in messages_of(page)
    )
    html = html_of(page)
    assert "czytelniczka@example.org" in html
    assert 'id="return"' in html and 'id="renew"' in html and 'id="lend"' not in html


def test_a_reader_with_organisations_is_asked_for_whom_they_borrow(staff_client, copy, reader):
    organization = OrganizationFactory(name="Fundacja Czytelników")
    MembershipFactory(user=reader, organization=organization, status=Membership.Status.ACTIVE)
    response = lend(staff_client, copy, reader.email)
    assert response.status_code == 200
    assert not Loan.objects.exists()
    html = html_of(response)
    assert "w imieniu organizacji Fundacja Czytelników" in html and "dla siebie" in html
    assert "<legend>" in html
    response = lend(staff_client, copy, reader.email, organization=str(organization.pk))
    assert response.status_code == 302
    loan = Loan.objects.get()
    assert loan.organization == organization
    # For themselves, when chosen so.
    services.copy_return(copy=copy, by=None)
    lend(staff_client, copy, reader.email, organization="")
    assert Loan.objects.active().get().organization is None


def test_an_organisation_the_reader_is_not_a_member_of_is_refused(staff_client, copy, reader):
    mine = OrganizationFactory()
    MembershipFactory(user=reader, organization=mine, status=Membership.Status.ACTIVE)
    other = OrganizationFactory()
    response = lend(staff_client, copy, reader.email, organization=str(other.pk))
    assert response.status_code == 200
    assert "Czytelnik wypożycza" in error_summary(response)
    assert not Loan.objects.exists()


def test_an_unknown_e_mail_is_a_message_on_its_field(staff_client, copy):
    response = lend(staff_client, copy, "nobody@example.org")
    assert response.status_code == 200
    summary = error_summary(response)
    assert "Adres e-mail czytelnika" in summary
    assert "W portalu nie ma aktywnego konta z adresem e-mail „nobody@example.org”." in summary
    assert 'href="#lend_email"' in summary
    assert not Loan.objects.exists()
    copy.refresh_from_db()
    assert copy.status == Copy.Status.AVAILABLE


def test_an_inactive_account_cannot_borrow(staff_client, copy):
    UserFactory(email="gone@example.org", is_active=False)
    response = lend(staff_client, copy, "gone@example.org")
    assert response.status_code == 200
    assert "gone@example.org" in error_summary(response)
    assert not Loan.objects.exists()


def test_a_copy_on_loan_cannot_be_lent_again(staff_client, copy, reader):
    first = LoanFactory(copy=copy, borrower=UserFactory())
    response = lend(staff_client, copy, reader.email)
    assert response.status_code == 200
    summary = error_summary(response)
    assert "Numer inwentarzowy" in summary and "Ten egzemplarz jest już wypożyczony." in summary
    assert list(Loan.objects.all()) == [first]
    # The page shows who has it instead of the lend form.
    assert 'id="lend"' not in html_of(response) and 'id="return"' in html_of(response)


def test_a_copy_set_aside_for_another_reader_cannot_be_lent(staff_client, copy, reader):
    lent = LoanFactory(copy=copy, borrower=UserFactory())
    waiting = UserFactory(email="kolejka@example.org")
    services.hold_place(book=copy.book, user=waiting)
    services.copy_return(copy=copy, by=None)
    copy.refresh_from_db()
    assert copy.status == Copy.Status.HELD
    page = staff_client.get(DESK, {"inventory_number": copy.inventory_number})
    assert "kolejka@example.org" in html_of(page)
    # The form is filled in for the reader it is set aside for.
    assert page.context["lend_form"].initial["email"] == "kolejka@example.org"
    response = lend(staff_client, copy, reader.email)
    assert response.status_code == 200
    assert "odłożony dla innego czytelnika" in error_summary(response)
    assert Loan.objects.active().count() == 0 and Loan.objects.get() == lent
    copy.refresh_from_db()
    assert copy.status == Copy.Status.HELD


def test_a_copy_set_aside_for_the_reader_is_lent_to_them_and_the_hold_collected(
    staff_client, copy, reader
):
    LoanFactory(copy=copy, borrower=UserFactory())
    hold = services.hold_place(book=copy.book, user=reader)
    services.copy_return(copy=copy, by=None)
    response = lend(staff_client, copy, reader.email)
    assert response.status_code == 302
    hold.refresh_from_db()
    assert hold.status == Hold.Status.COLLECTED
    assert Loan.objects.active().get().borrower == reader


def test_a_reader_over_the_loan_limit_is_refused(staff_client, copy, reader):
    settings = LibrarySettings.load()
    settings.max_active_loans = 2
    settings.save()
    for number in (1, 2):
        LoanFactory(copy=CopyFactory(inventory_number=f"X/{number}"), borrower=reader)
    response = lend(staff_client, copy, reader.email)
    assert response.status_code == 200
    summary = error_summary(response)
    assert "Adres e-mail czytelnika" in summary
    assert "Ewa Czytelna ma już wypożyczone 2 książki – to limit wypożyczeń." in summary
    assert Loan.objects.filter(copy=copy).count() == 0


def test_a_withdrawn_copy_is_shown_as_such_and_cannot_be_lent(staff_client, copy, reader):
    services.copy_withdraw(copy=copy, by=None)
    page = staff_client.get(DESK, {"inventory_number": copy.inventory_number})
    html = html_of(page)
    assert "Ten egzemplarz jest wycofany z obiegu i nie można go wypożyczyć." in html
    assert 'id="lend"' not in html
    response = lend(staff_client, copy, reader.email)
    assert response.status_code == 200
    assert "Ten egzemplarz jest wycofany z obiegu." in error_summary(response)
    assert not Loan.objects.exists()


def test_an_unknown_copy_in_a_post_changes_nothing(staff_client, reader):
    response = staff_client.post(
        DESK, {"action": "lend", "inventory_number": "NIE/MA", "email": reader.email}
    )
    assert response.status_code == 200
    assert "NIE/MA" in error_summary(response)
    assert not Loan.objects.exists()


# --- Returning and renewing ----------------------------------------------------------------


def test_a_return_with_nobody_waiting_puts_the_copy_back_on_the_shelf(staff_client, copy, reader):
    loan = LoanFactory(copy=copy, borrower=reader)
    response = staff_client.post(
        DESK, {"action": "return", "inventory_number": copy.inventory_number}, follow=True
    )
    loan.refresh_from_db()
    copy.refresh_from_db()
    assert loan.returned_at is not None
    assert copy.status == Copy.Status.AVAILABLE
    (message,) = messages_of(response)
    assert message.startswith("Zwrócono „Pozyskiwanie funduszy krok po kroku” (B/0001)")
    assert "osoba wypożyczająca: Ewa Czytelna." in message
    assert "Nikt nie czeka na ten egzemplarz: odłóż go na półkę" in message
    assert "(sygnatura F-12)" in message


def test_a_return_sets_the_copy_aside_for_the_next_reader_who_gets_an_e_mail(
    staff_client, copy, reader, mailoutbox, django_capture_on_commit_callbacks
):
    LoanFactory(copy=copy, borrower=UserFactory())
    services.hold_place(book=copy.book, user=reader)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            DESK, {"action": "return", "inventory_number": copy.inventory_number}
        )
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.status == Copy.Status.HELD
    assert [m.to for m in mailoutbox] == [[reader.email]]
    page = staff_client.get(response["Location"])
    (message,) = messages_of(page)
    assert "Egzemplarz jest teraz odłożony do" in message
    assert "dla: Ewa Czytelna (czytelniczka@example.org)" in message
    assert "wysłano e-mail z powiadomieniem" in message
    assert "czytelniczka@example.org" in html_of(page)  # "set aside for" on the copy


def test_returning_a_copy_that_is_not_on_loan_is_a_message(staff_client, copy):
    response = staff_client.post(
        DESK, {"action": "return", "inventory_number": copy.inventory_number}
    )
    assert response.status_code == 200
    assert "Ten egzemplarz nie jest wypożyczony." in error_summary(response)


def test_staff_renew_a_loan_at_the_desk(staff_client, copy, reader):
    loan = LoanFactory(copy=copy, borrower=reader, days=2)
    page = staff_client.get(DESK, {"inventory_number": copy.inventory_number})
    assert 'id="renew"' in html_of(page)
    response = staff_client.post(
        DESK, {"action": "renew", "inventory_number": copy.inventory_number}, follow=True
    )
    loan.refresh_from_db()
    assert loan.renewals == 1
    assert loan.due_on == LibrarySettings.load().due_date(timezone.localdate())
    assert any(
        m.startswith("Przedłużono wypożyczenie „Pozyskiwanie funduszy krok po kroku” (B/0001) do")
        for m in messages_of(response)
    )


def test_a_loan_someone_waits_for_is_not_renewed(staff_client, copy, reader):
    loan = LoanFactory(copy=copy, borrower=reader, days=2)
    services.hold_place(book=copy.book, user=UserFactory())
    page = staff_client.get(DESK, {"inventory_number": copy.inventory_number})
    assert 'id="renew"' not in html_of(page)
    assert "Nie można przedłużyć wypożyczenia: Na tę książkę czeka już inna osoba." in html_of(page)
    response = staff_client.post(
        DESK, {"action": "renew", "inventory_number": copy.inventory_number}
    )
    assert response.status_code == 200
    assert "Przedłużenie: Na tę książkę czeka już inna osoba." in error_summary(response)
    due = loan.due_on
    loan.refresh_from_db()
    assert (loan.renewals, loan.due_on) == (0, due)


def test_an_overdue_loan_shows_by_how_many_days(staff_client, copy, reader):
    LoanFactory(copy=copy, borrower=reader, days=-3)
    html = html_of(staff_client.get(DESK, {"inventory_number": copy.inventory_number}))
    assert "po terminie o 3 dni" in html


def test_an_unknown_action_changes_nothing(staff_client, copy, reader):
    LoanFactory(copy=copy, borrower=reader)
    response = staff_client.post(
        DESK, {"action": "steal", "inventory_number": copy.inventory_number}
    )
    assert response.status_code == 200
    assert Loan.objects.active().count() == 1


# --- Who may use the desk ------------------------------------------------------------------


@pytest.mark.parametrize("path", [DESK, OVERDUE])
def test_the_desk_and_the_overdue_list_send_others_to_the_login(client, ngo_member, path):
    client.force_login(ngo_member)
    response = client.get(path)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_desk_needs_the_permission_to_change_loans(client):
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_loan"))
    client.force_login(clerk)
    assert client.get(DESK).status_code == 403
    assert client.post(DESK, {"action": "return", "inventory_number": "B/1"}).status_code == 403
    assert client.get(OVERDUE).status_code == 200
    clerk.user_permissions.add(Permission.objects.get(codename="change_loan"))
    client.force_login(clerk)
    assert client.get(DESK).status_code == 200


def test_the_overdue_list_needs_the_permission_to_view_loans(client):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(OVERDUE).status_code == 403


def test_the_desk_reads_a_fixed_number_of_queries(
    staff_client, copy, reader, django_assert_max_num_queries
):
    organization = OrganizationFactory()
    MembershipFactory(user=reader, organization=organization, status=Membership.Status.ACTIVE)
    for number in range(30):
        other = CopyFactory(book=copy.book, inventory_number=f"B/1{number:03d}")
        LoanFactory(copy=other, borrower=UserFactory(), organization=organization)
    LoanFactory(copy=copy, borrower=reader, organization=organization)
    for _number in range(5):
        services.hold_place(book=copy.book, user=UserFactory())
    with django_assert_max_num_queries(16):
        response = staff_client.get(DESK, {"inventory_number": copy.inventory_number})
    assert response.context["at_desk"].waiting == 5


# --- Overdue loans --------------------------------------------------------------------------


def test_the_overdue_list_shows_the_most_overdue_first(staff_client, book, reader):
    organization = OrganizationFactory(name="Stowarzyszenie Spóźnionych")
    late = LoanFactory(
        copy=CopyFactory(book=book, inventory_number="L/1"), borrower=reader, days=-2
    )
    later = LoanFactory(
        copy=CopyFactory(book=book, inventory_number="L/2"),
        borrower=reader,
        days=-10,
        organization=organization,
        overdue_reminder_sent_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    LoanFactory(copy=CopyFactory(book=book, inventory_number="L/3"), borrower=reader, days=5)
    returned = LoanFactory(
        copy=CopyFactory(book=book, inventory_number="L/4"),
        borrower=reader,
        days=-20,
        lent_at=timezone.now() - datetime.timedelta(days=50),
        returned_at=timezone.now(),
    )
    response = staff_client.get(OVERDUE)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["loan"] for row in rows] == [later, late]
    assert [row["days"] for row in rows] == [10, 2]
    html = html_of(response)
    assert "2 wypożyczenia są po terminie." in html
    assert "Stowarzyszenie Spóźnionych" in html and "czytelniczka@example.org" in html
    assert "jeszcze nie wysłano" in html
    assert "L/3" not in html and returned.copy.inventory_number not in html
    assert '<th scope="col">' in html and "<caption>" in html


def test_the_overdue_list_downloads_as_csv(staff_client, book, reader):
    LoanFactory(copy=CopyFactory(book=book, inventory_number="=L/1"), borrower=reader, days=-4)
    response = staff_client.get(OVERDUE, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Dni po terminie"
    assert rows[1][0] == "4" and rows[1][2] == "'=L/1"  # no formula in a spreadsheet
    assert rows[1][3] == book.title and rows[1][5] == reader.email


def test_the_overdue_list_reads_a_fixed_number_of_queries(
    staff_client, book, django_assert_max_num_queries
):
    organization = OrganizationFactory()
    for number in range(35):
        LoanFactory(
            copy=CopyFactory(book=book, inventory_number=f"Z/{number}"),
            borrower=UserFactory(),
            organization=organization if number % 2 else None,
            days=-1 - number,
        )
    with django_assert_max_num_queries(12):
        response = staff_client.get(OVERDUE)
    assert len(response.context["rows"]) == 35


def test_the_overdue_list_says_when_nothing_is_overdue(staff_client):
    assert "Brak wypożyczeń po terminie." in html_of(staff_client.get(OVERDUE))


def test_a_long_overdue_list_is_shown_page_by_page(staff_client, book, reader, monkeypatch):
    from library.admin import desk

    monkeypatch.setattr(desk, "OVERDUE_PER_PAGE", 2)
    for number in range(5):
        LoanFactory(
            copy=CopyFactory(book=book, inventory_number=f"P/{number}"),
            borrower=reader,
            days=-1 - number,
        )
    first = staff_client.get(OVERDUE)
    assert [row["days"] for row in first.context["rows"]] == [5, 4]
    assert "5 wypożyczeń jest po terminie." in html_of(first)
    assert 'href="?strona=2"' in html_of(first)
    last = staff_client.get(OVERDUE, {"strona": "3"})
    assert [row["days"] for row in last.context["rows"]] == [1]
    # A page number that is not one shows the first page, not an error.
    assert staff_client.get(OVERDUE, {"strona": "abc"}).context["page"].number == 1
