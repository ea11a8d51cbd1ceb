"""Members' pages: my organisations, the profile form, joining, managing members.

Pages are requested in English (`/en/…`) where a test reads their text; the Polish
translations are added later.

Centre staff who are not members of an organisation get a 404 on its member
pages, like anybody else: staff work on organisations in the admin.
"""

import io
import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from organizations.models import Membership, Organization
from organizations.services import organizations as services
from tests.factories import UserFactory
from tests.organizations.factories import (
    DistrictFactory,
    FieldOfActivityFactory,
    MembershipFactory,
    OrganizationFactory,
    TargetGroupFactory,
)


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(f"organizations:{name}", args=args)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def png_upload(name="logo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (10, 88, 202)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def input_tag(html, name):
    """The HTML tag of the form control called `name`."""
    return re.search(rf'<(?:input|select|textarea)[^>]*name="{name}"[^>]*>', html).group(0)


def profile(**overrides):
    """A valid POST of the profile form."""
    return {
        "name": "Stowarzyszenie Przyjaciół Bojar",
        "legal_form": "association",
        "krs": "359730",
        "city": "Białystok",
        **overrides,
    }


@pytest.fixture
def org_a(ngo_member):
    """A published organisation; ngo_member is its administrator."""
    organization = OrganizationFactory(name="Stowarzyszenie Alfa", krs="0000000101")
    MembershipFactory(user=ngo_member, organization=organization)
    return organization


@pytest.fixture
def editor_a(org_a):
    return MembershipFactory(
        organization=org_a,
        role=Membership.Role.EDITOR,
        user=UserFactory(first_name="Ewa", last_name="Redaktorska"),
    ).user


@pytest.fixture
def org_b(other_ngo_member):
    organization = OrganizationFactory(name="Fundacja Beta", krs="0000000202")
    MembershipFactory(user=other_ngo_member, organization=organization)
    return organization


@pytest.fixture
def request_to_a(org_a):
    """Jan Kowalski has asked to join organisation A."""
    return MembershipFactory(
        organization=org_a,
        status=Membership.Status.PENDING,
        role=Membership.Role.EDITOR,
        user=UserFactory(first_name="Jan", last_name="Kowalski", email="jan@example.org"),
        message="Jestem nowym skarbnikiem.",
    )


# Access --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["my_organizations", "organization_create", "membership_request"])
def test_members_pages_send_anonymous_visitors_to_log_in(client, org_a, name):
    args = [org_a.slug] if name == "membership_request" else []
    response = client.get(url(name, *args, language="pl"))
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


PERSONAS = ["admin", "editor", "requester", "outsider", "anonymous", "staff"]
MATRIX = {
    # page: status for admin, editor, someone whose request to join waits,
    # a member of another organisation, anonymous, staff
    "organization_edit": [200, 200, 404, 404, 302, 404],
    "membership_list": [200, 404, 404, 404, 302, 404],
    "organization_submit": [302, 302, 404, 404, 302, 404],
    "membership_update": [302, 404, 404, 404, 302, 404],
}
CASES = [
    (page, persona, statuses[i])
    for page, statuses in MATRIX.items()
    for i, persona in enumerate(PERSONAS)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "persona", "status"), CASES)
def test_permission_matrix_of_the_organisation_pages(
    client, ngo_member, other_ngo_member, staff, org_a, org_b, editor_a, request_to_a,
    page, persona, status,
):  # fmt: skip
    user = {
        "admin": ngo_member,
        "editor": editor_a,
        "outsider": other_ngo_member,
        "anonymous": None,
        "staff": staff,
        "requester": request_to_a.user,
    }[persona]
    if user:
        client.force_login(user)
    if page == "membership_update":
        response = client.post(
            url(page, org_a.slug, request_to_a.pk, language="pl"), {"action": "approve"}
        )
    elif page == "organization_submit":
        response = client.post(url(page, org_a.slug, language="pl"))
    else:
        response = client.get(url(page, org_a.slug, language="pl"))
    assert response.status_code == status
    if status == 302 and persona == "anonymous":
        assert response["Location"].startswith("/konto/login/")
    request_to_a.refresh_from_db()
    approved = page == "membership_update" and persona == "admin"
    assert (request_to_a.status == Membership.Status.ACTIVE) is approved


@pytest.mark.django_db
def test_submitting_is_post_only(client, ngo_member, org_a):
    client.force_login(ngo_member)
    assert client.get(url("organization_submit", org_a.slug)).status_code == 405


# My organisations ------------------------------------------------------------------------


@pytest.mark.django_db
def test_my_organisations_shows_each_status_in_words_and_the_reason_for_rejection(
    client, ngo_member
):
    for name, status in [
        ("Grupa Szkicowa", "draft"),
        ("Grupa Czekająca", "pending"),
        ("Grupa Publiczna", "published"),
        ("Grupa Archiwalna", "archived"),
    ]:
        MembershipFactory(
            user=ngo_member, organization=OrganizationFactory(name=name, status=status)
        )
    rejected = OrganizationFactory(
        name="Grupa Odrzucona", status="rejected", rejection_reason="Brak <b>opisu</b>."
    )
    MembershipFactory(user=ngo_member, organization=rejected)
    client.force_login(ngo_member)
    html = client.get(url("my_organizations")).content.decode()
    for status in ["Draft", "Waiting for approval", "Published", "Rejected", "Archived"]:
        assert f">{status}</span>" in html
    assert "Brak &lt;b&gt;opisu&lt;/b&gt;." in html
    assert html.count("<h1") == 1


@pytest.mark.django_db
def test_send_for_approval_is_offered_for_drafts_and_rejected_profiles_only(client, ngo_member):
    draft = OrganizationFactory(name="Szkic", status="draft")
    rejected = OrganizationFactory(name="Odrzucona", status="rejected", rejection_reason="X")
    public = OrganizationFactory(name="Publiczna")
    for organization in (draft, rejected, public):
        MembershipFactory(user=ngo_member, organization=organization)
    client.force_login(ngo_member)
    html = client.get(url("my_organizations")).content.decode()
    assert f'action="{url("organization_submit", draft.slug)}"' in html
    assert f'action="{url("organization_submit", rejected.slug)}"' in html
    assert f'action="{url("organization_submit", public.slug)}"' not in html


@pytest.mark.django_db
def test_my_organisations_links_the_members_page_for_admins_only(client, ngo_member, org_b):
    mine = OrganizationFactory(name="Moja")
    MembershipFactory(user=ngo_member, organization=mine)
    MembershipFactory(user=ngo_member, organization=org_b, role=Membership.Role.EDITOR)
    client.force_login(ngo_member)
    html = client.get(url("my_organizations")).content.decode()
    assert f'href="{url("membership_list", mine.slug)}"' in html
    assert f'href="{url("membership_list", org_b.slug)}"' not in html
    assert f'href="{url("organization_edit", org_b.slug)}"' in html


@pytest.mark.django_db
def test_my_organisations_notes_an_identity_change_waiting_for_approval(client, ngo_member, org_a):
    services.organization_update(
        organization=org_a, user=ngo_member, data={"name": "Stowarzyszenie Omega"}
    )
    client.force_login(ngo_member)
    html = client.get(url("my_organizations")).content.decode()
    assert "These changes wait for the centre" in html
    assert "Name: Stowarzyszenie Omega" in html
    assert "Stowarzyszenie Alfa" in html


@pytest.mark.django_db
def test_my_organisations_lists_requests_to_join_separately(client, ngo_member, org_b):
    services.membership_request(organization=org_b, user=ngo_member)
    client.force_login(ngo_member)
    html = client.get(url("my_organizations")).content.decode()
    assert "Your requests to join" in html
    assert "Withdraw the request" in html
    assert url("organization_edit", org_b.slug) not in html


@pytest.mark.django_db
def test_my_organisations_runs_a_constant_number_of_queries(
    client, ngo_member, django_assert_max_num_queries
):
    statuses = ["draft", "pending", "published", "rejected", "archived"]
    for n in range(40):
        organization = OrganizationFactory(
            name=f"Organizacja {n:02}",
            status=statuses[n % 5],
            rejection_reason="Powód" if statuses[n % 5] == "rejected" else "",
            pending_identity={"name": f"Nowa {n}"} if n % 3 == 0 else {},
        )
        MembershipFactory(
            user=ngo_member,
            organization=organization,
            status=Membership.Status.PENDING if n % 7 == 0 else Membership.Status.ACTIVE,
        )
        MembershipFactory(organization=organization, status=Membership.Status.PENDING)
    client.force_login(ngo_member)
    with django_assert_max_num_queries(10):
        html = client.get(url("my_organizations")).content.decode()
    assert all(f"Organizacja {n:02}" in html for n in range(40))


# Creating -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_new_organisation_form_is_accessible(client, ngo_member):
    FieldOfActivityFactory(name_en="Culture")
    TargetGroupFactory(name_en="Seniors")
    client.force_login(ngo_member)
    html = client.get(url("organization_create")).content.decode()
    assert html.count("<h1") == 1
    assert re.search(r"<legend[^>]*>\s*Fields of activity", html)
    assert re.search(r"<legend[^>]*>\s*Target groups", html)
    assert 'accept="image/jpeg,image/png,image/gif,image/webp"' in input_tag(html, "logo")
    assert 'enctype="multipart/form-data"' in html
    assert 'name="submit_for_approval"' in html
    assert "Save as draft" in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


@pytest.mark.django_db
def test_creating_a_draft_normalises_identifiers_and_makes_me_its_admin(
    client, ngo_member, mailoutbox, django_capture_on_commit_callbacks
):
    field, group = FieldOfActivityFactory(), TargetGroupFactory()
    district = DistrictFactory()
    client.force_login(ngo_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("organization_create"),
            profile(
                nip="856-734-62-15",
                regon="192598184",
                postal_code="15950",
                fields_of_activity=[field.pk],
                target_groups=[group.pk],
                district=district.pk,
                confirm_data="on",
            ),
        )
    assert response.status_code == 302
    assert response["Location"] == url("my_organizations")
    organization = Organization.objects.get()
    assert organization.status == Organization.Status.DRAFT
    assert (organization.krs, organization.nip, organization.postal_code) == (
        "0000359730",
        "8567346215",
        "15-950",
    )
    assert organization.data_confirmed_on is not None
    assert list(organization.fields_of_activity.all()) == [field]
    assert organization.district == district
    assert organization.memberships.get().user == ngo_member
    assert any("saved as a draft" in m for m in messages_of(response))
    assert mailoutbox == []


@pytest.mark.django_db
def test_creating_and_sending_for_approval_tells_the_staff(
    client, ngo_member, staff, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(ngo_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("organization_create"), profile(submit_for_approval="1"))
    assert response.status_code == 302
    assert Organization.objects.get().status == Organization.Status.PENDING
    assert [m.to for m in mailoutbox] == [[staff.email]]
    assert any("sent to the centre for approval" in m for m in messages_of(response))


@pytest.mark.django_db
def test_a_duplicate_krs_links_to_the_existing_profile_to_ask_to_join(client, ngo_member):
    existing = OrganizationFactory(name='Fundacja "Ala" <b>i</b> Kot', krs="0000359730")
    client.force_login(ngo_member)
    response = client.post(url("organization_create"), profile(krs="359 730"))
    html = response.content.decode()
    assert response.status_code == 200
    assert Organization.objects.count() == 1
    error = re.search(r'id="id_krs_error".*?</div>', html, re.S).group(0)
    assert "already in the directory" in error
    assert f'<a href="{existing.get_absolute_url()}">' in error
    assert f'<a href="{url("membership_request", existing.slug)}">ask to join it</a>' in error
    assert "Fundacja &quot;Ala&quot; &lt;b&gt;i&lt;/b&gt; Kot" in error
    assert "<b>i</b>" not in html
    # The error summary links to the field, so it shows the message as text.
    summary = re.search(r'class="alert alert-danger error-summary".*?</div>', html, re.S)
    assert summary.group(0).count("<a ") == 1


@pytest.mark.django_db
def test_a_krs_of_a_profile_that_is_not_public_is_refused_without_naming_it(client, ngo_member):
    OrganizationFactory(name="Tajny Szkic", status="draft", krs="0000359730")
    client.force_login(ngo_member)
    html = client.post(url("organization_create"), profile()).content.decode()
    assert "is not public yet" in html
    assert "Tajny Szkic" not in html


@pytest.mark.django_db
def test_an_invalid_nip_is_shown_on_the_nip_field(client, ngo_member):
    client.force_login(ngo_member)
    response = client.post(url("organization_create"), profile(nip="8567346216"))
    html = response.content.decode()
    assert response.status_code == 200
    nip = input_tag(html, "nip")
    assert 'aria-invalid="true"' in nip
    assert "id_nip_error" in nip
    assert re.search(r'id="id_nip_error".*?This is not a valid NIP', html, re.S)
    assert 'aria-invalid="true"' not in input_tag(html, "name")
    assert "<title>Error:" in html
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_a_foundation_without_krs_is_told_on_the_krs_field(client, ngo_member):
    client.force_login(ngo_member)
    html = client.post(url("organization_create"), profile(legal_form="foundation", krs=""))
    html = html.content.decode()
    assert re.search(r'id="id_krs_error".*?must give their KRS number', html, re.S)
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_an_initiative_group_needs_no_krs(client, ngo_member):
    client.force_login(ngo_member)
    response = client.post(
        url("organization_create"), profile(legal_form="initiative_group", krs="")
    )
    assert response.status_code == 302
    assert Organization.objects.get().krs is None


@pytest.mark.django_db
def test_a_non_image_logo_is_refused_and_nothing_is_stored(client, ngo_member, settings):
    client.force_login(ngo_member)
    fake = SimpleUploadedFile("logo.png", b"<?php echo 'not an image'; ?>", "image/png")
    response = client.post(url("organization_create"), {**profile(), "logo": fake})
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'id="id_logo_error"', html)
    assert 'aria-invalid="true"' in input_tag(html, "logo")
    assert not Organization.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_a_bad_logo_is_listed_with_the_other_errors(client, ngo_member):
    client.force_login(ngo_member)
    fake = SimpleUploadedFile("logo.png", b"GIF89a not really", "image/gif")
    html = client.post(
        url("organization_create"), {**profile(nip="8567346216"), "logo": fake}
    ).content.decode()
    summary = re.search(r'class="alert alert-danger error-summary".*?</div>', html, re.S).group(0)
    assert 'href="#id_nip"' in summary
    assert 'href="#id_logo"' in summary


@pytest.mark.django_db
def test_errors_found_by_the_service_are_shown_on_the_form_not_as_a_crash(
    client, ngo_member, monkeypatch
):
    """E.g. a KRS taken by someone else between the form's check and the save."""

    def refuse(**kwargs):
        raise ValidationError({"krs": ["Taken meanwhile."], "slug": ["Slug problem."]})

    monkeypatch.setattr(services, "organization_create", refuse)
    client.force_login(ngo_member)
    response = client.post(url("organization_create"), profile())
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'id="id_krs_error".*?Taken meanwhile\.', html, re.S)
    summary = re.search(r'class="alert alert-danger error-summary".*?</div>', html, re.S).group(0)
    assert "<li>Slug problem.</li>" in summary


@pytest.mark.django_db
def test_a_png_logo_is_stored_with_the_new_profile(client, ngo_member, settings):
    client.force_login(ngo_member)
    response = client.post(url("organization_create"), {**profile(), "logo": png_upload()})
    assert response.status_code == 302
    organization = Organization.objects.get()
    assert organization.logo
    assert len(stored_files(settings)) == 1


# Editing --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_edit_form_starts_from_the_profile(client, ngo_member, org_a):
    field = FieldOfActivityFactory(name_en="Ecology")
    org_a.fields_of_activity.add(field)
    client.force_login(ngo_member)
    html = client.get(url("organization_edit", org_a.slug)).content.decode()
    assert 'value="Stowarzyszenie Alfa"' in input_tag(html, "name")
    assert 'value="0000000101"' in input_tag(html, "krs")
    assert re.search(rf'<input[^>]*value="{field.pk}"[^>]*checked', html)
    assert html.count("<h1") == 1


@pytest.mark.django_db
def test_an_editor_saves_a_draft_and_every_change_applies(client, org_a, editor_a):
    draft = OrganizationFactory(name="Szkic", status="draft", krs="0000000303")
    MembershipFactory(organization=draft, user=editor_a, role=Membership.Role.EDITOR)
    client.force_login(editor_a)
    response = client.post(
        url("organization_edit", draft.slug),
        profile(name="Fundacja Nowa", legal_form="foundation", krs="303", phone="85 111 22 33"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.name, draft.legal_form, draft.phone) == (
        "Fundacja Nowa",
        "foundation",
        "85 111 22 33",
    )
    assert draft.krs == "0000000303"
    assert draft.status == Organization.Status.DRAFT


@pytest.mark.django_db
def test_the_edit_page_of_a_public_profile_says_identity_changes_need_approval(
    client, ngo_member, org_a
):
    client.force_login(ngo_member)
    html = client.get(url("organization_edit", org_a.slug)).content.decode()
    assert "Changes to the name, the legal form and the KRS number are published after" in html
    assert 'name="submit_for_approval"' not in html


@pytest.mark.django_db
def test_renaming_a_public_profile_waits_for_approval_while_the_rest_publishes(
    client, ngo_member, org_a, staff, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(ngo_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("organization_edit", org_a.slug),
            profile(name="Stowarzyszenie Omega", krs="101", description="Nowy opis."),
        )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.name == "Stowarzyszenie Alfa"
    assert org_a.pending_identity == {"name": "Stowarzyszenie Omega"}
    assert org_a.description == "Nowy opis."
    assert [m.to for m in mailoutbox] == [[staff.email]]
    assert any("once the centre approves it" in m for m in messages_of(response))


@pytest.mark.django_db
def test_saving_a_public_profile_unchanged_asks_for_no_approval(
    client, ngo_member, org_a, staff, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(ngo_member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("organization_edit", org_a.slug), profile(name=org_a.name, krs="101"))
    org_a.refresh_from_db()
    assert org_a.pending_identity == {}
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_draft_can_be_saved_and_sent_for_approval_from_the_edit_page(
    client, ngo_member, staff, mailoutbox, django_capture_on_commit_callbacks
):
    draft = OrganizationFactory(status="draft", krs="0000000404")
    MembershipFactory(user=ngo_member, organization=draft)
    client.force_login(ngo_member)
    assert (
        'name="submit_for_approval"'
        in client.get(url("organization_edit", draft.slug)).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("organization_edit", draft.slug),
            profile(krs="404", name="Gotowy Szkic", submit_for_approval="1"),
        )
    draft.refresh_from_db()
    assert (draft.name, draft.status) == ("Gotowy Szkic", Organization.Status.PENDING)
    assert [m.to for m in mailoutbox] == [[staff.email]]


@pytest.mark.django_db
def test_a_new_logo_replaces_the_old_one_and_no_file_keeps_it(client, ngo_member, org_a):
    client.force_login(ngo_member)
    client.post(
        url("organization_edit", org_a.slug),
        {**profile(krs="101", name=org_a.name), "logo": png_upload()},
    )
    org_a.refresh_from_db()
    first = org_a.logo.name
    assert first
    client.post(
        url("organization_edit", org_a.slug), profile(krs="101", name=org_a.name, phone="1")
    )
    org_a.refresh_from_db()
    assert org_a.logo.name == first
    assert org_a.phone == "1"


@pytest.mark.django_db
def test_ticking_remove_logo_removes_it(client, ngo_member, org_a):
    client.force_login(ngo_member)
    client.post(
        url("organization_edit", org_a.slug),
        {**profile(krs="101", name=org_a.name), "logo": png_upload()},
    )
    html = client.get(url("organization_edit", org_a.slug)).content.decode()
    assert 'name="remove_logo"' in html
    client.post(
        url("organization_edit", org_a.slug), profile(krs="101", name=org_a.name, remove_logo="on")
    )
    org_a.refresh_from_db()
    assert not org_a.logo


# Sending for approval ----------------------------------------------------------------


@pytest.mark.django_db
def test_sending_a_draft_for_approval_tells_the_staff(
    client, ngo_member, staff, mailoutbox, django_capture_on_commit_callbacks
):
    draft = OrganizationFactory(status="draft")
    MembershipFactory(user=ngo_member, organization=draft)
    client.force_login(ngo_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("organization_submit", draft.slug))
    assert response["Location"] == url("my_organizations")
    draft.refresh_from_db()
    assert draft.status == Organization.Status.PENDING
    assert [m.to for m in mailoutbox] == [[staff.email]]


@pytest.mark.django_db
def test_sending_a_published_profile_again_is_an_error_message_not_a_crash(
    client, ngo_member, org_a
):
    client.force_login(ngo_member)
    response = client.post(url("organization_submit", org_a.slug))
    assert response.status_code == 302
    assert any("Only a draft or a rejected profile" in m for m in messages_of(response))
    org_a.refresh_from_db()
    assert org_a.status == Organization.Status.PUBLISHED


# Joining ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_join_page_asks_for_an_optional_message(client, other_ngo_member, org_a):
    client.force_login(other_ngo_member)
    html = client.get(url("membership_request", org_a.slug)).content.decode()
    assert re.search(r"<label[^>]*for=\"id_message\"", html)
    assert 'name="message"' in input_tag(html, "message")
    assert html.count("<h1") == 1
    assert not Membership.objects.filter(user=other_ngo_member, organization=org_a).exists()


@pytest.mark.django_db
def test_asking_to_join_tells_the_admins_and_waits_for_them(
    client, ngo_member, other_ngo_member, org_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(other_ngo_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("membership_request", org_a.slug), {"message": "Jestem skarbnikiem."}
        )
    assert response.status_code == 302
    assert response["Location"] == org_a.get_absolute_url()
    membership = Membership.objects.get(user=other_ngo_member, organization=org_a)
    assert (membership.status, membership.message) == ("pending", "Jestem skarbnikiem.")
    assert [m.to for m in mailoutbox] == [[ngo_member.email]]
    assert any("has been sent to its administrators" in m for m in messages_of(response))


@pytest.mark.django_db
def test_asking_again_creates_no_duplicate_and_says_so(client, other_ngo_member, org_a):
    client.force_login(other_ngo_member)
    client.post(url("membership_request", org_a.slug), {"message": ""})
    response = client.post(url("membership_request", org_a.slug), {"message": "Znowu"})
    assert response.status_code == 302
    assert Membership.objects.filter(user=other_ngo_member, organization=org_a).count() == 1
    assert any("already asked to join" in m for m in messages_of(response))


@pytest.mark.django_db
def test_a_member_who_asks_to_join_is_told_they_already_belong(client, ngo_member, org_a):
    client.force_login(ngo_member)
    response = client.get(url("membership_request", org_a.slug))
    assert response.status_code == 302
    assert any("already a member" in m for m in messages_of(response))


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["draft", "pending", "rejected", "archived"])
def test_only_published_organisations_can_be_joined(client, other_ngo_member, status):
    organization = OrganizationFactory(status=status, rejection_reason="X")
    client.force_login(other_ngo_member)
    assert client.get(url("membership_request", organization.slug)).status_code == 404
    assert client.post(url("membership_request", organization.slug)).status_code == 404
    assert not Membership.objects.filter(user=other_ngo_member).exists()


# Managing members -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_members_page_lists_members_and_requests_with_named_buttons(
    client, ngo_member, org_a, editor_a, request_to_a
):
    client.force_login(ngo_member)
    html = client.get(url("membership_list", org_a.slug)).content.decode()
    assert html.count("<h1") == 1
    assert html.count("<caption") == 2
    assert '<th scope="col">' in html
    assert "Jestem nowym skarbnikiem." in html
    assert 'Accept<span class="visually-hidden"> the request of Jan Kowalski</span>' in html
    assert 'Make an administrator<span class="visually-hidden">: Ewa Redaktorska</span>' in html
    assert "Administrator" in html and "Editor" in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


@pytest.mark.django_db
def test_the_members_page_runs_a_constant_number_of_queries(
    client, ngo_member, org_a, django_assert_max_num_queries
):
    for n in range(30):
        MembershipFactory(organization=org_a, role=Membership.Role.EDITOR)
        MembershipFactory(organization=org_a, status=Membership.Status.PENDING, message=f"M{n}")
    client.force_login(ngo_member)
    with django_assert_max_num_queries(10):
        html = client.get(url("membership_list", org_a.slug)).content.decode()
    assert html.count('value="approve"') == 30
    assert html.count('value="make_admin"') == 30


def update(client, organization, membership, action):
    return client.post(
        url("membership_update", organization.slug, membership.pk), {"action": action}
    )


@pytest.mark.django_db
def test_an_admin_accepts_a_request_and_the_person_is_told(
    client, ngo_member, org_a, request_to_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(ngo_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = update(client, org_a, request_to_a, "approve")
    assert response["Location"] == url("membership_list", org_a.slug)
    request_to_a.refresh_from_db()
    assert request_to_a.status == Membership.Status.ACTIVE
    assert [m.to for m in mailoutbox] == [["jan@example.org"]]
    assert any("Jan Kowalski is now a member" in m for m in messages_of(response))


@pytest.mark.django_db
def test_an_admin_refuses_a_request(client, ngo_member, org_a, request_to_a):
    client.force_login(ngo_member)
    response = update(client, org_a, request_to_a, "remove")
    assert not Membership.objects.filter(pk=request_to_a.pk).exists()
    assert any("request of Jan Kowalski has been refused" in m for m in messages_of(response))


@pytest.mark.django_db
def test_an_admin_changes_roles_and_removes_a_member(client, ngo_member, org_a, editor_a):
    membership = Membership.objects.get(user=editor_a)
    client.force_login(ngo_member)
    update(client, org_a, membership, "make_admin")
    membership.refresh_from_db()
    assert membership.role == Membership.Role.ADMIN
    update(client, org_a, membership, "make_editor")
    membership.refresh_from_db()
    assert membership.role == Membership.Role.EDITOR
    response = update(client, org_a, membership, "remove")
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert any("no longer a member" in m for m in messages_of(response))


@pytest.mark.django_db
def test_a_role_is_given_only_after_the_request_is_accepted(
    client, ngo_member, org_a, request_to_a
):
    client.force_login(ngo_member)
    response = update(client, org_a, request_to_a, "make_admin")
    request_to_a.refresh_from_db()
    assert (request_to_a.status, request_to_a.role) == ("pending", "editor")
    assert any("Accept the request of Jan Kowalski" in m for m in messages_of(response))


@pytest.mark.django_db
def test_the_last_admin_cannot_step_down_and_gets_a_message_not_an_error_page(
    client, ngo_member, org_a
):
    mine = Membership.objects.get(user=ngo_member, organization=org_a)
    client.force_login(ngo_member)
    for action in ("make_editor", "remove"):
        response = update(client, org_a, mine, action)
        assert response.status_code == 302
        assert any("at least one administrator" in m for m in messages_of(response))
    mine.refresh_from_db()
    assert mine.role == Membership.Role.ADMIN


@pytest.mark.django_db
def test_a_membership_of_another_organisation_cannot_be_reached_through_mine(
    client, ngo_member, org_a, org_b, other_ngo_member
):
    theirs = Membership.objects.get(user=other_ngo_member, organization=org_b)
    client.force_login(ngo_member)
    assert update(client, org_a, theirs, "remove").status_code == 404
    assert update(client, org_a, theirs, "leave").status_code == 404
    assert Membership.objects.filter(pk=theirs.pk).exists()


@pytest.mark.django_db
def test_an_unknown_action_is_a_bad_request(client, ngo_member, org_a, editor_a):
    client.force_login(ngo_member)
    response = update(client, org_a, Membership.objects.get(user=editor_a), "promote")
    assert response.status_code == 400


@pytest.mark.django_db
def test_an_editor_leaves_from_my_organisations(client, org_a, editor_a):
    membership = Membership.objects.get(user=editor_a)
    client.force_login(editor_a)
    html = client.get(url("my_organizations")).content.decode()
    assert f'action="{url("membership_update", org_a.slug, membership.pk)}"' in html
    response = update(client, org_a, membership, "leave")
    assert response["Location"] == url("my_organizations")
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert any("You have left" in m for m in messages_of(response))


@pytest.mark.django_db
def test_the_only_admin_cannot_leave(client, ngo_member, org_a):
    mine = Membership.objects.get(user=ngo_member, organization=org_a)
    client.force_login(ngo_member)
    assert "You are the only administrator" in client.get(url("my_organizations")).content.decode()
    response = update(client, org_a, mine, "leave")
    assert response.status_code == 302
    assert Membership.objects.filter(pk=mine.pk).exists()
    assert any("only administrator" in m for m in messages_of(response))


@pytest.mark.django_db
def test_a_request_to_join_can_be_withdrawn(client, other_ngo_member, org_a):
    membership = services.membership_request(organization=org_a, user=other_ngo_member)
    client.force_login(other_ngo_member)
    response = update(client, org_a, membership, "leave")
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert any("has been withdrawn" in m for m in messages_of(response))
