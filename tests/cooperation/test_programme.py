"""The Cooperation Programme's pages and its report: the published years, the frozen
figures (later data does not change a published report), their downloads, and the
staff's report page for any year."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from cooperation.models import ProgrammeYear, PublicConsultation
from cooperation.services import programme as services
from tests.factories import local
from tests.organizations.factories import OrganizationFactory
from tests.rooms.factories import BookingFactory

ORGANISATIONS_AT_YEAR_END = "Organisations in the directory at the end of the year"
HOURS_BOOKED = "Hours booked in the rooms and at the workstation"


def polish(msgid):
    """What the admin (in Polish) shows for `msgid`."""
    with translation.override("pl"):
        return gettext(msgid)


def year_url(year, name="programme_year"):
    return reverse(f"cooperation:{name}", args=[year])


def english(url):
    """The English address of a page (`url` as the Polish one)."""
    return "/en" + url.removeprefix("/en")


def programme(year, **values):
    return ProgrammeYear.objects.create(
        year=year, title_pl=f"Program współpracy na {year} rok", **{"is_published": True, **values}
    )


def csv_lines(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def figure(lines, label):
    return next(line[4] for line in lines if line[2] == label)


@pytest.fixture
def centre_staff(staff):
    """Centre staff: their role's group has the cooperation module's permissions."""
    assert staff.has_perm("cooperation.change_programmeyear")
    return staff


@pytest.fixture
def staff_in_admin(client, centre_staff):
    client.force_login(centre_staff)
    return client


# --- Public pages ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_cooperation_page_lists_the_published_years(client, world):
    programme(2019, title_en="Programme 2019")
    ProgrammeYear.objects.create(year=2018, title_pl="Program roboczy")
    response = client.get(english(reverse("cooperation:cooperation_home")))
    assert response.status_code == 200
    html = response.content.decode()
    assert year_url(world.programme_year.year) in html
    assert year_url(2019) in html
    assert year_url(2018) not in html
    assert "Program roboczy" not in html
    assert reverse("cooperation:team") in html
    assert reverse("cooperation:public_consultation_list") in html


@pytest.mark.django_db
def test_a_year_page_shows_its_programme_consultation_and_frozen_figures(client, world):
    response = client.get(english(world.programme_year.get_absolute_url()))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Cooperation Programme with NGOs" in html  # the English title
    assert "<li>Wsparcie wolontariatu</li>" in html  # the priorities' Markdown list
    assert world.public_consultation.get_absolute_url() in html
    # The figures frozen in Polish, shown on the English page too, as tables.
    assert '<th scope="row">Udział uwag uwzględnionych</th>' in html
    assert "66.7 %" in html
    assert "<caption>Uwagi według organizacji</caption>" in html
    assert year_url(world.programme_year.year, "programme_report_csv") in html


@pytest.mark.django_db
@pytest.mark.parametrize("year", [1999, 2101, 99999, 2030])
def test_years_that_are_not_published_are_not_found(client, world, year):
    ProgrammeYear.objects.create(year=2030, title_pl="Program roboczy")
    for name in ("programme_year", "programme_report_csv", "programme_report_xlsx"):
        assert client.get(year_url(year, name)).status_code == 404


@pytest.mark.django_db
def test_a_year_without_a_published_report_shows_no_figures(client, world):
    year = programme(2020, figures=world.programme_year.figures)
    response = client.get(year.get_absolute_url())
    assert response.status_code == 200
    assert "Udział uwag uwzględnionych" not in response.content.decode()
    assert client.get(year_url(2020, "programme_report_csv")).status_code == 404


@pytest.mark.django_db
def test_the_year_page_reads_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
):
    for number in range(40):
        PublicConsultation.objects.create(
            title_pl=f"Projekt {number}",
            slug=f"projekt-{number}",
            office="Urząd",
            start=local(2026, 1, 1),
            end=local(2026, 2, 1),
            status=PublicConsultation.Status.OPEN,
            programme_year=world.programme_year,
        )
    with django_assert_max_num_queries(10):
        response = client.get(world.programme_year.get_absolute_url())
    assert response.content.decode().count("/konsultacje-spoleczne/projekt-") == 40


@pytest.mark.django_db
def test_the_published_report_downloads_for_a_polish_excel(client, world):
    response = client.get(year_url(world.programme_year.year, "programme_report_csv"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    lines = csv_lines(response)
    assert figure(lines, "Udział uwag uwzględnionych") == "66,7"
    assert figure(lines, "Uwagi zgłoszone") == "3"
    assert (next(line[:4] for line in lines[1:] if line[1])) == [
        "Konsultacje społeczne",
        "Uwagi według organizacji",
        "Stowarzyszenie A",
        "Uwagi",
    ]

    response = client.get(year_url(world.programme_year.year, "programme_report_xlsx"))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    values = list(book.worksheets[0].iter_rows(values_only=True))
    assert ("Udział uwag uwzględnionych", 66.7, "%") in values


@pytest.mark.django_db
def test_the_programme_document_is_downloaded_under_its_name(client, world):
    year = programme(2021)
    year.file.save("program-2021.txt", ContentFile(b"Program wspolpracy"), save=True)
    url = reverse("cooperation:programme_document", args=[2021, year.download_name])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Program wspolpracy"
    wrong = client.get(reverse("cooperation:programme_document", args=[2021, "inny.pdf"]))
    assert wrong.status_code == 301 and wrong["Location"].endswith(year.download_name)
    ProgrammeYear.objects.filter(pk=year.pk).update(is_published=False)
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("cooperation:programme_document", args=[2022, "x.pdf"])).status_code
        == 404
    )


# --- Services: publish, refresh, withdraw -------------------------------------------------


@pytest.mark.django_db
def test_publishing_freezes_the_figures_later_data_does_not_change_them(client, staff):
    year = programme(2025)
    OrganizationFactory(published_at=local(2025, 12, 31, 23, 30))
    year = services.programme_report_publish(programme_year=year, user=staff)
    assert year.report_published and year.figures_computed_at
    assert set(year.figures) == {"pl", "en"}

    def shown():
        lines = csv_lines(client.get(english(year_url(2025, "programme_report_csv"))))
        return figure(lines, ORGANISATIONS_AT_YEAR_END)

    assert shown() == "1"
    OrganizationFactory(published_at=local(2025, 6, 1))  # found later, backdated
    assert shown() == "1"
    page = client.get(english(year.get_absolute_url())).content.decode()
    assert f'<th scope="row">{ORGANISATIONS_AT_YEAR_END}</th><td class="text-end">1</td>' in page

    services.programme_report_refresh(programme_year=year, user=staff)
    assert shown() == "2"

    services.programme_report_withdraw(programme_year=year, user=staff)
    assert client.get(year_url(2025, "programme_report_csv")).status_code == 404
    assert ORGANISATIONS_AT_YEAR_END not in client.get(english(year_url(2025))).content.decode()
    assert list(year.changes.order_by("created_at", "pk").values_list("action", flat=True)) == [
        "report_published",
        "report_refreshed",
        "report_withdrawn",
    ]


@pytest.mark.django_db
def test_the_report_of_an_unpublished_year_or_twice_is_refused(staff):
    draft = ProgrammeYear.objects.create(year=2024, title_pl="Program roboczy")
    with pytest.raises(ValidationError) as refused:
        services.programme_report_publish(programme_year=draft, user=staff)
    assert "report_published" in refused.value.message_dict
    draft.refresh_from_db()
    assert not draft.report_published and draft.figures == {}

    year = programme(2023)
    services.programme_report_publish(programme_year=year, user=staff)
    with pytest.raises(ValidationError):
        services.programme_report_publish(programme_year=year, user=staff)
    for service in (services.programme_report_refresh, services.programme_report_withdraw):
        with pytest.raises(ValidationError):
            service(programme_year=draft, user=staff)


# --- The staff's report page ---------------------------------------------------------------


REPORT = "admin:cooperation_programmeyear_report"


@pytest.mark.django_db
def test_staff_compute_any_years_figures_live_and_download_them(staff_in_admin, world):
    BookingFactory(
        resource=world.resource, start=local(2025, 12, 31, 22), end=local(2025, 12, 31, 23, 30)
    )
    url = reverse(REPORT)
    response = staff_in_admin.get(url, {"rok": "2025"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<th scope="row">{polish(HOURS_BOOKED)}</th><td class="text-end">1,50</td>' in html

    lines = csv_lines(staff_in_admin.get(url, {"rok": "2025", "format": "csv"}))
    assert len(lines[0]) == 6
    assert figure(lines, polish(HOURS_BOOKED)) == "1,50"

    response = staff_in_admin.get(url, {"rok": "2025", "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    summary = list(book.worksheets[0].iter_rows(values_only=True))
    assert (polish(HOURS_BOOKED), 1.5, polish("hours")) in summary

    printable = staff_in_admin.get(url, {"rok": "2025", "format": "print"})
    assert printable.status_code == 200
    assert polish(HOURS_BOOKED) in printable.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "year",
    ["", "abc", "1999", "2101", "-5", "99999999999999999999999", "2e3", "2025.5", "x" * 5000],
)
def test_a_hostile_year_is_a_form_error(staff_in_admin, year):
    response = staff_in_admin.get(reverse(REPORT), {"rok": year, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert response.context["form"].errors["rok"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["\x00", "a" * 3000, "99999999999999999999", "-1", "pdf"])
def test_hostile_parameters_of_the_report_page_never_give_a_server_error(staff_in_admin, value):
    for query in ({"format": value}, {"rok": value}, {"rok": "2025", "format": value}):
        assert staff_in_admin.get(reverse(REPORT), query).status_code in (200, 400)


@pytest.mark.django_db
def test_the_report_page_is_for_staff_only(client, world):
    assert client.get(reverse(REPORT)).status_code == 302
    client.force_login(world.personas["ngo_member"])
    assert client.get(reverse(REPORT)).status_code == 302


@pytest.mark.django_db
def test_the_report_page_reads_a_fixed_number_of_queries(staff_in_admin, world):
    url = reverse(REPORT)
    with CaptureQueriesContext(connection) as few:
        staff_in_admin.get(url, {"rok": "2025"})
    for number in range(8):
        organization = OrganizationFactory(published_at=local(2025, 2, 1))
        BookingFactory(organization=organization, start=local(2025, 3, 3 + number, 10))
    with CaptureQueriesContext(connection) as many:
        response = staff_in_admin.get(url, {"rok": "2025"})
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.django_db
def test_a_year_with_a_published_report_cannot_be_unpublished_in_the_admin(staff_in_admin, world):
    year = world.programme_year
    url = reverse("admin:cooperation_programmeyear_change", args=[year.pk])
    from tests.forms import admin_form_data

    data = admin_form_data(staff_in_admin.get(url))
    data.pop("is_published", None)
    response = staff_in_admin.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["is_published"]
    year.refresh_from_db()
    assert year.is_published


@pytest.mark.django_db
def test_the_report_page_is_linked_from_the_list_and_the_year(staff_in_admin, world):
    response = staff_in_admin.get(reverse("admin:cooperation_programmeyear_changelist"))
    assert reverse(REPORT) in response.content.decode()
    year = world.programme_year
    response = staff_in_admin.get(reverse("admin:cooperation_programmeyear_change", args=[year.pk]))
    assert f"{reverse(REPORT)}?rok={year.year}" in response.content.decode()


def test_dates_are_counted_in_the_centres_time():
    # 1 January 00:30 in Białystok is still 31 December in UTC.
    assert local(2026, 1, 1, 0, 30).astimezone(datetime.UTC).year == 2025


@pytest.mark.django_db
def test_the_cooperation_page_lists_the_consultations_taking_remarks_now(client, world):
    page = client.get(reverse("cooperation:cooperation_home")).content.decode()
    open_list = page[page.index('id="open-consultations"') :]
    open_list = open_list[: open_list.index("</ul>")]
    assert world.public_consultation.title_pl in open_list
    assert world.reported_consultation.title_pl not in open_list
