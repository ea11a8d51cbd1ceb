"""Many people at once: the helpers every concurrency test uses.

These tests need real transactions and real concurrent connections
(`@pytest.mark.django_db(transaction=True)`): each thread of `run_together` opens its
own connection and closes it at the end.

SQLite: Django's test database is in memory ("shared cache"), where a second
connection that wants to write gets "database table is locked" at once instead of
waiting, unlike a database file. So on SQLite the threaded tests copy the test
database to a file for their duration (fixture `threads_share_a_database`, in the
test's own temporary folder, so also per pytest-xdist worker): WAL and IMMEDIATE
transactions (settings.py) then behave as in production. Checks of PostgreSQL's
exclusion constraints are skipped on SQLite (`postgresql_only`): it has none, by design.

The fixture is available to every test (tests/conftest.py loads this module).
"""

import sqlite3
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="SQLite has no exclusion constraints (by design); there the booking "
    "service's IMMEDIATE transactions keep overlaps out, as the threaded tests show",
)


@pytest.fixture
def threads_share_a_database(tmp_path):
    """On SQLite's in-memory test database, move to a file copy for this test."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    connection.ensure_connection()
    memory = connection.connection
    path = str(tmp_path / "threads.sqlite3")
    copy = sqlite3.connect(path)
    memory.backup(copy)
    copy.close()
    name = connection.settings_dict["NAME"]
    # The settings dictionary is shared by every thread's connection; keep the
    # in-memory database alive (closing its last connection would drop it).
    connection.connection = None
    connection.settings_dict["NAME"] = path
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
        connection.connection = memory


def run_together(calls):
    """Run each of `calls` in its own thread, released together by a barrier.
    Returns [(result or None, exception or None)] in the order of `calls`."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            with translation.override("en"):
                barrier.wait(timeout=30)
                try:
                    outcomes[index] = (call(), None)
                except Exception as exc:  # noqa: BLE001 - every kind is counted below
                    outcomes[index] = (None, exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return outcomes
