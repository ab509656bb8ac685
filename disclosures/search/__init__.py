"""Chinese full-text search: the one package views, admin and commands use (import this package,
not its modules: `from disclosures import search`).

Interface (narrow, so another engine — e.g. OpenSearch with a CJK analyzer — could replace it):

    index_item(item)            put the item's public version in the index, or take it out
    remove_item(item_or_pk)     take it out
    reindex(...)                rebuild everything in batches (the `reindex` command)
    parse_query(text)           user input → Query (terms, phrases, 文号)
    search(query, filters)      public search: ids in order, total, counts per filter value
    staff_search(qs, text)      admin: public matches plus the staff member's own drafts
    snippet(text, query)        escaped HTML with the matches in <mark>

How it works: text is normalized (NFKC, casefold, brackets folded, whitespace
collapsed) and split into runs of Han characters and runs of [0-9a-z]. A Han run yields its
overlapping bigrams plus its last character (so a one-character query, or a query's one-character
edge, finds it); a Latin/digit run yields the whole word plus its suffixes (so any part of a number
such as “016” in “2016” is found). The index stores the normalized full text and, per item, its
distinct tokens — on PostgreSQL only inside a GIN expression index over
`disclosures_search_tokens(search_text)` (a SQL function equal to `document_tokens`, giving a tsvector
without positions or weights; nothing token-like is stored in the table), on SQLite as token columns
read by an FTS5 table. A query term becomes the AND of its tokens (the last run as a prefix), and
terms with more than one token are rechecked as exact substrings of the normalized text, so a result
always contains every term (no false phrase matches, whatever the length: positions are not used).

Only published items have an entry: the `public_version_changed` signal (sent by the workflow after
commit) calls `index_item`, which indexes a public item and removes anything else. Result rows are
selected again through `DisclosureItem.objects.published()`.

Modules: `tokens` (normalization, tokenizer), `query` (parsing, matching, ranking, counting, staff
search), `snippets` (highlighting), `indexing` (entries, signal receiver, reindex). Storage is
disclosures/search_models.py.
"""

from .indexing import (
    build_entry,
    bulk_load,
    index_item,
    on_public_version_changed,
    on_public_versions_changed,
    reindex,
    remove_item,
    save_entries,
)
from .query import Filters, Query, Result, count_limit, match, parse_query, public_items, search, staff_search
from .snippets import attach_snippets, highlight, snippet
from .tokens import document_tokens, normalize, normalize_with_map, query_tokens

__all__ = [
    "Filters",
    "Query",
    "Result",
    "attach_snippets",
    "build_entry",
    "bulk_load",
    "count_limit",
    "document_tokens",
    "highlight",
    "index_item",
    "match",
    "normalize",
    "normalize_with_map",
    "on_public_version_changed",
    "on_public_versions_changed",
    "parse_query",
    "public_items",
    "query_tokens",
    "reindex",
    "remove_item",
    "save_entries",
    "search",
    "snippet",
    "staff_search",
]
