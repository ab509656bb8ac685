"""Yearly figures of 互动回应, per organization and for the whole site.

Counting rules (docs/interaction.md): a message counts for the organization that handles it now
(after any 转办), in the year it was received; it is *answered* when its reply was approved
(不予受理 is a response but not an answer, counted apart); *on time* when the reply was approved
by its deadline; the average counts working days from receipt to approval on the work calendar;
*published* are those of the year shown in 留言选登 now. Consultations count in the year they
opened, only once their announcement is published; comments are online comments plus those
entered as received by other channels.

`yearly(organization, year)` serves the annual report's narrative; `site_yearly(year)` the
互动交流 figures of the site's yearly report (政府网站工作年度报表: 留言办理, 征集调查).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Sum
from django.utils import timezone

from disclosures.models import DisclosureItem
from portal.models import Organization
from portal.workcalendar import Calendar

from .models import Comment, Consultation, Message


def _empty() -> dict:
    return {
        "received": 0,
        "answered": 0,
        "rejected": 0,
        "open": 0,
        "on_time": 0,
        "on_time_share": 0,
        "average_workdays": 0,
        "published": 0,
        "consultations": 0,
        "comments": 0,
        "feedbacks": 0,
    }


def by_organization(year: int) -> dict[int, dict]:
    """Figures of every organization for `year` in a fixed number of queries."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    calendar = Calendar.load(years=[year, year + 1])
    figures: dict[int, dict] = defaultdict(_empty)
    totals: dict[int, int] = defaultdict(int)
    now = timezone.now()
    rows = Message.objects.filter(received_date__range=(start, end)).values_list(
        "organization_id", "status", "received_date", "reply_days", "answered_at", "published_at", "agree_publish"
    )
    for org, status, received, reply_days, answered_at, published_at, agreed in rows:
        f = figures[org]
        f["received"] += 1
        if status == Message.Status.ANSWERED:
            f["answered"] += 1
            answered = timezone.localdate(answered_at)
            if answered <= calendar.add_workdays(received, reply_days):
                f["on_time"] += 1
            totals[org] += calendar.workdays_between(received, answered)
            if agreed and published_at is not None and published_at <= now:
                f["published"] += 1
        elif status == Message.Status.REJECTED:
            f["rejected"] += 1
        else:
            f["open"] += 1
    for org, f in figures.items():
        if f["answered"]:
            f["average_workdays"] = round(totals[org] / f["answered"], 1)
            f["on_time_share"] = round(100 * f["on_time"] / f["answered"], 1)
    published_items = DisclosureItem.objects.published().values("pk")
    consultations = (
        Consultation.objects.filter(item__in=published_items, start_date__range=(start, end))
        .values("organization_id")
        .annotate(n=Count("id"), other=Sum("other_comments"))
        .order_by()
    )
    for row in consultations:
        figures[row["organization_id"]]["consultations"] = row["n"]
        figures[row["organization_id"]]["comments"] += row["other"] or 0
    online = (
        Comment.objects.filter(consultation__item__in=published_items, consultation__start_date__range=(start, end))
        .values("consultation__organization_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in online:
        figures[row["consultation__organization_id"]]["comments"] += row["n"]
    feedbacks = (
        Consultation.objects.filter(
            item__in=published_items, start_date__range=(start, end), feedback_item__in=published_items
        )
        .values("organization_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in feedbacks:
        figures[row["organization_id"]]["feedbacks"] = row["n"]
    return dict(figures)


def yearly(organization: Organization, year: int) -> dict:
    """One organization's figures of `year` (see the module's counting rules)."""
    return by_organization(year).get(organization.pk, _empty())


def site_yearly(year: int, figures: dict[int, dict] | None = None) -> dict:
    """The whole site's figures (the 互动交流 part of the site's yearly report)."""
    total = _empty()
    weighted = 0.0
    for f in (by_organization(year) if figures is None else figures).values():
        for key in (
            "received",
            "answered",
            "rejected",
            "open",
            "on_time",
            "published",
            "consultations",
            "comments",
            "feedbacks",
        ):
            total[key] += f[key]
        weighted += f["average_workdays"] * f["answered"]
    if total["answered"]:
        total["average_workdays"] = round(weighted / total["answered"], 1)
        total["on_time_share"] = round(100 * total["on_time"] / total["answered"], 1)
    return total


def table(year: int) -> tuple[list[tuple[Organization, dict]], dict]:
    """Rows of the statistics page (every organization, in the site's order) and the total."""
    figures = by_organization(year)
    rows = [(org, figures.get(org.pk, _empty())) for org in Organization.objects.order_by("order", "id")]
    return rows, site_yearly(year, figures)


def narrative_sentence(organization, year: int) -> str:
    """One sentence for the annual report's 一、总体情况 (平台建设/互动回应); `organization` is one
    organization, a list of them (the county aggregate) or `None` (the whole site).
    Registered with reports.tables.register_platform_sentence (apps.py)."""
    if isinstance(organization, Organization):
        f = yearly(organization, year)
    elif organization is None:
        f = site_yearly(year)
    else:  # the county aggregate of several organizations' reports
        wanted = {org.pk for org in organization}
        f = site_yearly(year, {pk: row for pk, row in by_organization(year).items() if pk in wanted})
    if not (f["received"] or f["consultations"]):
        return ""
    text = f"{year}年，通过网站互动交流栏目收到咨询留言{f['received']}件，答复{f['answered']}件"
    if f["answered"]:
        text += f"，按期答复率{f['on_time_share']}%，平均用时{f['average_workdays']}个工作日"
    text += f"，选登公开{f['published']}件"
    if f["consultations"]:
        text += f"；开展意见征集{f['consultations']}次，收到意见{f['comments']}条，公布意见采纳情况{f['feedbacks']}次"
    return text + "。"
