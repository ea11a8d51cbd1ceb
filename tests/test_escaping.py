"""User- and staff-written text never becomes HTML on a page (except sanitised
Markdown): a script payload in every text field of every model is escaped."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import translation

from cwop_portal.models import AccessibilityStatement
from tests.catalogue import ANONYMOUS, page_visits

PORTAL_APPS = ["cwop_portal", "organizations", "rooms", "consultations", "library"]
PAYLOAD = '"><script>alert("xss")</script><img src=x onerror=alert(1)>'
SHORT_PAYLOAD = "<u>"  # fits fields too short for the full payload (e.g. postal codes)
NOT_FREE_TEXT = (models.URLField, models.SlugField)  # validated formats, tested below
# Hashes, fixed page keys and generated tokens are never typed by people; the
# database accepts only digits for KRS and a book's computed ISBN-13 (what staff
# typed, `isbn_as_typed`, gets the payload).
SKIPPED_FIELDS = {"password", "key", "krs", "token", "isbn"}


def text_fields(model):
    for field in model._meta.get_fields():
        if (
            isinstance(field, models.CharField | models.TextField)
            and not isinstance(field, NOT_FREE_TEXT)
            and not field.choices
            and field.name not in SKIPPED_FIELDS
            and (not field.max_length or field.max_length >= len(SHORT_PAYLOAD))
        ):
            yield field


def payload_for(field):
    return PAYLOAD if not field.max_length or field.max_length >= len(PAYLOAD) else SHORT_PAYLOAD


def fill_every_text_field_with_a_payload():
    filled = {}
    for label in PORTAL_APPS:
        for model in apps.get_app_config(label).get_models():
            fields = list(text_fields(model))
            if not fields:
                continue
            rows = list(model.objects.values_list("pk", flat=True))
            # Fields unique on their own or in a constraint (e-mail addresses) get the
            # row's key appended.
            in_constraints = {
                name
                for constraint in model._meta.constraints
                for name in getattr(constraint, "fields", ())
            }
            for pk in rows:
                model.objects.filter(pk=pk).update(
                    **{
                        f.name: payload_for(f)
                        + (str(pk) if f.unique or f.name in in_constraints else "")
                        for f in fields
                    }
                )
            filled[model._meta.label] = len(rows)
    return filled


def pages_as_everyone(client, world):
    for language in ("pl", "en"):
        for e, persona in page_visits():
            client.logout()
            if persona != ANONYMOUS:
                client.force_login(world.personas[persona])
            with translation.override(language):
                url = reverse(e.name, kwargs=e.kwargs(world) if e.kwargs else {})
            yield url, client.get(url).content.decode()


@pytest.mark.django_db
def test_a_script_payload_in_every_text_field_is_escaped_on_every_page(client, world):
    filled = fill_every_text_field_with_a_payload()
    # Every model with text has rows, so each payload had a chance to show.
    assert all(filled.values()), filled
    assert {"cwop_portal.Page", "cwop_portal.Document", "cwop_portal.SiteSettings"} <= set(filled)
    checked = 0
    for url, html in pages_as_everyone(client, world):
        checked += 1
        assert "<script>alert" not in html, url
        assert "onerror=alert" not in html.replace("onerror=alert(1)&gt;", ""), url
        assert "<img src=x" not in html, url
        assert SHORT_PAYLOAD not in html, url
    assert checked > 20


@pytest.mark.django_db
def test_links_in_the_accessibility_statement_accept_only_web_addresses():
    statement = AccessibilityStatement.load()
    statement.burden_analysis_url = "javascript:alert(1)"
    with pytest.raises(ValidationError) as error:
        statement.full_clean()
    assert "burden_analysis_url" in error.value.message_dict
