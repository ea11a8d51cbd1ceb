"""Uploaded files: which are public, and that the public ones are served.

Images (re-encoded on upload) are loaded straight from their folders of MEDIA_ROOT,
listed once in settings.PUBLIC_MEDIA_PREFIXES: the proxy serves them in production
(README), the portal with DEBUG. Other files go through a view of the portal (which
hides unpublished ones) or are never served. A new upload folder must be put in one
of these places, or the walk below fails: advisors' photos were never shown because
their folder was missing from the list.
"""

import io
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from PIL import Image

from cwop_portal.images import validate_image_upload
from tests.consultations.factories import AdvisorFactory
from tests.factories import DocumentFactory

ROOT = Path(__file__).resolve().parents[1]

# Files that are not public images: the view that serves them (checking that they may
# be shown), or None for files the portal never serves.
SERVED_BY_A_VIEW = {
    "cwop_portal.Document.file": "document_download",
    "organizations.NewsAttachment.file": "organizations:news_attachment",
    "consultations.TrainingMaterial.file": "consultations:training_material",
    "cooperation.PublicConsultation.file": "cooperation:public_consultation_file",
    "cooperation.ProgrammeYear.file": "cooperation:programme_document",
    "cooperation.TeamMeetingDocument.file": "cooperation:team_document",
    "awards.Edition.regulations": "awards:edition_document",
    "awards.Edition.consent_form": "awards:edition_document",
    "awards.Nomination.consent_file": "awards:nomination_consent_file",
    "awards.NominationAttachment.file": "awards:nomination_attachment",
    "library.CatalogueImport.file": None,  # an uploaded spreadsheet, for staff's import only
}


def file_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                yield f"{model._meta.label}.{field.name}", field


def folder(field):
    """The fixed start of a field's upload_to ("consultations/advisors/%Y/" →
    "consultations/advisors/")."""
    assert isinstance(field.upload_to, str), f"{field}: a callable upload_to is not checked"
    return field.upload_to.split("%")[0]


def is_public(path):
    return any(path.startswith(prefix) for prefix in settings.PUBLIC_MEDIA_PREFIXES)


def url_names(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_upload_folder_is_public_or_served_through_a_view():
    configured = set(url_names(get_resolver().url_patterns))
    problems = []
    for label, field in file_fields():
        if isinstance(field, models.ImageField):
            if not is_public(folder(field)):
                problems.append(f"{label}: add {folder(field)!r} to PUBLIC_MEDIA_PREFIXES")
            if validate_image_upload not in field.validators:
                problems.append(f"{label}: a public image must be checked (validate_image_upload)")
        elif is_public(folder(field)):
            problems.append(f"{label}: a file that is not an image in a public folder")
        elif label not in SERVED_BY_A_VIEW:
            problems.append(f"{label}: say which view serves it (SERVED_BY_A_VIEW)")
        elif SERVED_BY_A_VIEW[label] and SERVED_BY_A_VIEW[label] not in configured:
            problems.append(f"{label}: no view {SERVED_BY_A_VIEW[label]!r}")

    assert problems == []


def test_every_public_folder_holds_images_of_some_field():
    image_folders = {
        folder(field) for _, field in file_fields() if isinstance(field, models.ImageField)
    }

    for prefix in settings.PUBLIC_MEDIA_PREFIXES:
        assert prefix.endswith("/")
        assert any(path.startswith(prefix) for path in image_folders), prefix


def production_section():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme[readme.index("## Production") :].split("\n## ", 1)[0]


def test_the_readme_proxy_setup_serves_exactly_the_public_folders():
    section = production_section()
    expected = {f"/media/{prefix}" for prefix in settings.PUBLIC_MEDIA_PREFIXES}

    assert set(re.findall(r"`(/media/[a-z/_-]+/)`", section)) == expected
    (alternatives,) = re.findall(r"location ~ \^/media/\(([^)]*)\)/", section)
    assert {f"/media/{name}/" for name in alternatives.split("|")} == expected


# Served


def jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), (10, 88, 202)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.django_db
def test_an_advisors_photo_on_their_page_is_served(client, settings):
    settings.DEBUG = True  # the portal serves public images itself (the proxy in production)
    advisor = AdvisorFactory(
        name="Ewa Kowalska", photo=ContentFile(jpeg(), name="ewa.jpg"), photo_alt="Ewa przy biurku"
    )

    page = client.get(f"/konsultacje/doradcy/{advisor.slug}/").content.decode()
    (src,) = re.findall(r'<img src="([^"]+)" alt="Ewa przy biurku"', page)
    response = client.get(src)

    assert src.startswith("/media/consultations/advisors/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == jpeg()


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", settings.PUBLIC_MEDIA_PREFIXES)
def test_every_public_folder_is_served_in_local_development(client, settings, prefix):
    settings.DEBUG = True
    (settings.MEDIA_ROOT / prefix / "2026").mkdir(parents=True)
    (settings.MEDIA_ROOT / prefix / "2026" / "obraz.jpg").write_bytes(jpeg())

    assert client.get(f"/media/{prefix}2026/obraz.jpg").status_code == 200


@pytest.mark.django_db
def test_other_files_are_never_served_from_the_media_folder(client, settings):
    settings.DEBUG = True
    document = DocumentFactory(is_published=False)

    assert client.get(f"/media/{document.file.name}").status_code == 404
    assert client.get("/media/library/imports/2026/katalog.xlsx").status_code == 404


@pytest.mark.django_db
def test_in_production_the_portal_leaves_public_images_to_the_proxy(client, settings):
    advisor = AdvisorFactory(photo=ContentFile(jpeg(), name="ewa.jpg"), photo_alt="Ewa")

    assert not settings.DEBUG
    assert client.get(advisor.photo.url).status_code == 404
