"""Trainings (/szkolenia/): reversed as "consultations:<name>"."""

from django.urls import path

from consultations.views import trainings as views

urlpatterns = [
    path("szkolenia/", views.training_list, name="training_list"),
    path("szkolenia/kalendarz.ics", views.training_feed, name="training_feed"),
    path(
        "szkolenia/potwierdz/<str:token>/",
        views.registration_confirm,
        name="registration_confirm",
    ),
    path(
        "szkolenia/zgloszenie/<str:token>/",
        views.registration_manage,
        name="registration_manage",
    ),
    path("szkolenia/<slug:slug>/", views.training_detail, name="training_detail"),
    path("szkolenia/<slug:slug>/kalendarz.ics", views.training_ics_view, name="training_ics"),
    path(
        "szkolenia/<slug:slug>/materialy/<int:pk>/<str:filename>",
        views.training_material,
        name="training_material",
    ),
]
