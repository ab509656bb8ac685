"""Search benchmark (PostgreSQL). Not a test: run by hand and paste the output into bench/RESULTS.md.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_search
    .venv/bin/python manage.py generate_corpus 100000 --seed 1      # timed separately
    DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python -m bench.search_bench [--rebuild] [--rps-seconds 10]

Measures, on the data already in the database:
- server-side latency (Django test client in-process: URL routing, middleware, view, queries,
  template; the shared page cache is off) of /search/ for a common 2-character term, a 2-character
  term in ~3% of the items, a rare 4-character phrase, an absent term and
  a 文号 (typed with [ ] brackets), each with and without filters (organization + year); p50/p95;
- the same for the naive icontains view on absent and common terms;
- requests per second through gunicorn (2 workers = the 2 cores) for /search/, a minimal view and the
  icontains view, driven by a small threaded HTTP client running on the same machine;
- storage: everything the search stores (its table with TOAST and every index, the GIN index
  included) against the item table (with TOAST and its indexes; also without indexes), the ratio,
  and the share of each search column (issue 12: at most 1.5× the item table);
- with --rebuild, the time of a full index rebuild (`reindex`); --storage-only stops after the
  storage table, --no-rps skips the gunicorn throughput part.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import subprocess
import sys
import threading
import time
import urllib.parse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
# The search itself is measured, not the shared page cache of public pages (bench/http_bench.py).
os.environ.setdefault("PAGE_CACHE_SECONDS", "0")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from disclosures import search  # noqa: E402
from disclosures.models import DisclosureItem, SearchEntry  # noqa: E402
from portal.models import Organization  # noqa: E402

DUMMY = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
COMMON = ["工作", "资金", "发放", "公开", "救助"]
# Village-name bigrams: each in ~3% of the generated items (between the rare phrases and the counting limit).
MEDIUM = ["竹村", "槐村", "湖村", "桥村", "溪村"]
ABSENT = ["量子纠缠", "区块链条", "火星基地", "深海潜艇", "冰川融化"]


def pick_rare_phrases(n=5, seed=3, most=None) -> list[str]:
    """4-character phrases found in at most 0.4% of the items (a generated village name and the
    next character; the templated corpus has few rarer 4-character Han phrases)."""
    import re

    from disclosures.corpus import SYLLABLES

    pattern = re.compile(f"[{SYLLABLES}]{{2}}村[\u4e00-\u9fff]")
    rng = random.Random(seed)
    last = SearchEntry.objects.order_by("-item_id").values_list("item_id", flat=True).first()
    found = []
    while len(found) < n:
        entry = SearchEntry.objects.filter(item_id__gte=rng.randint(1, last)).order_by("item_id").first()
        candidates = [p for p in pattern.findall(entry.search_text) if p not in found]
        if not candidates:
            continue
        phrase = rng.choice(candidates)
        limit = most or max(20, SearchEntry.objects.count() // 250)
        if 1 <= search.match(SearchEntry.objects.all(), search.parse_query(phrase)).count() <= limit:
            found.append(phrase)
    return found


def pick_numbers(n=5, seed=4) -> list[str]:
    rng = random.Random(seed)
    numbers = list(
        DisclosureItem.objects.published()
        .exclude(document_number="")
        .order_by("pk")
        .values_list("document_number", flat=True)[:5000]
    )
    return [x.replace("〔", "[").replace("〕", "]") for x in rng.sample(numbers, n)]


def timed(client: Client, path: str, params_list: list[dict], reps: int) -> list[float]:
    for params in params_list:  # warm-up
        client.get(path, params)
    samples = []
    for _ in range(reps):
        for params in params_list:
            start = time.perf_counter()
            response = client.get(path, params)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, params, response.status_code)
    return samples


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def latency(reps: int) -> list[tuple]:
    client = Client()
    org = Organization.objects.order_by("pk").first()
    filters = {"organization": org.slug, "year": "2020"}
    kinds = [
        ("常见2字词", COMMON),
        ("中频2字词", MEDIUM),
        ("罕见4字短语", pick_rare_phrases()),
        ("不存在的词", ABSENT),
        ("文号（[ ]写法）", pick_numbers()),
    ]
    rows = []
    for label, terms in kinds:
        for with_filters in (False, True):
            params = [{"q": t, **(filters if with_filters else {})} for t in terms]
            samples = timed(client, "/search/", params, reps)
            hits = [search.search(search.parse_query(t), None).entries.count() for t in terms]  # exact
            rows.append(
                (
                    "/search/",
                    label,
                    "机构+年份" if with_filters else "无",
                    pct(samples, 50),
                    pct(samples, 95),
                    f"{min(hits)}–{max(hits)}",
                    ", ".join(terms),
                )
            )
    for label, terms in [("不存在的词", ABSENT[:2]), ("常见2字词", COMMON[:2])]:
        samples = timed(client, "/bench/icontains/", [{"q": t} for t in terms], max(2, reps // 10))
        rows.append(("icontains", label, "无", pct(samples, 50), pct(samples, 95), "", ", ".join(terms)))
    return rows


def engine_vs_icontains(reps: int) -> list[tuple]:
    """Database work only (no HTTP, no template): search.search() plus one page of ids, against
    the icontains queryset's count plus one page."""
    from django.db.models import Q
    from django.test import override_settings

    rows = []
    with override_settings(CACHES={"default": DUMMY, "pages": DUMMY}):
        for label, terms in [("不存在的词", ABSENT), ("常见2字词", COMMON)]:
            mine, naive = [], []
            for _ in range(reps):
                for term in terms:
                    start = time.perf_counter()
                    result = search.search(search.parse_query(term))
                    list(result.entries[0:20])
                    mine.append((time.perf_counter() - start) * 1000)
            for term in terms[:2]:
                for _ in range(2):
                    start = time.perf_counter()
                    qs = DisclosureItem.objects.published().filter(
                        Q(title__icontains=term) | Q(body__icontains=term) | Q(document_number__icontains=term)
                    )
                    qs.count()
                    list(qs.order_by("-published_at", "-id").values_list("pk", flat=True)[:20])
                    naive.append((time.perf_counter() - start) * 1000)
            rows.append((label, pct(mine, 50), pct(naive, 50), pct(naive, 50) / pct(mine, 50)))
    return rows


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


def storage() -> tuple[list[tuple[str, str]], float]:
    """(label, size) rows and the ratio search / item table (both with TOAST and indexes)."""
    with connection.cursor() as cursor:

        def one(sql: str) -> int:
            cursor.execute(sql)
            return int(cursor.fetchone()[0] or 0)

        item_total = one("SELECT pg_total_relation_size('disclosures_disclosureitem')")
        item_table = one("SELECT pg_table_size('disclosures_disclosureitem')")
        search_total = one("SELECT pg_total_relation_size('disclosures_searchentry')")
        search_table = one("SELECT pg_table_size('disclosures_searchentry')")
        rows = [
            ("公开信息表 disclosures_disclosureitem：表+TOAST+全部索引", _mb(item_total)),
            ("　其中表+TOAST（不含索引）", _mb(item_table)),
            ("检索表 disclosures_searchentry：表+TOAST+全部索引", _mb(search_total)),
            ("　其中表+TOAST（不含索引）", _mb(search_table)),
        ]
        cursor.execute(
            "SELECT c.relname, pg_relation_size(c.oid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = 'disclosures_searchentry'::regclass ORDER BY 2 DESC"
        )
        rows += [(f"　索引 {name}", _mb(size)) for name, size in cursor.fetchall()]
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = 'disclosures_searchentry'::regclass "
            "AND attnum > 0 AND NOT attisdropped AND attname IN "
            "('search_text', 'title_text', 'title_tokens', 'body_tokens', 'search') ORDER BY attnum"
        )
        columns = [r[0] for r in cursor.fetchall()]
        sums = ", ".join(f"sum(pg_column_size({c}))" for c in columns)
        cursor.execute(f"SELECT {sums} FROM disclosures_searchentry")
        for column, size in zip(columns, cursor.fetchone(), strict=True):
            rows.append((f"　列 {column}（存储后大小，含压缩）", _mb(int(size or 0))))
    ratio = search_total / item_total
    rows.append(("**检索存储 / 公开信息表（均含TOAST和索引）**", f"**{ratio:.2f}×**"))
    rows.append(("检索存储 / 公开信息表（不含索引的表+TOAST）", f"{search_total / item_table:.2f}×"))
    return rows, ratio


def _load(port: int, path: str, seconds: float, threads: int) -> float:
    stop = time.monotonic() + seconds
    counts = [0] * threads

    def worker(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status}")
            counts[n] += 1

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    start = time.monotonic()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return sum(counts) / (time.monotonic() - start)


def rps(seconds: float, threads: int = 4, port: int = 8765) -> list[tuple]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings", DEBUG="0", CONN_MAX_AGE="60")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/bench/minimal/")
                break
            except OSError:
                time.sleep(0.1)
        rows = []
        for label, path in [
            ("最小视图 /bench/minimal/", "/bench/minimal/"),
            ("/search/ 常见2字词“工作”", "/search/?q=" + urllib.parse.quote("工作")),
            ("/search/ 不存在的词", "/search/?q=" + urllib.parse.quote("量子纠缠")),
            ("/search/ 文号", "/search/?q=" + urllib.parse.quote(pick_numbers(1)[0])),
            ("icontains 常见2字词“工作”", "/bench/icontains/?q=" + urllib.parse.quote("工作")),
            ("icontains 不存在的词", "/bench/icontains/?q=" + urllib.parse.quote("量子纠缠")),
        ]:
            _load(port, path, 1, threads)  # warm-up
            rows.append((label, _load(port, path, seconds, threads)))
        return rows
    finally:
        server.terminate()
        server.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=10, help="repetitions of each term")
    parser.add_argument("--rps-seconds", type=float, default=10)
    parser.add_argument("--rebuild", action="store_true", help="also time a full `reindex`")
    parser.add_argument("--storage-only", action="store_true", help="stop after the storage table")
    parser.add_argument("--no-rps", action="store_true", help="skip the gunicorn throughput part")
    args = parser.parse_args()

    published = DisclosureItem.objects.published().count()
    print(f"## {published:,} 条已发布信息（PostgreSQL {connection.cursor().connection.info.server_version}）\n")
    print(
        f"机器：{platform.processor() or platform.machine()}，{os.cpu_count()} 核，"
        f"Python {platform.python_version()}，负载 {os.getloadavg()[0]:.1f}，"
        f"SEARCH_COUNT_LIMIT={search.count_limit()}\n"
    )
    if args.rebuild:
        start = time.perf_counter()
        search.reindex(batch_size=1000)
        print(f"全量重建索引（reindex，{published:,} 条）：{time.perf_counter() - start:.0f} 秒\n")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE disclosures_searchentry")
    print("### 存储（pg_total_relation_size 等）\n")
    print("| 对象 | 大小 |\n|---|---:|")
    for label, value in storage()[0]:
        print(f"| {label} | {value} |")
    sys.stdout.flush()
    if args.storage_only:
        return
    from django.test import override_settings

    for title, caches in [
        ("不使用缓存（每次都查询数据库）", {"default": DUMMY, "pages": DUMMY}),
        (
            "使用计数缓存（本地内存，60 秒，发布/撤回即失效）",
            {
                "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench"},
                "pages": DUMMY,
            },
        ),
    ]:
        with override_settings(CACHES=caches):
            print(f"\n### 服务端延迟：{title}（进程内 Django 测试客户端，含路由、中间件、查询和模板；毫秒）\n")
            print("| 视图 | 查询类型 | 筛选 | p50 | p95 | 命中数 | 检索词 |\n|---|---|---|---:|---:|---|---|")
            for view, label, filt, p50, p95, hits, terms in latency(args.reps):
                print(f"| {view} | {label} | {filt} | {p50:.1f} | {p95:.1f} | {hits} | {terms} |")
            sys.stdout.flush()
    print("\n### 仅数据库部分：检索模块 vs icontains（p50，毫秒；不含 HTTP 和模板）\n")
    print("| 查询类型 | search.search + 一页 | icontains count + 一页 | 倍数 |\n|---|---:|---:|---:|")
    for label, mine, naive, ratio in engine_vs_icontains(args.reps):
        print(f"| {label} | {mine:.1f} | {naive:.1f} | {ratio:.0f}× |")
    sys.stdout.flush()
    if args.no_rps:
        return
    print(
        f"\n### 吞吐量（gunicorn 2 个 worker，默认本地内存缓存，本机 4 线程客户端，每项 {args.rps_seconds:.0f} 秒；"
        "请求/秒）\n"
    )
    print("| 地址 | 请求/秒 |\n|---|---:|")
    for label, value in rps(args.rps_seconds):
        print(f"| {label} | {value:.1f} |")


if __name__ == "__main__":
    main()
