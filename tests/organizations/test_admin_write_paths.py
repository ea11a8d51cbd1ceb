"""The directory's admin write paths as production runs them: outside a test
transaction (on PostgreSQL in CI), posted by a centre-staff member (not a
superuser), checking the database, the history and the e-mails afterwards.

Each goes through the service the members' pages use: the last administrator
stays, the person is told by e-mail, a post's status changes only through the
moderation actions, deleted files leave the disk."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext, override

from organizations.models import (
    District,
    FieldOfActivity,
    Membership,
    NewsPost,
    Organization,
    OrganizationChange,
)
from tests.factories import UserFactory
from tests.forms import page_errors, post_form

pytestmark = pytest.mark.django_db(transaction=True)


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def save_change_form(client, obj, **changes):
    """Open the change page of `obj` and submit it with `changes`."""
    url = change_url(obj)
    return client.post(url, post_form(client.get(url)).data(**changes))


def last_administrator():
    with override("pl"):
        return gettext("An organisation must keep at least one administrator.")


def history(organization, action):
    return list(organization.changes.filter(action=action).values_list("changes", flat=True))


# --- News ---------------------------------------------------------------------------------


@pytest.mark.write_path("admin:organizations_newspost_change")
def test_staff_edit_a_post_but_its_status_changes_only_through_the_actions(
    staff_client, world, mailoutbox
):
    post = world.news_post  # the organisation's draft
    mailoutbox.clear()  # the world's own
    response = save_change_form(
        staff_client, post, title="Dzień otwarty w sobotę", status="published"
    )
    assert response.status_code == 302, page_errors(response)
    post.refresh_from_db()
    assert post.title == "Dzień otwarty w sobotę"
    assert post.status == NewsPost.Status.DRAFT
    assert not NewsPost.objects.published().filter(pk=post.pk).exists()
    assert mailoutbox == []


@pytest.mark.write_path("admin:organizations_newspost_add")
def test_a_post_staff_write_in_the_admin_is_published_by_the_service(staff_client, staff):
    url = reverse("admin:organizations_newspost_add")
    data = post_form(staff_client.get(url)).data(
        title="Nowe godziny otwarcia Centrum",
        slug="nowe-godziny",
        lead="Od grudnia pracujemy dłużej.",
        status="draft",  # not a field any more: the service decides
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, page_errors(response)
    post = NewsPost.objects.get(slug="nowe-godziny")
    assert (post.status, post.author, post.organization) == (
        NewsPost.Status.PUBLISHED,
        staff,
        None,
    )
    assert NewsPost.objects.published().filter(pk=post.pk).exists()


@pytest.mark.write_path("admin:organizations_newspost_delete")
def test_deleting_a_post_in_the_admin_removes_its_files_too(staff_client, world):
    post = world.published_post
    stored = world.attachment.file
    assert stored.storage.exists(stored.name)
    url = reverse("admin:organizations_newspost_delete", args=[post.pk])
    response = staff_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not NewsPost.objects.filter(pk=post.pk).exists()
    assert not stored.storage.exists(stored.name)


@pytest.mark.write_path("admin:organizations_newspost_changelist:delete_selected")
def test_deleting_selected_posts_removes_their_files_too(staff_client, world):
    post = world.published_post
    stored = world.attachment.file
    response = staff_client.post(
        reverse("admin:organizations_newspost_changelist"),
        {"action": "delete_selected", "_selected_action": [post.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not NewsPost.objects.filter(pk=post.pk).exists()
    assert not stored.storage.exists(stored.name)


@pytest.mark.write_path("admin:organizations_newspost_change")
def test_an_attachment_deleted_in_the_admin_leaves_the_disk(staff_client, world):
    post = world.published_post
    stored = world.attachment.file
    response = save_change_form(staff_client, post, **{"attachments-0-DELETE": "on"})
    assert response.status_code == 302, page_errors(response)
    assert not post.attachments.exists()
    assert not stored.storage.exists(stored.name)
    post.refresh_from_db()
    assert post.status == NewsPost.Status.PUBLISHED


# --- Memberships ---------------------------------------------------------------------------


@pytest.mark.write_path("admin:organizations_membership_change")
def test_the_only_administrator_is_not_made_an_editor_in_the_admin(staff_client, world):
    membership = world.membership  # the organisation's only administrator
    response = save_change_form(staff_client, membership, role="editor")
    assert response.status_code == 200
    assert last_administrator() in str(page_errors(response))
    membership.refresh_from_db()
    assert membership.role == Membership.Role.ADMIN
    assert not history(world.organization, "membership_role")


@pytest.mark.write_path(
    "admin:organizations_membership_add", "admin:organizations_membership_change"
)
def test_staff_add_a_new_administrator_who_is_told_then_the_old_one_becomes_an_editor(
    staff_client, world, mailoutbox
):
    newcomer = UserFactory(email="nowa.prezeska@example.org")
    mailoutbox.clear()  # the world's own
    url = reverse("admin:organizations_membership_add")
    data = post_form(staff_client.get(url)).data(
        user=str(newcomer.pk), organization=str(world.organization.pk), role="admin"
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, page_errors(response)
    added = Membership.objects.get(user=newcomer)
    assert (added.role, added.status) == (Membership.Role.ADMIN, Membership.Status.ACTIVE)
    assert history(world.organization, "membership_added") == [
        {"user": newcomer.email, "role": "admin"}
    ]
    assert [m.to for m in mailoutbox] == [[newcomer.email]]
    assert world.organization.name in mailoutbox[0].subject

    response = save_change_form(staff_client, world.membership, role="editor")
    assert response.status_code == 302, page_errors(response)
    world.membership.refresh_from_db()
    assert world.membership.role == Membership.Role.EDITOR
    assert history(world.organization, "membership_role") == [
        {"user": world.membership.user.email, "role": "editor"}
    ]


@pytest.mark.write_path("admin:organizations_membership_delete")
def test_the_only_administrator_is_not_deleted_in_the_admin_an_editor_is(staff_client, world):
    url = reverse("admin:organizations_membership_delete", args=[world.membership.pk])
    asked = staff_client.get(url)
    assert last_administrator() in asked.content.decode()
    staff_client.post(url, {"post": "yes"})
    assert Membership.objects.filter(pk=world.membership.pk).exists()

    editor = Membership.objects.create(
        user=world.personas["other_ngo_member"],
        organization=world.organization,
        role=Membership.Role.EDITOR,
        status=Membership.Status.ACTIVE,
    )
    url = reverse("admin:organizations_membership_delete", args=[editor.pk])
    response = staff_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=editor.pk).exists()
    assert history(world.organization, "membership_removed") == [{"user": editor.user.email}]


@pytest.mark.write_path("admin:organizations_membership_changelist:delete_selected")
def test_deleting_selected_memberships_keeps_the_last_administrator(staff_client, world):
    editor = Membership.objects.create(
        user=world.personas["other_ngo_member"],
        organization=world.organization,
        role=Membership.Role.EDITOR,
        status=Membership.Status.ACTIVE,
    )
    selected = [world.membership.pk, editor.pk]
    response = staff_client.post(
        reverse("admin:organizations_membership_changelist"),
        {"action": "delete_selected", "_selected_action": selected, "post": "yes"},
    )
    assert response.status_code == 200  # the confirmation page, with the reason
    assert last_administrator() in response.content.decode()
    assert Membership.objects.filter(pk__in=selected).count() == 2

    response = staff_client.post(
        reverse("admin:organizations_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [editor.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=editor.pk).exists()
    assert history(world.organization, "membership_removed") == [{"user": editor.user.email}]


@pytest.mark.write_path("admin:organizations_membership_changelist:accept")
def test_staff_accept_a_request_to_join_and_the_person_is_told(staff_client, world, mailoutbox):
    applicant = world.personas["other_ngo_member"]
    mailoutbox.clear()  # the world's own
    request = Membership.objects.create(user=applicant, organization=world.organization)
    response = staff_client.post(
        reverse("admin:organizations_membership_changelist"),
        {"action": "accept", "_selected_action": [request.pk]},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Membership.Status.ACTIVE
    assert history(world.organization, "membership_approved") == [{"user": applicant.email}]
    assert [m.to for m in mailoutbox] == [[applicant.email]]


# --- Organisations and their members' inline --------------------------------------------------


@pytest.mark.write_path("admin:organizations_organization_change")
def test_the_organisation_page_does_not_delete_its_only_administrator(staff_client, world):
    response = save_change_form(staff_client, world.organization, **{"memberships-0-DELETE": "on"})
    assert response.status_code == 200
    assert last_administrator() in str(page_errors(response))
    assert Membership.objects.filter(pk=world.membership.pk).exists()


@pytest.mark.write_path("admin:organizations_organization_change")
def test_the_organisation_page_hands_it_over_to_a_new_administrator_in_one_save(
    staff_client, world, mailoutbox
):
    organization = world.organization
    successor = UserFactory(email="nastepca@example.org")
    mailoutbox.clear()  # the world's own
    response = save_change_form(
        staff_client,
        organization,
        short_name="Seniorzy Bojary",
        **{
            "memberships-TOTAL_FORMS": "2",
            "memberships-0-DELETE": "on",
            "memberships-1-user": str(successor.pk),
            "memberships-1-role": "admin",
        },
    )
    assert response.status_code == 302, page_errors(response)
    assert list(organization.memberships.values_list("user__email", "role", "status")) == [
        (successor.email, "admin", "active")
    ]
    assert [m.to for m in mailoutbox] == [[successor.email]]
    assert history(organization, "edited_by_staff") == [{"short_name": ["", "Seniorzy Bojary"]}]
    assert history(organization, "membership_added") == [{"user": successor.email, "role": "admin"}]
    assert history(organization, "membership_removed") == [{"user": world.membership.user.email}]


@pytest.mark.write_path("admin:organizations_organization_add")
def test_an_organisation_added_by_staff_has_its_history_and_search_text(staff_client, staff):
    url = reverse("admin:organizations_organization_add")
    data = post_form(staff_client.get(url)).data(
        name="Klub Sportowy Dojo",
        slug="klub-sportowy-dojo",
        legal_form="initiative_group",
        city="Białystok",
        **{"memberships-TOTAL_FORMS": "0"},
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, page_errors(response)
    organization = Organization.objects.get(slug="klub-sportowy-dojo")
    assert organization.status == Organization.Status.DRAFT
    assert list(
        OrganizationChange.objects.filter(organization=organization).values_list("action", "user")
    ) == [("created_by_staff", staff.pk)]
    assert " dojo" in organization.search_document


@pytest.mark.write_path("admin:organizations_organization_delete")
def test_organisations_are_archived_not_deleted_in_the_admin(staff_client, world):
    url = reverse("admin:organizations_organization_delete", args=[world.organization.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 403
    assert Organization.objects.filter(pk=world.organization.pk).exists()


# --- Vocabularies ----------------------------------------------------------------------------


@pytest.mark.write_path(
    "admin:organizations_fieldofactivity_change", "admin:organizations_district_delete"
)
def test_renaming_or_deleting_a_term_updates_the_directory_search(staff_client, world):
    organization = world.organization
    term = FieldOfActivity.objects.create(name_pl="Sport", name_en="Sport", slug="sport-test")
    district = District.objects.create(name="Dojlidy Górne Testowe", slug="dojlidy-test")
    organization.fields_of_activity.add(term)
    organization.district = district
    organization.save(update_fields=["district"])
    organization.rebuild_search_document()

    response = save_change_form(staff_client, term, name_pl="Kulturoznawstwo")
    assert response.status_code == 302, page_errors(response)
    organization.refresh_from_db()
    assert " kulturoznawstwo" in organization.search_document
    assert " sport" in organization.search_document  # the English name stays

    url = reverse("admin:organizations_district_delete", args=[district.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 302
    organization.refresh_from_db()
    assert organization.district is None
    assert " dojlidy" not in organization.search_document
