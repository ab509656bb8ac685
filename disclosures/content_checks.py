"""Content checks before publication: 错别字, 规范表述, 敏感词 and 领导信息.

A wrong name of the state or of an institution, or a leader named with a title they do not hold,
is a 严重表述错误 — a veto item of the website inspection (国办秘函〔2019〕19号, docs/rules.md).
The rules are rows of ContentRule (site administrators edit them; a starter set with sources is
loaded by a migration, disclosures/starter_rules.py); the leaders come from portal.Leader.

All rules are matched in one pass with an Aho-Corasick automaton (pyahocorasick): 10,000 rules
over a 100,000-character text take a few milliseconds (bench/content_bench.py). The automaton is
built once per process and rebuilt when the rules change (a version kept in the cache).

Findings of 错别字, 规范表述 and 领导信息 block publication until the text is fixed or a leader who
did not write it dismisses them with a reason (audited); 敏感词 always block. They run on title,
summary, body and the stored text of attachments, wherever the pre-publication checks run
(disclosures/prepublication.py).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import ahocorasick
from django.core.cache import cache
from django.db.models import Count, Max

from portal.sanitize import plain_text

from .check_models import ContentRule

KINDS = dict(ContentRule.Kind.choices) | {"leader": "领导信息"}
NAME_GAP = " \u3000:：、，,"  # what may stand between a title and a name (县长 张三, 县长：张三)
CONTEXT = 12  # characters shown on each side of a finding


@dataclass(frozen=True)
class ContentFinding:
    kind: str
    matched: str
    where: str
    position: int
    suggestion: str = ""
    source: str = ""
    context: str = ""

    @property
    def label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def masked(self) -> str:  # the panel's third column: what was found, and what to write instead
        return f"“{self.matched}”" + (f" → {self.suggestion}" if self.suggestion else "")

    @property
    def blocks_always(self) -> bool:
        return self.kind == ContentRule.Kind.SENSITIVE

    def __str__(self) -> str:
        advice = f"，建议：{self.suggestion}" if self.suggestion else ""
        return f"{self.where}：{self.label}“{self.matched}”{advice}"

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "label": self.label,
            "matched": self.matched,
            "where": self.where,
            "position": self.position,
            "suggestion": self.suggestion,
            "source": self.source,
            "context": self.context,
        }


# ---- the automaton ------------------------------------------------------------------------------

_built: dict = {"version": None, "automaton": None}
VERSION_KEY = "content-rules-version"


def _version() -> str:
    from portal.models import Leader

    cached = cache.get(VERSION_KEY)
    if cached:
        return cached
    rules = ContentRule.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    leaders = Leader.objects.aggregate(n=Count("id"), m=Max("id"))
    version = f"{rules['n']}:{rules['at']}:{leaders['n']}:{leaders['m']}"
    cache.set(VERSION_KEY, version, 60)
    return version


def rules_changed(**kwargs) -> None:
    """post_save/post_delete of rules and leaders: every process rebuilds on its next check."""
    cache.delete(VERSION_KEY)
    _built["version"] = None


def _automaton():
    from portal.models import Leader

    version = _version()
    if _built["version"] == version and _built["automaton"] is not None:
        return _built["automaton"]
    automaton = ahocorasick.Automaton()
    entries: dict[str, list] = {}
    for rule in ContentRule.objects.filter(active=True).only(
        "kind", "pattern", "suggestion", "source", "not_followed_by"
    ):
        key = normalize(rule.pattern)
        if key:
            entries.setdefault(key, []).append(
                ("rule", rule.kind, rule.pattern, rule.suggestion, rule.source, rule.not_followed_by)
            )
    leaders = list(
        Leader.objects.select_related("organization").only("name", "title", "current", "organization__short_name")
    )
    current_by_title: dict[str, set[str]] = {}
    titles_by_name: dict[str, set[str]] = {}
    for leader in leaders:
        if leader.current:
            current_by_title.setdefault(leader.title, set()).add(leader.name)
            titles_by_name.setdefault(leader.name, set()).add(leader.title)
    for leader in leaders:
        entries.setdefault(normalize(leader.title), []).append(("title", leader.title))
    for key, values in entries.items():
        automaton.add_word(key, (key, values))
    if len(automaton):
        automaton.make_automaton()
    _built.update(
        version=version,
        automaton=automaton,
        names=sorted({leader.name for leader in leaders}, key=len, reverse=True),
        current_by_title=current_by_title,
        titles_by_name=titles_by_name,
    )
    return automaton


def normalize(text: str) -> str:
    """Full-width letters and digits folded (NFKC keeps Chinese characters and length per char)."""
    return "".join(
        unicodedata.normalize("NFKC", ch) if len(unicodedata.normalize("NFKC", ch)) == 1 else ch for ch in text or ""
    )


# ---- scanning -------------------------------------------------------------------------------------


def _leader_finding(text: str, original: str, end: int, title: str, where: str) -> ContentFinding | None:
    """`title` ends at `end`; a known leader's name right after it must be a current holder of it."""
    after = text[end + 1 : end + 1 + 16]
    rest = after.lstrip(NAME_GAP)
    gap = len(after) - len(rest)
    name = next((n for n in _built["names"] if rest.startswith(n)), None)
    if name is None:
        return None
    holders = _built["current_by_title"].get(title, set())
    if name in holders:
        return None
    now = "、".join(sorted(holders))
    advice = f"现任{title}为{now}" if now else f"没有现任{title}的记录"
    held = "、".join(sorted(_built["titles_by_name"].get(name, set())))
    if held:
        advice += f"；{name}现任{held}"
    start = end + 1 - len(title)
    matched = original[start : end + 1 + gap + len(name)]  # positions agree: normalize keeps lengths
    return ContentFinding("leader", matched, where, start, advice, "机构领导信息（后台维护）", matched)


def scan_text(text: str, where: str) -> list[ContentFinding]:
    if not text:
        return []
    automaton = _automaton()
    if not len(automaton):
        return []
    normalized = normalize(text)
    found: list[ContentFinding] = []
    matches = list(automaton.iter(normalized))
    longest_title = {}  # end -> the longest title ending there (副县长 wins over 县长)
    for end, (key, values) in matches:
        if any(v[0] == "title" for v in values) and len(key) > len(longest_title.get(end, "")):
            longest_title[end] = key
    for end, (key, values) in matches:
        start = end + 1 - len(key)
        for value in values:
            if value[0] == "title":
                if longest_title.get(end) != key:
                    continue
                finding = _leader_finding(normalized, text, end, value[1], where)
                if finding is not None:
                    found.append(finding)
                continue
            _, kind, pattern, suggestion, source, not_followed_by = value
            following = normalized[end + 1 : end + 2]
            if following and following in (not_followed_by or ""):
                continue
            context = text[max(0, start - CONTEXT) : end + 1 + CONTEXT]
            found.append(ContentFinding(kind, text[start : end + 1], where, start, suggestion, source, context))
    unique = {(f.kind, f.position, f.matched): f for f in found}
    return sorted(unique.values(), key=lambda f: f.position)


def scan_item(obj) -> list[ContentFinding]:
    """Title, summary, body and the stored text of the attachments of an item or a revision."""
    findings = scan_text(obj.title, "标题") + scan_text(obj.summary, "内容概述")
    for number, line in enumerate(plain_text(obj.body).splitlines(), 1):
        findings += scan_text(line, f"正文第{number}行")
    for attachment in obj.attachments.all():
        findings += scan_text(attachment.text, f"附件“{attachment.original_name}”")
    return findings
