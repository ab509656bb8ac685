"""Exact view counts without a synchronous database commit per view (README “页面缓存与浏览量”).

A view is recorded the moment its page is answered (`hit`, called by portal.pagecache's middleware
for a full GET with status 200 — never for HEAD, a print view or a 304 revalidation — whether the
page came from the cache or was rendered), outside the worker's memory (a file the operating
system holds, Redis or the database), so a killed worker loses nothing:

- with `VIEW_COUNT_SPOOL_DIR` (the default; one directory per app server): one line appended to
  this process's file in that directory (`os.write` on an `O_APPEND` file, no round trip at all).
  The line is in the operating system's hands when the call returns, so a worker killed after it
  still counts — only a crash of the machine itself may drop the last seconds. Each process writes
  its own file and holds an exclusive `flock` on it while it does; every `VIEW_COUNT_SPOOL_SECONDS`
  (5 s) a thread of the process lets the file go (no database work) and the next view opens a new
  one, so a file nobody holds is complete and may be folded — also the file of a process that died,
  whose lock the kernel released;
- with `VIEW_COUNT_SPOOL_DIR` empty (or not writable) and `REDIS_URL`: `HINCRBY` on a hash per
  counter (one round trip, no database work);
- with neither: one row in `portal_pendingview`; on PostgreSQL the insert commits with
  `synchronous_commit = off` (it does not wait for the WAL flush; a worker killed after it still
  counts — only a crash of the database server itself may drop the last fraction of a second).

`fold()` adds the pending views to the model's count field (e.g. `DisclosureItem.view_count`) in
one transaction per batch; the management command `flush_view_counts` runs it, and a periodic task
should run it at least every 30 s. Exactness of folding: in the database, pending rows are deleted
with `DELETE … RETURNING` in the same transaction as the counts are added; in Redis, the hash is
renamed atomically to a batch key, the batch is recorded in `ViewCountBatch` in the same
transaction as the counts, and the key is deleted after commit; a spool file is locked by the
folder, recorded in `ViewCountBatch` under its unique name in the same transaction as its counts,
and deleted after commit (its record with it). So a fold interrupted at any point and run again neither loses nor
doubles a view. Besides `flush_view_counts`, each process folds the files nobody holds after a
request at most every `VIEW_COUNT_SPOOL_SECONDS` (`fold_due`, on `request_finished`, which a WSGI
server sends once the answer is out). Pages show `shown(counter, pk, stored)` = the folded count
plus what is pending (spool files of this app server are read for it), so the page is exact when
rendered and the page cache (`PAGE_CACHE_SECONDS`, default 60) bounds the lag. Several app servers:
each folds its own directory, and a page shows the views pending on another server once they are
folded (seconds).

Counters are registered by the app owning the model (disclosures registers "item" in its
AppConfig.ready()), so the core knows no feature app.
"""

from __future__ import annotations

import datetime
import fcntl
import functools
import logging
import os
import socket
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

COUNTERS: dict[str, tuple] = {}  # name -> (model, field name)
REDIS_PENDING = "vc:pending:{}"
REDIS_FOLDING = "vc:folding:{}:"
BATCH = 20000
SPOOL_SUFFIX = ".views"
logger = logging.getLogger(__name__)


def register(name: str, model, field: str = "view_count") -> None:
    COUNTERS[name] = (model, field)


@functools.cache
def _redis_client(url: str):
    import redis

    return redis.Redis.from_url(url)


def _redis():
    url = getattr(settings, "VIEW_COUNT_REDIS_URL", "")
    return _redis_client(url) if url else None


_spool_paths: dict[str, Path] = {}


def _spool_dir() -> Path | None:
    """VIEW_COUNT_SPOOL_DIR as a Path, built once per value (asked twice on every page view)."""
    folder = getattr(settings, "VIEW_COUNT_SPOOL_DIR", "")
    if not folder:
        return None
    path = _spool_paths.get(folder)
    if path is None:
        path = _spool_paths[folder] = Path(folder)
    return path


class _Spool:
    """This process's spool file: opened on a view when there is none, locked for as long as it is
    written, let go every VIEW_COUNT_SPOOL_SECONDS by a thread. A forked child starts without one."""

    def __init__(self):
        self.forget()

    def forget(self) -> None:
        fd = getattr(self, "fd", None)
        self.lock = threading.Lock()
        self.fd: int | None = None
        self.folder: Path | None = None
        self.wrote = False
        self.thread: threading.Thread | None = None
        self.retry_at = 0.0
        if fd is not None:  # in a forked child, its copy of the parent's file: closed, so the lock ends with the parent
            os.close(fd)

    def write(self, folder: Path, line: bytes) -> None:
        with self.lock:
            if self.folder != folder and self.fd is not None:
                os.close(self.fd)
                self.fd = None
            if self.fd is None:
                self._open(folder)
            os.write(self.fd, line)
            self.wrote = True
            if self.thread is None:
                self.thread = threading.Thread(target=self._rotate_forever, name="view-count-spool", daemon=True)
                self.thread.start()

    def _open(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{socket.gethostname()}-{os.getpid()}-{time.time_ns()}-{uuid.uuid4().hex[:8]}"
        # Locked under a name folders ignore, then renamed: a folder never sees it unlocked.
        temporary = folder / f".{stem}.open"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_EXCL | os.O_CLOEXEC, 0o640)
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.rename(temporary, folder / f"{stem}{SPOOL_SUFFIX}")
        self.fd, self.folder, self.wrote = fd, folder, False

    def rotate(self) -> None:
        """Let the current file go (complete, foldable by anyone); the next view opens a new one."""
        with self.lock:
            if self.fd is not None and self.wrote:
                os.close(self.fd)
                self.fd = None

    def _rotate_forever(self) -> None:
        while True:
            time.sleep(getattr(settings, "VIEW_COUNT_SPOOL_SECONDS", 5))
            if self.thread is not threading.current_thread():  # a fork or forget() replaced it meanwhile:
                return  # the new state is not this thread's to rotate
            try:
                self.rotate()
            except OSError:
                logger.warning("浏览量记录文件轮换失败（view-count spool rotation failed）", exc_info=True)


SPOOL = _Spool()
os.register_at_fork(after_in_child=SPOOL.forget)


def hit(name: str, pk: int) -> None:
    """Record one full view of object `pk` of counter `name`."""
    folder = _spool_dir()
    if folder is not None and time.monotonic() >= SPOOL.retry_at:
        try:
            SPOOL.write(folder, f"{name} {int(pk)}\n".encode())
            return
        except OSError:  # a full disk or a directory not writable: Redis or the database (for a minute)
            SPOOL.retry_at = time.monotonic() + 60
            logger.warning("浏览量记录文件不可写，改记入共享存储（view-count spool not writable）", exc_info=True)
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


def _spooled(name: str, pk: int) -> int:
    """Views of `pk` in this app server's spool files not folded yet (a folded file is deleted
    right after its commit; in that instant a view may be shown twice, never stored twice)."""
    folder = _spool_dir()
    if folder is None:
        return 0
    line = f"{name} {int(pk)}".encode()
    total = 0
    for path in folder.glob(f"*{SPOOL_SUFFIX}"):
        try:
            total += path.read_bytes().splitlines().count(line)
        except FileNotFoundError:  # folded meanwhile
            continue
    return total


def pending(name: str, pk: int) -> int | None:
    """Views recorded in Redis but not folded yet; None without Redis (database rows are read with
    `with_pending`, spool files by `shown`)."""
    client = _redis()
    if client is None:
        return None
    value = client.hget(REDIS_PENDING.format(name), str(pk))
    return int(value or 0)


def with_pending(queryset, name: str):
    """The queryset with `pending_views` annotated from the database rows (no extra query)."""
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
    return stored + extra + _spooled(name, obj.pk)


def _apply(name: str, counts: dict[int, int]) -> None:
    model, field = COUNTERS[name]
    by_amount: dict[int, list[int]] = {}
    for pk, n in counts.items():
        by_amount.setdefault(n, []).append(pk)
    for n, pks in by_amount.items():
        model._base_manager.filter(pk__in=pks).update(**{field: F(field) + n})


def fold() -> int:
    """Add every pending view to its object's count. Returns the number of views folded."""
    from .models import ViewCountBatch

    client = _redis()
    total = _fold_redis(client) if client is not None else 0
    total += _fold_spool() + _fold_database()
    ViewCountBatch.objects.filter(folded_at__lt=timezone.now() - datetime.timedelta(days=7)).delete()
    return total


_last_fold = 0.0


def fold_due(**kwargs) -> None:
    """After a request (request_finished): fold the spool files nobody holds, at most every
    VIEW_COUNT_SPOOL_SECONDS per process, so counts stay current without a timer."""
    global _last_fold
    if _spool_dir() is None or time.monotonic() - _last_fold < getattr(settings, "VIEW_COUNT_SPOOL_SECONDS", 5):
        return
    _last_fold = time.monotonic()
    try:
        _fold_spool()
    except Exception:  # the answer is out; the next fold or flush_view_counts takes these views
        logger.warning("浏览量累计失败，稍后重试（view-count fold failed）", exc_info=True)


def _fold_spool() -> int:
    from .models import ViewCountBatch

    folder = _spool_dir()
    if folder is None or not folder.is_dir():
        return 0
    total = 0
    for path in sorted(folder.glob(f"*{SPOOL_SUFFIX}")):
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue  # another folder took it
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a live process still writes it (or another folder has it)
            if not path.exists():
                continue  # folded and deleted while this one waited to look
            data = b""
            while chunk := os.read(fd, 1 << 20):
                data += chunk
            counts: dict[str, Counter] = {}
            for line in data.splitlines():
                name, _, pk = line.decode("ascii", "replace").partition(" ")
                if name in COUNTERS and pk.isdigit():
                    counts.setdefault(name, Counter())[int(pk)] += 1
            batch = f"spool:{path.name}"[:120]
            with transaction.atomic():
                if not ViewCountBatch.objects.filter(name=batch).exists():
                    for name, by_pk in counts.items():
                        _apply(name, by_pk)
                    ViewCountBatch.objects.create(name=batch)
                    total += sum(sum(by_pk.values()) for by_pk in counts.values())
            path.unlink(missing_ok=True)
            # The record only guards the moment between the commit and the unlink; gone with the file.
            ViewCountBatch.objects.filter(name=batch).delete()
        finally:
            os.close(fd)
    return total


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
    return total
