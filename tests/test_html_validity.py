"""Every page is valid HTML: the Nu HTML Checker (vnu.jar) finds no error.

vnu.jar comes from the npm package `vnu-jar` (the Makefile installs it under
var/tools when npm is available) and needs Java. Without them the check is
skipped with the reason, unless CWOP_REQUIRE_HTML_CHECK=1 (set by CI).
"""

import json
import os
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from tests.browser.test_accessibility import FORM_CASES, form_fields
from tests.catalogue import ANONYMOUS, entry, page_visits

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_JAR = ROOT / "var" / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def find_checker():
    jar = Path(os.environ.get("CWOP_VNU_JAR", DEFAULT_JAR))
    java = shutil.which("java")
    if jar.exists() and java:
        return java, jar
    message = (
        f"Nu HTML Checker not available (vnu.jar at {jar}: {jar.exists()}, java: {bool(java)}): "
        "HTML validity check skipped. Run `make test` with npm and Java installed."
    )
    if os.environ.get("CWOP_REQUIRE_HTML_CHECK") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def url_for(world, name, language):
    e = entry(name)
    with translation.override(language):
        return reverse(name, kwargs=e.kwargs(world) if e.kwargs else {})


def form_of(html, data):
    """(address, hidden fields) of the page's form with one of `data`'s fields: the
    address it is sent to (a form may post to another address than the page's), or
    None for the page's own; the hidden fields (but the CSRF token) the form sends
    along, e.g. which of a page's forms it is."""
    for form in re.findall(r"<form\b.*?</form>", html, flags=re.DOTALL):
        if any(f'name="{name}"' in form for name in data):
            action = re.search(r'<form\b[^>]*\baction="([^"]*)"', form)
            hidden = {
                name: unescape(value)
                for name, value in re.findall(
                    r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form
                )
                if name != "csrfmiddlewaretoken"
            }
            return (unescape(action.group(1)) if action and action.group(1) else None), hidden
    return None, {}


def rendered_pages(client, world):
    """(label, html) of every HTML page, each persona and language, and each form
    after a failed submit."""
    pages = []
    for language in ("pl", "en"):
        for e, persona in page_visits():
            # Some pages (a password-reset link) log the visitor out: start afresh.
            client.logout()
            if persona != ANONYMOUS:
                client.force_login(world.personas[persona])
            response = client.get(url_for(world, e.name, language))
            assert response.status_code == 200
            pages.append((f"{e.name}-{persona}-{language}", response.content))
    for name, persona, fields in FORM_CASES:
        client.logout()
        if persona != ANONYMOUS:
            client.force_login(world.personas[persona])
        data = {
            selector.removeprefix("#id_"): value
            for selector, value in form_fields(fields, world).items()
        }
        url = url_for(world, name, "pl")
        action, hidden = form_of(client.get(url).content.decode(), data)
        response = client.post(action or url, {**hidden, **data})
        assert response.status_code == 200
        assert b"error-summary" in response.content
        pages.append((f"{name}-{persona}-errors", response.content))
    pages.append(("not-found", client.get("/nie-ma-takiej-strony/").content))
    return pages


def html_errors(folder):
    java, jar = find_checker()
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [java, "-jar", str(jar), "--errors-only", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error"
    ]


def test_the_checker_reports_invalid_html(tmp_path):
    (tmp_path / "bad.html").write_text(
        '<!DOCTYPE html><html lang="pl"><head><title>x</title></head>'
        '<body><p id="a">1</p><p id="a">2</p></body></html>'
    )
    errors = html_errors(tmp_path)
    assert any("Duplicate ID" in error for error in errors)


@pytest.mark.django_db
def test_every_page_is_valid_html(client, world, tmp_path):
    find_checker()
    pages = rendered_pages(client, world)
    folder = tmp_path / "html"
    folder.mkdir()
    for label, html in pages:
        (folder / f"{label}.html").write_bytes(html)
    errors = html_errors(folder)
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors[:100])
    assert len(pages) > 40  # every page was checked, not just a few
