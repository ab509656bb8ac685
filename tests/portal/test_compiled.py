"""portal/compiled.py: a `.values()` query compiled once and run with new values gives what the
ORM gives, converters included, and refuses a binding it cannot keep."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from disclosures.models import DisclosureItem
from portal.compiled import Compiled


def _orm(category, since):
    return DisclosureItem.objects.filter(category_id=category, published_at__gte=since).order_by("id")


def test_rows_equal_the_orm_for_every_binding(build):
    a = build.item("甲")
    b = build.item("乙", category=build.policy_category)
    query = Compiled(lambda shape, category, since: _orm(category, since).values("id", "title", "published_at"))
    long_ago = timezone.now() - datetime.timedelta(days=1)
    for category in (build.category.pk, build.policy_category.pk, build.root.pk):
        expected = list(_orm(category, long_ago).values("id", "title", "published_at"))
        assert query.rows(category=category, since=long_ago) == expected
    assert [r["id"] for r in query.rows(category=build.category.pk, since=long_ago)] == [a.pk]
    assert query.rows(category=b.category_id, since=timezone.now() + datetime.timedelta(days=1)) == []
    # Dates come back as the ORM gives them (aware datetimes on SQLite too, through its converters).
    [row] = query.rows(category=build.category.pk, since=long_ago)
    assert row["published_at"] == a.published_at and row["published_at"].tzinfo is not None


def test_each_shape_is_its_own_statement(build):
    build.item("甲")
    query = Compiled(
        lambda shape, title: (
            DisclosureItem.objects.exclude(title=title).values("title")
            if shape == "other"
            else DisclosureItem.objects.filter(title=title).values("title")
        )
    )
    assert query.rows(title="甲") == [{"title": "甲"}] == query.rows(shape="other", title="乙")
    assert query.rows(title="乙") == [] and len(query._statements) == 2


@pytest.mark.django_db
def test_a_value_the_orm_rewrites_is_refused():
    # startswith passes "甲%" (escaped), not the value itself: its place cannot be found.
    query = Compiled(lambda shape, title: DisclosureItem.objects.filter(title__startswith=title).values("id"))
    with pytest.raises(ImproperlyConfigured, match="title did not become a SQL parameter"):
        query.rows(title="甲")


@pytest.mark.django_db
def test_a_value_the_orm_folds_into_the_sql_is_refused():
    # A slice bound is written into the SQL as a number, not passed as a parameter.
    query = Compiled(lambda shape, n: DisclosureItem.objects.values("id")[:-n])
    with pytest.raises(ImproperlyConfigured, match="did not become a SQL parameter"):
        query.rows(n=3)


@pytest.mark.django_db
def test_only_values_querysets_and_plain_values():
    with pytest.raises(ImproperlyConfigured, match=r"\.values\(\)"):
        Compiled(lambda shape, pk: DisclosureItem.objects.filter(pk=pk)).rows(pk=1)
    with pytest.raises(ImproperlyConfigured, match="bool"):
        Compiled(lambda shape, flag: DisclosureItem.objects.values("id")).rows(flag=True)
