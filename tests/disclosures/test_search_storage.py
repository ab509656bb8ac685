"""Search storage on PostgreSQL (issue 12): no tokens and no tsvector are stored; the GIN index is an
expression index over the SQL function `disclosures_search_tokens(search_text)` (migration 0011),
which must give exactly the tokens of disclosures/search/tokens.py `document_tokens`."""

from __future__ import annotations

import pytest
from django.db import connection

from disclosures import corpus, search
from disclosures.models import SearchEntry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TEXTS = [
    "",
    "。，！",
    "政",
    "政府",
    "关于2024年政府信息公开（ＰＤＦ版）",
    "龙民发〔2016〕12号\n附件：表1.xlsx",
    "二〇二五年 abc x 9",
    "𠀀𠀁𠀂 㐀 豈更 〇",  # CJK extension B, extension A, compatibility ideographs, 〇
    "a" * 24 + " " + "b" * 25 + " " + "0123456789" * 8,  # suffix limit (24) and word cut (64)
    "工作工作工作 2016 2016",  # repeated tokens count once
]


def sql_tokens(text: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(disclosures_search_tokens(%s))", [text])
        return set(cursor.fetchone()[0])


def test_sql_tokenizer_equals_the_python_one():
    for text in TEXTS:
        normalized = search.normalize(text)
        assert sql_tokens(normalized) == set(search.document_tokens(normalized)), text


def test_sql_tokenizer_equals_the_python_one_on_a_corpus(site_profile):
    corpus.generate(40, seed=5)
    for text in SearchEntry.objects.values_list("search_text", flat=True):
        assert sql_tokens(text) == set(search.document_tokens(text))


def test_no_tokens_or_tsvector_are_stored(site_profile):
    corpus.generate(5, seed=2)
    assert not SearchEntry.objects.exclude(title_tokens="", body_tokens="").exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_attribute WHERE attrelid = 'disclosures_searchentry'::regclass "
            "AND atttypid = 'tsvector'::regtype AND NOT attisdropped"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT item_id FROM disclosures_searchentry "
            "WHERE disclosures_search_tokens(search_text) @@ '低保'::tsquery"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "disclosures_searchentry_gin" in plan
