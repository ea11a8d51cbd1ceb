"""The jury's admin pages: progress, ranking with the award form, the scores'
downloads."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from awards.models import Criterion, Nomination, Score
from tests.awards.test_jury import close_jury, juror_on, nomination

pytestmark = pytest.mark.django_db


def page(name, edition):
    return reverse(f"admin:{name}", args=[edition.pk])


def test_the_progress_page_shows_each_jurors_share(staff_client, world):
    other = juror_on(world.jury_edition)
    other.categories.add(world.jury_category)
    html = staff_client.get(page("awards_edition_progress", world.jury_edition))
    assert html.status_code == 200
    text = html.content.decode()
    assert str(world.jury_juror) in text and "Zofia Sędzia" in text
    assert "100%" in text and "0%" in text


def test_the_ranking_page_shows_places_names_and_awards(staff_client, world):
    html = staff_client.get(page("awards_edition_ranking", world.past_edition))
    text = html.content.decode()
    assert html.status_code == 200
    assert "Fundacja Pomocy Sąsiedzkiej" in text and 'name="award"' in text
    assert 'value="laureate" selected' in text


def test_people_without_the_permission_and_hostile_ids_get_no_page(client, world):
    client.force_login(world.juror_user)
    for name in (
        "awards_edition_progress",
        "awards_edition_ranking",
        "awards_edition_scores_csv",
        "awards_edition_scores_xlsx",
    ):
        response = client.get(page(name, world.jury_edition))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(world.personas["staff"])
    assert client.get("/admin/awards/edition/999999/ranking/").status_code == 404
    assert client.get("/admin/awards/edition/99999999999999999999999/jury/").status_code == 404


def test_the_scores_download_as_csv_and_xlsx(staff_client, world):
    other = juror_on(world.jury_edition)
    Score.objects.create(
        juror=other, nomination=world.accepted_nomination, criterion=world.jury_criterion, value=3
    )
    csv = staff_client.get(page("awards_edition_scores_csv", world.jury_edition))
    text = csv.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 3 and lines[0].split(";")[3] == "Działania na rzecz innych"
    assert any("Zofia Sędzia" in line and line.endswith(";60,00") for line in lines)
    assert any(line.endswith(";80,00") for line in lines)
    xlsx = staff_client.get(page("awards_edition_scores_xlsx", world.jury_edition))
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3
    assert {row[3] for row in rows[1:]} == {3, 4}


def test_the_ranking_page_takes_a_fixed_number_of_queries(
    staff_client, world, django_assert_max_num_queries
):
    edition = world.jury_edition
    extra = Criterion.objects.create(edition=edition, name_pl="Trwałość", max_score=3)
    jurors = [juror_on(edition, f"J{i}", "X", f"j{i}@example.com") for i in range(5)]
    for i in range(60):
        nom = nomination(edition, world.jury_category, nominee_first_name=f"N{i}")
        for juror in jurors:
            Score.objects.create(
                juror=juror, nomination=nom, criterion=world.jury_criterion, value=3
            )
            Score.objects.create(juror=juror, nomination=nom, criterion=extra, value=i % 4)
    for name in ("awards_edition_ranking", "awards_edition_progress", "awards_edition_scores_csv"):
        with django_assert_max_num_queries(12):
            assert staff_client.get(page(name, edition)).status_code == 200


def test_a_refused_award_shows_the_reason(staff_client, world):
    # The past edition's results are approved: the award cannot change.
    response = staff_client.post(
        page("awards_edition_ranking", world.past_edition),
        {"nomination": world.laureate.pk, "award": ""},
        follow=True,
    )
    assert (
        "withdraw them first" in response.content.decode() or "wycofaj" in response.content.decode()
    )
    assert Nomination.objects.get(pk=world.laureate.pk).award == "laureate"


def test_a_nomination_of_another_edition_or_a_bad_award_is_refused(staff_client, world):
    url = page("awards_edition_ranking", world.jury_edition)
    assert staff_client.post(url, {"nomination": world.laureate.pk, "award": ""}).status_code == 404
    response = staff_client.post(
        url, {"nomination": world.accepted_nomination.pk, "award": "gold"}, follow=True
    )
    assert response.status_code == 200
    assert Nomination.objects.get(pk=world.accepted_nomination.pk).award == ""


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("admin:awards_edition_ranking")
def test_staff_mark_a_laureate_in_the_ranking(staff_client, world, portal_content):
    close_jury(world.jury_edition)
    target = world.accepted_nomination
    Nomination.objects.filter(pk=target.pk).update(result_description_pl="Za wytrwałość.")
    response = staff_client.post(
        page("awards_edition_ranking", world.jury_edition),
        {"nomination": target.pk, "award": "laureate"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.award == "laureate"
    assert target.result_description_pl == "Za wytrwałość."
    assert target.updated_at <= timezone.now()
