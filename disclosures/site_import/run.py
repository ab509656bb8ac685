"""Running an import: check every row, then batch by batch match, create or update, publish what
the checks clear, and report every row (docs/import.md).

Each batch is one transaction, so an interrupted run keeps the batches before it, and a re-run
finds what they brought in (by 原网址, else 索引号, else 发布机构 + 文号 + 标题 + 发布日期) and
creates no duplicates. A dry run is the same run with every batch rolled back: its counts, its
flagged rows and its allocated numbers are exactly what the real run would give.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files import File
from django.db import transaction
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone

from portal.audit import entry as audit_entry
from portal.audit import record, record_many
from portal.bulk import refresh_statistics
from portal.spreadsheets import safe_cell
from portal.uploads import check_attachment

from .. import workflow
from ..import_models import ImportOrigin
from ..models import Attachment, DisclosureItem
from . import columns, reading
from .rows import Context, Row, RowError, item_values, new_item, parse_row

S = DisclosureItem.Status
BATCH = 500


class Outcome:
    IMPORTED = "已导入并发布"
    UPDATED = "已更新"
    UNCHANGED = "未变化"
    REJECTED = "未导入"
    FLAGGED = "已导入为草稿（待处理）"
    CONFLICT = "已发布，未改动"


@dataclass
class ReportLine:
    line: int
    outcome: str
    column: str = ""
    reason: str = ""
    title: str = ""
    index_number: str = ""
    item_id: int | None = None


@dataclass
class Summary:
    file_name: str = ""
    dry_run: bool = False
    read: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    flagged: int = 0
    conflicts: int = 0
    lines: list[ReportLine] = field(default_factory=list)
    refused: str = ""  # the whole file could not be read

    COUNTS = (
        ("read", "读取"),
        ("imported", "导入并发布"),
        ("updated", "更新"),
        ("unchanged", "未变化"),
        ("rejected", "未导入（有错误）"),
        ("flagged", "导入为草稿待处理"),
        ("conflicts", "已发布而文件不同"),
    )

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name, _ in self.COUNTS}

    def text(self) -> str:
        head = "试导入（未保存）" if self.dry_run else "导入完成"
        if self.refused:
            return f"{head}：{self.refused}"
        return head + "：" + "，".join(f"{label} {getattr(self, name)} 行" for name, label in self.COUNTS) + "。"

    def problems(self, limit: int | None = None) -> list[ReportLine]:
        bad = [line for line in self.lines if line.outcome in (Outcome.REJECTED, Outcome.FLAGGED, Outcome.CONFLICT)]
        bad.sort(key=lambda line: line.line)
        return bad[:limit] if limit else bad

    def report_csv(self) -> str:
        """Every row's outcome, one line per problem (UTF-8 with BOM, so Excel opens it)."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["行号", "结果", "列", "原因", "标题", "索引号", "信息编号"])
        if self.refused:
            writer.writerow(["", Outcome.REJECTED, "", self.refused, "", "", ""])
        for line in sorted(self.lines, key=lambda x: x.line):
            writer.writerow(
                [
                    line.line,
                    line.outcome,
                    line.column,
                    safe_cell(line.reason),
                    safe_cell(line.title),
                    safe_cell(line.index_number),
                    line.item_id or "",
                ]
            )
        return "\ufeff" + out.getvalue()

    def as_json(self, first: int = 50) -> dict:
        """What a background job keeps as its result (the page shows it; the full report is a file)."""
        return {
            "file_name": self.file_name,
            "dry_run": self.dry_run,
            "counts": self.counts(),
            "text": self.text(),
            "refused": self.refused,
            "problems": [
                {"line": p.line, "outcome": p.outcome, "column": p.column, "reason": p.reason, "title": p.title}
                for p in self.problems(first)
            ],
            "problem_count": len(self.problems()),
        }


ProgressFn = Callable[[int, int, str], None]


def import_file(
    path: str,
    *,
    user,
    name: str = "",
    organization=None,
    attachments_dir: str | None = None,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    batch_size: int = BATCH,
    progress: ProgressFn | None = None,
) -> Summary:
    """Import `path` (CSV or XLSX) as `user` (a site administrator). Never raises for bad content:
    a file that cannot be read at all comes back as `summary.refused`, bad rows as report lines."""
    name = name or os.path.basename(path)
    summary = Summary(file_name=name, dry_run=dry_run)
    try:
        sheet = reading.read_file(path, name)
        positions = columns.header_positions(sheet.header, mapping or {})
    except (reading.FileRefused, columns.MappingError) as exc:
        summary.refused = str(exc)
        return summary
    ctx = Context(organization=organization, attachments_dir=attachments_dir)
    rows = [parse_row(line, cells, ctx) for line, cells in reading.iter_cells(sheet, positions)]
    summary.read = len(rows)
    _mark_duplicates(rows)
    good = []
    for row in rows:
        if row.errors:
            _rejected(summary, row, row.errors)
        else:
            good.append(row)
    total = len(rows)
    done = total - len(good)
    if progress:
        progress(done, total, f"已检查 {total} 行")
    for start in range(0, len(good), batch_size):
        batch = good[start : start + batch_size]
        _run_batch(batch, summary, user=user, file_name=name, dry_run=dry_run)
        done += len(batch)
        if progress:
            progress(done, total, f"第 {start // batch_size + 1} 批，已处理 {done}/{total} 行")
    if not dry_run:
        refresh_statistics(DisclosureItem)
        record(
            "site_import.run",
            actor=user,
            organization=organization,
            reason=f"导入文件“{name}”",
            data={"file": name, **summary.counts()},
        )
    return summary


def _rejected(summary: Summary, row: Row, errors: list[RowError]) -> None:
    summary.rejected += 1
    for error in errors:
        summary.lines.append(ReportLine(row.line, Outcome.REJECTED, error.column, error.reason, row.title))


def _mark_duplicates(rows: list[Row]) -> None:
    """The same item twice in one file: the later line is an error naming the earlier one."""
    seen: dict[tuple, int] = {}
    for row in rows:
        if row.errors:
            continue
        keys = []
        if row.source_url:
            keys.append(("原网址", row.source_url))
        if row.index_number:
            keys.append(("索引号", row.index_number))
        if not keys:
            keys.append(("标题", row.natural_key()))
        for key in keys:
            if key in seen:
                row.error(key[0], f"与第{seen[key]}行重复")
            else:
                seen[key] = row.line


# ---- one batch ----------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _run_batch(rows: list[Row], summary: Summary, *, user, file_name: str, dry_run: bool) -> None:
    lines: list[ReportLine] = []
    counts = dict.fromkeys(("imported", "updated", "unchanged", "rejected", "flagged", "conflicts"), 0)
    stored_files: list[str] = []
    try:
        with transaction.atomic():
            _apply(rows, lines, counts, stored_files, user=user, file_name=file_name)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except Exception:
        _remove_files(stored_files)
        raise
    if dry_run:
        _remove_files(stored_files)
    summary.lines += lines
    for name, value in counts.items():
        setattr(summary, name, getattr(summary, name) + value)


def _remove_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            pass


def _apply(rows, lines, counts, stored_files, *, user, file_name):
    existing = _Existing(rows)
    reason = f"网站迁移：{file_name}"
    creates: list[Row] = []
    drafts: list[tuple[Row, DisclosureItem, bool]] = []  # (row, draft from an earlier run, updated now)
    audits = []

    def report(row, outcome, column="", why="", item=None):
        counts[_COUNT[outcome]] += 1
        number = (item.index_number or "") if item is not None else ""
        lines.append(ReportLine(row.line, outcome, column, why, row.title, number, item.pk if item else None))

    for row in rows:
        item = existing.match(row)
        clash = existing.index_clash(row, item)
        if clash:
            report(row, Outcome.REJECTED, "索引号", clash)
        elif item is None:
            creates.append(row)
        elif item.status == S.DRAFT and hasattr(item, "origin"):
            # A draft an earlier run left for review: the row changes it only if the file's row
            # changed since (a fix made in the admin meanwhile is kept); either way it is checked again.
            updated = item.origin.row_hash != row.fingerprint()
            if updated:
                _update_draft(item, row, stored_files)
                audits.append(
                    audit_entry(
                        "item.import_updated",
                        actor=user,
                        obj=item,
                        from_state=S.DRAFT.label,
                        to_state=S.DRAFT.label,
                        reason=reason,
                        data={"line": row.line},
                    )
                )
            drafts.append((row, item, updated))
        elif changed := _changed(item, row):
            why = (
                "该信息已发布，内容与文件不同：已发布的信息只能通过修订流程修改，本行未改动"
                if item.status in (S.PUBLISHED, S.WITHDRAWN)
                else f"该信息当前为“{item.get_status_display()}”，正在审核流程中，本行未改动"
            )
            report(row, Outcome.CONFLICT, "、".join(changed), why, item)
        else:
            report(row, Outcome.UNCHANGED, item=item)

    created = _create(creates, stored_files, user=user, file_name=file_name)
    candidates = [(row, item) for row, item in created] + [(row, item) for row, item, _ in drafts]
    items = [item for _, item in candidates]
    prefetch_related_objects(items, "attachments")
    entries = [(item, item.origin.published_at, item.origin.index_number) for item in items]
    published, refused = workflow.import_published_many(entries, user, reason=reason)
    updated_now = {item.pk for _, item, updated in drafts if updated}
    new_ids = {item.pk for _, item in created}
    for row, item in candidates:
        why = refused.get(item.pk)
        if why is None:
            outcome = Outcome.IMPORTED if item.pk in new_ids else Outcome.UPDATED
            report(row, outcome, why="" if item.pk in new_ids else "此前待处理的草稿已发布", item=item)
            continue
        if item.pk in new_ids or item.pk in updated_now:
            audits.append(
                audit_entry(
                    "item.import_draft",
                    actor=user,
                    obj=item,
                    to_state=S.DRAFT.label,
                    reason=why[:2000],
                    data={"line": row.line},
                )
            )
        if item.pk in updated_now:
            report(row, Outcome.UPDATED, why="草稿已按文件更新，仍待处理：" + why, item=item)
        else:
            report(row, Outcome.FLAGGED, why=why, item=item)
    record_many(audits)


_COUNT = {
    Outcome.IMPORTED: "imported",
    Outcome.UPDATED: "updated",
    Outcome.UNCHANGED: "unchanged",
    Outcome.REJECTED: "rejected",
    Outcome.FLAGGED: "flagged",
    Outcome.CONFLICT: "conflicts",
}


class _Existing:
    """The items an earlier run (or staff) already has for a batch's rows, by the keys of
    docs/import.md 重复导入: 原网址, else 索引号, else 发布机构 + 文号 + 标题 + 发布日期."""

    def __init__(self, rows: list[Row]):
        urls = [r.source_url for r in rows if r.source_url]
        numbers = [r.index_number for r in rows if r.index_number]
        keyless = [r for r in rows if not r.source_url and not r.index_number]
        q = Q(pk__in=[])
        if urls:
            q |= Q(source_url__in=urls)
        if numbers:
            q |= Q(index_number__in=numbers) | Q(origin__index_number__in=numbers)
        if keyless:
            q |= Q(
                organization_id__in={r.organization.pk for r in keyless},
                document_number_key__in={r.document_key for r in keyless},
                title__in={r.title for r in keyless},
            )
        found = list(DisclosureItem.objects.filter(q).select_related("origin").prefetch_related("attachments"))
        self.by_url = {i.source_url: i for i in found if i.source_url}
        self.by_number: dict[str, DisclosureItem] = {}
        self.by_natural: dict[tuple, DisclosureItem] = {}
        for i in found:
            origin = getattr(i, "origin", None)
            for number in (i.index_number, origin.index_number if origin else ""):
                if number:
                    self.by_number.setdefault(number, i)
            when = i.published_at or (origin.published_at if origin else None)
            if when is not None:
                key = (i.organization_id, i.document_number_key, i.title, timezone.localdate(when))
                self.by_natural.setdefault(key, i)

    def match(self, row: Row) -> DisclosureItem | None:
        if row.source_url:
            return self.by_url.get(row.source_url)
        if row.index_number:
            return self.by_number.get(row.index_number)
        return self.by_natural.get(row.natural_key())

    def index_clash(self, row: Row, item: DisclosureItem | None) -> str:
        """A given 索引号 that another item already has (索引号 are unique and never change)."""
        if not row.index_number:
            return ""
        holder = self.by_number.get(row.index_number)
        if holder is not None and holder is not item:
            return f"索引号“{row.index_number}”已被信息“{holder.title[:40]}”（编号 {holder.pk}）使用"
        if item is not None and item.index_number and item.index_number != row.index_number:
            return f"该信息已有索引号“{item.index_number}”，索引号一经分配不能更改"
        return ""


def _attachment_names(item: DisclosureItem) -> list[tuple[str, int]]:
    return [(a.original_name, a.size) for a in item.attachments.all()]


def _row_attachment_names(row: Row) -> list[tuple[str, int]]:
    return [(os.path.basename(p)[-200:], os.path.getsize(p)) for p in row.attachments]


def _changed(item: DisclosureItem, row: Row) -> list[str]:
    """The headers whose value differs between the stored item and the row."""
    probe = new_item(row)
    labels = {"organization_id": "发布机构", "category_id": "公开目录", "kind": "信息类型", "source_url": "原网址"}
    labels |= {c.field: c.header for c in columns.COLUMNS}
    differs = []
    for name in item_values(row):
        if name == "source_url" and not row.source_url:
            continue
        if getattr(item, name) != getattr(probe, name):
            differs.append(labels.get(name, DisclosureItem._meta.get_field(name).verbose_name))
    when = item.published_at or (item.origin.published_at if hasattr(item, "origin") else None)
    if when != row.published_at:
        differs.append("发布日期")
    if _attachment_names(item) != _row_attachment_names(row):
        differs.append("附件")
    return differs


def _update_draft(item: DisclosureItem, row: Row, stored_files: list[str]) -> None:
    probe = new_item(row)
    for name in item_values(row):
        setattr(item, name, getattr(probe, name))
    item.save()
    origin = item.origin
    origin.published_at = row.published_at
    origin.index_number = row.index_number
    origin.line = row.line
    origin.row_hash = row.fingerprint()
    origin.save()
    if _attachment_names(item) != _row_attachment_names(row):
        item.attachments.all().delete()
        _store_attachments(item, row, stored_files)


def _create(rows: list[Row], stored_files: list[str], *, user, file_name: str) -> list[tuple[Row, DisclosureItem]]:
    if not rows:
        return []
    items = []
    for row in rows:
        item = new_item(row)
        item.created_by = user if getattr(user, "pk", None) else None
        items.append(item)
    DisclosureItem.objects.bulk_create(items, batch_size=BATCH)  # PostgreSQL and SQLite return the ids
    origins = [
        ImportOrigin(
            item=item,
            published_at=row.published_at,
            index_number=row.index_number,
            file_name=file_name[:200],
            line=row.line,
            row_hash=row.fingerprint(),
        )
        for row, item in zip(rows, items, strict=True)
    ]
    ImportOrigin.objects.bulk_create(origins, batch_size=BATCH)
    for row, item, origin in zip(rows, items, origins, strict=True):
        item.origin = origin
        if row.attachments:
            _store_attachments(item, row, stored_files)
    return list(zip(rows, items, strict=True))


def _store_attachments(item: DisclosureItem, row: Row, stored_files: list[str]) -> None:
    """Copy the row's files into the portal's storage; each is read and scanned once, now
    (disclosures/attachment_scan.py), so the pre-publication checks see its text."""
    for order, path in enumerate(row.attachments):
        name = os.path.basename(path)[-200:]
        with open(path, "rb") as fh:
            upload = File(fh, name=name)
            ext, mime = check_attachment(upload)
            attachment = Attachment(
                item=item, original_name=name, size=os.path.getsize(path), file_type=ext, content_type=mime, order=order
            )
            attachment.file.save(name, upload, save=False)
            stored_files.append(attachment.file.name)
            attachment.save()
