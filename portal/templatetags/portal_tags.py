from django import template

from portal.sanitize import render_html

register = template.Library()


@register.filter
def clean_html(value):
    """Render stored rich text through the sanitizer again (never |safe)."""
    return render_html(value)


@register.filter
def cjk_date(value):
    if not value:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter(expects_localtime=True)
def ymd(value):
    """`value|date:"Y-m-d"` (in the current time zone, like `date`) without Django's general
    format machinery: list pages show two per row."""
    if not value:
        return ""
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


@register.simple_tag(takes_context=True)
def display_url(context, name: str, value: str) -> str:
    """The current page (path and query kept) with one display preference set: pressing 大 on a
    search or a filtered list keeps the search and the filters (适老化: the page must not change)."""
    request = context.get("request")
    if request is None:
        return f"?{name}={value}"
    query = request.GET.copy()
    query.pop("fontsize", None)
    query.pop("contrast", None)
    query[name] = value
    return f"{request.path}?{query.urlencode()}"


@register.filter
def identifier(value):
    """An identifier (索引号, 文号, 查询码) that never breaks in the middle: one unbreakable span."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    if value in (None, ""):
        return ""
    return mark_safe(f'<span class="nowrap">{escape(str(value))}</span>')  # noqa: S308 - escaped


SECTIONS = [
    ("/guide/", "guide"),
    ("/catalog/", "catalog"),
    ("/items/", "catalog"),
    ("/search/", "search"),
    ("/apply/", "apply"),
    ("/reports/", "reports"),
    ("/interact/", "interact"),
]


@register.simple_tag(takes_context=True)
def nav_current(context, section: str) -> str:
    """aria-current on the main navigation entry of the section the page belongs to."""
    request = context.get("request")
    path = request.path if request is not None else ""
    from django.utils.safestring import mark_safe

    current = "home" if path == "/" else next((s for prefix, s in SECTIONS if path.startswith(prefix)), "")
    return mark_safe('aria-current="page"') if current == section else ""
