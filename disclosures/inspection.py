"""网站自查: the indicators of the national website inspection (国办秘函〔2019〕19号, docs/rules.md)
that the portal can measure from its own data, each with a status, the figure and the items
concerned — so a bureau knows where it stands before the inspector does.

Statuses: 合格 (pass), 预警 (warning: close to a veto line or costing points), 不合格 (the veto
line or a legal deadline is crossed). Thresholds follow the inspection's veto lines and the usual
monitoring warnings (home page: warn after 10 days, veto after 14; blank columns: warn above 2,
veto at 5; columns not updated: warn above 6, veto at 10).

Indicators are functions registered in INDICATORS; another app adds its own with `register`
(the 互动回应 app adds the unanswered-messages indicator). `run()` gives the report; its JSON form
(`as_json`) is stable and documented in the README, so a county's monitoring can read it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone

PASS, WARN, FAIL = "合格", "预警", "不合格"
SCHEMA_VERSION = 1
LISTED = 20  # items listed per indicator


@dataclass
class Indicator:
    code: str  # stable identifier, e.g. "home_updated"
    name: str
    status: str
    figure: str
    basis: str
    items: list[dict] = field(default_factory=list)  # {"title", "url", "note"}

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "status": self.status,
            "figure": self.figure,
            "basis": self.basis,
            "items": self.items[:LISTED],
            "item_count": len(self.items),
        }


INDICATORS: list[Callable[[datetime.datetime], Indicator]] = []


def register(indicator: Callable[[datetime.datetime], Indicator]) -> Callable:
    if indicator not in INDICATORS:
        INDICATORS.append(indicator)
    return indicator


def _item(item, note: str = "") -> dict:
    return {"title": item.title, "url": item.get_absolute_url(), "id": item.pk, "note": note}


VETO = "国办秘函〔2019〕19号 单项否决指标"
POINTS = "国办秘函〔2019〕19号 扣分指标"


@register
def home_updated(now: datetime.datetime) -> Indicator:
    from .models import DisclosureItem

    latest = DisclosureItem.objects.published().order_by("-published_at").only("id", "title", "published_at").first()
    if latest is None:
        return Indicator("home_updated", "首页信息更新", FAIL, "尚无已发布信息", f"{VETO}：首页监测2周无更新")
    days = (now - latest.published_at).days
    status = FAIL if days > 14 else WARN if days > 10 else PASS
    figure = f"最近一次更新：{timezone.localtime(latest.published_at):%Y-%m-%d}（{days}天前）"
    return Indicator(
        "home_updated", "首页信息更新", status, figure, f"{VETO}：首页监测2周无更新；超过10天预警", [_item(latest)]
    )


@register
def columns_updated(now: datetime.datetime) -> Indicator:
    from .queues import column_health

    stale, _ = column_health(now)
    status = FAIL if len(stale) >= 10 else WARN if stale else PASS
    items = [
        {
            "title": c.category.name,
            "url": c.category.get_absolute_url(),
            "id": c.category.pk,
            "note": f"{c.stale_days}天未更新（预警{c.category.freshness_days}天）",
        }
        for c in stale
    ]
    return Indicator(
        "columns_updated",
        "栏目更新",
        status,
        f"{len(stale)}个栏目超过更新周期",
        f"{VETO}：应更新但长期未更新的栏目≥10个",
        items,
    )


@register
def blank_columns(now: datetime.datetime) -> Indicator:
    from .queues import column_health

    _, empty = column_health(now)
    status = FAIL if len(empty) >= 5 else WARN if empty else PASS
    items = [
        {"title": c.category.name, "url": c.category.get_absolute_url(), "id": c.category.pk, "note": "无信息"}
        for c in empty
    ]
    return Indicator("blank_columns", "空白栏目", status, f"{len(empty)}个栏目没有信息", f"{VETO}：空白栏目≥5个", items)


@register
def dead_links(now: datetime.datetime) -> Indicator:
    from .links import broken
    from .models import LinkCheck

    found = list(broken()[:200])
    checked = LinkCheck.objects.order_by("-checked_at").values_list("checked_at", flat=True).first()
    when = f"（最近检查 {timezone.localtime(checked):%Y-%m-%d %H:%M}）" if checked else "（尚未运行链接检查）"
    status = WARN if found or checked is None else PASS
    items = [
        {
            "title": link.item.title,
            "url": link.item.get_absolute_url(),
            "id": link.item_id,
            "note": f"{link.url}：{link.note or link.http_status}",
        }
        for link in found
    ]
    return Indicator("dead_links", "死链", status, f"{len(found)}个死链{when}", f"{POINTS}：页面链接不可用", items)


@register
def footer_marks(now: datetime.datetime) -> Indicator:
    from portal.models import SiteProfile

    site = SiteProfile.current()
    needed = {
        "主办单位": site.sponsor if site.pk else "",
        "网站标识码": site.site_code,
        "ICP备案号": site.icp_number,
        "公安备案号": site.psb_number,
        "党政机关网站标识": site.conac_url,
        "我为政府网站找错": site.jiucuo_url,
    }
    missing = [name for name, value in needed.items() if not value]
    status = WARN if missing else PASS
    figure = "齐全" if not missing else "缺少：" + "、".join(missing)
    return Indicator(
        "footer_marks",
        "页脚标识",
        status,
        figure,
        "《政府网站发展指引》（国办发〔2017〕47号）；" + POINTS,
        [{"title": name, "url": "/admin/portal/siteprofile/", "id": None, "note": "未设置"} for name in missing],
    )


@register
def search_works(now: datetime.datetime) -> Indicator:
    from . import search
    from .models import DisclosureItem

    latest = DisclosureItem.objects.published().order_by("-published_at").only("id", "title").first()
    if latest is None:
        return Indicator("search_works", "站内搜索", WARN, "没有可供检验的已发布信息", POINTS)
    probe = latest.title[:12]
    try:
        result = search.search(search.parse_query(probe))
        found = latest.pk in list(result.entries[:50])
    except Exception as exc:  # a failing search is what this indicator is for
        return Indicator("search_works", "站内搜索", FAIL, f"搜索出错：{type(exc).__name__}", POINTS, [_item(latest)])
    status = PASS if found else FAIL
    figure = f"以“{probe}”检索最新信息：{'能' if found else '不能'}找到"
    return Indicator(
        "search_works",
        "站内搜索",
        status,
        figure,
        f"{POINTS}：搜索功能不可用或搜不到本站内容",
        [] if found else [_item(latest)],
    )


@register
def content_findings(now: datetime.datetime) -> Indicator:
    from . import content_checks
    from .models import DisclosureItem

    serious, minor = [], []
    published = DisclosureItem.objects.published().prefetch_related("attachments").order_by("-published_at")
    for item in published.iterator(chunk_size=500):
        found = content_checks.scan_item(item)
        if not found:
            continue
        grave = [f for f in found if f.kind in ("wording", "leader", "sensitive")]
        target = serious if grave else minor
        target.append(_item(item, "；".join(str(f) for f in (grave or found)[:3])))
    status = FAIL if serious else WARN if minor else PASS
    figure = f"{len(serious)}条信息有严重表述错误或敏感词，{len(minor)}条有错别字"
    return Indicator(
        "content_findings",
        "已发布信息的内容检查",
        status,
        figure,
        f"{VETO}：严重表述错误；发布反动、暴力、色情等内容",
        serious + minor,
    )


@register
def policy_interpretation(now: datetime.datetime) -> Indicator:
    from . import interpretation

    missing = list(interpretation.policies_without()[:200])
    status = WARN if missing else PASS
    return Indicator(
        "policy_interpretation",
        "政策解读（三同步）",
        status,
        f"{len(missing)}件行政规范性文件没有关联解读",
        "国办发〔2016〕80号 政策解读“三同步”",
        [_item(item) for item in missing],
    )


def run(now: datetime.datetime | None = None) -> list[Indicator]:
    now = now or timezone.now()
    return [indicator(now) for indicator in INDICATORS]


def as_json(indicators: list[Indicator], now: datetime.datetime | None = None) -> dict:
    now = now or timezone.now()
    counts = {status: sum(i.status == status for i in indicators) for status in (PASS, WARN, FAIL)}
    return {
        "schema": SCHEMA_VERSION,
        "generated_at": timezone.localtime(now).isoformat(timespec="seconds"),
        "summary": {
            "合格": counts[PASS],
            "预警": counts[WARN],
            "不合格": counts[FAIL],
            "overall": FAIL if counts[FAIL] else WARN if counts[WARN] else PASS,
        },
        "indicators": [i.as_dict() for i in indicators],
    }


def as_xlsx(indicators: list[Indicator]) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from portal.spreadsheets import safe_cell

    book = Workbook()
    sheet = book.active
    sheet.title = "网站自查"
    sheet.append(["指标", "状态", "情况", "依据"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i in indicators:
        sheet.append([safe_cell(v) for v in (i.name, i.status, i.figure, i.basis)])
    detail = book.create_sheet("涉及的信息")
    detail.append(["指标", "对象", "说明", "网址"])
    for i in indicators:
        for entry in i.items[:500]:
            detail.append([safe_cell(v) for v in (i.name, entry["title"], entry.get("note", ""), entry["url"])])
    for ws, widths in ((sheet, (24, 10, 60, 60)), (detail, (24, 50, 60, 40))):
        for column, width in zip("ABCD", widths, strict=True):
            ws.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run_and_keep(now: datetime.datetime | None = None):
    """Run every indicator and keep the report (the admin page shows the latest)."""
    from .models import InspectionReport

    now = now or timezone.now()
    return InspectionReport.objects.create(data=as_json(run(now), now))
