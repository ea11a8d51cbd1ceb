"""The library, as people use it: a resident finds a book about fundraising by
typing "pozyskiwanie funduszy", a member reserves it (the free copy is set aside),
staff lend it at the desk by typing the inventory number, another reader joins
the queue, staff take the book back and the next reader gets the e-mail."""

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from library.models import Copy, Hold, Loan
from tests.browser.test_rooms_journeys import staff_page_for
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["pl", "en"])
def test_find_reserve_lend_return_and_the_next_reader_is_told(
    page, browser, live_server, log_in, world, staff, client, mailoutbox, language
):
    polish = language == "pl"
    prefix = "" if polish else "/en"
    title = "Skuteczne pozyskiwanie funduszy"

    # A resident, not logged in, searches the catalogue.
    page.goto(f"{prefix}/biblioteka/")
    page.get_by_role("searchbox", name="Szukaj" if polish else "Search").fill(
        "pozyskiwanie funduszy"
    )
    page.get_by_role("button", name="Szukaj" if polish else "Search", exact=True).click()
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    expect(page.locator("main")).to_contain_text("1 z 2 egzemplarzy" if polish else "1 of 2 copies")

    # A member of another organisation reserves it: the free copy is set aside.
    reader = world.personas["other_ngo_member"]
    log_in(reader)
    page.reload()
    page.get_by_role("button", name="Zarezerwuj" if polish else "Reserve", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text(title)
    hold = Hold.objects.get(book=world.book, user=reader)
    assert hold.status == Hold.Status.READY
    assert hold.copy.inventory_number == "B/0002"
    assert any(reader.email in m.to for m in mailoutbox)

    # Staff lend it at the desk: typing the inventory number is enough.
    # A client of their own: logging the readers in must not end the staff session.
    staff_context, desk = staff_page_for(browser, live_server, Client(), staff)
    desk.goto(reverse("admin:library_desk"))
    desk.locator("#id_inventory_number").fill("b/0002")
    desk.locator("#find-copy input[type=submit]").click()
    expect(desk.locator("#lend_email")).to_have_value(reader.email)
    desk.locator("#lend input[type=submit]").click()
    if desk.locator("#lend fieldset input[type=radio]").count():
        desk.locator("#lend fieldset input[type=radio]").first.check()
        desk.locator("#lend input[type=submit]").click()
    expect(desk.locator(".messagelist")).to_be_visible()
    assert Loan.objects.active().get(copy__inventory_number="B/0002").borrower == reader
    hold.refresh_from_db()
    assert hold.status == Hold.Status.COLLECTED

    # Both copies are out now: the next reader joins the queue.
    next_reader = UserFactory(email="kolejna@example.org", first_name="Ola", last_name="Kolejna")
    log_in(next_reader)
    page.goto(f"{prefix}/biblioteka/{world.book.slug}/")
    join = "Zarezerwuj i dołącz do kolejki" if polish else "Reserve and join the queue"
    page.get_by_role("button", name=join).click()
    expect(page.locator(".alert-success")).to_contain_text("1")
    assert Hold.objects.get(user=next_reader).status == Hold.Status.WAITING

    # The book comes back: it is set aside for the next reader, who gets the e-mail.
    mailoutbox.clear()
    desk.goto(reverse("admin:library_desk") + "?inventory_number=B/0002")
    desk.locator("form:has(input[name=action][value=return]) input[type=submit]").click()
    expect(desk.locator(".messagelist")).to_contain_text("kolejna@example.org")
    staff_context.close()
    copy = Copy.objects.get(inventory_number="B/0002")
    assert copy.status == Copy.Status.HELD
    assert Hold.objects.get(user=next_reader).status == Hold.Status.READY
    message = next(m for m in mailoutbox if "kolejna@example.org" in m.to)
    assert title in message.subject

    # The reader sees it under their account.
    page.goto(f"{prefix}/konto/biblioteka/")
    expect(page.locator("main")).to_contain_text(title)
