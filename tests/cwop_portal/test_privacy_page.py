"""The privacy policy says what is kept after an account is deleted, and for how long;
the data migration brings an existing database's page up to date only where staff
have not edited it."""

import importlib

import pytest
from django.apps import apps

from cwop_portal import initial_content
from cwop_portal.models import Page

MIGRATION = importlib.import_module(
    "cwop_portal.migrations.0003_privacy_page_after_account_deletion"
)


@pytest.mark.django_db
def test_the_privacy_policy_says_what_stays_after_the_account_is_deleted(client):
    text = client.get("/polityka-prywatnosci/").content.decode()
    assert "Co dzieje się z danymi po usunięciu konta" in text
    assert "przez 90 dni od wysłania" in text  # relayed messages
    assert "bez Twojego pytania" in text  # consultations kept for statistics
    english = client.get("/en/polityka-prywatnosci/").content.decode()
    assert "What happens to your data when you delete your account" in english
    assert "after a period of inactivity" not in english  # nothing deletes idle accounts


@pytest.mark.django_db
def test_the_migration_replaces_the_previous_default_but_not_what_staff_wrote(monkeypatch):
    previous = "## Polityka\r\n\r\nPoprzedni tekst.  \r\n"
    page = Page.objects.get(key="privacy")
    page.body_pl = previous  # saved back through the admin's textarea: CRLF, spaces
    page.body_en = "Our own text, edited by staff."
    page.save()
    monkeypatch.setattr(
        MIGRATION,
        "PREVIOUS_DEFAULT",
        {
            "body_pl": MIGRATION.fingerprint("## Polityka\n\nPoprzedni tekst.\n"),
            "body_en": MIGRATION.fingerprint("The previous English text."),
        },
    )
    MIGRATION.update_privacy_page(apps, None)
    page.refresh_from_db()
    assert page.body_pl == initial_content.PRIVACY_BODY_PL
    assert page.body_en == "Our own text, edited by staff."


PUBLIC_CONSULTATIONS = importlib.import_module(
    "cwop_portal.migrations.0008_privacy_page_public_consultations"
)


@pytest.mark.django_db
def test_the_privacy_policy_covers_public_consultations_and_the_team(client):
    text = client.get("/polityka-prywatnosci/").content.decode()
    assert "Konsultacje społeczne projektów aktów Miasta" in text
    assert "bez imienia, nazwiska i adresu e-mail osoby" in text
    assert "Wiadomości do Zespołu Konsultacyjnego przechowujemy" in text
    english = client.get("/en/polityka-prywatnosci/").content.decode()
    assert "Public consultation of the City's draft acts" in english


@pytest.mark.django_db
def test_the_second_update_replaces_only_the_untouched_previous_default(monkeypatch):
    page = Page.objects.get(key="privacy")
    page.body_pl = "## Polityka\r\nPoprzedni tekst.\r\n"
    page.body_en = "Our own text, edited by staff."
    page.save()
    monkeypatch.setattr(
        PUBLIC_CONSULTATIONS,
        "PREVIOUS_DEFAULT",
        {
            "body_pl": PUBLIC_CONSULTATIONS.fingerprint("## Polityka\nPoprzedni tekst."),
            "body_en": PUBLIC_CONSULTATIONS.fingerprint("The previous English text."),
        },
    )
    PUBLIC_CONSULTATIONS.update_privacy_page(apps, None)
    page.refresh_from_db()
    assert page.body_pl == initial_content.PRIVACY_BODY_PL
    assert page.body_en == "Our own text, edited by staff."


COMPETITIONS = importlib.import_module("cwop_portal.migrations.0009_privacy_page_competitions")


@pytest.mark.django_db
def test_the_privacy_policy_covers_the_competitions(client):
    text = client.get("/polityka-prywatnosci/").content.decode()
    assert "Konkursy" in text and "imię, inicjał nazwiska i szkołę" in text
    assert "Adresy e-mail osób głosujących w głosowaniu publicznym usuwamy" in text
    english = client.get("/en/polityka-prywatnosci/").content.decode()
    assert "the jury of a competition whose results are not yet approved" in english


@pytest.mark.django_db
def test_the_third_update_replaces_only_the_untouched_previous_default(monkeypatch):
    # The current default is not taken for the previous one (that is #14's text).
    assert COMPETITIONS.fingerprint(initial_content.PRIVACY_BODY_PL) not in (
        COMPETITIONS.PREVIOUS_DEFAULT.values()
    )
    page = Page.objects.get(key="privacy")
    page.body_pl = "## Polityka\r\nTekst z #14.\r\n"
    page.body_en = "Our own text, edited by staff."
    page.save()
    monkeypatch.setattr(
        COMPETITIONS,
        "PREVIOUS_DEFAULT",
        {
            "body_pl": COMPETITIONS.fingerprint("## Polityka\nTekst z #14."),
            "body_en": COMPETITIONS.fingerprint("The previous English text."),
        },
    )
    COMPETITIONS.update_privacy_page(apps, None)
    page.refresh_from_db()
    assert page.body_pl == initial_content.PRIVACY_BODY_PL
    assert page.body_en == "Our own text, edited by staff."
