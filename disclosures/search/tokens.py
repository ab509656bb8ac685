"""Normalization and tokens of the Chinese search (see the package docstring for the design).

`normalize` is applied to stored text and to every query alike; `document_tokens` gives an item's
distinct index tokens, `query_tokens` the tokens every text containing a query term has."""

from __future__ import annotations

import re
import unicodedata

MAX_TOKENS_PER_TERM = 24  # the GIN filter needs no more; the recheck is exact anyway
MAX_SUFFIX_RUN = 24  # Latin/digit runs up to this length also index their suffixes
MAX_WORD = 64  # longer Latin/digit runs are cut (PostgreSQL drops words over 2,047 bytes)

HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
RUNS = re.compile(f"([{HAN}]+)|([0-9a-z]+)")
SPACE = re.compile(r"\s+")
# 文号 brackets typed in many ways: 〔2016〕 [2016] 【2016】 (2016) ［2016］ （2016） ﹝2016﹞ 〈2016〉 《2016》
# 〖2016〗 ⟨2016⟩ → 〔2016〕 (and a bracketed year then loses its brackets, see _RULES).
BRACKETS = str.maketrans({c: "〔" for c in "[【(﹝〖〈《⟨〘〚｟"} | {c: "〕" for c in "]】)﹞〗〉》⟩〙〛｠"})
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Characters that vanish (zero-width spaces and joiners, soft hyphen, BOM).
_INVISIBLE = set("\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff")
_YEAR = "(?:19|20)[0-9]{2}"
_DASHES = "-‐‑‒–—―~〜～⁓﹣−"
_ZEROS = "〇○◯o0оθ"  # ○ (U+25CB), ◯, o / O / Ｏ, 0, Cyrillic о, θ typed for 〇 in Chinese numerals
_HAN_DIGITS = "一二三四五六七八九"


def _keep(m: re.Match, *groups: int | tuple[str, int]) -> list[tuple[str, int, bool]]:
    """Output pieces of a rule: a group number keeps that group's characters (with their origins);
    (text, group) puts `text` in place of that group (mapped to the group's first character)."""
    out = []
    for g in groups:
        if isinstance(g, int):
            if m.group(g):
                out.append((m.group(g), m.start(g), True))
        else:
            out.append((g[0], m.start(g[1]), False))
    return out


def _numeral_zeros(m: re.Match) -> list[tuple[str, int, bool]]:
    run = m.group(0)
    if not any(c in _HAN_DIGITS for c in run) or all(c in _HAN_DIGITS for c in run):
        return [(run, m.start(), True)]
    return [("".join("〇" if c in _ZEROS else c for c in run), m.start(), True)]


# Context rules, applied in order to the folded text (one character each: NFKC, casefold, brackets,
# blanks as one space) by `normalize` and `normalize_with_map` alike.
_RULES: list[tuple[re.Pattern, object]] = [
    # a space between two Han characters is a stray one (“政府 信息公开”, full-width or en spaces
    # included): words are not separated by spaces in Chinese
    (re.compile(f"(?<=[{HAN}]) (?=[{HAN}])"), lambda m: []),
    # year ranges with any dash: 2021—2025、2021年～2025年、2021 - 2025 → 2021-2025
    (
        re.compile(f"(?<=[0-9年〇{_HAN_DIGITS}{_ZEROS}]) ?([{re.escape(_DASHES)}]+) ?(?=[0-9〇{_HAN_DIGITS}{_ZEROS}])"),
        lambda m: _keep(m, ("-", 1)),
    ),
    # Chinese numerals with ○ / O / 0 for 〇: 二○三五 二O三五 二0三五 → 二〇三五
    (
        re.compile(f"(?<![0-9a-z])[{_HAN_DIGITS}{_ZEROS}]{{2,}}(?![0-9a-z])"),
        _numeral_zeros,
    ),
    # 文号: a bracketed year loses its brackets (〔2016〕 → 2016) …
    (re.compile(f"〔 ?({_YEAR}) ?〕"), lambda m: _keep(m, 1)),
    # … and the sequence number follows the year directly, whether typed with 第, with 年 or with
    # spaces: 龙民发〔2016〕第12号, 龙民发2016年12号, 龙民发 2016 12 号 → 龙民发201612号
    (
        re.compile(f"(?<=[{HAN}]) ?({_YEAR}) ?(?:年 ?第?|第)? ?([0-9]{{1,5}}) ?(号)"),
        lambda m: _keep(m, 1, 2, 3),
    ),
    (re.compile(f"(?<![0-9])({_YEAR}) ?第 ?([0-9]{{1,5}}) ?(号)"), lambda m: _keep(m, 1, 2, 3)),
]

_FOLD: dict[str, str] = {}  # character → folded (texts reuse few characters)


def _fold_char(ch: str) -> str:
    if ch in _INVISIBLE:
        folded = ""
    else:
        folded = unicodedata.normalize("NFKC", ch).casefold().translate(BRACKETS)
        if folded in ("\n", "\r", "\u2028", "\u2029", "\x0b", "\x0c", "\x85"):
            folded = "\n"  # a line break: kept (as one), so paragraphs do not run together
        elif folded.isspace() or CONTROL.match(folded) or (not folded.isprintable() and folded.strip() == ""):
            folded = " "
    if len(_FOLD) < 200_000:
        _FOLD[ch] = folded
    return folded


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """The normalized text and, for each of its characters, the offset in `text` it came from
    (for highlighting the original text). `normalize` is exactly its first part."""
    chars: list[str] = []
    origin: list[int] = []
    fold = _FOLD
    last_space = True
    for i, ch in enumerate(text or ""):
        folded = fold.get(ch)
        if folded is None:
            folded = _fold_char(ch)
        for c in folded:
            if c == " " or c == "\n":
                if last_space:
                    if c == "\n" and chars:
                        chars[-1] = "\n"  # blanks with a line break collapse to the line break
                    continue
                last_space = True
            else:
                last_space = False
            chars.append(c)
            origin.append(i)
    if chars and chars[-1] in " \n":
        chars.pop()
        origin.pop()
    s = "".join(chars)
    for pattern, rule in _RULES:
        if not pattern.search(s):
            continue
        out: list[str] = []
        new_origin: list[int] = []
        pos = 0
        for m in pattern.finditer(s):
            out.append(s[pos : m.start()])
            new_origin += origin[pos : m.start()]
            for piece, start, kept in rule(m):
                out.append(piece)
                new_origin += origin[start : start + len(piece)] if kept else [origin[start]] * len(piece)
            pos = m.end()
        out.append(s[pos:])
        new_origin += origin[pos:]
        s, origin = "".join(out), new_origin
    return s, origin


def normalize(text: str) -> str:
    """The one normalization of indexed text and of every query: each character NFKC-folded
    (full-width → half-width), casefolded, brackets folded to 〔〕, blanks (any space, tab, line
    break, U+3000, NBSP, en spaces) collapsed to one space and zero-width characters dropped; then the
    context rules `_RULES` (stray spaces between Han characters, dashes in year ranges, 〇 in Chinese
    numerals, the 文号 forms). Line breaks are kept (one per run of blanks): paragraphs and fields
    do not run together. See docs/design.md 全文检索."""
    return normalize_with_map(text)[0] if text else ""


def _runs(normalized: str) -> list[tuple[str, bool]]:
    """(run, is_han) pairs of a normalized text."""
    return [(m.group(1), True) if m.group(1) else (m.group(2)[:MAX_WORD], False) for m in RUNS.finditer(normalized)]


def document_tokens(normalized: str) -> list[str]:
    """Distinct index tokens of a normalized text, in order of first appearance."""
    out: dict[str, None] = {}
    for run, han in _runs(normalized):
        if han:
            for i in range(len(run) - 1):
                out[run[i : i + 2]] = None
            out[run[-1]] = None
        else:
            out[run] = None
            if len(run) <= MAX_SUFFIX_RUN:
                for i in range(1, len(run)):
                    out[run[i:]] = None
    return list(out)


def query_tokens(normalized_term: str) -> list[tuple[str, bool]]:
    """(token, is_prefix) pairs that every text containing `normalized_term` has in its index.

    A query's first run may be the end of a longer run in the text and its last run the beginning of
    one: Han bigrams are unaffected; a one-character Han run or a Latin/digit run at the end becomes a
    prefix (`号:*` matches 号 or 号文…); a Latin run at the start matches the indexed suffix."""
    runs = _runs(normalized_term)
    out: dict[tuple[str, bool], None] = {}
    for position, (run, han) in enumerate(runs):
        last = position == len(runs) - 1
        if han and len(run) >= 2:
            for i in range(len(run) - 1):
                out[(run[i : i + 2], False)] = None
        else:
            out[(run, last)] = None
    tokens = list(out)
    if len(tokens) > MAX_TOKENS_PER_TERM:  # keep the ends (the prefix) and a spread of the rest
        step = len(tokens) / (MAX_TOKENS_PER_TERM - 1)
        tokens = [tokens[int(i * step)] for i in range(MAX_TOKENS_PER_TERM - 1)] + [tokens[-1]]
    return tokens
