"""Writing many rows at once, for bulk paths (the site import, docs/import.md).

Django's `bulk_update` writes one `CASE WHEN id = … THEN …` per field, which PostgreSQL evaluates
row by row against every case: a batch of 500 costs 500 × 500 comparisons per field. On PostgreSQL
`update_rows` sends one `UPDATE … FROM (VALUES …)` instead (a hash join); elsewhere it falls back
to `bulk_update`. Like `bulk_update` it sends no signals and skips `save()`."""

from __future__ import annotations

from django.db import connections, router


def update_rows(objs: list, fields: list[str], batch_size: int = 500) -> None:
    if not objs:
        return
    model = type(objs[0])
    using = router.db_for_write(model)
    connection = connections[using]
    if connection.vendor != "postgresql":
        model.objects.using(using).bulk_update(objs, fields, batch_size=batch_size)
        return
    meta = model._meta
    pk = meta.pk
    columns = [meta.get_field(name) for name in fields]
    table = connection.ops.quote_name(meta.db_table)
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in columns)
    names = ", ".join(quote(c) for c in [pk.column, *(f.column for f in columns)])
    for start in range(0, len(objs), batch_size):
        chunk = objs[start : start + batch_size]
        # The first row carries the casts, so every column of the VALUES list has the table's type.
        casts = ", ".join(f"%s::{field.db_type(connection)}" for field in [pk, *columns])
        plain = ", ".join(["%s"] * (len(columns) + 1))
        rows = ", ".join([f"({casts})"] + [f"({plain})"] * (len(chunk) - 1))
        params = []
        for obj in chunk:
            params.append(pk.get_db_prep_save(obj.pk, connection))
            params += [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns]
        sql = (
            f"UPDATE {table} SET {assignments} FROM (VALUES {rows}) AS v({names}) "
            f"WHERE {table}.{quote(pk.column)} = v.{quote(pk.column)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def refresh_statistics(*models) -> None:
    """Update the planner's statistics of these tables after a bulk write (ANALYZE). Until
    autovacuum gets to it, PostgreSQL plans with the row counts from before: after 100,000 items
    arrive it still believes a column holds a handful of rows, and the home page's newest-per-section
    query sorted every item in a section (0.4 s instead of 5 ms at 100k items, bench/RESULTS.md)."""
    for model in models:
        using = router.db_for_write(model)
        with connections[using].cursor() as cursor:
            cursor.execute(f"ANALYZE {connections[using].ops.quote_name(model._meta.db_table)}")
