"""The browser checks themselves: they must catch what they are meant to catch."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.test_accessibility import AXE_OPTIONS, url_for
from tests.catalogue import ANONYMOUS, html_pages

pytestmark = pytest.mark.browser


def test_every_public_page_loads_without_foreign_requests_or_console_errors(page, world):
    for e in html_pages():
        if e.statuses[ANONYMOUS] != 200:
            continue
        for language in ("pl", "en"):
            assert page.goto(url_for(world, e.name, language)).status == 200
    # The page fixture fails the test if anything was requested from another
    # origin or logged as an error; the next test shows that it would notice.


def test_the_guard_notices_a_foreign_request_and_a_console_error(page):
    page.goto("/")
    page.evaluate(
        """() => {
            const img = document.createElement("img");
            img.src = "http://cdn.example.invalid/tracker.gif";
            document.body.appendChild(img);
            console.error("planted error");
        }"""
    )
    page.wait_for_timeout(300)
    assert any("cdn.example.invalid" in url for url in page.guard.foreign_requests)
    assert "planted error" in page.guard.console_errors
    page.guard.foreign_requests.clear()
    page.guard.console_errors.clear()


def test_axe_reports_a_planted_violation(page):
    page.goto("/")
    page.evaluate(
        """() => {
            const img = document.createElement("img");
            img.src = "/static/img/logo.svg";
            document.querySelector("main").appendChild(img);
        }"""
    )
    result = Axe().run(page, options=AXE_OPTIONS)
    assert "image-alt" in [v["id"] for v in result.response["violations"]]
