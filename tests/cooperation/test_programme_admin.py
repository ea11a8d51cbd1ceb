"""The programme years' admin write paths as production runs them: outside a test
transaction (also on PostgreSQL), by centre staff, checking the database and the
history afterwards."""

import pytest
from django.urls import reverse

from cooperation.models import ProgrammeYear
from tests.factories import local
from tests.forms import admin_form_data, page_errors
from tests.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)

CHANGELIST = "admin:cooperation_programmeyear_changelist"


@pytest.fixture
def staff_in_admin(client, staff):
    """Centre staff: their role's group has the cooperation module's permissions."""
    assert staff.has_perm("cooperation.change_programmeyear")
    client.force_login(staff)
    return client


def actions(year):
    return list(year.changes.order_by("created_at", "pk").values_list("action", flat=True))


@pytest.mark.write_path("admin:cooperation_programmeyear_add")
@pytest.mark.write_path("admin:cooperation_programmeyear_change")
def test_staff_add_and_edit_a_programme_year(staff_in_admin):
    url = reverse("admin:cooperation_programmeyear_add")
    data = admin_form_data(
        staff_in_admin.get(url),
        year="2027",
        title_pl="Program współpracy na 2027 rok",
        priorities_pl="- Seniorzy",
        is_published="on",
    )
    response = staff_in_admin.post(url, data)
    assert response.status_code == 302, page_errors(response)
    year = ProgrammeYear.objects.get(year=2027)
    assert year.is_published and not year.report_published

    url = reverse("admin:cooperation_programmeyear_change", args=[year.pk])
    data = admin_form_data(staff_in_admin.get(url), resolution="Uchwała nr I/1/27")
    response = staff_in_admin.post(url, data)
    assert response.status_code == 302, page_errors(response)
    year.refresh_from_db()
    assert year.resolution == "Uchwała nr I/1/27"
    assert actions(year) == ["created", "changed"]

    data = admin_form_data(staff_in_admin.get(url), year="1999")
    response = staff_in_admin.post(url, data)
    assert response.status_code == 200
    assert ProgrammeYear.objects.get(pk=year.pk).year == 2027


@pytest.mark.write_path("admin:cooperation_programmeyear_changelist:publish_report")
@pytest.mark.write_path("admin:cooperation_programmeyear_changelist:refresh_report")
@pytest.mark.write_path("admin:cooperation_programmeyear_changelist:withdraw_report")
def test_staff_publish_refresh_and_withdraw_a_report(staff_in_admin, staff):
    year = ProgrammeYear.objects.create(year=2025, title_pl="Program 2025", is_published=True)
    draft = ProgrammeYear.objects.create(year=2024, title_pl="Program 2024")
    OrganizationFactory(published_at=local(2025, 3, 1))
    url = reverse(CHANGELIST)

    def run(action, *years):
        return staff_in_admin.post(
            url, {"action": action, "_selected_action": [y.pk for y in years]}, follow=True
        )

    run("publish_report", year, draft)
    year.refresh_from_db()
    draft.refresh_from_db()
    assert year.report_published and year.figures_computed_at
    first = year.figures_computed_at
    sections = {s["key"]: s for s in year.figures["pl"]}
    assert sections["organizations"]["rows"][0]["value"] == 1
    assert not draft.report_published and draft.figures == {}  # refused, named

    OrganizationFactory(published_at=local(2025, 4, 1))
    run("refresh_report", year)
    year.refresh_from_db()
    assert year.figures_computed_at > first
    sections = {s["key"]: s for s in year.figures["pl"]}
    assert sections["organizations"]["rows"][0]["value"] == 2

    run("withdraw_report", year)
    year.refresh_from_db()
    assert not year.report_published
    assert actions(year) == ["report_published", "report_refreshed", "report_withdrawn"]
    assert year.changes.first().user == staff


@pytest.mark.write_path("admin:cooperation_programmeyear_delete")
def test_staff_delete_a_programme_year(staff_in_admin):
    year = ProgrammeYear.objects.create(year=2019, title_pl="Program 2019")
    url = reverse("admin:cooperation_programmeyear_delete", args=[year.pk])
    response = staff_in_admin.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not ProgrammeYear.objects.filter(pk=year.pk).exists()


@pytest.mark.write_path("admin:cooperation_programmeyear_changelist:delete_selected")
def test_staff_delete_programme_years_from_the_list(staff_in_admin):
    years = [ProgrammeYear.objects.create(year=y, title_pl=f"Program {y}") for y in (2017, 2018)]
    kept = ProgrammeYear.objects.create(year=2016, title_pl="Program 2016")
    response = staff_in_admin.post(
        reverse("admin:cooperation_programmeyear_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [str(year.pk) for year in years],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert list(ProgrammeYear.objects.filter(year__lt=2019).values_list("year", flat=True)) == [
        kept.year
    ]
