from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoomsConfig(AppConfig):
    name = "rooms"
    verbose_name = _("Rooms and bookings")

    def ready(self):
        from rooms import figures, personal_data, venues  # noqa: F401 - registration

        figures.register()
        venues.register()
