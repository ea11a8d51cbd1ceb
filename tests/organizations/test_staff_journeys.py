"""The centre staff's moderation of the directory and the news as production runs
it: outside a test transaction (on PostgreSQL in CI), logged in as a member of
"Centre staff" (not a superuser), clicking the admin's actions (a rejection asks for
the reason first), then checking the statuses, the history and the e-mails sent
(on-commit callbacks run for real here)."""

import pytest
from django.test import Client
from django.urls import reverse

from organizations.models import NewsPost, Organization
from organizations.services import news as news_services
from organizations.services import organizations as services
from tests.factories import UserFactory
from tests.forms import post_form

pytestmark = pytest.mark.django_db(transaction=True)


def act(client, changelist, action, objects):
    return client.post(
        reverse(changelist),
        {"action": action, "_selected_action": [obj.pk for obj in objects]},
        follow=True,
    )


def reject(client, changelist, objects, reason):
    """Tick `objects`, choose "reject", then give the reason on the page that asks
    for it and send it (as rendered: the ticked rows, the action, `confirm`)."""
    response = client.post(
        reverse(changelist),
        {"action": "reject", "_selected_action": [obj.pk for obj in objects]},
    )
    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    data = post_form(response).data(reason=reason)
    return client.post(reverse(changelist), data, follow=True)


def shown_messages(response):
    return [str(message) for message in response.context["messages"]]


def history(organization, action):
    return list(
        organization.changes.filter(action=action).values_list("user__email", "changes", "note")
    )


def submitted_organization(name, krs):
    founder = UserFactory(email=f"zalozyciel-{krs}@example.org")
    organization = services.organization_create(
        user=founder,
        data={"name": name, "legal_form": "association", "krs": krs},
        submit=True,
    )
    return organization, founder


ORGANIZATIONS = "admin:organizations_organization_changelist"
NEWS = "admin:organizations_newspost_changelist"


@pytest.mark.write_path(
    "admin:organizations_organization_changelist:approve",
    "admin:organizations_organization_changelist:reject",
)
def test_staff_approve_one_organisation_and_reject_another_with_the_reason(
    staff_client, staff, world, mailoutbox
):
    welcome, welcome_founder = submitted_organization("Fundacja Dobry Start", "0000200001")
    refused, refused_founder = submitted_organization("Klub Bez Statutu", "0000200002")
    mailoutbox.clear()

    response = act(staff_client, ORGANIZATIONS, "approve", [welcome])
    assert response.status_code == 200
    welcome.refresh_from_db()
    assert welcome.status == Organization.Status.PUBLISHED
    assert welcome.published_at is not None
    assert history(welcome, "approved") == [(staff.email, {"status": ["pending", "published"]}, "")]
    assert [m.to for m in mailoutbox] == [[welcome_founder.email]]
    assert Organization.objects.published().filter(pk=welcome.pk).exists()

    # Rejecting asks for the reason; sent without one, nothing changes.
    mailoutbox.clear()
    response = reject(staff_client, ORGANIZATIONS, [refused], reason="  ")
    refused.refresh_from_db()
    assert refused.status == Organization.Status.PENDING
    assert mailoutbox == []
    response = reject(staff_client, ORGANIZATIONS, [refused], reason="Brak statutu w załącznikach.")
    assert response.status_code == 200
    refused.refresh_from_db()
    assert refused.status == Organization.Status.REJECTED
    assert refused.rejection_reason == "Brak statutu w załącznikach."
    assert history(refused, "rejected") == [
        (
            staff.email,
            {"status": ["pending", "rejected"]},
            "Brak statutu w załącznikach.",
        )
    ]
    assert [m.to for m in mailoutbox] == [[refused_founder.email]]
    assert "Brak statutu w załącznikach." in mailoutbox[0].body

    # A published profile's new name waits for approval; rejected, the old one stays.
    organization = world.organization
    services.organization_update(
        organization=organization,
        user=world.personas["ngo_member"],
        data={"name": "Seniorzy Bojar i Okolic"},
    )
    mailoutbox.clear()
    reject(staff_client, ORGANIZATIONS, [organization], reason="Nazwa niezgodna z KRS.")
    organization.refresh_from_db()
    assert organization.name == "Stowarzyszenie Seniorów Bojary"
    assert organization.pending_identity == {}
    assert organization.status == Organization.Status.PUBLISHED
    assert [m.to for m in mailoutbox] == [[world.personas["ngo_member"].email]]

    # Nothing waits any more: approving again says so and changes nothing.
    approvals = len(history(organization, "approved"))  # the world's publication
    response = act(staff_client, ORGANIZATIONS, "approve", [organization])
    assert any("nic nie czeka" in m.lower() for m in shown_messages(response)), shown_messages(
        response
    )
    assert len(history(organization, "approved")) == approvals
    organization.refresh_from_db()
    assert organization.name == "Stowarzyszenie Seniorów Bojary"


@pytest.mark.write_path("admin:organizations_organization_changelist:archive")
def test_an_archived_organisation_leaves_the_directory_with_its_history_kept(
    staff_client, staff, world
):
    organization = world.other_organization
    visitor = Client()
    detail = reverse("organizations:organization_detail", args=[organization.slug])
    assert visitor.get(detail).status_code == 200
    act(staff_client, ORGANIZATIONS, "archive", [organization])
    organization.refresh_from_db()
    assert organization.status == Organization.Status.ARCHIVED
    assert history(organization, "archived") == [(staff.email, {}, "")]
    assert not Organization.objects.published().filter(pk=organization.pk).exists()
    assert visitor.get(detail).status_code == 404
    listing = visitor.get(reverse("organizations:organization_list")).content.decode()
    assert organization.name not in listing
    assert world.organization.name in listing
    assert organization.memberships.count() == 1  # its members and history are kept


@pytest.mark.write_path(
    "admin:organizations_newspost_changelist:approve",
    "admin:organizations_newspost_changelist:reject",
)
def test_staff_publish_one_submitted_post_and_reject_another_with_the_reason(
    staff_client, world, mailoutbox
):
    member = world.personas["ngo_member"]
    first = news_services.news_submit(post=world.news_post, user=member)
    second = news_services.news_create(
        user=member,
        organization=world.organization,
        data={"title": "Zbiórka darów", "lead": "Zbieramy dary dla schroniska."},
        submit=True,
    )
    mailoutbox.clear()

    act(staff_client, NEWS, "approve", [first])
    first.refresh_from_db()
    assert first.status == NewsPost.Status.PUBLISHED
    assert first.published_at is not None
    assert NewsPost.objects.published().filter(pk=first.pk).exists()
    assert [m.to for m in mailoutbox] == [[member.email]]

    mailoutbox.clear()
    reject(staff_client, NEWS, [second], reason="Dodaj datę i miejsce zbiórki.")
    second.refresh_from_db()
    assert second.status == NewsPost.Status.REJECTED
    assert second.rejection_reason == "Dodaj datę i miejsce zbiórki."
    assert not NewsPost.objects.published().filter(pk=second.pk).exists()
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert "Dodaj datę i miejsce zbiórki." in mailoutbox[0].body

    # A post already published is not rejected behind its author's back.
    mailoutbox.clear()
    reject(staff_client, NEWS, [first], reason="Pomyłka.")
    first.refresh_from_db()
    assert first.status == NewsPost.Status.PUBLISHED
    assert mailoutbox == []
