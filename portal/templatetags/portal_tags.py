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
