"""URLs of the consultations part: public consultations as residents and members see
them. The literal addresses (rss/, kalendarz.ics) come before `<slug>/`."""

from django.urls import path

from cooperation.views import consultations as views

urlpatterns = [
    path("konsultacje-spoleczne/", views.public_consultation_list, name="public_consultation_list"),
    path(
        "konsultacje-spoleczne/rss/",
        views.public_consultation_feed,
        name="public_consultation_feed",
    ),
    path(
        "konsultacje-spoleczne/kalendarz.ics",
        views.public_consultation_calendar,
        name="public_consultation_calendar",
    ),
    path(
        "konsultacje-spoleczne/<slug:slug>/",
        views.public_consultation_detail,
        name="public_consultation_detail",
    ),
    path(
        "konsultacje-spoleczne/<slug:slug>/projekt/<str:filename>",
        views.public_consultation_file,
        name="public_consultation_file",
    ),
    path("konsultacje-spoleczne/<slug:slug>/uwagi/", views.remark_create, name="remark_create"),
    path(
        "konsultacje-spoleczne/<slug:slug>/uwagi/<int:pk>/",
        views.remark_update,
        name="remark_update",
    ),
    path(
        "konsultacje-spoleczne/<slug:slug>/uwagi/<int:pk>/wycofaj/",
        views.remark_withdraw,
        name="remark_withdraw",
    ),
    path(
        "konsultacje-spoleczne/<slug:slug>/spotkania/<int:pk>.ics",
        views.consultation_meeting_ics,
        name="consultation_meeting_ics",
    ),
    path("konto/konsultacje-spoleczne/", views.consultation_alerts, name="consultation_alerts"),
]
