from . import pagecache
from .models import SiteProfile


def site(request):
    """The site profile for header, footer and head meta: read once per content version in each
    process for the pages the page cache handles (portal.pagecache.memo), else one query."""
    if not hasattr(request, "_site_profile"):
        request._site_profile = pagecache.memo(request, "site-profile", SiteProfile.current)
    return {"site": request._site_profile, "display": getattr(request, "display", {})}
