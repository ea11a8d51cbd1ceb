"""The public directory: residents search, filter, sort and page through organisations."""

import datetime
import html
import re

import pytest
from django.utils import timezone

from organizations.models import Organization
from tests.organizations.factories import (
    DistrictFactory,
    FieldOfActivityFactory,
    OrganizationFactory,
    TargetGroupFactory,
    many_organizations,
)

LIST = "/organizacje/"
EN_LIST = "/en/organizacje/"

pytestmark = pytest.mark.django_db

_CARD_TITLE = re.compile(r'<h3 class="h5 card-title[^"]*"><a href="([^"]+)">([^<]*)</a></h3>')


def listed(response):
    """Names of the organisations on the page, in the order shown."""
    assert response.status_code == 200
    return [html.unescape(name) for _url, name in _CARD_TITLE.findall(response.content.decode())]


def page_html(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


# --- What is listed -----------------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [
        Organization.Status.DRAFT,
        Organization.Status.PENDING,
        Organization.Status.REJECTED,
        Organization.Status.ARCHIVED,
    ],
)
def test_only_published_organisations_are_listed(client, status):
    OrganizationFactory(name="Fundacja Widoczna")
    OrganizationFactory(name="Fundacja Ukryta", status=status, rejection_reason="Brak danych")
    assert listed(client.get(LIST)) == ["Fundacja Widoczna"]
    assert listed(client.get(LIST, {"q": "ukryta"})) == []


def test_each_result_shows_name_link_short_name_legal_form_district_fields_and_badges(client):
    district = DistrictFactory(name="Antoniuk")
    field = FieldOfActivityFactory(name_pl="Pomoc społeczna", name_en="Social assistance")
    group = TargetGroupFactory(name_pl="Seniorzy", name_en="Seniors")
    organization = OrganizationFactory(
        name="Stowarzyszenie Pomocy Sąsiedzkiej",
        short_name="SPS",
        legal_form=Organization.LegalForm.FOUNDATION,
        district=district,
        fields_of_activity=[field],
        target_groups=[group],
        is_opp=True,
        is_looking_for_volunteers=True,
    )
    text = page_html(client, EN_LIST)
    link = f'<a href="/en/organizacje/{organization.slug}/">Stowarzyszenie Pomocy Sąsiedzkiej</a>'
    assert link in text
    assert "SPS" in text
    assert "Foundation" in text
    assert "District: Antoniuk" in text
    assert "Social assistance" in text
    assert "Seniors" in text
    assert "Public benefit organisation (OPP)" in text
    assert "Looking for volunteers" in text


def test_an_organisation_without_opp_or_volunteering_gets_no_such_badges(client):
    OrganizationFactory(name="Klub Szachowy", is_opp=False, is_looking_for_volunteers=False)
    text = page_html(client, EN_LIST)
    assert "Klub Szachowy" in text
    assert "Public benefit organisation (OPP)" not in text
    assert "Looking for volunteers" not in text


# --- Search -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("lodz", "Fundacja Łódź Kaliska"),
        ("ŁÓDŹ", "Fundacja Łódź Kaliska"),
        ("Lodz", "Fundacja Łódź Kaliska"),
        ("senior", "Klub Aktywnych"),
        ("seniorzy", "Klub Aktywnych"),
        ("edukacja", "Centrum Edukacji Obywatelskiej"),
        ("EDUKACJI", "Centrum Edukacji Obywatelskiej"),
    ],
)
def test_search_ignores_case_diacritics_and_polish_word_endings(client, query, found):
    OrganizationFactory(name="Fundacja Łódź Kaliska")
    OrganizationFactory(name="Klub Aktywnych", description="Zajęcia ruchowe dla seniorów z Bojar.")
    OrganizationFactory(name="Centrum Edukacji Obywatelskiej")
    OrganizationFactory(name="Białostocki Klub Sportowy")
    assert listed(client.get(LIST, {"q": query})) == [found]


def test_search_finds_organisations_by_their_field_of_activity_and_target_group(client):
    ecology = FieldOfActivityFactory(name_pl="Ekologia i ochrona zwierząt", name_en="Ecology")
    migrants = TargetGroupFactory(name_pl="Migranci", name_en="Migrants")
    OrganizationFactory(name="Zielony Białystok", fields_of_activity=[ecology])
    OrganizationFactory(name="Dom Otwarty", target_groups=[migrants])
    OrganizationFactory(name="Inna Fundacja")
    assert listed(client.get(LIST, {"q": "ekologii"})) == ["Zielony Białystok"]
    assert listed(client.get(LIST, {"q": "migrantów"})) == ["Dom Otwarty"]


def test_every_word_of_the_search_must_match(client):
    OrganizationFactory(name="Fundacja Sportu Młodzieżowego")
    OrganizationFactory(name="Fundacja Kultury")
    assert listed(client.get(LIST, {"q": "fundacja sport"})) == ["Fundacja Sportu Młodzieżowego"]


def test_a_search_that_finds_nothing_says_so_and_offers_the_whole_directory(client):
    OrganizationFactory(name="Fundacja Kultury")
    text = page_html(client, EN_LIST, q="xylofon")
    assert "Found 0 organisations" in text
    assert "No organisation matches your search and filters." in text
    assert 'href="/en/organizacje/">See all organisations</a>' in text


def test_an_empty_directory_says_nothing_is_published_yet(client):
    text = page_html(client, EN_LIST)
    assert "No organisation has been published in the directory yet." in text


def test_the_search_box_keeps_what_was_typed(client):
    text = page_html(client, EN_LIST, q="pomoc <b>seniorom</b>")
    assert 'value="pomoc &lt;b&gt;seniorom&lt;/b&gt;"' in text
    assert "<b>seniorom</b>" not in text


# --- Filters ------------------------------------------------------------------------


@pytest.fixture
def directory(db):
    """Four organisations that differ in every filterable detail."""
    sport = FieldOfActivityFactory(slug="kultura-fizyczna", name_pl="Kultura fizyczna i sport")
    culture = FieldOfActivityFactory(slug="kultura", name_pl="Kultura i sztuka")
    seniors = TargetGroupFactory(slug="seniorzy", name_pl="Seniorzy")
    youth = TargetGroupFactory(slug="mlodziez", name_pl="Młodzież")
    bojary = DistrictFactory(slug="bojary", name="Bojary")
    centrum = DistrictFactory(slug="centrum", name="Centrum")
    OrganizationFactory(
        name="A Klub Sportowy Bojary",
        fields_of_activity=[sport],
        target_groups=[youth],
        district=bojary,
        is_opp=True,
        is_looking_for_volunteers=True,
    )
    OrganizationFactory(
        name="B Fundacja Sztuki",
        legal_form=Organization.LegalForm.FOUNDATION,
        fields_of_activity=[culture],
        target_groups=[seniors, youth],
        district=centrum,
        is_opp=True,
    )
    OrganizationFactory(
        name="C Grupa Sąsiedzka",
        legal_form=Organization.LegalForm.INITIATIVE_GROUP,
        krs=None,
        fields_of_activity=[culture, sport],
        target_groups=[seniors],
        district=bojary,
        is_looking_for_volunteers=True,
    )
    OrganizationFactory(name="D Stowarzyszenie Bez Szczegółów")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"field": "kultura"}, ["B Fundacja Sztuki", "C Grupa Sąsiedzka"]),
        ({"field": "kultura-fizyczna"}, ["A Klub Sportowy Bojary", "C Grupa Sąsiedzka"]),
        ({"group": "seniorzy"}, ["B Fundacja Sztuki", "C Grupa Sąsiedzka"]),
        ({"group": "mlodziez"}, ["A Klub Sportowy Bojary", "B Fundacja Sztuki"]),
        ({"form": "foundation"}, ["B Fundacja Sztuki"]),
        ({"form": "initiative_group"}, ["C Grupa Sąsiedzka"]),
        ({"district": "bojary"}, ["A Klub Sportowy Bojary", "C Grupa Sąsiedzka"]),
        ({"district": "centrum"}, ["B Fundacja Sztuki"]),
        ({"opp": "on"}, ["A Klub Sportowy Bojary", "B Fundacja Sztuki"]),
        ({"volunteers": "on"}, ["A Klub Sportowy Bojary", "C Grupa Sąsiedzka"]),
    ],
)
def test_each_filter_narrows_the_list(client, directory, params, expected):
    assert listed(client.get(LIST, params)) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"district": "bojary", "group": "seniorzy"}, ["C Grupa Sąsiedzka"]),
        ({"district": "bojary", "opp": "on"}, ["A Klub Sportowy Bojary"]),
        ({"field": "kultura", "group": "mlodziez", "opp": "on"}, ["B Fundacja Sztuki"]),
        ({"field": "kultura", "volunteers": "on", "q": "sąsiedzka"}, ["C Grupa Sąsiedzka"]),
        ({"form": "foundation", "district": "bojary"}, []),
    ],
)
def test_filters_combine(client, directory, params, expected):
    assert listed(client.get(LIST, params)) == expected


def test_an_organisation_matching_in_several_places_is_listed_once(client, directory):
    # "C" has "sztuka" in a field of activity and is filtered through two joins.
    params = {"q": "sztuka", "group": "seniorzy", "field": "kultura"}
    assert listed(client.get(LIST, params)) == ["B Fundacja Sztuki", "C Grupa Sąsiedzka"]


def test_the_form_shows_the_chosen_filters_so_the_url_can_be_shared(client, directory):
    text = page_html(client, EN_LIST, district="bojary", opp="on", sort="updated", q="klub")
    assert '<option value="bojary" selected>Bojary</option>' in text
    assert 'name="opp" class="form-check-input" id="id_opp" checked' in text
    assert '<option value="updated" selected>' in text
    assert 'value="klub"' in text


def test_filter_choices_come_from_the_vocabularies(client, directory):
    text = page_html(client, LIST)
    assert '<option value="kultura">Kultura i sztuka</option>' in text
    assert '<option value="seniorzy">Seniorzy</option>' in text
    assert '<option value="centrum">Centrum</option>' in text
    assert '<option value="foundation">' in text
    english = page_html(client, EN_LIST)
    assert '<option value="seniorzy">Older people</option>' in english
    assert '<option value="foundation">Foundation</option>' in english


@pytest.mark.parametrize(
    "params",
    [
        {"field": "no-such-field"},
        {"group": "<script>"},
        {"form": "corporation"},
        {"district": "warszawa"},
        {"opp": "maybe", "sort": "random"},
        {"q": "sztuki\x00"},
        {"page": "abc", "field": ["kultura", "nope"]},
    ],
)
def test_unknown_filter_values_are_ignored_not_an_error(client, directory, params):
    response = client.get(EN_LIST, params)
    assert response.status_code == 200
    text = response.content.decode()
    assert "<title>Error:" not in text
    assert "error-summary" not in text
    assert "aria-invalid" not in text
    assert len(listed(response)) >= 1


def test_a_very_long_search_is_shortened_not_refused(client, directory):
    response = client.get(LIST, {"q": "klub " + "x" * 5000})
    assert response.status_code == 200
    assert listed(response) == []
    assert 'maxlength="200"' in response.content.decode()


def test_an_unknown_value_is_ignored_but_the_valid_filters_still_apply(client, directory):
    response = client.get(LIST, {"district": "warszawa", "form": "foundation"})
    assert listed(response) == ["B Fundacja Sztuki"]


def test_clear_filters_links_to_the_unfiltered_list(client, directory):
    text = page_html(client, EN_LIST, district="bojary")
    assert '<a href="/en/organizacje/">Clear filters</a>' in text


# --- Sort ---------------------------------------------------------------------------


def test_sort_by_name_is_the_default_and_by_update_puts_the_freshest_first(client):
    now = timezone.now()
    for name, days_ago in [("Beta", 1), ("Alfa", 10), ("Gamma", 5)]:
        organization = OrganizationFactory(name=name)
        Organization.objects.filter(pk=organization.pk).update(
            updated_at=now - datetime.timedelta(days=days_ago)
        )
    assert listed(client.get(LIST)) == ["Alfa", "Beta", "Gamma"]
    assert listed(client.get(LIST, {"sort": "name"})) == ["Alfa", "Beta", "Gamma"]
    assert listed(client.get(LIST, {"sort": "updated"})) == ["Beta", "Gamma", "Alfa"]


# --- Count and pagination -----------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "sentence"),
    [(1, "Found 1 organisation<"), (2, "Found 2 organisations<"), (5, "Found 5 organisations<")],
)
def test_the_result_count_uses_the_right_plural_form(client, count, sentence):
    for _ in range(count):
        OrganizationFactory()
    assert sentence in page_html(client, EN_LIST)


def test_the_polish_page_shows_the_result_count(client):
    for _ in range(3):
        OrganizationFactory()
    text = page_html(client, LIST)
    heading = re.search(r'<h2 id="directory-results-heading"[^>]*>([^<]*)</h2>', text)
    assert heading and " 3 " in f" {heading.group(1)} "


def test_twenty_organisations_per_page_with_links_that_keep_the_filters(client):
    district = DistrictFactory(slug="piaski", name="Piaski")
    for n in range(45):
        OrganizationFactory(name=f"Organizacja {n:02d}", district=district)
    OrganizationFactory(name="Organizacja spoza Piasków")

    first = client.get(EN_LIST, {"district": "piaski"})
    assert listed(first) == [f"Organizacja {n:02d}" for n in range(20)]
    text = first.content.decode()
    assert "Found 45 organisations" in text
    assert "Page 1 of 3" in text
    assert '<nav aria-label="Pages of results">' in text
    assert 'aria-current="page">1</span>' in text
    assert 'href="?district=piaski&amp;page=2" rel="next"' in text

    third = client.get(EN_LIST, {"district": "piaski", "page": "3"})
    assert listed(third) == [f"Organizacja {n:02d}" for n in range(40, 45)]
    third_text = third.content.decode()
    assert 'aria-current="page">3</span>' in third_text
    assert 'href="?district=piaski&amp;page=2" rel="prev"' in third_text
    # The first page's link has no page number: one address per page.
    assert 'href="?district=piaski" aria-label="Page 1"' in third_text


def test_a_single_page_of_results_has_no_pagination(client):
    OrganizationFactory()
    assert "Pages of results" not in page_html(client, EN_LIST)


@pytest.mark.parametrize(
    ("page", "expected_first"),
    [
        ("abc", "Organizacja 00"),
        ("", "Organizacja 00"),
        ("1.5", "Organizacja 00"),
        ("999", "Organizacja 20"),
        ("0", "Organizacja 20"),
        ("-3", "Organizacja 20"),
        ("99999999999999999999999", "Organizacja 20"),
    ],
)
def test_an_invalid_page_number_shows_the_first_or_last_page(client, page, expected_first):
    for n in range(25):
        OrganizationFactory(name=f"Organizacja {n:02d}")
    names = listed(client.get(LIST, {"page": page}))
    assert names[0] == expected_first


# --- The page as a whole ------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, EN_LIST])
def test_the_directory_has_one_h1_and_labels_for_every_input(client, directory, url):
    text = page_html(client, url)
    assert text.count("<h1") == 1
    ids = re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', text)
    assert {"id_q", "id_field", "id_group", "id_form", "id_district", "id_opp"} <= set(ids)
    for input_id in ids:
        assert f'for="{input_id}"' in text, input_id
    assert "<fieldset" in text and "<legend" in text
    assert 'method="get"' in text
    assert "csrfmiddlewaretoken" not in text.split('role="search"')[1].split("</form>")[0]


def test_the_english_directory_is_in_english(client, directory):
    text = page_html(client, EN_LIST)
    assert "Directory of organisations" in text
    assert '<html lang="en">' in text


def test_the_directory_links_to_its_open_data(client):
    text = page_html(client, EN_LIST)
    assert 'href="/en/organizacje/eksport.csv"' in text
    assert 'href="/en/organizacje/eksport.json"' in text


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "stowarzyszenie testowe"},
        {"field": "test-dziedzina-0", "district": "test-osiedle-0", "opp": "on"},
        {"group": "test-grupa-1", "volunteers": "on", "sort": "updated", "page": "2"},
    ],
)
def test_the_directory_runs_a_constant_number_of_queries(
    client, django_assert_max_num_queries, params
):
    organizations = many_organizations(60)
    assert organizations[0].fields_of_activity.exists()
    client.get(LIST)  # the first request creates the site settings row
    with django_assert_max_num_queries(10):
        response = client.get(LIST, params)
    assert len(listed(response)) >= 1


def test_the_directory_runs_a_constant_number_of_queries_for_a_signed_in_member(
    client, ngo_member, django_assert_max_num_queries
):
    many_organizations(60)
    client.force_login(ngo_member)
    client.get(LIST)
    with django_assert_max_num_queries(10):
        response = client.get(LIST, {"q": "testowe", "opp": "on"})
    assert len(listed(response)) == 20
