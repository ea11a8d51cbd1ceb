"""The public news: residents read the list, a post and its attachments; the home page
and an organisation's profile show the latest posts."""

import datetime
import html
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation

from organizations.models import NewsPost
from organizations.services import news as news_services
from tests.factories import png_file
from tests.organizations.factories import (
    MembershipFactory,
    NewsPostFactory,
    OrganizationFactory,
    many_news_posts,
    news_attachment,
)

LIST = "/aktualnosci/"
EN_LIST = "/en/aktualnosci/"
WARSAW = ZoneInfo("Europe/Warsaw")

pytestmark = pytest.mark.django_db

_ITEM_TITLE = re.compile(r'<h3 class="h5 card-title mb-1"><a href="([^"]+)">([^<]*)</a></h3>')
_HOME_TITLE = re.compile(r'<h3 class="h5 card-title"><a href="(/(?:en/)?aktualnosci/[^"]+)">')
_PROFILE_TITLE = re.compile(r'<h3 class="h6 mb-1"><a href="[^"]+">([^<]*)</a></h3>')


def listed(response):
    """Titles of the posts on a list page, in the order shown."""
    assert response.status_code == 200
    return [html.unescape(title) for _url, title in _ITEM_TITLE.findall(response.content.decode())]


def visible_text(response):
    """What a reader sees: the page without tags, whitespace collapsed."""
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    text = re.sub(r"\s+", " ", html.unescape(text))
    return re.sub(r" ([.,;:)])", r"\1", text)


def at(*args):
    return datetime.datetime(*args, tzinfo=WARSAW)


@pytest.fixture
def organization(ngo_member):
    organization = OrganizationFactory(name="Stowarzyszenie Seniorów Bojary")
    MembershipFactory(user=ngo_member, organization=organization)
    return organization


@pytest.fixture
def other_organization(other_ngo_member):
    organization = OrganizationFactory(name="Fundacja Zielone Wzgórza")
    MembershipFactory(user=other_ngo_member, organization=organization)
    return organization


def hidden_post(status_or_case, organization, **kwargs):
    """A post that the public must not see, for each reason it can be hidden."""
    now = timezone.now()
    cases = {
        "draft": {"status": NewsPost.Status.DRAFT, "published_at": None},
        "submitted": {"status": NewsPost.Status.SUBMITTED, "published_at": None},
        "rejected": {
            "status": NewsPost.Status.REJECTED,
            "published_at": None,
            "rejection_reason": "Brak daty wydarzenia.",
        },
        "scheduled": {"published_at": now + datetime.timedelta(days=2)},
        "expired": {
            "published_at": now - datetime.timedelta(days=10),
            "expires_at": now - datetime.timedelta(days=1),
        },
    }
    return NewsPostFactory(
        organization=organization, title="Wpis ukryty", **cases[status_or_case], **kwargs
    )


HIDDEN = ["draft", "submitted", "rejected", "scheduled", "expired"]


# --- The list: what is listed -------------------------------------------------------


@pytest.mark.parametrize("case", HIDDEN)
def test_only_published_posts_are_listed(client, organization, case):
    NewsPostFactory(organization=organization, title="Wpis widoczny")
    hidden_post(case, organization)
    assert listed(client.get(LIST)) == ["Wpis widoczny"]


def test_a_scheduled_post_appears_in_the_list_once_its_time_has_come(client, organization):
    with time_machine.travel(at(2026, 3, 1, 12, 0), tick=False):
        NewsPostFactory(title="Zaplanowany", published_at=at(2026, 3, 2, 8, 0))
        assert listed(client.get(LIST)) == []
    with time_machine.travel(at(2026, 3, 2, 8, 1), tick=False):
        assert listed(client.get(LIST)) == ["Zaplanowany"]


def test_an_announcement_disappears_from_the_list_when_it_expires(client, organization):
    with time_machine.travel(at(2026, 3, 1, 12, 0), tick=False):
        NewsPostFactory(
            title="Nabór wolontariuszy",
            published_at=at(2026, 3, 1, 9, 0),
            expires_at=at(2026, 3, 5, 0, 0),
        )
        assert listed(client.get(LIST)) == ["Nabór wolontariuszy"]
    with time_machine.travel(at(2026, 3, 5, 0, 1), tick=False):
        assert listed(client.get(LIST)) == []


def test_posts_are_listed_newest_first(client):
    now = timezone.now()
    for title, hours_ago in [("Środkowy", 5), ("Najnowszy", 1), ("Najstarszy", 30)]:
        NewsPostFactory(title=title, published_at=now - datetime.timedelta(hours=hours_ago))
    assert listed(client.get(LIST)) == ["Najnowszy", "Środkowy", "Najstarszy"]


def test_each_post_shows_its_title_category_organisation_date_lead_and_event(client):
    organization = OrganizationFactory(name="Klub Aktywnych Seniorów")
    post = NewsPostFactory(
        organization=organization,
        title="Piknik sąsiedzki na Bojarach",
        category=NewsPost.Category.EVENT,
        lead="Zapraszamy mieszkańców na wspólne grillowanie.",
        published_at=at(2026, 3, 10, 9, 30),
        event_starts_at=at(2026, 6, 14, 15, 0),
        event_place="Park Antoniukowski",
    )
    with time_machine.travel(at(2026, 3, 11, 12, 0), tick=False):
        response = client.get(EN_LIST)
    page = response.content.decode()
    assert f'<a href="/en/aktualnosci/{post.slug}/">Piknik sąsiedzki na Bojarach</a>' in page
    assert f'<a href="/en/organizacje/{organization.slug}/">Klub Aktywnych Seniorów</a>' in page
    assert '<time datetime="2026-03-10T09:30:00+0100">10 March 2026</time>' in page
    text = visible_text(response)
    assert "Category: Event" in text
    assert "Zapraszamy mieszkańców na wspólne grillowanie." in text
    assert "Event: 14 June 2026, 15:00" in text
    assert "Place: Park Antoniukowski" in text
    assert '<time datetime="2026-06-14T15:00:00+0200">' in page


def test_the_centres_own_posts_are_signed_by_the_centre(client):
    NewsPostFactory(organization=None, title="Dyżur w święta", category=NewsPost.Category.CENTRE)
    text = visible_text(client.get(EN_LIST))
    assert "Dyżur w święta" in text
    assert "NGO Cooperation Centre" in text


def test_a_staff_post_written_through_the_service_is_published_at_once(client, staff):
    news_services.news_create(
        user=staff,
        data={"title": "Nowe godziny otwarcia", "lead": "Od marca pracujemy dłużej."},
    )
    assert listed(client.get(LIST)) == ["Nowe godziny otwarcia"]


def test_a_members_post_is_not_listed_until_the_centre_approves_it(
    client, ngo_member, organization, staff
):
    post = news_services.news_create(
        user=ngo_member,
        organization=organization,
        data={"title": "Zbiórka karmy", "lead": "Zbieramy karmę dla schroniska."},
        submit=True,
    )
    assert listed(client.get(LIST)) == []
    news_services.news_approve(post=post, user=staff)
    assert listed(client.get(LIST)) == ["Zbiórka karmy"]


# --- Filters ------------------------------------------------------------------------


@pytest.fixture
def news(organization, other_organization):
    """One post per category, spread over two organisations and the centre."""
    now = timezone.now()
    NewsPostFactory(
        organization=organization,
        title="Ogłoszenie A",
        published_at=now - datetime.timedelta(hours=1),
    )
    NewsPostFactory(
        organization=organization,
        title="Wydarzenie A",
        category=NewsPost.Category.EVENT,
        published_at=now - datetime.timedelta(hours=2),
    )
    NewsPostFactory(
        organization=other_organization,
        title="Wydarzenie B",
        category=NewsPost.Category.EVENT,
        published_at=now - datetime.timedelta(hours=3),
    )
    NewsPostFactory(
        organization=None,
        title="Konkurs grantowy",
        category=NewsPost.Category.FUNDING,
        published_at=now - datetime.timedelta(hours=4),
    )


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("announcement", ["Ogłoszenie A"]),
        ("event", ["Wydarzenie A", "Wydarzenie B"]),
        ("funding", ["Konkurs grantowy"]),
        ("centre", []),
    ],
)
def test_the_category_filter_lists_only_that_category(client, news, category, expected):
    assert listed(client.get(LIST, {"kategoria": category})) == expected


def test_the_chosen_category_is_marked_as_the_current_one(client, news):
    page = client.get(EN_LIST, {"kategoria": "event"}).content.decode()
    assert 'href="/en/aktualnosci/?kategoria=event" aria-current="page">Event</a>' in page
    assert 'href="/en/aktualnosci/">All categories</a>' in page
    categories = page.split('aria-labelledby="news-categories-heading"')[1].split("</nav>")[0]
    assert categories.count('aria-current="page"') == 1


def test_the_organisation_filter_lists_only_that_organisations_posts(client, news, organization):
    response = client.get(EN_LIST, {"organizacja": organization.slug})
    assert listed(response) == ["Ogłoszenie A", "Wydarzenie A"]
    assert "Posts by Stowarzyszenie Seniorów Bojary" in visible_text(response)


def test_the_category_and_organisation_filters_combine_and_links_keep_both(
    client, news, organization
):
    response = client.get(EN_LIST, {"organizacja": organization.slug, "kategoria": "event"})
    assert listed(response) == ["Wydarzenie A"]
    page = response.content.decode()
    assert f'href="/en/aktualnosci/?organizacja={organization.slug}&amp;kategoria=funding"' in page
    assert f'href="/en/aktualnosci/?organizacja={organization.slug}">All categories</a>' in page
    assert 'href="/en/aktualnosci/?kategoria=event">Show posts by all organisations</a>' in page


@pytest.mark.parametrize(
    "params",
    [
        {"kategoria": "sport"},
        {"kategoria": "<script>"},
        {"organizacja": "no-such-organisation"},
        {"organizacja": "x" * 5000},
        {"organizacja": "fundacja\x00"},
        {"organizacja": "łódź"},
        {"kategoria": ["event", "funding"], "organizacja": ""},
        {"page": "abc"},
        {"page": "99999999999999999999"},
        {"kategoria": "\x00"},
    ],
)
def test_invalid_filter_values_are_ignored_not_an_error(client, news, params):
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert len(listed(response)) >= 1


def test_an_unknown_category_shows_every_post(client, news):
    assert len(listed(client.get(LIST, {"kategoria": "sport"}))) == 4


def test_an_unpublished_organisation_cannot_be_used_as_a_filter(client, news):
    hidden = OrganizationFactory(status="draft")
    NewsPostFactory(organization=hidden, title="Wpis organizacji w szkicu")
    titles = listed(client.get(LIST, {"organizacja": hidden.slug}))
    # The filter is ignored (all news listed) and the draft organisation's post,
    # though itself published, stays hidden with its organisation.
    assert titles == listed(client.get(LIST))
    assert "Wpis organizacji w szkicu" not in titles


def test_a_filter_that_finds_nothing_says_so_and_links_to_all_news(client, news):
    response = client.get(EN_LIST, {"kategoria": "centre"})
    assert "Found 0 posts" in visible_text(response)
    assert "No posts match the chosen category or organisation." in visible_text(response)
    assert 'href="/en/aktualnosci/">See all news</a>' in response.content.decode()


def test_an_empty_news_list_says_nothing_is_published_yet(client):
    assert "No news has been published yet." in visible_text(client.get(EN_LIST))


# --- Funding calls ------------------------------------------------------------------


@time_machine.travel(at(2026, 12, 1, 12, 0), tick=False)
def test_funding_calls_are_listed_by_deadline_and_passed_ones_come_last_marked(client):
    for title, deadline in [
        ("Fundusz Osiedlowy", datetime.date(2027, 1, 31)),
        ("Zamknięty dawno", datetime.date(2026, 10, 1)),
        ("Mikrogranty", datetime.date(2026, 12, 12)),
        ("Zamknięty wczoraj", datetime.date(2026, 11, 30)),
        ("Kończy się dziś", datetime.date(2026, 12, 1)),
    ]:
        NewsPostFactory(
            title=title,
            category=NewsPost.Category.FUNDING,
            funding_deadline=deadline,
            published_at=at(2026, 9, 1, 10, 0),
        )
    NewsPostFactory(title="Nie konkurs")
    response = client.get(EN_LIST, {"kategoria": "funding"})
    assert listed(response) == [
        "Kończy się dziś",
        "Mikrogranty",
        "Fundusz Osiedlowy",
        "Zamknięty wczoraj",
        "Zamknięty dawno",
    ]
    text = visible_text(response)
    assert "Deadline: 12 December 2026" in text
    assert text.count("Deadline passed") == 2
    # Each passed deadline is marked in its own item, after its date.
    items = text.split("Deadline:")[1:]
    assert ["Deadline passed" in item for item in items] == [False, False, False, True, True]


@time_machine.travel(at(2026, 12, 1, 12, 0), tick=False)
def test_the_polish_list_shows_the_deadline_as_a_polish_date(client):
    NewsPostFactory(
        category=NewsPost.Category.FUNDING,
        funding_deadline=datetime.date(2026, 12, 12),
        published_at=at(2026, 11, 1, 10, 0),
    )
    response = client.get(LIST, {"kategoria": "funding"})
    assert '<time datetime="2026-12-12">12 grudnia 2026</time>' in response.content.decode()


def test_outside_the_funding_filter_funding_calls_still_show_their_deadline(client):
    NewsPostFactory(
        category=NewsPost.Category.FUNDING,
        funding_deadline=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert "Deadline passed" in visible_text(client.get(EN_LIST))


# --- Pagination ---------------------------------------------------------------------


def test_ten_posts_per_page_with_links_that_keep_the_filter(client):
    now = timezone.now()
    for n in range(25):
        NewsPostFactory(
            title=f"Wydarzenie {n:02d}",
            category=NewsPost.Category.EVENT,
            published_at=now - datetime.timedelta(hours=n + 1),
        )
    NewsPostFactory(title="Ogłoszenie spoza filtra")

    first = client.get(EN_LIST, {"kategoria": "event"})
    assert listed(first) == [f"Wydarzenie {n:02d}" for n in range(10)]
    text = first.content.decode()
    assert "Found 25 posts" in visible_text(first)
    assert "Page 1 of 3" in text
    assert '<nav aria-label="Pages of results">' in text
    assert 'href="?kategoria=event&amp;page=2" rel="next"' in text

    third = client.get(EN_LIST, {"kategoria": "event", "page": "3"})
    assert listed(third) == [f"Wydarzenie {n:02d}" for n in range(20, 25)]
    assert 'aria-current="page">3</span>' in third.content.decode()
    assert 'href="?kategoria=event" aria-label="Page 1"' in third.content.decode()


def test_a_single_page_has_no_pagination(client):
    NewsPostFactory()
    assert "Pages of results" not in client.get(EN_LIST).content.decode()


# --- The list page as a whole -------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "sentence"), [(1, "Found 1 post "), (2, "Found 2 posts "), (5, "Found 5 posts ")]
)
def test_the_post_count_uses_the_right_plural_form(client, count, sentence):
    for _ in range(count):
        NewsPostFactory()
    assert sentence in visible_text(client.get(EN_LIST))


@pytest.mark.parametrize("url", [LIST, EN_LIST])
def test_the_news_list_has_one_h1_and_its_headings_in_order(client, news, url):
    page = client.get(url, {"kategoria": "event"}).content.decode()
    levels = [int(level) for level in re.findall(r"<h([1-6])[\s>]", page)]
    assert levels.count(1) == 1
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))


def test_the_list_links_to_the_feed_of_all_news_and_of_the_chosen_category(client, news):
    page = client.get(EN_LIST, {"kategoria": "funding"}).content.decode()
    assert '<a href="/aktualnosci/rss/">All news (RSS feed)</a>' in page
    assert '<a href="/aktualnosci/rss/funding/">Funding call (RSS feed)</a>' in page
    assert 'type="application/rss+xml" title="News: Funding call (RSS)"' in page
    assert 'href="/aktualnosci/rss/funding/">' in page.split("</head>")[0]
    unfiltered = client.get(EN_LIST).content.decode()
    assert "/aktualnosci/rss/funding/" not in unfiltered


def test_every_page_advertises_the_news_feed_and_the_menu_links_to_the_news(client):
    home = client.get("/en/").content.decode()
    head = home.split("</head>")[0]
    assert 'rel="alternate" type="application/rss+xml"' in head
    assert 'href="/aktualnosci/rss/"' in head
    assert '<a class="nav-link" href="/en/aktualnosci/">News</a>' in home
    news_page = client.get(EN_LIST).content.decode()
    assert 'href="/en/aktualnosci/" aria-current="page">News</a>' in news_page


def test_user_text_in_the_list_is_shown_as_text(client):
    NewsPostFactory(title="<script>alert(1)</script>", lead="<b>pogrubienie</b>")
    page = client.get(LIST).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>pogrubienie</b>" not in page


@pytest.mark.parametrize(
    "params",
    [{}, {"kategoria": "funding"}, {"kategoria": "event", "page": "2"}, {"organizacja": "ORG"}],
)
def test_the_news_list_runs_a_constant_number_of_queries(
    client, django_assert_max_num_queries, params
):
    posts = many_news_posts(40)
    organization = next(post.organization for post in posts if post.organization_id)
    params = {k: organization.slug if v == "ORG" else v for k, v in params.items()}
    client.get(LIST)  # the first request creates the site settings row
    with django_assert_max_num_queries(10):
        response = client.get(LIST, params)
    assert len(listed(response)) >= 1


def test_the_news_list_runs_a_constant_number_of_queries_for_a_member(
    client, ngo_member, organization, django_assert_max_num_queries
):
    many_news_posts(40)
    client.force_login(ngo_member)
    client.get(LIST)
    with django_assert_max_num_queries(10):
        response = client.get(LIST)
    assert len(listed(response)) == 10


# --- A post -------------------------------------------------------------------------


def test_a_post_shows_its_title_category_organisation_dates_event_and_text(client, organization):
    post = NewsPostFactory(
        organization=organization,
        title="Warsztaty pisania wniosków",
        category=NewsPost.Category.EVENT,
        lead="Nauczymy się pisać wnioski o dotacje.",
        body="## Program\n\n- **budżet** projektu\n- harmonogram\n\n<script>alert(1)</script>",
        published_at=at(2026, 4, 2, 10, 0),
        event_starts_at=at(2026, 4, 20, 17, 30),
        event_place="Sala konferencyjna CWOP",
    )
    with time_machine.travel(at(2026, 4, 3, 12, 0), tick=False):
        response = client.get(f"/en/aktualnosci/{post.slug}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Warsztaty pisania wniosków</h1>" in page
    assert page.count("<h1") == 1
    assert '<h2 id="program">Program</h2>' in page or "<h2>Program</h2>" in page
    assert "<strong>budżet</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert f'<a href="/en/organizacje/{organization.slug}/">{organization.name}</a>' in page
    assert '<time datetime="2026-04-02T10:00:00+0200">2 April 2026</time>' in page
    text = visible_text(response)
    assert "Category: Event" in text
    assert "Nauczymy się pisać wnioski o dotacje." in text
    assert "Event: 20 April 2026, 17:30" in text
    assert "Place: Sala konferencyjna CWOP" in text
    assert "This post" not in text  # no status notice on a public post


def test_a_post_has_breadcrumbs_home_news_and_its_title(client):
    post = NewsPostFactory(title="Nabór do rady")
    page = client.get(f"/en/aktualnosci/{post.slug}/").content.decode()
    crumbs = page.split('aria-label="Breadcrumbs"')[1].split("</nav>")[0]
    assert '<a href="/en/">Home</a>' in crumbs
    assert '<a href="/en/aktualnosci/">News</a>' in crumbs
    assert 'aria-current="page">Nabór do rady</li>' in crumbs


@time_machine.travel(at(2026, 12, 20, 12, 0), tick=False)
@pytest.mark.parametrize(
    ("deadline", "passed"),
    [(datetime.date(2026, 12, 12), True), (datetime.date(2027, 1, 10), False)],
)
def test_a_funding_call_shows_its_deadline_and_whether_it_has_passed(client, deadline, passed):
    post = NewsPostFactory(
        category=NewsPost.Category.FUNDING,
        funding_deadline=deadline,
        published_at=at(2026, 11, 1, 10, 0),
    )
    text = visible_text(client.get(f"/en/aktualnosci/{post.slug}/"))
    assert f"Deadline: {deadline.day} {deadline:%B %Y}" in text
    assert ("Deadline passed" in text) is passed


def test_the_lead_image_has_its_description_as_alt_text_and_its_size(client):
    post = NewsPostFactory(
        lead_image=png_file(640, 360),
        lead_image_alt="Wolontariusze sadzą drzewa w parku",
    )
    page = client.get(f"/aktualnosci/{post.slug}/").content.decode()
    image = re.search(r"<img src=\"(/media/news/images/[^\"]+)\"[^>]*>", page)
    assert image, page
    assert 'alt="Wolontariusze sadzą drzewa w parku"' in image.group(0)
    assert 'width="640" height="360"' in image.group(0)


def test_a_lead_image_missing_from_storage_does_not_break_the_page(client):
    post = NewsPostFactory(lead_image=png_file(), lead_image_alt="Plakat wydarzenia")
    post.lead_image.storage.delete(post.lead_image.name)
    response = client.get(f"/aktualnosci/{post.slug}/")
    assert response.status_code == 200
    assert 'alt="Plakat wydarzenia"' in response.content.decode()


def test_an_unknown_post_is_not_found(client):
    assert client.get("/aktualnosci/nie-ma-takiego/").status_code == 404


@pytest.mark.parametrize("case", HIDDEN)
def test_a_hidden_post_is_not_found_by_residents_or_members_of_other_organisations(
    client, organization, other_ngo_member, other_organization, case
):
    post = hidden_post(case, organization)
    url = f"/aktualnosci/{post.slug}/"
    assert client.get(url).status_code == 404
    client.force_login(other_ngo_member)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("case", "notice"),
    [
        ("draft", "This post is a draft: it is not public."),
        ("submitted", "This post is waiting for the centre's approval: it is not public yet."),
        ("rejected", "The centre has rejected this post: it is not public."),
        ("scheduled", "This post is scheduled for publication on "),
        ("expired", "This post expired on "),
    ],
)
@pytest.mark.parametrize("persona", ["ngo_member", "staff"])
def test_members_of_the_organisation_and_staff_see_a_hidden_post_with_its_status(
    client, organization, request, case, notice, persona
):
    post = hidden_post(case, organization)
    client.force_login(request.getfixturevalue(persona))
    response = client.get(f"/en/aktualnosci/{post.slug}/")
    assert response.status_code == 200
    text = visible_text(response)
    assert notice in text
    assert "Only members of the organisation and the centre's staff can see it." in text
    assert "no-cache" in response["Cache-Control"]


def test_a_rejected_post_shows_its_members_the_reason(client, ngo_member, organization):
    post = hidden_post("rejected", organization)
    client.force_login(ngo_member)
    text = visible_text(client.get(f"/en/aktualnosci/{post.slug}/"))
    assert "Reason for rejection: Brak daty wydarzenia." in text


def test_a_scheduled_post_shows_when_it_will_be_published(client, staff):
    with time_machine.travel(at(2026, 5, 1, 9, 0), tick=False):
        post = NewsPostFactory(organization=None, published_at=at(2026, 5, 4, 8, 0))
        client.force_login(staff)
        text = visible_text(client.get(f"/en/aktualnosci/{post.slug}/"))
    assert "This post is scheduled for publication on 4 May 2026, 08:00." in text
    assert "Only the centre's staff can see it." in text


def test_members_get_a_link_to_edit_their_post_and_others_do_not(
    client, ngo_member, other_ngo_member, organization
):
    post = NewsPostFactory(organization=organization)
    edit = f'href="/konto/aktualnosci/{post.pk}/edytuj/"'
    assert edit not in client.get(f"/aktualnosci/{post.slug}/").content.decode()
    client.force_login(other_ngo_member)
    assert edit not in client.get(f"/aktualnosci/{post.slug}/").content.decode()
    client.force_login(ngo_member)
    assert edit in client.get(f"/aktualnosci/{post.slug}/").content.decode()


def test_the_post_page_runs_a_constant_number_of_queries(
    client, ngo_member, organization, django_assert_max_num_queries
):
    many_news_posts(40)
    post = NewsPostFactory(organization=organization, category=NewsPost.Category.FUNDING)
    for n in range(8):
        news_attachment(post, title=f"Załącznik {n}", name=f"zalacznik-{n}.pdf")
    url = f"/aktualnosci/{post.slug}/"
    client.get(url)
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.content.decode().count("/zalaczniki/") == 8
    client.force_login(ngo_member)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


# --- Attachments --------------------------------------------------------------------


def test_attachments_are_listed_with_their_type_and_size(client):
    post = NewsPostFactory()
    pdf = news_attachment(post, title="Regulamin konkursu", name="regulamin.pdf")
    page = client.get(f"/en/aktualnosci/{post.slug}/").content.decode()
    with translation.override("en"):
        size = filesizeformat(pdf.file_size)
    assert (
        f'<a href="/en/aktualnosci/{post.slug}/zalaczniki/{pdf.pk}/{pdf.download_name}">'
        f"Regulamin konkursu</a> <span"
    ) in page
    assert f"(PDF, {size})" in html.unescape(page)
    assert '<h2 id="attachments-heading" class="h4">Attachments</h2>' in page


def test_a_post_without_attachments_has_no_attachments_section(client):
    post = NewsPostFactory()
    assert "attachments-heading" not in client.get(f"/aktualnosci/{post.slug}/").content.decode()


def test_an_attachment_downloads_as_a_file(client):
    post = NewsPostFactory()
    attachment = news_attachment(post, content=b"%PDF-1.4 plik testowy " * 50)
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{attachment.download_name}"'
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 plik testowy " * 50


@pytest.mark.parametrize("case", HIDDEN)
def test_an_attachment_of_a_hidden_post_is_not_found_except_by_its_members(
    client, ngo_member, other_ngo_member, organization, other_organization, case
):
    post = hidden_post(case, organization)
    attachment = news_attachment(post)
    url = attachment.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(other_ngo_member)
    assert client.get(url).status_code == 404
    client.force_login(ngo_member)
    response = client.get(url)
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


def test_a_wrong_file_name_redirects_to_the_right_one(client):
    post = NewsPostFactory()
    attachment = news_attachment(post, name="harmonogram.pdf")
    response = client.get(f"/aktualnosci/{post.slug}/zalaczniki/{attachment.pk}/stara-nazwa.pdf")
    assert response.status_code == 301
    assert response["Location"] == attachment.get_absolute_url()


def test_an_attachment_is_found_only_under_its_own_post(client):
    post = NewsPostFactory()
    other = NewsPostFactory()
    attachment = news_attachment(other)
    url = f"/aktualnosci/{post.slug}/zalaczniki/{attachment.pk}/{attachment.download_name}"
    assert client.get(url).status_code == 404


def test_an_attachment_missing_from_storage_is_not_found(client):
    post = NewsPostFactory()
    attachment = news_attachment(post)
    attachment.file.storage.delete(attachment.file.name)
    assert client.get(attachment.get_absolute_url()).status_code == 404


# --- The home page ------------------------------------------------------------------


def test_the_home_page_shows_the_three_latest_posts(client):
    now = timezone.now()
    posts = [
        NewsPostFactory(title=f"Wpis {n}", published_at=now - datetime.timedelta(hours=n + 1))
        for n in range(5)
    ]
    hidden_post("scheduled", posts[0].organization)
    response = client.get("/en/")
    page = response.content.decode()
    shown = _HOME_TITLE.findall(page)
    assert shown == [f"/en/aktualnosci/{post.slug}/" for post in posts[:3]]
    section = page.split('id="latest-news-heading"')[1]
    assert "Latest news" in section.split("</h2>")[0]
    assert posts[0].organization.name in section
    assert '<a href="/en/aktualnosci/">All news</a>' in section


def test_the_home_page_shows_no_news_section_when_nothing_is_published(client, organization):
    hidden_post("draft", organization)
    page = client.get("/en/").content.decode()
    assert "Latest news" not in page
    assert "latest-news-heading" not in page


def test_the_home_page_runs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    many_news_posts(40)
    client.get("/")
    with django_assert_max_num_queries(10):
        response = client.get("/")
    assert len(_HOME_TITLE.findall(response.content.decode())) == 3


# --- An organisation's profile ------------------------------------------------------


def test_the_profile_shows_the_organisations_five_latest_published_posts(
    client, organization, other_organization
):
    now = timezone.now()
    for n in range(7):
        NewsPostFactory(
            organization=organization,
            title=f"Nasz wpis {n}",
            published_at=now - datetime.timedelta(hours=n + 1),
        )
    hidden_post("draft", organization)
    NewsPostFactory(organization=other_organization, title="Cudzy wpis")
    NewsPostFactory(organization=None, title="Wpis centrum")
    response = client.get(f"/en/organizacje/{organization.slug}/")
    page = response.content.decode()
    assert _PROFILE_TITLE.findall(page) == [f"Nasz wpis {n}" for n in range(5)]
    assert "News from the organisation" in page
    link = f'<a href="/en/aktualnosci/?organizacja={organization.slug}">'
    assert f"{link}All news from this organisation</a>" in page


def test_a_profile_without_posts_has_no_news_section(client, organization):
    hidden_post("submitted", organization)
    page = client.get(f"/en/organizacje/{organization.slug}/").content.decode()
    assert "News from the organisation" not in page


def test_the_profile_runs_a_constant_number_of_queries_with_many_posts(
    client, django_assert_max_num_queries
):
    posts = many_news_posts(40)
    organization = next(post.organization for post in posts if post.organization_id)
    url = f"/organizacje/{organization.slug}/"
    client.get(url)
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert len(_PROFILE_TITLE.findall(response.content.decode())) == 5


# --- Valid HTML ---------------------------------------------------------------------


def test_the_news_pages_are_valid_html(client, ngo_member, organization, tmp_path):
    """The Nu HTML Checker finds no error on the news pages in every state they have
    (skipped, like the project-wide check, when the checker is not installed)."""
    from tests.test_html_validity import find_checker, html_errors

    find_checker()
    now = timezone.now()
    for n in range(12):
        NewsPostFactory(
            organization=organization if n % 2 else None,
            category=NewsPost.Category.FUNDING,
            funding_deadline=timezone.localdate() + datetime.timedelta(days=n - 4),
            published_at=now - datetime.timedelta(hours=n + 1),
        )
    post = NewsPostFactory(
        organization=organization,
        category=NewsPost.Category.EVENT,
        lead_image=png_file(),
        lead_image_alt="Uczestnicy warsztatów",
        event_starts_at=now + datetime.timedelta(days=3),
        event_place="ul. Pałacowa 3",
        body="## Program\n\nTekst z [odnośnikiem](https://example.org).",
    )
    news_attachment(post)
    news_attachment(post, title="Formularz", name="formularz.xlsx", content=b"PK\x03\x04")
    draft = hidden_post("rejected", organization)
    pages = {
        "list": LIST,
        "list-en": EN_LIST,
        "funding-page-2": f"{LIST}?kategoria=funding&page=2",
        "organization-filter": f"{EN_LIST}?organizacja={organization.slug}&kategoria=event",
        "empty-filter": f"{LIST}?kategoria=centre",
        "detail": f"/aktualnosci/{post.slug}/",
        "detail-en": f"/en/aktualnosci/{post.slug}/",
        "home": "/",
        "profile": f"/organizacje/{organization.slug}/",
    }
    folder = tmp_path / "html"
    folder.mkdir()
    for label, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        (folder / f"{label}.html").write_bytes(response.content)
    client.force_login(ngo_member)
    response = client.get(f"/aktualnosci/{draft.slug}/")
    (folder / "rejected-detail.html").write_bytes(response.content)
    errors = html_errors(folder)
    assert not errors, "\n".join(errors)
