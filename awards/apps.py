from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "awards"
    verbose_name = _("Awards and competitions")

    def ready(self):
        from awards import figures, personal_data  # noqa: F401 - registration
        from awards.services.editions import ceremony_holder
        from cwop_portal import venues

        figures.register()
        venues.register_holder(ceremony_holder)
