"""Exact view counts without a synchronous database commit per view (README “页面缓存与浏览量”).

A view is recorded the moment its page is answered (`hit`, called by portal.pagecache's middleware
for a full GET with status 200 — never for HEAD, a print view or a 304 revalidation — whether the
page came from the cache or was rendered), in shared storage, never in a worker's memory, so a
killed worker loses nothing:

- with `REDIS_URL`: `HINCRBY` on a hash per counter (one round trip, no database work);
- otherwise: one row in `portal_pendingview`; on PostgreSQL the insert commits with
  `synchronous_commit = off` (it does not wait for the WAL flush; a worker killed after it still
  counts — only a crash of the database server itself may drop the last fraction of a second).

`fold()` adds the pending views to the model's count field (e.g. `DisclosureItem.view_count`) in
one transaction per batch; the management command `flush_view_counts` runs it, and a periodic task
should run it at least every 30 s. Exactness of folding: in the database, pending rows are deleted
with `DELETE … RETURNING` in the same transaction as the counts are added; in Redis, the hash is
renamed atomically to a batch key, the batch is recorded in `ViewCountBatch` in the same
transaction as the counts, and the key is deleted after commit, so a fold interrupted at any point
and run again neither loses nor doubles a view. Pages show `shown(counter, pk, stored)` = the
folded count plus what is pending, so the page is exact when rendered and the page cache
(`PAGE_CACHE_SECONDS`, default 60) bounds the lag.

Counters are registered by the app owning the model (disclosures registers "item" in its
AppConfig.ready()), so the core knows no feature app.
"""

from __future__ import annotations

import datetime
import functools
import uuid

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

COUNTERS: dict[str, tuple] = {}  # name -> (model, field name)
REDIS_PENDING = "vc:pending:{}"
REDIS_FOLDING = "vc:folding:{}:"
BATCH = 20000


def register(name: str, model, field: str = "view_count") -> None:
    COUNTERS[name] = (model, field)


@functools.cache
def _redis_client(url: str):
    import redis

    return redis.Redis.from_url(url)


def _redis():
    url = getattr(settings, "VIEW_COUNT_REDIS_URL", "")
    return _redis_client(url) if url else None


def hit(name: str, pk: int) -> None:
    """Record one full view of object `pk` of counter `name`."""
    client = _redis()
    if client is not None:
        client.hincrby(REDIS_PENDING.format(name), str(pk), 1)
        return
    from .models import PendingView

    table = PendingView._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # One round trip: the SET LOCAL and the insert in one transaction that does not wait
            # for the WAL flush (the row is visible at once; see the module docstring).
            cursor.execute(
                f"BEGIN; SET LOCAL synchronous_commit TO OFF; "
                f"INSERT INTO {table} (counter, object_id) VALUES (%s, %s); COMMIT;",
                [name, pk],
            )
        else:
            cursor.execute(f"INSERT INTO {table} (counter, object_id) VALUES (%s, %s)", [name, pk])


def pending(name: str, pk: int) -> int | None:
    """Views recorded but not folded yet; None in database mode (read with `with_pending`)."""
    client = _redis()
    if client is None:
        return None
    value = client.hget(REDIS_PENDING.format(name), str(pk))
    return int(value or 0)


def with_pending(queryset, name: str):
    """The queryset with `pending_views` annotated in database mode (no extra query)."""
    if _redis() is not None:
        return queryset
    from .models import PendingView

    count = (
        PendingView.objects.filter(counter=name, object_id=OuterRef("pk"))
        .order_by()
        .values("counter")
        .annotate(n=Count("id"))
        .values("n")
    )
    return queryset.annotate(pending_views=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)))


def shown(name: str, obj, stored: int) -> int:
    """The count a page shows for `obj`: folded plus pending."""
    extra = pending(name, obj.pk)
    if extra is None:
        extra = getattr(obj, "pending_views", 0) or 0
    return stored + extra


def _apply(name: str, counts: dict[int, int]) -> None:
    model, field = COUNTERS[name]
    by_amount: dict[int, list[int]] = {}
    for pk, n in counts.items():
        by_amount.setdefault(n, []).append(pk)
    for n, pks in by_amount.items():
        model._base_manager.filter(pk__in=pks).update(**{field: F(field) + n})


def fold() -> int:
    """Add every pending view to its object's count. Returns the number of views folded."""
    client = _redis()
    total = _fold_redis(client) if client is not None else 0
    return total + _fold_database()


def _fold_database() -> int:
    from .models import PendingView

    table = PendingView._meta.db_table
    total = 0
    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} ORDER BY id LIMIT {BATCH}) "
                    f"RETURNING counter, object_id"
                )
                rows = cursor.fetchall()
            grouped: dict[str, dict[int, int]] = {}
            for name, pk in rows:
                counts = grouped.setdefault(name, {})
                counts[pk] = counts.get(pk, 0) + 1
            for name, counts in grouped.items():
                if name in COUNTERS:
                    _apply(name, counts)
        total += len(rows)
        if len(rows) < BATCH:
            return total


def _fold_redis(client) -> int:
    from .models import ViewCountBatch

    total = 0
    for name in COUNTERS:
        batch = REDIS_FOLDING.format(name) + uuid.uuid4().hex
        try:
            client.rename(REDIS_PENDING.format(name), batch)  # atomic: new views go to a fresh hash
        except Exception as exc:  # redis.ResponseError "no such key": nothing pending
            if "no such key" not in str(exc).lower():
                raise
        for key in client.scan_iter(match=REDIS_FOLDING.format(name) + "*"):  # this one and any left over
            key = key.decode()
            counts = {int(pk): int(n) for pk, n in client.hgetall(key).items()}
            with transaction.atomic():
                if not ViewCountBatch.objects.filter(name=key).exists():
                    _apply(name, counts)
                    ViewCountBatch.objects.create(name=key)
                    total += sum(counts.values())
            client.delete(key)
    ViewCountBatch.objects.filter(folded_at__lt=timezone.now() - datetime.timedelta(days=7)).delete()
    return total
