from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CwopPortalConfig(AppConfig):
    name = "cwop_portal"
    verbose_name = _("Portal")

    def ready(self):
        from django.db.models.signals import post_migrate

        from cwop_portal import checks  # noqa: F401 - registers the system checks
        from cwop_portal.files import connect_signals
        from cwop_portal.roles import sync_role_groups

        # Files replaced, cleared or of deleted rows are deleted after commit.
        connect_signals()

        # Not limited to this app's signal: permissions of every app exist only
        # after that app migrated, so the groups are brought up to date each time.
        post_migrate.connect(sync_role_groups, dispatch_uid="cwop_sync_role_groups")
