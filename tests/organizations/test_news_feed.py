"""The RSS feeds of the news: feed readers follow all the news or one category."""

import datetime
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest
import time_machine
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from organizations.models import NewsPost
from tests.organizations.factories import NewsPostFactory, OrganizationFactory, many_news_posts

FEED = "/aktualnosci/rss/"
DC = "{http://purl.org/dc/elements/1.1/}"

pytestmark = pytest.mark.django_db


def parsed(response):
    """The feed's <channel>, after checking it is an RSS 2.0 document."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - the portal's own output
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None
    return channel


def items(channel):
    return channel.findall("item")


def titles(channel):
    return [item.findtext("title") for item in items(channel)]


def test_the_feed_is_an_rss_document_about_the_portals_news(client):
    channel = parsed(client.get(FEED))
    assert channel.findtext("title")
    assert channel.findtext("description")
    assert channel.findtext("link") == "http://testserver/aktualnosci/"
    assert channel.findtext("language") == "pl"


def test_the_feed_lists_published_posts_only_newest_first(client):
    now = timezone.now()
    NewsPostFactory(title="Starszy", published_at=now - datetime.timedelta(days=2))
    NewsPostFactory(title="Nowszy", published_at=now - datetime.timedelta(hours=1))
    NewsPostFactory(title="Szkic", status=NewsPost.Status.DRAFT, published_at=None)
    NewsPostFactory(
        title="Odrzucony",
        status=NewsPost.Status.REJECTED,
        published_at=None,
        rejection_reason="Niepełne dane.",
    )
    NewsPostFactory(title="Zaplanowany", published_at=now + datetime.timedelta(days=1))
    NewsPostFactory(
        title="Wygasły",
        published_at=now - datetime.timedelta(days=5),
        expires_at=now - datetime.timedelta(days=1),
    )
    assert titles(parsed(client.get(FEED))) == ["Nowszy", "Starszy"]


def test_a_scheduled_post_enters_the_feed_at_its_time(client):
    publish_at = timezone.now() + datetime.timedelta(days=1)
    NewsPostFactory(title="Zaplanowany", published_at=publish_at)
    assert titles(parsed(client.get(FEED))) == []
    with time_machine.travel(publish_at + datetime.timedelta(minutes=1)):
        assert titles(parsed(client.get(FEED))) == ["Zaplanowany"]


def test_each_item_links_to_the_post_with_its_lead_date_category_and_organisation(client):
    organization = OrganizationFactory(name="Fundacja Zielone Wzgórza")
    post = NewsPostFactory(
        organization=organization,
        title="Sprzątanie Lasu Pietrasze",
        lead="Zbiórka o 10:00 przy wejściu do lasu.",
        category=NewsPost.Category.EVENT,
        published_at=datetime.datetime(2026, 4, 18, 9, 0, tzinfo=datetime.UTC),
    )
    (item,) = items(parsed(client.get(FEED)))
    assert item.findtext("title") == "Sprzątanie Lasu Pietrasze"
    assert item.findtext("link") == f"http://testserver/aktualnosci/{post.slug}/"
    assert item.findtext("guid") == f"http://testserver/aktualnosci/{post.slug}/"
    assert item.findtext("description") == "Zbiórka o 10:00 przy wejściu do lasu."
    assert parsedate_to_datetime(item.findtext("pubDate")) == post.published_at
    with translation.override("pl"):
        category = capfirst(post.get_category_display())
    assert [c.text for c in item.findall("category")] == [category]
    assert item.findtext(f"{DC}creator") == "Fundacja Zielone Wzgórza"


def test_the_centres_posts_name_the_centre_as_their_author(client):
    NewsPostFactory(organization=None, category=NewsPost.Category.CENTRE)
    (item,) = items(parsed(client.get(FEED)))
    with translation.override("pl"):
        centre = gettext("NGO Cooperation Centre")
    assert item.findtext(f"{DC}creator") == centre


def test_the_feed_is_polish_whatever_language_the_reader_prefers(client):
    post = NewsPostFactory()
    client.cookies["django_language"] = "en"
    response = client.get(FEED, headers={"accept-language": "en"})
    channel = parsed(response)
    assert channel.findtext("language") == "pl"
    assert channel.findtext("link") == "http://testserver/aktualnosci/"
    # Links lead to the Polish pages, not to /en/.
    assert items(channel)[0].findtext("link") == f"http://testserver/aktualnosci/{post.slug}/"


def test_user_text_is_escaped_in_the_feed(client):
    NewsPostFactory(title="Koncert <b>& zabawa</b>", lead="<script>alert(1)</script>")
    response = client.get(FEED)
    assert b"<script>" not in response.content
    (item,) = items(parsed(response))
    assert item.findtext("title") == "Koncert <b>& zabawa</b>"
    assert item.findtext("description") == "<script>alert(1)</script>"


def test_the_feed_holds_the_thirty_latest_posts(client):
    now = timezone.now()
    for n in range(35):
        NewsPostFactory(title=f"Wpis {n:02d}", published_at=now - datetime.timedelta(hours=n + 1))
    assert titles(parsed(client.get(FEED))) == [f"Wpis {n:02d}" for n in range(30)]


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("funding", ["Konkurs grantowy"]),
        ("event", ["Koncert", "Festyn"]),
        ("centre", []),
    ],
)
def test_a_category_feed_lists_only_that_category(client, category, expected):
    now = timezone.now()
    NewsPostFactory(
        title="Koncert", category=NewsPost.Category.EVENT, published_at=now - datetime.timedelta(1)
    )
    NewsPostFactory(
        title="Festyn", category=NewsPost.Category.EVENT, published_at=now - datetime.timedelta(2)
    )
    NewsPostFactory(title="Konkurs grantowy", category=NewsPost.Category.FUNDING)
    NewsPostFactory(title="Ogłoszenie")
    NewsPostFactory(
        title="Szkic wydarzenia",
        category=NewsPost.Category.EVENT,
        status=NewsPost.Status.DRAFT,
        published_at=None,
    )
    channel = parsed(client.get(f"{FEED}{category}/"))
    assert titles(channel) == expected
    assert channel.findtext("link") == f"http://testserver/aktualnosci/?kategoria={category}"


def test_category_feeds_have_their_own_titles(client):
    funding = parsed(client.get(f"{FEED}funding/")).findtext("title")
    events = parsed(client.get(f"{FEED}event/")).findtext("title")
    everything = parsed(client.get(FEED)).findtext("title")
    assert len({funding, events, everything}) == 3


@pytest.mark.parametrize("category", ["sport", "FUNDING", "rss"])
def test_an_unknown_category_feed_is_not_found(client, category):
    assert client.get(f"{FEED}{category}/").status_code == 404


def test_the_feed_lives_outside_the_language_prefix(client):
    NewsPostFactory()
    assert client.get(FEED).status_code == 200
    assert client.get(f"/en{FEED}").status_code == 404
    assert client.get(f"/en{FEED}funding/").status_code == 404


@pytest.mark.parametrize("url", [FEED, f"{FEED}funding/"])
def test_the_feed_runs_a_constant_number_of_queries(client, django_assert_max_num_queries, url):
    many_news_posts(40)
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert len(items(parsed(response))) >= 5
