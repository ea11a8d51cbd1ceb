"""The default cache is shared by every app process: rate limits count once.

A local-memory cache is each process's own: with 3 gunicorn workers, 15 messages got
through a limit of 5. Without REDIS_URL the settings use the database cache, whose
table `migrate` creates; a system check refuses a per-process cache in production.
(The tests themselves run in one process on a local-memory cache: tests/settings.py.)
"""

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.core.checks import Error, run_checks
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from cwop_portal.checks import check_shared_cache
from tests.cwop_portal.test_settings import PRODUCTION_ENV, run_django, settings_value

DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"


# The settings


def test_without_redis_the_settings_use_the_database_cache(tmp_path):
    cache = settings_value("settings.CACHES['default']", PRODUCTION_ENV, tmp_path)

    assert cache["BACKEND"] == DATABASE_CACHE
    assert cache["LOCATION"] == "cwop_cache"


def test_with_redis_url_the_settings_use_redis(tmp_path):
    env = {**PRODUCTION_ENV, "REDIS_URL": "redis://127.0.0.1:6379/2"}

    cache = settings_value("settings.CACHES['default']", env, tmp_path)

    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/2"


CONSUME_THREE = (
    "from allauth.core import ratelimit; "
    "from django.test import RequestFactory; "
    "request = RequestFactory().post('/', REMOTE_ADDR='203.0.113.7'); "
    "print(' '.join(str(bool(ratelimit.consume("
    "request, action='contact_organization', key='1'))) for _ in range(3)))"
)


def test_two_processes_share_one_rate_limit_count(tmp_path):
    """Two processes on the default settings (SQLite, no REDIS_URL), each sending
    three contact messages from one address: the sixth is over the limit of five."""
    migrated = run_django(
        ["manage.py", "migrate", "cwop_portal", "-v", "0"], PRODUCTION_ENV, tmp_path
    )
    assert migrated.returncode == 0, migrated.stderr

    shell = ["manage.py", "shell", "--no-imports", "-c", CONSUME_THREE]
    first = run_django(shell, PRODUCTION_ENV, tmp_path)
    second = run_django(shell, PRODUCTION_ENV, tmp_path)

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert first.stdout.split() == ["True", "True", "True"]
    assert second.stdout.split() == ["True", "True", "False"]


# The system check


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    ],
)
def test_a_per_process_cache_is_an_error_in_production(backend):
    with override_settings(DEBUG=False, CACHES={"default": {"BACKEND": backend}}):
        errors = [e for e in run_checks() if e.id == "cwop_portal.E001"]

    assert len(errors) == 1
    assert isinstance(errors[0], Error)
    assert backend in errors[0].msg


def test_a_per_process_cache_is_fine_for_local_development():
    locmem = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    with override_settings(DEBUG=True, CACHES=locmem):
        assert check_shared_cache(None) == []


@pytest.mark.parametrize(
    "backend",
    [
        DATABASE_CACHE,
        "django.core.cache.backends.redis.RedisCache",
        "django.core.cache.backends.memcached.PyMemcacheCache",
    ],
)
def test_a_shared_cache_passes_the_check(backend):
    with override_settings(DEBUG=False, CACHES={"default": {"BACKEND": backend}}):
        assert check_shared_cache(None) == []


def test_production_settings_pass_the_check_on_their_own(tmp_path):
    result = run_django(["manage.py", "check", "--tag", "caches"], PRODUCTION_ENV, tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# The table, made by migrate


@pytest.mark.django_db(transaction=True)
def test_migrate_creates_the_table_createcachetable_would_make(capsys):
    assert "cwop_cache" in connection.introspection.table_names()

    call_command("createcachetable", "cwop_cache", verbosity=1)

    assert "Cache table 'cwop_cache' already exists." in capsys.readouterr().out
    with connection.cursor() as cursor:
        columns = {
            c.name: c for c in connection.introspection.get_table_description(cursor, "cwop_cache")
        }
        constraints = connection.introspection.get_constraints(cursor, "cwop_cache")
    assert set(columns) == {"cache_key", "value", "expires"}
    assert any(c["primary_key"] and c["columns"] == ["cache_key"] for c in constraints.values())
    assert any(c["index"] and c["columns"] == ["expires"] for c in constraints.values())


@pytest.mark.django_db(transaction=True)
def test_the_migration_leaves_an_existing_table_alone():
    from importlib import import_module

    migration = import_module("cwop_portal.migrations.0004_cache_table")
    with connection.schema_editor() as schema_editor:
        migration.create_cache_table(None, schema_editor)  # the table exists: nothing happens

    assert "cwop_cache" in connection.introspection.table_names()


@pytest.mark.django_db(transaction=True)
def test_the_database_cache_keeps_a_count_in_the_table():
    cache = DatabaseCache("cwop_cache", {"KEY_PREFIX": "cwop"})

    cache.set("attempts", 1, 60)
    cache.incr("attempts")

    assert cache.get("attempts") == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM cwop_cache")
        assert cursor.fetchone()[0] == 1
