"""Office files (DOCX, XLSX, ODT, ODS) are ZIP archives: their table of contents is
read whole before anything else, so a 20 MB file of empty entries would take a worker
seconds and over 100 MB. The validators read its length from the archive's end record
first and refuse one too long, before `zipfile` reads it."""

import functools
import io
import zipfile
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from cwop_portal.validators import (
    MAX_ZIP_ENTRIES,
    validate_document_file,
    validate_spreadsheet_file,
)

REFUSAL = [
    "The file is an archive of too many parts (at most 10,000) and was refused. "
    "Save it again from your office program and upload it again."
]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@functools.cache
def office_zip(entries, name_length=1):
    """A DOCX/XLSX-shaped archive with `entries` more empty entries (a ZIP64 one
    beyond 65,535)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for number in range(entries):
            archive.writestr(format(number, "x").rjust(name_length, "0"), b"")
    return buffer.getvalue()


def refusal(validator, name, content):
    with (
        mock.patch.object(zipfile, "ZipFile", side_effect=AssertionError("read the directory")),
        pytest.raises(ValidationError) as excinfo,
    ):
        validator(SimpleUploadedFile(name, content))
    return excinfo.value


@pytest.mark.parametrize(
    ("entries", "name_length"),
    [
        (MAX_ZIP_ENTRIES + 1, 1),  # too many entries
        (4_000, 300),  # few, but a directory over 1 MB
        (70_000, 1),  # a ZIP64 archive
    ],
    ids=["entries", "directory-size", "zip64"],
)
@pytest.mark.parametrize(
    ("validator", "name"),
    [
        (validate_document_file, "sprawozdanie.docx"),
        (validate_document_file, "budzet.xlsx"),
        (validate_spreadsheet_file, "biblioteczka.xlsx"),
    ],
)
def test_an_archive_with_a_huge_table_of_contents_is_refused_before_it_is_read(
    validator, name, entries, name_length
):
    error = refusal(validator, name, office_zip(entries, name_length))

    assert error.code == "too_many_parts"
    assert error.messages == REFUSAL


def test_a_document_with_a_usual_table_of_contents_is_accepted():
    validate_document_file(SimpleUploadedFile("sprawozdanie.docx", office_zip(200, 40)))


def test_an_archive_at_the_entry_limit_is_accepted():
    content = office_zip(MAX_ZIP_ENTRIES - 1)  # with [Content_Types].xml: the limit

    validate_spreadsheet_file(SimpleUploadedFile("biblioteczka.xlsx", content))


def test_a_truncated_archive_is_still_refused_as_not_matching_its_type():
    with pytest.raises(ValidationError) as excinfo:
        validate_document_file(SimpleUploadedFile("umowa.docx", office_zip(3)[:-10]))

    assert excinfo.value.code == "content_mismatch"
