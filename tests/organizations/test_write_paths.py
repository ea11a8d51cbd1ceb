"""The directory's and news' write paths as production runs them: outside a test
transaction (on PostgreSQL in CI), through the pages as a person fills them in,
checking the database afterwards."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from organizations.models import (
    ContactMessage,
    Membership,
    NewsPost,
    Organization,
    OrganizationChange,
)
from tests.factories import UserFactory
from tests.forms import post_form

pytestmark = pytest.mark.django_db(transaction=True)


def png(name="logo.png", size=(60, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 88, 202)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.mark.write_path("organizations:organization_create", "organizations:organization_submit")
def test_a_member_creates_a_profile_with_every_box_ticked_and_sends_it(client, mailoutbox):
    member = UserFactory(email="zalozycielka@example.org", first_name="Zofia")
    client.force_login(member)
    page = client.get(reverse("organizations:organization_create"))
    data = post_form(page).data(
        tick_every_box=True,
        name="Stowarzyszenie Przyjaciół Dojlid",
        legal_form="association",
        krs="0000359730",
        city="Białystok",
        description="Sąsiedzka pomoc i wspólne sprzątanie lasu.",
    )
    response = client.post(reverse("organizations:organization_create"), {**data})
    assert response.status_code == 302, response.content.decode()[:2000]
    organization = Organization.objects.get(name="Stowarzyszenie Przyjaciół Dojlid")
    assert organization.data_confirmed_on == timezone.localdate()
    assert organization.memberships.get().user == member
    assert organization.status == Organization.Status.DRAFT

    response = client.post(reverse("organizations:organization_submit", args=[organization.slug]))
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.status == Organization.Status.PENDING
    assert OrganizationChange.objects.filter(organization=organization).count() == 2


@pytest.mark.write_path("organizations:organization_edit")
def test_an_administrator_saves_the_profile_with_the_data_confirmed(client, world):
    """Ticking "I confirm the data is up to date" was a 500 (a date in the history)."""
    client.force_login(world.personas["ngo_member"])
    url = reverse("organizations:organization_edit", args=[world.organization.slug])
    form = post_form(client.get(url))
    data = form.data(tick_every_box=True, phone="85 111 22 33", logo=png(), remove_logo=None)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    organization = Organization.objects.get(pk=world.organization.pk)
    assert organization.data_confirmed_on == timezone.localdate()
    assert organization.phone == "85 111 22 33"
    assert organization.logo.name
    change = OrganizationChange.objects.filter(organization=organization).latest("pk")
    assert change.changes["data_confirmed_on"][1] == timezone.localdate().isoformat()
    assert change.user == world.personas["ngo_member"]


@pytest.mark.write_path("organizations:membership_request", "organizations:membership_update")
def test_a_person_asks_to_join_and_the_administrator_accepts_then_promotes(
    client, world, mailoutbox
):
    newcomer = UserFactory(email="wolontariusz@example.org", first_name="Marek")
    client.force_login(newcomer)
    response = client.post(
        reverse("organizations:membership_request", args=[world.organization.slug]),
        {"message": "Chętnie pomogę przy festynie."},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=newcomer, organization=world.organization)
    assert membership.status == Membership.Status.PENDING
    assert any(world.personas["ngo_member"].email in m.to for m in mailoutbox)

    client.force_login(world.personas["ngo_member"])
    url = reverse("organizations:membership_update", args=[world.organization.slug, membership.pk])
    assert client.post(url, {"action": "approve"}).status_code == 302
    assert client.post(url, {"action": "make_admin"}).status_code == 302
    membership.refresh_from_db()
    assert (membership.status, membership.role) == (
        Membership.Status.ACTIVE,
        Membership.Role.ADMIN,
    )
    assert any(newcomer.email in m.to for m in mailoutbox)


@pytest.mark.write_path("organizations:organization_contact")
def test_a_resident_writes_to_an_organisation(client, world, mailoutbox):
    ContactMessage.objects.all().delete()
    mailoutbox.clear()
    url = reverse("organizations:organization_contact", args=[world.organization.slug])
    data = post_form(client.get(url), action=url).data(
        name="Maria Mieszkanka",
        email="maria.m@example.org",
        message="Czy mogę dołączyć jako wolontariuszka?",
        tick_every_box=True,
    )
    data.pop("website", None)  # the honeypot stays empty, as a person leaves it
    response = client.post(url, data)
    assert response.status_code in {200, 302}
    message = ContactMessage.objects.get()
    assert (message.organization, message.sender_email) == (
        world.organization,
        "maria.m@example.org",
    )
    assert [m.reply_to for m in mailoutbox] == [["maria.m@example.org"]]


@pytest.mark.write_path(
    "organizations:news_create",
    "organizations:news_edit",
    "organizations:news_submit",
    "organizations:news_delete",
)
def test_a_member_writes_edits_sends_and_deletes_a_news_post(client, world, mailoutbox):
    client.force_login(world.personas["ngo_member"])
    create = reverse("organizations:news_create", args=[world.organization.slug])
    data = post_form(client.get(create)).data(
        tick_every_box=True,
        title="Festyn rodzinny na Bojarach",
        lead="Zapraszamy w sobotę na festyn.",
        body="Będą gry, konkursy i **pyszne** ciasto.",
        category="event",
        lead_image=png("festyn.png"),
        lead_image_alt="Dzieci bawiące się na trawie",
    )
    data.pop("submit_for_approval", None)
    response = client.post(create, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    post = NewsPost.objects.get(title="Festyn rodzinny na Bojarach")
    assert post.status == NewsPost.Status.DRAFT
    assert post.lead_image.name

    edit = reverse("organizations:news_edit", args=[post.pk])
    data = post_form(client.get(edit)).data(tick_every_box=True, title="Festyn na Bojarach")
    data.pop("submit_for_approval", None)
    for name in [k for k in data if k.startswith("remove")]:
        data.pop(name)
    response = client.post(edit, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    post.refresh_from_db()
    assert post.title == "Festyn na Bojarach"

    response = client.post(reverse("organizations:news_submit", args=[post.pk]))
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == NewsPost.Status.SUBMITTED
    assert any("Festyn na Bojarach" in m.body for m in mailoutbox)

    image = post.lead_image.path
    response = client.post(reverse("organizations:news_delete", args=[post.pk]))
    assert response.status_code == 302
    assert not NewsPost.objects.filter(pk=post.pk).exists()
    import os

    assert not os.path.exists(image)
