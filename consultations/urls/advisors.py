"""The advisor's own pages; included into the "consultations" namespace at the
prefix "" (consultations/urls.py)."""

from django.urls import path

from consultations.views import advisors as advisor_views

urlpatterns = [
    path("konto/doradztwo/", advisor_views.advisor_schedule, name="advisor_schedule"),
    path(
        "konto/doradztwo/reguly/nowa/",
        advisor_views.advisor_rule_create,
        name="advisor_rule_create",
    ),
    path(
        "konto/doradztwo/reguly/<int:pk>/",
        advisor_views.advisor_rule_edit,
        name="advisor_rule_edit",
    ),
    path(
        "konto/doradztwo/reguly/<int:pk>/usun/",
        advisor_views.advisor_rule_delete,
        name="advisor_rule_delete",
    ),
    path(
        "konto/doradztwo/wyjatki/nowy/",
        advisor_views.advisor_exception_create,
        name="advisor_exception_create",
    ),
    path(
        "konto/doradztwo/wyjatki/<int:pk>/usun/",
        advisor_views.advisor_exception_delete,
        name="advisor_exception_delete",
    ),
]
