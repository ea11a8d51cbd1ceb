"""URLs of the programme part."""

from django.urls import path

from cooperation.views import programme as views

urlpatterns = [
    path("wspolpraca/", views.cooperation_home, name="cooperation_home"),
    path("wspolpraca/program/<int:year>/", views.programme_year, name="programme_year"),
    path(
        "wspolpraca/program/<int:year>/raport.csv",
        views.programme_report_csv,
        name="programme_report_csv",
    ),
    path(
        "wspolpraca/program/<int:year>/raport.xlsx",
        views.programme_report_xlsx,
        name="programme_report_xlsx",
    ),
    path(
        "wspolpraca/program/<int:year>/<str:filename>",
        views.programme_document,
        name="programme_document",
    ),
]
