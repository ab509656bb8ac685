"""WSGI entry point for gunicorn: `gunicorn portal.wsgi`."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()

from django.conf import settings  # noqa: E402

if settings.SECRET_KEY_MISSING and not settings.DEBUG:
    raise ImproperlyConfigured("SECRET_KEY 未设置：生产环境必须通过环境变量提供 SECRET_KEY。")
if not settings.FIELD_ENCRYPTION_KEYS and not settings.DEBUG:
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS 未设置：生产环境必须通过环境变量提供个人信息加密密钥（README“个人信息加密存储”）。"
    )

from portal.crypto import keyring  # noqa: E402

keyring()  # a malformed key ring stops the start, not the first request that needs it
