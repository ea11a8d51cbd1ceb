from cwop_portal.models import SiteSettings


def site(request):
    """The centre's contact details for the footer of every page."""
    return {"site_settings": SiteSettings.load()}
