from django.core.cache import cache
from django.utils.functional import SimpleLazyObject

from cwop_portal.models import CustomPage, SiteSettings


def site(request):
    """The centre's contact details for the footer of every page, and the pages
    staff added to the main menu and the footer (`custom_pages.menu`,
    `custom_pages.footer`). Both come from the cache in one read; when the cache
    has neither, from the database in one query; when it lacks only the links, they
    are read when a page shows them (the admin's pages do not)."""
    keys = [SiteSettings.CACHE_KEY, CustomPage.NAVIGATION_CACHE_KEY]
    cached = cache.get_many(keys)
    site_settings, rows = (cached.get(key) for key in keys)
    if site_settings is None and rows is None:
        site_settings, rows = CustomPage.load_with_site_settings()
    if site_settings is None:
        site_settings = SiteSettings.load()
    if rows is None:
        custom_pages = SimpleLazyObject(CustomPage.navigation)
    else:
        custom_pages = CustomPage.navigation_links(rows)
    return {"site_settings": site_settings, "custom_pages": custom_pages}
