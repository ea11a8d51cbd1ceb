"""URLs of the awards' nominations pages: the form of an edition, the links from the
e-mails, the nominator's pages under /konto/ and the downloads. The literal
addresses under /konkursy/zgloszenie/ come before the public part's `<slug>/`."""

from django.urls import path

from awards.views import nominations as views

urlpatterns = [
    path(
        "konkursy/zgloszenie/potwierdz/<str:token>/",
        views.nomination_confirm,
        name="nomination_confirm",
    ),
    path(
        "konkursy/zgloszenie/zgoda/<str:token>/",
        views.nomination_consent,
        name="nomination_consent",
    ),
    path(
        "konkursy/zgloszenie/zalacznik/<int:pk>/<str:filename>",
        views.nomination_attachment,
        name="nomination_attachment",
    ),
    path(
        "konkursy/zgloszenie/zgoda-podpisana/<int:pk>/<str:filename>",
        views.nomination_consent_file,
        name="nomination_consent_file",
    ),
    path(
        "konkursy/zgloszenie/<str:token>/",
        views.nomination_edit_link,
        name="nomination_edit_link",
    ),
    path("konkursy/<slug:slug>/<int:year>/zglos/", views.nominate, name="nominate"),
    path("konto/zgloszenia/", views.my_nominations, name="my_nominations"),
    path("konto/zgloszenia/<uuid:public_id>/", views.my_nomination, name="my_nomination"),
]
