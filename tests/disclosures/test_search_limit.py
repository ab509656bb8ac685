"""Search counting limit (SEARCH_COUNT_LIMIT, issue 4 performance): above the limit the counts per
filter value are lower bounds read from at most limit + 1 matches and an unfiltered total is “超过 N 条”;
the result list, its order and paging stay exact. Same tests on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.urls import reverse

from disclosures import corpus, search
from disclosures.models import SearchEntry

pytestmark = pytest.mark.django_db

TERM = "工作"


@pytest.fixture
def generated(db, site_profile):
    corpus.generate(150, seed=9)


def _expected(text: str, **filters) -> list[int]:
    query = search.parse_query(text)
    entries = search.match(SearchEntry.objects.filter(**filters), query)
    return list(
        entries.annotate(relevance=search.query._relevance(query))
        .order_by("relevance", "-published_at", "-item_id")
        .values_list("item_id", flat=True)
    )


def _exact_counts(text: str) -> dict[str, Counter]:
    rows = search.match(SearchEntry.objects.all(), search.parse_query(text)).values(
        *search.query._FACET_COLUMNS.values()
    )
    return {name: Counter(row[column] for row in rows) for name, column in search.query._FACET_COLUMNS.items()}


def test_below_or_at_the_limit_everything_is_exact(generated, settings):
    expected = _expected(TERM)
    settings.SEARCH_COUNT_LIMIT = len(expected)
    result = search.search(search.parse_query(TERM))
    assert not result.approximate and result.total == len(expected)
    assert {name: Counter(values) for name, values in result.counts.items()} == _exact_counts(TERM)
    assert list(result.entries) == expected


def test_above_the_limit_counts_are_lower_bounds_and_the_list_stays_exact(generated, settings):
    expected = _expected(TERM)
    assert len(expected) > 30
    settings.SEARCH_COUNT_LIMIT = len(expected) - 1
    result = search.search(search.parse_query(TERM))
    assert result.approximate and result.total is None and result.limit == len(expected) - 1
    exact = _exact_counts(TERM)
    for name, values in result.counts.items():
        assert sum(values.values()) == len(expected)  # limit + 1 matches were read
        assert all(n <= exact[name][value] for value, n in values.items())
    settings.SEARCH_COUNT_LIMIT = 10
    result = search.search(search.parse_query(TERM))
    for name, values in result.counts.items():
        assert sum(values.values()) == 11
        assert all(n <= exact[name][value] for value, n in values.items())
    assert result.entries[0:7] == expected[:7]
    assert result.entries[len(expected) - 3 : len(expected) + 5] == expected[-3:]  # past the end: short
    assert result.entries[len(expected) + 5 : len(expected) + 9] == []
    paged = []
    for start in range(0, len(expected), 7):
        paged += search.search(search.parse_query(TERM)).entries[start : start + 7]
    assert paged == expected
    assert list(result.entries) == expected and result.entries.count() == len(expected)  # exact on demand
    for sort in ("date", "relevance"):
        dated = search.search(search.parse_query(TERM), sort=sort)
        assert (
            dated.total is None
            and dated.entries[0:20] == list(search.search(search.parse_query(TERM), sort=sort).entries)[:20]
        )


def test_facet_filters_count_the_total_exactly_when_they_bring_it_under_the_limit(generated, settings):
    expected = _expected(TERM)
    per_org = Counter(SearchEntry.objects.filter(item_id__in=expected).values_list("organization_id", flat=True))
    (small_org, small), *_ = sorted(per_org.items(), key=lambda kv: kv[1])
    big_org, big = per_org.most_common(1)[0]
    assert small < big
    settings.SEARCH_COUNT_LIMIT = small
    result = search.search(search.parse_query(TERM), search.Filters(organization=small_org))
    assert result.approximate and result.total == small
    in_org = _expected(TERM, organization_id=small_org)
    assert list(result.entries) == in_org and result.entries.preloaded == in_org  # read once, in order
    assert result.entries[3:9] == in_org[3:9] and result.entries[small + 2 : small + 9] == []
    dated = search.search(search.parse_query(TERM), search.Filters(organization=small_org), sort="date")
    assert dated.total == small and list(dated.entries) == list(
        SearchEntry.objects.filter(item_id__in=in_org)
        .order_by("-published_at", "-item_id")
        .values_list("item_id", flat=True)
    )
    number = search.search(search.parse_query(TERM), search.Filters(organization=small_org, year=2099))
    assert number.approximate and number.total == 0 and list(number.entries) == []
    result = search.search(search.parse_query(TERM), search.Filters(organization=big_org))
    assert result.approximate and result.total is None
    assert list(result.entries) == _expected(TERM, organization_id=big_org)


def _page(client, **params):
    response = client.get(reverse("disclosures:search"), params)
    assert response.status_code == 200
    return response


def test_page_labels_exact_counts_below_the_limit(client, generated, settings):
    expected = _expected(TERM)
    settings.SEARCH_COUNT_LIMIT = len(expected)
    html = _page(client, q=TERM).content.decode()
    assert f"找到 {len(expected)} 条与“{TERM}”有关的信息" in html
    assert "尾页" in html and "超过" not in html and "近似值" not in html
    assert not re.search(r"（\d+\+）", html)


def test_page_labels_approximate_counts_and_pages_past_the_limit(client, generated, settings):
    expected = _expected(TERM)
    settings.SEARCH_COUNT_LIMIT = 5
    response = _page(client, q=TERM)
    html = response.content.decode()
    assert f"找到超过 5 条与“{TERM}”有关的信息" in html
    assert "以下各项后的数量只统计了其中约 5 条，为近似值：“N+”表示至少 N 条。" in html
    assert re.search(r"（\d+\+）", html) and not re.search(r"（\d+）", html)
    assert "下一页" in html and "尾页" not in html and "上一页" not in html
    seen, number = [], 1
    while True:
        response = _page(client, q=TERM, page=number)
        page = response.context["page"]
        assert page.number == number and page.start_index() == len(seen) + 1
        seen += [item.pk for item in response.context["items"]]
        html = response.content.decode()
        assert ("上一页" in html) == (number > 1)
        if not page.has_next():
            assert "下一页" not in html
            break
        assert f"page={number + 1}" in html
        number += 1
    assert seen == expected and number == (len(expected) + 19) // 20
    response = _page(client, q=TERM, page=number + 5)
    assert (
        response.context["page"].number == 1 and f"第{number + 5}页没有结果，已显示第1页。" in response.content.decode()
    )


def test_page_with_a_filter_under_the_limit_shows_the_exact_total(client, generated, settings):
    expected = _expected(TERM)
    per_kind = Counter(SearchEntry.objects.filter(item_id__in=expected).values_list("kind", flat=True))
    kind, n = min(per_kind.items(), key=lambda kv: kv[1])
    settings.SEARCH_COUNT_LIMIT = n
    html = _page(client, q=TERM, kind=kind).content.decode()
    assert f"找到 {n} 条与“{TERM}”有关的信息" in html and "近似值" in html


@pytest.mark.parametrize("number", ["abc", "0", "-1", "99999999999", "3.5", "", "１"])
def test_malformed_page_above_the_limit_never_fails(client, generated, settings, number):
    settings.SEARCH_COUNT_LIMIT = 5
    response = _page(client, q=TERM, page=number, organization="nope", year="x")
    assert response.context["page"].number >= 1 and response.context["items"]


def test_fixed_query_count_above_the_limit(client, generated, settings, django_assert_max_num_queries):
    from django.db import connection

    settings.SEARCH_COUNT_LIMIT = 5
    org = SearchEntry.objects.values_list("organization_id", flat=True).first()
    from portal.models import Organization

    slug = Organization.objects.get(pk=org).slug
    for params in [
        {"q": TERM},
        {"q": TERM, "page": "3"},
        {"q": TERM, "organization": slug, "page": "2"},
        {"q": TERM, "page": "400"},
        {"q": "村 工作", "sort": "date", "page": "2"},
        {"kind": "policy"},
    ]:
        # one more than below the limit (the bounded filtered total; PostgreSQL wraps it like the
        # counting query), and a page past the end reads page 1 again (two more)
        with django_assert_max_num_queries(18 if connection.vendor == "postgresql" else 14):
            _page(client, **params)


@pytest.mark.parametrize("window", [1, 7, 40])
def test_title_matches_past_the_walked_window_keep_their_place(generated, settings, monkeypatch, window):
    """Above the limit the title tier walks only the TITLE_WINDOW newest entries and reads older
    title matches through the index (a term in few titles walked all 1M entries): same list, same
    pages, whichever page is asked for first."""
    monkeypatch.setattr(search.query, "TITLE_WINDOW", window)
    settings.SEARCH_COUNT_LIMIT = 10
    for text in (TERM, "资金", "发放"):
        expected = _expected(text)
        assert len(expected) > 21, text
        assert search.search(search.parse_query(text)).entries[0:7] == expected[:7]
        assert search.search(search.parse_query(text)).entries[14:21] == expected[14:21]  # a later page first
        paged = []
        result = search.search(search.parse_query(text))
        for start in range(0, len(expected) + 7, 7):
            paged += result.entries[start : start + 7]
        assert paged == expected, text
        assert result.entries.windowed and result.entries._title_window() is not None  # the windowed path ran


@pytest.mark.postgres
def test_the_index_queries_run_in_one_process_with_an_exact_bitmap():
    # Parallel workers cost more than the bounded scan they would share, and made the “N+” lower
    # bounds change between identical requests (which rows came first depended on the workers).
    from django.db import connection

    from disclosures.search.query import BITMAP_WORK_MEM, _in_plan

    def settings_in_plan():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('max_parallel_workers_per_gather'), current_setting('work_mem')")
            return cursor.fetchone()

    assert _in_plan(True, settings_in_plan) == ("0", BITMAP_WORK_MEM)
