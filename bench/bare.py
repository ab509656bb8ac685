"""A bare Django application: one view, no middleware, no database — the yardstick of
bench/http_bench.py (served by the same gunicorn settings as the portal)."""

from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-bare-only",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
    )

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402


def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("", bare)]
application = get_wsgi_application()
