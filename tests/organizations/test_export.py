"""Open data: the published directory as CSV and JSON, streamed, public fields only."""

import csv
import datetime
import io
import json

import pytest
from django.http import StreamingHttpResponse

from organizations.models import Organization
from tests.organizations.factories import (
    DistrictFactory,
    FieldOfActivityFactory,
    OrganizationFactory,
    TargetGroupFactory,
    many_organizations,
)

pytestmark = pytest.mark.django_db

CSV_URL = "/organizacje/eksport.csv"
JSON_URL = "/organizacje/eksport.json"
KEYS = [
    "name",
    "slug",
    "legal_form",
    "krs",
    "nip",
    "regon",
    "is_opp",
    "fields",
    "target_groups",
    "district",
    "address",
    "postal_code",
    "website",
    "url",
    "updated_at",
]


@pytest.fixture
def published(db):
    return OrganizationFactory(
        name="Fundacja Ścieżka",
        slug="fundacja-sciezka",
        legal_form=Organization.LegalForm.FOUNDATION,
        krs="0000359730",
        nip="8567346215",
        regon="192598184",
        is_opp=True,
        fields_of_activity=[
            # Listed in the vocabulary's order (position), not alphabetically.
            FieldOfActivityFactory(name_pl="Pomoc społeczna", name_en="Social", position=1),
            FieldOfActivityFactory(name_pl="Kultura i sztuka", name_en="Culture", position=2),
        ],
        target_groups=[TargetGroupFactory(name_pl="Seniorzy opiekuńczy", name_en="Seniors")],
        district=DistrictFactory(name="Piaski"),
        street_address="ul. Lipowa 1",
        postal_code="15-424",
        website="https://sciezka.example.org/",
        public_email="tajny@sciezka.example.org",
        show_email=True,
        phone="+48 600 000 000",
    )


@pytest.fixture
def unpublished(db):
    return [
        OrganizationFactory(name=f"Ukryta {status}", status=status, rejection_reason="Brak")
        for status in ["draft", "pending", "rejected", "archived"]
    ]


def content(response):
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def csv_rows(client, url=CSV_URL):
    data = content(client.get(url))
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def json_records(client, url=JSON_URL):
    return json.loads(content(client.get(url)).decode("utf-8"))


# --- CSV ----------------------------------------------------------------------------


def test_csv_is_a_streamed_utf8_attachment_with_a_byte_order_mark(client, published):
    response = client.get(CSV_URL)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="organizacje-bialystok.csv"'
    data = content(response)
    assert data.startswith(b"\xef\xbb\xbfname,slug,")
    assert "Fundacja Ścieżka".encode() in data


def test_csv_has_the_documented_columns_in_order_and_one_row_per_published_organisation(
    client, published, unpublished
):
    rows = csv_rows(client)
    assert rows[0] == KEYS
    assert len(rows) == 2
    row = dict(zip(KEYS, rows[1], strict=True))
    assert row == {
        "name": "Fundacja Ścieżka",
        "slug": "fundacja-sciezka",
        "legal_form": "foundation",
        "krs": "0000359730",
        "nip": "8567346215",
        "regon": "192598184",
        "is_opp": "true",
        "fields": "Pomoc społeczna; Kultura i sztuka",
        "target_groups": "Seniorzy opiekuńczy",
        "district": "Piaski",
        "address": "ul. Lipowa 1",
        "postal_code": "15-424",
        "website": "https://sciezka.example.org/",
        "url": "http://testserver/organizacje/fundacja-sciezka/",
        "updated_at": row["updated_at"],
    }
    assert datetime.datetime.fromisoformat(row["updated_at"]).tzinfo is not None


def test_csv_leaves_out_missing_values_and_neutralises_spreadsheet_formulas(client):
    OrganizationFactory(
        name='=HYPERLINK("https://evil.example")',
        legal_form=Organization.LegalForm.INITIATIVE_GROUP,
        krs=None,
        is_opp=False,
    )
    row = dict(zip(KEYS, csv_rows(client)[1], strict=True))
    assert row["name"] == '\'=HYPERLINK("https://evil.example")'
    assert row["krs"] == ""
    assert row["district"] == ""
    assert row["fields"] == ""
    assert row["is_opp"] == "false"


def test_an_empty_directory_gives_a_csv_with_only_the_header(client):
    assert csv_rows(client) == [KEYS]


# --- JSON ---------------------------------------------------------------------------


def test_json_is_a_streamed_array_of_objects_with_the_documented_keys_in_order(
    client, published, unpublished
):
    response = client.get(JSON_URL)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    records = json.loads(content(response).decode("utf-8"))
    assert len(records) == 1
    record = records[0]
    assert list(record) == KEYS
    assert record == {
        "name": "Fundacja Ścieżka",
        "slug": "fundacja-sciezka",
        "legal_form": "foundation",
        "krs": "0000359730",
        "nip": "8567346215",
        "regon": "192598184",
        "is_opp": True,
        "fields": ["Pomoc społeczna", "Kultura i sztuka"],
        "target_groups": ["Seniorzy opiekuńczy"],
        "district": "Piaski",
        "address": "ul. Lipowa 1",
        "postal_code": "15-424",
        "website": "https://sciezka.example.org/",
        "url": "http://testserver/organizacje/fundacja-sciezka/",
        "updated_at": record["updated_at"],
    }
    assert datetime.datetime.fromisoformat(record["updated_at"]).tzinfo is not None


def test_json_gives_null_for_a_missing_district(client):
    OrganizationFactory(district=None)
    assert json_records(client)[0]["district"] is None


def test_an_empty_directory_gives_an_empty_json_array(client):
    assert json_records(client) == []


def test_the_english_address_of_the_export_gives_the_same_data(client, published):
    assert json_records(client, "/en" + JSON_URL) == json_records(client)
    assert csv_rows(client, "/en" + CSV_URL) == csv_rows(client)


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_exports_never_contain_email_addresses_or_phone_numbers(client, published, url):
    data = content(client.get(url)).decode("utf-8-sig")
    assert "@" not in data
    assert "tajny" not in data
    assert "600 000 000" not in data


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_exports_are_ordered_by_name(client, url):
    for name in ["Gamma", "Alfa", "Beta"]:
        OrganizationFactory(name=name)
    if url == CSV_URL:
        names = [row[0] for row in csv_rows(client)[1:]]
    else:
        names = [record["name"] for record in json_records(client)]
    assert names == ["Alfa", "Beta", "Gamma"]


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_exports_run_a_constant_number_of_queries(client, django_assert_max_num_queries, url):
    organizations = many_organizations(60)
    with django_assert_max_num_queries(10):
        data = content(client.get(url)).decode("utf-8-sig")
    assert data.count("stowarzyszenie-testowe-") == len(organizations) * 2  # slug and url
    assert organizations[5].district.name in data


def test_exports_refuse_writes(client):
    assert client.post(CSV_URL).status_code == 405
    assert client.post(JSON_URL).status_code == 405
