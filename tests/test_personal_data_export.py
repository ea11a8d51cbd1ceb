""" "Download my data" covers what the modules keep about the person: their account,
memberships, the news they wrote, the room bookings they made (with their history),
the history entries they made or that name them, the messages they sent to
organisations, their consultations (with the question they asked, never the
advisor's private notes), training registrations, library loans and reservations;
nobody else's."""

import json

import pytest
from allauth.account.models import EmailAddress

from organizations.services import organizations as org_services


def export(client, user):
    client.force_login(user)
    response = client.get("/konto/moje-dane.json")
    assert response.status_code == 200
    return response.content.decode(), json.loads(response.content)["data"]


@pytest.mark.django_db
def test_the_export_holds_the_persons_consultations_registrations_loans_and_holds(client, world):
    _text, data = export(client, world.personas["ngo_member"])

    (appointment,) = data["consultations"]["appointments"]
    assert appointment["question"] == "Jak napisać budżet projektu?"
    assert appointment["advisor"] == "Katarzyna Doradczyni"
    assert [entry["note"] for entry in appointment["history"]] == ["Z formularza"]
    assert "Notatka doradczyni" not in json.dumps(data)
    trainings = {r["training"] for r in data["consultations"]["training_registrations"]}
    assert trainings == {"Jak napisać wniosek grantowy"}
    registrations = data["consultations"]["training_registrations"]
    (registration,) = [r for r in registrations if r["for_you"]]
    assert [r["history"] for r in registrations if not r["for_you"]] == [None]
    (entry,) = registration["history"]
    assert (entry["action"], entry["by_you"], entry["note"]) == (
        "registered",
        True,
        "Zapis przez konto organizacji",
    )

    (loan,) = data["library"]["loans"]
    assert (loan["title"], loan["inventory_number"]) == (
        "Skuteczne pozyskiwanie funduszy",
        "B/0001",
    )
    (hold,) = data["library"]["reservations"]
    assert hold["title"] == "Wolontariat w praktyce"


@pytest.mark.django_db
def test_the_export_holds_the_bookings_news_and_history_the_person_made(client, world):
    _text, data = export(client, world.personas["ngo_member"])

    (booking,) = data["rooms"]["bookings_made"]
    assert booking["room"] == "Sala szkoleniowa"
    assert booking["purpose"] == "Zebranie zarządu"
    assert booking["status"] == "confirmed"
    (entry,) = booking["history"]
    assert (entry["action"], entry["by_you"]) == ("created", True)

    (post,) = data["organizations"]["news_posts_written"]
    assert (post["title"], post["organization"]) == (
        "Dzień otwarty",
        "Stowarzyszenie Seniorów Bojary",
    )
    actions = [entry["action"] for entry in data["organizations"]["organization_history"]]
    assert "created" in actions
    (membership,) = data["organizations"]["memberships"]
    assert membership["role"] == "admin"


@pytest.mark.django_db
def test_history_that_names_the_person_and_messages_they_sent_from_any_of_their_addresses(
    client, world
):
    member = world.personas["other_ngo_member"]
    EmailAddress.objects.create(user=member, email="piotr.prywatny@example.net", verified=True)
    EmailAddress.objects.create(user=member, email="nie-moj@example.net", verified=False)
    for sender_email in ["Piotr.Prywatny@Example.NET", "nie-moj@example.net"]:
        org_services.contact_message_send(
            organization=world.organization,
            sender_name="Piotr",
            sender_email=sender_email,
            body=f"Wiadomość z {sender_email}",
        )
    # The administrator accepts them: that entry is the administrator's, about them.
    membership = org_services.membership_request(organization=world.organization, user=member)
    org_services.membership_approve(membership=membership, by=world.personas["ngo_member"])

    _text, data = export(client, member)
    sent = data["organizations"]["messages_sent_to_organizations"]
    assert [m["message"] for m in sent] == ["Wiadomość z Piotr.Prywatny@Example.NET"]
    about_them = [
        entry
        for entry in data["organizations"]["organization_history"]
        if entry["action"] == "membership_approved"
    ]
    assert [(e["by_you"], e["changes"]) for e in about_them] == [(False, {"user": member.email})]


@pytest.mark.django_db
def test_the_export_holds_nothing_of_other_people(client, world):
    text, data = export(client, world.personas["other_ngo_member"])
    assert data["consultations"]["appointments"] == []
    assert data["consultations"]["training_registrations"] == []
    assert data["library"]["loans"] == []
    assert data["library"]["reservations"] == []
    assert data["rooms"]["bookings_made"] == []
    assert data["organizations"]["news_posts_written"] == []
    assert world.personas["ngo_member"].email not in text


@pytest.mark.django_db
def test_a_registration_made_for_somebody_else_is_listed_without_their_data(client, world):
    text, data = export(client, world.personas["ngo_member"])
    theirs = [r for r in data["consultations"]["training_registrations"] if not r["for_you"]]
    assert [(r["registered_by_you"], r["name"], r["email"]) for r in theirs] == [(True, None, None)]
    assert "Jan Zapasowy" not in text
    assert "jan.zapasowy@example.org" not in text


@pytest.mark.django_db
def test_what_staff_did_is_exported_without_the_people_they_did_it_for(client, world):
    """The member of staff lent the member a book and handed over post: their export
    says what they did, never to whom."""
    text, data = export(client, world.personas["staff"])
    (handled,) = data["library"]["loans_handled_at_the_desk"]
    assert (handled["inventory_number"], handled["lent_by_you"]) == ("B/0001", True)
    assert [i["handed_over_by_you"] for i in data["rooms_mail"]["mail_items_handled"]] == [True]
    (upload,) = data["library"]["catalogue_imports"]
    assert upload["file_name"] == "biblioteczka.csv"
    # The history they made: the training published, the catalogue and the rules changed.
    (published,) = data["consultations"]["training_history_entries"]
    assert (published["action"], published["by_you"]) == ("published", True)
    assert [e["action"] for e in data["library"]["catalogue_history_entries"]] == [
        "changed",
        "created",
    ]
    (rules,) = data["library"]["settings_history_entries"]
    assert rules["changes"] == {"loan_days": [21, 30]}
    (contact,) = data["account"]["site_settings_history_entries"]
    assert contact["note"] == "Nowe dane kontaktowe"
    member = world.personas["ngo_member"]
    assert member.email not in text
    assert "Anna Nowak" not in text
