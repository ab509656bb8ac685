"""The rows of the public item table (includes/item_table.html), rendered in Python: a catalogue
list page shows twenty rows of eight values each, and Django's template engine spent more on
looking those values up than the page spent on its queries (docs/design.md §6 “冷页面”).
The markup is written once, here; tests/disclosures/test_item_table.py pins it."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime

from portal.templatetags.portal_tags import ymd

register = template.Library()

ROW = (
    "<tr>"
    '<td class="col-title"><a href="{url}">{title}</a>{badge}</td>'
    '<td class="col-index nowrap"><span class="card-label">索引号 </span>{index_number}</td>'
    '<td class="col-meta nowrap">{organization}</td>'
    "{document_number}"
    '<td class="col-meta nowrap"><time datetime="{date}">{date}</time></td>'
    "</tr>"
)


def _row(item) -> str:
    esc = conditional_escape
    badge = ""
    if item.validity and item.validity != "valid":
        badge = f' <span class="badge">{esc(item.get_validity_display())}</span>'
    return ROW.format(
        url=esc(item.get_absolute_url()),
        title=esc(item.title),
        badge=badge,
        index_number=esc(item.index_number),
        organization=esc(item.organization.short_name),
        # Without a 文号 the cell reads 无 in the table and is left out of a phone's card, with its
        # “·” separator (static/css/portal.css: .col-none).
        document_number=f'<td class="col-meta nowrap">{esc(item.document_number)}</td>'
        if item.document_number
        else '<td class="col-meta nowrap col-none">无</td>',
        date=ymd(localtime(item.published_at)) if item.published_at else "",
    )


@register.simple_tag
def item_rows(items) -> str:
    """One `<tr>` per item, every value escaped."""
    return mark_safe("\n".join(_row(item) for item in items))  # noqa: S308 - every value escaped in _row
