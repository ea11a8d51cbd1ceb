import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db.models.sql import compiler
from django.db.transaction import TransactionManagementError
from django.dispatch import receiver
from django.urls import clear_url_caches, get_resolver
from django.utils import translation

from cwop_portal.roles import ADVISORS, CENTRE_STAFF
from tests import write_paths
from tests.awards import world as awards_world
from tests.consultations import world as consultations_world
from tests.cooperation import world as cooperation_world
from tests.cwop_portal import world as cwop_portal_world
from tests.factories import UserFactory
from tests.library import world as library_world
from tests.organizations import world as organizations_world
from tests.rooms import world as rooms_world

# Fixtures shared by the test modules of every app (`threads_share_a_database`).
pytest_plugins = ["tests.concurrency"]

# --- Production's transactions inside a test transaction ---------------------------------
# A test inside pytest-django's transaction would let `select_for_update` run where
# production is in autocommit mode (PostgreSQL then refuses it: a 500). The test's
# own transaction does not count: a row lock needs one the code opened itself.
_as_sql = compiler.SQLCompiler.as_sql


def _as_sql_in_a_real_transaction(self, *args, **kwargs):
    if self.query.select_for_update and (
        self.connection.get_autocommit() or write_paths.in_test_transaction_only(self.connection)
    ):
        raise TransactionManagementError(
            "select_for_update cannot be used outside of a transaction "
            "(the test's own transaction does not count)."
        )
    return _as_sql(self, *args, **kwargs)


compiler.SQLCompiler.as_sql = _as_sql_in_a_real_transaction


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A test marked `write_path` must POST to each path it names outside a test
    transaction (see tests/write_paths.py)."""
    declared = {name for mark in item.iter_markers("write_path") for name in mark.args}
    if declared:
        write_paths.start()
    result = yield
    if declared:
        missing = declared - write_paths.posted_outside_a_test_transaction()
        if missing:
            raise AssertionError(
                "marked write_path but never POSTed outside a test transaction: "
                + ", ".join(sorted(missing))
            )
    return result


# The migrations' initial data (pages, vocabularies, topics, groups): a test outside a
# test transaction empties the tables after itself, so it is put back before each.
DATA_MIGRATIONS = [
    ("cwop_portal.migrations.0002_initial_content", "create_content"),
    ("organizations.migrations.0003_initial_terms", "create_terms"),
    ("rooms.migrations.0003_initial_equipment_and_hours", "add_initial_data"),
    ("consultations.migrations.0003_initial_topics", "add_initial_data"),
    ("library.migrations.0003_subjects_and_settings", "add_initial_data"),
]


@pytest.fixture
def portal_content(transactional_db):
    for module, function in DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)
    from cwop_portal.roles import sync_role_groups

    sync_role_groups()


def _is_transactional(request):
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _initial_data_outside_test_transactions(request):
    if _is_transactional(request):
        request.getfixturevalue("portal_content")


@receiver(setting_changed)
def _language_changed(*, setting, **kwargs):
    """URL resolvers cache each language's address prefix (none for the default
    language): a test that changes LANGUAGE_CODE must not leave its prefixes behind."""
    if setting == "LANGUAGE_CODE":
        clear_url_caches()


@pytest.fixture(scope="session", autouse=True)
def _views_imported_with_the_default_settings():
    """Some modules read a setting when they are imported (the news feeds' language is
    LANGUAGE_CODE): import every view before any test changes a setting, whichever test
    a process (a pytest-xdist worker) happens to run first."""
    get_resolver().url_patterns  # noqa: B018 - loading the URLconf imports the views


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Each test gets an empty cache (rate limits), its own media folder, and starts
    in the default language (a request to an English page leaves English active in
    the thread)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    translation.deactivate()
    yield
    cache.clear()
    translation.deactivate()


@pytest.fixture
def resident(client):
    """An anonymous visitor: residents need no account."""
    return client


@pytest.fixture
def ngo_member(db):
    return UserFactory(email="member@ngo-a.example.org", first_name="Anna", last_name="Nowak")


@pytest.fixture
def other_ngo_member(db):
    return UserFactory(email="member@ngo-b.example.org", first_name="Piotr", last_name="Wiśniewski")


@pytest.fixture
def staff(db):
    user = UserFactory(email="staff@cwop.example.org", is_staff=True)
    user.groups.add(Group.objects.get(name=CENTRE_STAFF))
    return user


@pytest.fixture
def staff_client(client, staff):
    """The test client, logged in as centre staff (for the admin)."""
    client.force_login(staff)
    return client


@pytest.fixture
def advisor(db):
    user = UserFactory(email="advisor@cwop.example.org")
    user.groups.add(Group.objects.get(name=ADVISORS))
    return user


class World:
    """One of everything, for the checks that visit every page: each app's builder
    (tests/<app>/world.py) adds its objects, in the order of the apps' dependencies."""


WORLD_BUILDERS = [
    cwop_portal_world.build,
    organizations_world.build,
    rooms_world.build,
    consultations_world.build,
    library_world.build,
    cooperation_world.build,
    awards_world.build,
]


@pytest.fixture
def world(db, ngo_member, other_ngo_member, advisor, staff):
    w = World()
    w.personas = {
        "ngo_member": ngo_member,
        "other_ngo_member": other_ngo_member,
        "advisor": advisor,
        "staff": staff,
    }
    for build in WORLD_BUILDERS:
        build(w)
    return w
