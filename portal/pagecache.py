"""Shared page cache for anonymous public pages (README “页面缓存与浏览量”, docs/design.md §6).

`PageCacheMiddleware` sits before sessions, authentication and the views: a GET (or HEAD) from a
visitor without a session answers from the shared cache when a copy rendered under the current
*content version* exists. The cache is the `pages` alias of CACHES: Redis when `REDIS_URL` is set,
otherwise the database table `portal_page_cache` (created after every `migrate`), so every worker
and every app server sees the same copies and the same version.

Key: scheme, host, path, the sorted query string, the display preferences (font size / 长辈版,
contrast; portal/middleware.py) and whether the client takes gzip. Stored only when the request
had no session or messages cookie and no Authorization header, and the response is a 200 to a GET
that sets no cookie, used no CSRF token (every page with a form that posts), is not streamed, not
marked private/no-store/no-cache and varies on nothing but Cookie, Accept-Encoding and
Accept-Language. So staff (who always carry a session cookie), citizens who tracked an application,
and form pages always get fresh pages, and only what an anonymous visitor may see — the public
selectors of each view — can enter the cache.

Invalidation: `changed()` puts a new version token into the shared cache after the transaction
commits; every stored copy names the version it was rendered under and is ignored once the
version differs — on every worker at once. It is called by `portal.audit.record` (every audited
state change: publication, scheduled publication, revision approval, withdrawal, 有效性, report
publication, 留言选登, 反馈 …) and by a `post_save`/`post_delete`/`m2m_changed` receiver on every
model except those listed in `IGNORED_MODELS` (sessions, logins, counters, the search index), so an
admin edit of a catalogue node, an organization or the site profile is covered too, and a model
added later invalidates by default. The version is read *before* the page is rendered, so a copy
rendered from data older than a commit is always stored under an older version. Copies also expire
after `PAGE_CACHE_SECONDS` (default 60), which bounds time-based changes (公示期已满, consultation
periods) and the shown 浏览量.

A worker also keeps the copies it served last in its own memory (`_Local`: at most
`PAGE_CACHE_LOCAL_ENTRIES` pages) and reads the shared version at most every
`PAGE_CACHE_LOCAL_SECONDS` (default 0.5 s): a hit then costs no round trip at all. A local copy is
used only under the version the shared cache named at most that long ago, so a change is visible
on every worker within that time (and at once on the worker that made it, which sets its own
version when it bumps). The shared cache stays the only source of versions and of stored pages.

`StableETagMiddleware` (inside Django's ConditionalGetMiddleware) gives public pages an ETag that
ignores the live view count, and a Last-Modified of the content version, so a browser's
revalidation gets 304 (and a 304 is never counted as a view).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
import secrets
import threading
import time
from collections import OrderedDict
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.exceptions import DisallowedHost
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import cc_delim_re, get_conditional_response, patch_cache_control
from django.utils.http import http_date

from . import viewcounts
from .middleware import CONTRASTS, FONT_SIZES

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
VERSION_KEY = "pc:version"
MAX_BYTES = 1024 * 1024  # bigger responses (a whole CSV export) are not worth a cache entry
LOCAL_MAX_BYTES = 32 * 1024 * 1024  # a worker's own copies together (_Local)
EXCLUDED_PREFIXES = ("/admin/", "/media/", "/static/", "/ckeditor5/")
ALLOWED_VARY = {"cookie", "accept-encoding", "accept-language"}
REFUSING_CACHE_CONTROL = {"private", "no-store", "no-cache"}  # no-cache unless StableETagMiddleware set it

# Writes that never change a public page. Everything else invalidates (safe by default).
IGNORED_MODELS = {
    "migrations.Migration",
    "sessions.Session",
    "contenttypes.ContentType",
    "auth.Permission",
    "auth.User",  # last_login on every login; staff accounts are not shown publicly
    "auth.Group",
    "admin.LogEntry",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "otp_totp.TOTPDevice",
    "otp_static.StaticDevice",
    "otp_static.StaticToken",
    "portal.AuditEntry",  # audit.record calls changed() itself, for state changes only
    "portal.PendingView",
    "portal.ViewCountBatch",
    "portal.TwoFactorPolicy",
    "portal.LoginAttempt",
    "portal.Authenticator",
    "disclosures.SearchEntry",  # follows the items, which invalidate themselves
    "disclosures.LinkCheck",
    "disclosures.InspectionReport",
    "disclosures.SecrecyReview",
    "info_requests.ThrottleHit",
    "info_requests.ThrottleKey",
    "info_requests.ReminderLog",
    "interaction.ReminderLog",
}

# The live view count in an item page (templates/disclosures/item.html): left out of the ETag.
_LIVE_COUNT = re.compile(rb"<dd data-live-count>\d+</dd>")


def _cache():
    return caches[CACHE_ALIAS]


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


# ---- the content version ----------------------------------------------------------------------


def bump() -> str:
    """A new version token: every stored copy is stale from now on, on every worker. A fresh
    random token rather than an increment, so concurrent bumps need no atomic counter."""
    token = f"{time.time():.6f}:{secrets.token_hex(4)}"
    LOCAL.set_version(token)  # this worker sees its own change at once
    try:
        _cache().set(VERSION_KEY, token, None)
    except Exception:  # the change itself is committed; copies still expire after PAGE_CACHE_SECONDS
        if _table_missing():  # the first `migrate`: data migrations run before the table exists
            return token
        logger.exception("页面缓存版本更新失败（page cache version not bumped）")
    return token


def _table_missing() -> bool:
    """The database cache's table is not there yet (nothing can be cached, so nothing is stale)."""
    from django.db import connection

    table = settings.CACHES[CACHE_ALIAS].get("LOCATION", "")
    if "DatabaseCache" not in settings.CACHES[CACHE_ALIAS]["BACKEND"]:
        return False
    try:
        return table not in connection.introspection.table_names()
    except Exception:
        return False


def changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Public content changes with the current transaction: bump the version once it commits
    (at once outside a transaction; never if it rolls back). No deduplication: a callback of a
    savepoint that rolls back is dropped, and another change's own callback must survive it."""
    transaction.on_commit(bump, using=using)


def current_version() -> str:
    token = _cache().get(VERSION_KEY)
    if token is None:
        token = f"{time.time():.6f}:{secrets.token_hex(4)}"
        if not _cache().add(VERSION_KEY, token, None):
            token = _cache().get(VERSION_KEY) or token
    return token


def _version_time(token: str) -> float:
    try:
        return float(token.split(":", 1)[0])
    except ValueError:
        return time.time()


def _model_changed(sender, raw=False, using=DEFAULT_DB_ALIAS, **kwargs):
    if sender._meta.label in IGNORED_MODELS or sender._meta.auto_created and _m2m_ignored(sender):
        return
    changed(using)


def _m2m_ignored(through) -> bool:
    return any(f.related_model._meta.label in IGNORED_MODELS for f in through._meta.fields if f.is_relation)


def connect_signals() -> None:
    post_save.connect(_model_changed, dispatch_uid="portal.pagecache.saved")
    post_delete.connect(_model_changed, dispatch_uid="portal.pagecache.deleted")
    m2m_changed.connect(_m2m_receiver, dispatch_uid="portal.pagecache.m2m")


def _m2m_receiver(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and not _m2m_ignored(sender):
        changed(using)


# ---- the worker's own first level ---------------------------------------------------------------


class _Local:
    """This worker's recent pages and the shared version as last read (see the module docstring).
    Guarded by a lock for threaded servers; gunicorn's sync workers never contend for it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        self.pages: OrderedDict[str, dict] = OrderedDict()
        self.bytes = 0
        self.version: str | None = None
        self.read_at = 0.0

    def set_version(self, token: str) -> None:
        with self.lock:
            self.version, self.read_at = token, time.monotonic()

    def fresh_version(self) -> str | None:
        """The version read less than PAGE_CACHE_LOCAL_SECONDS ago, or None (read it again)."""
        if self.version is not None and time.monotonic() - self.read_at < settings.PAGE_CACHE_LOCAL_SECONDS:
            return self.version
        return None

    def get(self, key: str, version: str) -> dict | None:
        with self.lock:
            entry = self.pages.get(key)
            if entry is None or entry["version"] != version:
                return None
            if time.time() - entry.get("stored", 0) >= settings.PAGE_CACHE_SECONDS:
                self._drop(key)  # expired like its shared copy (time-based changes, the shown count)
                return None
            self.pages.move_to_end(key)
            return entry

    def put(self, key: str, entry: dict) -> None:
        limit = settings.PAGE_CACHE_LOCAL_ENTRIES
        if limit <= 0 or "stored" not in entry:
            return
        with self.lock:
            if key in self.pages:
                self._drop(key)
            self.pages[key] = entry
            self.bytes += len(entry["content"])
            while self.pages and (len(self.pages) > limit or self.bytes > LOCAL_MAX_BYTES):
                self._drop(next(iter(self.pages)))

    def _drop(self, key: str) -> None:
        self.bytes -= len(self.pages.pop(key)["content"])


LOCAL = _Local()


def _settings_changed(setting, **kwargs) -> None:  # tests switch caches: forget what this process holds
    if setting in ("CACHES", "PAGE_CACHE_SECONDS", "PAGE_CACHE_LOCAL_SECONDS", "PAGE_CACHE_LOCAL_ENTRIES"):
        LOCAL.clear()


setting_changed.connect(_settings_changed, dispatch_uid="portal.pagecache.local")


# ---- per-process data of the current version ---------------------------------------------------

_memo: dict[str, tuple[str, object]] = {}


def memo(request, name: str, build):
    """`build()`, kept in this process for as long as the content version the page cache read for
    this request stays the same (docs/design.md §6): the site profile and the catalogue tree, which
    every page shows and which change only with a write that bumps the version. Only for requests
    the page cache handles (anonymous GET/HEAD of a public page, version read before the render);
    any other request (staff, sessions, cache off or unreachable) builds afresh. `build` must return
    public data only, the same for every visitor, and callers must not mutate what it returns.

    The version is read before the data: a commit after that read bumps the version after the
    commit, so data read under version V is never older than V (the same rule as the page copies)."""
    version = getattr(request, "page_version", None)
    if version is None:
        return build()
    found = _memo.get(name)
    if found is not None and found[0] == version:
        return found[1]
    value = build()
    _memo[name] = (version, value)
    return value


# ---- the middleware ---------------------------------------------------------------------------


def _preferences(request) -> tuple[str, str]:
    """The display preferences exactly as DisplayPreferencesMiddleware will read them."""
    size = request.COOKIES.get("fontsize")
    contrast = request.COOKIES.get("contrast")
    return (size if size in FONT_SIZES else "medium", contrast if contrast in CONTRASTS else "normal")


def cache_key(request) -> str | None:
    """The key of this request's page, or None when it must not be served from the cache."""
    if request.method not in ("GET", "HEAD"):
        return None
    path = request.path
    if path.startswith(EXCLUDED_PREFIXES):
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies or "HTTP_AUTHORIZATION" in request.META:
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    query = request.META.get("QUERY_STRING", "")
    if query:
        query = urlencode(sorted(parse_qsl(query, keep_blank_values=True)))
    gzip = "gz" if "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "") else "id"
    parts = "\n".join((request.scheme, host, path, query, *_preferences(request), gzip))
    return "pc:page:" + hashlib.sha256(parts.encode("utf-8", "surrogateescape")).hexdigest()


def storable(request, response) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    if getattr(response, "page_cache", True) is False:
        return False
    control = {part.split("=")[0].strip().lower() for part in cc_delim_re.split(response.get("Cache-Control", ""))}
    if getattr(response, "revalidate_only", False):
        control.discard("no-cache")
    if control & REFUSING_CACHE_CONTROL:
        return False
    vary = {part.strip().lower() for part in cc_delim_re.split(response.get("Vary", "")) if part.strip()}
    if vary - ALLOWED_VARY:
        return False
    return len(response.content) <= MAX_BYTES


class PageCacheMiddleware:
    """Serves anonymous public pages from the shared cache before sessions, auth and views; counts
    full views (portal/viewcounts.py) after the answer is known, so a 304 or a HEAD never counts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = cache_key(request) if enabled() else None
        if key is None:
            return self._counted(request, self.get_response(request))
        store = _cache()
        local = not isinstance(store, DummyCache)  # a dummy shared cache means: cache nothing, here too
        version = LOCAL.fresh_version() if local else None
        if version is not None and (entry := LOCAL.get(key, version)) is not None:
            return self._hit(request, entry)  # no round trip at all
        try:
            if version is None:  # read the shared version (and the page with it, one round trip)
                found = store.get_many([VERSION_KEY, key])
                version = found.get(VERSION_KEY) or current_version()
                if local:
                    LOCAL.set_version(version)
                entry = found.get(key)
            else:
                entry = store.get(key)
        except Exception:  # cache unreachable (or its table not created yet): render, store nothing
            logger.warning("页面缓存不可用（page cache unavailable）", exc_info=True)
            return self._counted(request, self.get_response(request))
        if entry is not None and entry["version"] == version:
            if local:
                LOCAL.put(key, entry)
            return self._hit(request, entry)
        request.page_version = version  # per-process data of this version may serve the render (memo)
        request.page_version_time = max(_version_time(version), _midnight())
        response = self.get_response(request)
        if storable(request, response):
            entry = {
                "version": version,
                "status": response.status_code,
                "headers": list(response.items()),
                "content": response.content,
                "count": getattr(request, "count_view", None),
                "stored": time.time(),
            }
            try:
                store.set(key, entry, settings.PAGE_CACHE_SECONDS)
            except Exception:
                logger.warning("页面缓存写入失败（page not stored）", exc_info=True)
            else:
                if local:
                    LOCAL.put(key, entry)
        return self._counted(request, response)

    def _hit(self, request, entry):
        response = HttpResponse(b"" if request.method == "HEAD" else entry["content"], status=entry["status"])
        for header, value in entry["headers"]:
            response[header] = value
        response["X-Page-Cache"] = "hit"  # for operators and the benchmark: this copy came from the cache
        response = get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=_parse_date(response.get("Last-Modified")),
            response=response,
        )
        if request.method == "GET" and response.status_code == 200 and entry["count"]:
            viewcounts.hit(*entry["count"])
        return response

    @staticmethod
    def _counted(request, response):
        counted = getattr(request, "count_view", None)
        if counted and request.method == "GET" and response.status_code == 200:
            viewcounts.hit(*counted)
        return response


def _parse_date(value):
    from django.utils.http import parse_http_date_safe

    return parse_http_date_safe(value) if value else None


def _midnight() -> float:
    """Pages change at the day's start without a write (公示期已满, consultation periods), so
    Last-Modified is never earlier than today's local midnight."""
    today = timezone.localdate()
    start = datetime.datetime.combine(today, datetime.time.min, tzinfo=timezone.get_current_timezone())
    return start.timestamp()


class StableETagMiddleware:
    """Placed just inside ConditionalGetMiddleware: the ETag of a page is the hash of its content
    without the live view count, so it stays the same while only the count changes; pages the
    cache may hold also get Last-Modified (the content version) and `Cache-Control: no-cache`,
    so browsers revalidate every time (a withdrawal shows at once) and get 304 when unchanged."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method != "GET" or response.status_code != 200 or response.streaming:
            return response
        if not response.has_header("ETag"):
            body = _LIVE_COUNT.sub(b"", response.content)
            response["ETag"] = f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"'
        version_time = getattr(request, "page_version_time", None)
        if version_time is not None and not response.has_header("Cache-Control"):
            if not response.has_header("Last-Modified"):
                response["Last-Modified"] = http_date(version_time)
            patch_cache_control(response, no_cache=True)
            response.revalidate_only = True  # our no-cache: browsers revalidate, the page cache may store
        return response
