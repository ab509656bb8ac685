"""Queries: parsing what people type, matching it in the index, ranking, counting per filter value
(with the counting limit and its cache), the page's items, and the admin's staff search."""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from portal.sanitize import plain_text

from ..models import DisclosureItem, SearchEntry
from ..search_models import TokensMatch
from .tokens import CONTROL, HAN, MAX_SUFFIX_RUN, MAX_WORD, RUNS, normalize, query_tokens

FTS_TABLE = "disclosures_searchfts"
MAX_QUERY_CHARS = 100
MAX_TERMS = 10

# A whole 文号 after normalization (tokens.normalize folds 〔2016〕第12号, 2016年12号, … to 201612号).
WENHAO = re.compile(f"^[{HAN}]{{1,12}}(?:19|20)[0-9]{{2}}[0-9]{{1,5}}号$")


@dataclass
class Term:
    text: str  # normalized
    tokens: list[tuple[str, bool]]
    phrase: bool = False

    @property
    def needs_recheck(self) -> bool:
        # A term that is one run giving one token (a bigram, a one-character prefix, a Latin/digit
        # prefix) is found exactly by the index; anything longer, or with punctuation or spaces,
        # is checked against the normalized text.
        return len(self.tokens) > 1 or not RUNS.fullmatch(self.text) or len(self.text) > MAX_WORD


@dataclass
class Query:
    raw: str = ""
    terms: list[Term] = field(default_factory=list)
    document_number: str = ""  # normalized 文号 when the whole query is one
    notes: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def texts(self) -> list[str]:
        return [t.text for t in self.terms]


_QUOTES = str.maketrans({"“": '"', "”": '"', "＂": '"', "「": '"', "」": '"'})


def parse_query(text: str | None) -> Query:
    """Several terms mean AND; "quoted text" is one exact phrase (spaces kept); a 文号 typed with
    any brackets is recognized. Never raises."""
    raw = CONTROL.sub(" ", str(text or ""))
    query = Query(raw=raw.strip()[:MAX_QUERY_CHARS])
    if len(raw.strip()) > MAX_QUERY_CHARS:
        query.notes.append(f"检索词过长，只使用了前{MAX_QUERY_CHARS}个字符。")
    pieces: list[tuple[str, bool]] = []
    for i, chunk in enumerate(query.raw.translate(_QUOTES).split('"')):
        if i % 2:  # inside quotes (an unclosed quote runs to the end)
            pieces.append((chunk, True))
        else:
            pieces.extend((word, False) for word in chunk.split())
    whole = normalize(query.raw.translate(_QUOTES).replace('"', " "))
    if WENHAO.match(whole.replace(" ", "")):
        query.document_number = whole.replace(" ", "")
        pieces = [(query.document_number, True)]
    seen = set()
    dropped = []
    for piece, phrase in pieces:
        norm = normalize(piece)
        if not norm or norm in seen:
            continue
        tokens = query_tokens(norm)
        if not tokens:
            dropped.append(piece.strip())
            continue
        seen.add(norm)
        query.terms.append(Term(norm, tokens, phrase))
    if dropped:
        query.notes.append(f"“{'”“'.join(dropped)[:30]}”中没有可检索的文字或数字，已忽略。")
    if len(query.terms) > MAX_TERMS:
        query.terms = query.terms[:MAX_TERMS]
        query.notes.append(f"检索词过多，只使用了前{MAX_TERMS}个。")
    return query


def _tsquery(terms: list[Term]) -> str:
    parts = []
    for term in terms:
        for token, prefix in term.tokens:
            parts.append(f"'{token}':*" if prefix else f"'{token}'")
    return " & ".join(parts)


def _fts5_query(terms: list[Term]) -> str:
    parts = []
    for term in terms:
        for token, prefix in term.tokens:
            parts.append(f'"{token}"*' if prefix else f'"{token}"')
    return " ".join(parts)


_LATIN = re.compile("[0-9a-z]")


def match(entries, query: Query, *, walk: bool = False, in_title: bool = False):
    """Restrict a SearchEntry queryset to entries containing every term of `query`.

    PostgreSQL's GIN index is an expression index (migration 0011): the index answers the token
    match without computing anything, but testing one row against it computes the row's tokens
    (about a millisecond). So every query that may test rows one by one uses the `walk` form (the
    caller passes walk=True: a page of a common term read in date order), and the others run inside
    `_in_plan`, where only bitmap scans are allowed.

    The walk form tests substrings of `search_text`, which is exactly the token match: every token of
    a substring of the text is in the index (bigrams and one-character tokens of its Han runs; for
    [0-9a-z] runs up to 24 characters, the word and all its suffixes), and a single-token term's
    tokens occur only where the term does. Only a text with a [0-9a-z] run longer than 24 characters
    (which indexes no suffixes) can differ for a term with Latin letters or digits; such rows are also
    tested against the tokens, so both forms give the same result. `in_title`: the caller already
    requires every term in `title_text` (the first line of `search_text`), so the walk form needs no
    test of the long text."""
    if not query.terms:
        return entries
    if connection.vendor == "postgresql" and walk:
        for term in query.terms if not in_title else []:
            entries = entries.filter(search_text__contains=term.text)
        if any(_LATIN.search(t.text) for t in query.terms):
            long_run = f"[0-9a-z]{{{MAX_SUFFIX_RUN + 1}}}"
            entries = entries.filter(~Q(search_text__regex=long_run) | Q(TokensMatch(_tsquery(query.terms))))
        return entries
    if connection.vendor == "postgresql":
        entries = entries.filter(TokensMatch(_tsquery(query.terms)))
    else:
        entries = entries.filter(
            item_id__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [_fts5_query(query.terms)])
        )
    for term in query.terms:
        if term.needs_recheck:
            entries = entries.filter(search_text__contains=term.text)
    return entries


# Newest entries a title-tier walk reads before it turns to the GIN index (TieredIds._title_window).
TITLE_WINDOW = 5000


def _tier_conditions(query: Query) -> list[Q]:
    """Relevance tiers as disjoint conditions: 0 the 文号 itself; 1 every term in the title or 文号;
    2 elsewhere. Within a tier the newest come first. Plain comparisons, so PostgreSQL and SQLite
    order identically."""
    title_q = Q()
    for term in query.terms:
        title_q &= Q(title_text__contains=term.text)
    if query.document_number:
        number_q = Q(document_number=query.document_number)
        return [number_q, ~number_q & title_q, ~number_q & ~title_q]
    return [Q(pk__in=[]), title_q, ~title_q]


def _relevance(query: Query):
    zero, one, _ = _tier_conditions(query)
    whens = [When(one, then=Value(1))]
    if query.document_number:
        whens.insert(0, When(zero, then=Value(0)))
    return Case(*whens, default=Value(2), output_field=IntegerField())


class TieredIds:
    """The ordered item ids of a search, sliceable like a queryset (for the paginator) but fetched
    tier by tier with `ORDER BY 发布日期 LIMIT`, which the database answers by walking the date index
    for common terms instead of sorting every match. A tier's size is counted only when a later page
    needs it (the first page never does); the last tier's size is the total minus the others.
    `total` is None when the search stopped counting at the threshold (see `search`): slices still
    work (a slice past the end is short or empty); `count()` then counts exactly (one query).
    `preloaded` holds the whole ordered result when the search already read it (see _ordered_ids)."""

    def __init__(self, entries, conditions: list[Q], total: int | None, query: Query | None = None):
        # `entries` without the text match: it is added after the tier's condition (see _tier), so
        # PostgreSQL tests the cheap title condition before a row's text.
        self.entries, self.conditions, self.total, self.query = entries, conditions, total, query or Query()
        self.sizes: list[int | None] = [None] * len(conditions)
        self.preloaded: list[int] | None = None  # the whole ordered result, when `search` read it already
        self.walk = False  # more matches than the counting limit: see match()
        self.title_tier: int | None = None  # the tier whose condition is “every term in the title”
        self._window: tuple | None = None  # (cutoff date, title matches at or after it), see _title_rows
        self.windowed = False  # a walk without facet filters: see _title_window

    def count(self) -> int:
        if self.total is None:
            self.total = _in_plan(bool(self.query.terms), match(self.entries, self.query).count)
        return self.total

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return iter(self[0 : len(self)])

    def _tier(self, tier: int):
        entries = self.entries.filter(self.conditions[tier])
        return match(entries, self.query, walk=self.walk, in_title=tier == self.title_tier)

    @staticmethod
    def _ids(entries):
        return entries.order_by("-published_at", "-item_id").values_list("item_id", flat=True)

    def _rows(self, tier: int, start: int, stop: int) -> list[int]:
        if tier == self.title_tier and self.windowed and self._title_window() is not None:
            return self._title_rows(tier, start, stop)
        return list(self._ids(self._tier(tier))[start:stop])

    def _size(self, tier: int) -> int:
        if self.sizes[tier] is None:  # PostgreSQL: a common term's tier (walk), or fine row by row
            if tier == self.title_tier and self.windowed and (cutoff := self._title_window()) is not None:
                self.sizes[tier] = self._newer_titles() + _in_plan(True, self._older_titles(tier, cutoff).count)
            else:
                self.sizes[tier] = self._tier(tier).count()
        return self.sizes[tier]

    def _title_window(self):
        """A walk of the date index for title matches reads every entry when the term is in few
        titles (竹村 at 1M items: 7 s). So the walk reads only the TITLE_WINDOW newest entries; the
        older title matches come through the GIN index (bitmap, then sorted: they are few when the
        walk found few). Returns the date that splits the two, None when there are no more entries
        than that (the walk reads them all). Only without facet filters (`windowed`): with 机构 or 年份
        the walk follows a narrower index and finds the newest of them sooner than a cutoff would
        (0.35 s for the cutoff alone, 工作 in one organization's year at 1M)."""
        if self._window is None:
            found = self.entries.order_by("-published_at").values_list("published_at", flat=True)
            self._window = (next(iter(found[TITLE_WINDOW:][:1]), None), None)
        return self._window[0]

    def _newer_titles(self) -> int:
        """How many title matches the window holds (counted only when a page needs it)."""
        cutoff, count = self._window
        if count is None:
            count = self._tier(self.title_tier).filter(published_at__gte=cutoff).count()
            self._window = (cutoff, count)
        return count

    def _older_titles(self, tier: int, cutoff):
        return match(self.entries.filter(self.conditions[tier], published_at__lt=cutoff), self.query)

    def _title_rows(self, tier: int, start: int, stop: int) -> list[int]:
        cutoff = self._title_window()
        out = list(self._ids(self._tier(tier).filter(published_at__gte=cutoff))[start:stop])
        if len(out) == stop - start:
            return out
        newer = start + len(out) if out or start == 0 else self._newer_titles()  # the window ran out
        older = self._ids(self._older_titles(tier, cutoff))[max(0, start - newer) : stop - newer]
        return out + _in_plan(True, lambda: list(older))

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start = max(0, index.start or 0)
        if self.preloaded is not None:
            return self.preloaded[start : index.stop]
        if index.stop is None:
            stop = self.count()
        else:
            stop = max(start, index.stop if self.total is None else min(index.stop, self.total))
        out: list[int] = []
        offset = 0  # position of the current tier's first row in the whole ordering
        last = len(self.conditions) - 1
        for tier in range(len(self.conditions)):
            need = stop - start - len(out)
            if need <= 0:
                break
            position = start + len(out) - offset  # where this page continues inside the tier
            if tier == last:
                out += self._rows(tier, position, position + need)
                break
            if position > 0 and position >= self._size(tier):
                offset += self._size(tier)
                continue
            rows = self._rows(tier, position, position + need)
            out += rows
            if len(rows) < need:  # the tier ran out: its size is now known
                self.sizes[tier] = position + len(rows)
                offset += self.sizes[tier]
        return out


# ---- public search ---------------------------------------------------------------------------

FACETS = ("organization", "category", "kind", "year", "validity")
_FACET_COLUMNS = {
    "organization": "organization_id",
    "category": "category_id",
    "kind": "kind",
    "year": "year",
    "validity": "validity",
}


@dataclass
class Filters:
    """Parsed filters; `category_ids` is the chosen 目录 node with its descendants."""

    organization: int | None = None
    category_ids: frozenset[int] | None = None
    kind: str | None = None
    year: int | None = None
    validity: str | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    document_number: str = ""  # normalized part of a 文号

    def active_facets(self) -> list[tuple]:
        """(facet, column, predicate) of each facet filter that is set ."""
        out = []
        if self.organization is not None:
            out.append(("organization", "organization_id", lambda v: v == self.organization))
        if self.category_ids is not None:
            out.append(("category", "category_id", lambda v: v in self.category_ids))
        if self.kind is not None:
            out.append(("kind", "kind", lambda v: v == self.kind))
        if self.year is not None:
            out.append(("year", "year", lambda v: v == self.year))
        if self.validity is not None:
            out.append(("validity", "validity", lambda v: v == self.validity))
        return out

    @property
    def narrows(self) -> bool:
        """Whether a filter applied after counting (a facet filter) is set."""
        return any(v is not None for v in (self.organization, self.category_ids, self.kind, self.year, self.validity))


@dataclass
class Result:
    entries: TieredIds  # the ordered item ids (slice it for a page)
    total: int | None  # None: more than `limit` items match (the exact number was not counted)
    counts: dict[str, dict]  # facet → {value: count}, each counted with the *other* filters applied
    approximate: bool = False  # counts come from `limit` + 1 of the matches only (each is a lower bound)
    limit: int = 0


def count_limit() -> int:
    """SEARCH_COUNT_LIMIT: how many matches the counting query reads at most (see `search`)."""
    return max(1, int(getattr(settings, "SEARCH_COUNT_LIMIT", 5000)))


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def search(query: Query, filters: Filters | None = None, *, sort: str = "relevance") -> Result:
    """Public search over the index (published items only).

    One counting query reads at most `count_limit() + 1` matches (any `limit + 1`: the database picks
    the cheapest) and groups them per filter value. When there are no more than `limit` matches,
    the total and every count are exact, as before. When there are more, the counts are lower bounds
    (`approximate`), and the total is counted exactly only if the facet filters bring it down to
    `limit` or fewer (one more bounded query); otherwise it is None ("more than `limit`"). The
    ordered ids never depend on this: the returned `entries` fetches the ids of a page in the exact
    order (a few small queries per page, see TieredIds)."""
    filters = filters or Filters()
    limit = count_limit()
    # Plain column conditions come before the text match in the WHERE clause: PostgreSQL evaluates
    # equal-cost conditions in order, so a row's TOASTed text is only tested when the cheap
    # conditions hold (this matters when the date index is walked for a common term).
    base = SearchEntry.objects.all()
    if filters.date_from:
        base = base.filter(published_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        base = base.filter(published_at__lt=_day_start(filters.date_to + datetime.timedelta(days=1)))
    if filters.document_number:
        base = base.filter(document_number__contains=filters.document_number)
    entries = match(base, query)
    key_parts = (tuple(query.texts), filters.date_from, filters.date_to, filters.document_number, limit)
    rows = _cached("search-counts", key_parts, lambda: _counting(entries, bool(query.terms), limit))
    counts: dict[str, dict] = {name: {} for name in FACETS}
    total = 0
    read = 0
    active = filters.active_facets()
    columns = [(counts[name], _FACET_COLUMNS[name]) for name in FACETS]
    for row in rows:
        n = row["n"]
        read += n
        failed = [name for name, column, ok in active if not ok(row[column])]
        if not failed:  # counts in every facet, and in the total
            total += n
            for facet_counts, column in columns:
                facet_counts[row[column]] = facet_counts.get(row[column], 0) + n
        elif len(failed) == 1:  # counts only in the facet whose own filter it fails
            facet_counts = counts[failed[0]]
            value = row[_FACET_COLUMNS[failed[0]]]
            facet_counts[value] = facet_counts.get(value, 0) + n
    approximate = read > limit
    narrowed = base
    if filters.organization is not None:
        narrowed = narrowed.filter(organization_id=filters.organization)
    if filters.year is not None:  # as a date range too, so the date index is entered at that year
        narrowed = narrowed.filter(
            year=filters.year,
            published_at__gte=_day_start(datetime.date(filters.year, 1, 1)),
            published_at__lt=_day_start(datetime.date(filters.year + 1, 1, 1)),
        )
    if filters.category_ids is not None:
        narrowed = narrowed.filter(category_id__in=sorted(filters.category_ids))
    if filters.kind is not None:
        narrowed = narrowed.filter(kind=filters.kind)
    if filters.validity is not None:
        narrowed = narrowed.filter(validity=filters.validity)
    unmatched, narrowed = narrowed, match(narrowed, query)
    ranked = bool(query.terms) and sort != "date"
    if ranked:
        conditions = _tier_conditions(query)
        ordered = TieredIds(unmatched, conditions if query.document_number else conditions[1:], total, query)
        ordered.title_tier = 1 if query.document_number else 0
    else:
        ordered = TieredIds(unmatched, [Q()], total, query)
    if not approximate and query.terms and connection.vendor == "postgresql":
        # Within the limit: read the whole ordered result at once through the GIN bitmap (at most
        # `limit` narrow rows) rather than tier by tier, where the planner may walk the date index and
        # compute each row's tokens (see match).
        ordered.preloaded = _in_plan(True, lambda: _ordered_ids(narrowed, query if ranked else None, limit + 1))
    if approximate:
        ordered.total = total = None
        ordered.walk = True
        ordered.windowed = not filters.narrows
        if filters.narrows:  # the facet filters may bring the total within the limit
            ids = _in_plan(bool(query.terms), lambda: _ordered_ids(narrowed, query if ranked else None, limit + 1))
            if len(ids) <= limit:
                ordered.total = total = len(ids)
                ordered.preloaded = ids
    return Result(entries=ordered, total=total, counts=counts, approximate=approximate, limit=limit)


def _ordered_ids(narrowed, query: Query | None, most: int) -> list[int]:
    """At most `most` matching ids (any of them: no ORDER BY, the database stops early), returned in
    the page order (relevance tier, then newest first) — the whole ordered result when there are
    fewer. One query that both counts a filtered total and gives every page of it: it reads the same
    rows the tier-by-tier page queries would (the filters leave few), once."""
    tier = _relevance(query) if query is not None else Value(0, output_field=IntegerField())
    rows = list(narrowed.annotate(tier=tier).order_by().values_list("item_id", "published_at", "tier")[:most])
    rows.sort(key=lambda r: r[0], reverse=True)  # stable sorts: tier, then -published_at, then -item_id
    rows.sort(key=lambda r: r[1], reverse=True)
    rows.sort(key=lambda r: r[2])
    return [r[0] for r in rows]


COUNT_CACHE_SECONDS = 60
_VERSION_KEY = "search-index-version"


def _index_version() -> int:
    version = cache.get(_VERSION_KEY)
    if version is None:
        cache.add(_VERSION_KEY, 1, None)
        version = cache.get(_VERSION_KEY) or 1
    return version


def index_changed() -> None:
    """Called on every index write: cached counts of the previous version are no longer used."""
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 2, None)


def _cached(prefix: str, key_parts: tuple, compute):
    """A counting query's result, cached briefly per query (popular terms are asked again and again).
    The key holds the index version, bumped by every index write, so a publication or withdrawal is
    reflected at once where the cache is shared (CACHE_URL); the page's rows are never cached."""
    key = f"{prefix}:" + hashlib.sha256(repr((_index_version(), key_parts)).encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, COUNT_CACHE_SECONDS)
    return value


_COUNT_COLUMNS = ", ".join(f"sample.{c}" for c in _FACET_COLUMNS.values())


def _counting(entries, matched: bool, limit: int) -> list[dict]:
    """Group at most `limit + 1` matches (no order: the database stops at the first ones it finds)
    per filter-column combination; the numbers add up to `limit + 1` exactly when there are more."""
    sample = entries.values(*_FACET_COLUMNS.values()).order_by()[: limit + 1]
    sql, params = sample.query.sql_with_params()
    sql = f"SELECT {_COUNT_COLUMNS}, COUNT(*) FROM ({sql}) sample GROUP BY {_COUNT_COLUMNS}"

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [dict(zip([*_FACET_COLUMNS.values(), "n"], row, strict=True)) for row in cursor.fetchall()]

    return _in_plan(matched, run)


# Room for an exact bitmap of every entry (a page bit each: ~10 MB at 1M entries). With the default
# 4 MB a common term's bitmap turns lossy and every row of a lossy page is rechecked, computing its
# tokens (~0.35 ms a row): 1.9 s to count 5,001 matches of 工作 at 1M, against ~0.2 s exact.
BITMAP_WORK_MEM = "64MB"


def _in_plan(matched: bool, run):
    """Run a query that matches through the GIN index (counting, a whole ordered result, a count).
    On PostgreSQL testing `@@` row by row computes each row's tokens from its TOASTed text (~1 ms a
    row, see match), while the GIN bitmap needs no recheck; the planner cannot tell the two apart
    (it charges the function's cost to the bitmap's rows too), so for this one query sequential and
    plain index scans are turned off, leaving bitmap scans (the GIN index, alone or ANDed with a
    filter's index). JIT is turned off as well: those charged costs would otherwise start a JIT
    compilation (tens of ms) for queries that take a few; work_mem is raised so the bitmap stays
    exact (BITMAP_WORK_MEM); and no parallel workers: starting two of them cost more than the
    bounded scan they share (the counting query at 100k: 24–32 ms with two workers, 12 ms without,
    on two cores that the web workers need anyway), and with one process the first `limit + 1`
    matches are always the same rows, so the “N+” lower bounds no longer change from request to
    request (nor, with them, a page's ETag)."""
    if not matched or connection.vendor != "postgresql":
        return run()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; SET LOCAL jit = off; "
                f"SET LOCAL work_mem = '{BITMAP_WORK_MEM}'; SET LOCAL max_parallel_workers_per_gather = 0"
            )
        return run()


def public_items(ids: list[int]) -> list[DisclosureItem]:
    """The page's items, through the one public selector, in the given order (one query)."""
    found = {i.pk: i for i in DisclosureItem.objects.published().for_list("summary", "body").filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


# ---- staff search (admin) ---------------------------------------------------------------------


def staff_search(queryset, text: str):
    """Admin search: published items through the index, plus the other items of `queryset` (drafts,
    pending, withdrawn — the staff member's own organizations, already scoped by the admin) matched
    on their normalized text in Python (there are few). Also matches 索引号."""
    query = parse_query(text)
    if not query.terms:
        return queryset
    public_ids = match(SearchEntry.objects.all(), query).values("item_id")
    others = []
    rows = queryset.exclude(status=DisclosureItem.Status.PUBLISHED).values_list(
        "pk", "title", "document_number", "summary", "keywords", "body"
    )
    for pk, title, number, summary, keywords, body in rows.iterator(chunk_size=500):
        haystack = normalize("\n".join([title, number, summary, keywords, plain_text(body)]))
        if all(term in haystack for term in query.texts):
            others.append(pk)
    return queryset.filter(Q(pk__in=public_ids) | Q(pk__in=others) | Q(index_number=text.strip()))
