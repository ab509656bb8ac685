"""The page cache's database backend (the embedded default without Redis; portal/pagecache.py).

Django's `DatabaseCache.set` runs `SELECT COUNT(*)` over the whole table before every write (to
decide whether to cull), then a transaction with a SELECT and an INSERT or UPDATE: five statements
per page-cache miss, and a count that grows with the table (≈3 ms at 10,000 stored pages, on every
miss). Here `set` is one upsert (`INSERT … ON CONFLICT (cache_key) DO UPDATE`, PostgreSQL and
SQLite ≥ 3.24), and each process counts and culls the table on every `CULL_EVERY`-th set instead:
between two checks the table may hold up to `CULL_EVERY` entries per worker more than
`MAX_ENTRIES`, which costs disk, never correctness (an entry is read only under the content version
it names, portal/pagecache.py). Reading, `add` (the version token), `touch`, deletion and culling
are Django's own.
"""

from __future__ import annotations

import base64
import datetime
import pickle
import threading

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.utils import timezone

CULL_EVERY = 50


class PageDatabaseCache(DatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        self._sets = 0
        self._lock = threading.Lock()

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if connection.vendor not in ("postgresql", "sqlite"):
            return super().set(key, value, timeout, version)
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            expires = datetime.datetime.max
        else:
            expires = datetime.datetime.fromtimestamp(timeout, tz=datetime.UTC if settings.USE_TZ else None)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        pickled = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        quote = connection.ops.quote_name
        table, cache_key, stored, expiry = (quote(n) for n in (self._table, "cache_key", "value", "expires"))
        with connection.cursor() as cursor:
            if self._due():  # before the write, as Django does, so the new page is not culled
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - a quoted name
                count = cursor.fetchone()[0]
                if count > self._max_entries:
                    self._cull(db, cursor, timezone.now().replace(microsecond=0), count)
            cursor.execute(
                f"INSERT INTO {table} ({cache_key}, {stored}, {expiry}) VALUES (%s, %s, %s) "  # noqa: S608 - quoted names
                f"ON CONFLICT ({cache_key}) DO UPDATE SET {stored} = EXCLUDED.{stored}, {expiry} = EXCLUDED.{expiry}",
                [key, pickled, expires],
            )

    def _due(self) -> bool:
        with self._lock:
            self._sets += 1
            return self._sets % CULL_EVERY == 1
