"""Storage of the public search index (see the package disclosures/search/ for the logic).

One `SearchEntry` per *published* item (the row exists exactly while the item is public). It holds
the normalized plain text (`search_text`, used to recheck exact phrases; `title_text` for the
title tier), copies of the filter columns so that matching, counting per filter value and sorting
read this table alone, and — on SQLite only — the tokenizer's output (`title_tokens`: 标题, 文号,
索引号; `body_tokens`: 内容概述, 主题词, 正文, 附件) for its FTS5 table.

PostgreSQL stores no tokens and no tsvector (migration 0011, README 全文检索): the GIN index is an
expression index over `disclosures_search_tokens(search_text)`, a SQL function giving exactly the
distinct tokens of `tokens.document_tokens` as a tsvector without positions or weights; the token
columns are left empty there. On SQLite an FTS5 table over the token columns (created by migration
0003, kept in step by triggers) does the matching.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models

# SQL name of the tokenizer function (created by migration 0011 on PostgreSQL) and its index.
TOKENS_FUNCTION = "disclosures_search_tokens"


class TokensMatch(models.Expression):
    """`disclosures_search_tokens(search_text) @@ '<tsquery>'::tsquery` (PostgreSQL): the form the
    GIN expression index answers. The tsquery is cast, not parsed by `to_tsquery`, so its lexemes are
    compared with the tokens exactly as the tokenizer wrote them."""

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, tsquery: str, text="search_text"):
        super().__init__()
        self.tsquery = tsquery
        self.text = models.F(text) if isinstance(text, str) else text

    def get_source_expressions(self):
        return [self.text]

    def set_source_expressions(self, exprs):
        (self.text,) = exprs

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.text)
        return f"{TOKENS_FUNCTION}({sql}) @@ %s::tsquery", [*params, self.tsquery]


class TokenVector(models.Expression):
    """Only for migration 0003 (the stored `search` column it created was removed by 0011):
    `setweight(to_tsvector('simple', title_tokens), 'A') || setweight(…body_tokens…, 'B')` on
    PostgreSQL; NULL elsewhere (SQLite matches through its FTS5 table instead)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        return "NULL", []

    def as_postgresql(self, compiler, connection):
        return (
            "(setweight(to_tsvector('simple'::regconfig, COALESCE(title_tokens, '')), 'A') || "
            "setweight(to_tsvector('simple'::regconfig, COALESCE(body_tokens, '')), 'B'))",
            [],
        )

    def __eq__(self, other):
        return isinstance(other, TokenVector)

    def __hash__(self):
        return hash(TokenVector)

    def deconstruct(self):
        return "disclosures.search_models.TokenVector", (), {}


class SearchEntry(models.Model):
    item = models.OneToOneField(
        "disclosures.DisclosureItem",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
        verbose_name="公开信息",
    )
    # Filter and sort columns, copied from the item when it is indexed.
    organization_id = models.BigIntegerField("发布机构")
    category_id = models.BigIntegerField("公开目录")
    kind = models.CharField("信息类型", max_length=20)
    validity = models.CharField("有效性", max_length=10, blank=True)
    year = models.PositiveSmallIntegerField("发布年份")
    published_at = models.DateTimeField("发布日期")
    # Normalized (NFKC, casefold, brackets folded, whitespace collapsed) texts for exact rechecks.
    document_number = models.CharField("文号（规范化）", max_length=100, blank=True)
    title_text = models.TextField("标题与文号（规范化）")
    search_text = models.TextField("全文（规范化）")
    # SQLite only (its FTS5 table reads them); empty on PostgreSQL, which indexes search_text itself.
    title_tokens = models.TextField("标题词元")
    body_tokens = models.TextField("正文词元")
    indexed_at = models.DateTimeField("索引时间", auto_now=True)

    class Meta:
        verbose_name = "检索索引"
        verbose_name_plural = "检索索引"
        indexes = [
            models.Index(fields=["-published_at", "-item"], name="search_entry_recent"),
            models.Index(fields=["organization_id", "-published_at", "-item"], name="search_entry_org_recent"),
        ]

    def __str__(self) -> str:
        return self.title_text[:50]
