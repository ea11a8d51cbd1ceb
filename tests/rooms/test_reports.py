"""The usage report: confirmed bookings per month, per resource and per organisation,
in local months, on the page and in the CSV and XLSX downloads."""

import csv
import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from rooms.models import Booking
from rooms.reports import usage_report
from tests.factories import local
from tests.organizations.factories import OrganizationFactory
from tests.rooms.factories import BoardSpaceFactory, BookingFactory, ResourceFactory

pytestmark = pytest.mark.django_db

REPORT = "/admin/rooms/booking/report/"
JAN, FEB, MAR, APR = (datetime.date(2024, m, 1) for m in (1, 2, 3, 4))


@pytest.fixture
def data_set():
    """A small year (2024) whose sums are known."""
    room_a = ResourceFactory(name_pl="Sala A", position=1)
    room_b = ResourceFactory(name_pl="Sala B", position=2)
    board = BoardSpaceFactory(name_pl="Tablica w holu")
    x = OrganizationFactory(name="Fundacja Xenia")
    y = OrganizationFactory(name="Stowarzyszenie Ýpsilon")
    formula = OrganizationFactory(name='=HYPERLINK("http://x.example","klik")')

    def confirmed(resource, organization, start, hours, attendees, **extra):
        return BookingFactory(
            resource=resource,
            organization=organization,
            start=start,
            end=start + datetime.timedelta(hours=hours),
            attendees=attendees,
            **extra,
        )

    # January: A 2 h (X, 10 people) + A 1.5 h (Y, 4) + B 1 h (X, 3)
    confirmed(room_a, x, local(2024, 1, 9, 10), 2, 10)
    confirmed(room_a, y, local(2024, 1, 9, 13), 1.5, 4)
    confirmed(room_b, x, local(2024, 1, 10, 9), 1, 3)
    # February: A 2 h (X, 8); not counted: cancelled, rejected, pending
    confirmed(room_a, x, local(2024, 2, 6, 10), 2, 8)
    confirmed(room_a, y, local(2024, 2, 7, 10), 3, 9, status=Booking.Status.CANCELLED)
    confirmed(room_b, y, local(2024, 2, 7, 10), 3, 9, status=Booking.Status.REJECTED)
    confirmed(room_a, x, local(2024, 2, 8, 10), 3, 9, status=Booking.Status.PENDING)
    # 1 April 00:30 in Warsaw is still 31 March in UTC: it counts in April.
    confirmed(room_b, formula, local(2024, 4, 1, 0, 30), 1, 2)
    # Outside 2024
    confirmed(room_a, x, local(2023, 12, 31, 10), 4, 20)
    confirmed(room_a, x, local(2025, 1, 1, 10), 4, 20)
    # Board space: a week of posters in January (days, not hours)
    confirmed(board, y, local(2024, 1, 15), 7 * 24, 2)
    return {"room_a": room_a, "room_b": room_b, "board": board, "x": x, "y": y, "f": formula}


def row(rows, label):
    (found,) = [r for r in rows if r.label == label]
    return found


def test_the_report_adds_up_confirmed_bookings_per_local_month(data_set):
    report = usage_report(JAN, datetime.date(2024, 12, 1))
    assert len(report.months) == 12
    assert [r.label for r in report.by_resource] == ["Sala A", "Sala B"]

    room_a = row(report.by_resource, "Sala A")
    assert [m.hours for m in room_a.months[:4]] == [3.5, 2, 0, 0]
    assert (room_a.total.hours, room_a.total.bookings, room_a.total.attendees) == (5.5, 3, 22)
    room_b = row(report.by_resource, "Sala B")
    assert [m.hours for m in room_b.months[:4]] == [1, 0, 0, 1]

    x = row(report.by_organization, "Fundacja Xenia")
    assert [m.hours for m in x.months[:2]] == [3, 2]
    assert x.total.bookings == 3 and x.total.attendees == 21
    y = row(report.by_organization, "Stowarzyszenie Ýpsilon")
    assert [m.hours for m in y.months[:2]] == [1.5, 0]  # the cancelled one is not counted
    # Sorted by name, case and diacritics aside (punctuation too).
    assert [r.label for r in report.by_organization] == [
        "Fundacja Xenia",
        '=HYPERLINK("http://x.example","klik")',
        "Stowarzyszenie Ýpsilon",
    ]

    per_month = report.per_month
    assert [(m.hours, m.bookings, m.attendees) for m in per_month.months[:4]] == [
        (4.5, 3, 17),
        (2, 1, 8),
        (0, 0, 0),
        (1, 1, 2),
    ]
    assert (per_month.total.hours, per_month.total.bookings, per_month.total.attendees) == (
        7.5,
        5,
        27,
    )
    (board,) = report.board_space
    assert board.label == "Tablica w holu"
    assert (board.months[0].days, board.total.days, board.total.bookings) == (7, 7, 1)


def test_a_range_of_months_may_span_two_years(data_set):
    report = usage_report(datetime.date(2023, 12, 1), FEB)
    assert report.month_labels == ["2023-12", "2024-01", "2024-02"]
    assert [m.hours for m in report.per_month.months] == [4, 4.5, 2]


def test_the_report_page_shows_the_tables(client, staff, data_set):
    client.force_login(staff)
    response = client.get(REPORT, {"rok": "2024"}, HTTP_ACCEPT_LANGUAGE="pl")
    assert response.status_code == 200
    html = response.content.decode()
    for table in ("months", "resources", "organizations", "board-space"):
        assert re.search(rf'<table id="report-{table}">\s*<caption>', html)
    assert 'scope="row"' in html and 'scope="col"' in html
    assert "Fundacja Xenia" in html and "Tablica w holu" in html
    assert "=HYPERLINK(&quot;" in html  # escaped, as text
    assert "?rok=2024&amp;format=csv" in html and "?rok=2024&amp;format=xlsx" in html
    report = response.context["report"]
    assert report.first_month == JAN and report.per_month.total.bookings == 5


def test_the_report_defaults_to_the_current_year(client, staff):
    client.force_login(staff)
    report = client.get(REPORT).context["report"]
    today = datetime.date.today()
    assert (report.first_month, report.last_month) == (
        datetime.date(today.year, 1, 1),
        datetime.date(today.year, 12, 1),
    )
    assert report.is_empty


def test_the_report_takes_a_range_of_months(client, staff, data_set):
    client.force_login(staff)
    response = client.get(REPORT, {"rok": "2020", "od": "2024-02", "do": "2024-04"})
    report = response.context["report"]
    assert report.month_labels == ["2024-02", "2024-03", "2024-04"]
    assert report.per_month.total.bookings == 2


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"od": "2024-05", "do": "2024-01"}, "do"),
        ({"od": "2024-13", "do": "2024-12"}, "od"),
        ({"od": "garbage", "do": "2024-12"}, "od"),
        ({"od": "2024-01"}, "do"),
        ({"od": "2000-01", "do": "2099-12"}, "do"),
        ({"rok": "1800"}, "rok"),
        ({"rok": "dwa tysiące"}, "rok"),
    ],
)
def test_a_wrong_period_is_shown_on_its_field(client, staff, query, field):
    client.force_login(staff)
    response = client.get(REPORT, query)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["report"] is None
    assert 'aria-invalid="true"' in response.content.decode()
    # A download with a wrong period gives the page with the error, not a file.
    response = client.get(REPORT, {**query, "format": "csv"})
    assert response["Content-Type"].startswith("text/html")


def csv_rows(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_csv_download_carries_the_same_numbers(client, staff, data_set):
    client.force_login(staff)
    response = client.get(REPORT, {"rok": "2024", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="rezerwacje-2024-01-2024-12.csv"' in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert len(header) == 7
    assert all(len(r) == 7 for r in rows)
    by_name_month = {(r[1], r[2]): r for r in rows if r[2].startswith("2024")}
    assert by_name_month[("Sala A", "2024-01")][3:] == ["3.5", "", "2", "14"]
    assert by_name_month[("Sala A", "2024-02")][3:] == ["2.0", "", "1", "8"]
    assert by_name_month[("Fundacja Xenia", "2024-01")][3:] == ["3.0", "", "2", "13"]
    assert by_name_month[("Stowarzyszenie Ýpsilon", "2024-01")][3] == "1.5"
    assert by_name_month[("Tablica w holu", "2024-01")][3:] == ["", "7", "1", ""]
    assert ("Stowarzyszenie Ýpsilon", "2024-02") not in by_name_month  # cancelled
    assert ("Sala A", "2023-12") not in by_name_month
    # A name that would run as a formula is neutralised.
    assert any(r[1] == '\'=HYPERLINK("http://x.example","klik")' for r in rows)
    assert not any(cell.startswith(("=", "+", "@")) for r in rows for cell in r)


def test_the_xlsx_download_opens_and_carries_the_same_numbers(client, staff, data_set):
    client.force_login(staff)
    response = client.get(REPORT, {"rok": "2024", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="rezerwacje-2024-01-2024-12.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    resources, organizations, months, board, about = workbook.worksheets

    header = [cell.value for cell in resources[1]]
    assert header[1:3] == ["2024-01", "2024-02"] and len(header) == 14
    rows = {r[0]: r[1:] for r in resources.iter_rows(min_row=2, values_only=True)}
    assert rows["Sala A"][:4] == (3.5, 2, 0, 0) and rows["Sala A"][-1] == 5.5
    assert all(isinstance(v, int | float) for v in rows["Sala A"])
    assert resources.column_dimensions["A"].width >= 8
    assert resources.freeze_panes == "B2"

    orgs = {r[0]: r[1:] for r in organizations.iter_rows(min_row=2, values_only=True)}
    assert orgs["Fundacja Xenia"][:2] == (3, 2)
    formula_name = '=HYPERLINK("http://x.example","klik")'
    assert orgs[formula_name][3] == 1
    formula_cell = next(c for c in organizations["A"] if c.value == formula_name)
    assert formula_cell.data_type == "s"  # text, not a formula

    per_month = list(months.iter_rows(min_row=2, values_only=True))
    assert per_month[0][1:] == (4.5, 3, 17)
    assert per_month[-1][1:] == (7.5, 5, 27)
    assert len(per_month) == 13

    board_rows = list(board.iter_rows(min_row=2, values_only=True))
    assert board_rows == [("Tablica w holu", 7, *([0] * 11), 7)]
    assert about["B1"].value == "2024-01 – 2024-12"


def test_the_report_reads_one_query_for_its_numbers(client, staff, django_assert_max_num_queries):
    rooms = [ResourceFactory() for _ in range(3)]
    organizations = [OrganizationFactory() for _ in range(5)]
    for i in range(60):
        day = datetime.date(2024, 1 + i % 12, 3 + i % 20)
        BookingFactory(
            resource=rooms[i % 3],
            organization=organizations[i % 5],
            start=local(day.year, day.month, day.day, 10),
            end=local(day.year, day.month, day.day, 12),
        )
    client.force_login(staff)
    with django_assert_max_num_queries(9):
        response = client.get(REPORT, {"rok": "2024"})
    assert response.context["report"].per_month.total.bookings == 60
    with django_assert_max_num_queries(6):
        client.get(REPORT, {"rok": "2024", "format": "xlsx"})
