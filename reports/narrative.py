"""The automatic draft of 一、总体情况 (30号文: 主动公开、依申请公开、政府信息管理、平台建设、监督保障),
written from the year's figures; staff then edit it in the rich-text editor."""

from __future__ import annotations

from django.utils.html import escape

from .layout import OUTCOME_KEYS, TABLE3_ROW_INDEX

OUTCOME_GROUPS = [
    ("（一）予以公开", ["disclose"]),
    ("（二）部分公开", ["partial"]),
    ("（三）不予公开", [k for k in OUTCOME_KEYS if k.startswith("deny_")]),
    ("（四）无法提供", [k for k in OUTCOME_KEYS if k.startswith("unable_")]),
    ("（五）不予处理", [k for k in OUTCOME_KEYS if k.startswith("ignore_")]),
    ("（六）其他处理", [k for k in OUTCOME_KEYS if k.startswith("other")]),
]


def outcome_group_totals(data: dict) -> list[tuple[str, int]]:
    t3 = data["table3"]
    return [(label, sum(t3[TABLE3_ROW_INDEX[k]][6] for k in keys)) for label, keys in OUTCOME_GROUPS]


def _p(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def _timeliness_sentence(items: dict) -> str:
    """The share published on time; items whose 成文日期 is unknown are left out and counted, items
    formed before the work calendar's first year are said to be counted on weekends only
    (docs/rules.md “成文日期未知”). Older snapshots lack the two counts."""
    if not items["total"]:
        return ""
    unknown = items.get("timing_unknown", 0)
    if unknown >= items["total"]:
        return "其成文日期均未知，未计算在规定时限内公开的比例。"
    text = (
        f"在信息形成之日起规定时限内（一般为20个工作日，条例第二十六条）公开的{items['on_time']}条，"
        f"占{items['on_time_share']}%"
    )
    notes = []
    if unknown:
        notes.append(f"另有{unknown}条成文日期未知，未计入")
    if weekends := items.get("weekends_only", 0):
        since = items.get("calendar_from")
        calendar = f"工作日历自{since}年起" if since else "工作日历未录入"
        notes.append(f"{weekends}条成文日期早于工作日历，按双休日推算，{calendar}")
    return text + (f"（{'；'.join(notes)}）。" if notes else "。")


def draft_overview(data: dict) -> str:
    year = data["year"]
    items = data["items"]
    t2, t3, t4 = data["table2"], data["table3"], data["table4"]
    parts = []
    categories = "、".join(f"{c['name']}{c['total']}条" for c in items["by_category"][:6])
    text = f"（一）主动公开。{year}年，本机关主动公开政府信息{items['total']}条"
    text += f"，其中{categories}。" if categories else "。"
    text += _timeliness_sentence(items)
    text += (
        f"本年制发行政规范性文件{t2['normative']['issued']}件、废止{t2['normative']['repealed']}件，"
        f"现行有效{t2['normative']['valid']}件"
    )
    if undated := t2["normative"].get("undated", 0):
        text += f"（另有本年发布的{undated}件成文日期未知，未计入本年制发，按发布日期计入现行有效）"
    text += "。"
    parts.append(_p(text))
    row = TABLE3_ROW_INDEX
    answers = data["answers"]
    text = (
        f"（二）依申请公开。本年新收政府信息公开申请{t3[row['new']][6]}件，上年结转{t3[row['carried_in']][6]}件；"
        f"办结{t3[row['concluded']][6]}件"
    )
    groups = [f"{label[3:]}{n}件" for label, n in outcome_group_totals(data) if n]
    text += f"，其中{'、'.join(groups)}" if groups else ""
    text += f"；结转下年度继续办理{t3[row['carried_out']][6]}件。"
    if answers["count"]:
        text += (
            f"办结申请平均用时{answers['average_workdays']}个工作日，"
            f"在20个工作日内答复的{answers['within_limit']}件，占{answers['within_limit_share']}%（条例第三十三条）。"
        )
    parts.append(_p(text))
    parts.append(
        _p(
            f"（三）政府信息管理。坚持“先审查、后公开”，全年对拟公开信息进行保密审查"
            f"{data['supervision']['secrecy_reviews']}次，落实审核、审批分离制度；政策文件按有效性标注现行有效、"
            f"失效或废止。"
        )
    )
    parts.append(
        _p(
            f"（四）平台建设。依托政府信息公开平台集中发布政府信息，截至{year}年底累计公开信息"
            f"{data['supervision']['items_to_date']}条，提供分类目录、全文检索、订阅和依申请公开在线办理。"
            + "".join(data.get("platform", []))  # e.g. 互动回应 (reports.tables.PLATFORM_SENTENCES)
        )
    )
    reviews, litigations = t4[4], t4[9] + t4[14]
    parts.append(
        _p(
            f"（五）监督保障。将政府信息公开工作纳入年度工作考核，落实信息公开工作责任。本年度因政府信息公开工作"
            f"被申请行政复议{reviews}件、提起行政诉讼{litigations}件。"
        )
    )
    return "".join(parts)


def fee_text(data: dict) -> str:
    amount = data.get("fees_collected") or "0.00"
    if amount in ("0", "0.00"):
        return "本年度未收取信息处理费。"
    return f"本年度依据《政府信息公开信息处理费管理办法》收取信息处理费{amount}元。"


def summary(report, data: dict) -> str:
    t3 = data["table3"]
    return (
        f"{report.organization.name}{report.year}年度政府信息公开工作年度报告：主动公开政府信息"
        f"{data['items']['total']}条，新收政府信息公开申请{t3[TABLE3_ROW_INDEX['new']][6]}件，"
        f"办结{t3[TABLE3_ROW_INDEX['concluded']][6]}件。"
    )
