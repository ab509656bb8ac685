"""Display preferences that work without JavaScript (适老化, MIIT W5): font size and contrast.

`?fontsize=large|medium|small` or `?contrast=high|normal` sets a cookie; templates read
`request.display` and render `<html data-fontsize=… data-contrast=…>` server-side.
"""

FONT_SIZES = ("small", "medium", "large")
CONTRASTS = ("normal", "high")
ONE_YEAR = 365 * 24 * 3600


class DisplayPreferencesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = {}
        size = request.GET.get("fontsize")
        contrast = request.GET.get("contrast")
        if size in FONT_SIZES:
            chosen["fontsize"] = size
        if contrast in CONTRASTS:
            chosen["contrast"] = contrast
        cookie_size = request.COOKIES.get("fontsize")
        cookie_contrast = request.COOKIES.get("contrast")
        request.display = {
            "fontsize": chosen.get("fontsize") or (cookie_size if cookie_size in FONT_SIZES else "medium"),
            "contrast": chosen.get("contrast") or (cookie_contrast if cookie_contrast in CONTRASTS else "normal"),
        }
        response = self.get_response(request)
        for key, value in chosen.items():
            response.set_cookie(key, value, max_age=ONE_YEAR, samesite="Lax", httponly=True, secure=request.is_secure())
        return response


class StripNulMiddleware:
    """NUL characters cannot reach PostgreSQL (it rejects them in text). In the path they make the
    request malformed: 400 with the Chinese page, before any view or query runs. In query strings
    and form fields they are removed, so a malformed link still gets an ordinary page, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("PATH_INFO", ""):
            from .views import bad_request

            return bad_request(request)
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            request.GET = _without_nul(request.GET)
        if request.method == "POST" and "multipart" not in request.META.get("CONTENT_TYPE", ""):
            body = request.body
            if b"\x00" in body or b"%00" in body:
                request.POST = _without_nul(request.POST)
        return self.get_response(request)


def _without_nul(data):
    cleaned = data.copy()
    for key in list(cleaned.keys()):
        cleaned.setlist(key, [v.replace("\x00", "") for v in cleaned.getlist(key)])
    cleaned._mutable = False
    return cleaned


class PermissionsPolicyMiddleware:
    """Browser features the portal never uses are switched off for every page (camera, microphone,
    geolocation, payment, USB …), so injected or framed content cannot ask for them either."""

    POLICY = ", ".join(
        f"{feature}=()"
        for feature in (
            "accelerometer",
            "camera",
            "geolocation",
            "gyroscope",
            "magnetometer",
            "microphone",
            "payment",
            "usb",
            "interest-cohort",
            "browsing-topics",
        )
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.POLICY)
        return response
