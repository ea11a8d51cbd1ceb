"""The directory's services against the database: every write path goes through them,
and the database's constraints hold when they are bypassed."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import translation
from PIL import Image

from organizations.models import Membership, Organization, OrganizationChange
from organizations.services import organizations as services
from tests.factories import UserFactory
from tests.organizations.factories import (
    DistrictFactory,
    FieldOfActivityFactory,
    MembershipFactory,
    OrganizationFactory,
    TargetGroupFactory,
)


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in their English source text."""
    with translation.override("en"):
        yield


def png_upload(name="logo.png", size=(120, 80)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 88, 202)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def association(user, submit=False, **extra):
    data = {
        "name": "Stowarzyszenie Testowe",
        "legal_form": Organization.LegalForm.ASSOCIATION,
        "krs": "0000123456",
        **extra,
    }
    return services.organization_create(user=user, data=data, submit=submit)


def published(user, **extra):
    """A published organisation administered by `user`."""
    organization = OrganizationFactory(**extra)
    MembershipFactory(user=user, organization=organization)
    return organization


# Creating ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_creator_becomes_the_active_administrator_of_a_draft(ngo_member, mailoutbox):
    field, group, district = FieldOfActivityFactory(), TargetGroupFactory(), DistrictFactory()
    organization = services.organization_create(
        user=ngo_member,
        data={
            "name": "Stowarzyszenie Przyjaciół Bojar",
            "legal_form": "association",
            "krs": "0000359730",
            "district": district,
        },
        fields_of_activity=[field],
        target_groups=[group],
    )
    organization.refresh_from_db()
    assert organization.status == Organization.Status.DRAFT
    assert organization.submitted_at is None
    assert list(organization.fields_of_activity.all()) == [field]
    assert list(organization.target_groups.all()) == [group]
    membership = Membership.objects.get(organization=organization)
    assert (membership.user, membership.role, membership.status) == (
        ngo_member,
        Membership.Role.ADMIN,
        Membership.Status.ACTIVE,
    )
    assert "bojar" in organization.search_document
    assert mailoutbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Łódź", "lodz"),
        ("Fundacja Żółta Łąka", "fundacja-zolta-laka"),
        ("Stowarzyszenie „Ślad”", "stowarzyszenie-slad"),
        ("!!!", "organizacja"),
    ],
)
def test_the_slug_is_made_of_the_name_without_polish_diacritics(ngo_member, name, slug):
    organization = services.organization_create(
        user=ngo_member, data={"name": name, "legal_form": "initiative_group"}
    )
    assert organization.slug == slug


@pytest.mark.django_db
def test_organisations_with_the_same_name_get_different_slugs(ngo_member):
    slugs = [
        services.organization_create(
            user=ngo_member, data={"name": "Grupa Łąkowa", "legal_form": "initiative_group"}
        ).slug
        for _ in range(3)
    ]
    assert slugs == ["grupa-lakowa", "grupa-lakowa-2", "grupa-lakowa-3"]


@pytest.mark.django_db
def test_creating_and_submitting_waits_for_approval_and_tells_the_staff(
    ngo_member, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        organization = association(ngo_member, submit=True)
    assert organization.status == Organization.Status.PENDING
    assert organization.submitted_at is not None
    assert [m.to for m in mailoutbox] == [[staff.email]]
    assert "Stowarzyszenie Testowe" in mailoutbox[0].body + mailoutbox[0].subject
    assert OrganizationChange.objects.filter(
        organization=organization, user=ngo_member, action="created"
    ).exists()


@pytest.mark.django_db
def test_an_association_without_a_krs_number_is_refused_on_the_krs_field(ngo_member):
    with pytest.raises(ValidationError) as error:
        association(ngo_member, krs=None)
    assert "krs" in error.value.message_dict
    assert not Organization.objects.exists()
    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_a_duplicate_krs_is_refused_and_nothing_is_created(ngo_member, other_ngo_member):
    association(ngo_member)
    with pytest.raises(ValidationError) as error:
        services.organization_create(
            user=other_ngo_member,
            data={"name": "Inna nazwa", "legal_form": "foundation", "krs": "0000123456"},
        )
    assert "already in the directory" in " ".join(error.value.messages)
    assert Organization.objects.count() == 1
    assert not Membership.objects.filter(user=other_ngo_member).exists()


# Logos --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_text_file_named_like_a_png_is_refused_and_nothing_is_stored(ngo_member, settings):
    fake = SimpleUploadedFile("logo.png", b"just some text, not an image", "image/png")
    with pytest.raises(ValidationError) as error:
        services.organization_create(
            user=ngo_member,
            data={"name": "Fundacja", "legal_form": "foundation", "krs": "0000000042"},
            logo=fake,
        )
    assert list(error.value.message_dict) == ["logo"]
    assert "not a JPEG, PNG, GIF or WebP image" in error.value.message_dict["logo"][0]
    assert not Organization.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_a_real_png_logo_is_re_encoded_and_stored(ngo_member, settings):
    upload = png_upload(name="Logo Fundacji Łąka.png", size=(3000, 1500))
    organization = services.organization_create(
        user=ngo_member,
        data={"name": "Fundacja", "legal_form": "foundation", "krs": "0000000042"},
        logo=upload,
    )
    organization.refresh_from_db()
    assert organization.logo.name.startswith("organizations/logos/")
    assert organization.logo.name.endswith(".png")
    files = stored_files(settings)
    assert len(files) == 1
    with Image.open(files[0]) as stored:
        assert stored.format == "PNG"
        assert max(stored.size) == 1600  # re-encoded and scaled down, not copied


@pytest.mark.django_db
def test_a_failed_save_leaves_no_logo_file_behind(ngo_member, other_ngo_member, settings):
    association(ngo_member)
    with pytest.raises(ValidationError):
        services.organization_create(
            user=other_ngo_member,
            data={"name": "Kopia", "legal_form": "association", "krs": "0000123456"},
            logo=png_upload(),
        )
    assert stored_files(settings) == []


# Updating -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_updating_a_draft_applies_every_change_at_once(ngo_member):
    organization = association(ngo_member)
    field = FieldOfActivityFactory()
    services.organization_update(
        organization=organization,
        user=ngo_member,
        data={
            "name": "Fundacja Nowa Nazwa",
            "legal_form": "foundation",
            "krs": "0000654321",
            "description": "Pomagamy seniorom.",
        },
        fields_of_activity=[field],
    )
    organization.refresh_from_db()
    assert organization.name == "Fundacja Nowa Nazwa"
    assert organization.legal_form == "foundation"
    assert organization.krs == "0000654321"
    assert organization.description == "Pomagamy seniorom."
    assert organization.pending_identity == {}
    assert list(organization.fields_of_activity.all()) == [field]
    assert "seniorom" in organization.search_document


@pytest.mark.django_db
def test_updating_a_published_profile_keeps_its_identity_until_approval(
    ngo_member, staff, mailoutbox, django_capture_on_commit_callbacks
):
    organization = published(ngo_member, name="Stara Nazwa", krs="0000111111")
    with django_capture_on_commit_callbacks(execute=True):
        services.organization_update(
            organization=organization,
            user=ngo_member,
            data={
                "name": "Nowa Nazwa",
                "legal_form": "foundation",
                "krs": "0000222222",
                "phone": "85 123 45 67",
                "description": "Nowy opis.",
            },
        )
    organization.refresh_from_db()
    assert (organization.name, organization.legal_form, organization.krs) == (
        "Stara Nazwa",
        "association",
        "0000111111",
    )
    assert organization.pending_identity == {
        "name": "Nowa Nazwa",
        "legal_form": "foundation",
        "krs": "0000222222",
    }
    assert organization.phone == "85 123 45 67"
    assert organization.description == "Nowy opis."
    assert organization.status == Organization.Status.PUBLISHED
    assert [m.to for m in mailoutbox] == [[staff.email]]


@pytest.mark.django_db
def test_a_pending_identity_change_to_a_krs_already_taken_is_refused(ngo_member):
    OrganizationFactory(krs="0000999999")
    organization = published(ngo_member)
    with pytest.raises(ValidationError) as error:
        services.organization_update(
            organization=organization, user=ngo_member, data={"krs": "0000999999"}
        )
    assert "krs" in error.value.message_dict
    organization.refresh_from_db()
    assert organization.pending_identity == {}


@pytest.mark.django_db
def test_approving_applies_the_pending_identity(ngo_member, staff):
    organization = published(ngo_member, name="Stara Nazwa")
    services.organization_update(
        organization=organization, user=ngo_member, data={"name": "Nowa Nazwa"}
    )
    services.organization_approve(organization=organization, user=staff)
    organization.refresh_from_db()
    assert organization.name == "Nowa Nazwa"
    assert organization.pending_identity == {}
    assert organization.status == Organization.Status.PUBLISHED


@pytest.mark.django_db
def test_approving_a_pending_profile_publishes_it_and_tells_its_admins(
    ngo_member, staff, mailoutbox, django_capture_on_commit_callbacks
):
    organization = association(ngo_member, submit=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.organization_approve(organization=organization, user=staff)
    organization.refresh_from_db()
    assert organization.status == Organization.Status.PUBLISHED
    assert organization.published_at is not None
    assert [m.to for m in mailoutbox] == [[ngo_member.email]]


@pytest.mark.django_db
def test_rejecting_needs_a_reason_and_e_mails_it_to_the_admins(
    ngo_member, staff, mailoutbox, django_capture_on_commit_callbacks
):
    organization = association(ngo_member, submit=True)
    with pytest.raises(ValidationError) as error:
        services.organization_reject(organization=organization, user=staff, reason="  ")
    assert "reason" in error.value.message_dict
    organization.refresh_from_db()
    assert organization.status == Organization.Status.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        services.organization_reject(
            organization=organization, user=staff, reason="Brakuje opisu działalności."
        )
    organization.refresh_from_db()
    assert organization.status == Organization.Status.REJECTED
    assert organization.rejection_reason == "Brakuje opisu działalności."
    assert [m.to for m in mailoutbox] == [[ngo_member.email]]
    assert "Brakuje opisu działalności." in mailoutbox[0].body


@pytest.mark.django_db
def test_a_rejected_profile_can_be_sent_again_but_a_published_one_cannot(ngo_member, staff):
    organization = association(ngo_member, submit=True)
    services.organization_reject(organization=organization, user=staff, reason="Popraw opis.")
    services.organization_submit(organization=organization, user=ngo_member)
    organization.refresh_from_db()
    assert organization.status == Organization.Status.PENDING

    services.organization_approve(organization=organization, user=staff)
    with pytest.raises(ValidationError):
        services.organization_submit(organization=organization, user=ngo_member)


@pytest.mark.django_db
def test_history_records_who_did_what(ngo_member, staff):
    organization = association(ngo_member)
    services.organization_update(
        organization=organization, user=ngo_member, data={"phone": "85 000 00 00"}
    )
    services.organization_submit(organization=organization, user=ngo_member)
    services.organization_approve(organization=organization, user=staff)
    history = list(
        OrganizationChange.objects.filter(organization=organization)
        .order_by("created_at", "pk")
        .values_list("user__email", "action")
    )
    assert history == [
        (ngo_member.email, "created"),
        (ngo_member.email, "updated"),
        (ngo_member.email, "submitted"),
        (staff.email, "approved"),
    ]
    updated = OrganizationChange.objects.get(organization=organization, action="updated")
    assert updated.changes == {"phone": ["", "85 000 00 00"]}


@pytest.mark.django_db
def test_a_logo_can_be_removed_through_the_update_service(ngo_member, settings):
    organization = services.organization_create(
        user=ngo_member,
        data={"name": "Fundacja", "legal_form": "foundation", "krs": "0000000042"},
        logo=png_upload(),
    )
    services.organization_update(organization=organization, user=ngo_member, data={"logo": ""})
    organization.refresh_from_db()
    assert not organization.logo


# The database's own guards, when the services are bypassed ----------------------------


@pytest.mark.django_db
def test_the_database_refuses_an_association_without_krs():
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(
            name="Bez KRS", slug="bez-krs", legal_form="association", krs=None
        )
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_a_duplicate_krs():
    Organization.objects.create(
        name="Pierwsza", slug="pierwsza", legal_form="foundation", krs="0000000001"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(
            name="Druga", slug="druga", legal_form="foundation", krs="0000000001"
        )
    assert Organization.objects.count() == 1


@pytest.mark.django_db
def test_the_database_allows_many_organisations_without_krs():
    for n in range(2):
        Organization.objects.create(name=f"Grupa {n}", slug=f"grupa-{n}", legal_form="other")
    assert Organization.objects.filter(krs__isnull=True).count() == 2


@pytest.mark.django_db
def test_the_database_refuses_a_rejection_without_a_reason():
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(
            name="Odrzucona", slug="odrzucona", legal_form="other", status="rejected"
        )
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_the_database_refuses_a_krs_that_is_not_ten_digits():
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name="Zły", slug="zly", legal_form="other", krs="359730")


@pytest.mark.django_db
def test_the_database_refuses_a_second_membership_of_one_person(ngo_member):
    membership = MembershipFactory(user=ngo_member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=ngo_member, organization=membership.organization)


# Memberships ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_asking_to_join_twice_is_refused_and_the_admins_are_told_once(
    ngo_member, other_ngo_member, mailoutbox, django_capture_on_commit_callbacks
):
    organization = published(ngo_member)
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.membership_request(
            organization=organization, user=other_ngo_member, message="Jestem skarbnikiem."
        )
    assert membership.status == Membership.Status.PENDING
    assert membership.message == "Jestem skarbnikiem."
    assert [m.to for m in mailoutbox] == [[ngo_member.email]]
    assert "Jestem skarbnikiem." in mailoutbox[0].body

    with pytest.raises(ValidationError):
        services.membership_request(organization=organization, user=other_ngo_member)
    assert Membership.objects.filter(user=other_ngo_member).count() == 1


@pytest.mark.django_db
def test_an_admin_approves_a_request_and_the_person_is_told(
    ngo_member, other_ngo_member, mailoutbox, django_capture_on_commit_callbacks
):
    organization = published(ngo_member)
    request = services.membership_request(organization=organization, user=other_ngo_member)
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_approve(membership=request, by=ngo_member)
    request.refresh_from_db()
    assert request.status == Membership.Status.ACTIVE
    assert request.role == Membership.Role.EDITOR
    assert [m.to for m in mailoutbox] == [[other_ngo_member.email]]


@pytest.mark.django_db
def test_only_an_admin_of_that_organisation_may_approve(ngo_member, other_ngo_member):
    organization = published(ngo_member)
    editor = MembershipFactory(organization=organization, role=Membership.Role.EDITOR).user
    published(other_ngo_member)  # an admin, but of another organisation
    request = services.membership_request(organization=organization, user=UserFactory())
    for outsider in (editor, other_ngo_member):
        with pytest.raises(PermissionDenied):
            services.membership_approve(membership=request, by=outsider)
    request.refresh_from_db()
    assert request.status == Membership.Status.PENDING


@pytest.mark.django_db
def test_the_last_admin_cannot_be_removed_or_made_an_editor(ngo_member):
    organization = published(ngo_member)
    mine = Membership.objects.get(user=ngo_member, organization=organization)
    with pytest.raises(ValidationError):
        services.membership_set_role(membership=mine, role=Membership.Role.EDITOR, by=ngo_member)
    with pytest.raises(ValidationError):
        services.membership_remove(membership=mine, by=ngo_member)
    mine.refresh_from_db()
    assert mine.role == Membership.Role.ADMIN


@pytest.mark.django_db
def test_with_a_second_admin_the_first_may_step_down(ngo_member):
    organization = published(ngo_member)
    second = MembershipFactory(organization=organization, role=Membership.Role.EDITOR)
    services.membership_set_role(membership=second, role=Membership.Role.ADMIN, by=ngo_member)
    mine = Membership.objects.get(user=ngo_member, organization=organization)
    services.membership_set_role(membership=mine, role=Membership.Role.EDITOR, by=ngo_member)
    mine.refresh_from_db()
    assert mine.role == Membership.Role.EDITOR


@pytest.mark.django_db
def test_a_member_can_leave_without_being_an_admin(ngo_member, other_ngo_member):
    organization = published(ngo_member)
    membership = MembershipFactory(
        user=other_ngo_member, organization=organization, role=Membership.Role.EDITOR
    )
    services.membership_remove(membership=membership, by=other_ngo_member)
    assert not Membership.objects.filter(user=other_ngo_member).exists()
    assert OrganizationChange.objects.filter(
        organization=organization, action="membership_removed", user=other_ngo_member
    ).exists()


@pytest.mark.django_db
def test_an_editor_cannot_remove_another_member(ngo_member, other_ngo_member):
    organization = published(ngo_member)
    editor = MembershipFactory(organization=organization, role=Membership.Role.EDITOR)
    other = MembershipFactory(organization=organization, role=Membership.Role.EDITOR)
    with pytest.raises(PermissionDenied):
        services.membership_remove(membership=other, by=editor.user)
    assert Membership.objects.filter(pk=other.pk).exists()
