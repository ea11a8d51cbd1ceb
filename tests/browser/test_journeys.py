"""What a person does in the browser, start to finish."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_visitor_goes_from_home_to_about_to_documents_in_polish(page):
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Centrum Współpracy Organizacji Pozarządowych")
    page.get_by_role("navigation", name="Menu główne").get_by_role("link", name="O Centrum").click()
    expect(page).to_have_url(re.compile(r"/o-centrum/$"))
    expect(page.locator("h1")).to_have_text("O Centrum")
    page.get_by_role("navigation", name="Menu główne").get_by_role("link", name="Dokumenty").click()
    expect(page).to_have_url(re.compile(r"/dokumenty/$"))
    expect(page.locator("h1")).to_have_text("Dokumenty")


def test_visitor_goes_from_home_to_about_to_documents_in_english(page):
    page.goto("/en/")
    expect(page.locator("h1")).to_have_text("NGO Cooperation Centre")
    menu = page.get_by_role("navigation", name="Main menu")
    menu.get_by_role("link", name="About the centre").click()
    expect(page).to_have_url(re.compile(r"/en/o-centrum/$"))
    expect(page.locator("h1")).to_have_text("About the centre")
    menu.get_by_role("link", name="Documents").click()
    expect(page).to_have_url(re.compile(r"/en/dokumenty/$"))
    expect(page.locator("h1")).to_have_text("Documents")


def test_language_switch_keeps_the_page(page):
    page.goto("/o-centrum/")
    page.get_by_role("button", name=re.compile("^English")).click()
    expect(page).to_have_url(re.compile(r"/en/o-centrum/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("About the centre")
    page.get_by_role("button", name=re.compile("^Polski")).click()
    expect(page).to_have_url(re.compile(r"/o-centrum/$"))
    expect(page.locator("html")).to_have_attribute("lang", "pl")


def test_sign_up_confirm_the_e_mail_log_out_and_log_in(page, mailoutbox):
    page.goto("/")
    page.get_by_role("link", name="Zarejestruj się").click()
    page.get_by_label("Adres e-mail").fill("ewa.nowa@example.org")
    page.get_by_label("Imię").fill("Ewa")
    page.get_by_label("Nazwisko").fill("Nowa")
    page.get_by_label(re.compile(r"^\s*Hasło\*?\s*$")).fill("bardzo-dlugie-haslo-77")
    page.get_by_label("Hasło (ponownie)").fill("bardzo-dlugie-haslo-77")
    page.get_by_role("button", name="Załóż konto").click()
    expect(page.locator("h1")).to_contain_text("Zweryfikuj")

    assert len(mailoutbox) == 1
    link = re.search(r"https?://\S+/konto/confirm-email/\S+", mailoutbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Potwierdź").click()
    expect(page.get_by_role("link", name="Moje konto")).to_be_visible()

    page.get_by_role("button", name="Wyloguj się").click()
    expect(page.get_by_role("link", name="Zaloguj się")).to_be_visible()

    page.get_by_role("link", name="Zaloguj się").click()
    page.get_by_label("Adres e-mail").fill("ewa.nowa@example.org")
    page.get_by_label(re.compile(r"^\s*Hasło\*?\s*$")).fill("bardzo-dlugie-haslo-77")
    page.get_by_role("main").get_by_role("button", name="Zaloguj", exact=True).click()
    expect(page.get_by_role("link", name="Moje konto")).to_be_visible()
    user = get_user_model().objects.get(email="ewa.nowa@example.org")
    assert user.first_name == "Ewa"
