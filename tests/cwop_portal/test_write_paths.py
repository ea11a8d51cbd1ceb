"""Accounts and the language switch as production runs them: outside a test
transaction (on PostgreSQL in CI), through the pages, checking the database (and
the session) afterwards."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()


def link_in(message):
    return re.search(r"https?://testserver(/\S+)", message.body).group(1)


@pytest.mark.write_path(
    "account_signup", "account_confirm_email", "account_logout", "account_login"
)
def test_a_person_signs_up_confirms_the_address_logs_out_and_in(client, mailoutbox):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "Grazyna.Nowicka@Example.org",
            "first_name": "Grażyna",
            "last_name": "Nowicka",
            "password1": "bardzo-dlugie-haslo-77",
            "password2": "bardzo-dlugie-haslo-77",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="grazyna.nowicka@example.org")
    assert (user.first_name, user.last_name) == ("Grażyna", "Nowicka")
    assert not EmailAddress.objects.get(user=user).verified

    response = client.post(link_in(mailoutbox[-1]))
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)

    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session
    response = client.post(
        reverse("account_login"),
        {"login": "grazyna.nowicka@example.org", "password": "bardzo-dlugie-haslo-77"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    user.refresh_from_db()
    assert user.last_login is not None


@pytest.mark.write_path("account_reset_password", "account_reset_password_from_key")
def test_a_forgotten_password_is_reset_by_the_e_mailed_link(client, mailoutbox):
    user = UserFactory(email="zapominalska@example.org")
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert [m.to for m in mailoutbox] == [[user.email]]
    response = client.get(link_in(mailoutbox[0]), follow=True)
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else None
    response = client.post(
        form_path, {"password1": "zupelnie-nowe-haslo-5", "password2": "zupelnie-nowe-haslo-5"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("zupelnie-nowe-haslo-5")


@pytest.mark.write_path(
    "account_change_password", "account_reauthenticate", "account_email", "account_profile"
)
def test_a_member_changes_the_password_name_and_adds_an_address(client, mailoutbox):
    user = UserFactory(email="aktywna@example.org", first_name="Ala")
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "inne-dlugie-haslo-8",
            "password2": "inne-dlugie-haslo-8",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("inne-dlugie-haslo-8")

    response = client.post(reverse("account_reauthenticate"), {"password": "inne-dlugie-haslo-8"})
    assert response.status_code == 302

    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "ala.praca@example.org"}
    )
    assert response.status_code == 302
    added = EmailAddress.objects.get(user=user, email="ala.praca@example.org")
    assert not added.verified
    assert any("ala.praca@example.org" in m.to for m in mailoutbox)

    response = client.post(
        reverse("account_profile"), {"first_name": "Alicja", "last_name": "Żółkiewska"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Alicja", "Żółkiewska")


@pytest.mark.write_path("account_set_password")
def test_a_person_without_a_password_sets_one(client):
    user = UserFactory(email="bez-hasla@example.org")
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    response = client.post(
        reverse("account_set_password"),
        {"password1": "pierwsze-haslo-42x", "password2": "pierwsze-haslo-42x"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("pierwsze-haslo-42x")


@pytest.mark.write_path("account_confirm_login_code")
def test_logging_in_by_code_is_switched_off(client):
    user = UserFactory(email="kod@example.org")
    response = client.post(reverse("account_confirm_login_code"), {"code": "123456"})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    user.refresh_from_db()
    assert user.last_login is None


@pytest.mark.write_path("set_language")
def test_the_language_switch_remembers_the_choice(client, settings):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/organizacje/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/organizacje/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


@pytest.mark.write_path("admin:login", "admin:password_change", "admin:logout")
def test_staff_log_in_to_the_admin_change_the_password_and_log_out(client, staff):
    response = client.post(
        reverse("admin:login"), {"username": staff.email, "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    response = client.post(
        reverse("admin:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "nowe-haslo-biura-3",
            "new_password2": "nowe-haslo-biura-3",
        },
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password("nowe-haslo-biura-3")
    client.post(reverse("admin:logout"))
    assert "_auth_user_id" not in client.session
