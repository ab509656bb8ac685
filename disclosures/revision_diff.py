"""Field-by-field comparison of a revision with the live version, for reviewers and leaders."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from portal.sanitize import plain_text

from .models import DisclosureItem, Revision

CONTEXT = 30  # characters of unchanged text kept around each change in the body


@dataclass
class Change:
    label: str
    old: str
    new: str
    segments: list[tuple[str, str]] = field(default_factory=list)  # (equal|delete|insert, text) for long text


def _display(value, model_field) -> str:
    if value in (None, ""):
        return ""
    if getattr(model_field, "choices", None):
        return str(dict(model_field.choices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


_TOKEN = re.compile(r"\d[\d,.]*|[A-Za-z]+|\s+|.", re.S)


def text_segments(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level diff: a number or a Latin word is one token (so 780→810 reads as one change),
    each Chinese character another."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    segments = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            text = "".join(a[a1:a2])
            if len(text) > 2 * CONTEXT:
                text = text[:CONTEXT] + " … " + text[-CONTEXT:]
            segments.append(("equal", text))
            continue
        if a2 > a1:
            segments.append(("delete", "".join(a[a1:a2])))
        if b2 > b1:
            segments.append(("insert", "".join(b[b1:b2])))
    return segments


def compare(live: dict, revision: Revision) -> list[Change]:
    """Changes from `live` (workflow.snapshot of the item) to `revision`, in form order."""
    from .revisions import _json_value, detail_fields

    changes = []
    for name in Revision.CONTENT_FIELDS:
        model_field = DisclosureItem._meta.get_field(name)
        old, new = live.get(name), _json_value(getattr(revision, name))
        if (old or "") == (new or ""):
            continue
        if name == "body":
            old_text, new_text = plain_text(old or ""), plain_text(new or "")
            changes.append(Change(str(model_field.verbose_name), old_text, new_text, text_segments(old_text, new_text)))
        elif name == "written_date":  # unknown 成文日期 reads 未知, not blank (docs/rules.md “成文日期未知”)
            changes.append(Change(str(model_field.verbose_name), old or "未知", new or "未知"))
        else:
            changes.append(
                Change(str(model_field.verbose_name), _display(old, model_field), _display(new, model_field))
            )
    fields = detail_fields(revision.item.kind)
    old_detail, new_detail = live.get("detail") or {}, revision.detail or {}
    for name, model_field in fields.items():
        old, new = old_detail.get(name), new_detail.get(name, old_detail.get(name))
        if (old if old is not None else "") != (new if new is not None else ""):
            changes.append(
                Change(str(model_field.verbose_name), _display(old, model_field), _display(new, model_field))
            )
    old_files = [(a["file"], a["name"]) for a in live.get("attachments", [])]
    new_files = [(a.file.name, a.original_name) for a in revision.attachments.all()]
    if old_files != new_files:
        changes.append(
            Change(
                "附件", "、".join(n for _, n in old_files) or "（无）", "、".join(n for _, n in new_files) or "（无）"
            )
        )
    return changes
