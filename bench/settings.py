"""Settings for the search benchmark: the portal plus two comparison views (bench/urls.py)."""

from portal.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bench.urls"
