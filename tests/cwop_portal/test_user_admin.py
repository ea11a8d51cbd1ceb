"""Accounts in the admin, as production runs it (outside a test transaction): staff
add them, change them and set a new password there; deleting is in
tests/test_account_deletion.py."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()


@pytest.fixture
def superuser():
    return UserFactory(email="root@cwop.example.org", is_staff=True, is_superuser=True)


@pytest.mark.write_path("admin:cwop_portal_user_add", "admin:cwop_portal_user_change")
def test_staff_add_an_account_and_change_its_name(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:cwop_portal_user_add"),
        {
            "email": "nowa.osoba@example.org",
            "first_name": "Nowa",
            "last_name": "Osoba",
            "password1": "bardzo-dlugie-haslo-77",
            "password2": "bardzo-dlugie-haslo-77",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nowa.osoba@example.org")
    assert user.check_password("bardzo-dlugie-haslo-77")

    response = client.post(
        reverse("admin:cwop_portal_user_change", args=[user.pk]),
        {
            "email": user.email,
            "first_name": "Nowa",
            "last_name": "Kowalska",
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert (user.last_name, user.is_active, user.is_staff) == ("Kowalska", True, False)


@pytest.mark.write_path("admin:auth_user_password_change")
def test_staff_set_a_new_password_for_an_account(client, superuser):
    user = UserFactory(email="zapomniala@example.org")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {
            "password1": "nowe-bardzo-dlugie-haslo-3",
            "password2": "nowe-bardzo-dlugie-haslo-3",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password("nowe-bardzo-dlugie-haslo-3")
