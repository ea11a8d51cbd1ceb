"""The directory, as people use it: find an organisation and write to it; create one,
have it approved by staff, see it listed."""

import re

import pytest
from playwright.sync_api import expect

from organizations.models import District, FieldOfActivity, Organization
from organizations.services import organizations as services

pytestmark = pytest.mark.browser


def published_organization(user, staff, name, krs, district, field, **data):
    organization = services.organization_create(
        user=user,
        data={
            "name": name,
            "legal_form": "association",
            "krs": krs,
            "district": District.objects.get(name=district),
            **data,
        },
        fields_of_activity=[FieldOfActivity.objects.get(name_pl=field)],
        submit=True,
    )
    return services.organization_approve(organization=organization, user=staff)


@pytest.mark.parametrize("language", ["pl", "en"])
def test_resident_finds_an_organisation_by_district_and_field_and_writes_to_it(
    page, ngo_member, other_ngo_member, staff, mailoutbox, language
):
    published_organization(
        ngo_member,
        staff,
        "Stowarzyszenie Pomocy Sąsiedzkiej",
        "0000200001",
        "Bojary",
        "Pomoc społeczna",
        public_email="pomoc@example.org",
    )
    published_organization(
        other_ngo_member, staff, "Klub Sportowy Dojlidy", "0000200002", "Dojlidy", "Pomoc społeczna"
    )
    mailoutbox.clear()  # the approvals' e-mails
    polish = language == "pl"
    page.goto("/" if polish else "/en/")
    menu = page.get_by_role("navigation", name="Menu główne" if polish else "Main menu")
    menu.get_by_role("link", name="Organizacje" if polish else "Organisations").click()
    page.get_by_label("Osiedle" if polish else "District").select_option(label="Bojary")
    page.get_by_label("Obszar działalności" if polish else "Field of activity").select_option(
        label="Pomoc społeczna" if polish else "Social assistance"
    )
    page.get_by_role("button", name="Szukaj" if polish else "Search").click()

    results = page.get_by_role("main")
    expect(results.get_by_role("link", name="Stowarzyszenie Pomocy Sąsiedzkiej")).to_be_visible()
    expect(results.get_by_role("link", name="Klub Sportowy Dojlidy")).to_have_count(0)
    results.get_by_role("link", name="Stowarzyszenie Pomocy Sąsiedzkiej").click()
    expect(page.locator("h1")).to_have_text("Stowarzyszenie Pomocy Sąsiedzkiej")
    expect(page.get_by_text("pomoc@example.org")).to_have_count(0)

    page.get_by_label(re.compile("Imię i nazwisko" if polish else "Your name")).fill("Maria Nowak")
    page.get_by_label(re.compile("Twój adres e-mail" if polish else "Your e-mail")).fill(
        "maria@example.org"
    )
    page.get_by_label(re.compile("Wiadomość" if polish else "Message")).fill(
        "Dzień dobry, chciałabym pomóc jako wolontariuszka."
    )
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Wyślij wiadomość" if polish else "Send the message").click()

    expect(page.locator(".alert-success")).to_be_visible()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["pomoc@example.org"]
    assert mailoutbox[0].reply_to == ["maria@example.org"]
    assert "wolontariuszka" in mailoutbox[0].body


def test_member_creates_an_organisation_staff_approve_it_and_it_appears(
    page, browser, live_server, log_in, ngo_member, staff, client
):
    log_in(ngo_member)
    page.goto("/konto/organizacje/nowa/")
    page.get_by_label(re.compile(r"^\s*Nazwa\*?\s*$")).fill("Fundacja Nowych Pomysłów")
    page.get_by_label(re.compile(r"^\s*Forma prawna")).select_option(label="fundacja")
    page.get_by_label(re.compile(r"^\s*Numer KRS")).fill("359730")
    page.get_by_role("button", name="Zapisz i prześlij do zatwierdzenia").click()
    expect(page.locator(".alert-success")).to_be_visible()
    organization = Organization.objects.get(name="Fundacja Nowych Pomysłów")
    assert organization.krs == "0000359730"
    assert organization.status == Organization.Status.PENDING

    # Not in the directory before approval.
    page.goto("/organizacje/?q=pomysłów")
    expect(page.get_by_role("link", name="Fundacja Nowych Pomysłów")).to_have_count(0)

    # Staff approve it in the admin.
    staff_context = browser.new_context(base_url=live_server.url)
    staff_page = staff_context.new_page()
    client.force_login(staff)
    staff_context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    staff_page.goto("/admin/organizations/organization/?waiting=yes")
    staff_page.locator(f'input[name="_selected_action"][value="{organization.pk}"]').check()
    staff_page.locator('select[name="action"]').select_option("approve")
    staff_page.locator('button[name="index"]').click()
    expect(staff_page.locator(".messagelist")).to_be_visible()
    staff_context.close()

    page.goto("/organizacje/?q=pomysłów")
    page.get_by_role("link", name="Fundacja Nowych Pomysłów").click()
    expect(page.locator("h1")).to_have_text("Fundacja Nowych Pomysłów")


def test_member_posts_news_staff_publish_it_and_it_is_in_the_rss_feed(
    page, browser, live_server, log_in, world, staff, client
):
    log_in(world.personas["ngo_member"])
    page.goto(f"/konto/organizacje/{world.organization.slug}/aktualnosci/nowa/")
    page.get_by_label(re.compile(r"^\s*Tytuł\*?\s*$")).fill("Kiermasz świąteczny")
    page.get_by_label(re.compile(r"^\s*Wstęp\*?\s*$")).fill("Zapraszamy na kiermasz w sobotę.")
    page.get_by_role("button", name="Zapisz i prześlij do zatwierdzenia").click()
    expect(page.locator(".alert-success")).to_be_visible()

    staff_context = browser.new_context(base_url=live_server.url)
    client.force_login(staff)
    staff_context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    staff_page = staff_context.new_page()
    staff_page.goto("/admin/organizations/newspost/?status__exact=submitted")
    staff_page.get_by_role("link", name="Kiermasz świąteczny").wait_for()
    staff_page.locator('input[name="_selected_action"]').first.check()
    staff_page.locator('select[name="action"]').select_option("approve")
    staff_page.locator('button[name="index"]').click()
    expect(staff_page.locator(".messagelist")).to_be_visible()
    staff_context.close()

    feed = page.request.get("/aktualnosci/rss/")
    assert feed.ok
    assert "Kiermasz świąteczny" in feed.text()
    page.goto("/aktualnosci/")
    page.get_by_role("link", name="Kiermasz świąteczny").click()
    expect(page.locator("h1")).to_have_text("Kiermasz świąteczny")
