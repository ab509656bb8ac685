"""Content rules to and from CSV (the columns an administrator sees in the admin, in Chinese)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from portal.audit import record
from portal.spreadsheets import safe_cell
from portal.textextract import _decode

from .check_models import ContentRule

HEADER = ["类别", "查找内容", "建议", "依据", "例外后续字"]
KIND_BY_LABEL = {label: value for value, label in ContentRule.Kind.choices}
MAX_BYTES = 2 * 1024 * 1024


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def export_csv(rules) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for rule in rules:
        writer.writerow(
            [
                safe_cell(v)
                for v in (rule.get_kind_display(), rule.pattern, rule.suggestion, rule.source, rule.not_followed_by)
            ]
        )
    return "\ufeff" + out.getvalue()  # BOM: Excel opens it as UTF-8


def import_csv(upload, user, *, request=None) -> ImportResult:
    """Create or update rules from a CSV; every bad row is reported with its line and reason."""
    result = ImportResult()
    if upload.size > MAX_BYTES:
        result.errors.append("文件超过2 MB，请拆分后导入。")
        return result
    rows = list(csv.reader(io.StringIO(_decode(upload.read()))))
    if not rows or [c.strip() for c in rows[0][:2]] != HEADER[:2]:
        result.errors.append(f"第1行应为表头：{','.join(HEADER)}。")
        return result
    with transaction.atomic():
        for line, row in enumerate(rows[1:], 2):
            cells = [c.strip() for c in row] + [""] * 5
            label, pattern, suggestion, source, not_followed_by = cells[:5]
            if not any(cells):
                continue
            kind = KIND_BY_LABEL.get(label)
            if kind is None:
                result.errors.append(f"第{line}行：类别“{label}”不正确，应为错别字、规范表述或敏感词。")
                continue
            if not pattern or len(pattern) > 100:
                result.errors.append(f"第{line}行：查找内容不能为空，且不超过100字。")
                continue
            _, created = ContentRule.objects.update_or_create(
                kind=kind,
                pattern=pattern,
                defaults={
                    "suggestion": suggestion[:200],
                    "source": source[:300],
                    "not_followed_by": not_followed_by[:50],
                    "active": True,
                },
            )
            result.created += created
            result.updated += not created
        record(
            "content_rules.import",
            actor=user,
            request=request,
            data={"created": result.created, "updated": result.updated, "errors": len(result.errors)},
        )
    return result
