"""Staff moderate the directory in the admin with the same services as the site."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from organizations.models import ContactMessage, Organization, OrganizationChange
from organizations.services import organizations as services


def create(user, name="Stowarzyszenie Testowe", krs="0000123456", submit=True):
    return services.organization_create(
        user=user,
        data={"name": name, "legal_form": "association", "krs": krs},
        submit=submit,
    )


@pytest.mark.django_db
def test_admin_index_counts_organisations_waiting_for_approval(client, staff, ngo_member):
    create(ngo_member)
    create(ngo_member, name="Fundacja Druga", krs="0000654321")
    client.force_login(staff)
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Czekają na Ciebie" in html
    assert "Organizacje czekające na zatwierdzenie: <strong>2</strong>" in html


@pytest.mark.django_db
def test_staff_approve_from_the_list_and_the_member_is_told(
    client, staff, ngo_member, mailoutbox, django_capture_on_commit_callbacks
):
    organization = create(ngo_member)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/organizations/organization/",
            {"action": "approve", "_selected_action": [organization.pk]},
        )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.status == Organization.Status.PUBLISHED
    assert [m.to for m in mailoutbox] == [[ngo_member.email]]
    assert OrganizationChange.objects.filter(
        organization=organization, action="approved", user=staff
    ).exists()


@pytest.mark.django_db
def test_rejecting_asks_for_a_reason_and_e_mails_it(
    client, staff, ngo_member, mailoutbox, django_capture_on_commit_callbacks
):
    organization = create(ngo_member)
    client.force_login(staff)
    url = "/admin/organizations/organization/"
    page = client.post(url, {"action": "reject", "_selected_action": [organization.pk]})
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    empty = client.post(
        url, {"action": "reject", "_selected_action": [organization.pk], "confirm": "1"}
    )
    assert 'aria-invalid="true"' in empty.content.decode()
    organization.refresh_from_db()
    assert organization.status == Organization.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                "action": "reject",
                "_selected_action": [organization.pk],
                "confirm": "1",
                "reason": "Brak statutu.",
            },
        )
    organization.refresh_from_db()
    assert organization.status == Organization.Status.REJECTED
    assert organization.rejection_reason == "Brak statutu."
    assert "Brak statutu." in mailoutbox[-1].body


@pytest.mark.django_db
def test_staff_edits_are_kept_in_the_history_and_searchable(client, staff, ngo_member):
    organization = create(ngo_member)
    services.organization_approve(organization=organization, user=staff)
    client.force_login(staff)
    url = f"/admin/organizations/organization/{organization.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        k: v
        for k, v in form.initial.items()
        if v is not None and not isinstance(v, list) and k != "logo"
    }
    data.update(
        {
            "description": "Pomagamy seniorom z Bojar.",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": organization.memberships.get().pk,
            "memberships-0-organization": organization.pk,
            "memberships-0-user": ngo_member.pk,
            "memberships-0-role": "admin",
            "memberships-0-status": "active",
            "changes-TOTAL_FORMS": "0",
            "changes-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    change = OrganizationChange.objects.filter(action="edited_by_staff").get()
    assert change.user == staff and "description" in change.changes
    assert Organization.objects.search("seniorzy").filter(pk=organization.pk).exists()


@pytest.mark.django_db
def test_purge_deletes_only_messages_past_their_retention(ngo_member, staff):
    organization = create(ngo_member)
    services.organization_approve(organization=organization, user=staff)
    old = ContactMessage.objects.create(
        organization=organization, sender_name="A", sender_email="a@example.org", body="x"
    )
    ContactMessage.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=91)
    )
    ContactMessage.objects.create(
        organization=organization, sender_name="B", sender_email="b@example.org", body="y"
    )
    out = io.StringIO()
    call_command("purge_contact_messages", "--dry-run", stdout=out)
    assert ContactMessage.objects.count() == 2
    call_command("purge_contact_messages", stdout=out)
    assert list(ContactMessage.objects.values_list("sender_name", flat=True)) == ["B"]
