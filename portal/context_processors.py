from .models import SiteProfile


def site(request):
    """The site profile for header, footer and head meta; one cached query per request."""
    if not hasattr(request, "_site_profile"):
        request._site_profile = SiteProfile.current()
    return {"site": request._site_profile, "display": getattr(request, "display", {})}
