from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cooperation"
    verbose_name = _("City–NGO cooperation")

    def ready(self):
        from cooperation import figures, personal_data  # noqa: F401 - registration

        figures.register()
