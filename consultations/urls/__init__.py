"""URLs of the consultations module: the three parts are written side by side."""

from consultations.urls import advisors as advisor_urls
from consultations.urls import appointments as appointment_urls
from consultations.urls import trainings as training_urls

app_name = "consultations"

urlpatterns = [
    *appointment_urls.urlpatterns,
    *training_urls.urlpatterns,
    *advisor_urls.urlpatterns,
]
