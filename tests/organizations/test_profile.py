"""An organisation's public profile: what residents see, and who sees unpublished ones."""

import datetime
import re

import pytest
from django.utils import translation

from organizations.models import Membership, Organization
from tests.organizations.factories import (
    DistrictFactory,
    FieldOfActivityFactory,
    MembershipFactory,
    OrganizationFactory,
    TargetGroupFactory,
    many_organizations,
)

pytestmark = pytest.mark.django_db

NOT_PUBLISHED = [
    Organization.Status.DRAFT,
    Organization.Status.PENDING,
    Organization.Status.REJECTED,
    Organization.Status.ARCHIVED,
]


def profile_url(organization, language=""):
    return f"{'/' + language if language else ''}/organizacje/{organization.slug}/"


def get_html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def organization(db):
    organization = OrganizationFactory(
        name="Fundacja Pomocy Seniorom „Złota Jesień”",
        short_name="Złota Jesień",
        legal_form=Organization.LegalForm.FOUNDATION,
        krs="0000359730",
        nip="8567346215",
        regon="192598184",
        is_opp=True,
        district=DistrictFactory(name="Bojary"),
        fields_of_activity=[
            FieldOfActivityFactory(name_pl="Pomoc społeczna", name_en="Social assistance")
        ],
        target_groups=[TargetGroupFactory(name_pl="Seniorzy", name_en="Older people")],
        street_address="ul. Warszawska 10 lok. 2",
        postal_code="15-062",
        phone="+48 85 123 45 67",
        public_email="biuro@zlota-jesien.example.org",
        show_email=False,
        website="https://zlota-jesien.example.org/",
        facebook_url="https://www.facebook.com/zlotajesien",
        description="## Co robimy\n\nProwadzimy **klub seniora** i dyżury telefoniczne.",
        year_founded=2004,
        is_looking_for_volunteers=True,
        volunteering_description="Odwiedziny u osób samotnych, dwie godziny w tygodniu.",
        data_confirmed_on=datetime.date(2026, 5, 5),
    )
    MembershipFactory(organization=organization)  # somebody answers its messages
    return organization


def test_the_profile_shows_the_organisations_public_details(client, organization):
    text = get_html(client, profile_url(organization, "en"))
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", text) == ["Fundacja Pomocy Seniorom „Złota Jesień”"]
    for detail in [
        "Złota Jesień",
        "Foundation",
        "0000359730",
        "8567346215",
        "192598184",
        "Public benefit organisation (OPP)",
        "Social assistance",
        "Older people",
        "Bojary",
        "ul. Warszawska 10 lok. 2",
        "15-062 Białystok",
        "+48 85 123 45 67",
        "2004",
        "Looking for volunteers",
        "Odwiedziny u osób samotnych, dwie godziny w tygodniu.",
        '<time datetime="2026-05-05">5 May 2026</time>',
    ]:
        assert detail in text, detail
    assert '<a href="https://zlota-jesien.example.org/" rel="noopener"' in text
    assert '<a href="https://www.facebook.com/zlotajesien" rel="noopener"' in text


def test_the_description_is_rendered_from_markdown_below_the_only_h1(client, organization):
    text = get_html(client, profile_url(organization))
    assert "<strong>klub seniora</strong>" in text
    assert "<h2>Co robimy</h2>" in text
    assert text.count("<h1") == 1


def test_script_in_the_description_is_not_run(client, organization):
    organization.description = "# Tytuł\n\n<script>alert(1)</script> <img src=x onerror=alert(2)>"
    organization.save()
    text = get_html(client, profile_url(organization))
    assert "<script>alert(1)" not in text
    assert "onerror" not in text
    assert text.count("<h1") == 1


def test_dates_are_in_polish_on_the_polish_profile(client, organization):
    text = get_html(client, profile_url(organization))
    assert '<time datetime="2026-05-05">5 maja 2026</time>' in text
    assert '<html lang="pl">' in text


def test_the_email_address_is_hidden_unless_the_organisation_chose_to_show_it(client, organization):
    assert "biuro@zlota-jesien.example.org" not in get_html(client, profile_url(organization))
    organization.show_email = True
    organization.save()
    text = get_html(client, profile_url(organization))
    assert (
        '<a href="mailto:biuro@zlota-jesien.example.org" class="text-break">'
        "biuro@zlota-jesien.example.org</a>" in text
    )


def test_the_logo_is_shown_without_repeating_the_name_next_to_it(client, organization):
    organization.logo = "organizations/logos/2026/logo.png"
    organization.save()
    text = get_html(client, profile_url(organization))
    assert '<img src="/media/organizations/logos/2026/logo.png" alt="" class="img-fluid">' in text
    assert "<h1" in text.split("logo.png")[1]


def test_a_profile_without_contact_details_says_so_and_points_to_the_form(client):
    organization = OrganizationFactory(district=None, public_email="x@example.org")
    MembershipFactory(organization=organization)
    text = get_html(client, profile_url(organization, "en"))
    assert "The organisation has not published contact details." in text
    assert "You can write to it with the form on this page." in text
    details = text.split('id="details-heading"')[1].split("</section>")[0]
    assert "<dt>" not in details


def test_breadcrumbs_lead_home_and_to_the_directory(client, organization):
    text = get_html(client, profile_url(organization, "en"))
    crumbs = text.split('<ol class="breadcrumb">')[1].split("</ol>")[0]
    assert 'href="/en/">Home</a>' in crumbs
    assert 'href="/en/organizacje/">Organisations</a>' in crumbs
    assert 'aria-current="page">Fundacja Pomocy Seniorom „Złota Jesień”</li>' in crumbs


def test_the_profile_offers_the_contact_form_with_its_rodo_clause(client, organization):
    text = get_html(client, profile_url(organization, "en"))
    assert f'action="/en/organizacje/{organization.slug}/kontakt/"' in text
    assert 'name="consent"' in text
    assert "becomes the controller" in text


def test_an_unknown_profile_is_not_found(client):
    assert client.get("/organizacje/nie-ma-takiej/").status_code == 404


# --- Who sees unpublished profiles -------------------------------------------------


@pytest.mark.parametrize("status", NOT_PUBLISHED)
@pytest.mark.parametrize("persona", ["anonymous", "other_ngo_member"])
def test_an_unpublished_profile_is_not_found_for_outsiders(
    client, request, ngo_member, status, persona
):
    organization = OrganizationFactory(status=status, rejection_reason="Brak statutu")
    MembershipFactory(user=ngo_member, organization=organization)
    if persona != "anonymous":
        other = request.getfixturevalue(persona)
        MembershipFactory(user=other, organization=OrganizationFactory())
        client.force_login(other)
    assert client.get(profile_url(organization)).status_code == 404
    assert client.get(profile_url(organization, "en")).status_code == 404


@pytest.mark.parametrize("status", NOT_PUBLISHED)
@pytest.mark.parametrize("persona", ["ngo_member", "staff"])
def test_its_members_and_staff_see_an_unpublished_profile_with_its_status(
    client, request, ngo_member, status, persona
):
    organization = OrganizationFactory(
        name="Fundacja W Przygotowaniu", status=status, rejection_reason="Brak statutu"
    )
    MembershipFactory(user=ngo_member, organization=organization)
    client.force_login(request.getfixturevalue(persona))
    text = get_html(client, profile_url(organization, "en"))
    assert "Fundacja W Przygotowaniu" in text
    assert "This profile is not public" in text
    with translation.override("en"):
        assert f"(status: {organization.get_status_display()})" in text
    assert ("Reason for rejection: Brak statutu" in text) == (status == "rejected")
    # No contact form before publication.
    assert 'name="consent"' not in text
    assert "The contact form will be available when the profile is published." in text


def test_a_member_who_only_asked_to_join_does_not_see_a_draft(client, ngo_member):
    organization = OrganizationFactory(status=Organization.Status.DRAFT)
    MembershipFactory(user=ngo_member, organization=organization, status=Membership.Status.PENDING)
    client.force_login(ngo_member)
    assert client.get(profile_url(organization)).status_code == 404


def test_a_published_profile_shows_no_status_notice(client, organization, staff):
    client.force_login(staff)
    assert "This profile is not public" not in get_html(client, profile_url(organization, "en"))


# --- Joining ------------------------------------------------------------------------


def test_a_signed_in_non_member_can_ask_to_join(client, organization, other_ngo_member):
    client.force_login(other_ngo_member)
    text = get_html(client, profile_url(organization, "en"))
    join_form = text.split(f'action="/en/organizacje/{organization.slug}/dolacz/"')
    assert len(join_form) == 2
    assert 'method="post"' in join_form[0].rsplit("<form", 1)[1]
    assert "csrfmiddlewaretoken" in join_form[1].split("</form>")[0]
    assert "Join this organisation</button>" in join_form[1]


def test_members_and_anonymous_visitors_get_no_join_button(client, organization, ngo_member):
    anonymous = get_html(client, profile_url(organization, "en"))
    assert "Join this organisation" not in anonymous
    assert "Log in to join its profile" in anonymous

    MembershipFactory(user=ngo_member, organization=organization)
    client.force_login(ngo_member)
    member = get_html(client, profile_url(organization, "en"))
    assert "Join this organisation" not in member
    assert f'href="/en/konto/organizacje/{organization.slug}/edytuj/"' in member


def test_a_person_who_asked_to_join_is_told_to_wait(client, organization, ngo_member):
    MembershipFactory(user=ngo_member, organization=organization, status=Membership.Status.PENDING)
    client.force_login(ngo_member)
    text = get_html(client, profile_url(organization, "en"))
    assert "Join this organisation" not in text
    assert "You have asked to join this organisation." in text
    assert "/edytuj/" not in text


# --- The page as a whole ------------------------------------------------------------


@pytest.mark.parametrize("language", ["", "en"])
def test_the_profile_has_one_h1_in_both_languages(client, organization, language):
    text = get_html(client, profile_url(organization, language))
    assert text.count("<h1") == 1
    assert f'<html lang="{language or "pl"}">' in text


@pytest.mark.parametrize("persona", ["anonymous", "ngo_member", "staff"])
def test_the_profile_runs_a_constant_number_of_queries(
    client, request, django_assert_max_num_queries, persona
):
    organizations = many_organizations(60)
    organization = organizations[7]
    if persona != "anonymous":
        user = request.getfixturevalue(persona)
        MembershipFactory(user=user, organization=organization)
        client.force_login(user)
    client.get(profile_url(organization))  # the first request creates the site settings row
    with django_assert_max_num_queries(10):
        text = get_html(client, profile_url(organization))
    assert organization.name in text
    for term in organization.fields_of_activity.all():
        assert term.name_pl in text
