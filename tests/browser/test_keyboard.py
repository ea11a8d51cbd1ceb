"""A form used with the keyboard only: order, visible focus, errors tied to fields."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def focused(page):
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {
                id: el.id, tag: el.tagName.toLowerCase(), text: el.innerText || "",
                outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
                boxShadow: style.boxShadow,
            };
        }"""
    )


def assert_focus_visible(state):
    assert (state["outline"] != "none" and state["outlineWidth"] >= 2) or state[
        "boxShadow"
    ] not in ("", "none"), state


def test_sign_up_form_works_with_the_keyboard_alone(page):
    page.goto("/konto/signup/")

    page.keyboard.press("Tab")
    state = focused(page)
    assert state["text"] == "Przejdź do treści głównej"
    assert_focus_visible(state)
    expect(page.locator(".skip-link")).to_be_in_viewport()

    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"

    # From the main content, the tab order follows the form from top to bottom.
    order = []
    for _ in range(12):
        page.keyboard.press("Tab")
        state = focused(page)
        assert_focus_visible(state)
        order.append(state["id"] or state["tag"])
        if state["tag"] == "button":
            break
    fields = [item for item in order if item.startswith("id_")]
    assert fields == ["id_email", "id_first_name", "id_last_name", "id_password1", "id_password2"]
    assert order[-1] == "button"

    # Type an invalid address only, and send the form with Enter.
    page.focus("#id_email")
    page.keyboard.type("to-nie-adres")
    page.keyboard.press("Enter")

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    assert page.title().startswith("Błąd:")

    email = page.locator("#id_email")
    expect(email).to_have_attribute("aria-invalid", "true")
    described_by = email.get_attribute("aria-describedby").split()
    error = page.locator(f"#{described_by[0]}")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Wprowadź poprawny adres email")

    # The summary links take the keyboard user to the field.
    page.keyboard.press("Tab")
    first_link = focused(page)
    assert first_link["tag"] == "a"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#id_email$"))
