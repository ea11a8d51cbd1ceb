from django.urls import path

from rooms.urls import mail as mail_urls
from rooms.views import bookings as views

app_name = "rooms"

urlpatterns = [
    path("sale/", views.resource_list, name="resource_list"),
    path("sale/<slug:slug>/", views.resource_detail, name="resource_detail"),
    path("sale/<slug:slug>/rezerwuj/", views.booking_create, name="booking_create"),
    path("sale/<slug:slug>/kalendarz.ics", views.resource_ics, name="resource_ics"),
    path("konto/rezerwacje/", views.my_bookings, name="my_bookings"),
    path("konto/rezerwacje/<int:pk>/", views.booking_detail, name="booking_detail"),
    path("konto/rezerwacje/<int:pk>/anuluj/", views.booking_cancel, name="booking_cancel"),
    path("konto/rezerwacje/<int:pk>/rezerwacja.ics", views.booking_ics, name="booking_ics"),
    path(
        "konto/organizacje/<slug:slug>/kalendarz/",
        views.calendar_feed_manage,
        name="calendar_feed_manage",
    ),
]

# The correspondence address (mail received for organisations).
urlpatterns += mail_urls.urlpatterns
