"""The library's site write paths as production runs them: outside a test
transaction (on PostgreSQL in CI), through the pages a reader uses, with the
fields taken from the rendered forms, checking the database and the e-mails
afterwards. On-commit callbacks (the e-mails) run for real here."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from library.models import Copy, Hold, LibrarySettings, Loan
from tests.factories import UserFactory, local
from tests.forms import submitted
from tests.library.factories import BookFactory, HoldFactory, LoanFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)

NOW = local(2030, 3, 8, 9)
TODAY = datetime.date(2030, 3, 8)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def letters_to(mailoutbox, user):
    return [message for message in mailoutbox if user.email in message.to]


@pytest.mark.write_path("library:book_reserve", "library:hold_cancel")
def test_a_reader_reserves_a_book_then_cancels_and_the_copy_goes_to_the_next_reader(
    client, ngo_member, other_ngo_member, mailoutbox
):
    book = BookFactory(title="Skuteczne pozyskiwanie funduszy — poradnik dla NGO", copies=1)
    copy = book.copies.get()
    organization = OrganizationFactory(name="Fundacja „Źródło”")
    MembershipFactory(user=other_ngo_member, organization=organization)
    reserve_url = reverse("library:book_reserve", args=[book.slug])

    # Anna reserves for herself: the copy on the shelf is set aside for her.
    client.force_login(ngo_member)
    response = client.post(
        reserve_url, submitted(client.get(book.get_absolute_url()), action=reserve_url)
    )

    assert response.status_code == 302
    anna = Hold.objects.get(user=ngo_member)
    assert (anna.status, anna.copy, anna.organization) == (Hold.Status.READY, copy, None)
    assert (anna.ready_at, anna.expires_on) == (NOW, TODAY + datetime.timedelta(days=5))
    assert Copy.objects.get(pk=copy.pk).status == Copy.Status.HELD
    assert len(letters_to(mailoutbox, ngo_member)) == 1

    # Piotr reserves for his organisation (a number that fits no row first): he waits.
    client.force_login(other_ngo_member)
    data = submitted(client.get(book.get_absolute_url()), action=reserve_url)
    assert data["organization"] == ""  # "myself" unless chosen
    response = client.post(reserve_url, {**data, "organization": "99999999999999999999"})
    assert response.status_code == 200
    assert not Hold.objects.filter(user=other_ngo_member).exists()
    response = client.post(reserve_url, {**data, "organization": str(organization.pk)})

    assert response.status_code == 302
    piotr = Hold.objects.get(user=other_ngo_member)
    assert (piotr.status, piotr.copy, piotr.organization) == (
        Hold.Status.WAITING,
        None,
        organization,
    )
    assert letters_to(mailoutbox, other_ngo_member) == []
    # Twice is refused, and nothing changes.
    assert client.post(reserve_url, {**data, "organization": ""}).status_code == 200
    assert Hold.objects.filter(user=other_ngo_member).count() == 1

    # Anna cancels from her library page: the copy goes to Piotr, who is told.
    client.force_login(ngo_member)
    cancel_url = reverse("library:hold_cancel", args=[anna.pk])
    response = client.post(
        cancel_url, submitted(client.get(reverse("library:my_library")), action=cancel_url)
    )

    assert response.status_code == 302
    anna.refresh_from_db()
    piotr.refresh_from_db()
    assert (anna.status, anna.closed_at) == (Hold.Status.CANCELLED, NOW)
    assert (piotr.status, piotr.copy, piotr.ready_at) == (Hold.Status.READY, copy, NOW)
    assert Copy.objects.get(pk=copy.pk).status == Copy.Status.HELD
    assert len(letters_to(mailoutbox, other_ngo_member)) == 1

    # Cancelling again: refused with a message, nothing changes.
    assert client.post(cancel_url).status_code == 302
    piotr.refresh_from_db()
    assert piotr.status == Hold.Status.READY


@pytest.mark.write_path("library:loan_renew")
def test_a_reader_renews_a_loan_as_often_as_the_rules_allow(client, ngo_member, mailoutbox):
    book = BookFactory(title="Księgowość stowarzyszeń", copies=1)
    loan = LoanFactory(copy=book.copies.get(), borrower=ngo_member, days=2)
    Loan.objects.filter(pk=loan.pk).update(due_reminder_sent_at=NOW)
    wanted = BookFactory(title="Wolontariat w praktyce", copies=1)
    waited_for = LoanFactory(copy=wanted.copies.get(), borrower=ngo_member, days=2)
    HoldFactory(book=wanted, user=UserFactory())
    client.force_login(ngo_member)
    renew_url = reverse("library:loan_renew", args=[loan.pk])
    my_library = reverse("library:my_library")
    settings = LibrarySettings.load()
    assert settings.max_renewals == 2

    for renewals in (1, 2):
        response = client.post(renew_url, submitted(client.get(my_library), action=renew_url))

        assert response.status_code == 302
        loan.refresh_from_db()
        assert loan.renewals == renewals
        assert loan.due_on == TODAY + datetime.timedelta(days=settings.loan_days)
        assert loan.due_reminder_sent_at is None  # a reminder comes again before the new date
        assert len(letters_to(mailoutbox, ngo_member)) == renewals

    # No more renewals: the page offers none, and a POST is refused with the reason.
    assert renew_url not in client.get(my_library).content.decode()
    response = client.post(renew_url, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    loan.refresh_from_db()
    assert loan.renewals == 2

    # Nor a book another reader waits for.
    response = client.post(reverse("library:loan_renew", args=[waited_for.pk]))
    assert response.status_code == 302
    waited_for.refresh_from_db()
    assert (waited_for.renewals, waited_for.due_on) == (0, TODAY + datetime.timedelta(days=2))
    assert len(letters_to(mailoutbox, ngo_member)) == 2
