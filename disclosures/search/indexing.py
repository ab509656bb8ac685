"""Indexing: the entry of an item's public version, the signal receiver that keeps the index in
step with publication, and the full `reindex` (with the PostgreSQL GIN bulk-load helper)."""

from __future__ import annotations

import contextlib
import logging

from django.db import connection, transaction
from django.utils import timezone

from portal.sanitize import plain_text

from ..models import DisclosureItem, SearchEntry
from ..search_models import TOKENS_FUNCTION
from .query import index_changed
from .tokens import document_tokens, normalize

log = logging.getLogger(__name__)


def _attachment_text(item: DisclosureItem) -> str:
    """The text read from each attachment once, when it was stored (disclosures/attachment_scan.py):
    indexing never opens the files again."""
    from ..attachment_scan import is_current, scan

    parts = []
    for attachment in item.attachments.all():
        if not is_current(attachment):
            scan(attachment)
        parts += [attachment.original_name, attachment.text]
    return "\n".join(p for p in parts if p)


def build_entry(item: DisclosureItem, attachment_text: str | None = None) -> SearchEntry:
    """The index row of an item's current (public) version."""
    if attachment_text is None:
        attachment_text = _attachment_text(item)
    # 索引号 is searchable too: citizens quote it from print-outs and other sites.
    # Each field is normalized on its own (so a stray-space rule never joins two fields) and the
    # fields are separated by a space (title line) or a line break (body): no match runs across them.
    title = " ".join(n for n in (normalize(v) for v in (item.title, item.document_number, item.index_number)) if n)
    parts = (item.summary, item.keywords, plain_text(item.body), attachment_text)
    body = "\n".join(n for n in (normalize(p) for p in parts) if n)
    if connection.vendor == "postgresql":  # indexed from search_text by the GIN expression index
        title_tokens, body_tokens = [], []
    else:  # SQLite's FTS5 table reads the token columns
        title_tokens = document_tokens(title)
        seen = set(title_tokens)
        body_tokens = [t for t in document_tokens(body) if t not in seen]
    published = timezone.localtime(item.published_at)
    return SearchEntry(
        item_id=item.pk,
        organization_id=item.organization_id,
        category_id=item.category_id,
        kind=item.kind,
        validity=item.validity or "",
        year=published.year,
        published_at=item.published_at,
        document_number=normalize(item.document_number)[:100],
        title_text=title,
        search_text=f"{title}\n{body}",
        title_tokens=" ".join(title_tokens),
        body_tokens=" ".join(body_tokens),
    )


_ENTRY_FIELDS = [
    "organization_id",
    "category_id",
    "kind",
    "validity",
    "year",
    "published_at",
    "document_number",
    "title_text",
    "search_text",
    "title_tokens",
    "body_tokens",
    "indexed_at",
]


def save_entries(entries: list[SearchEntry]) -> None:
    now = timezone.now()
    for entry in entries:
        entry.indexed_at = now
    SearchEntry.objects.bulk_create(entries, update_conflicts=True, unique_fields=["item"], update_fields=_ENTRY_FIELDS)
    index_changed()


def index_item(item: DisclosureItem | int) -> bool:
    """Bring the index in line with the item's public version: index it when published, remove it
    otherwise (withdrawn, back to draft, deleted). Returns whether it is now indexed."""
    pk = item if isinstance(item, int) else item.pk
    current = DisclosureItem.objects.published().filter(pk=pk).first()
    if current is None:
        remove_item(pk)
        return False
    save_entries([build_entry(current)])
    return True


def remove_item(item: DisclosureItem | int) -> None:
    pk = item if isinstance(item, int) else item.pk
    SearchEntry.objects.filter(item_id=pk).delete()
    index_changed()


GIN_INDEX = "disclosures_searchentry_gin"
# The expression index of migration 0011: the tokens are computed from search_text, not stored.
GIN_INDEX_SQL = (
    f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON disclosures_searchentry USING gin ({TOKENS_FUNCTION}(search_text))"
)


@contextlib.contextmanager
def bulk_load(enabled: bool = True):
    """For large builds on PostgreSQL: drop the GIN index, load, and build it again in one pass
    (much faster than maintaining it row by row). The index is rebuilt on the way out even when the
    load is interrupted (Ctrl-C); if the process is killed outright, the next `reindex` rebuilds it
    (searches stay correct meanwhile, only slower)."""
    if not enabled or connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")
    try:
        yield
    finally:
        ensure_gin_index()


def ensure_gin_index() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [GIN_INDEX])
        if cursor.fetchone()[0] is not None:
            return
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute(GIN_INDEX_SQL)
        cursor.execute("RESET maintenance_work_mem")


def reindex(*, batch_size: int = 500, progress=None, ids=None, rebuild_gin: bool = False) -> int:
    """Rebuild the index from the published items, batch by batch (each batch its own transaction,
    upserts, so an interrupted run leaves a usable index and a re-run completes it). Entries of items
    that are no longer public are removed. Returns the number of items indexed. `rebuild_gin` drops
    and rebuilds PostgreSQL's GIN index around the load (see bulk_load)."""
    ensure_gin_index()  # a run killed during bulk_load left it missing
    with bulk_load(rebuild_gin):
        return _reindex(batch_size=batch_size, progress=progress, ids=ids)


def _reindex(*, batch_size, progress, ids) -> int:
    published = DisclosureItem.objects.published()
    if ids is not None:
        published = published.filter(pk__in=ids)
    else:
        stale = SearchEntry.objects.exclude(item_id__in=DisclosureItem.objects.published().values("pk"))
        stale.delete()
        index_changed()
    pks = list(published.order_by("pk").values_list("pk", flat=True))
    bar = progress(total=len(pks)) if progress else None
    done = 0
    for start in range(0, len(pks), batch_size):
        chunk = pks[start : start + batch_size]
        items = list(DisclosureItem.objects.filter(pk__in=chunk).prefetch_related("attachments"))
        with transaction.atomic():
            save_entries([build_entry(item) for item in items if item.published_at])
        done += len(items)
        if bar:
            bar.update(len(chunk))
    if bar:
        bar.close()
    return done


def on_public_version_changed(sender, item, **kwargs) -> None:
    """Receiver of disclosures.signals.public_version_changed (connected in apps.py)."""
    try:
        index_item(item.pk)
    except Exception:  # publishing has committed; a failed index update is repaired by `reindex`
        log.exception("search index update failed for item %s; run `manage.py reindex`", item.pk)


def on_public_versions_changed(sender, items, **kwargs) -> None:
    """Bulk form of the above (site import): one upsert for the batch, from the items as given
    (attachments prefetched); items that are not public are taken out."""
    try:
        public = [item for item in items if item.is_public]
        gone = [item.pk for item in items if not item.is_public]
        if public:
            save_entries([build_entry(item) for item in public])
        if gone:
            SearchEntry.objects.filter(item_id__in=gone).delete()
            index_changed()
    except Exception:
        log.exception("search index update failed for %d imported items; run `manage.py reindex`", len(items))
