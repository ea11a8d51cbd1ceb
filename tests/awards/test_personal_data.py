"""A person's part in the competitions in "download my data", what blocks deleting the
account (a seat on a jury still at work), and what stays of the rest: the nominations
and the votes (the competition's record), without the person."""

import io

import pytest
from django.core.management import call_command

from awards.models import Juror, Nomination, Score, Vote
from cwop_portal import services as portal_services
from cwop_portal.personal_data import deletion_blockers, export_user_data
from tests.factories import UserFactory


@pytest.mark.django_db
def test_the_export_holds_nominations_consents_votes_and_jury_seats(world):
    data = export_user_data(world.personas["ngo_member"])["awards"]
    assert [n["nominee"] for n in data["nominations_made"]] == ["Halina Wróblewska"]
    assert data["nominations_made"][0]["organization"] == world.organization.name
    assert data["nominations_made"][0]["attachments"] == ["Rekomendacja"]

    juror = export_user_data(world.juror_user)["awards"]
    seats = {seat["competition"]: seat for seat in juror["jury_seats"]}
    assert seats["Społeczna Dusza"]["scores"] == [
        {
            "nomination": "Halina Wróblewska",
            "criterion": "Działania na rzecz innych",
            "score": 4,
            "scored_at": seats["Społeczna Dusza"]["scores"][0]["scored_at"],
        }
    ]
    assert seats["Społeczna Dusza"]["conflicts_declared"][0]["note"] == "Sąsiad"

    guardian = UserFactory(email="agnieszka.malinowska@example.com")
    consents = export_user_data(guardian)["awards"]["consents_as_guardian"]
    assert [c["nominee"] for c in consents] == ["Zuzanna Malinowska"]
    voter = UserFactory(email="GLOSUJACY@example.com")
    assert [v["voted_for"] for v in export_user_data(voter)["awards"]["public_votes"]] == [
        "Halina Wróblewska"
    ]


@pytest.mark.django_db
def test_a_seat_on_a_jury_at_work_blocks_the_deletion_a_finished_one_does_not(world):
    reasons = [str(reason) for reason in deletion_blockers(world.other_juror_user)]
    assert len(reasons) == 1
    assert "Ośmiu Wspaniałych" in reasons[0]

    finished = UserFactory()
    seat = Juror.objects.create(edition=world.past_edition, user=finished)
    assert deletion_blockers(finished) == []
    portal_services.user_delete(user=finished)
    assert not Juror.objects.filter(pk=seat.pk).exists()
    world.laureate.refresh_from_db()
    assert world.laureate.award == "laureate"  # the published results untouched


@pytest.mark.django_db
def test_deleting_the_account_keeps_nominations_and_votes_without_the_person(world):
    person = UserFactory(email="jan.kowalski@example.com")
    nomination = Nomination.objects.create(
        edition=world.open_edition,
        category=world.category,
        nominee_kind="minor",
        nominee_first_name="Ola",
        nominee_last_name="Kowalska",
        school="Szkoła Podstawowa nr 5",
        guardian_name="Jan Kowalski",
        guardian_email="Jan.Kowalski@example.com",
        consent_method="email",
        consent_at=world.open_edition.nominations_open,
        justification="Pomaga w schronisku.",
        nominator_kind="resident",
        nominator_user=person,
        nominator_name="Jan Kowalski",
        nominator_email=person.email,
        nominator_phone="600 100 200",
        privacy_consent=True,
        confirmed_at=world.open_edition.nominations_open,
    )
    vote = Vote.objects.create(
        category=world.jury_category,
        nomination=world.accepted_nomination,
        email=person.email,
        confirmed_at=world.open_edition.nominations_open,
    )
    portal_services.user_delete(user=person)
    nomination.refresh_from_db()
    assert nomination.nominator_user is None
    assert (nomination.nominator_name, nomination.nominator_email, nomination.nominator_phone) == (
        "",
        "",
        "",
    )
    assert nomination.guardian_name == ""
    assert nomination.guardian_email.endswith("@adres.invalid")
    assert nomination.consent_at is not None and nomination.counts
    assert nomination.justification == "Pomaga w schronisku."
    vote.refresh_from_db()
    assert vote.email == f"{vote.pk}.usunieto@adres.invalid"
    assert Vote.objects.counted().filter(pk=vote.pk).exists()
    assert Score.objects.filter(juror__user=world.juror_user).exists()


@pytest.mark.django_db(transaction=True)
def test_the_voters_addresses_are_forgotten_once_the_results_are_announced(world):
    past_vote = Vote.objects.create(
        category=world.past_category,
        nomination=world.mention,
        email="dawny.glosujacy@example.com",
        network="198.51.100.0/24",
        confirmed_at=world.past_edition.vote_opens or world.past_edition.nominations_close,
    )
    call_command("purge_vote_addresses", stdout=io.StringIO())
    past_vote.refresh_from_db()
    assert (past_vote.email, past_vote.network) == (f"{past_vote.pk}.usunieto@adres.invalid", "")
    assert Vote.objects.counted().filter(pk=past_vote.pk).exists()
    world.vote.refresh_from_db()  # the vote still running keeps its address
    assert world.vote.email == "glosujacy@example.com"
