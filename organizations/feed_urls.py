"""News feeds: outside the language prefix, as feed readers keep one address."""

from django.urls import path

from organizations import feeds

app_name = "news_feeds"

urlpatterns = [
    path("", feeds.LatestNewsFeed(), name="all"),
    path("<slug:category>/", feeds.CategoryNewsFeed(), name="category"),
]
