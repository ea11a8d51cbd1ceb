"""URLs of the awards' public vote: the ballot (results after the close) and the
confirmation link."""

from django.urls import path

from awards.views import votes as views

urlpatterns = [
    path("konkursy/glos/<str:token>/", views.vote_confirm, name="vote_confirm"),
    path("konkursy/<slug:slug>/<int:year>/glosowanie/", views.vote, name="vote"),
]
