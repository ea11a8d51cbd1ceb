"""URLs of the awards module: the parts are written side by side."""

from awards.urls import jury as jury_urls
from awards.urls import nominations as nomination_urls
from awards.urls import public as public_urls
from awards.urls import votes as vote_urls

app_name = "awards"

urlpatterns = [
    *jury_urls.urlpatterns,
    *vote_urls.urlpatterns,
    *nomination_urls.urlpatterns,
    *public_urls.urlpatterns,
]
