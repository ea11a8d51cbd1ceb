"""The competitions' public pages as a visitor sees them, in Polish and in English:
open calls first, results only once approved and announced, drafts and crafted
addresses a 404, the young person's surname never shown."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import Category, Competition, Edition, Nomination

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def text(response):
    """The page's visible text, its white space folded."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def edition_url(edition, language=""):
    url = reverse("awards:edition", args=[edition.competition.slug, edition.year])
    return f"/{language}{url}" if language else url


def test_the_list_puts_open_calls_first_with_their_deadline(client, world):
    response = client.get("/konkursy/")
    assert response.status_code == 200
    page = text(response)
    assert page.index("Ośmiu Wspaniałych") < page.index("Społeczna Dusza")
    close = timezone.localtime(world.open_edition.nominations_close)
    assert f"{close.day} " in page and str(close.year) in page


def test_the_list_in_english(client, world):
    response = client.get("/en/konkursy/")
    assert response.status_code == 200
    page = text(response)
    assert "The Magnificent Eight" in page
    assert "Calls for nominations open now" in page


def test_a_competition_lists_its_published_editions_only(client, world):
    Edition.objects.filter(pk=world.past_edition.pk).update(status=Edition.Status.DRAFT)
    page = text(client.get("/en" + reverse("awards:competition", args=["spoleczna-dusza"])))
    assert f"Edition {world.jury_edition.year}" in page
    assert f"Edition {world.past_edition.year}" not in page


def test_an_open_edition_shows_its_timeline_documents_and_categories(client, world):
    response = client.get(edition_url(world.open_edition))
    assert response.status_code == 200
    page = text(response)
    assert "Szkoły podstawowe" in page and "Szkoły średnie" in page
    assert "/regulamin/" in response.content.decode()
    opens = timezone.localtime(world.open_edition.nominations_open)
    months = ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca",
              "sierpnia", "września", "października", "listopada", "grudnia"]  # fmt: skip
    assert f"{opens.day} {months[opens.month - 1]} {opens.year}" in page
    assert 'aria-current="step"' in response.content.decode()
    # The regulations download under their own name.
    document = reverse(
        "awards:edition_document",
        args=["osmiu-wspanialych", world.open_edition.year, "regulamin", "regulamin.pdf"],
    )
    name = world.open_edition.regulations.name.rsplit("/", 1)[-1]
    download = client.get(document, follow=True)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert name in download["Content-Disposition"]


def test_results_show_only_once_approved_and_announced(client, world):
    page = text(client.get(edition_url(world.past_edition)))
    assert "Fundacja Pomocy Sąsiedzkiej" in page
    assert "Za prowadzenie banku żywności." in page
    assert (
        'alt="Członkowie fundacji przy regałach z żywnością"'
        in client.get(edition_url(world.past_edition)).content.decode()
    )
    assert page.index("Fundacja Pomocy Sąsiedzkiej") < page.index("Halina Wróblewska")

    # Approved, but the announcement is still ahead: nothing shown yet.
    Edition.objects.filter(pk=world.past_edition.pk).update(
        announcement_at=timezone.now() + DAY, ceremony_at=None
    )
    assert "Fundacja Pomocy Sąsiedzkiej" not in text(client.get(edition_url(world.past_edition)))
    assert "Fundacja Pomocy Sąsiedzkiej" not in text(client.get(reverse("awards:laureates")))

    # Announced, but the approval withdrawn: nothing shown either.
    Edition.objects.filter(pk=world.past_edition.pk).update(
        announcement_at=timezone.now() - DAY, results_approved_at=None
    )
    assert "Fundacja Pomocy Sąsiedzkiej" not in text(client.get(edition_url(world.past_edition)))


def test_the_archive_groups_laureates_by_competition_and_year(client, world):
    response = client.get(reverse("awards:laureates"))
    assert response.status_code == 200
    page = text(response)
    assert "Społeczna Dusza" in page and str(world.past_edition.year) in page
    assert "Fundacja Pomocy Sąsiedzkiej" in page
    english = text(client.get("/en" + reverse("awards:laureates")))
    assert "Laureates" in english and "Fundacja Pomocy Sąsiedzkiej" in english


def test_a_draft_edition_is_nobodys_page(client, world):
    Edition.objects.filter(pk=world.open_edition.pk).update(status=Edition.Status.DRAFT)
    assert client.get(edition_url(world.open_edition)).status_code == 404
    assert (
        client.get(
            reverse("awards:edition_ics", args=["osmiu-wspanialych", world.open_edition.year])
        ).status_code
        == 404
    )
    assert "Ośmiu Wspaniałych 20" not in text(client.get(reverse("awards:feed")))


@pytest.mark.parametrize(
    "path",
    [
        "/konkursy/nie-ma-takiego/",
        "/konkursy/osmiu-wspanialych/1999/",
        "/konkursy/osmiu-wspanialych/99999999999999999999/",
        "/konkursy/osmiu-wspanialych/0/",
        "/konkursy/nie-ma-takiego/2026/",
        "/konkursy/osmiu-wspanialych/2020.ics",
        "/konkursy/osmiu-wspanialych/99999999999999.ics",
        "/konkursy/osmiu-wspanialych/2026/zgoda/x.pdf",
        "/konkursy/osmiu-wspanialych/2026/cokolwiek/x.pdf",
        "/en/konkursy/x%00y/",
    ],
)
def test_crafted_addresses_are_a_404(client, world, path):
    assert client.get(path).status_code == 404


def test_the_feed_has_calls_and_published_results(client, world):
    response = client.get(reverse("awards:feed"))
    assert response.status_code == 200
    feed = response.content.decode()
    assert f"Ośmiu Wspaniałych {world.open_edition.year}" in feed
    assert f"Społeczna Dusza {world.past_edition.year}" in feed
    english = client.get("/en" + reverse("awards:feed")).content.decode()
    assert f"Results: Social Soul {world.past_edition.year}" in english
    Edition.objects.filter(pk=world.past_edition.pk).update(results_approved_at=None)
    assert "Results:" not in client.get("/en" + reverse("awards:feed")).content.decode()


def test_the_timeline_as_a_calendar(client, world):
    response = client.get(
        reverse("awards:edition_ics", args=["osmiu-wspanialych", world.open_edition.year])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.count("BEGIN:VEVENT") == 5  # nominations, check, jury, announcement, ceremony
    assert "Aula Centrum" in body


def test_the_nominate_and_vote_buttons_follow_the_timeline(client, world):
    nominate = reverse_or_none("awards:nominate", world.open_edition)
    if nominate:
        assert nominate in client.get(edition_url(world.open_edition)).content.decode()
    past = client.get(edition_url(world.past_edition)).content.decode()
    if nominate:
        assert reverse_or_none("awards:nominate", world.past_edition) not in past


def reverse_or_none(name, edition):
    from django.urls import NoReverseMatch

    try:
        return reverse(name, args=[edition.competition.slug, edition.year])
    except NoReverseMatch:
        return None


def test_a_young_persons_surname_is_never_public(client, world):
    minor = world.minor_nomination
    Nomination.objects.filter(pk=minor.pk).update(
        consent_at=timezone.now(), consent_method="email", status="accepted", award="mention",
        result_description_pl="Za pomoc młodszym kolegom.",
    )  # fmt: skip
    edition = world.open_edition
    Edition.objects.filter(pk=edition.pk).update(
        nominations_open=timezone.now() - 60 * DAY,
        nominations_close=timezone.now() - 40 * DAY,
        formal_check_until=timezone.now() - 30 * DAY,
        jury_until=timezone.now() - 20 * DAY,
        announcement_at=timezone.now() - 10 * DAY,
        ceremony_at=None,
        results_approved_at=timezone.now() - 10 * DAY,
    )
    pages = [
        edition_url(edition),
        edition_url(edition, "en"),
        reverse("awards:laureates"),
        "/en" + reverse("awards:laureates"),
        reverse("awards:competition_list"),
        reverse("awards:competition", args=["osmiu-wspanialych"]),
        reverse("awards:feed"),
        reverse("awards:edition_ics", args=["osmiu-wspanialych", edition.year]),
    ]
    shown = False
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "Malinowska" not in body, url
        shown = shown or "Zuzanna M." in body
    assert shown
    page = text(client.get(edition_url(edition)))
    assert "Zuzanna M." in page and "Szkoła Podstawowa nr 12 w Białymstoku" in page


# --- Query budget --------------------------------------------------------------------------


@pytest.fixture
def many(world):
    """10 competitions × 10 editions × 200 nominations (awarded in part)."""
    now = timezone.now()
    competitions = Competition.objects.bulk_create(
        Competition(name_pl=f"Konkurs {n}", slug=f"konkurs-{n}", position=n) for n in range(10)
    )
    editions = Edition.objects.bulk_create(
        Edition(
            competition=competition,
            year=2010 + offset,
            status=Edition.Status.PUBLISHED,
            nominations_open=now - (400 - offset) * DAY,
            nominations_close=now - (380 - offset) * DAY,
            formal_check_until=now - (370 - offset) * DAY,
            jury_until=now - (360 - offset) * DAY,
            announcement_at=now - (350 - offset) * DAY,
            results_approved_at=now - (350 - offset) * DAY,
        )
        for competition in competitions
        for offset in range(10)
    )
    categories = Category.objects.bulk_create(
        Category(edition=edition, name_pl=f"Kategoria {edition.year}") for edition in editions
    )
    Nomination.objects.bulk_create(
        Nomination(
            edition=category.edition,
            category=category,
            nominee_kind="person",
            nominee_first_name=f"Osoba{n}",
            nominee_last_name="Testowa",
            justification="Pomaga innym.",
            nominator_kind="resident",
            nominator_name="Jan Kowalski",
            nominator_email="jan@example.com",
            privacy_consent=True,
            confirmed_at=now,
            status="accepted",
            award="laureate" if n < 2 else ("mention" if n < 4 else ""),
        )
        for category in categories
        for n in range(200)
    )
    return editions[-1]


def test_the_pages_use_few_queries_with_many_rows(client, many, django_assert_max_num_queries):
    urls = [
        reverse("awards:competition_list"),
        reverse("awards:competition", args=[many.competition.slug]),
        edition_url(many),
        reverse("awards:laureates"),
        reverse("awards:feed"),
        reverse("awards:edition_ics", args=[many.competition.slug, many.year]),
    ]
    for url in urls:
        with django_assert_max_num_queries(10):
            response = client.get(url)
        assert response.status_code == 200, url
    assert text(client.get(reverse("awards:laureates"))).count("Testowa") == 400
