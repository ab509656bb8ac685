"""The annual-report indicator of the self-inspection (条例第四十九条: last year's report of every
organization published by 31 January). Registered into disclosures/inspection.py by this app."""

from __future__ import annotations

import datetime

from django.utils import timezone

from disclosures.inspection import FAIL, PASS, WARN, Indicator, register
from disclosures.models import DisclosureItem, ItemKind
from portal.models import Organization

from .workflow import REPORT_DUE


@register
def annual_report(now: datetime.datetime) -> Indicator:
    today = timezone.localdate(now)
    year = today.year - 1
    published = set(
        DisclosureItem.objects.published()
        .filter(kind=ItemKind.ANNUAL_REPORT, annual_report__year=year)
        .values_list("organization_id", flat=True)
    )
    late = today > datetime.date(today.year, *REPORT_DUE)
    missing = [org for org in Organization.objects.order_by("order", "id") if org.pk not in published]
    status = PASS if not missing else FAIL if late else WARN
    due = f"{today.year}年{REPORT_DUE[0]}月{REPORT_DUE[1]}日"
    figure = f"{year}年度报告：" + (f"{len(missing)}个机构未发布（期限{due}）" if missing else "全部已发布")
    items = [{"title": org.name, "url": "/reports/", "id": org.pk, "note": "未发布"} for org in missing]
    return Indicator(
        "annual_report", "政府信息公开工作年度报告", status, figure, "条例第四十九条：每年1月31日前公布", items
    )
