"""互动回应 in the site's self-inspection (the 3-month veto line) and in the annual report's 平台建设."""

from __future__ import annotations

import datetime

from django.utils import timezone

from disclosures import inspection


def _indicator(now=None):
    return next(i for i in inspection.run(now) if i.code == "interaction_unanswered")


def test_a_message_unanswered_for_more_than_three_months_fails_the_self_inspection(ia):
    assert _indicator().status == inspection.PASS
    ia.message(days_ago=3)
    assert _indicator().status == inspection.PASS
    old = ia.message(days_ago=100)
    found = _indicator()
    assert found.status == inspection.FAIL
    assert [row["id"] for row in found.items] == [old.pk]
    assert "超过3个月未回应1件" in found.figure


def test_a_message_close_to_the_veto_line_is_a_warning(ia):
    ia.message(days_ago=85)
    assert _indicator().status == inspection.WARN


def test_an_answered_old_message_does_not_count(ia):
    ia.message("answered", days_ago=120)
    assert _indicator().status == inspection.PASS


def test_the_annual_report_overview_mentions_messages_answered(ia, build):
    from reports import narrative, tables

    ia.message("answered", days_ago=2)
    year = timezone.localdate().year
    data = tables.compute(build.org, year)
    assert any("收到咨询留言1件" in text for text in data["platform"])
    assert "收到咨询留言1件" in narrative.draft_overview(data)
    county = tables.compute(None, year)
    assert any("收到咨询留言" in text for text in county["platform"])


def test_a_year_without_messages_says_nothing(ia, build):
    from reports import tables

    assert tables.compute(build.org, datetime.date.today().year - 5)["platform"] == []
