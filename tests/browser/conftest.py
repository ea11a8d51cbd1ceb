"""Real-browser tests: Playwright driving Debian's Chromium against the live server.

Without a Chromium these tests are skipped with a clear reason, unless
CWOP_REQUIRE_BROWSER=1 (set by CI), which turns a missing browser into a failure.

`make test` runs the suite in several processes (pytest-xdist): each is a pytest
session of its own, so each starts one Chromium and one live server, on its own port
and test database.
"""

import os
import shutil
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; the Django ORM calls
# made by the tests themselves are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium():
    for candidate in (os.environ.get("CWOP_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and os.path.exists(candidate):
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    executable = find_chromium()
    if not executable:
        message = (
            "Chromium not found: browser, accessibility (axe) and keyboard tests skipped. "
            "Install it (apt-get install chromium) or set CWOP_CHROMIUM."
        )
        if os.environ.get("CWOP_REQUIRE_BROWSER") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class PageGuard:
    """Collects what a page must never do: talk to another origin, log an error."""

    def __init__(self, origin):
        self.origin = origin
        self.foreign_requests = []
        self.console_errors = []

    def watch(self, page):
        page.on("request", self._on_request)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def _on_request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme in {"data", "blob", "about"}:
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign_requests.append(request.url)

    def _on_console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)


@pytest.fixture
def page(browser, live_server, portal_content, settings):
    # The live server speaks plain HTTP; the production settings' Secure cookies
    # would otherwise not be sent back by the browser.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.LANGUAGE_COOKIE_SECURE = False
    context = browser.new_context(base_url=live_server.url, locale="pl-PL")
    guard = PageGuard(live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    guard.watch(page)
    page.guard = guard
    yield page
    context.close()
    assert guard.foreign_requests == [], "requests to another origin"
    assert guard.console_errors == [], "errors in the browser console"


@pytest.fixture
def log_in(page, client, live_server):
    """Log the browser in as `user` by giving it a session made by Django."""

    def do_log_in(user):
        client.force_login(user)
        session = client.cookies["sessionid"].value
        page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])

    return do_log_in
