"""Project-wide smoke tests: migrations, translations, health check, CSRF, demo data."""

import io
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.test import Client
from django.utils import translation

from cwop_portal.models import SiteSettings

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.django_db
def test_no_model_change_is_missing_a_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit as exc:
        pytest.fail(f"Missing migrations:\n{out.getvalue()} ({exc})")


def test_polish_locale_loads():
    with translation.override("pl"):
        assert translation.gettext("Skip to main content") == "Przejdź do treści głównej"
        assert translation.gettext("Accessibility statement") == "Deklaracja dostępności"


@pytest.mark.parametrize("language", ["pl", "en"])
def test_compiled_translations_match_their_sources(language):
    po_path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    mo = {(e.msgctxt, e.msgid): e for e in polib.mofile(str(po_path.with_suffix(".mo")))}
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete or "fuzzy" in entry.flags or not entry.translated():
            continue
        compiled = mo.get((entry.msgctxt, entry.msgid))
        assert compiled is not None, f"{language}: not compiled: {entry.msgid!r} (make messages)"
        assert compiled.msgstr == entry.msgstr
        assert compiled.msgstr_plural == {int(k): v for k, v in entry.msgstr_plural.items()}


def test_polish_translation_is_complete_with_three_plural_forms():
    po = polib.pofile(str(ROOT / "locale" / "pl" / "LC_MESSAGES" / "django.po"))
    assert "nplurals=3" in po.metadata["Plural-Forms"]
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


@pytest.mark.django_db
def test_health_check_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.django_db
def test_health_check_answers_503_when_the_database_does_not(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("cwop_portal.views.connection.cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "text"), [("", "Formularz wygasł"), ("/en", "The form has expired")]
)
def test_a_forged_or_missing_csrf_token_gets_the_friendly_page(prefix, text):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"{prefix}/konto/login/", {"login": "a@example.org", "password": "x"})
    assert response.status_code == 403
    assert text in response.content.decode()


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_marks_its_records_as_demo():
    from django.contrib.auth import get_user_model

    User = get_user_model()
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    demo_users = User.objects.filter(is_demo=True)
    members = [user for user in demo_users if user.has_usable_password()]
    # The two demo members and the two demo jurors of the competitions log in.
    assert sorted(user.email for user in members) == [
        "czlonek2@example.com",
        "czlonek@example.com",
        "juror-demo@example.com",
        "jurorka-demo@example.com",
    ]
    # The other demo organisations' representatives: demo accounts nobody logs in as.
    representatives = demo_users.exclude(pk__in=[user.pk for user in members])
    assert representatives.exists()
    assert all(user.email.endswith("@demo.example.org") for user in representatives)
    assert User.objects.filter(is_demo=False).count() == 0
    site = SiteSettings.load()
    assert site.is_demo
    assert "demo" in site.street_address.lower() or "demonstracyjny" in site.street_address


@pytest.mark.django_db
def test_seed_demo_dry_run_changes_nothing():
    from django.contrib.auth import get_user_model

    call_command("seed_demo", "--dry-run", stdout=io.StringIO())
    assert get_user_model().objects.count() == 0
    assert not SiteSettings.load().is_demo


@pytest.mark.django_db
def test_demo_contact_details_are_labelled_as_demo_in_the_footer(client):
    call_command("seed_demo", stdout=io.StringIO())
    assert "danymi demonstracyjnymi" in client.get("/").content.decode().lower()


@pytest.mark.django_db
def test_local_admin_is_created_once_and_its_credentials_printed(settings, tmp_path):
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    out = io.StringIO()
    call_command("ensure_local_admin", stdout=out)
    assert "admin@example.com / " in out.getvalue()
    password = out.getvalue().split("admin@example.com / ")[1].split()[0]
    from django.contrib.auth import authenticate

    assert authenticate(email="admin@example.com", password=password).is_superuser
    again = io.StringIO()
    call_command("ensure_local_admin", stdout=again)
    assert password in again.getvalue()
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.filter(is_superuser=True).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("handler", "status", "polish", "english"),
    [
        ("bad_request", 400, "Nieprawidłowe żądanie", "Bad request"),
        ("permission_denied", 403, "Brak dostępu", "Access denied"),
    ],
)
def test_error_pages_are_friendly_in_both_languages(rf, handler, status, polish, english):
    from django.contrib.auth.models import AnonymousUser
    from django.views import defaults

    for language, text in (("pl", polish), ("en", english)):
        request = rf.get("/")
        request.user = AnonymousUser()
        with translation.override(language):
            response = getattr(defaults, handler)(request, exception=Exception())
        assert response.status_code == status
        assert text in response.content.decode()


@pytest.mark.django_db
def test_seed_demo_publishes_one_demo_document_that_downloads_as_a_pdf(client):
    from cwop_portal.models import Document

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    document = Document.objects.get()
    assert document.is_demo
    response = client.get("/dokumenty/")
    assert "Dokument demonstracyjny" in response.content.decode()
    download = client.get(document.get_absolute_url())
    body = b"".join(download.streaming_content)
    assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
