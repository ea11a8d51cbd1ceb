"""The public pages: every one renders in both languages, accessibly built."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from cwop_portal.models import AccessibilityStatement, Page

PUBLIC_PAGES = ["home", "about", "privacy", "accessibility_statement", "document_list"]
ACCOUNT_ENTRY_PAGES = ["account_login", "account_signup", "account_reset_password"]


def url_in(name, language):
    with translation.override(language):
        return reverse(name)


@pytest.mark.django_db
@pytest.mark.parametrize("name", PUBLIC_PAGES + ACCOUNT_ENTRY_PAGES)
@pytest.mark.parametrize("language", ["pl", "en"])
def test_page_renders_with_exactly_one_h1_in_each_language(client, name, language):
    response = client.get(url_in(name, language))
    html = response.content.decode()
    assert response.status_code == 200
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert f'<html lang="{language}">' in html


def test_polish_is_at_the_root_and_english_under_en():
    assert url_in("about", "pl") == "/o-centrum/"
    assert url_in("about", "en") == "/en/o-centrum/"
    assert url_in("document_list", "pl") == "/dokumenty/"
    assert url_in("accessibility_statement", "pl") == "/deklaracja-dostepnosci/"
    assert url_in("privacy", "en") == "/en/polityka-prywatnosci/"


@pytest.mark.django_db
def test_every_page_has_skip_link_landmarks_and_footer_links(client):
    html = client.get("/").content.decode()
    assert '<a class="skip-link" href="#main">Przejdź do treści głównej</a>' in html
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html
    for name in ("accessibility_statement", "privacy", "document_list"):
        assert f'href="{url_in(name, "pl")}"' in html


@pytest.mark.django_db
def test_pages_load_nothing_from_another_origin(client):
    for name in PUBLIC_PAGES:
        html = client.get(url_in(name, "pl")).content.decode()
        for tag in re.findall(r"<(?:script|link|img|iframe|source)\b[^>]*>", html):
            for url in re.findall(r'(?:src|href)="([^"]*)"', tag):
                assert url.startswith("/") and not url.startswith("//"), (name, tag)


@pytest.mark.django_db
def test_about_page_shows_the_centres_goals_in_polish_and_english(client):
    polish = client.get("/o-centrum/").content.decode()
    assert "Społeczna Dusza" in polish
    assert "Cele powołania Centrum" in polish
    english = client.get("/en/o-centrum/").content.decode()
    assert "About the centre" in english
    assert "Cele powołania Centrum" not in english


@pytest.mark.django_db
def test_staff_edits_of_a_page_show_without_a_deploy(client):
    page = Page.objects.get(key=Page.Key.ABOUT)
    page.body_pl = "## Nowa sekcja\n\nCentrum zaprasza w **soboty**."
    page.save()
    html = client.get("/o-centrum/").content.decode()
    assert "<h2>Nowa sekcja</h2>" in html
    assert "<strong>soboty</strong>" in html


@pytest.mark.django_db
def test_english_page_falls_back_to_polish_when_no_translation_is_written(client):
    page = Page.objects.get(key=Page.Key.PRIVACY)
    page.body_en = ""
    page.body_pl = "Treść tylko po polsku."
    page.save()
    assert "Treść tylko po polsku." in client.get("/en/polityka-prywatnosci/").content.decode()


@pytest.mark.django_db
def test_script_in_page_markdown_is_never_rendered_as_html(client):
    page = Page.objects.get(key=Page.Key.ABOUT)
    page.body_pl = (
        "Tekst <script>alert('x')</script> [klik](javascript:alert(1)) "
        '<img src="x" onerror="alert(2)"> # nagłówek'
    )
    page.save()
    html = client.get("/o-centrum/").content.decode()
    assert "<script>alert" not in html
    assert "javascript:alert" not in html
    assert "onerror" not in html


@pytest.mark.django_db
def test_markdown_level_one_heading_does_not_add_a_second_h1(client):
    page = Page.objects.get(key=Page.Key.ABOUT)
    page.body_pl = "# Duży nagłówek\n\nTekst."
    page.save()
    html = client.get("/o-centrum/").content.decode()
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert "<h2>Duży nagłówek</h2>" in html


@pytest.mark.django_db
def test_accessibility_statement_has_the_ministry_element_ids(client):
    html = client.get("/deklaracja-dostepnosci/").content.decode()
    for element_id in (
        "a11y-wstep",
        "a11y-podmiot",
        "a11y-url",
        "a11y-data-publikacja",
        "a11y-data-aktualizacja",
        "a11y-status",
        "a11y-data-sporzadzenie",
        "a11y-kontakt",
        "a11y-osoba",
        "a11y-email",
        "a11y-telefon",
        "a11y-procedura",
        "a11y-architektura",
        "a11y-jezyk-migowy",
    ):
        assert f'id="{element_id}"' in html, element_id


@pytest.mark.django_db
def test_staff_edits_of_the_accessibility_statement_show_on_the_page(client):
    statement = AccessibilityStatement.load()
    statement.status = AccessibilityStatement.Status.FULL
    statement.contact_person = "Maria Testowa"
    statement.contact_email = "dostepnosc@example.org"
    statement.save()
    html = client.get("/deklaracja-dostepnosci/").content.decode()
    assert '<span id="a11y-osoba">Maria Testowa</span>' in html
    assert 'href="mailto:dostepnosc@example.org"' in html
    assert "Strona internetowa jest zgodna z ustawą" in html
    assert "częściowo" not in html.split("a11y-status")[1].split("</p>")[0]


@pytest.mark.django_db
def test_unknown_path_gives_the_friendly_404_page_in_both_languages(client):
    polish = client.get("/nie-ma-takiej-strony/")
    assert polish.status_code == 404
    assert "Nie znaleziono strony" in polish.content.decode()
    english = client.get("/en/no-such-page/")
    assert english.status_code == 404
    assert "Page not found" in english.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/?page=abc",
        "/dokumenty/?page=-1&q=%00%ff",
        "/o-centrum/?tydzien=2026-W99",
        "/dokumenty/abc/x.pdf",
        "/dokumenty/99999/x.pdf",
        "/en/dokumenty/?%E2%82=1",
    ],
)
def test_malformed_addresses_never_give_a_server_error(client, path):
    assert client.get(path).status_code in {200, 404}


@pytest.mark.django_db
def test_the_server_error_page_is_friendly(client, monkeypatch):
    def broken(key):
        raise RuntimeError("boom")

    monkeypatch.setattr("cwop_portal.views._page_or_404", broken)
    client.raise_request_exception = False
    response = client.get("/o-centrum/")
    assert response.status_code == 500
    assert "Błąd serwera" in response.content.decode()


def test_browsers_asking_for_favicon_ico_get_the_portals_icon(client):
    """Django's admin names no icon, so browsers ask for /favicon.ico: not a 404."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/img/favicon.svg")
    assert client.get(response["Location"]).status_code == 200
