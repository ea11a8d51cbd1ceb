"""System checks of the deployment (`manage.py check`, run by every command)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.caches, deploy=False)
def check_shared_cache(app_configs, **kwargs):
    """Rate limits and cached pages are kept in the default cache: with several app
    processes, a cache of each process's own lets each count on its own (3 workers
    let 15 logins through a limit of 5)."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return []
    return [
        Error(
            f"The default cache ({backend}) is kept by each process on its own: rate "
            "limits would count per worker.",
            hint="Leave CACHES to the settings (the database cache, or Redis with "
            "REDIS_URL), or use another cache that all app processes share.",
            id="cwop_portal.E001",
        )
    ]
