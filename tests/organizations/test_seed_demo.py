"""`seed_demo --orgs N`: a directory full of realistic, clearly-demo organisations."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from stdnum.pl import nip, regon

from organizations.models import FieldOfActivity, Membership, Organization

pytestmark = pytest.mark.django_db

DEMO_MEMBERS = ["czlonek@example.com", "czlonek2@example.com"]


def seed(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded():
    seed("--orgs", "50")
    return Organization.objects.all()


def test_seed_demo_creates_the_asked_number_of_clearly_demo_organisations(seeded):
    assert seeded.count() == 50
    assert seeded.filter(is_demo=False).count() == 0
    for organization in seeded:
        assert organization.name.endswith(" (demo)")
        assert organization.street_address.startswith("ul. Przykładowa ")
        assert organization.street_address.endswith("(demo)")
        assert organization.postal_code.startswith("15-")
    slugs = list(seeded.values_list("slug", flat=True))
    assert len(set(slugs)) == 50


def test_demo_organisations_have_fields_target_groups_a_district_and_a_description(seeded):
    for organization in seeded.prefetch_related("fields_of_activity", "target_groups"):
        fields = list(organization.fields_of_activity.all())
        groups = list(organization.target_groups.all())
        assert 1 <= len(fields) <= 4
        assert 1 <= len(groups) <= 3
        assert organization.district is not None
        # The description names the fields and the groups, in Polish.
        description = organization.description.lower()
        assert all(field.name_pl.lower() in description for field in fields)
        assert all(group.name_pl.lower() in description for group in groups)
        assert organization.data_confirmed_on is not None
        assert organization.updated_at >= organization.created_at
        if organization.is_looking_for_volunteers:
            assert organization.volunteering_description


def test_demo_organisations_are_mostly_published_and_mostly_associations(seeded):
    published = seeded.filter(status=Organization.Status.PUBLISHED).count()
    assert published >= 40
    assert set(seeded.values_list("status", flat=True)) <= {"published", "pending", "draft"}
    associations = seeded.filter(legal_form=Organization.LegalForm.ASSOCIATION).count()
    for form in Organization.LegalForm.values:
        assert seeded.filter(legal_form=form).count() <= associations
    assert len(set(seeded.values_list("created_at__date", flat=True))) > 10


def test_demo_identifiers_are_valid_and_kept_apart_from_real_krs_numbers(seeded):
    registered = [Organization.LegalForm.ASSOCIATION, Organization.LegalForm.FOUNDATION]
    with_tax_ids = 0
    for organization in seeded:
        if organization.legal_form in registered:
            assert len(organization.krs) == 10 and organization.krs.isdigit()
            assert organization.krs.startswith("99")
        else:
            assert organization.krs is None
            assert not organization.is_opp
        if organization.nip:
            assert nip.is_valid(organization.nip)
            with_tax_ids += 1
        if organization.regon:
            assert regon.is_valid(organization.regon)
        # Everything passes the model's own validation, as if typed in a form.
        organization.full_clean()
    assert 10 <= with_tax_ids <= 40
    assert (
        seeded.exclude(krs=None).values("krs").distinct().count()
        == seeded.exclude(krs=None).count()
    )


def test_search_finds_demo_organisations_by_a_word_of_their_field(seeded):
    sport = FieldOfActivity.objects.get(slug="kultura-fizyczna-i-sport")
    with_sport = set(Organization.objects.published().filter(fields_of_activity=sport))
    assert with_sport
    assert set(Organization.objects.published().search("sport")) == with_sport


def test_search_finds_demo_organisations_by_a_target_group_typed_without_diacritics(seeded):
    seniors = set(Organization.objects.published().filter(target_groups__slug="seniorzy"))
    assert seniors
    assert seniors <= set(Organization.objects.published().search("seniorow"))


def test_demo_search_text_is_what_the_model_would_compute(seeded):
    for organization in seeded.select_related("district"):
        stored = organization.search_document
        organization.rebuild_search_document()
        assert organization.search_document == stored


def test_the_directory_shows_demo_organisations_found_by_field(client, seeded):
    sport_club = (
        Organization.objects.published()
        .filter(fields_of_activity__slug="kultura-fizyczna-i-sport")
        .first()
    )
    response = client.get("/organizacje/", {"q": "sport"})
    assert response.status_code == 200
    assert sport_club.name in response.content.decode()


def test_running_seed_demo_again_creates_no_duplicates(seeded):
    memberships = Membership.objects.count()
    output = seed("--orgs", "50")
    assert Organization.objects.count() == 50
    assert "none created" in output
    assert Membership.objects.count() == memberships


def test_every_demo_organisation_residents_can_see_can_be_written_to(seeded, client):
    """Each has an active administrator (a demo representative, or a demo member),
    so the contact form is offered and a message reaches someone."""
    listed = Organization.objects.published().filter(is_demo=True)
    assert listed and all(organization.can_be_contacted() for organization in listed)
    representatives = Membership.objects.filter(
        organization__in=listed, user__email__endswith="@demo.example.org"
    )
    assert {m.user.is_demo and not m.user.has_usable_password() for m in representatives} == {True}
    page = client.get(f"/organizacje/{listed.last().slug}/kontakt/")
    assert 'name="message"' in page.content.decode()


def test_asking_for_more_organisations_adds_only_the_missing_ones(seeded):
    before = set(seeded.values_list("pk", flat=True))
    output = seed("--orgs", "60")
    assert "creating 10" in output
    assert Organization.objects.count() == 60
    assert Organization.objects.filter(is_demo=True).exclude(pk__in=before).count() == 10
    assert Organization.objects.values("slug").distinct().count() == 60
    # Asking for fewer removes nothing.
    seed("--orgs", "5")
    assert Organization.objects.count() == 60


def test_dry_run_leaves_the_database_unchanged():
    output = seed("--orgs", "20", "--dry-run")
    assert "creating 20" in output
    assert Organization.objects.count() == 0
    assert Membership.objects.count() == 0

    seed("--orgs", "20")
    seed("--orgs", "30", "--dry-run")
    assert Organization.objects.count() == 20


def test_seed_demo_by_default_gives_a_small_directory():
    seed()
    assert Organization.objects.filter(is_demo=True).count() == 40


def test_demo_members_administer_one_demo_organisation_each(seeded):
    users = [get_user_model().objects.get(email=email) for email in DEMO_MEMBERS]
    first_two = list(Organization.objects.filter(is_demo=True).order_by("pk")[:2])
    for user, organization in zip(users, first_two, strict=True):
        assert list(Organization.objects.managed_by(user)) == [organization]
        membership = Membership.objects.get(user=user)
        assert membership.role == Membership.Role.ADMIN
        assert membership.status == Membership.Status.ACTIVE
        assert organization.is_published


def test_a_demo_members_pending_request_becomes_an_active_admin_membership(seeded):
    user = get_user_model().objects.get(email=DEMO_MEMBERS[0])
    Membership.objects.filter(user=user).update(
        role=Membership.Role.EDITOR, status=Membership.Status.PENDING
    )
    output = seed("--orgs", "50")
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.status) == ("admin", "active")
    assert f"{user.email} is now an administrator" in output


def test_a_negative_number_of_organisations_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--orgs"):
        seed("--orgs", "-1")
