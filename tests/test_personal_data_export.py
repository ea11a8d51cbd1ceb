""" "Download my data" covers what the modules keep about the person: their
consultations (with the question they asked, never the advisor's private notes),
training registrations, library loans and reservations; nobody else's."""

import json

import pytest


@pytest.mark.django_db
def test_the_export_holds_the_persons_consultations_registrations_loans_and_holds(client, world):
    member = world.personas["ngo_member"]
    client.force_login(member)
    data = json.loads(client.get("/konto/moje-dane.json").content)["data"]

    (appointment,) = data["consultations"]["appointments"]
    assert appointment["question"] == "Jak napisać budżet projektu?"
    assert appointment["advisor"] == "Katarzyna Doradczyni"
    assert "Notatka doradczyni" not in json.dumps(data)
    trainings = {r["training"] for r in data["consultations"]["training_registrations"]}
    assert trainings == {"Jak napisać wniosek grantowy"}

    (loan,) = data["library"]["loans"]
    assert (loan["title"], loan["inventory_number"]) == (
        "Skuteczne pozyskiwanie funduszy",
        "B/0001",
    )
    (hold,) = data["library"]["reservations"]
    assert hold["title"] == "Wolontariat w praktyce"


@pytest.mark.django_db
def test_the_export_holds_nothing_of_other_people(client, world):
    client.force_login(world.personas["other_ngo_member"])
    data = json.loads(client.get("/konto/moje-dane.json").content)["data"]
    assert data["consultations"] == {"appointments": [], "training_registrations": []}
    assert data["library"] == {"loans": [], "reservations": []}
