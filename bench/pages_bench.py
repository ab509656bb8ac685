"""Public pages benchmark (PostgreSQL). Not a test: run by hand; it rewrites its own section of
bench/RESULTS.md (between the "pages bench" markers).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_pages_bench
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py demo
    .venv/bin/python manage.py generate_corpus 100000 --seed 1
    .venv/bin/python -m bench.pages_bench

Measures the server-side latency (Django test client in-process: routing, middleware, view, every
query, template) and the number of queries of each public page on the data in the database:
公开栏, 目录 tree, a catalogue list (first and a deep page, with filters), an item page, 指南, the
JSON export, the Atom feed and a sitemap page. The page query counts are also asserted in the tests
(tests/test_public_pages.py); here they show they stay the same at 100k items.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.results import write_section  # noqa: E402
from disclosures.models import Category, DisclosureItem  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RUNS = 30


def measure(client: Client, url: str, before=None) -> tuple[float, float, int]:
    client.get(url)  # warm-up
    times = []
    for _ in range(RUNS):
        if before:
            before()
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    if before:
        before()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries)


def main() -> None:
    published = DisclosureItem.objects.published()
    total = published.count()
    busiest = Category.objects.filter(depth=1).order_by("path").first()
    item = published.order_by("-published_at").first()
    pages = [
        ("公开栏", "/"),
        ("公开目录（树与计数）", "/catalog/"),
        ("公开目录（计数未缓存）", "/catalog/", cache.clear),
        ("目录列表 第1页", busiest.get_absolute_url()),
        ("目录列表 第200页", busiest.get_absolute_url() + "?page=200"),
        ("目录列表 筛选（机构+年份）", busiest.get_absolute_url() + f"?year={item.published_at.year}&kind=general"),
        ("信息详情页", item.get_absolute_url()),
        ("公开指南", "/guide/"),
        ("开放数据 JSON 第1页", "/api/items.json"),
        ("开放数据 JSON 第500页", "/api/items.json?page=500"),
        ("Atom 订阅", "/feeds/latest/"),
        ("网站地图 sitemap-items.xml", "/sitemap-items.xml"),
    ]
    client = Client()
    rows = []
    for label, url, *before in pages:
        p50, p95, queries = measure(client, url, *before)
        rows.append(f"| {label} | `{url}` | {p50:.1f} | {p95:.1f} | {queries} |")
        print(rows[-1])
    load = os.getloadavg()
    pg = connection.cursor()
    pg.execute("select version()")
    version = pg.fetchone()[0].split(",")[0]
    cpu = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    lines = [
        "## 公开页面 · Public pages (bench/pages_bench.py)",
        "",
        f"- date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {cpu} cores; {version}; "
        f"Python {platform.python_version()}; load average at the end {load[0]:.1f}",
        f"- data: {total:,} published items (demo + `generate_corpus 100000 --seed 1`)",
        f"- {RUNS} requests per page after a warm-up, through the Django test client in-process (no HTTP)",
        "",
        "| page | url | p50 ms | p95 ms | queries |",
        "|---|---|---:|---:|---:|",
        *rows,
        "",
        "Each sitemap file lists up to 5,000 URLs (the protocol allows 50,000); the catalogue counts are cached"
        " for 60 s (the first request after expiry pays one GROUP BY over published items).",
    ]
    write_section("pages bench", "\n".join(lines))


if __name__ == "__main__":
    main()
