"""Test settings: the same settings module, with what tests need switched for speed and isolation."""

import os

os.environ.setdefault("PORTAL_TESTING", "1")

from .settings import *  # noqa: E402,F403
from .settings import BASE_DIR  # noqa: E402

# A fixed ring of two keys (newest first), so rotation can be tested; never used outside tests.
FIELD_ENCRYPTION_KEYS = (
    "test2:dGVzdC1rZXktdHdvLS0tLS0tLS0tLS0tLS0tLS0tLS0=,test1:dGVzdC1rZXktb25lLS0tLS0tLS0tLS0tLS0tLS0tLS0="
)
FIELD_ENCRYPTION_ALGORITHM = "aes-256-gcm"

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / ".test-media"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    # Page cache tests switch to the database cache or Redis (tests/portal/test_pagecache.py);
    # elsewhere every page is rendered, so the query counts the tests assert stay the views' own.
    "pages": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
VIEW_COUNT_REDIS_URL = ""
VIEW_COUNT_SPOOL_DIR = ""  # database rows; tests/portal/test_viewcount_spool.py sets a directory
PAGE_CACHE_SECONDS = 60
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405 (threads of the tests close their connections)

# A file (not shared in-memory) SQLite test database: the live server's threads and threaded
# tests then use their own connections, as they do on PostgreSQL.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}  # noqa: F405
