"""The home page (公开栏): 最新公开 and each home section's newest items, from one statement
compiled once per catalogue (disclosures/views.py `home`, portal/compiled.py)."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone

from disclosures.models import Category, DisclosureItem
from disclosures.views import HOME_PANEL_SIZE, LATEST_SIZE


def _at(build, title, minutes_ago, **fields):
    item = build.item(title, **fields)
    DisclosureItem.objects.filter(pk=item.pk).update(
        published_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return item


def _panel(html, name):
    section = re.search(rf'<section class="panel"[^>]*>\s*<h2[^>]*><a[^>]*>{name}</a></h2>(.*?)</section>', html, re.S)
    return re.findall(r'<a href="/items/\d+/">([^<]+)</a>', section.group(1))


def _latest(html):
    section = re.search(r'<section class="panel latest".*?</section>', html, re.S).group(0)
    return re.findall(r'<a href="/items/\d+/">([^<]+)</a>', section)


def test_each_panel_lists_its_subtree_newest_first_and_latest_lists_all(client, build, site_profile):
    child = Category.objects.create(code="dibao", name="最低生活保障", parent=build.category)
    for n in range(HOME_PANEL_SIZE + 2):
        _at(build, f"救助{n}", 100 + n)
    _at(build, "低保子栏目的新信息", 50, category=child)
    _at(build, "政策文件一", 60, category=build.policy_category, org=build.other_org)
    build.item("还是草稿", state="draft")
    scheduled = _at(build, "定时发布", 1)
    DisclosureItem.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() + datetime.timedelta(hours=1))

    html = client.get("/").content.decode()
    assert _panel(html, "社会救助") == ["低保子栏目的新信息", *[f"救助{n}" for n in range(HOME_PANEL_SIZE - 1)]]
    assert _panel(html, "政策文件") == ["政策文件一"]
    latest = _latest(html)
    assert latest[:3] == ["低保子栏目的新信息", "政策文件一", "救助0"] and len(latest) == LATEST_SIZE
    assert "还是草稿" not in html and "定时发布" not in html
    assert f'<span class="org">{build.other_org.short_name}</span>' in html  # 最新公开 names the organization


def test_a_section_without_items_says_so(client, build, site_profile):
    html = client.get("/").content.decode()
    assert _panel(html, "社会救助") == [] and "本栏目暂无信息。" in html
