"""The yearly report's registry (cwop_portal.yearly_figures) and cooperation's own
figures: the providers in their order, open to more, each reading a fixed number of
queries; the figures frozen as JSON and read back; the downloads' formats."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cooperation import figures
from cooperation.models import PublicConsultation, Remark
from cwop_portal import yearly_figures
from cwop_portal.spreadsheets import csv_response
from cwop_portal.yearly_figures import HOURS, PERCENT, Column, Row, Section, Table, TableRow
from tests.factories import local
from tests.organizations.factories import OrganizationFactory
from tests.rooms.factories import BookingFactory

ORDER = [
    "organizations",
    "rooms",
    "consultations",
    "mail",
    "library",
    "news",
    "competitions",  # the awards app's (awards/figures.py)
    "public_consultations",
]


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def rows(section):
    return {str(row.label): row.value for row in section.rows}


def consultation(slug, end, status=PublicConsultation.Status.REPORT_PUBLISHED):
    return PublicConsultation.objects.create(
        title_pl=f"Projekt {slug}",
        slug=slug,
        office="Departament Spraw Społecznych",
        start=end - datetime.timedelta(days=21),
        end=end,
        status=status,
        report_published_at=end if status == PublicConsultation.Status.REPORT_PUBLISHED else None,
    )


def remark(consultation, organization, position="", status=Remark.Status.ACTIVE):
    return Remark.objects.create(
        consultation=consultation,
        organization=organization,
        organization_name=organization.name if organization else "",
        author_name="Ewa Nowak",
        author_email="ewa@example.org",
        justification="Uzasadnienie.",
        position=position,
        position_justification="Wyjaśnienie." if position in ("partly", "rejected") else "",
        status=status,
    )


@pytest.mark.django_db
def test_public_consultations_whose_deadline_fell_in_the_year(django_assert_num_queries):
    first, second, third = OrganizationFactory(), OrganizationFactory(), OrganizationFactory()
    late = consultation("grudzien", local(2025, 12, 31, 23, 30))
    early = consultation("styczen", local(2025, 1, 1, 0, 30), PublicConsultation.Status.OPEN)
    remark(late, first, Remark.Position.ACCEPTED)
    remark(late, first, Remark.Position.PARTLY)
    remark(late, second, Remark.Position.REJECTED)
    remark(early, second)  # no position yet: not in the share
    remark(early, None)  # a resident
    remark(early, third, Remark.Position.ACCEPTED, Remark.Status.WITHDRAWN)
    # Not in 2025: the deadline in the next year (still 2025 in UTC), a draft.
    next_year = consultation("nowy-rok", local(2026, 1, 1, 0, 30))
    remark(next_year, third, Remark.Position.ACCEPTED)
    draft = consultation("szkic", local(2025, 6, 1), PublicConsultation.Status.DRAFT)
    remark(draft, third)

    with django_assert_num_queries(2):
        section = figures.public_consultations(2025)

    assert rows(section) == {
        "Public consultations held (deadline in the year)": 2,
        "Remarks sent": 5,
        "Organisations that sent remarks": 2,
        "Remarks with the city's position": 3,
        "Remarks accepted in whole or in part": 2,
        "Share of remarks accepted in whole or in part": Decimal("66.7"),
    }
    assert (
        rows(figures.public_consultations(2024))["Share of remarks accepted in whole or in part"]
        is None
    )


def test_the_providers_run_in_their_order_and_the_registry_stays_open(monkeypatch):
    assert [key for _order, key, _provider in yearly_figures.providers()] == ORDER

    def grants(year):
        return Section(title="Grants", rows=(Row("Grants given", year - 2024),))

    monkeypatch.setitem(yearly_figures._providers, "grants", (66, grants))
    keys = [key for _order, key, _provider in yearly_figures.providers()]
    assert keys == [*ORDER[:-1], "grants", ORDER[-1]]


@pytest.mark.django_db
def test_collect_reads_a_fixed_number_of_queries_whatever_the_data(monkeypatch):
    with CaptureQueriesContext(connection) as empty:
        sections = yearly_figures.collect(2025)
    assert [section.key for section in sections] == ORDER
    for number in range(6):
        organization = OrganizationFactory(published_at=local(2025, 2, 1))
        BookingFactory(organization=organization, start=local(2025, 3, 3 + number, 10))
        late = consultation(f"k-{number}", local(2025, 9, 1 + number))
        remark(late, organization, Remark.Position.ACCEPTED)
    with CaptureQueriesContext(connection) as full:
        sections = yearly_figures.collect(2025)
    assert len(full.captured_queries) == len(empty.captured_queries)
    assert rows(sections[-1])["Remarks sent"] == 6


SECTIONS = [
    Section(
        title="Rooms",
        rows=(Row("Hours booked", Decimal("1234.50"), HOURS), Row("Share", None, PERCENT)),
        tables=(
            Table(
                "By room",
                "Room",
                (Column("Hours", HOURS), Column("Bookings")),
                (TableRow("=SUM(A1)", (Decimal("2.25"), 3)),),
            ),
        ),
        key="rooms",
    )
]


def test_frozen_figures_read_back_the_same_in_each_language():
    frozen = yearly_figures.freeze(SECTIONS)
    assert set(frozen) == {"pl", "en"}
    assert frozen["en"][0]["rows"][0] == {
        "label": "Hours booked",
        "value": "1234.50",
        "kind": "hours",
    }
    assert yearly_figures.thaw(frozen, "en") == SECTIONS
    assert yearly_figures.thaw({"pl": frozen["pl"]}, "en") == SECTIONS  # Polish as fallback


@pytest.mark.parametrize(
    "frozen",
    [None, [], "x", {"pl": "x"}, {"pl": [1, {"rows": "x", "tables": [{"rows": [{"values": 5}]}]}]}],
)
def test_malformed_figures_are_left_out_not_an_error(frozen):
    for section in yearly_figures.thaw(frozen, "pl"):
        assert section.rows == ()


def test_the_csv_opens_in_a_polish_excel():
    response = csv_response(
        "raport.csv",
        yearly_figures.csv_header(),
        yearly_figures.csv_rows(SECTIONS),
        polish_excel=True,
    )
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert lines[0] == ["Section", "Table", "Name", "Figure", "Value", "Unit"]
    assert lines[1] == ["Rooms", "", "Hours booked", "", "1234,50", "hours"]
    assert lines[2] == ["Rooms", "", "Share", "", "", "%"]
    assert lines[3] == ["Rooms", "By room", "'=SUM(A1)", "Hours", "2,25", "hours"]
    assert lines[4] == ["Rooms", "By room", "'=SUM(A1)", "Bookings", "3", ""]


def test_the_workbook_keeps_numbers_as_numbers():
    book = yearly_figures.workbook(SECTIONS, title="Raport 2025", computed="dziś")
    loaded = openpyxl.load_workbook(io.BytesIO(book.content()))
    summary = loaded.worksheets[0]
    assert summary["A2"].value == "Hours booked"
    assert summary["B2"].value == 1234.5
    by_room = loaded["By room"]
    assert [c.value for c in by_room[2]] == ["=SUM(A1)", 2.25, 3]
    assert by_room["A2"].data_type == "s"
