"""PostgreSQL stores no search tokens (README 全文检索, “Storage”): the stored generated tsvector column
`search` is dropped and the GIN index becomes an expression index over
`disclosures_search_tokens(search_text)`, an immutable SQL function that yields exactly the distinct
tokens of disclosures/search/tokens.py `document_tokens` (Han runs: overlapping bigrams and the last
character; [0-9a-z] runs cut at 64 characters: the word and, up to 24 characters, its suffixes) as
a tsvector without positions or weights. The token text columns stay for SQLite's FTS5 table and are
left empty on PostgreSQL by the next `reindex` (run it after this migration; then `VACUUM FULL
disclosures_searchentry` gives the freed space back to the file system).

Keep the function in step with tokens.py: tests/disclosures/test_search_storage.py compares both
on every kind of run."""

from django.db import migrations

HAN = r"\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"  # tokens.HAN
RUNS = f"([{HAN}]+)|([0-9a-z]+)"  # tokens.RUNS
MAX_WORD = 64  # tokens.MAX_WORD
MAX_SUFFIX_RUN = 24  # tokens.MAX_SUFFIX_RUN

FUNCTION = f"""
CREATE OR REPLACE FUNCTION disclosures_search_tokens(t text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 10000 AS $$
SELECT array_to_tsvector(coalesce(array_agg(tok), '{{}}'))
FROM (
  SELECT m[1] AS han, left(m[2], {MAX_WORD}) AS word FROM regexp_matches(t, '{RUNS}', 'g') AS m
) AS runs
CROSS JOIN LATERAL (
  SELECT substr(han, i, 2) FROM generate_series(1, length(han) - 1) AS i WHERE han IS NOT NULL
  UNION ALL SELECT right(han, 1) WHERE han IS NOT NULL
  UNION ALL SELECT substr(word, i)
    FROM generate_series(1, CASE WHEN length(word) <= {MAX_SUFFIX_RUN} THEN length(word) ELSE 1 END) AS i
    WHERE word IS NOT NULL
) AS tokens(tok)
$$
"""
GIN = "disclosures_searchentry_gin"
PG_UP = [
    f"DROP INDEX IF EXISTS {GIN}",
    FUNCTION,
    "ALTER TABLE disclosures_searchentry DROP COLUMN IF EXISTS search",
    "SET maintenance_work_mem = '512MB'",
    f"CREATE INDEX {GIN} ON disclosures_searchentry USING gin (disclosures_search_tokens(search_text))",
    "RESET maintenance_work_mem",
]
PG_DOWN = [
    f"DROP INDEX IF EXISTS {GIN}",
    "ALTER TABLE disclosures_searchentry ADD COLUMN search tsvector GENERATED ALWAYS AS "
    "((setweight(to_tsvector('simple'::regconfig, COALESCE(title_tokens, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, COALESCE(body_tokens, '')), 'B'))) STORED",
    f"CREATE INDEX {GIN} ON disclosures_searchentry USING gin (search)",
    "DROP FUNCTION IF EXISTS disclosures_search_tokens(text)",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_UP:
            schema_editor.execute(sql)
    else:
        schema_editor.remove_field(
            apps.get_model("disclosures", "SearchEntry"),
            apps.get_model("disclosures", "SearchEntry")._meta.get_field("search"),
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in PG_DOWN:
            schema_editor.execute(sql)
        # the token columns are empty on PostgreSQL since this migration: run `reindex` after going back
    else:
        model = apps.get_model("disclosures", "SearchEntry")
        schema_editor.add_field(model, model._meta.get_field("search"))


class Migration(migrations.Migration):
    dependencies = [
        ("disclosures", "0012_edition_base"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.RemoveField(model_name="searchentry", name="search")],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
