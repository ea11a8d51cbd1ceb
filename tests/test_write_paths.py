"""Every write path of the portal has a test that runs it outside a test transaction.

The write paths are found, not listed by hand: the pages of the URL catalogue that
take a POST (asked of the running views: a page that only reads answers a POST with
405), and the admin's add, change and delete forms, actions and pages of its own,
walked through the admin registry as centre staff and as a superuser see them. The
tests that cover them are found through their `write_path` marks (see
tests/write_paths.py, which also checks that a marked test really POSTs there outside
a test transaction).
"""

import importlib
import inspect
import pkgutil

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import get_resolver, reverse

import tests
from tests.catalogue import ANONYMOUS, CATALOGUE, MEMBER, PERSONAS

# Pages the admin adds beyond add/change/delete: whether each writes. A page that
# only reads must refuse a POST (checked below), so none can write unnoticed.
ADMIN_PAGES = {
    "admin:auth_user_password_change": "writes",
    "admin:rooms_booking_agenda": "reads",
    "admin:rooms_booking_report": "reads",
    "admin:consultations_appointment_stats": "reads",
    "admin:consultations_training_attendees": "reads",
    "admin:library_desk": "writes",
    "admin:library_overdue": "reads",
    "admin:library_book_import": "writes",
    "admin:library_book_import_preview": "writes",
    "admin:library_book_export": "reads",
    "admin:cooperation_publicconsultation_provisions": "writes",
    "admin:cooperation_publicconsultation_preview": "reads",
    "admin:cooperation_programmeyear_report": "reads",
    "admin:awards_edition_progress": "reads",
    "admin:awards_edition_ranking": "writes",
    "admin:awards_edition_scores_csv": "reads",
    "admin:awards_edition_scores_xlsx": "reads",
    "admin:awards_vote_suspicious": "reads",
}
# The admin site's own pages that write (the session, a password).
ADMIN_SITE_WRITES = {"admin:login", "admin:logout", "admin:password_change"}
STANDARD_ADMIN_VIEWS = ("changelist", "add", "history", "delete", "change", "autocomplete")


def declared_write_paths():
    """Every path named by a `write_path` mark in the test modules (on a function, a
    class, a module, or a parametrised case)."""
    names = set()

    def marks_of(obj):
        marks = getattr(obj, "pytestmark", [])
        return marks if isinstance(marks, list) else [marks]

    def collect(marks):
        for mark in marks:
            if mark.name == "write_path":
                names.update(mark.args)
            elif mark.name == "parametrize":
                for value in mark.args[1]:
                    collect(getattr(value, "marks", ()))

    for module_info in pkgutil.walk_packages(tests.__path__, "tests."):
        if not module_info.name.rsplit(".", 1)[-1].startswith("test_"):
            continue
        module = importlib.import_module(module_info.name)
        module_marks = marks_of(module)
        for _name, obj in vars(module).items():
            if inspect.isfunction(obj) and obj.__name__.startswith("test_"):
                collect(module_marks + marks_of(obj))
            elif inspect.isclass(obj) and obj.__name__.startswith("Test"):
                for attribute in vars(obj).values():
                    if inspect.isfunction(attribute):
                        collect(module_marks + marks_of(obj) + marks_of(attribute))
    return names


def persona_for_post(entry):
    """Someone who may use the page (or the POST-only endpoint)."""
    for persona in [MEMBER, ANONYMOUS, *PERSONAS]:
        if entry.statuses[persona] in {200, 405}:
            return persona
    return MEMBER


def site_write_paths(world):
    """Catalogued pages that do not refuse a POST."""
    found = set()
    for entry in CATALOGUE:
        client = Client()
        persona = persona_for_post(entry)
        if persona != ANONYMOUS:
            client.force_login(world.personas[persona])
        kwargs = entry.kwargs(world) if entry.kwargs else {}
        response = client.post(reverse(entry.name, kwargs=kwargs))
        assert response.status_code < 500, entry.name
        if response.status_code != 405:
            found.add(entry.name)
    return found


def admin_write_paths(users):
    """What the admin lets centre staff or a superuser write, model by model."""
    found = set(ADMIN_SITE_WRITES)
    for user in users:
        request = RequestFactory().get("/admin/")
        request.user = user
        for model, model_admin in admin.site._registry.items():
            opts = model._meta
            prefix = f"{opts.app_label}_{opts.model_name}"
            if model_admin.has_add_permission(request):
                found.add(f"admin:{prefix}_add")
            sample = model._default_manager.order_by("pk").first()
            if model_admin.has_change_permission(request, sample):
                found.add(f"admin:{prefix}_change")
            if model_admin.has_delete_permission(request):
                found.add(f"admin:{prefix}_delete")
            if model_admin.list_editable and model_admin.has_change_permission(request):
                found.add(f"admin:{prefix}_changelist")  # rows edited in the list itself
            if model_admin.has_view_or_change_permission(request):
                found.update(
                    f"admin:{prefix}_changelist:{action}"
                    for action in model_admin.get_actions(request)
                )
            for pattern in model_admin.get_urls():
                name = f"admin:{pattern.name}"
                if pattern.name and pattern.name.removeprefix(prefix + "_") not in (
                    STANDARD_ADMIN_VIEWS
                ):
                    assert name in ADMIN_PAGES, f"say in ADMIN_PAGES whether {name} writes"
                    if ADMIN_PAGES[name] == "writes":
                        found.add(name)
    return found


@pytest.fixture
def superuser(db):
    from tests.factories import UserFactory

    return UserFactory(email="root@cwop.example.org", is_staff=True, is_superuser=True)


@pytest.mark.django_db
def test_every_write_path_runs_outside_a_test_transaction_in_some_test(world, superuser):
    required = site_write_paths(world) | admin_write_paths([world.personas["staff"], superuser])
    missing = required - declared_write_paths()
    assert missing == set(), (
        "write paths without a test outside a test transaction "
        "(@pytest.mark.django_db(transaction=True) + @pytest.mark.write_path(...)): "
        + ", ".join(sorted(missing))
    )


def url_name_exists(view_name):
    resolver = get_resolver()
    *namespaces, short = view_name.split(":")
    try:
        for namespace in namespaces:
            resolver = resolver.namespace_dict[namespace][1]
    except KeyError:
        return False
    return short in resolver.reverse_dict


@pytest.mark.django_db
def test_every_declared_write_path_exists(superuser):
    """A mark naming a path that is gone (or misspelt) covers nothing."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    actions = {
        f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist:{action}"
        for model, model_admin in admin.site._registry.items()
        for action in model_admin.get_actions(request)
    }
    unknown = [
        name
        for name in declared_write_paths()
        if name not in actions and not (name.count(":") < 2 and url_name_exists(name))
    ]
    assert unknown == []


# How to build the address of an admin page of its own that takes arguments.
ADMIN_PAGE_KWARGS = {
    "admin:consultations_training_attendees": lambda world: {"pk": world.training.pk},
    "admin:library_book_export": lambda world: {"fmt": "xlsx"},
    "admin:cooperation_publicconsultation_preview": lambda world: {
        "pk": world.public_consultation.pk
    },
    "admin:awards_edition_progress": lambda world: {"pk": world.jury_edition.pk},
    "admin:awards_edition_scores_csv": lambda world: {"pk": world.jury_edition.pk},
    "admin:awards_edition_scores_xlsx": lambda world: {"pk": world.jury_edition.pk},
}


@pytest.mark.django_db
def test_admin_pages_that_only_read_refuse_a_post(client, world, superuser):
    client.force_login(superuser)
    for name, kind in ADMIN_PAGES.items():
        if kind == "reads":
            kwargs = ADMIN_PAGE_KWARGS.get(name, lambda world: {})(world)
            assert client.post(reverse(name, kwargs=kwargs)).status_code == 405, name
