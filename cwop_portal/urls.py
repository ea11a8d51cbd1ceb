import os
import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import Http404
from django.urls import include, path, re_path
from django.views.static import serve

from cwop_portal import views
from cwop_portal.bench_views import floor

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("aktualnosci/rss/", include("organizations.urls.feeds")),
    # A private calendar feed: the same address in every language (calendar apps
    # keep it), the secret token being the key.
    path("kalendarz/", include("rooms.urls.feeds")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("o-centrum/", views.about, name="about"),
    path("polityka-prywatnosci/", views.privacy, name="privacy"),
    path(
        "deklaracja-dostepnosci/",
        views.accessibility_statement,
        name="accessibility_statement",
    ),
    path("dokumenty/", views.document_list, name="document_list"),
    path(
        "dokumenty/<int:pk>/<str:filename>",
        views.document_download,
        name="document_download",
    ),
    path("konto/profil/", views.account_profile, name="account_profile"),
    path("konto/moje-dane.json", views.account_data_export, name="account_data_export"),
    path("konto/usun/", views.account_delete, name="account_delete"),
    path("", include("organizations.urls")),
    path("", include("rooms.urls")),
    path("", include("consultations.urls")),
    path("", include("library.urls")),
    path("", include("cooperation.urls")),
    path("", include("awards.urls")),
    path("konto/", include("allauth.urls")),
    # Pages staff add, at the addresses left over: always LAST, so that a page of the
    # portal (one an app adds later too) wins over a staff page (page_services).
    path("<slug:slug>/", views.custom_page, name="custom_page"),
    prefix_default_language=False,
)


def _public_media(request, path):
    """An uploaded public image (a logo, a photo, a cover: re-encoded) in local
    development. In production the reverse proxy serves these folders of MEDIA_ROOT
    (README) and this answers 404, as for any other file there: documents,
    attachments and materials go through their own views, which hide unpublished
    ones."""
    if not settings.DEBUG:
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)


# One pattern per folder of settings.PUBLIC_MEDIA_PREFIXES, the one list of them.
urlpatterns += [
    re_path(
        rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>{re.escape(prefix)}.*)$",
        _public_media,
    )
    for prefix in settings.PUBLIC_MEDIA_PREFIXES
]

# The load benchmark's floor (bench/run.py): exists only when the benchmark asks for it.
if os.environ.get("CWOP_BENCH_FLOOR") == "1":
    urlpatterns.insert(0, path("bench/floor", floor))
