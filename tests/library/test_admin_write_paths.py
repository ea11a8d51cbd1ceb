"""The library's catalogue lists in the admin, as production runs them: outside a
test transaction (on PostgreSQL in CI), posted by a centre-staff member, checking
the database afterwards. Subjects and authors are saved and deleted through
`library.services`: the books' search text follows their names."""

import pytest
from django.urls import reverse

from library.models import Book, Subject
from tests.forms import page_errors, post_form

pytestmark = pytest.mark.django_db(transaction=True)


def document(book):
    return Book.objects.get(pk=book.pk).search_document


@pytest.mark.write_path("admin:library_subject_change", "admin:library_subject_delete")
def test_renaming_or_deleting_a_subject_updates_the_catalogue_search(staff_client, world):
    subject = world.book.subjects.get()
    url = reverse("admin:library_subject_change", args=[subject.pk])
    data = post_form(staff_client.get(url)).data(name_pl="Zbiórki publiczne")
    response = staff_client.post(url, data)
    assert response.status_code == 302, page_errors(response)
    assert " zbiorki publiczne" in document(world.book)

    url = reverse("admin:library_subject_delete", args=[subject.pk])
    assert staff_client.post(url, {"post": "yes"}).status_code == 302
    assert not Subject.objects.filter(pk=subject.pk).exists()
    assert " zbiorki" not in document(world.book)


@pytest.mark.write_path("admin:library_author_change")
def test_renaming_an_author_updates_the_catalogue_search(staff_client, world):
    author = world.book.book_authors.order_by("position").first().author
    url = reverse("admin:library_author_change", args=[author.pk])
    response = staff_client.post(url, post_form(staff_client.get(url)).data(name="Anna Zielińska"))
    assert response.status_code == 302, page_errors(response)
    assert " zielinska" in document(world.book)
    assert " kowalska" not in document(world.book)


@pytest.mark.write_path("admin:library_copy_add", "admin:library_book_change")
def test_a_new_copy_goes_to_the_reader_waiting_for_the_title(staff_client, world, mailoutbox):
    from library import services
    from library.models import Copy, Hold

    book = world.other_book  # its one copy is set aside for the member already
    first = services.hold_place(book=book, user=world.personas["other_ngo_member"])
    second = services.hold_place(book=book, user=world.personas["advisor"])
    assert (first.status, second.status) == (Hold.Status.WAITING, Hold.Status.WAITING)
    mailoutbox.clear()

    url = reverse("admin:library_copy_add")
    data = post_form(staff_client.get(url)).data(book=str(book.pk), inventory_number="B/0004")
    response = staff_client.post(url, data)
    assert response.status_code == 302, page_errors(response)
    first.refresh_from_db()
    assert first.status == Hold.Status.READY
    assert first.copy.inventory_number == "B/0004"
    assert Copy.objects.get(inventory_number="B/0004").status == Copy.Status.HELD
    assert [m.to for m in mailoutbox] == [[first.user.email]]

    url = reverse("admin:library_book_change", args=[book.pk])
    form = post_form(staff_client.get(url))
    total = int(form.data()["copies-TOTAL_FORMS"][0])
    response = staff_client.post(
        url,
        form.data(
            **{
                "copies-TOTAL_FORMS": str(total + 1),
                f"copies-{total}-inventory_number": "B/0005",
                f"copies-{total}-condition": "good",
            }
        ),
    )
    assert response.status_code == 302, page_errors(response)
    second.refresh_from_db()
    assert (second.status, second.copy.inventory_number) == (Hold.Status.READY, "B/0005")
