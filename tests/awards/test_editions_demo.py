"""`seed_demo`'s awards: the three competitions as the brief describes them, every
record marked as demo, and never doubled."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from awards.models import Category, Competition, Edition, Juror, Nomination

pytestmark = pytest.mark.django_db


def seed():
    out = io.StringIO()
    call_command(
        "seed_demo", "--orgs", "1", "--bookings", "0", "--books", "0",
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    return out.getvalue()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Competition, Edition, Category, Juror, Nomination)
    }


def test_the_demo_competitions_are_seeded_once(client):
    output = seed()
    first = counts()
    assert "juror-demo@example.com" in output
    assert seed() and counts() == first
    assert not Competition.objects.filter(is_demo=False).exists()
    assert not Edition.objects.filter(is_demo=False).exists()
    assert not Nomination.objects.filter(is_demo=False).exists()

    soul = Edition.objects.get(competition__slug="spoleczna-dusza")
    assert soul.results_are_public()
    assert set(soul.categories.values_list("name_pl", flat=True)) == {
        "Osoba", "Organizacja pozarządowa", "Inicjatywa",
    }  # fmt: skip
    eight = Edition.objects.get(competition__slug="osmiu-wspanialych")
    assert eight.nominations_are_open()
    assert eight.jurors.count() == 2
    assert Nomination.objects.filter(edition=eight, nominee_kind="minor").counting().exists()
    seniors = Edition.objects.get(competition__slug="miejsce-przyjazne-seniorom")
    assert seniors.public_vote and seniors.vote_is_open()
    # Its jury is at work: a demo juror has places to score now.
    assert seniors.jury_is_open() and seniors.criteria.count() == 2
    juror = seniors.jurors.get(user__email="jurorka-demo@example.com")
    client.force_login(juror.user)
    page = client.get(reverse("awards:jury_edition", args=[seniors.pk])).content.decode()
    assert "Kawiarnia Pod Arkadami (demo)" in page
    client.logout()

    page = client.get(reverse("awards:competition_list")).content.decode()
    assert page.index("Ośmiu Wspaniałych") < page.index("Miejsce Przyjazne Seniorom")
    assert page.index("Miejsce Przyjazne Seniorom") < page.index("Społeczna Dusza")
    archive = client.get(reverse("awards:laureates")).content.decode()
    assert "Jadwiga Kamińska" in archive and 'alt="Jadwiga Kamińska' in archive
    assert "Michalska" not in client.get(eight.get_absolute_url()).content.decode()
