"""Accounts: sign-up with e-mail verification, log in/out, reset, delete, export."""

import json
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from tests.factories import PASSWORD, UserFactory

User = get_user_model()


def link_in(message):
    return re.search(r"https?://testserver(/\S+)", message.body).group(1)


@pytest.mark.django_db
def test_sign_up_verify_email_log_out_and_log_in_again(client, mailoutbox):
    response = client.post(
        "/konto/signup/",
        {
            "email": "Nowa.Osoba@Example.org",
            "first_name": "Nowa",
            "last_name": "Osoba",
            "password1": "bardzo-dlugie-haslo-77",
            "password2": "bardzo-dlugie-haslo-77",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nowa.osoba@example.org")
    assert (user.first_name, user.last_name) == ("Nowa", "Osoba")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nowa.osoba@example.org"]

    # Unverified accounts cannot log in yet.
    client.post("/konto/logout/")
    client.post(
        "/konto/login/", {"login": "nowa.osoba@example.org", "password": "bardzo-dlugie-haslo-77"}
    )
    assert "_auth_user_id" not in client.session

    confirm_path = link_in(mailoutbox[-1])
    assert client.get(confirm_path).status_code == 200
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    client.post("/konto/logout/")
    assert "_auth_user_id" not in client.session
    response = client.post(
        "/konto/login/", {"login": "NOWA.osoba@example.org", "password": "bardzo-dlugie-haslo-77"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_sign_up_errors_name_the_field_and_create_nothing(client):
    response = client.post(
        "/konto/signup/",
        {
            "email": "nie-adres",
            "first_name": "",
            "last_name": "X",
            "password1": "a",
            "password2": "b",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_email"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_email_error"' in html
    assert 'id="id_email_error"' in html
    assert User.objects.count() == 0


@pytest.mark.django_db
def test_sign_up_page_shows_the_personal_data_information_clause(client):
    html = client.get("/konto/signup/").content.decode()
    assert "ul. Słonimska 1" in html
    assert 'href="/polityka-prywatnosci/"' in html


@pytest.mark.django_db
def test_log_out_needs_a_post(client, ngo_member):
    client.force_login(ngo_member)
    client.get("/konto/logout/")
    assert "_auth_user_id" in client.session
    client.post("/konto/logout/")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_repeated_failed_logins_are_rate_limited(client, ngo_member):
    for _ in range(5):
        client.post("/konto/login/", {"login": ngo_member.email, "password": "wrong-password"})
    response = client.post("/konto/login/", {"login": ngo_member.email, "password": PASSWORD})
    assert response.status_code in {200, 429}
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_password_reset_by_e_mail(client, ngo_member, mailoutbox):
    client.post("/konto/password/reset/", {"email": ngo_member.email})
    assert len(mailoutbox) == 1
    reset_path = link_in(mailoutbox[0])
    response = client.get(reset_path, follow=True)
    form_path = response.redirect_chain[-1][0] if response.redirect_chain else reset_path
    response = client.post(
        form_path, {"password1": "zupelnie-nowe-haslo-5", "password2": "zupelnie-nowe-haslo-5"}
    )
    assert response.status_code == 302
    ngo_member.refresh_from_db()
    assert ngo_member.check_password("zupelnie-nowe-haslo-5")


@pytest.mark.django_db
def test_password_change(client, ngo_member):
    client.force_login(ngo_member)
    response = client.post(
        "/konto/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "inne-dlugie-haslo-8",
            "password2": "inne-dlugie-haslo-8",
        },
    )
    assert response.status_code == 302
    ngo_member.refresh_from_db()
    assert ngo_member.check_password("inne-dlugie-haslo-8")


@pytest.mark.django_db
def test_profile_page_edits_the_name(client, ngo_member):
    client.force_login(ngo_member)
    assert client.get("/konto/profil/").status_code == 200
    response = client.post("/konto/profil/", {"first_name": "Zofia", "last_name": "Zmieniona"})
    assert response.status_code == 302
    ngo_member.refresh_from_db()
    assert ngo_member.last_name == "Zmieniona"


@pytest.mark.django_db
def test_profile_rejects_an_empty_name_with_a_message_on_the_field(client, ngo_member):
    client.force_login(ngo_member)
    response = client.post("/konto/profil/", {"first_name": "", "last_name": "X"})
    assert response.status_code == 200
    assert 'id="id_first_name_error"' in response.content.decode()
    ngo_member.refresh_from_db()
    assert ngo_member.first_name == "Anna"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/konto/profil/", "/konto/moje-dane.json", "/konto/usun/"])
def test_account_pages_send_anonymous_visitors_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


@pytest.mark.django_db
def test_data_export_gives_the_persons_own_data_as_json(client, ngo_member, other_ngo_member):
    client.force_login(ngo_member)
    response = client.get("/konto/moje-dane.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["data"]["account"]["email"] == ngo_member.email
    assert data["data"]["account"]["last_name"] == "Nowak"
    assert other_ngo_member.email not in response.content.decode()


@pytest.mark.django_db
def test_account_deletion_removes_the_personal_data(client, ngo_member):
    client.force_login(ngo_member)
    response = client.post("/konto/usun/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(email=ngo_member.email).exists()
    assert not EmailAddress.objects.filter(email=ngo_member.email).exists()
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "Twoje konto i dane osobowe zostały usunięte." in page


@pytest.mark.django_db
def test_account_deletion_with_a_wrong_password_deletes_nothing(client, ngo_member):
    client.force_login(ngo_member)
    response = client.post("/konto/usun/", {"password": "not-my-password"})
    assert response.status_code == 200
    assert "Hasło jest nieprawidłowe." in response.content.decode()
    assert User.objects.filter(pk=ngo_member.pk).exists()


@pytest.mark.django_db
def test_e_mail_addresses_are_unique_whatever_their_case(client):
    UserFactory(email="zajety@example.org")
    client.post(
        "/konto/signup/",
        {
            "email": "ZAJETY@example.org",
            "first_name": "A",
            "last_name": "B",
            "password1": "bardzo-dlugie-haslo-77",
            "password2": "bardzo-dlugie-haslo-77",
        },
    )
    assert User.objects.filter(email__iexact="zajety@example.org").count() == 1


@pytest.mark.django_db
def test_sign_up_is_rate_limited_per_address(client):
    def sign_up(n):
        return client.post(
            "/konto/signup/",
            {
                "email": f"osoba{n}@example.org",
                "first_name": "A",
                "last_name": "B",
                "password1": "bardzo-dlugie-haslo-77",
                "password2": "bardzo-dlugie-haslo-77",
            },
        )

    for n in range(10):
        assert sign_up(n).status_code == 302
        client.post("/konto/logout/")
    assert sign_up(10).status_code == 429
    assert not User.objects.filter(email="osoba10@example.org").exists()
