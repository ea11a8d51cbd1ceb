"""The published report of a public consultation: the printable page, the CSV a
Polish Excel opens and the XLSX, shown only once the report is published, in a
fixed number of queries with thousands of remarks."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from cooperation.models import Provision, PublicConsultation, Remark

pytestmark = pytest.mark.django_db


def report_url(consultation, name="public_consultation_report"):
    return reverse(f"cooperation:{name}", args=[consultation.slug])


def add_remark(consultation, provision, name, position, justification="", **extra):
    return Remark.objects.create(
        consultation=consultation,
        provision=provision,
        organization_name=name,
        author_name="Jan Autor",
        author_email="jan.autor@example.org",
        proposed_wording=extra.pop("proposed_wording", "Nowe brzmienie."),
        justification=extra.pop("justification_of_remark", "Uzasadnienie."),
        position=position,
        position_justification=justification,
        **extra,
    )


@pytest.mark.parametrize(
    "name", ["public_consultation_report", "public_consultation_report_csv", "report_xlsx"]
)
def test_a_report_not_yet_published_is_not_found(client, world, name):
    name = "public_consultation_report_xlsx" if name == "report_xlsx" else name
    assert client.get(report_url(world.public_consultation, name)).status_code == 404
    assert client.get(report_url(world.reported_consultation, name)).status_code == 200


def test_the_report_lists_every_remark_by_provision_with_the_position(client, world):
    consultation = world.reported_consultation
    provision = consultation.provisions.get()
    add_remark(consultation, provision, "", Remark.Position.ACCEPTED)  # a resident
    add_remark(
        consultation, None, "Fundacja Ogólna", Remark.Position.REJECTED, "Poza zakresem aktu."
    )
    add_remark(
        consultation,
        provision,
        "Stowarzyszenie Wycofane",
        Remark.Position.NONE,
        status=Remark.Status.WITHDRAWN,
    )
    response = client.get("/en" + report_url(consultation))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Uwzględniono w części dotyczącej terminów." in html
    assert world.organization.name in html
    assert "Treść § 1." in html  # the current wording
    assert "Poza zakresem aktu." in html
    assert "a resident" in html
    assert "Stowarzyszenie Wycofane" not in html  # withdrawn
    assert "Ewa Nowak" not in html and "jan.autor@example.org" not in html  # personal data
    # The general remarks first, then the provisions.
    assert html.index("Fundacja Ogólna") < html.index(world.organization.name)
    assert response.context["figures"]["remarks"] == 3
    assert response.context["figures"]["organizations"] == 2
    assert response.context["figures"]["residents"] == 1
    assert str(response.context["figures"]["accepted_share"]) == "33.3"


def test_the_csv_opens_in_a_polish_excel(client, world):
    consultation = world.reported_consultation
    provision = consultation.provisions.get()
    add_remark(consultation, provision, "=HYPERLINK(1)", Remark.Position.ACCEPTED)
    add_remark(consultation, provision, "Fundacja Trzecia", Remark.Position.ACCEPTED)
    response = client.get(report_url(consultation, "public_consultation_report_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    lines = content.lstrip("\ufeff").splitlines()
    assert len(lines[0].split(";")) == 8
    assert any(world.organization.name in line and "§ 1" in line for line in lines)
    assert any(line.endswith(";66,7") for line in lines)  # 2 of 3 accepted, decimal comma
    assert "'=HYPERLINK(1)" in content  # not a formula


def test_the_xlsx_opens_with_the_remarks_and_the_figures(client, world):
    response = client.get(
        report_url(world.reported_consultation, "public_consultation_report_xlsx")
    )
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    remarks, figures = workbook.worksheets[0], workbook.worksheets[1]
    rows = list(remarks.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][1] == "§ 1"
    assert rows[1][5] == world.organization.name
    assert rows[1][7] == "Uwzględniono w części dotyczącej terminów."
    values = [row[1] for row in figures.iter_rows(values_only=True)]
    assert 1 in values  # one remark


def test_the_report_takes_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    now = timezone.now()
    consultation = PublicConsultation.objects.create(
        title_pl="Duży projekt",
        slug="duzy-projekt",
        office="Urząd",
        start=now - datetime.timedelta(days=40),
        end=now - datetime.timedelta(days=10),
        status=PublicConsultation.Status.REPORT_PUBLISHED,
        report_published_at=now,
    )
    provisions = Provision.objects.bulk_create(
        Provision(consultation=consultation, position=n, label=f"§ {n}", text=f"Treść {n}.")
        for n in range(1, 101)
    )
    positions = [Remark.Position.ACCEPTED, Remark.Position.PARTLY, Remark.Position.REJECTED]
    Remark.objects.bulk_create(
        Remark(
            consultation=consultation,
            provision=provisions[n % 100] if n % 10 else None,
            organization_name=f"Organizacja {n % 150}",
            author_name="Autor",
            author_email="autor@example.org",
            justification=f"Uzasadnienie {n}.",
            position=positions[n % 3],
            position_justification="Bo tak.",
        )
        for n in range(2000)
    )
    for name in [
        "public_consultation_report",
        "public_consultation_report_csv",
        "public_consultation_report_xlsx",
    ]:
        with django_assert_max_num_queries(10):
            response = client.get(report_url(consultation, name))
        assert response.status_code == 200
    assert client.get(report_url(consultation)).context["figures"]["remarks"] == 2000
