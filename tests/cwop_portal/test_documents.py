"""Documents: staff upload files, the public downloads them."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cwop_portal.models import Document
from tests.factories import MINIMAL_PDF, DocumentFactory

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(client, filename, content, **extra):
    data = {
        "title_pl": "Regulamin Centrum",
        "title_en": "Rules of the centre",
        "description_pl": "",
        "description_en": "",
        "file": SimpleUploadedFile(filename, content),
        "is_published": "on",
        "position": "0",
        **extra,
    }
    return client.post("/admin/cwop_portal/document/add/", data)


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("regulamin.doc", OLE2 + b"\x00" * (27 * 1024 - 8)),
        ("regulamin.pdf", MINIMAL_PDF),
        ("regulamin.docx", None),
        ("lista.csv", "tytuł;autor\nŁódź;Kowalski\n".encode()),
    ],
)
def test_staff_upload_a_document_that_is_then_listed_and_downloadable(
    client, staff, settings, filename, content
):
    client.force_login(staff)
    response = upload(client, filename, content if content is not None else docx_bytes())
    assert response.status_code == 302, response.content.decode()[:2000]
    document = Document.objects.get()
    assert document.file_size > 0
    client.logout()
    html = client.get("/dokumenty/").content.decode()
    assert "Regulamin Centrum" in html
    assert document.extension in html
    download = client.get(document.get_absolute_url())
    assert download.status_code == 200
    assert f'filename="{filename}"' in download["Content-Disposition"]


@pytest.mark.django_db
def test_document_list_shows_size_and_type(client):
    DocumentFactory(
        title_pl="Regulamin",
        file=SimpleUploadedFile("regulamin.doc", OLE2 + b"\x00" * (27 * 1024 - 8)),
    )
    html = client.get("/dokumenty/").content.decode()
    assert "27,0\xa0KB, DOC" in html
    assert "27.0\xa0KB, DOC" in client.get("/en/dokumenty/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("program.exe", b"MZ\x90\x00", "Pliki typu „exe” nie są przyjmowane."),
        (
            "udaje.pdf",
            b"MZ\x90\x00 not a pdf",
            "Zawartość pliku nie odpowiada rozszerzeniu „.pdf”.",
        ),
        ("udaje.docx", b"PK\x03\x04garbage", "Zawartość pliku nie odpowiada rozszerzeniu „.docx”."),
        ("pusty.pdf", b"", "Wysłany plik jest pusty."),
    ],
)
def test_wrong_type_upload_is_refused_with_a_message_and_nothing_stored(
    client, staff, settings, filename, content, message
):
    client.force_login(staff)
    response = upload(client, filename, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Document.objects.count() == 0
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_oversized_upload_is_refused_with_a_message_and_nothing_stored(client, staff, settings):
    settings.DOCUMENT_MAX_UPLOAD_SIZE = 1024
    client.force_login(staff)
    response = upload(client, "duzy.pdf", MINIMAL_PDF + b"0" * 2048)
    assert response.status_code == 200
    assert "Plik jest za duży" in response.content.decode()
    assert Document.objects.count() == 0
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_unpublished_documents_are_neither_listed_nor_downloadable(client):
    document = DocumentFactory(title_pl="Projekt wewnętrzny", is_published=False)
    assert "Projekt wewnętrzny" not in client.get("/dokumenty/").content.decode()
    assert client.get(document.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_document_list_query_count_does_not_grow_with_documents(
    client, django_assert_max_num_queries
):
    for _ in range(30):
        DocumentFactory()
    with django_assert_max_num_queries(4):
        response = client.get("/dokumenty/")
    html = response.content.decode()
    assert html.count('<li class="border-bottom py-3">') == 30
    # The library catalogue (always up to date) is offered above the documents.
    assert 'href="/biblioteka/biblioteczka.xlsx"' in html
