"""portal/dbcache.py: the page cache's database backend writes a page with one statement, keeps
Django's semantics for reading, overwriting and expiry, and still culls the table."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal import dbcache


@pytest.fixture
def store(settings, db):
    settings.CACHES = {
        **settings.CACHES,
        "dbcache-test": {
            "BACKEND": "portal.dbcache.PageDatabaseCache",
            "LOCATION": "test_dbcache",
            "OPTIONS": {"MAX_ENTRIES": 30, "CULL_FREQUENCY": 2},
        },
    }
    call_command("createcachetable", verbosity=0)
    cache = caches["dbcache-test"]
    cache.clear()
    return cache


def _rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM test_dbcache")
        return cursor.fetchone()[0]


def test_set_get_overwrite_and_expiry(store):
    store.set("page", {"body": "<p>公开</p>", "version": "v1"}, 60)
    assert store.get("page") == {"body": "<p>公开</p>", "version": "v1"}
    store.set("page", {"body": "新的", "version": "v2"}, 60)
    assert store.get("page") == {"body": "新的", "version": "v2"} and _rows() == 1
    store.set("gone", "x", -1)  # already expired: never read back
    assert store.get("gone") is None
    store.set("forever", "y", None)
    assert store.get("forever") == "y"
    assert store.add("forever", "z") is False and store.add("new", "z") is True  # Django's own add


def test_a_set_is_one_statement_between_culls(store):
    store.set("first", 1, 60)  # the process's first set also counts the table
    with CaptureQueriesContext(connection) as captured:
        store.set("second", 2, 60)
    assert len(captured) == 1 and "ON CONFLICT" in captured[0]["sql"]


def test_the_table_is_culled_every_so_many_sets(store):
    for n in range(dbcache.CULL_EVERY * 2 + 1):
        store.set(f"page-{n}", n, 60)
    # At most MAX_ENTRIES plus the sets since the last check.
    assert _rows() <= 30 + dbcache.CULL_EVERY
    assert store.get(f"page-{dbcache.CULL_EVERY * 2}") == dbcache.CULL_EVERY * 2
