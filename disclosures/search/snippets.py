"""Highlighting and snippets, built in Python (the databases cannot highlight inside Han runs):
matches are found on the normalized text and mapped back to the original characters; every piece
of text is HTML-escaped before the `<mark>` tags are added."""

from __future__ import annotations

import html

from django.utils.safestring import SafeString, mark_safe

from portal.sanitize import plain_text

from ..models import Attachment, DisclosureItem
from .query import Query
from .tokens import SPACE, normalize_with_map

SNIPPET_CHARS = 90


def attach_snippets(items: list[DisclosureItem], query: Query) -> None:
    """Set `item.title_html` and `item.snippet_html` (escaped, matches in <mark>). Text comes from
    the 内容概述 and 正文; when the match is only in an attachment, from the indexed text (one extra
    query at most)."""
    missing = []
    for item in items:
        item.title_html = highlight(item.title, query)
        source = "\n".join(p for p in (item.summary, plain_text(item.body)) if p)
        item.snippet_html = snippet(source, query)
        if query.terms and "<mark>" not in item.snippet_html and "<mark>" not in item.title_html:
            missing.append(item)
    if missing:
        # The attachments' own text (read once at upload), never the index's normalized search_text:
        # that one has the 索引号 and 主题词 run into it and “，” folded to “,”. A match only in the
        # 主题词 keeps the summary/body snippet.
        texts: dict[int, list[str]] = {}
        rows = Attachment.objects.filter(item_id__in=[i.pk for i in missing]).order_by("item_id", "pk")
        for item_id, name, text in rows.values_list("item_id", "original_name", "text"):
            texts.setdefault(item_id, []).append(f"{name}：{text}" if text else name)
        for item in missing:
            found = snippet("\n".join(texts.get(item.pk, [])), query)
            number = getattr(item, "document_number", "")
            if "<mark>" in found:
                item.snippet_html = found
            elif number and "<mark>" in (marked := highlight(number, query)):
                item.snippet_html = mark_safe(f"文号：{marked}")  # escaped by highlight


def _spans(text: str, query: Query) -> list[tuple[int, int]]:
    """Original-text spans of every occurrence of every term, merged."""
    if not query.terms:
        return []
    norm, origin = normalize_with_map(text)
    spans = []
    for term in query.texts:
        start = norm.find(term)
        while start != -1:
            end = start + len(term) - 1
            spans.append((origin[start], origin[end] + 1))
            start = norm.find(term, start + 1)
    spans.sort()
    merged: list[list[int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def _mark(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    out = []
    pos = start
    for a, b in spans:
        if b <= start or a >= end:
            continue
        a, b = max(a, start), min(b, end)
        out.append(html.escape(text[pos:a]))
        out.append(f"<mark>{html.escape(text[a:b])}</mark>")
        pos = b
    out.append(html.escape(text[pos:end]))
    return "".join(out)


def highlight(text: str, query: Query) -> SafeString:
    """The whole (short) text, escaped, with matches in <mark>."""
    text = text or ""
    # Every piece of user text is escaped by _mark before it is joined with our <mark> tags.
    return mark_safe(_mark(text, _spans(text, query), 0, len(text)))  # noqa: S308


def snippet(text: str, query: Query, size: int = SNIPPET_CHARS) -> SafeString:
    """About `size` characters around the densest cluster of matches, escaped, matches in <mark>."""
    text = SPACE.sub(" ", text or "").strip()
    if not text:
        return mark_safe("")
    spans = _spans(text, query)
    if spans:
        best, best_hits = spans[0][0], 0
        for a, _ in spans:  # the window starting near each match that covers the most matches
            hits = sum(1 for x, _ in spans if a <= x < a + size)
            if hits > best_hits:
                best, best_hits = a, hits
        start = max(0, best - size // 4)
    else:
        start = 0
    end = min(len(text), start + size)
    start = max(0, min(start, end - size))
    body = _mark(text, spans, start, end)
    return mark_safe(("…" if start > 0 else "") + body + ("…" if end < len(text) else ""))  # noqa: S308
