"""Lending, returning, renewing and the holds queue, as staff and readers see them."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from library import services
from library.models import Copy, Hold, LibrarySettings, Loan
from tests.factories import UserFactory
from tests.library.factories import BookFactory, CopyFactory, HoldFactory, LoanFactory
from tests.organizations.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, email="desk@cwop.example")


@pytest.fixture
def reader():
    return UserFactory(email="reader@example.org", first_name="Ewa", last_name="Czytelna")


@pytest.fixture
def book():
    return BookFactory(title="Skuteczne pozyskiwanie funduszy", copies=1)


def only_copy(book):
    return book.copies.get()


def message_of(excinfo, field):
    return " ".join(excinfo.value.message_dict[field])


def test_lending_puts_the_copy_on_loan_for_the_loan_length_and_mails_a_receipt(
    book, reader, staff, django_capture_on_commit_callbacks
):
    copy = only_copy(book)
    with django_capture_on_commit_callbacks(execute=True):
        loan = services.copy_lend(copy=copy, borrower=reader, by=staff)
    copy.refresh_from_db()
    assert copy.status == Copy.Status.ON_LOAN
    assert loan.due_on == timezone.localdate() + datetime.timedelta(days=30)
    assert loan.lent_by == staff
    assert [m.to for m in mail.outbox] == [["reader@example.org"]]
    assert "Skuteczne pozyskiwanie funduszy" in mail.outbox[0].subject
    assert copy.inventory_number in mail.outbox[0].body


def test_a_copy_on_loan_cannot_be_lent_again(book, reader, staff):
    copy = only_copy(book)
    services.copy_lend(copy=copy, borrower=reader, by=staff)
    with pytest.raises(ValidationError) as excinfo:
        services.copy_lend(copy=copy, borrower=UserFactory(), by=staff)
    assert message_of(excinfo, "copy") == "This copy is already on loan."
    assert Loan.objects.active().count() == 1


def test_the_database_refuses_a_second_active_loan_of_a_copy(book, reader):
    copy = only_copy(book)
    LoanFactory(copy=copy, borrower=reader)
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.create(copy=copy, borrower=UserFactory(), due_on=timezone.localdate())


def test_a_withdrawn_copy_cannot_be_lent(book, reader, staff):
    copy = services.copy_withdraw(copy=only_copy(book), by=staff, reason="Zalany")
    with pytest.raises(ValidationError) as excinfo:
        services.copy_lend(copy=copy, borrower=reader, by=staff)
    assert message_of(excinfo, "copy") == "This copy is withdrawn from circulation."
    assert "Zalany" in Copy.objects.get(pk=copy.pk).notes


def test_the_borrower_limit_is_enforced_with_a_message_naming_the_reader(reader, staff):
    settings = LibrarySettings.load()
    settings.max_active_loans = 2
    settings.save()
    copies = [only_copy(BookFactory(copies=1)) for _ in range(3)]
    services.copy_lend(copy=copies[0], borrower=reader, by=staff)
    services.copy_lend(copy=copies[1], borrower=reader, by=staff)
    with pytest.raises(ValidationError) as excinfo:
        services.copy_lend(copy=copies[2], borrower=reader, by=staff)
    assert message_of(excinfo, "borrower") == (
        "Ewa Czytelna already has 2 books on loan, the limit."
    )
    copies[2].refresh_from_db()
    assert copies[2].status == Copy.Status.AVAILABLE


def test_lending_on_behalf_of_an_organisation_needs_membership(book, staff):
    organization = OrganizationFactory(name="Fundacja Przykład")
    member = MemberFactory(organization=organization)
    outsider = UserFactory(first_name="Jan", last_name="Obcy")
    with pytest.raises(ValidationError) as excinfo:
        services.copy_lend(
            copy=only_copy(book), borrower=outsider, organization=organization, by=staff
        )
    assert message_of(excinfo, "organization") == (
        "Jan Obcy is not an active member of Fundacja Przykład."
    )
    loan = services.copy_lend(
        copy=only_copy(book), borrower=member, organization=organization, by=staff
    )
    assert loan.organization == organization


def test_return_puts_the_copy_back_on_the_shelf_when_nobody_waits(book, reader, staff):
    copy = only_copy(book)
    loan = services.copy_lend(copy=copy, borrower=reader, by=staff)
    returned, hold = services.copy_return(copy=copy, by=staff)
    assert hold is None
    assert returned.pk == loan.pk and returned.returned_at is not None
    assert returned.returned_to == staff
    copy.refresh_from_db()
    assert copy.status == Copy.Status.AVAILABLE
    with pytest.raises(ValidationError) as excinfo:
        services.copy_return(copy=copy, by=staff)
    assert message_of(excinfo, "copy") == "This copy is not on loan."


def test_returned_copy_is_held_for_the_first_reader_waiting_who_gets_an_email(
    book, reader, staff, django_capture_on_commit_callbacks
):
    copy = only_copy(book)
    services.copy_lend(copy=copy, borrower=reader, by=staff)
    first = UserFactory(email="first@example.org")
    second = UserFactory(email="second@example.org")
    hold_first = services.hold_place(book=book, user=first)
    hold_second = services.hold_place(book=book, user=second)
    assert hold_first.status == hold_second.status == Hold.Status.WAITING
    assert services.queue_position(hold_second) == 2
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _loan, hold = services.copy_return(copy=copy, by=staff)
    assert hold.pk == hold_first.pk
    hold.refresh_from_db()
    copy.refresh_from_db()
    settings = LibrarySettings.load()
    assert hold.status == Hold.Status.READY and hold.copy == copy
    assert hold.expires_on == timezone.localdate() + datetime.timedelta(
        days=settings.hold_pickup_days
    )
    assert copy.status == Copy.Status.HELD
    assert [m.to for m in mail.outbox] == [["first@example.org"]]
    # E-mails go out in Polish (the portal's language; readers have no other on record).
    assert mail.outbox[0].subject.startswith("Zarezerwowana książka czeka na Ciebie")
    # Held for `first`: nobody else may borrow it, `first` may.
    with pytest.raises(ValidationError) as excinfo:
        services.copy_lend(copy=copy, borrower=second, by=staff)
    assert "set aside for another reader" in message_of(excinfo, "copy")
    services.copy_lend(copy=copy, borrower=first, by=staff)
    hold.refresh_from_db()
    assert hold.status == Hold.Status.COLLECTED
    assert services.queue_position(hold_second) == 1


def test_reserving_a_book_with_a_free_copy_sets_it_aside_at_once(
    book, reader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        hold = services.hold_place(book=book, user=reader)
    assert hold.status == Hold.Status.READY
    assert hold.copy.status == Copy.Status.HELD
    assert len(mail.outbox) == 1


def test_reservation_refusals(book, reader, staff):
    services.hold_place(book=book, user=reader)
    with pytest.raises(ValidationError) as excinfo:
        services.hold_place(book=book, user=reader)
    assert message_of(excinfo, "book") == "You have already reserved this book."
    other = BookFactory(copies=1)
    services.copy_lend(copy=only_copy(other), borrower=reader, by=staff)
    with pytest.raises(ValidationError) as excinfo:
        services.hold_place(book=other, user=reader)
    assert message_of(excinfo, "book") == "You already have this book on loan."
    with pytest.raises(ValidationError) as excinfo:
        services.hold_place(book=BookFactory(copies=0), user=reader)
    assert message_of(excinfo, "book") == "The library has no copy of this book to lend."


def test_the_number_of_reservations_is_limited(reader):
    settings = LibrarySettings.load()
    settings.max_active_holds = 1
    settings.save()
    services.hold_place(book=BookFactory(copies=1), user=reader)
    with pytest.raises(ValidationError) as excinfo:
        services.hold_place(book=BookFactory(copies=1), user=reader)
    assert message_of(excinfo, "book") == "You may have 1 reservation at a time."


def test_cancelling_a_ready_hold_passes_the_copy_to_the_next_reader(book, reader):
    hold = services.hold_place(book=book, user=reader)
    nxt = services.hold_place(book=book, user=UserFactory())
    assert nxt.status == Hold.Status.WAITING
    services.hold_cancel(hold=hold, by=reader)
    nxt.refresh_from_db()
    assert nxt.status == Hold.Status.READY
    assert nxt.copy.status == Copy.Status.HELD
    services.hold_cancel(hold=nxt, by=reader)
    assert only_copy(book).status == Copy.Status.AVAILABLE
    with pytest.raises(ValidationError):
        services.hold_cancel(hold=nxt, by=reader)


def test_uncollected_holds_expire_and_pass_on(book, reader, django_capture_on_commit_callbacks):
    hold = services.hold_place(book=book, user=reader)
    nxt = services.hold_place(book=book, user=UserFactory(email="next@example.org"))
    later = timezone.now() + datetime.timedelta(days=LibrarySettings.load().hold_pickup_days + 1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.holds_expire(now=later) == 1
    hold.refresh_from_db()
    nxt.refresh_from_db()
    assert hold.status == Hold.Status.EXPIRED
    assert nxt.status == Hold.Status.READY
    assert sorted(m.to[0] for m in mail.outbox) == ["next@example.org", "reader@example.org"]
    # Running again the same day changes nothing.
    assert services.holds_expire(now=later) == 0


def test_renewal_extends_the_loan_until_the_renewals_run_out(book, reader, staff):
    settings = LibrarySettings.load()
    loan = services.copy_lend(copy=only_copy(book), borrower=reader, by=staff)
    later = timezone.now() + datetime.timedelta(days=20)
    loan = services.loan_renew(loan=loan, by=reader, now=later)
    assert loan.due_on == timezone.localdate(later) + datetime.timedelta(days=settings.loan_days)
    assert loan.renewals == 1
    loan = services.loan_renew(loan=loan, by=reader, now=later)
    assert loan.renewals == 2
    allowed, reason = services.can_renew(loan, user=reader)
    assert not allowed
    with pytest.raises(ValidationError) as excinfo:
        services.loan_renew(loan=loan, by=reader)
    assert message_of(excinfo, "loan") == (
        "The loan has been renewed as many times as the rules allow."
    )


def test_no_renewal_while_another_reader_waits(book, reader, staff):
    loan = services.copy_lend(copy=only_copy(book), borrower=reader, by=staff)
    services.hold_place(book=book, user=UserFactory())
    with pytest.raises(ValidationError) as excinfo:
        services.loan_renew(loan=loan, by=reader)
    assert message_of(excinfo, "loan") == "Another reader is waiting for this book."


def test_only_the_borrower_or_staff_may_renew(book, reader, staff):
    loan = services.copy_lend(copy=only_copy(book), borrower=reader, by=staff)
    with pytest.raises(ValidationError):
        services.loan_renew(loan=loan, by=UserFactory())
    assert services.loan_renew(loan=loan, by=staff).renewals == 1


def test_availability_counts_free_copies_and_the_nearest_due_date(reader, staff):
    book = BookFactory(copies=3)
    copies = list(book.copies.order_by("pk"))
    services.copy_lend(copy=copies[0], borrower=reader, by=staff)
    services.copy_withdraw(copy=copies[2], by=staff)
    empty = BookFactory(copies=0)
    result = services.availability([book, empty])
    assert result[book.pk].total == 2
    assert result[book.pk].available == 1
    assert result[book.pk].next_due_on == timezone.localdate() + datetime.timedelta(days=30)
    assert not result[empty.pk].lendable


def test_restoring_a_withdrawn_copy_serves_the_queue(reader, staff):
    book = BookFactory(copies=2)
    lent, spare = book.copies.order_by("pk")
    services.copy_lend(copy=lent, borrower=UserFactory(), by=staff)
    services.copy_withdraw(copy=spare, by=staff)
    hold = services.hold_place(book=book, user=reader)
    assert hold.status == Hold.Status.WAITING
    services.copy_restore(copy=spare, by=staff)
    hold.refresh_from_db()
    assert hold.status == Hold.Status.READY and hold.copy == spare


def test_a_book_whose_copies_are_all_withdrawn_cannot_be_reserved(book, reader, staff):
    services.copy_withdraw(copy=only_copy(book), by=staff)
    with pytest.raises(ValidationError) as excinfo:
        services.hold_place(book=book, user=reader)
    assert message_of(excinfo, "book") == "The library has no copy of this book to lend."


def test_find_copy_ignores_case_and_spaces():
    copy = CopyFactory(inventory_number="B/0123")
    assert services.find_copy("  b/0123 ") == copy
    with pytest.raises(ValidationError) as excinfo:
        services.find_copy("B/9999")
    assert "B/9999" in message_of(excinfo, "inventory_number")


def test_reminders_before_the_due_date_and_when_overdue_are_sent_once(
    reader, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    soon = LoanFactory(
        copy=CopyFactory(), borrower=reader, due_on=today + datetime.timedelta(days=2)
    )
    late = LoanFactory(
        copy=CopyFactory(), borrower=reader, due_on=today - datetime.timedelta(days=3)
    )
    LoanFactory(copy=CopyFactory(), borrower=reader, due_on=today + datetime.timedelta(days=20))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.library_reminders_send() == {"due_soon": 1, "overdue": 1}
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects[0].startswith("Minął termin zwrotu")
    assert subjects[1].startswith("Przypomnienie")
    overdue_body = next(m.body for m in mail.outbox if m.subject.startswith("Minął"))
    assert "3 dni temu" in overdue_body
    with django_capture_on_commit_callbacks(execute=True):
        assert services.library_reminders_send() == {"due_soon": 0, "overdue": 0}
    assert len(mail.outbox) == 2
    # A week later the overdue reminder is repeated, and the book that was due soon
    # is overdue now too.
    week = timezone.now() + datetime.timedelta(days=7)
    assert services.library_reminders_send(now=week) == {"due_soon": 0, "overdue": 2}
    soon.refresh_from_db()
    late.refresh_from_db()
    assert soon.due_reminder_sent_at is not None
    assert late.overdue_reminder_sent_on == timezone.localdate(week)


def test_a_returned_loan_is_never_reminded(reader, staff):
    copy = CopyFactory()
    services.copy_lend(copy=copy, borrower=reader, by=staff)
    Loan.objects.update(due_on=timezone.localdate() - datetime.timedelta(days=5))
    services.copy_return(copy=copy, by=staff)
    assert services.library_reminders_send() == {"due_soon": 0, "overdue": 0}


def test_deleting_an_account_releases_its_held_copy_to_the_next_reader(book, reader):
    services.hold_place(book=book, user=reader)
    nxt = services.hold_place(book=book, user=UserFactory())
    reader.delete()
    nxt.refresh_from_db()
    assert nxt.status == Hold.Status.READY


def test_an_account_with_books_on_loan_cannot_be_deleted(client, book, staff):
    reader = UserFactory(email="owes@example.org", password="secret-pass-123")
    reader.set_password("secret-pass-123")
    reader.save()
    services.copy_lend(copy=only_copy(book), borrower=reader, by=staff)
    client.force_login(reader)
    response = client.post("/en/konto/usun/", {"password": "secret-pass-123"})
    assert response.status_code == 200
    assert "1 library book is still on loan to this account." in response.content.decode()
    reader.refresh_from_db()
    assert reader.is_active


def test_the_database_refuses_a_ready_hold_without_a_collect_by_date(book, reader):
    with pytest.raises(IntegrityError), transaction.atomic():
        HoldFactory(book=book, user=reader, status=Hold.Status.READY, copy=None, expires_on=None)
