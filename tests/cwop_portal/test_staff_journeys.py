"""Account e-mail addresses in the admin as production runs it: outside a test
transaction (on PostgreSQL in CI), through the admin's pages, checking the database
afterwards. Centre staff may only see accounts; a superuser manages the addresses
(allauth's admin), and the rules of the sign-up pages hold there too: one primary
address per account, and an address verified by one account only."""

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.forms import page_errors, post_form

pytestmark = pytest.mark.django_db(transaction=True)

ADD = "admin:account_emailaddress_add"
CHANGELIST = "admin:account_emailaddress_changelist"


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(email="root@cwop.example.org", is_staff=True, is_superuser=True))
    return client


def add_address(client, **values):
    url = reverse(ADD)
    data = post_form(client.get(url), form_id="emailaddress_form").data(**values)
    data["_save"] = "Zapisz"
    return client.post(url, data)


@pytest.mark.write_path(ADD, f"{CHANGELIST}:make_verified")
def test_a_superuser_adds_an_address_to_an_account_and_marks_it_verified(
    superuser_client, ngo_member, other_ngo_member, staff
):
    centre_staff = Client()
    centre_staff.force_login(staff)
    assert centre_staff.get(reverse(ADD)).status_code == 403

    response = add_address(
        superuser_client, user=str(ngo_member.pk), email="Anna.Praca@Example.org"
    )
    assert response.status_code == 302, page_errors(response)
    added = EmailAddress.objects.get(user=ngo_member, email="anna.praca@example.org")
    assert (added.verified, added.primary) == (False, False)

    # A second primary address of the account: refused on the form, not a 500.
    response = add_address(
        superuser_client, user=str(ngo_member.pk), email="anna.dom@example.org", primary="on"
    )
    assert response.status_code == 200
    assert page_errors(response)
    assert not EmailAddress.objects.filter(email="anna.dom@example.org").exists()

    # Another account's verified address, verified here too: refused, not a 500.
    response = add_address(
        superuser_client,
        user=str(ngo_member.pk),
        email=other_ngo_member.email.upper(),
        verified="on",
    )
    assert response.status_code == 200
    assert page_errors(response)
    assert list(
        EmailAddress.objects.filter(email__iexact=other_ngo_member.email).values_list(
            "user", flat=True
        )
    ) == [other_ngo_member.pk]

    # Unverified it may be added (someone may have typed it); it cannot be verified.
    response = add_address(superuser_client, user=str(ngo_member.pk), email=other_ngo_member.email)
    assert response.status_code == 302, page_errors(response)
    borrowed = EmailAddress.objects.get(user=ngo_member, email=other_ngo_member.email)
    response = superuser_client.post(
        reverse(CHANGELIST),
        {"action": "make_verified", "_selected_action": [added.pk, borrowed.pk]},
    )
    assert response.status_code == 302
    added.refresh_from_db()
    borrowed.refresh_from_db()
    assert added.verified
    assert not borrowed.verified

    # The verified address now signs the member in.
    member = Client()
    response = member.post(
        reverse("account_login"), {"login": "anna.praca@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert member.session["_auth_user_id"] == str(ngo_member.pk)
