"""索引号 allocation.

Each organization has a template (Organization.index_template). The national default is
`{code}/{year}-{seq:05d}` (organization code without '-', sequence per organization per year,
政府信息公开目录系统实施指引). The demo's 龙陵县民政局 uses its local form
`{code_raw}-/{year}-{mmdd}{seq:03d}`, giving `01526257-2-/2016-1230002` for the 2nd item of
2016-12-30.

The sequence restarts per the finest date unit the template uses (day, month, else year). It is
allocated under a row lock on IndexSequence inside the publishing transaction, so numbers are
unique and gap-free even when leaders publish at the same moment; a rolled-back publication
rolls its number back with it. A 索引号 is assigned once and never changed.
"""

from __future__ import annotations

import datetime
import string

from django.db import IntegrityError, transaction

from .models import IndexSequence, Organization

PLACEHOLDERS = {"code", "code_raw", "year", "month", "mmdd", "day", "seq"}


def template_fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def validate_template(template: str) -> None:
    from django.core.exceptions import ValidationError

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


def allocate(organization: Organization, day: datetime.date) -> str:
    """Take the next 索引号 for `organization` on publication day `day`.

    Must run inside the transaction that publishes the item (the workflow does this)."""
    template = organization.index_template
    period = period_for(template, day)
    with transaction.atomic():
        try:
            with transaction.atomic():
                IndexSequence.objects.get_or_create(organization=organization, period=period)
        except IntegrityError:  # another transaction created the row first; fine
            pass
        sequence = IndexSequence.objects.select_for_update().get(organization=organization, period=period)
        sequence.last_value += 1
        sequence.save(update_fields=["last_value"])
    return render(template, organization.code, day, sequence.last_value)
