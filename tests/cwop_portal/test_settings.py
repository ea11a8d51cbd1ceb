"""Settings come from the environment; production settings are safe."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-for-the-check-4f9c2e",
    "ALLOWED_HOSTS": "cwop.bialystok.example",
    "CSRF_TRUSTED_ORIGINS": "https://cwop.bialystok.example",
}


def run_django(args, env_overrides, tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "DATABASE_URL",
            "REDIS_URL",
            "SECURE_SSL_REDIRECT",
            # set for the browser tests' Playwright thread; a deployment never has it
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update({"DJANGO_SETTINGS_MODULE": "cwop_portal.settings", "VAR_DIR": str(tmp_path)})
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def settings_value(expression, env_overrides, tmp_path):
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({expression}, default=str))"
    )
    result = run_django(["-c", code], env_overrides, tmp_path)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_pass_the_deployment_check(tmp_path):
    result = run_django(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV, tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_portal_refuses_to_start_without_a_secret_key_in_production(tmp_path):
    result = run_django(["manage.py", "check"], {"ALLOWED_HOSTS": "example.org"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_switched_on(tmp_path):
    assert settings_value("settings.DEBUG", PRODUCTION_ENV, tmp_path) is False
    assert settings_value("settings.DEBUG", {"DEBUG": "1"}, tmp_path) is True


def test_default_database_is_sqlite_with_wal_and_immediate_transactions(tmp_path):
    db = settings_value("settings.DATABASES['default']", {"DEBUG": "1"}, tmp_path)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(tmp_path / "db.sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_database_url_selects_postgresql(tmp_path):
    db = settings_value(
        "settings.DATABASES['default']",
        {"DEBUG": "1", "DATABASE_URL": "postgres://cwop:secret@db.internal:5432/cwop"},
        tmp_path,
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["NAME"], db["USER"]) == ("db.internal", "cwop", "cwop")


def test_redis_cache_is_used_when_redis_url_is_set(tmp_path):
    backend = settings_value(
        "settings.CACHES['default']['BACKEND']",
        {"DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/1"},
        tmp_path,
    )
    assert backend == "django.core.cache.backends.redis.RedisCache"
    # Without Redis: the database cache, shared by every process (#12; not a
    # per-process local-memory cache, which let each worker count rate limits alone).
    local = settings_value("settings.CACHES['default']['BACKEND']", {"DEBUG": "1"}, tmp_path)
    assert local == "django.core.cache.backends.db.DatabaseCache"


def test_ssl_redirect_can_be_switched_off_for_a_tls_terminating_proxy(tmp_path):
    env = {**PRODUCTION_ENV, "SECURE_SSL_REDIRECT": "0", "BEHIND_TLS_PROXY": "1"}
    assert settings_value("settings.SECURE_SSL_REDIRECT", env, tmp_path) is False
    assert settings_value("settings.SECURE_PROXY_SSL_HEADER", env, tmp_path) == [
        "HTTP_X_FORWARDED_PROTO",
        "https",
    ]


def test_email_goes_to_the_console_in_development_and_smtp_in_production(tmp_path):
    assert settings_value("settings.EMAIL_BACKEND", {"DEBUG": "1"}, tmp_path).endswith(
        "console.EmailBackend"
    )
    assert settings_value("settings.EMAIL_BACKEND", PRODUCTION_ENV, tmp_path).endswith(
        "smtp.EmailBackend"
    )


def test_time_zone_is_warsaw_and_polish_is_the_default_language(settings):
    assert settings.TIME_ZONE == "Europe/Warsaw"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "pl"


@pytest.mark.django_db
def test_collectstatic_builds_hashed_compressed_files_with_bootstrap(tmp_path):
    env = {**PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path / "static")}
    result = run_django(["manage.py", "collectstatic", "--noinput"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed_css = manifest["paths"]["bootstrap/css/bootstrap.min.css"]
    assert hashed_css != "bootstrap/css/bootstrap.min.css"
    assert (tmp_path / "static" / f"{hashed_css}.gz").exists()
    assert "bootstrap/js/bootstrap.bundle.min.js" in manifest["paths"]


def test_the_migrations_check_runs_without_configuration(tmp_path):
    result = run_django(["manage.py", "makemigrations", "--check", "--dry-run"], {}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout
