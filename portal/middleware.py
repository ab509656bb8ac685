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
    """NUL characters in query strings cannot reach PostgreSQL (it rejects them in text); they
    are removed so malformed links still get an ordinary page, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            cleaned = request.GET.copy()
            for key in list(cleaned.keys()):
                cleaned.setlist(key, [v.replace("\x00", "") for v in cleaned.getlist(key)])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)
