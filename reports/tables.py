"""Computing the annual report's figures from live data (条例第五十条), aggregated in the database.

`compute(organization, year)` returns a plain, JSON-serialisable dict (the same shape is frozen as
the report's snapshot when it is submitted). It runs a fixed number of queries whatever the amount
of data: each table is one conditional-aggregate query (Count with filter=), and the figures the
narrative needs are grouped in the database before any Python arithmetic.

Definitions (README "年度报告"):

* An application is *in the books* once it has a 收到申请之日 (`received_date`); one that the
  applicant withdrew without a recorded conclusion is left out.
* It is *concluded* on `answered_date` once it has an outcome; its outcome row is that of the year
  of `answered_date`.
* 一、本年新收: received in the year. 二、上年结转: received before 1 January and not concluded
  before 1 January. 四、结转下年度: received by 31 December and not concluded by 31 December.
  So 一 + 二 = （七）+ 四 holds by construction on live data; the checks catch frozen or imported
  figures that disagree.
* Table 二: published policy items (`published()`) whose 文件类型 is 规章 or 行政规范性文件.
  本年制发 = 成文日期 in the year; 本年废止 = ceased to be in force (废止 or 失效 date, whichever
  comes first) in the year; 现行有效 = issued by 31 December and not ceased by then. An item whose
  成文日期 is unknown (taken over from an old site) is never 本年制发; it counts as issued by its
  发布日期 for 现行有效, and `undated` says how many of those were published in the year
  (docs/rules.md “成文日期未知”).
* The share published on time leaves out items whose 成文日期 is unknown (`timing_unknown`); items
  formed before the work calendar's first year are counted on weekends only (`weekends_only`).
* Table 四: cases filed (`filed_date`) in the year, with their result as of 31 December (a case
  concluded later counts as 尚未审结), so a report regenerated later gives the same figures.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth, TruncDate
from django.utils import timezone

from disclosures import timeliness
from disclosures.models import DisclosureItem, ItemKind, PolicyDetail, SecrecyReview
from info_requests.deadlines import REPLY_DAYS
from info_requests.models import Appeal, Application
from info_requests.outcomes import AppealResult
from portal.models import Organization

from .layout import APPLICANT_COLUMNS, OUTCOME_KEYS, TABLE3_ROW_INDEX, TABLE3_ROWS, TABLE4_GROUPS


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _datetime_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.datetime(year, 1, 1, tzinfo=tz), datetime.datetime(year + 1, 1, 1, tzinfo=tz))


# ---- table 二 -------------------------------------------------------------------------------


def _scoped(qs, organization, lookup: str = "organization"):
    """Restrict to one organization, to a set of them (the county aggregate of published reports),
    or not at all (None)."""
    if organization is None:
        return qs
    if isinstance(organization, Organization):
        return qs.filter(**{lookup: organization})
    return qs.filter(**{f"{lookup}__in": organization})


def table2_policies(organization: Organization | None, year: int) -> dict[str, dict[str, int]]:
    start, end = year_bounds(year)
    qs = DisclosureItem.objects.published().filter(
        kind=ItemKind.POLICY, policy__doc_type__in=[PolicyDetail.DocType.RULE, PolicyDetail.DocType.NORMATIVE]
    )
    qs = _scoped(qs, organization)
    repeal, expiry = "policy__repeal_date", "policy__expiry_date"
    not_ceased_by_end = (Q(**{f"{repeal}__isnull": True}) | Q(**{f"{repeal}__gt": end})) & (
        Q(**{f"{expiry}__isnull": True}) | Q(**{f"{expiry}__gt": end})
    )
    # 有效性 says 废止/失效 but no date was recorded: not in force, and no year to count it in.
    has_validity = (
        Q(validity=DisclosureItem.Validity.VALID)
        | Q(validity="")
        | Q(**{f"{repeal}__isnull": False})
        | Q(**{f"{expiry}__isnull": False})
    )
    ceased_by_end = Q(**{f"{repeal}__lte": end}) | Q(**{f"{expiry}__lte": end})
    not_ceased_before_start = (Q(**{f"{repeal}__isnull": True}) | Q(**{f"{repeal}__gte": start})) & (
        Q(**{f"{expiry}__isnull": True}) | Q(**{f"{expiry}__gte": start})
    )
    # 成文日期 unknown: never 本年制发 (no year to count it in); issued no later than its 发布日期, so
    # that date decides whether it was issued by 31 December (docs/rules.md “成文日期未知”).
    begin, finish = _datetime_bounds(year)
    undated = Q(written_date__isnull=True)
    issued_by_end = Q(written_date__lte=end) | (undated & Q(published_at__lt=finish))
    valid = issued_by_end & not_ceased_by_end & has_validity
    rows = (
        qs.values("policy__doc_type")
        .annotate(
            issued=Count("id", filter=Q(written_date__gte=start, written_date__lte=end)),
            repealed=Count("id", filter=ceased_by_end & not_ceased_before_start),
            valid=Count("id", filter=valid),
            # issued (by its 发布日期) this year without being 本年制发: the year-on-year check adds them
            undated=Count("id", filter=undated & Q(published_at__gte=begin, published_at__lt=finish)),
        )
        .order_by()
    )
    keys = ("issued", "repealed", "valid", "undated")
    result = {doc_type: dict.fromkeys(keys, 0) for doc_type in ("rule", "normative")}
    for row in rows:
        result[row["policy__doc_type"]] = {k: row[k] for k in keys}
    return result


# ---- table 三 -------------------------------------------------------------------------------


def _applications(organization: Organization | None):
    qs = Application.objects.filter(received_date__isnull=False).exclude(
        status=Application.Status.WITHDRAWN, answered_date__isnull=True
    )
    qs = _scoped(qs, organization)
    return qs


def _not_concluded_by(day: datetime.date, *, inclusive: bool) -> Q:
    """Not concluded on or before `day` (inclusive) or strictly before it."""
    after = Q(answered_date__gt=day) if inclusive else Q(answered_date__gte=day)
    return Q(answered_date__isnull=True) | Q(outcome="") | after


def table3(organization: Organization | None, year: int) -> list[list[int]]:
    """25 rows × 7 columns (自然人 … 其他, 总计), rows in the order of layout.TABLE3_ROWS."""
    start, end = year_bounds(year)
    groups = (
        _applications(organization)
        .values("applicant_type", "outcome")
        .annotate(
            new=Count("id", filter=Q(received_date__gte=start, received_date__lte=end)),
            carried_in=Count("id", filter=Q(received_date__lt=start) & _not_concluded_by(start, inclusive=False)),
            concluded=Count(
                "id",
                filter=Q(received_date__lte=end, answered_date__gte=start, answered_date__lte=end) & ~Q(outcome=""),
            ),
            carried_out=Count("id", filter=Q(received_date__lte=end) & _not_concluded_by(end, inclusive=True)),
        )
        .order_by()
    )
    columns = [key for key, _ in APPLICANT_COLUMNS[:-1]]
    table = [[0] * 7 for _ in TABLE3_ROWS]
    for g in groups:
        if g["applicant_type"] not in columns:
            continue
        c = columns.index(g["applicant_type"])
        table[TABLE3_ROW_INDEX["new"]][c] += g["new"]
        table[TABLE3_ROW_INDEX["carried_in"]][c] += g["carried_in"]
        table[TABLE3_ROW_INDEX["carried_out"]][c] += g["carried_out"]
        if g["outcome"] in TABLE3_ROW_INDEX:
            table[TABLE3_ROW_INDEX[g["outcome"]]][c] += g["concluded"]
    concluded = TABLE3_ROW_INDEX["concluded"]
    for c in range(6):
        table[concluded][c] = sum(table[TABLE3_ROW_INDEX[k]][c] for k in OUTCOME_KEYS)
    for row in table:
        row[6] = sum(row[:6])
    return table


# ---- table 四 -------------------------------------------------------------------------------


def table4(organization: Organization | None, year: int) -> list[int]:
    """15 numbers: for 复议, 直接起诉, 复议后起诉: 维持, 纠正, 其他, 尚未审结, 总计."""
    start, end = year_bounds(year)
    qs = Appeal.objects.filter(filed_date__gte=start, filed_date__lte=end)
    qs = _scoped(qs, organization)
    concluded = Q(concluded_date__isnull=False, concluded_date__lte=end)
    annotations = {"total": Count("id")}
    for result in (AppealResult.UPHELD, AppealResult.CORRECTED, AppealResult.OTHER):
        annotations[result.value] = Count("id", filter=concluded & Q(result=result))
    rows = {r["kind"]: r for r in qs.values("kind").annotate(**annotations).order_by()}
    numbers = []
    for kind, _, _ in TABLE4_GROUPS:
        r = rows.get(kind, {"total": 0, "upheld": 0, "corrected": 0, "other": 0})
        done = [r["upheld"], r["corrected"], r["other"]]
        numbers += done + [r["total"] - sum(done), r["total"]]
    return numbers


# ---- figures for 一、总体情况 and the charts --------------------------------------------------


class _WorkdayIndex:
    """Working days between two dates in O(1) after one pass over the span (no per-row loops)."""

    def __init__(self, calendar, first: datetime.date, last: datetime.date):
        self.calendar = calendar  # for the basis of each count (disclosures/timeliness.py)
        self.first = first
        self.cumulative = [0]
        day, n = first, 0
        while day < last:
            day += datetime.timedelta(days=1)
            n += calendar.is_workday(day)
            self.cumulative.append(n)

    def between(self, start: datetime.date, end: datetime.date) -> int:
        return self.cumulative[(end - self.first).days] - self.cumulative[(start - self.first).days]


def _workday_index(pairs: list[tuple[datetime.date, datetime.date]]):
    from portal.workcalendar import Calendar

    if not pairs:
        return None
    first = min(min(a, b) for a, b in pairs)
    last = max(max(a, b) for a, b in pairs)
    calendar = Calendar.load(years=range(first.year, last.year + 1))
    return _WorkdayIndex(calendar, first, last)


def published_items(organization: Organization | None, year: int) -> dict:
    """Items published in the year: per category and month, and the share within the time limit
    (条例第二十六条: 20 working days from 成文日期, or the category's shorter limit)."""
    begin, finish = _datetime_bounds(year)
    qs = DisclosureItem.objects.published().filter(published_at__gte=begin, published_at__lt=finish)
    qs = _scoped(qs, organization)
    by_month = list(
        qs.annotate(month=ExtractMonth("published_at"))
        .values("category__name", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    categories: dict[str, list[int]] = {}
    for row in by_month:
        categories.setdefault(row["category__name"], [0] * 12)[row["month"] - 1] += row["n"]
    ordered = sorted(categories.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    timing = list(
        qs.annotate(day=TruncDate("published_at"))
        .values("written_date", "day", "category__time_limit_days")
        .annotate(n=Count("id"))
        .order_by()
    )
    # 成文日期 unknown: neither on time nor late, so out of the share's denominator; the report
    # says how many (docs/rules.md “成文日期未知”).
    unknown = sum(r["n"] for r in timing if r["written_date"] is None)
    timing = [r for r in timing if r["written_date"] is not None]
    index = _workday_index([(r["written_date"], r["day"]) for r in timing])
    on_time = sum(
        r["n"]
        for r in timing
        if timeliness.on_time(r["written_date"], r["day"], r["category__time_limit_days"], index.between)
    )
    weekends_only = (
        sum(r["n"] for r in timing if timeliness.basis(r["written_date"], index.calendar) == timeliness.Basis.WEEKENDS)
        if index
        else 0
    )
    total = sum(sum(v) for _, v in ordered)
    return {
        "total": total,
        "by_category": [{"name": name, "months": months, "total": sum(months)} for name, months in ordered],
        "on_time": on_time,
        "on_time_share": _share(on_time, total - unknown),
        "timing_unknown": unknown,
        "weekends_only": weekends_only,
        "calendar_from": index.calendar.first_year if index else None,
    }


def answer_times(organization: Organization | None, year: int) -> dict:
    """Applications concluded in the year: average working days from receipt to answer and the share
    answered within 20 working days (elapsed working days; pauses for 补正 or consultation are not
    deducted here, so this is a conservative figure)."""
    start, end = year_bounds(year)
    rows = list(
        _applications(organization)
        .filter(answered_date__gte=start, answered_date__lte=end)
        .exclude(outcome="")
        .values("received_date", "answered_date")
        .annotate(n=Count("id"))
        .order_by()
    )
    index = _workday_index([(r["received_date"], r["answered_date"]) for r in rows])
    count = sum(r["n"] for r in rows)
    if not count:
        return {"count": 0, "average_workdays": None, "within_limit": 0, "within_limit_share": None}
    spans = [(max(index.between(r["received_date"], r["answered_date"]), 0), r["n"]) for r in rows]
    within = sum(n for days, n in spans if days <= REPLY_DAYS)
    average = Decimal(sum(days * n for days, n in spans)) / count
    return {
        "count": count,
        "average_workdays": str(average.quantize(Decimal("0.1"))),
        "within_limit": within,
        "within_limit_share": _share(within, count),
    }


def _share(part: int, whole: int) -> str | None:
    if not whole:
        return None
    return str((Decimal(part) * 100 / whole).quantize(Decimal("0.1")))


def processing_fees(organization: Organization | None, year: int) -> str:
    """信息处理费 collected in the year (元): the amounts of the year's 缴费 clock events."""
    from info_requests.models import ClockEvent

    start, end = year_bounds(year)
    paid = ClockEvent.objects.filter(kind=ClockEvent.Kind.FEE_PAID, date__gte=start, date__lte=end)
    paid = _scoped(paid, organization, "application__organization")
    total = paid.aggregate(s=Sum("amount"))["s"]
    return str(Decimal(total or 0).quantize(Decimal("0.01")))


def supervision(organization: Organization | None, year: int) -> dict:
    begin, finish = _datetime_bounds(year)
    reviews = SecrecyReview.objects.filter(at__gte=begin, at__lt=finish)
    items = DisclosureItem.objects.published().filter(published_at__lt=finish)
    reviews = _scoped(reviews, organization, "item__organization")
    items = _scoped(items, organization)
    return {"secrecy_reviews": reviews.count(), "items_to_date": items.count()}


def key_figures(organization: Organization | None, year: int) -> dict:
    """The few figures the comparison chart sets against the previous year (3 queries)."""
    begin, finish = _datetime_bounds(year)
    items = DisclosureItem.objects.published().filter(published_at__gte=begin, published_at__lt=finish)
    items = _scoped(items, organization)
    t3 = table3(organization, year)
    t4 = table4(organization, year)
    return {
        "items_published": items.count(),
        "applications_new": t3[TABLE3_ROW_INDEX["new"]][6],
        "applications_concluded": t3[TABLE3_ROW_INDEX["concluded"]][6],
        "appeals": t4[4] + t4[9] + t4[14],
    }


KEY_FIGURE_LABELS = [
    ("items_published", "主动公开信息（条）"),
    ("applications_new", "本年新收申请（件）"),
    ("applications_concluded", "本年办结申请（件）"),
    ("appeals", "行政复议和行政诉讼（件）"),
]


# Sentences other apps add to the report's （四）平台建设 paragraph, e.g. the 互动回应 app's figures on
# messages answered and consultations held: name → fn(organization, a list of them or None, year) -> str ("" for
# nothing to say). Computed with the tables, so a submitted report's snapshot freezes them too.
PLATFORM_SENTENCES: dict[str, Callable[..., str]] = {}


def register_platform_sentence(name: str, sentence: Callable[..., str]) -> None:
    PLATFORM_SENTENCES[name] = sentence


def compute(organization: Organization | None, year: int, *, figures=None) -> dict:
    """All figures of one report. `figures` is the staff-entered YearlyFigures row (or None)."""
    t3 = table3(organization, year)
    t4 = table4(organization, year)
    items = published_items(organization, year)
    data = {
        "year": year,
        "organization": organization.name if isinstance(organization, Organization) else "全县汇总",
        "table2": {
            **table2_policies(organization, year),
            **_staff_figures(figures),
        },
        "table3": t3,
        "table4": t4,
        "items": items,
        "answers": answer_times(organization, year),
        "supervision": supervision(organization, year),
        "fees_collected": processing_fees(organization, year),
        "current": {
            "items_published": items["total"],
            "applications_new": t3[TABLE3_ROW_INDEX["new"]][6],
            "applications_concluded": t3[TABLE3_ROW_INDEX["concluded"]][6],
            "appeals": t4[4] + t4[9] + t4[14],
        },
        "previous": key_figures(organization, year - 1),
        "platform": [text for fn in PLATFORM_SENTENCES.values() if (text := fn(organization, year))],
        "generated_at": timezone.now().isoformat(timespec="seconds"),
    }
    return data


def _staff_figures(figures) -> dict:
    if figures is None:
        return {"license": 0, "penalty": 0, "enforcement": 0, "fee": "0.00", "source": ""}
    return {
        "license": figures.license_decisions,
        "penalty": figures.penalty_decisions,
        "enforcement": figures.enforcement_decisions,
        "fee": str(figures.fee_amount),
        "source": figures.source,
    }
