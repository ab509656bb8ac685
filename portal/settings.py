"""Settings for the 政务公开 portal.

Everything that differs between machines comes from the environment (or an optional `.env`
file next to manage.py); nothing per-machine is committed. See README "配置".
"""

import datetime
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

# Without SECRET_KEY, management commands still run with a development key, but the WSGI
# application refuses to start (portal/wsgi.py) and `check --deploy` reports it.
SECRET_KEY = env.str("SECRET_KEY", default="")
SECRET_KEY_MISSING = not SECRET_KEY
if SECRET_KEY_MISSING:
    SECRET_KEY = "insecure-development-key-only-for-debug-and-tests-" + "0" * 20

# Keys of the encrypted personal fields (portal/crypto.py, README “个人信息加密存储”): newest first,
# never in the database or git. Without them nothing personal can be saved or read; the WSGI
# application refuses to start (portal/wsgi.py) and `check --deploy` reports it. `./dev demo`
# writes a local key into `.env`; the tests have their own (portal/settings_test.py).
FIELD_ENCRYPTION_KEYS = env.str("FIELD_ENCRYPTION_KEYS", default="")
FIELD_ENCRYPTION_ALGORITHM = env.str("FIELD_ENCRYPTION_ALGORITHM", default="aes-256-gcm")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_filters",
    "django_ckeditor_5",
    "csp",
    "portal",
    "disclosures",
    "info_requests",
    "reports",
    "interaction",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.StripNulMiddleware",  # before anything that looks at the path or queries
    "portal.pagecache.PageCacheMiddleware",  # anonymous public pages from the shared cache, before sessions
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "portal.pagecache.StableETagMiddleware",  # ETag without the live view count; Last-Modified
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.middleware.DisplayPreferencesMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "portal.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# SQLite file in the project by default; DATABASE_URL=postgres://… for PostgreSQL (psycopg 3).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Waiting for the write lock beats failing with "database is locked" under the dev server; and
    # every transaction takes the write lock when it starts (BEGIN IMMEDIATE), so a check and the
    # write that depends on it (rate limits, 索引号) cannot interleave with another worker's.
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Connections (README “数据库连接”): in production each worker keeps its connection for 10 minutes,
# checked before reuse (a new PostgreSQL connection per request cost up to 60% of a page). The dev
# server opens a thread per request, so DEBUG keeps the old default. DB_POOL=1 uses psycopg's pool
# instead (threaded or ASGI servers; PostgreSQL only; then CONN_MAX_AGE must be 0).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if env.bool("DB_POOL", default=False) and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN", default=2),
        "max_size": env.int("DB_POOL_MAX", default=10),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = env.str("CACHE_URL", default="") or env.str("REDIS_URL", default="")
if CACHE_URL:
    CACHES = {"default": env.cache_url_config(CACHE_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Shared page cache and view counts (portal/pagecache.py, portal/viewcounts.py; README
# “页面缓存与浏览量”): shared by every worker — Redis with REDIS_URL (also the view counters),
# otherwise the database table portal_page_cache (created after `migrate`). Never per-process memory.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES["pages"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
else:
    CACHES["pages"] = {
        "BACKEND": "portal.dbcache.PageDatabaseCache",  # Django's DatabaseCache, one upsert per set
        "LOCATION": "portal_page_cache",
        "OPTIONS": {"MAX_ENTRIES": env.int("PAGE_CACHE_MAX_ENTRIES", default=20000)},
    }
CACHES["pages"]["KEY_PREFIX"] = "portal"
VIEW_COUNT_REDIS_URL = REDIS_URL
# Page views are appended to a file per worker in this directory (one per app server, writable by
# the web workers) and folded into the database within seconds; empty: a Redis HINCRBY with
# REDIS_URL, else a database row per view (README “页面缓存与浏览量”).
VIEW_COUNT_SPOOL_DIR = env.str("VIEW_COUNT_SPOOL_DIR", default=str(BASE_DIR / "var" / "viewcounts"))
VIEW_COUNT_SPOOL_SECONDS = env.int("VIEW_COUNT_SPOOL_SECONDS", default=5)
# Seconds a cached page lives at most (0 switches the cache off; off by default with DEBUG so
# template edits show at once). Publication and every other change invalidate at once anyway.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0 if DEBUG else 60)
# Each worker's own copies of the pages it served last, used while the shared version it read is
# at most this old (portal/pagecache.py): a change shows on every worker within that time.
PAGE_CACHE_LOCAL_SECONDS = env.float("PAGE_CACHE_LOCAL_SECONDS", default=0.5)
PAGE_CACHE_LOCAL_ENTRIES = env.int("PAGE_CACHE_LOCAL_ENTRIES", default=300)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
# Project message overrides (locale/zh_Hans): no label suffix after Chinese punctuation.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Uploads: attachments are checked by content (disclosures/uploads.py); the limit is configurable.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_MB", default=50) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# Rich text: CKEditor 5 without HTML embed / source editing / GHS; images only, staff only.
# Whatever it sends is sanitized again on the server (disclosures/sanitize.py).
CKEDITOR_5_FILE_UPLOAD_PERMISSION = "staff"
CKEDITOR_5_ALLOW_ALL_FILE_TYPES = False
CKEDITOR_5_UPLOAD_FILE_TYPES = ["jpeg", "png"]
CKEDITOR_5_FILE_STORAGE = "portal.uploads.EditorImageStorage"
CKEDITOR_5_CONFIGS = {
    "default": {
        "language": "zh-cn",
        "toolbar": {
            "items": [
                "heading",
                "|",
                "bold",
                "italic",
                "underline",
                "strikethrough",
                "|",
                "link",
                "bulletedList",
                "numberedList",
                "blockQuote",
                "|",
                "insertTable",
                "imageUpload",
                "|",
                "alignment",
                "outdent",
                "indent",
                "|",
                "undo",
                "redo",
            ],
            "shouldNotGroupWhenFull": True,
        },
        "removePlugins": ["HtmlEmbed", "SourceEditing", "MediaEmbed"],
        "table": {"contentToolbar": ["tableColumn", "tableRow", "mergeTableCells"]},
        "image": {"toolbar": ["imageTextAlternative"]},  # editors must be able to give alt text
        "heading": {
            "options": [
                {"model": "paragraph", "title": "正文", "class": "ck-heading_paragraph"},
                {"model": "heading2", "view": "h2", "title": "二级标题", "class": "ck-heading_heading2"},
                {"model": "heading3", "view": "h3", "title": "三级标题", "class": "ck-heading_heading3"},
            ]
        },
    }
}

# Content-Security-Policy: strict on the public site (no inline script or style); the admin
# (CKEditor 5 needs inline styles) is excluded and keeps Django's own protections.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Security: production (DEBUG off) passes `check --deploy`.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # CKEditor 5 reads the token for image uploads (staff only)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # HSTS preload is a promise made for a whole registrable domain (e.g. all of longling.gov.cn),
    # which the portal cannot make for its host's owners; it is off unless they set it, and the
    # check that recommends it (security.W021) is silenced so `check --deploy` is clean.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
    if env.bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@localhost")

LOGIN_URL = "admin:login"
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"

# Error mail: with ADMINS set (“张三:ops@example.gov.cn,李四:…”), Django mails every server error
# to them (through the EMAIL_URL server); errors are always logged to the console as well.
ADMINS = [tuple(entry.split(":", 1)) for entry in env.list("ADMINS", default=[]) if ":" in entry]
SERVER_EMAIL = env.str("SERVER_EMAIL", default=env.str("DEFAULT_FROM_EMAIL", default="noreply@localhost"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# 政策解读 “三同步” (disclosures/interpretation.py): approving a 行政规范性文件 without a 解读
# warns the leader ("warn") or is refused ("block").
POLICY_INTERPRETATION_RULE = env.str("POLICY_INTERPRETATION_RULE", default="warn")

# Public site: page size of lists and the open-data API.
PAGE_SIZE = 20
API_PAGE_SIZE = 100

# Search (disclosures/search.py): the counting query of /search/ reads at most this many
# matches; above it the counts per filter value are shown as lower bounds (“N+”) and an unfiltered
# total as “超过 N 条”. The result list, its order and paging stay exact.
SEARCH_COUNT_LIMIT = env.int("SEARCH_COUNT_LIMIT", default=5000)

# ---- Staff login security (等保 2.0 / GB/T 22239-2019 身份鉴别 and 安全审计; README “安全”) ----------
# Everything the staff login adds lives in this block; the code is in portal/security.py and
# portal/admin_site.py. The lists above are extended here rather than edited in place.
INSTALLED_APPS = [("portal.apps.PortalAdminConfig" if app == "django.contrib.admin" else app) for app in INSTALLED_APPS]
INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp"]
_after_messages = MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1
MIDDLEWARE[_after_messages:_after_messages] = [
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): logged in with the second factor
    "portal.security.SessionIdleMiddleware",  # ends a logged-in session after SESSION_IDLE_MINUTES
]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last: turns a lockout into the Chinese lockout page
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

# Client address: behind N reverse proxies of our own, the Nth address from the right of
# X-Forwarded-For; with 0 (default) REMOTE_ADDR, and X-Forwarded-For is ignored (portal.audit.client_ip).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Lockout (django-axes, attempts stored in the database): a username from one address is locked after
# AXES_FAILURE_LIMIT failed logins in a row for AXES_COOLOFF_MINUTES; while locked even the right
# password is refused. Per username *and* address, so nobody can lock a colleague out from elsewhere.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "portal.audit.client_ip"
AXES_LOCKOUT_CALLABLE = "portal.security.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # successful logins and logouts are in the audit log
AXES_ENABLE_ADMIN = False  # the portal's own Chinese list with an audited 解除锁定 (portal/admin.py)

# Sessions: a logged-in session ends after SESSION_IDLE_MINUTES without a request, and when the
# browser closes. Anonymous visitors get no session from this (public pages stay cacheable).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Two-factor login (TOTP, django-otp): asked of every user who has a confirmed authenticator; required
# for the roles chosen in the admin (网站设置 → 两步验证要求) plus these, which the admin cannot lift:
# comma-separated role codes editor,reviewer,leader,admin (a 三级 system sets all four).
TWO_FACTOR_REQUIRED_ROLES = env.list("TWO_FACTOR_REQUIRED_ROLES", default=[])


def _totp_issuer(device):  # the name the authenticator app shows: the site's name (read lazily)
    from portal.security import totp_issuer

    return totp_issuer(device)


OTP_TOTP_ISSUER = _totp_issuer
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Password rules with Chinese messages (Django's own Chinese catalogue lacks the length message).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "portal.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "portal.passwords.MinimumLengthValidator"},
    {"NAME": "portal.passwords.CommonPasswordValidator"},
    {"NAME": "portal.passwords.NumericPasswordValidator"},
]

# ---- Background tasks (portal/tasks.py; README “后台任务”) ---------------------------------------
# The Django tasks API (django-tasks, the backport of Django 6's django.tasks) with its database
# backend (django-tasks-db): the queue is a table, workers are `manage.py db_worker` processes.
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
