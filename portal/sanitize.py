"""The one HTML allow-list (nh3), applied when rich text is saved and again when it is rendered.

Only what the CKEditor 5 toolbar (settings.CKEDITOR_5_CONFIGS) can produce is allowed; links may
only use http, https and mailto; styles only text-align. Client-side filtering is no boundary.
"""

import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "figure",
    "figcaption",
    "img",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "caption",
    "colgroup",
    "col",
    "hr",
    "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "col": {"span"},
    "p": {"style"},
    "h2": {"style"},
    "h3": {"style"},
    "h4": {"style"},
    "ol": {"start"},
}
ALLOWED_CLASSES = {"figure": {"image", "table"}}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    filter_style_properties={"text-align"},
    allowed_classes=ALLOWED_CLASSES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitize_html(html: str | None) -> str:
    if not html:
        return ""
    return _cleaner.clean(html)


def render_html(html: str | None) -> SafeString:
    """Sanitize again at render time; the only way stored HTML reaches a template."""
    return mark_safe(sanitize_html(html))  # noqa: S308 - the allow-list above is the boundary


def plain_text(html: str | None) -> str:
    """Text content of stored HTML (tags removed, entities decoded), for search and PII scans."""
    import html as html_lib

    if not html:
        return ""
    stripped = nh3.clean(html.replace("</p>", "</p>\n").replace("<br>", "\n"), tags=set())
    return html_lib.unescape(stripped)
