"""URLs of the reports part: the published report of a public consultation."""

from django.urls import path

from cooperation.views import reports

urlpatterns = [
    path(
        "konsultacje-spoleczne/<slug:slug>/raport/",
        reports.public_consultation_report,
        name="public_consultation_report",
    ),
    path(
        "konsultacje-spoleczne/<slug:slug>/raport.csv",
        reports.public_consultation_report_csv,
        name="public_consultation_report_csv",
    ),
    path(
        "konsultacje-spoleczne/<slug:slug>/raport.xlsx",
        reports.public_consultation_report_xlsx,
        name="public_consultation_report_xlsx",
    ),
]
