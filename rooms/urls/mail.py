"""The correspondence pages; included into the "rooms" namespace at the prefix ""."""

from django.urls import path

from rooms.views import mail as mail_views

urlpatterns = [
    path(
        "konto/organizacje/<slug:slug>/poczta/",
        mail_views.organization_mail,
        name="organization_mail",
    ),
]
