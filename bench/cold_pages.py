"""Uncached ("cold") render of the public pages, in-process (bench/pages_bench.py's method with the
shared page cache switched off). Not a test: run by hand, usually through bench/cold_compare.py,
which runs this script from two checkouts in alternation against one database.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_pages_bench FIELD_ENCRYPTION_KEYS=…
    .venv/bin/python -m bench.cold_pages [runs]      # one JSON line: wall and CPU ms per request

Every request goes through the whole middleware stack, the view, every query and the templates,
as an anonymous visitor (no session cookie), like a page-cache miss through gunicorn: the page
cache stays on (production settings) and every request has a query string of its own
(`?cold=…`, ignored by the views), so it misses, renders and stores its copy, under the same
content version. `--profile` prints a cProfile of the pages instead.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from disclosures.models import Category, DisclosureItem  # noqa: E402


def urls() -> list[str]:
    published = DisclosureItem.objects.published()
    busiest = Category.objects.filter(depth=1).order_by("path").first()
    item = published.order_by("-published_at").first()
    return ["/", item.get_absolute_url(), busiest.get_absolute_url(), "/bench/minimal/"]


_serial = iter(range(10**9))


def cold(url: str) -> str:
    """The URL with a query string never requested before: a page-cache miss."""
    return f"{url}?cold={os.getpid()}-{next(_serial)}"


def main() -> None:
    runs = int(next((a for a in sys.argv[1:] if a.isdigit()), "30"))
    client = Client()
    pages = urls()
    for url in pages:  # warm-up: templates compiled, connection open, per-process caches filled
        assert client.get(cold(url)).status_code == 200, url
    if "--callgrind" in sys.argv:
        # Under `valgrind --tool=callgrind --collect-atstart=no --toggle-collect=dropwhile_next`:
        # only the requests inside dropwhile are counted (instructions: stable under load).
        import collections
        import itertools

        url = pages[int(sys.argv[sys.argv.index("--callgrind") + 1])]
        collections.deque(itertools.dropwhile(lambda _: client.get(cold(url)) is not None, range(runs)), maxlen=0)
        return
    if "--profile" in sys.argv:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        for url in pages[:3]:
            profiler.enable()
            for _ in range(runs):
                client.get(cold(url))
            profiler.disable()
            print(f"==== {url}")
            pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(45)
            profiler = cProfile.Profile()
        return
    result: dict[str, list[float]] = {url: [] for url in pages}
    cpu: dict[str, list[float]] = {url: [] for url in pages}
    for _ in range(runs):
        for url in pages:  # interleaved, so load changes hit every page alike
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(cold(url))
            result[url].append((time.perf_counter() - start) * 1000)
            cpu[url].append((time.process_time() - start_cpu) * 1000)  # this process only, not PostgreSQL
            assert response.status_code == 200, (url, response.status_code)
    queries = {}
    for url in pages:
        with CaptureQueriesContext(connection) as captured:
            client.get(cold(url))
        queries[url] = len(captured)
    print(json.dumps({"times": result, "cpu": cpu, "queries": queries}))


if __name__ == "__main__":
    main()
