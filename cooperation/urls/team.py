"""URLs of the team part: the NGO Consultation Team."""

from django.urls import path

from cooperation.views import team as views

urlpatterns = [
    path("wspolpraca/zespol/", views.team, name="team"),
    path("wspolpraca/zespol/kontakt/", views.team_contact, name="team_contact"),
    path(
        "wspolpraca/zespol/dokumenty/<int:pk>/<str:filename>",
        views.team_document,
        name="team_document",
    ),
    path(
        "wspolpraca/zespol/spotkania/<int:pk>.ics",
        views.team_meeting_ics,
        name="team_meeting_ics",
    ),
]
