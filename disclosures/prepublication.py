"""Pre-publication checks: what must be clear before content goes public, by any path.

Every step that makes content public or moves it towards the public — submit, review, approve,
schedule, emergency publish, revision approval, history import, bulk imports, the annual-report
narrative — runs `refusal(obj)` through the workflow tables (disclosures/workflow.py). The checks
are registered here in one list; today they are the personal-data scan (disclosures/pii.py);
content rules (错敏词, 规范表述) and link checks register the same way.

A finding blocks until the content is fixed (e.g. masked) or, where the finding allows it, a
leader who did not write the content overrides it with a written reason (audited). Saving the
content again cancels an override: it covered what the leader saw.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

SHOWN = 20  # findings listed in a refusal message


@dataclass(frozen=True)
class Check:
    name: str
    label: str
    run: Callable  # (obj) -> list of findings (objects with __str__ naming where and what)
    advice: str = "请处理后再提交"
    # The field of the item/revision holding a leader's override of this check ('' = none). A
    # finding with `blocks_always` (e.g. 敏感词) cannot be overridden.
    override_field: str = ""


CHECKS: list[Check] = []


def register(check: Check) -> None:
    if all(c.name != check.name for c in CHECKS):
        CHECKS.append(check)


def _pii(obj):
    from . import pii

    return pii.scan_item(obj)


def _content(obj):
    from . import content_checks

    return content_checks.scan_item(obj)


register(Check("pii", "个人隐私信息", _pii, advice="请脱敏后再提交", override_field="pii_override_reason"))
register(
    Check(
        "content",
        "错别字、不规范表述或敏感词",
        _content,
        advice="请修改后再提交",
        override_field="content_override_reason",
    )
)


def check_named(name: str) -> Check:
    return next(check for check in CHECKS if check.name == name)


def findings_of_check(obj, name: str) -> list:
    return check_named(name).run(obj)


def findings(obj) -> dict[str, list]:
    """Every check's findings on `obj` (an item or a revision), by check name."""
    return {check.name: check.run(obj) for check in CHECKS}


def refusal(obj, found: dict[str, list] | None = None) -> str:
    """Why `obj` may not go further now, or '' when every check is clear or overridden."""
    found = findings(obj) if found is None else found
    parts = []
    for check in CHECKS:
        items = found.get(check.name) or []
        if check.override_field and getattr(obj, check.override_field, ""):
            items = [f for f in items if getattr(f, "blocks_always", False)]
        if not items:
            continue
        listed = "；".join(str(f) for f in items[:SHOWN])
        more = f"等共{len(items)}处" if len(items) > SHOWN else ""
        parts.append(f"发现疑似{check.label}，{check.advice}：{listed}{more}。")
    return "".join(parts)


def ensure_clear(obj) -> None:
    message = refusal(obj)
    if message:
        raise ValidationError(message)
