"""Uploaded files follow their transaction (cwop_portal/files.py).

A file written in a transaction that rolls back would stay in MEDIA_ROOT, part of
which the proxy serves to anybody; a file replaced by an update that then fails
would be gone while the row still names it. These tests run outside a test
transaction, as production does, force a failure after the file was written and
look at the media folder and the database.
"""

import io
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from PIL import Image

from cwop_portal.models import Document
from organizations.models import NewsAttachment, NewsPost, Organization
from organizations.services import news as news_services
from organizations.services import organizations as org_services
from tests.factories import MINIMAL_PDF

pytestmark = pytest.mark.django_db(transaction=True)


class Failure(Exception):
    """Something going wrong after the file was written."""


def stored(settings):
    """Paths of the files in the media folder, relative to it."""
    root = settings.MEDIA_ROOT
    if not root.exists():
        return set()
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def png(color=(10, 88, 202)):
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), color).save(buffer, "PNG")
    return buffer.getvalue()


def png_upload(name="logo.png", color=(10, 88, 202)):
    return SimpleUploadedFile(name, png(color), content_type="image/png")


def pdf_upload(name="regulamin.pdf"):
    return SimpleUploadedFile(name, MINIMAL_PDF * 40, content_type="application/pdf")


def write(name="notes/plik.txt"):
    return default_storage.save(name, ContentFile(b"content"))


# The helper: the default storage deletes what a rolled-back transaction wrote


def test_a_file_written_in_a_transaction_that_rolls_back_is_deleted(settings):
    with pytest.raises(Failure), transaction.atomic():
        name = write()
        assert stored(settings) == {name}  # readable inside the transaction
        raise Failure

    assert stored(settings) == set()


def test_a_file_written_in_a_transaction_that_commits_stays(settings):
    with transaction.atomic():
        name = write()

    assert stored(settings) == {name}


def test_a_file_written_in_a_savepoint_rolled_back_is_deleted_the_rest_stays(settings):
    with transaction.atomic():
        kept = write("notes/kept.txt")
        with pytest.raises(Failure), transaction.atomic():
            write("notes/dropped.txt")
            raise Failure
        assert stored(settings) == {kept}
        also_kept = write("notes/also-kept.txt")

    assert stored(settings) == {kept, also_kept}


def test_a_file_written_outside_a_transaction_stays(settings):
    name = write()

    assert stored(settings) == {name}


# Services


def test_a_new_organisation_failing_after_its_logo_was_stored_leaves_no_file(ngo_member, settings):
    with (
        mock.patch.object(org_services, "_history", side_effect=Failure),
        pytest.raises(Failure),
    ):
        org_services.organization_create(
            user=ngo_member,
            data={
                "name": "Stowarzyszenie Bojary",
                "legal_form": "association",
                "krs": "0000359730",
            },
            logo=png_upload(),
        )

    assert not Organization.objects.exists()
    assert stored(settings) == set()


def test_a_news_post_whose_caller_fails_after_it_leaves_no_image_or_attachment(staff, settings):
    with pytest.raises(Failure), transaction.atomic():
        news_services.news_create(
            user=staff,
            data={"title": "Nabór", "lead": "Wnioski do końca miesiąca.", "lead_image_alt": "Logo"},
            image=png_upload("naglowek.png"),
            attachments=[("Regulamin", pdf_upload())],
        )
        assert len(stored(settings)) == 2
        raise Failure

    assert not NewsPost.objects.exists()
    assert not NewsAttachment.objects.exists()
    assert stored(settings) == set()


@pytest.fixture
def organization_with_logo(ngo_member):
    return org_services.organization_create(
        user=ngo_member,
        data={"name": "Stowarzyszenie Bojary", "legal_form": "association", "krs": "0000359730"},
        logo=png_upload("stare-logo.png"),
    )


def test_a_replaced_logo_is_deleted_once_the_update_commits(
    organization_with_logo, ngo_member, settings
):
    old = organization_with_logo.logo.name

    org_services.organization_update(
        organization=organization_with_logo,
        user=ngo_member,
        data={"description": "Nowy opis"},
        logo=png_upload("nowe-logo.png", color=(200, 0, 0)),
    )

    new = Organization.objects.get().logo.name
    assert new != old
    assert stored(settings) == {new}


def test_a_failed_update_keeps_the_old_logo_and_stores_no_new_one(
    organization_with_logo, ngo_member, settings
):
    old = organization_with_logo.logo.name

    with (
        mock.patch.object(org_services, "_history", side_effect=Failure),
        pytest.raises(Failure),
    ):
        org_services.organization_update(
            organization=organization_with_logo,
            user=ngo_member,
            data={"description": "Nowy opis"},
            logo=png_upload("nowe-logo.png", color=(200, 0, 0)),
        )

    assert Organization.objects.get().logo.name == old
    assert stored(settings) == {old}


def test_a_removed_logo_is_deleted_once_the_update_commits(
    organization_with_logo, ngo_member, settings
):
    org_services.organization_update(
        organization=organization_with_logo, user=ngo_member, data={"logo": ""}
    )

    assert not Organization.objects.get().logo
    assert stored(settings) == set()


def test_a_file_another_row_still_names_is_not_deleted(settings):
    first = Document.objects.create(title_pl="Regulamin", file=pdf_upload())
    Document.objects.create(title_pl="Regulamin (kopia)", file=first.file.name)

    first.delete()

    assert stored(settings) == {Document.objects.get().file.name}


# The site


def url(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


PROFILE = {
    "name": "Stowarzyszenie Przyjaciół Bojar",
    "legal_form": "association",
    "krs": "359730",
    "city": "Białystok",
}


@pytest.mark.write_path("organizations:organization_create")
def test_a_member_adds_an_organisation_with_its_logo(client, ngo_member, settings):
    client.force_login(ngo_member)

    response = client.post(
        url("organizations:organization_create"), {**PROFILE, "logo": png_upload()}
    )

    assert response.status_code == 302
    organization = Organization.objects.get()
    assert stored(settings) == {organization.logo.name}


def test_a_profile_post_that_fails_after_storing_the_logo_leaves_no_file(
    client, ngo_member, settings
):
    client.force_login(ngo_member)

    with (
        mock.patch.object(org_services, "_history", side_effect=IntegrityError("forced")),
        pytest.raises(IntegrityError),
    ):
        client.post(url("organizations:organization_create"), {**PROFILE, "logo": png_upload()})

    assert not Organization.objects.exists()
    assert stored(settings) == set()


# The admin (each add or change form runs in one transaction)


DOCUMENT = {
    "title_pl": "Regulamin",
    "title_en": "",
    "description_pl": "",
    "position": "0",
    # The history inline of the change page (read-only; nothing in it is saved).
    "changes-TOTAL_FORMS": "0",
    "changes-INITIAL_FORMS": "0",
}


@pytest.mark.write_path("admin:cwop_portal_document_add")
def test_staff_add_a_document_with_its_file(staff_client, settings):
    response = staff_client.post(
        reverse("admin:cwop_portal_document_add"),
        {**DOCUMENT, "file": pdf_upload(), "is_published": "on"},
    )

    assert response.status_code == 302
    document = Document.objects.get()
    assert stored(settings) == {document.file.name}


def test_an_admin_form_failing_after_storing_the_file_leaves_none(staff_client, settings):
    from cwop_portal.admin import DocumentAdmin

    with (
        mock.patch.object(DocumentAdmin, "save_related", side_effect=Failure),
        pytest.raises(Failure),
    ):
        staff_client.post(
            reverse("admin:cwop_portal_document_add"), {**DOCUMENT, "file": pdf_upload()}
        )

    assert not Document.objects.exists()
    assert stored(settings) == set()


def test_an_admin_image_failing_after_being_stored_leaves_no_file(staff_client, settings):
    from library.admin.catalogue import BookAdmin
    from library.models import Book
    from tests.library.factories import book_form

    data = {**book_form(cover_alt="Zielona okładka"), "cover": png_upload("okladka.png")}
    with (
        mock.patch.object(BookAdmin, "save_related", side_effect=Failure),
        pytest.raises(Failure),
    ):
        staff_client.post(reverse("admin:library_book_add"), data)

    assert not Book.objects.exists()
    assert stored(settings) == set()


@pytest.mark.write_path("admin:cwop_portal_document_change")
def test_a_document_file_replaced_in_the_admin_is_deleted_after_commit(staff_client, settings):
    document = Document.objects.create(title_pl="Regulamin", file=pdf_upload("stary.pdf"))

    response = staff_client.post(
        reverse("admin:cwop_portal_document_change", args=[document.pk]),
        {**DOCUMENT, "file": pdf_upload("nowy.pdf"), "is_published": "on"},
    )

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.file.name.startswith("documents/") and "nowy" in document.file.name
    assert stored(settings) == {document.file.name}


def test_a_failed_change_in_the_admin_keeps_the_old_file(staff_client, settings):
    from cwop_portal.admin import DocumentAdmin

    document = Document.objects.create(title_pl="Regulamin", file=pdf_upload("stary.pdf"))
    old = document.file.name

    with (
        mock.patch.object(DocumentAdmin, "save_related", side_effect=Failure),
        pytest.raises(Failure),
    ):
        staff_client.post(
            reverse("admin:cwop_portal_document_change", args=[document.pk]),
            {**DOCUMENT, "file": pdf_upload("nowy.pdf")},
        )

    document.refresh_from_db()
    assert document.file.name == old
    assert stored(settings) == {old}


@pytest.mark.write_path("admin:cwop_portal_document_delete")
def test_a_document_deleted_in_the_admin_takes_its_file_along(staff_client, settings):
    document = Document.objects.create(title_pl="Regulamin", file=pdf_upload())

    response = staff_client.post(
        reverse("admin:cwop_portal_document_delete", args=[document.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Document.objects.exists()
    assert stored(settings) == set()


# The library's import file


CATALOGUE_CSV = "Tytuł;Autorzy;Numer inwentarzowy\nPoradnik;Anna Nowak;INW-1\n".encode()


@pytest.mark.write_path("admin:library_book_import")
def test_an_uploaded_import_file_is_kept_for_its_preview(staff_client, settings):
    from library.models import CatalogueImport

    response = staff_client.post(
        reverse("admin:library_book_import"),
        {"file": SimpleUploadedFile("katalog.csv", CATALOGUE_CSV, "text/csv")},
    )

    assert response.status_code == 302
    record = CatalogueImport.objects.get()
    assert stored(settings) == {record.file.name}


def test_an_import_upload_failing_after_storing_the_file_leaves_none(staff_client, settings):
    from library.models import CatalogueImport

    csv = CATALOGUE_CSV
    with (
        mock.patch.object(CatalogueImport, "save", side_effect=Failure),
        pytest.raises(Failure),
    ):
        staff_client.post(
            reverse("admin:library_book_import"),
            {"file": SimpleUploadedFile("katalog.csv", csv, "text/csv")},
        )

    assert not CatalogueImport.objects.exists()
    assert stored(settings) == set()
