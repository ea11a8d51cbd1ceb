"""RSS 2.0 feeds of the published news: all of it, and one per category.

The feeds live outside the language prefix (feed readers keep one address), so
they are always in Polish, the portal's main language, whatever the visitor's
language cookie or browser says.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from organizations.models import NewsPost

FEED_SIZE = 30


class LatestNewsFeed(Feed):
    language = settings.LANGUAGE_CODE

    def __call__(self, request, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return super().__call__(request, *args, **kwargs)

    def title(self, obj=None):
        return _("News – NGO Cooperation Centre in Białystok")

    def link(self, obj=None):
        return reverse("organizations:news_list")

    def description(self, obj=None):
        return _(
            "News, events and funding calls from non-governmental organisations in Białystok "
            "and from the NGO Cooperation Centre."
        )

    def feed_url(self, obj=None):
        return reverse("news_feeds:all")

    def posts(self):
        return NewsPost.objects.published().for_listing().order_by("-published_at", "-pk")

    def items(self, obj=None):
        return self.posts()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [capfirst(item.get_category_display())]

    def item_author_name(self, item):
        if item.organization_id:
            return item.organization.name
        return _("NGO Cooperation Centre")


class CategoryNewsFeed(LatestNewsFeed):
    def get_object(self, request, category):
        if category not in NewsPost.Category.values:
            raise Http404
        return NewsPost.Category(category)

    def title(self, obj=None):
        return _("News: %(category)s – NGO Cooperation Centre in Białystok") % {
            "category": obj.label
        }

    def link(self, obj=None):
        return reverse("organizations:news_list") + "?" + urlencode({"kategoria": obj.value})

    def description(self, obj=None):
        return _(
            "Posts in the category “%(category)s” from non-governmental organisations in "
            "Białystok and the NGO Cooperation Centre."
        ) % {"category": obj.label}

    def feed_url(self, obj=None):
        return reverse("news_feeds:category", args=[obj.value])

    def items(self, obj=None):
        return self.posts().filter(category=obj.value)[:FEED_SIZE]
