"""WCAG 2.1 A/AA: axe-core in a real browser on every page, in both languages,
for visitors, members and staff, and on forms showing their errors."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from tests.catalogue import ADVISOR, ANONYMOUS, MEMBER, OTHER_MEMBER, STAFF, entry, page_visits

pytestmark = pytest.mark.browser

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
LANGUAGES = ["pl", "en"]

PAGE_CASES = [(e.name, persona, language) for e, persona in page_visits() for language in LANGUAGES]

# Each form, submitted with bad input: (URL name, persona, {selector: value}).
FORM_CASES = [
    ("account_signup", ANONYMOUS, {"#id_email": "not-an-address"}),
    ("account_login", ANONYMOUS, {"#id_login": "nobody@example.org", "#id_password": "x"}),
    ("account_reset_password", ANONYMOUS, {"#id_email": "not-an-address"}),
    ("account_profile", MEMBER, {"#id_first_name": ""}),
    # Staff: the members run organisations and borrow books, which keep their accounts.
    ("account_delete", STAFF, {"#id_password": "not-my-password"}),
    ("account_change_password", MEMBER, {"#id_oldpassword": "wrong"}),
    ("organizations:organization_contact", ANONYMOUS, {"#id_email": "not-an-address"}),
    ("organizations:organization_create", MEMBER, {"#id_nip": "8567346216"}),
    ("organizations:organization_edit", MEMBER, {"#id_name": ""}),
    ("organizations:news_create", MEMBER, {"#id_title": ""}),
    ("organizations:news_edit", MEMBER, {"#id_title": ""}),
    ("rooms:booking_create", MEMBER, {"#id_title": ""}),
    ("consultations:training_detail", ANONYMOUS, {"#id_email": "not-an-address"}),
    ("consultations:advisor_rule_create", ADVISOR, {"#id_ends": "08:00"}),
    ("consultations:advisor_exception_create", ADVISOR, {"#id_date": ""}),
    ("consultations:training_detail", MEMBER, {"#id_person-0-email": "not-an-address"}),
    ("cooperation:public_consultation_detail", MEMBER, {"#id_justification": ""}),
    ("awards:nominate", ANONYMOUS, {"#id_nominator_email": "not-an-address"}),
    # Fields named after a row of the world: {selector: value} from the world.
    (
        "awards:vote",
        ANONYMOUS,
        lambda world: {f"#id_kategoria-{world.jury_category.pk}-email": "not-an-address"},
    ),
    # The other organisation's member is the world's juror.
    (
        "awards:jury_nomination",
        OTHER_MEMBER,
        lambda world: {f"#id_criterion_{world.jury_criterion.pk}": "999"},
    ),
]


def form_fields(fields, world):
    """A form case's {selector: value}, given or computed from the world."""
    return fields(world) if callable(fields) else fields


def url_for(world, name, language):
    e = entry(name)
    kwargs = e.kwargs(world) if e.kwargs else {}
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def assert_no_violations(page):
    result = Axe().run(page, options=AXE_OPTIONS)
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in result.response["violations"]
    ]
    assert problems == [], f"{page.url}:\n" + "\n".join(problems)


@pytest.fixture
def axe_world(world, log_in):
    def open_as(persona):
        if persona != ANONYMOUS:
            log_in(world.personas[persona])
        return world

    return open_as


@pytest.mark.parametrize(
    ("name", "persona", "language"),
    PAGE_CASES,
    ids=[f"{n}-{p}-{lang}" for n, p, lang in PAGE_CASES],
)
def test_page_has_no_wcag_violations(page, axe_world, name, persona, language):
    world = axe_world(persona)
    response = page.goto(url_for(world, name, language))
    assert response.status == 200
    assert_no_violations(page)


@pytest.mark.parametrize(
    ("name", "persona", "fields"), FORM_CASES, ids=[f"{n}-{p}" for n, p, _ in FORM_CASES]
)
@pytest.mark.parametrize("language", LANGUAGES)
def test_form_showing_errors_has_no_wcag_violations(
    page, axe_world, name, persona, fields, language
):
    world = axe_world(persona)
    page.goto(url_for(world, name, language))
    for selector, value in form_fields(fields, world).items():
        page.fill(selector, value)
    page.locator("main form button[type=submit]").first.click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert page.title().startswith("Błąd:" if language == "pl" else "Error:")
    assert_no_violations(page)
