"""What an item page links to besides itself (disclosures/related.py): 上一篇/下一篇, the newest
others of its catalogue node, and a procurement project's stages. The query is compiled once per
process (portal/compiled.py), so these tests also pin that every item gets its own answer."""

from __future__ import annotations

import datetime

from django.utils import timezone

from disclosures import related
from disclosures.models import DisclosureItem, ProcurementDetail


def _dated(build, title, days_ago, **fields):
    item = build.item(title, **fields)
    when = timezone.now() - datetime.timedelta(days=days_ago)
    DisclosureItem.objects.filter(pk=item.pk).update(published_at=when)
    item.refresh_from_db()
    return item


def test_previous_next_and_the_newest_others_of_the_node(build):
    old, middle, new = (_dated(build, t, d) for t, d in (("旧", 30), ("中", 20), ("新", 10)))
    _dated(build, "别的栏目", 15, category=build.policy_category)
    build.item("草稿不列", state="draft")
    withdrawn = _dated(build, "已撤回", 12)
    DisclosureItem.objects.filter(pk=withdrawn.pk).update(status=DisclosureItem.Status.WITHDRAWN)

    found = related.for_item(middle)
    assert found.previous["title"] == "旧" and found.next["title"] == "新"
    assert [r["title"] for r in found.related] == ["新", "旧"]
    assert found.related[0]["url"] == f"/items/{new.pk}/"

    # The same compiled statement, other values: each item gets its own neighbours.
    first = related.for_item(old)
    assert first.previous is None and first.next["title"] == "中"
    last = related.for_item(new)
    assert last.next is None and last.previous["title"] == "中"


def test_not_yet_public_items_are_left_out_at_the_moment_of_the_request(build):
    item = _dated(build, "本条", 5)
    later = _dated(build, "定时到明天", 3)
    DisclosureItem.objects.filter(pk=later.pk).update(published_at=timezone.now() + datetime.timedelta(days=1))
    assert related.for_item(item).next is None
    DisclosureItem.objects.filter(pk=later.pk).update(published_at=timezone.now() - datetime.timedelta(seconds=1))
    assert related.for_item(item).next["title"] == "定时到明天"


def test_a_procurement_project_lists_its_stages_in_order(build):
    def stage(title, value, days_ago, project="LL-2026-07"):
        item = _dated(build, title, days_ago, kind="procurement")
        ProcurementDetail.objects.create(item=item, project_number=project, project_name="养老院改造", stage=value)
        return DisclosureItem.objects.select_related("procurement").get(pk=item.pk)

    result = stage("采购结果公告", "result", 5)
    stage("采购公告", "notice", 20)
    stage("另一项目的公告", "notice", 18, project="LL-2026-08")
    intent = stage("采购意向", "intention", 30)

    stages = related.for_item(result).stages
    assert [s["title"] for s in stages] == ["采购意向", "采购公告", "采购结果公告"]
    assert [s.get("current", False) for s in stages] == [False, False, True]
    # A plain item after a procurement one: the other shape of the statement.
    assert related.for_item(DisclosureItem.objects.get(pk=build.item("普通信息").pk)).stages == []
    assert [s["title"] for s in related.for_item(intent).stages][0] == "采购意向"


def test_the_item_page_shows_its_neighbours(client, build, site_profile):
    _dated(build, "前一条信息", 9)
    item = _dated(build, "当前信息", 8)
    _dated(build, "后一条信息", 7)
    page = client.get(item.get_absolute_url()).content.decode()
    assert "上一篇：" in page and "前一条信息" in page and "后一条信息" in page
