"""Hot public queries compiled by the ORM once per process and then run with new values
(docs/design.md §6 “冷页面”).

Django builds and compiles a queryset's SQL on every evaluation; for the item page's related
items (a UNION of four to six LIMIT subqueries) and the home page's panels (one subquery per
section) that compilation costs more than PostgreSQL takes to run the statement. `Compiled`
keeps the ORM as the one place the query is written — the same `published()` rule, the same
lookups — and compiles it once per process and shape:

    RELATED = Compiled(lambda shape, pk, now: Item.objects.published(now=now).filter(...).values("id"))
    rows = RELATED.rows(pk=item.pk, now=timezone.now())          # list of dicts, as .values() gives

How the values find their places: the first call builds the queryset with a marker value of each
value's type (an int, datetime, date or str no real data holds), compiles it, and records which
parameters of the SQL are the markers. Later calls copy the parameters, put the new values (adapted
for the database as the ORM adapts them) in those places and run the statement; the rows go
through the same converters as the ORM's own. Rules for `build`:

- it is called as `build(shape, **values)` and returns a `.values()` queryset (dicts out; model
  instances are not supported);
- every value it receives ends up as a parameter, and the SQL does not depend on the values (no
  `if value:` inside `build`, no lists whose length varies, no `None`): anything that changes the
  SQL belongs in `shape`, which keys a separate compilation (e.g. whether a policy has a 解读);
- a value that does not reach the parameters as it is (a slice bound written into the SQL, a
  `startswith` pattern the ORM builds from it) is refused when the query is first compiled, so a
  wrong binding fails loudly instead of answering for another item.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections

_markers = itertools.count(1)


def _marker(value: Any) -> Any:
    """A value of `value`'s type that no stored row or constant of our queries holds."""
    n = next(_markers)
    if isinstance(value, bool):
        raise ImproperlyConfigured("Compiled: a bool changes the SQL; pass it in `shape`")
    if isinstance(value, int):
        return -(7_300_000_000_000 + n)
    if isinstance(value, datetime.datetime):
        return datetime.datetime(1901, 2, 3, 4, 5, 6, n % 1_000_000, tzinfo=datetime.UTC)
    if isinstance(value, datetime.date):
        return datetime.date(1901, 2, 3) + datetime.timedelta(days=n % 3000)
    if isinstance(value, str):
        return f"\ue000compiled-marker-{n}\ue000"
    raise ImproperlyConfigured(f"Compiled: values of type {type(value).__name__} are not supported")


def _adapters(connection):
    """What the ORM does to a value before it becomes a parameter, per type, on this database."""
    ops = connection.ops
    return {
        datetime.datetime: ops.adapt_datetimefield_value,
        datetime.date: ops.adapt_datefield_value,
    }


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: tuple
    slots: tuple[tuple[int, str, Callable | None], ...]  # (parameter index, value name, adapter)
    names: tuple[str, ...]
    converters: tuple[tuple[int, tuple[Callable, ...], Any], ...]


class Compiled:
    def __init__(self, build: Callable[..., Any]):
        self.build = build
        self._statements: dict[tuple, _Statement] = {}  # two threads compiling at once store equal ones

    def rows(self, shape: Hashable = (), using: str = DEFAULT_DB_ALIAS, **values) -> list[dict]:
        connection = connections[using]
        key = (using, connection.vendor, shape, tuple(sorted((k, type(v)) for k, v in values.items())))
        statement = self._statements.get(key)
        if statement is None:
            statement = self._statements[key] = self._compile(connection, using, shape, values)
        params = list(statement.params)
        for index, name, adapt in statement.slots:
            value = values[name]
            params[index] = adapt(value) if adapt is not None else value
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, params)
            fetched = cursor.fetchall()
        rows = [list(row) for row in fetched] if statement.converters else fetched
        for row in rows:
            for position, converters, expression in statement.converters:
                for convert in converters:
                    row[position] = convert(row[position], expression, connection)
        return [dict(zip(statement.names, row, strict=True)) for row in rows]

    def _compile(self, connection, using: str, shape: Hashable, values: dict) -> _Statement:
        markers = {name: _marker(value) for name, value in values.items()}
        queryset = self.build(shape, **markers)
        query = queryset.query
        if not query.values_select and not query.annotation_select:
            raise ImproperlyConfigured("Compiled: `build` must return a .values() queryset")
        compiler = query.get_compiler(using)
        sql, params = compiler.as_sql()
        adapters = _adapters(connection)
        slots, seen = [], set()
        for index, param in enumerate(params):
            for name, marker in markers.items():
                adapt = adapters.get(type(marker))
                if _same(param, marker):
                    slots.append((index, name, None))
                elif adapt is not None and _same(param, adapt(marker)):
                    slots.append((index, name, adapt))
                else:
                    continue
                seen.add(name)
                break
        if missing := sorted(set(markers) - seen):
            raise ImproperlyConfigured(f"Compiled: {', '.join(missing)} did not become a SQL parameter")
        names = (*query.extra_select, *query.values_select, *query.annotation_select)
        selected = [column[0] for column in compiler.select[: compiler.col_count]]
        converters = tuple(
            (position, tuple(found), expression)
            for position, (found, expression) in compiler.get_converters(selected).items()
        )
        return _Statement(sql, tuple(params), tuple(slots), names, converters)


def _same(param: Any, marker: Any) -> bool:
    return type(param) is type(marker) and param == marker
