"""The optional "fill in from KRS": off by default, faked here, never required."""

import pytest

from organizations import krs

EXTRACT = {
    "odpis": {
        "dane": {
            "dzial1": {
                "danePodmiotu": {
                    "formaPrawna": "STOWARZYSZENIE",
                    "nazwa": "STOWARZYSZENIE PRZYJACIÓŁ BOJAR",
                    "identyfikatory": {"nip": "8567346215", "regon": "19259818400000"},
                    "czyPosiadaStatusOPP": True,
                },
                "siedzibaIAdres": {
                    "adres": {
                        "ulica": "UL. KRAKOWSKA",
                        "nrDomu": "13",
                        "nrLokalu": "2",
                        "miejscowosc": "BIAŁYSTOK",
                        "kodPocztowy": "15-875",
                    }
                },
            }
        }
    }
}


@pytest.fixture
def krs_register(settings, monkeypatch):
    settings.KRS_LOOKUP_ENABLED = True
    asked = []

    def fake_fetch(url):
        asked.append(url)
        if "0000359730" in url and "rejestr=S" in url:
            return EXTRACT
        return None

    monkeypatch.setattr(krs, "_fetch_json", fake_fetch)
    return asked


def test_an_extract_gives_the_profile_fields():
    data = krs.parse(EXTRACT)
    assert data == {
        "name": "STOWARZYSZENIE PRZYJACIÓŁ BOJAR",
        "legal_form": "association",
        "nip": "8567346215",
        "regon": "19259818400000",
        "is_opp": True,
        "street_address": "Ul. Krakowska 13/2",
        "postal_code": "15-875",
        "city": "Białystok",
    }


def test_the_lookup_is_off_by_default_and_asks_nobody(settings, monkeypatch):
    def fail(url):
        raise AssertionError("the register must not be asked")

    monkeypatch.setattr(krs, "_fetch_json", fail)
    assert settings.KRS_LOOKUP_ENABLED is False
    assert krs.lookup("0000359730") == {}


@pytest.mark.django_db
def test_without_the_lookup_the_form_has_no_krs_button(client, ngo_member):
    client.force_login(ngo_member)
    html = client.get("/konto/organizacje/nowa/").content.decode()
    assert "krs_lookup" not in html


@pytest.mark.django_db
def test_the_form_is_filled_in_from_the_register(client, ngo_member, krs_register):
    client.force_login(ngo_member)
    page = client.get("/konto/organizacje/nowa/")
    assert 'name="krs_lookup"' in page.content.decode()
    response = client.get("/konto/organizacje/nowa/", {"krs_lookup": "359730"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="STOWARZYSZENIE PRZYJACIÓŁ BOJAR"' in html
    assert 'value="0000359730"' in html
    assert 'value="8567346215"' in html
    assert "Sprawdź dane" in html
    assert krs_register and "0000359730" in krs_register[0]


@pytest.mark.django_db
def test_an_unknown_number_says_so(client, ngo_member, krs_register):
    client.force_login(ngo_member)
    response = client.get("/konto/organizacje/nowa/", {"krs_lookup": "123"})
    assert "nie ma wpisu" in response.content.decode()


@pytest.mark.django_db
def test_a_register_that_does_not_answer_leaves_the_form_usable(
    client, ngo_member, settings, monkeypatch
):
    settings.KRS_LOOKUP_ENABLED = True

    def down(url):
        raise krs.KrsLookupError("timeout")

    monkeypatch.setattr(krs, "_fetch_json", down)
    client.force_login(ngo_member)
    response = client.get("/konto/organizacje/nowa/", {"krs_lookup": "0000359730"})
    assert response.status_code == 200
    assert "nie odpowiada" in response.content.decode()
    assert 'name="name"' in response.content.decode()
