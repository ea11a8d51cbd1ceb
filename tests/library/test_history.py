"""Books, copies and the lending rules keep a history: who, when, what (old → new),
written by the services and the admin's saves, shown in the admin in Polish words."""

from django.urls import reverse
from django.utils import translation

from library import services
from library.models import Copy, LibrarySettings
from tests.forms import admin_save, history_cells, page_errors
from tests.library.factories import BookFactory, CopyFactory


def records(subject):
    return list(
        subject.changes.order_by("created_at", "pk").values_list("user", "action", "changes")
    )


def test_a_books_new_title_is_in_its_history(staff_client, staff):
    book = BookFactory(title="Fundraising od podstaw")
    url = reverse("admin:library_book_change", args=[book.pk])
    response = admin_save(staff_client, url, title="Fundraising w praktyce")
    assert response.status_code == 302, page_errors(response)
    assert records(book) == [
        (staff.pk, "changed", {"title": ["Fundraising od podstaw", "Fundraising w praktyce"]})
    ]
    assert "Tytuł: Fundraising od podstaw → Fundraising w praktyce" in history_cells(
        staff_client, url
    )


def test_a_copy_added_withdrawn_restored_and_edited_keeps_each_step(staff_client, staff):
    copy = services.copy_add(copy=Copy(book=BookFactory(), inventory_number="H/1"), by=staff)
    services.copy_withdraw(copy=copy, by=staff, reason="Zalana okładka")
    services.copy_restore(copy=copy, by=staff)
    url = reverse("admin:library_copy_change", args=[copy.pk])
    response = admin_save(staff_client, url, condition=Copy.Condition.WORN)
    assert response.status_code == 302, page_errors(response)

    assert records(copy) == [
        (staff.pk, "created", {"status": "available"}),
        (staff.pk, "withdrawn", {"status": ["available", "withdrawn"]}),
        (staff.pk, "restored", {"status": ["withdrawn", "available"]}),
        (staff.pk, "changed", {"condition": ["good", "worn"]}),
    ]
    cells = history_cells(staff_client, url)
    with translation.override("pl"):
        withdrawn = f"Status: {Copy.Status.AVAILABLE.label} → {Copy.Status.WITHDRAWN.label}"
    assert withdrawn in cells
    assert "Zalana okładka" in cells
    assert "Stan: dobry → zużyty" in cells


def test_a_copy_edited_on_its_books_page_is_in_the_copys_history(staff_client, staff):
    copy = CopyFactory(inventory_number="H/2", notes="")
    url = reverse("admin:library_book_change", args=[copy.book.pk])
    response = admin_save(staff_client, url, **{"copies-0-condition": Copy.Condition.DAMAGED})
    assert response.status_code == 302, page_errors(response)
    assert records(copy) == [(staff.pk, "changed", {"condition": ["good", "damaged"]})]


def test_staff_change_the_lending_rules_and_the_history_says_which(staff_client, staff):
    row = LibrarySettings.load()
    url = reverse("admin:library_librarysettings_change", args=[row.pk])
    response = admin_save(staff_client, url, loan_days="21")
    assert response.status_code == 302, page_errors(response)
    assert records(row) == [(staff.pk, "changed", {"loan_days": [30, 21]})]
    assert "Okres wypożyczenia (w dniach): 30 → 21" in history_cells(staff_client, url)
