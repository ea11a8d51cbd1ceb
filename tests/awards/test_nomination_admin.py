"""Nominations in the admin: the list and its filters, the formal check (accept;
reject with a reason, e-mailed), the downloads (CSV for a Polish Excel, XLSX), the
nomination's page (every field readable, attachments, the results' texts and photo)
and who may reach it."""

import csv
import io
import re

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from awards.models import Category, Nomination
from cwop_portal.roles import CENTRE_STAFF
from tests.factories import UserFactory, png_file

CHANGELIST = "admin:awards_nomination_changelist"


def many_nominations(world, count):
    category = Category.objects.create(edition=world.open_edition, name_pl="Wiele")
    Nomination.objects.bulk_create(
        Nomination(
            edition=world.open_edition,
            category=category,
            nominee_kind="person",
            nominee_first_name=f"Osoba{i}",
            nominee_last_name="Testowa",
            justification="Pomaga.",
            nominator_kind="resident",
            nominator_name="Jan Nowak",
            nominator_email=f"jan{i}@example.com",
            privacy_consent=True,
            confirmed_at=timezone.now(),
        )
        for i in range(count)
    )
    return category


def rows(response):
    return re.findall(
        r'class="field-public_name_display">(?:<a [^>]+>)?([^<]+)<', response.content.decode()
    )


@pytest.mark.django_db
def test_the_list_filters_and_runs_a_constant_number_of_queries(
    staff_client, world, django_assert_max_num_queries
):
    many_nominations(world, 120)
    url = reverse(CHANGELIST)
    with django_assert_max_num_queries(20):
        response = staff_client.get(url)
    assert response.status_code == 200
    assert len(rows(response)) == 50
    with django_assert_max_num_queries(20):
        response = staff_client.get(url + f"?edition={world.open_edition.pk}&awaiting=consent")
    assert rows(response) == ["Zuzanna M."]
    response = staff_client.get(url + "?awaiting=confirmation")
    assert rows(response) == ["Stanisław Jabłoński"]
    response = staff_client.get(url + f"?edition={world.past_edition.pk}&award=laureate")
    assert rows(response) == ["Fundacja Pomocy Sąsiedzkiej"]
    response = staff_client.get(url + f"?category={world.jury_category.pk}&status=accepted")
    assert sorted(rows(response)) == ["Halina Wróblewska", "Krzysztof Wasilewski"]
    response = staff_client.get(url + "?nominee_kind=minor")
    assert rows(response) == ["Zuzanna M."]
    response = staff_client.get(url + "?q=sekretariat@sp12.example.com")
    assert rows(response) == ["Zuzanna M."]
    for hostile in ["?edition=x", "?category=99999999999999999999999", "?awaiting=%00"]:
        assert staff_client.get(url + hostile).status_code in (200, 302, 400)


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path(f"{CHANGELIST}:accept")
def test_staff_accept_a_counting_nomination_and_the_nominator_is_emailed(
    staff_client, world, mailoutbox
):
    mailoutbox.clear()
    selected = [world.nomination.pk, world.minor_nomination.pk]
    response = staff_client.post(
        reverse(CHANGELIST), {"action": "accept", "_selected_action": selected}, follow=True
    )
    assert response.status_code == 200
    world.nomination.refresh_from_db()
    world.minor_nomination.refresh_from_db()
    assert world.nomination.status == "accepted"
    assert world.nomination.checked_by == world.personas["staff"]
    assert world.minor_nomination.status == "submitted"  # no guardian's consent yet
    assert "Zuzanna" in response.content.decode()  # said why, row by row
    assert [m.to for m in mailoutbox] == [[world.nomination.nominator_email]]


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path(f"{CHANGELIST}:reject")
def test_staff_reject_with_a_reason_which_is_emailed(staff_client, world, mailoutbox):
    mailoutbox.clear()
    selected = {"action": "reject", "_selected_action": [world.nomination.pk]}
    page = staff_client.post(reverse(CHANGELIST), selected)
    assert 'name="reason"' in page.content.decode()
    refused = staff_client.post(reverse(CHANGELIST), {**selected, "confirm": "1", "reason": ""})
    assert 'aria-invalid="true"' in refused.content.decode()
    assert Nomination.objects.get(pk=world.nomination.pk).status == "submitted"
    response = staff_client.post(
        reverse(CHANGELIST),
        {**selected, "confirm": "1", "reason": "Kandydatka nie mieszka w Białymstoku."},
    )
    assert response.status_code == 302
    nomination = Nomination.objects.get(pk=world.nomination.pk)
    assert (nomination.status, nomination.rejection_reason) == (
        "rejected",
        "Kandydatka nie mieszka w Białymstoku.",
    )
    (message,) = mailoutbox
    assert message.to == [nomination.nominator_email]
    assert "Kandydatka nie mieszka w Białymstoku." in message.body


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path(f"{CHANGELIST}:export_csv", f"{CHANGELIST}:export_xlsx")
def test_the_downloads_open_in_polish_excel_and_openpyxl_with_the_contact_data(staff_client, world):
    selected = [world.nomination.pk, world.minor_nomination.pk]
    response = staff_client.post(
        reverse(CHANGELIST), {"action": "export_csv", "_selected_action": selected}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert len(table) == 3
    header = table[0]
    assert len(header) == len(table[1])
    (minor,) = [row for row in table[1:] if "Zuzanna Malinowska" in row]
    assert "agnieszka.malinowska@example.com" in minor
    assert "sekretariat@sp12.example.com" in minor

    response = staff_client.post(
        reverse(CHANGELIST), {"action": "export_xlsx", "_selected_action": selected}
    )
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 3
    assert any("Zuzanna Malinowska" in row for row in values)
    assert any(world.nomination.nominator_email in row for row in values)


def form_data(page):
    """The hidden inputs of an admin page's form (the inlines' management forms)."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


@pytest.mark.django_db
def test_the_nomination_page_shows_every_field_and_the_attachments(staff_client, world):
    url = reverse("admin:awards_nomination_change", args=[world.nomination.pk])
    page = staff_client.get(url).content.decode()
    assert world.nomination.justification in page
    assert world.nomination.nominator_email in page
    assert (
        reverse(
            "awards:nomination_attachment",
            args=[world.nomination_attachment.pk, world.nomination_attachment.download_name],
        )
        in page
    )
    assert 'name="award"' not in page  # set on the ranking page
    assert 'name="result_description_pl"' in page
    assert 'name="justification"' not in page  # the nominator's text is read only
    assert staff_client.get(reverse("admin:awards_nomination_add")).status_code == 403
    assert (
        staff_client.get(
            reverse("admin:awards_nomination_delete", args=[world.nomination.pk])
        ).status_code
        == 403
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("admin:awards_nomination_change")
def test_staff_add_the_results_texts_and_a_photo_with_its_description(staff_client, world):
    nomination = world.accepted_nomination
    url = reverse("admin:awards_nomination_change", args=[nomination.pk])
    data = form_data(staff_client.get(url).content.decode())
    data.update(
        {
            "result_description_pl": "Za dwadzieścia lat pracy ze świetlicą.",
            "result_description_en": "",
            "photo_alt_pl": "",
            "photo_alt_en": "",
            "_save": "Zapisz",
        }
    )
    # A photo without its description: an error on the description, nothing saved.
    response = staff_client.post(url, {**data, "photo": png_file()})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    nomination.refresh_from_db()
    assert (nomination.result_description_pl, nomination.photo.name) == ("", "")

    data["photo_alt_pl"] = "Halina Wróblewska w świetlicy"
    response = staff_client.post(url, {**data, "photo": png_file()})
    assert response.status_code == 302, response.content.decode()[:3000]
    nomination.refresh_from_db()
    assert nomination.result_description_pl == "Za dwadzieścia lat pracy ze świetlicą."
    assert nomination.photo.name
    assert nomination.photo_alt_pl == "Halina Wróblewska w świetlicy"
    changed = {field for change in nomination.changes.all() for field in change.changes}
    assert {"result_description_pl", "photo", "photo_alt_pl"} <= changed


@pytest.mark.django_db
def test_once_the_results_are_approved_their_texts_are_refused_with_a_message(staff_client, world):
    nomination = world.laureate  # past edition, results approved
    url = reverse("admin:awards_nomination_change", args=[nomination.pk])
    data = form_data(staff_client.get(url).content.decode())
    data.update(
        {
            "result_description_pl": "Zmieniony opis.",
            "result_description_en": "",
            "photo_alt_pl": nomination.photo_alt_pl,
            "photo_alt_en": "",
            "_save": "Zapisz",
        }
    )
    response = staff_client.post(url, data, follow=True)
    assert response.status_code == 200
    nomination.refresh_from_db()
    assert nomination.result_description_pl == "Za prowadzenie banku żywności."


@pytest.mark.django_db
def test_only_staff_with_the_permission_reach_the_nominations(client, world):
    url = reverse(CHANGELIST)
    client.force_login(world.juror_user)  # a juror is not staff
    assert client.get(url).status_code == 302
    no_permission = UserFactory(email="intern@cwop.example.org", is_staff=True)
    client.force_login(no_permission)
    assert client.get(url).status_code == 403
    no_permission.groups.add(Group.objects.get(name=CENTRE_STAFF))
    assert client.get(url).status_code == 200
