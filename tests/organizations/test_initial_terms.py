"""The directory's vocabularies arrive with the database (migration 0003)."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from organizations.models import District, FieldOfActivity, TargetGroup

initial_terms = importlib.import_module("organizations.migrations.0003_initial_terms")

pytestmark = pytest.mark.django_db

DISTRICTS = [
    "Antoniuk",
    "Bacieczki",
    "Bagnówka",
    "Bema",
    "Białostoczek",
    "Bojary",
    "Centrum",
    "Dojlidy",
    "Dojlidy Górne",
    "Dziesięciny I",
    "Dziesięciny II",
    "Jaroszówka",
    "Kawaleryjskie",
    "Leśna Dolina",
    "Mickiewicza",
    "Młodych",
    "Nowe Miasto",
    "Piaski",
    "Piasta I",
    "Piasta II",
    "Przydworcowe",
    "Sienkiewicza",
    "Skorupy",
    "Słoneczny Stok",
    "Starosielce",
    "Wygoda",
    "Wysoki Stoczek",
    "Zawady",
    "Zielone Wzgórza",
]


def test_the_37_fields_of_activity_of_the_act_are_there_in_the_acts_order():
    fields = list(FieldOfActivity.objects.all())
    assert len(fields) == 37
    assert [f.position for f in fields] == list(range(10, 371, 10))
    assert fields[0].name_pl == "Pomoc społeczna"
    assert fields[0].name_en == "Social assistance"
    assert fields[-1].name_pl == "Wspieranie organizacji pozarządowych"
    assert fields[19].name_pl == "Kultura fizyczna i sport"
    names = {f.name_pl for f in fields}
    assert "Ekologia, ochrona zwierząt i dziedzictwa przyrodniczego" in names
    assert "Przeciwdziałanie uzależnieniom i patologiom społecznym" in names
    # A proper noun keeps its capital; every name starts with one.
    assert "Polonia i Polacy za granicą" in names
    assert "Promocja Polski za granicą" in names
    assert all(f.name_pl[0].isupper() and f.name_en for f in fields)


def test_fields_have_ascii_slugs_made_from_the_polish_name():
    sport = FieldOfActivity.objects.get(slug="kultura-fizyczna-i-sport")
    assert sport.name_en == "Physical culture and sport"
    assert FieldOfActivity.objects.get(slug="pomoc-spoleczna").name_pl == "Pomoc społeczna"
    slugs = list(FieldOfActivity.objects.values_list("slug", flat=True))
    assert all(slug.isascii() and 0 < len(slug) <= 80 for slug in slugs)


def test_the_12_target_groups_are_there_in_polish_and_english():
    groups = list(TargetGroup.objects.all())
    assert len(groups) == 12
    assert [g.position for g in groups] == list(range(10, 121, 10))
    assert [(g.name_pl, g.name_en) for g in groups[:3]] == [
        ("Dzieci", "Children"),
        ("Młodzież", "Young people"),
        ("Seniorzy", "Older people"),
    ]
    disabilities = TargetGroup.objects.get(slug="osoby-z-niepelnosprawnosciami")
    assert disabilities.name_pl == "Osoby z niepełnosprawnościami"
    assert groups[-1].name_pl == "Zwierzęta"
    assert TargetGroup.objects.get(slug="mieszkancy-bialegostoku").name_en == (
        "Residents of Białystok"
    )


def test_a_term_shows_its_english_name_on_the_english_site():
    group = TargetGroup.objects.get(slug="migranci-i-uchodzcy")
    with translation.override("en"):
        assert group.name == "Migrants and refugees"
    with translation.override("pl"):
        assert group.name == "Migranci i uchodźcy"


def test_the_29_districts_of_bialystok_are_there_in_alphabetical_order():
    districts = list(District.objects.all())
    assert [d.name for d in districts] == DISTRICTS
    assert District.objects.get(slug="sloneczny-stok").name == "Słoneczny Stok"
    assert District.objects.get(slug="dziesieciny-ii").name == "Dziesięciny II"
    positions = [d.position for d in districts]
    assert positions == sorted(positions) and len(set(positions)) == 29


def test_running_the_data_again_keeps_staff_edits_and_restores_what_is_missing():
    field = FieldOfActivity.objects.get(slug="pomoc-spoleczna")
    field.name_pl = "Pomoc społeczna i socjalna"
    field.position = 999
    field.save()
    District.objects.filter(slug="bagnowka").delete()
    District.objects.create(name="Dojlidy Fabryczne", slug="dojlidy-gorne-2", position=5)

    initial_terms.create_terms(apps, schema_editor=None)

    field.refresh_from_db()
    assert (field.name_pl, field.position) == ("Pomoc społeczna i socjalna", 999)
    assert FieldOfActivity.objects.count() == 37
    assert District.objects.get(slug="bagnowka").name == "Bagnówka"
    assert District.objects.count() == 30
