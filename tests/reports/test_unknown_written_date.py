"""The annual report with items whose 成文日期 is unknown (taken over from an old site) or earlier than
the work calendar (docs/rules.md “成文日期未知”): 表二 counts, the share published on time and the
draft text that states what was left out."""

import datetime

import pytest
from django.utils import timezone

from disclosures.models import DisclosureItem
from reports import checks, narrative, tables

from . import data as rd

D = rd.D


def _published_on(item, day: datetime.date):
    at = datetime.datetime(day.year, day.month, day.day, 9, tzinfo=timezone.get_current_timezone())
    DisclosureItem.objects.filter(pk=item.pk).update(published_at=at)


def _t2_problems(data, previous):
    return [p for p in checks.run(data, previous) if p.table == "表二"]


def test_table2_never_counts_an_unknown_date_as_issued_and_uses_the_publication_date_for_valid(build):
    undated = rd.policy(build, "旧网站规范性文件", None, "normative")
    _published_on(undated, D(2025, 5, 1))
    gone = rd.policy(build, "旧网站已废止文件", None, "normative", repeal=D(2025, 9, 1))
    _published_on(gone, D(2025, 2, 1))
    dated = rd.policy(build, "有成文日期的文件", D(2025, 3, 1), "normative")
    _published_on(dated, D(2025, 3, 5))
    t2 = {year: tables.table2_policies(build.org, year)["normative"] for year in (2024, 2025, 2026)}
    assert t2[2024] == {"issued": 0, "repealed": 0, "valid": 0, "undated": 0}  # not yet published
    assert t2[2025] == {"issued": 1, "repealed": 1, "valid": 2, "undated": 2}
    assert t2[2026] == {"issued": 0, "repealed": 0, "valid": 2, "undated": 0}
    # The year-on-year check adds the undated ones, so it does not warn for them.
    data = {y: tables.compute(build.org, y) for y in (2024, 2025, 2026)}
    assert _t2_problems(data[2025], data[2024]) == [] and _t2_problems(data[2026], data[2025]) == []
    text = narrative.draft_overview(data[2025])
    assert "现行有效2件（另有本年发布的2件成文日期未知，未计入本年制发，按发布日期计入现行有效）" in text


def test_the_continuity_warning_names_the_undated_ones(build):
    undated = rd.policy(build, "旧网站规范性文件", None, "normative")
    _published_on(undated, D(2025, 5, 1))
    data, previous = tables.compute(build.org, 2025), tables.compute(build.org, 2024)
    previous["table2"]["normative"]["valid"] = 3
    [problem] = _t2_problems(data, previous)
    assert "按上年度报告推算应为4" in problem.message and "成文日期未知、本年发布1" in problem.message


def test_share_on_time_leaves_out_unknown_dates_and_says_how_many(build):
    quick = build.item("及时公开", written=D(2025, 3, 3))
    late = build.item("超期公开", written=D(2025, 1, 2))
    unknown = build.item("成文日期未知", written=None)
    _published_on(quick, D(2025, 3, 10))
    _published_on(late, D(2025, 3, 3))
    _published_on(unknown, D(2025, 3, 3))
    items = tables.published_items(build.org, 2025)
    assert items["total"] == 3 and items["timing_unknown"] == 1
    assert items["on_time"] == 1 and items["on_time_share"] == "50.0"  # 1 of the 2 with a date
    text = narrative.draft_overview(tables.compute(build.org, 2025))
    assert "主动公开政府信息3条" in text
    assert "公开的1条，占50.0%（另有1条成文日期未知，未计入）。" in text


def test_share_is_not_computed_when_every_date_is_unknown(build):
    for n in range(2):
        _published_on(build.item(f"成文日期未知{n}", written=None), D(2025, 4, 1))
    items = tables.published_items(build.org, 2025)
    assert items["on_time"] == 0 and items["on_time_share"] is None and items["timing_unknown"] == 2
    text = narrative.draft_overview(tables.compute(build.org, 2025))
    assert "其成文日期均未知，未计算在规定时限内公开的比例。" in text and "占None" not in text


def test_dates_before_the_work_calendar_count_weekends_only_and_the_text_says_so(build):
    early = build.item("二〇〇三年的文件", written=D(2003, 9, 26))
    _published_on(early, D(2003, 10, 24))  # the 20th weekday after 09-26 (国庆 2003 not in the calendar)
    ordinary = build.item("今年的文件", written=D(2025, 3, 3))
    _published_on(ordinary, D(2025, 3, 10))
    assert tables.published_items(build.org, 2003) == {
        "total": 1,
        "by_category": [{"name": "社会救助", "months": [0] * 9 + [1, 0, 0], "total": 1}],
        "on_time": 1,
        "on_time_share": "100.0",
        "timing_unknown": 0,
        "weekends_only": 1,
        "calendar_from": 2004,
    }
    assert tables.published_items(build.org, 2025)["weekends_only"] == 0
    text = narrative.draft_overview(tables.compute(build.org, 2003))
    assert "占100.0%（1条成文日期早于工作日历，按双休日推算，工作日历自2004年起）。" in text


def test_old_snapshots_without_the_new_counts_still_render(build):
    build.item("及时公开", written=D(2025, 3, 3))
    data = tables.compute(build.org, 2025)
    for key in ("timing_unknown", "weekends_only", "calendar_from"):
        del data["items"][key]
    for row in ("rule", "normative"):
        del data["table2"][row]["undated"]
    assert "成文日期未知" not in narrative.draft_overview(data)
    assert checks.run(data, tables.compute(build.org, 2024)) is not None


@pytest.mark.parametrize("undated_rows", [1, 20])
def test_unknown_dates_add_no_queries(build, django_assert_max_num_queries, undated_rows):
    rd.load(build)
    for n in range(undated_rows):
        _published_on(rd.policy(build, f"旧网站文件{n}", None, "normative"), D(2025, 1, 1) + datetime.timedelta(days=n))
    with django_assert_max_num_queries(22):  # as tests/reports/test_tables.py: no per-row queries
        data = tables.compute(build.org, 2025)
    assert data["items"]["timing_unknown"] == undated_rows
    assert data["table2"]["normative"]["undated"] == undated_rows
