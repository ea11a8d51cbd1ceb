"""URLs of the cooperation module: the parts are written side by side."""

from cooperation.urls import consultations as consultation_urls
from cooperation.urls import programme as programme_urls
from cooperation.urls import reports as report_urls
from cooperation.urls import team as team_urls

app_name = "cooperation"

urlpatterns = [
    *consultation_urls.urlpatterns,
    *report_urls.urlpatterns,
    *programme_urls.urlpatterns,
    *team_urls.urlpatterns,
]
