import pytest
from django.contrib.auth.models import Group

from cwop_portal.roles import ADVISORS, CENTRE_STAFF

ADMIN_PAGES = [
    "/admin/",
    "/admin/cwop_portal/page/",
    "/admin/cwop_portal/document/",
    "/admin/cwop_portal/document/add/",
    "/admin/cwop_portal/sitesettings/1/change/",
    "/admin/cwop_portal/accessibilitystatement/1/change/",
    "/admin/cwop_portal/user/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_render_for_centre_staff(client, staff, path):
    client.force_login(staff)
    assert client.get(path).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["ngo_member", "advisor"])
def test_admin_is_refused_to_people_who_are_not_staff(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/admin/cwop_portal/page/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_admin_is_branded_for_the_centre_and_in_polish(client, staff):
    client.force_login(staff)
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "CWOP — panel administracyjny" in html
    assert "Dokumenty" in html


@pytest.mark.django_db
def test_singletons_open_their_one_row_from_the_list(client, staff):
    client.force_login(staff)
    response = client.get("/admin/cwop_portal/sitesettings/")
    assert response["Location"] == "/admin/cwop_portal/sitesettings/1/change/"


@pytest.mark.django_db
def test_staff_roles_exist_with_their_permissions():
    staff_group = Group.objects.get(name=CENTRE_STAFF)
    codenames = set(staff_group.permissions.values_list("codename", flat=True))
    assert {
        "change_page",
        "add_document",
        "change_accessibilitystatement",
        "view_user",
    } <= codenames
    assert "change_user" not in codenames
    assert Group.objects.filter(name=ADVISORS).exists()
