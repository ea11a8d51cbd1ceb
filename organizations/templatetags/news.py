"""Template tags for showing the published news on other pages (home, profiles).

    {% load news %}
    {% latest_news 3 as posts %}
    {% organization_news organization 5 as posts %}

Each tag runs one query (the organisation comes with the posts) and returns a list.
"""

from django import template

from organizations.models import NewsPost

register = template.Library()

MAX_POSTS = 50


def _count(value, default):
    try:
        count = int(value)
    except (TypeError, ValueError):
        return default
    return max(0, min(count, MAX_POSTS))


def _newest():
    return NewsPost.objects.published().for_listing().order_by("-published_at", "-pk")


@register.simple_tag
def latest_news(count=3):
    """The `count` latest published posts, newest first."""
    count = _count(count, 3)
    return list(_newest()[:count]) if count else []


@register.simple_tag
def organization_news(organization, count=5):
    """The `count` latest published posts of an organisation, newest first."""
    count = _count(count, 5)
    if organization is None or not getattr(organization, "pk", None) or not count:
        return []
    return list(_newest().filter(organization_id=organization.pk)[:count])
