"""A competition from the call to the laureates, as people use it: staff publish next
year's edition of "Ośmiu Wspaniałych" in the admin (with the guardian's consent form);
a school, without an account, nominates a pupil, uploading the consent form the
guardian signed, and confirms by the e-mailed link; staff accept it (and a resident's
nomination) in the admin's formal check; the nominations close; one juror declares a
conflict of interest with the resident's nomination and scores the pupil, another
scores both; the jury closes; staff mark the pupil the laureate on the ranking page and
approve the results; once the announcement time comes, a resident sees the laureate in
the archive and on the edition's page: the first name, the initial and the school,
never the surname."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from awards.models import Category, Conflict, Criterion, Edition, Juror, Nomination, Score

pytestmark = pytest.mark.browser

LINK = re.compile(r"https?://[^\s]+")
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
SCHOOL = "Szkoła Podstawowa nr 7 w Białymstoku"
SURNAME = "Grabowska"
GUARDIAN = "Monika Grabowska-Kruk"


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


def move_timeline(edition, **moments):
    """Time passes: the edition's dates are moved (as the other journeys do)."""
    Edition.objects.filter(pk=edition.pk).update(**moments)


@pytest.fixture
def draft_edition(world):
    """Next year's edition of the world's "Ośmiu Wspaniałych", prepared as a draft:
    a category, two weighted criteria and a jury of two."""
    now = timezone.now()
    edition = Edition.objects.create(
        competition=world.competition,
        year=timezone.localdate().year + 1,
        status=Edition.Status.DRAFT,
        rules_pl="Kandydatów zgłaszają szkoły.",
        nominations_open=now - HOUR,
        nominations_close=now + 7 * DAY,
        formal_check_until=now + 8 * DAY,
        jury_until=now + 14 * DAY,
        announcement_at=now + 15 * DAY,
    )
    category = Category.objects.create(edition=edition, name_pl="Wolontariat szkolny")
    criteria = [
        Criterion.objects.create(edition=edition, name_pl="Zaangażowanie", weight=2, position=1),
        Criterion.objects.create(edition=edition, name_pl="Wpływ na otoczenie", position=2),
    ]
    jurors = [
        Juror.objects.create(edition=edition, user=world.juror_user, is_chair=True),
        Juror.objects.create(edition=edition, user=world.other_juror_user),
    ]
    return edition, category, criteria, jurors


def test_staff_open_a_school_nominates_jurors_score_staff_award_a_resident_sees(
    page, log_in, world, draft_edition, mailoutbox
):
    edition, category, (commitment, impact), (first_juror, second_juror) = draft_edition
    staff = world.personas["staff"]
    edition_url = f"/konkursy/{world.competition.slug}/{edition.year}/"

    # Staff add the consent form and publish the edition in the admin.
    log_in(staff)
    page.goto(f"/admin/awards/edition/{edition.pk}/change/")
    page.locator("#id_consent_form").set_input_files(
        files=[{"name": "zgoda.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 zgoda"}]
    )
    page.locator("#id_status").select_option("published")
    page.locator("input[name=_continue]").first.click()
    expect(page.locator(".messagelist")).to_be_visible()
    edition.refresh_from_db()
    assert edition.status == Edition.Status.PUBLISHED
    assert edition.consent_form.name.endswith(".pdf")

    # A resident's nomination of an adult, sent and confirmed meanwhile.
    resident_nomination = Nomination.objects.create(
        edition=edition,
        category=category,
        nominee_kind="person",
        nominee_first_name="Halina",
        nominee_last_name="Wróblewska",
        justification="Prowadzi szkolne koło wolontariatu od dziesięciu lat.",
        nominator_kind="resident",
        nominator_name="Marek Zieliński",
        nominator_email="marek.zielinski@example.com",
        privacy_consent=True,
        confirmed_at=timezone.now(),
    )

    # A school, without an account, nominates a pupil from the edition's page.
    page.context.clear_cookies()
    page.goto(edition_url)
    expect(page.locator("h1")).to_have_text(f"Ośmiu Wspaniałych {edition.year}")
    page.locator("main").get_by_role("link", name="Zgłoś kandydaturę").click()
    page.wait_for_url(f"**{edition_url}zglos/")
    page.locator("input[name=nominator_kind][value=school]").check()
    page.locator("#id_category").select_option(str(category.pk))
    page.locator("input[name=nominee_kind][value=minor]").check()
    page.locator("#id_nominee_first_name").fill("Julia")
    page.locator("#id_nominee_last_name").fill(SURNAME)
    page.locator("#id_school").fill(SCHOOL)
    page.locator("#id_school_class").fill("6a")
    page.locator("#id_guardian_name").fill(GUARDIAN)
    page.locator("#id_guardian_email").fill("monika.kruk@example.com")
    page.locator("input[name=consent_route][value=upload]").check()
    page.locator("#id_consent_file").set_input_files(
        files=[
            {
                "name": "zgoda-podpisana.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4 podpisana zgoda",
            }
        ]
    )
    page.locator("#id_justification").fill(
        "Julia od dwóch lat czyta dzieciom w szpitalu i zbiera książki dla świetlicy."
    )
    page.locator("#id_nominator_name").fill("Ewa Sadowska")
    page.locator("#id_nominator_email").fill("sekretariat@sp7.example.com")
    page.locator("#id_nominator_institution").fill(SCHOOL)
    page.locator("#id_privacy_consent").check()
    page.get_by_role("button", name="Wyślij zgłoszenie").click()
    page.wait_for_url(f"**{edition_url}")
    expect(page.locator(".messages")).to_contain_text("sekretariat@sp7.example.com")
    pupil = Nomination.objects.get(edition=edition, nominee_kind="minor")
    assert pupil.nominee_last_name == SURNAME
    assert pupil.nominator_kind == "school"
    assert pupil.consent_method == Nomination.ConsentMethod.UPLOAD
    assert pupil.consent_at is not None
    assert pupil.consent_file.name.endswith(".pdf")
    assert pupil.confirmed_at is None  # no account: it counts once confirmed by e-mail

    # The school confirms the nomination by the e-mailed link.
    request = next(m for m in mailoutbox if "sekretariat@sp7.example.com" in m.to)
    link = next(url for url in LINK.findall(request.body) if "/potwierdz/" in url)
    page.goto(path_of(link))
    page.get_by_role("button", name="Potwierdź zgłoszenie").click()
    expect(page.locator(".messages .alert-success")).to_be_visible()
    pupil.refresh_from_db()
    assert pupil.confirmed_at is not None
    assert Nomination.objects.filter(pk=pupil.pk).counting().exists()

    # Staff accept both nominations in the admin's formal check.
    log_in(staff)
    page.goto(f"/admin/awards/nomination/?edition={edition.pk}")
    expect(page.locator("#result_list")).to_contain_text(f"Julia {SURNAME}")
    for nomination in (pupil, resident_nomination):
        page.locator(f"input[name=_selected_action][value='{nomination.pk}']").check()
    page.locator("select[name=action]").select_option("accept")
    page.locator("button[name=index]").first.click()
    expect(page.locator(".messagelist")).to_contain_text("2")
    for nomination in (pupil, resident_nomination):
        nomination.refresh_from_db()
        assert nomination.status == Nomination.Status.ACCEPTED
        assert nomination.checked_by == staff

    # The nominations close and the jury starts.
    now = timezone.now()
    move_timeline(
        edition,
        nominations_open=now - 10 * DAY,
        nominations_close=now - 2 * HOUR,
        formal_check_until=now - HOUR,
    )

    # The chair declares a conflict of interest with the resident's nomination, then
    # scores the pupil.
    page.context.clear_cookies()
    log_in(world.juror_user)
    page.goto("/konto/jury/")
    page.get_by_role("link", name=f"Ośmiu Wspaniałych {edition.year}").click()
    expect(page.locator("#nominations")).to_contain_text(f"Julia {SURNAME}")
    page.get_by_role("link", name="Halina Wróblewska").click()
    page.locator("#id_note").fill("To moja sąsiadka.")
    page.get_by_role("button", name="Zgłoś konflikt interesów").click()
    expect(page.locator(".messages .alert-success")).to_be_visible()
    expect(page.locator("#ocena .alert-warning")).to_be_visible()
    expect(page.locator("#id_criterion_" + str(commitment.pk))).to_have_count(0)
    page.get_by_role("link", name="Wróć do zgłoszeń").click()
    page.get_by_role("link", name=f"Julia {SURNAME}").click()
    page.get_by_label("Zaangażowanie").fill("9")
    page.get_by_label("Wpływ na otoczenie").fill("8")
    page.get_by_role("button", name="Zapisz oceny").click()
    expect(page.locator(".messages .alert-success")).to_contain_text(f"Julia {SURNAME}")
    expect(page.locator("#ranking")).to_have_count(0)  # nobody's scores before the close

    # The other juror scores both nominations.
    page.context.clear_cookies()
    log_in(world.other_juror_user)
    page.goto("/konto/jury/")
    page.get_by_role("link", name=f"Ośmiu Wspaniałych {edition.year}").click()
    for name, values in ((f"Julia {SURNAME}", ("10", "7")), ("Halina Wróblewska", ("6", "5"))):
        page.get_by_role("link", name=name, exact=True).click()
        page.get_by_label("Zaangażowanie").fill(values[0])
        page.get_by_label("Wpływ na otoczenie").fill(values[1])
        page.get_by_role("button", name="Zapisz oceny").click()
        expect(page.locator(".messages .alert-success")).to_contain_text(name)
    expect(page.locator("#ranking")).to_have_count(0)

    assert Conflict.objects.filter(juror=first_juror, nomination=resident_nomination).exists()
    assert not Score.objects.filter(juror=first_juror, nomination=resident_nomination).exists()
    assert dict(
        Score.objects.filter(juror=first_juror, nomination=pupil).values_list(
            "criterion_id", "value"
        )
    ) == {commitment.pk: 9, impact.pk: 8}
    assert Score.objects.filter(juror=second_juror).count() == 4

    # The jury closes; the results are to be announced in an hour.
    now = timezone.now()
    move_timeline(edition, jury_until=now - HOUR, announcement_at=now + HOUR)

    # Staff mark the pupil the laureate on the ranking page and approve the results.
    page.context.clear_cookies()
    log_in(staff)
    page.goto(f"/admin/awards/edition/{edition.pk}/ranking/")
    ranking = page.locator(f"#ranking-{category.pk}")
    first_row = ranking.locator("tbody tr").first
    expect(first_row).to_contain_text(f"Julia {SURNAME[0]}.")
    expect(first_row.locator("td").first).to_have_text("1")
    page.locator(f"#award-{pupil.pk}").select_option("laureate")
    page.locator(f"form:has(#award-{pupil.pk}) input[type=submit]").click()
    expect(page.locator(".messagelist")).to_contain_text(f"Julia {SURNAME}")
    pupil.refresh_from_db()
    assert pupil.award == Nomination.Award.LAUREATE

    page.goto(f"/admin/awards/nomination/{pupil.pk}/change/")
    page.locator("#id_result_description_pl").fill("Za czytanie dzieciom w szpitalu.")
    page.locator("input[name=_save]").first.click()
    expect(page.locator(".messagelist")).to_be_visible()

    page.goto(f"/admin/awards/edition/{edition.pk}/change/")
    page.get_by_role("button", name="Zatwierdź wyniki").click()
    expect(page.locator(".messagelist")).to_contain_text("Zatwierdzono wyniki")
    edition.refresh_from_db()
    assert edition.results_approved_at is not None
    assert edition.results_approved_by == staff

    # Before the announcement time, a resident sees no results yet.
    page.context.clear_cookies()
    page.goto(edition_url)
    expect(page.locator("#wyniki")).to_have_count(0)
    page.goto("/konkursy/laureaci/")
    expect(page.locator("main")).not_to_contain_text("Julia")

    # The announcement time comes.
    move_timeline(edition, announcement_at=timezone.now() - datetime.timedelta(minutes=1))

    # A resident finds the laureate in the archive and on the edition's page.
    page.goto("/konkursy/")
    page.get_by_role("link", name="Laureaci").first.click()
    page.wait_for_url("**/konkursy/laureaci/")
    archive = page.locator(f"[aria-labelledby=archiwum-edycja-{edition.pk}]")
    expect(archive).to_contain_text("Julia G. (laureat)")
    expect(archive).to_contain_text(SCHOOL)
    expect(archive).to_contain_text("Za czytanie dzieciom w szpitalu.")
    expect(archive).not_to_contain_text("Halina")
    page.get_by_role("link", name=str(edition.year), exact=True).first.click()
    results = page.locator("#wyniki")
    expect(results).to_contain_text("Julia G.")
    expect(results).to_contain_text(SCHOOL)
    expect(results).to_contain_text("Wolontariat szkolny")
    for page_url in ("/konkursy/laureaci/", edition_url):
        page.goto(page_url)
        html = page.content()
        for private in (SURNAME, GUARDIAN, "Ewa Sadowska", "monika.kruk@example.com"):
            assert private not in html, f"{private} shown on {page_url}"
