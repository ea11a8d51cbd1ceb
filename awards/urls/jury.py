"""URLs of the awards' jury pages: the jurors' pages under /konto/jury/."""

from django.urls import path

from awards.views import jury as views

urlpatterns = [
    path("konto/jury/", views.jury_home, name="jury_home"),
    path("konto/jury/<int:edition_pk>/", views.jury_edition, name="jury_edition"),
    path(
        "konto/jury/<int:edition_pk>/<uuid:public_id>/",
        views.jury_nomination,
        name="jury_nomination",
    ),
    path(
        "konto/jury/<int:edition_pk>/<uuid:public_id>/ocena/",
        views.jury_score,
        name="jury_score",
    ),
    path(
        "konto/jury/<int:edition_pk>/<uuid:public_id>/konflikt/",
        views.jury_conflict,
        name="jury_conflict",
    ),
]
