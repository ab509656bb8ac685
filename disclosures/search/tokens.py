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
# 文号 brackets typed in many ways: 〔2016〕 [2016] 【2016】 (2016) ［2016］ （2016） ﹝2016﹞ → 〔2016〕
BRACKETS = str.maketrans({c: "〔" for c in "[【(﹝〖"} | {c: "〕" for c in "]】)﹞〗"})
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalize(text: str) -> str:
    """NFKC (full-width → half-width, compatibility forms) + casefold + 文号 brackets folded +
    whitespace collapsed. The index and every query use exactly this."""
    text = unicodedata.normalize("NFKC", text or "").casefold().translate(BRACKETS)
    return SPACE.sub(" ", CONTROL.sub(" ", text)).strip()


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
