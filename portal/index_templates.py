"""The syntax of an organization's 索引号 template (Organization.index_template).

Placeholders: {code} (organization code without “-”), {code_raw} (as written), {year}, {month},
{mmdd}, {day} and {seq} (the sequence, e.g. {seq:05d}). The national default is
`{code}/{year}-{seq:05d}` (政府信息公开目录系统实施指引, see docs/rules.md); allocation of the
numbers themselves is the disclosures app's (disclosures/index_numbers.py).
"""

from __future__ import annotations

import datetime
import string

from django.core.exceptions import ValidationError

PLACEHOLDERS = {"code", "code_raw", "year", "month", "mmdd", "day", "seq"}


def template_fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def validate_template(template: str) -> None:
    try:
        fields = template_fields(template)
    except ValueError as exc:
        raise ValidationError(f"索引号模板格式错误：{exc}") from exc
    unknown = fields - PLACEHOLDERS
    if unknown:
        raise ValidationError(f"索引号模板含未知占位符：{'、'.join(sorted(unknown))}")
    if "seq" not in fields:
        raise ValidationError("索引号模板必须包含流水号 {seq}。")
    try:
        render(template, "01526257-2", datetime.date(2016, 12, 30), 1)
    except (ValueError, KeyError, IndexError) as exc:
        raise ValidationError(f"索引号模板格式错误：{exc}") from exc


def period_for(template: str, day: datetime.date) -> str:
    fields = template_fields(template)
    if fields & {"mmdd", "day"}:
        return day.strftime("%Y%m%d")
    if "month" in fields:
        return day.strftime("%Y%m")
    return day.strftime("%Y")


def render(template: str, code: str, day: datetime.date, seq: int) -> str:
    return template.format(
        code=code.replace("-", ""),
        code_raw=code,
        year=f"{day.year:04d}",
        month=f"{day.month:02d}",
        mmdd=day.strftime("%m%d"),
        day=f"{day.day:02d}",
        seq=seq,
    )


FIELD_WORDS = {
    "code": "组织机构代码（去掉“-”）",
    "code_raw": "组织机构代码",
    "year": "4位年份",
    "month": "2位月份",
    "mmdd": "4位月日",
    "day": "2位日期",
}
PERIOD_WORDS = {"day": "每天", "month": "每月", "year": "每年"}


def describe(template: str, code: str, day: datetime.date, seq: int = 1) -> tuple[str, str]:
    """(an example number, the rule in words) for citizens: the 指南 shows these, never the template
    syntax itself."""
    parts = []
    fields = template_fields(template)
    period = "day" if fields & {"mmdd", "day"} else "month" if "month" in fields else "year"
    for literal, name, spec, _ in string.Formatter().parse(template):
        if literal:
            parts.append(f"“{literal}”")
        if not name:
            continue
        if name == "seq":
            digits = "".join(ch for ch in (spec or "") if ch.isdigit()).lstrip("0") or ""
            width = f"{digits}位" if digits else ""
            parts.append(f"{width}流水号（{PERIOD_WORDS[period]}从1起编）")
        else:
            parts.append(FIELD_WORDS.get(name, name))
    return render(template, code, day, seq), "依次由" + "、".join(parts) + "组成"
