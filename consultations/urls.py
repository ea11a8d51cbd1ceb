"""URLs of the consultations module: the three parts are written side by side."""

from consultations import advisor_urls, appointment_urls, training_urls

app_name = "consultations"

urlpatterns = [
    *appointment_urls.urlpatterns,
    *training_urls.urlpatterns,
    *advisor_urls.urlpatterns,
]
