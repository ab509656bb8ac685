"""Export: the published items in the import columns, and their attachments into a folder, so that
importing the file into an empty installation (with the same 机构 and 公开目录) gives the same
published items, 索引号, dates and attachments (docs/import.md 导出). No lock-in."""

from __future__ import annotations

import csv
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone

from portal.spreadsheets import safe_cell

from ..models import DisclosureItem
from .columns import COLUMNS, HEADERS

EXCEL_CELL_LIMIT = 32767  # characters Excel shows in one cell; CSV has no such limit
KIND_LABELS = dict(DisclosureItem._meta.get_field("kind").choices)
VALIDITY_LABELS = dict(DisclosureItem.Validity.choices)


@dataclass
class ExportResult:
    items: int = 0
    attachments: int = 0
    long_cells: int = 0  # XLSX only: cells longer than Excel shows
    missing_files: int = 0


def _safe_name(name: str) -> str:
    """A file name that the 附件 column can list (no separators or path parts)."""
    name = re.sub(r"[;；|\n\r\t/\\:*?\"<>]", "_", name).strip(" .") or "附件"
    return name[-150:]


def rows(queryset, attachments_dir: str | None, result: ExportResult) -> Iterator[list]:
    items = (
        queryset.select_related("organization", "category")
        .prefetch_related("attachments")
        .order_by("published_at", "pk")
    )
    for item in items.iterator(chunk_size=500):
        names = []
        for attachment in item.attachments.all():
            if attachments_dir is None:
                continue
            relative = f"{item.pk}/{_safe_name(attachment.original_name)}"
            target = os.path.join(attachments_dir, relative)
            try:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with attachment.file.open("rb") as source, open(target, "wb") as out:
                    shutil.copyfileobj(source, out)
            except (OSError, ValueError):
                result.missing_files += 1
                continue
            names.append(relative)
            result.attachments += 1
        values = {
            "title": item.title,
            "published": timezone.localtime(item.published_at).strftime("%Y-%m-%d %H:%M:%S"),
            "written": item.written_date.isoformat() if item.written_date else "",
            "document_number": item.document_number,
            "index_number": item.index_number or "",
            "organization": item.organization.name,
            "category": item.category.path,
            "kind": KIND_LABELS.get(item.kind, item.kind),
            "summary": item.summary,
            "keywords": item.keywords,
            "body": item.body,
            "validity": VALIDITY_LABELS.get(item.validity, ""),
            "attachments": ";".join(names),
            "source_url": item.source_url,
        }
        result.items += 1
        yield [values[c.field] for c in COLUMNS]


def export_items(path: str, *, organization=None, attachments_dir: str | None = None) -> ExportResult:
    """Write the published items (of `organization`, or all) to `path` (.csv or .xlsx)."""
    queryset = DisclosureItem.objects.published()
    if organization is not None:
        queryset = queryset.filter(organization=organization)
    result = ExportResult()
    if attachments_dir:
        os.makedirs(attachments_dir, exist_ok=True)
    if path.lower().endswith(".xlsx"):
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("信息")
        sheet.append(HEADERS)
        for values in rows(queryset, attachments_dir, result):
            result.long_cells += sum(1 for v in values if isinstance(v, str) and len(v) > EXCEL_CELL_LIMIT)
            sheet.append([safe_cell(v) for v in values])
        book.save(path)
    else:
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(HEADERS)
            for values in rows(queryset, attachments_dir, result):
                writer.writerow([safe_cell(v) for v in values])
    return result
