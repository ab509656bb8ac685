"""Storage of the public search index (see the package disclosures/search/ for the logic).

One `SearchEntry` per *published* item (the row exists exactly while the item is public). It holds
the tokenizer's output (`title_tokens` weight A: 标题 and 文号; `body_tokens` weight B: 内容概述,
主题词, 正文, 附件) and the normalized plain text used to recheck exact phrases, plus copies of the
filter columns so that matching, counting per filter value and sorting read this table alone.

On PostgreSQL `search` is a stored generated `tsvector` (`simple` configuration) with a GIN index;
on SQLite the column is a constant NULL and an FTS5 table over the same token columns (created by
the migration, kept in step by triggers) does the matching.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class TokenVector(models.Expression):
    """`setweight(to_tsvector('simple', title_tokens), 'A') || setweight(…body_tokens…, 'B')` on
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
    title_tokens = models.TextField("标题词元")
    body_tokens = models.TextField("正文词元")
    search = models.GeneratedField(expression=TokenVector(), output_field=SearchVectorField(), db_persist=True)
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
