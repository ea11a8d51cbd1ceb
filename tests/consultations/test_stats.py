"""The statistics of consultations and trainings: per month, topic and advisor by
outcome, and training attendance, in local months, on the page and in the CSV and
XLSX downloads."""

import csv
import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from consultations.models import Appointment, Registration, Training
from consultations.services import appointments as services
from consultations.stats import consultation_stats
from tests.consultations.factories import (
    AdvisorFactory,
    AppointmentFactory,
    AvailabilityRuleFactory,
    TopicFactory,
    TrainingFactory,
)
from tests.factories import local
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

STATS = "/admin/consultations/appointment/statystyki/"
JAN, FEB, MAR, APR, DEC = (datetime.date(2024, m, 1) for m in (1, 2, 3, 4, 12))
S = Appointment.Status


@pytest.fixture
def data_set():
    """A small year (2024) whose counts are known."""
    anna = AdvisorFactory(name="Anna Analityczna")
    bartek = AdvisorFactory(name="=cmd|' /C calc'!A0")  # a formula-like name
    funds = TopicFactory(slug="pozyskiwanie-funduszy")  # position 30
    statutes = TopicFactory(slug="statuty")  # position 70

    def appointment(advisor, subject, start, status, **extra):
        if status in (S.CANCELLED, S.ATTENDED, S.NO_SHOW):
            extra.setdefault("confirmed_at", start - datetime.timedelta(days=3))
        return AppointmentFactory(
            advisor=advisor, topic=subject, start=start, status=status, **extra
        )

    # January: Anna/funds attended ×2, no-show ×1; Bartek/statutes cancelled ×1
    appointment(anna, funds, local(2024, 1, 9, 10), S.ATTENDED)
    appointment(anna, funds, local(2024, 1, 9, 11), S.ATTENDED)
    appointment(anna, funds, local(2024, 1, 16, 10), S.NO_SHOW)
    appointment(bartek, statutes, local(2024, 1, 17, 10), S.CANCELLED)
    # February: Bartek/funds attended; not counted: held, expired, and cancelled
    # before its e-mail was confirmed
    appointment(bartek, funds, local(2024, 2, 6, 10), S.ATTENDED)
    appointment(bartek, funds, local(2024, 2, 6, 11), S.HELD)
    appointment(anna, statutes, local(2024, 2, 7, 10), S.EXPIRED)
    appointment(anna, statutes, local(2024, 2, 8, 10), S.CANCELLED, confirmed_at=None)
    # 1 April 00:30 in Warsaw is still 31 March in UTC: it counts in April.
    appointment(anna, statutes, local(2024, 4, 1, 0, 30), S.CONFIRMED)
    # Outside 2024
    appointment(anna, funds, local(2023, 12, 31, 23, 30), S.ATTENDED)
    appointment(anna, funds, local(2025, 1, 1, 0, 15), S.ATTENDED)

    # Trainings: first meeting in March (counted), a draft, one in 2025, one cancelled.
    march = TrainingFactory(
        title_pl="Księgowość",
        capacity=4,
        sessions=[
            (local(2024, 3, 5, 10), local(2024, 3, 5, 14)),
            (local(2024, 4, 9, 10), local(2024, 4, 9, 14)),
        ],
    )
    people = [
        (Registration.Status.REGISTERED, True),
        (Registration.Status.REGISTERED, True),
        (Registration.Status.REGISTERED, False),
        (Registration.Status.REGISTERED, None),
        (Registration.Status.WAITING, None),
        (Registration.Status.WAITING, None),
        (Registration.Status.CANCELLED, None),
        (Registration.Status.UNCONFIRMED, None),
    ]
    for n, (status, attended) in enumerate(people):
        Registration.objects.create(
            training=march,
            name=f"Osoba {n}",
            email=f"osoba{n}@example.net",
            status=status,
            attended=attended,
            cancelled_at=local(2024, 3, 1) if status == Registration.Status.CANCELLED else None,
        )
    TrainingFactory(
        title_pl="Szkic",
        status=Training.Status.DRAFT,
        sessions=[(local(2024, 5, 5, 10), local(2024, 5, 5, 12))],
    )
    TrainingFactory(
        title_pl="Następny rok",
        sessions=[(local(2025, 1, 10, 10), local(2025, 1, 10, 12))],
    )
    TrainingFactory(
        title_pl="=Odwołane",
        status=Training.Status.CANCELLED,
        cancellation_reason="Brak chętnych.",
        capacity=10,
        sessions=[(local(2024, 6, 4, 10), local(2024, 6, 4, 12))],
    )
    return {"anna": anna, "bartek": bartek, "march": march}


def row(rows, label):
    (found,) = [r for r in rows if r.label == label]
    return found


def counts(c):
    return (c.attended, c.no_show, c.cancelled, c.confirmed, c.total)


def test_the_statistics_count_consultations_per_local_month_topic_and_advisor(
    data_set, django_assert_num_queries
):
    with django_assert_num_queries(3):
        result = consultation_stats(JAN, DEC)
    assert len(result.months) == 12
    per_month = result.per_month
    assert [counts(m) for m in per_month.months[:4]] == [
        (2, 1, 1, 0, 4),
        (1, 0, 0, 0, 1),
        (0, 0, 0, 0, 0),
        (0, 0, 0, 1, 1),
    ]
    assert counts(per_month.total) == (3, 1, 1, 1, 6)

    # Topics in their order (position), advisors by name.
    assert [r.label for r in result.by_topic] == [
        TopicFactory(slug="pozyskiwanie-funduszy").name_pl,
        TopicFactory(slug="statuty").name_pl,
    ]
    funds = row(result.by_topic, TopicFactory(slug="pozyskiwanie-funduszy").name_pl)
    assert [counts(m) for m in funds.months[:2]] == [(2, 1, 0, 0, 3), (1, 0, 0, 0, 1)]
    statutes = row(result.by_topic, TopicFactory(slug="statuty").name_pl)
    assert counts(statutes.total) == (0, 0, 1, 1, 2)

    anna = row(result.by_advisor, "Anna Analityczna")
    assert counts(anna.total) == (2, 1, 0, 1, 4)
    assert counts(anna.months[3]) == (0, 0, 0, 1, 1)  # April
    bartek = row(result.by_advisor, "=cmd|' /C calc'!A0")
    assert counts(bartek.total) == (1, 0, 1, 0, 2)


def test_training_attendance_counts_seats_and_registrations(data_set):
    result = consultation_stats(JAN, DEC)
    assert [t.title for t in result.trainings] == ["Księgowość", "=Odwołane"]
    march = result.trainings[0]
    assert march.first_start == local(2024, 3, 5, 10)
    assert (march.seats, march.registered, march.attended, march.absent) == (4, 4, 2, 1)
    assert (march.waiting, march.cancelled) == (2, 1)
    cancelled = result.trainings[1]
    assert cancelled.status == Training.Status.CANCELLED and cancelled.registered == 0
    assert result.training_totals == [14, 4, 2, 1, 2, 1]


def test_a_range_of_months_may_span_two_years(data_set):
    result = consultation_stats(datetime.date(2023, 12, 1), FEB)
    assert result.month_labels == ["2023-12", "2024-01", "2024-02"]
    assert [m.total for m in result.per_month.months] == [1, 4, 1]
    assert result.trainings == []


def test_the_statistics_read_three_queries_whatever_the_size(data_set, django_assert_num_queries):
    for n in range(30):
        AppointmentFactory(
            advisor=AdvisorFactory(),
            start=local(2024, 5, 1 + n % 28, 8 + n % 8),
            status=S.ATTENDED,
        )
    with django_assert_num_queries(3):
        result = consultation_stats(JAN, DEC)
    assert result.per_month.total.total == 36


def test_the_statistics_page_shows_the_tables(client, staff, data_set):
    client.force_login(staff)
    response = client.get(STATS, {"rok": "2024"}, HTTP_ACCEPT_LANGUAGE="pl")
    assert response.status_code == 200
    html = response.content.decode()
    for table in ("months", "topics", "advisors", "trainings"):
        assert re.search(rf'<table id="stats-{table}">\s*<caption>', html)
    assert 'scope="row"' in html and 'scope="col"' in html
    assert "Anna Analityczna" in html and "Księgowość" in html
    assert "=cmd|&#x27; /C calc&#x27;!A0" in html  # escaped, as text
    assert f'href="/admin/consultations/training/{data_set["march"].pk}/uczestnicy/"' in html
    assert "?rok=2024&amp;format=csv" in html and "?rok=2024&amp;format=xlsx" in html
    assert "?rok=2024&amp;format=csv&amp;tabela=szkolenia" in html
    assert response.context["stats"].per_month.total.total == 6


def test_the_statistics_default_to_the_current_year_and_take_a_range(client, staff, data_set):
    client.force_login(staff)
    result = client.get(STATS).context["stats"]
    today = datetime.date.today()
    assert (result.first_month, result.last_month) == (
        datetime.date(today.year, 1, 1),
        datetime.date(today.year, 12, 1),
    )
    result = client.get(STATS, {"rok": "2020", "od": "2024-02", "do": "2024-04"}).context["stats"]
    assert result.month_labels == ["2024-02", "2024-03", "2024-04"]
    assert result.per_month.total.total == 2


def test_a_malformed_period_is_an_error_on_the_form_not_a_server_error(client, staff):
    client.force_login(staff)
    response = client.get(STATS, {"od": "2024-13", "do": "2024-02"})
    assert response.status_code == 200
    assert response.context["form"].errors and response.context["stats"] is None
    response = client.get(STATS, {"od": "2024-05", "format": "csv"})
    assert response.status_code == 200 and "text/html" in response["Content-Type"]


def test_the_consultations_csv_matches_the_figures(client, staff, data_set):
    client.force_login(staff)
    response = client.get(STATS, {"rok": "2024", "format": "csv"}, HTTP_ACCEPT_LANGUAGE="pl")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="konsultacje-2024-01-2024-12.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert len(rows[0]) == 8
    body = rows[1:]
    per_month = [r for r in body if r[1] == rows[1][1]]  # the first table: all consultations
    assert [r[2:] for r in per_month] == [
        ["2024-01", "2", "1", "1", "0", "4"],
        ["2024-02", "1", "0", "0", "0", "1"],
        ["2024-04", "0", "0", "0", "1", "1"],
        [per_month[-1][2], "3", "1", "1", "1", "6"],  # the total
    ]
    bartek = [r for r in body if "calc" in r[1]]
    assert bartek and all(r[1] == "'=cmd|' /C calc'!A0" for r in bartek)  # neutralised
    assert [r[2:] for r in bartek][-1][1:] == ["1", "0", "1", "0", "2"]
    # Every name's total equals the sum of its months.
    for name in {r[1] for r in body}:
        lines = [r for r in body if r[1] == name and r[0] == body[-1][0]]
        if len(lines) > 1:
            months, total = lines[:-1], lines[-1]
            assert sum(int(r[7]) for r in months) == int(total[7])


def test_the_trainings_csv_matches_the_figures(client, staff, data_set):
    client.force_login(staff)
    response = client.get(STATS, {"rok": "2024", "format": "csv", "tabela": "szkolenia"})
    assert 'filename="szkolenia-2024-01-2024-12.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:])))
    assert len(rows) == 3
    assert rows[1][0] == "Księgowość" and rows[1][1] == "2024-03-05 10:00"
    assert rows[1][3:] == ["4", "4", "2", "1", "2", "1"]
    assert rows[2][0] == "'=Odwołane"


def test_the_xlsx_has_a_sheet_per_table_with_numbers(client, staff, data_set):
    client.force_login(staff)
    response = client.get(STATS, {"rok": "2024", "format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="pl")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 5
    per_month, by_topic, by_advisor, trainings, _about = workbook.worksheets
    assert [c.value for c in per_month[2]] == ["2024-01", 2, 1, 1, 0, 4]
    assert [c.value for c in per_month[14]][1:] == [3, 1, 1, 1, 6]
    advisor_rows = [[c.value for c in r] for r in by_advisor.iter_rows(min_row=2)]
    bartek = [r for r in advisor_rows if r[0] == "=cmd|' /C calc'!A0"]
    assert bartek and by_advisor.cell(row=2, column=1).data_type == "s"
    assert bartek[-1][2:] == [1, 0, 1, 0, 2]
    assert by_topic.max_row > 2
    assert [c.value for c in trainings[2]][3:] == [4, 4, 2, 1, 2, 1]
    assert trainings.cell(row=3, column=1).value == "=Odwołane"
    assert trainings.cell(row=3, column=1).data_type == "s"


def test_the_statistics_are_for_staff_only(client, ngo_member):
    response = client.get(STATS)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.force_login(ngo_member)
    response = client.get(STATS, {"format": "csv"})
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_consultation_moved_to_another_time_counts_once_and_is_no_cancellation(
    ngo_member, django_capture_on_commit_callbacks
):
    organization = OrganizationFactory()
    MembershipFactory(user=ngo_member, organization=organization)
    advisor = AdvisorFactory()
    AvailabilityRuleFactory(advisor=advisor, weekday=1)  # Tuesdays 10:00 and 11:00
    now = local(2030, 3, 8, 9)
    with django_capture_on_commit_callbacks(execute=True):
        booked = services.appointment_book(
            advisor=advisor,
            topic=advisor.topics.first(),
            start=local(2030, 3, 12, 10),
            client_name="Jan Członek",
            client_email=ngo_member.email,
            client_phone="500 100 200",
            question="Jak rozliczyć dotację?",
            consent=True,
            user=ngo_member,
            organization=organization,
            now=now,
        )
        services.appointment_reschedule(
            appointment=booked, new_start=local(2030, 3, 12, 11), now=now
        )

    result = consultation_stats(datetime.date(2030, 3, 1), datetime.date(2030, 3, 1))

    assert counts(result.per_month.total) == (0, 0, 0, 1, 1)
    assert Appointment.objects.filter(status=S.CANCELLED).count() == 1  # the old time
