"""`seed_demo` writes a dozen clearly-demo news posts, once."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from organizations.models import NewsPost, Organization
from tests.organizations.factories import NewsPostFactory

pytestmark = pytest.mark.django_db


def seed(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_news():
    seed("--orgs", "6")
    return NewsPost.objects.filter(is_demo=True)


def test_the_demo_news_are_a_dozen_clearly_marked_posts(demo_news):
    assert 10 <= demo_news.count() <= 14
    assert not NewsPost.objects.filter(is_demo=False).exists()
    for post in demo_news:
        assert post.title.endswith(" (demo)")
        assert post.lead and post.body
        post.full_clean()  # every rule of the model holds, not only the constraints
    assert len({post.slug for post in demo_news}) == demo_news.count()


def test_the_demo_news_cover_every_kind_of_post(demo_news):
    today = timezone.localdate()
    now = timezone.now()
    funding = demo_news.filter(category=NewsPost.Category.FUNDING)
    assert 3 <= funding.count() <= 4
    deadlines = [post.funding_deadline for post in funding]
    assert any(deadline < today for deadline in deadlines)
    assert any(deadline >= today for deadline in deadlines)
    events = demo_news.filter(category=NewsPost.Category.EVENT, event_starts_at__isnull=False)
    assert events.exclude(event_place="").exists()
    centre = demo_news.filter(organization__isnull=True)
    assert centre.count() == 2
    assert centre.filter(status=NewsPost.Status.PUBLISHED).count() == 2
    assert demo_news.filter(status=NewsPost.Status.SUBMITTED).count() == 1
    scheduled = demo_news.filter(status=NewsPost.Status.PUBLISHED, published_at__gt=now)
    assert scheduled.count() == 1
    visible = demo_news.published()
    assert visible.count() >= 8
    assert {post.category for post in visible} == set(NewsPost.Category.values)
    by_organisations = {post.organization_id for post in visible if post.organization_id}
    assert len(by_organisations) >= 3
    assert all(post.organization.is_demo for post in demo_news if post.organization_id)


def test_seeding_again_creates_no_more_news(demo_news):
    before = set(demo_news.values_list("pk", flat=True))
    output = seed("--orgs", "6")
    assert set(NewsPost.objects.values_list("pk", flat=True)) == before
    assert "none created" in output


def test_the_demo_news_are_not_written_when_there_are_news_from_an_earlier_seed():
    seed("--orgs", "3")
    NewsPost.objects.filter(is_demo=True).exclude(
        pk=NewsPost.objects.filter(is_demo=True).first().pk
    ).delete()
    seed("--orgs", "3")
    assert NewsPost.objects.filter(is_demo=True).count() == 1


def test_real_posts_are_left_alone_and_do_not_stop_the_demo_news():
    real = NewsPostFactory(title="Prawdziwa aktualność", slug="piknik-sasiedzki-na-osiedlu-demo")
    seed("--orgs", "3")
    real.refresh_from_db()
    assert (real.title, real.is_demo) == ("Prawdziwa aktualność", False)
    assert NewsPost.objects.filter(is_demo=True).count() >= 10


def test_without_demo_organisations_no_demo_news_are_written():
    output = seed("--orgs", "0")
    assert not NewsPost.objects.exists()
    assert "no published demo organisation" in output


def test_a_dry_run_writes_no_news():
    seed("--orgs", "3", "--dry-run")
    assert not NewsPost.objects.exists()
    assert not Organization.objects.exists()


def test_the_demo_member_finds_a_post_waiting_for_approval_on_their_organisations_news(client):
    from django.contrib.auth import get_user_model

    seed("--orgs", "3")
    member = get_user_model().objects.get(email="czlonek@example.com")
    organization = Organization.objects.get(memberships__user=member)
    client.force_login(member)
    with translation.override("en"):
        page = reverse("organizations:organization_news", args=[organization.slug])
    html = client.get(page).content.decode()
    assert "Zbiórka książek dla świetlicy osiedlowej (demo)" in html
    assert "Waiting for approval" in html
