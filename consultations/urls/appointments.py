"""Individual consultations: the offer, advisors' free times, booking, and the
client's pages reached through the signed link e-mailed to them."""

from django.urls import path

from consultations.views import appointments as views

urlpatterns = [
    path("konsultacje/", views.consultation_list, name="consultation_list"),
    path("konsultacje/doradcy/<slug:slug>/", views.advisor_detail, name="advisor_detail"),
    path("konsultacje/zarezerwuj/<slug:slug>/", views.appointment_book, name="appointment_book"),
    path(
        "konsultacje/potwierdz/<str:token>/",
        views.appointment_confirm,
        name="appointment_confirm",
    ),
    path("konsultacje/wizyta/<str:token>/", views.appointment_manage, name="appointment_manage"),
    path(
        "konsultacje/wizyta/<str:token>/kalendarz.ics",
        views.appointment_ics,
        name="appointment_ics",
    ),
]
