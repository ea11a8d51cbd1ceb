"""The private calendar feed of an organisation's bookings: outside the language
prefix (the same address in every language, as calendar apps keep it), the
secret token being the key. Included by the root URLconf at "kalendarz/"."""

from django.urls import path

from rooms.views import bookings as views

urlpatterns = [
    path("<str:token>.ics", views.calendar_feed, name="rooms_feed"),
]
