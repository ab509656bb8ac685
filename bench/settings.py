"""Settings for the search benchmark: the portal plus two comparison views (bench/urls.py)."""

from portal.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bench.urls"
STORAGES = {  # no collectstatic needed for the benchmark
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405
