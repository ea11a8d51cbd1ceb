"""The staff roles' groups in the admin, as production runs it: a superuser cannot
delete the group that holds every centre-staff member's permissions (which would
lock them out until the next migrate); other groups may go."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from cwop_portal.roles import CENTRE_STAFF
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.write_path("admin:auth_group_delete", "admin:auth_group_changelist:delete_selected")
def test_the_staff_roles_groups_are_not_deleted(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    role = Group.objects.get(name=CENTRE_STAFF)
    other = Group.objects.create(name="Wolontariusze")
    assert (
        client.post(reverse("admin:auth_group_delete", args=[role.pk]), {"post": "yes"}).status_code
        == 403
    )
    response = client.post(
        reverse("admin:auth_group_changelist"),
        {"action": "delete_selected", "_selected_action": [role.pk, other.pk], "post": "yes"},
    )
    assert response.status_code == 200  # refused, with the reason
    assert Group.objects.filter(pk__in=[role.pk, other.pk]).count() == 2
    response = client.post(
        reverse("admin:auth_group_changelist"),
        {"action": "delete_selected", "_selected_action": [other.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Group.objects.filter(pk=other.pk).exists()
    assert Group.objects.filter(pk=role.pk).exists()
