"""News feeds: outside the language prefix, as feed readers keep one address."""

from django.urls import path
from django.views.decorators.http import require_safe

from organizations import feeds

app_name = "news_feeds"

urlpatterns = [
    path("", require_safe(feeds.LatestNewsFeed()), name="all"),
    path("<slug:category>/", require_safe(feeds.CategoryNewsFeed()), name="category"),
]
