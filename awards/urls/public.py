"""URLs of the awards' public pages. The literal addresses (laureaci/, kanal.xml)
come before `<slug>/`; the other parts' more specific addresses come before these
(awards/urls/__init__.py)."""

from django.urls import path

from awards.views import public as views

urlpatterns = [
    path("konkursy/", views.competition_list, name="competition_list"),
    path("konkursy/laureaci/", views.laureates, name="laureates"),
    path("konkursy/kanal.xml", views.feed, name="feed"),
    path("konkursy/<slug:slug>/", views.competition_detail, name="competition"),
    path("konkursy/<slug:slug>/<int:year>.ics", views.edition_ics, name="edition_ics"),
    path("konkursy/<slug:slug>/<int:year>/", views.edition_detail, name="edition"),
    path(
        "konkursy/<slug:slug>/<int:year>/<slug:kind>/<str:filename>",
        views.edition_document,
        name="edition_document",
    ),
]
