"""The public item table's rows (disclosures/templatetags/list_tags.py): what each cell shows,
every value escaped, dates in Beijing time."""

from __future__ import annotations

import datetime
import re

from django.template import Context, Template
from django.utils import timezone

from disclosures.models import DisclosureItem


def _rows(items):
    html = Template('{% include "includes/item_table.html" %}').render(Context({"items": items}))
    return re.findall(r"<tr>(.*?)</tr>", html, re.S)[1:]  # after the header row


def test_each_cell_of_a_row(build):
    # 00:30 in Beijing is the previous day in UTC: the row shows the Beijing date.
    late = timezone.make_aware(datetime.datetime(2026, 3, 5, 0, 30), timezone.get_default_timezone())
    item = build.item('低保<script>alert("x")</script>&名单', document_number="测民发〔2026〕3号")
    DisclosureItem.objects.filter(pk=item.pk).update(published_at=late, validity="expired")
    plain = build.item("无文号的信息")
    [first, second] = _rows(list(DisclosureItem.objects.published().for_list().order_by("published_at")))
    assert first == (
        f'<td class="col-title"><a href="/items/{item.pk}/">低保&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
        '&amp;名单</a> <span class="badge">失效</span></td>'
        f'<td class="col-index nowrap"><span class="card-label">索引号 </span>{item.index_number}</td>'
        f'<td class="col-meta nowrap">{build.org.short_name}</td>'
        '<td class="col-meta nowrap">测民发〔2026〕3号</td>'
        '<td class="col-meta nowrap"><time datetime="2026-03-05">2026-03-05</time></td>'
    )
    assert '<td class="col-meta nowrap col-none">无</td>' in second and "badge" not in second
    assert f"{timezone.localdate():%Y-%m-%d}</time>" in second and plain.title in second


def test_an_empty_list_says_so():
    html = Template('{% include "includes/item_table.html" %}').render(Context({"items": []}))
    assert "没有符合条件的信息。" in html and "<table" not in html
