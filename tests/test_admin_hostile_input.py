"""Hostile input in the admin's addresses never gives a 5xx either.

Staff follow links that others could craft (a bookmarked filter, a link in an e-mail),
so every admin list (walked through the admin registry) gets hostile values in its
search, page and ordering and in every filter parameter its sidebar offers, and the
admin's own pages (agenda, report, statistics, desk, overdue list, attendee list,
export, import preview) in the parameters they read; the change pages get ids that
are not numbers or do not exist.
"""

import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib import admin
from django.core.signals import got_request_exception
from django.urls import reverse

pytestmark = pytest.mark.django_db

VALUES = ["\x00", "a" * 3000, "99999999999999999999", "-1", "9999-12-31", "9999-W52"]


@pytest.fixture
def server_errors():
    """Exceptions raised by views, which the test client would otherwise turn into
    a 500 page only for the first one."""
    caught = []

    def note(sender, request=None, **kwargs):
        caught.append(request.get_full_path() if request else "?")

    got_request_exception.connect(note)
    yield caught
    got_request_exception.disconnect(note)


def filter_parameters(html):
    """The query parameters the list's filter sidebar links use."""
    sidebar = html[html.find('id="changelist-filter"') :]
    names = set()
    for href in re.findall(r'href="([^"]*)"', sidebar):
        names.update(name for name, _value in parse_qsl(urlsplit(unescape(href)).query))
    return names


@pytest.fixture
def superuser(db):
    from tests.factories import UserFactory

    return UserFactory(email="root@cwop.example.org", is_staff=True, is_superuser=True)


def test_every_admin_list_takes_hostile_search_paging_ordering_and_filters(
    client, world, superuser, server_errors
):
    client.raise_request_exception = False
    client.force_login(superuser)
    failures = []
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        page = client.get(url)
        names = {"q", "p", "o"} | filter_parameters(page.content.decode())
        for name in sorted(names):
            for value in VALUES:
                response = client.get(url, {name: value})
                if response.status_code >= 500:
                    failures.append(f"{url}?{name}={value[:20]!r}: {response.status_code}")
        for bad in ("0", "99999999999999999999", "abc", "%00"):
            change = url + f"{bad}/change/"
            status = client.get(change).status_code
            if status >= 500:
                failures.append(f"{change}: {status}")
    assert failures == [], "\n".join(failures)
    assert server_errors == []


# The admin's own pages and the query parameters each reads.
OWN_PAGES = [
    ("admin:rooms_booking_agenda", {}, ["dzien", "widok"]),
    ("admin:rooms_booking_report", {}, ["rok", "od", "do", "format"]),
    ("admin:cooperation_programmeyear_report", {}, ["rok", "format"]),
    ("admin:consultations_appointment_stats", {}, ["rok", "od", "do", "format", "tabela"]),
    ("admin:library_desk", {}, ["inventory_number"]),
    ("admin:library_overdue", {}, ["strona", "format"]),
    ("admin:awards_vote_suspicious", {}, ["edition", "okno", "prog"]),
]


def test_the_admins_own_pages_take_hostile_parameters(client, world, superuser, server_errors):
    client.raise_request_exception = False
    client.force_login(superuser)
    failures = []
    pages = [
        *OWN_PAGES,
        ("admin:consultations_training_attendees", {"pk": world.training.pk}, ["format"]),
    ]
    for name, kwargs, parameters in pages:
        url = reverse(name, kwargs=kwargs)
        for parameter in parameters:
            for value in VALUES:
                response = client.get(url, {parameter: value})
                if response.status_code >= 500:
                    failures.append(f"{url}?{parameter}={value[:20]!r}: {response.status_code}")
    assert failures == [], "\n".join(failures)
    assert server_errors == []


def test_every_admin_page_of_its_own_is_tried():
    """A new admin page (listed in tests/test_write_paths.py) must be added here."""
    from tests.test_write_paths import ADMIN_PAGES

    tried = {name for name, _kwargs, _parameters in OWN_PAGES} | {
        "admin:consultations_training_attendees",
        "admin:library_book_export",  # reads no parameter
        # Pages that take a POST: their GET shows a form or a preview of a stored file.
        "admin:library_book_import",
        "admin:library_book_import_preview",
        "admin:cooperation_publicconsultation_provisions",  # a form; tested in cooperation
        "admin:cooperation_publicconsultation_preview",  # reads no parameter
        "admin:auth_user_password_change",
        "admin:awards_edition_progress",  # reads no parameter
        "admin:awards_edition_ranking",  # its forms post; tested in tests/awards
        "admin:awards_edition_scores_csv",  # reads no parameter
        "admin:awards_edition_scores_xlsx",  # reads no parameter
    }
    assert set(ADMIN_PAGES) - tried == set()


def test_a_nul_byte_in_an_admin_address_is_a_bad_request(client, superuser):
    """The lists' choice filters pass their values straight to the database, which on
    PostgreSQL refuses NUL (it was a server error on every such filter)."""
    client.force_login(superuser)
    response = client.get("/admin/rooms/booking/", {"status__exact": "\x00"})
    assert response.status_code == 400
    assert client.get("/admin/rooms/booking/", {"status__exact": "confirmed"}).status_code == 200
