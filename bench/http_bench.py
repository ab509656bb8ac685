"""HTTP benchmark of the public pages through gunicorn (issue 12). Not a test: run by hand; it
rewrites its own section of bench/RESULTS.md (between the "http bench" markers).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_perf FIELD_ENCRYPTION_KEYS=…
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py demo
    .venv/bin/python manage.py generate_corpus 100000 --seed 1
    .venv/bin/python -m bench.http_bench [--seconds 6] [--redis redis://127.0.0.1:6379/5]

For each mode — page cache off (every page rendered), page cache on the database (the default
without Redis), page cache on Redis — it starts the portal (production settings, DEBUG off,
persistent connections) with gunicorn, 2 sync workers, and beside it a bare Django view
(bench/bare.py: no middleware, no database) with the same gunicorn settings. For every public
page it runs wrk (2 threads, 8 connections) on the bare view and then on the page, alternating, so
both see the same machine load; the ratio is page req/s ÷ the bare run just before it. Then:
10,000 item-page views on 8 concurrent connections are counted (`flush_view_counts`) against the
200 answers received, once with one worker killed (SIGKILL) in the middle; and an edit is timed
from its commit until 20 answers in a row (new connections, so both workers) show it.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from bench.results import write_section

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
PORTAL_PORT, BARE_PORT = 8111, 8112


def mode_env(mode: str, redis_url: str) -> dict:
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PAGE_CACHE_SECONDS="0" if mode == "off" else "60",
    )
    env.pop("REDIS_URL", None)
    env.pop("CACHE_URL", None)
    if mode == "redis":
        env["REDIS_URL"] = redis_url
    return env


def start(app: str, port: int, env: dict) -> subprocess.Popen:
    proc = subprocess.Popen(
        [GUNICORN, app, "--workers", "2", "--worker-class", "sync", "--bind", f"127.0.0.1:{port}"]
        + ["--log-level", "warning", "--graceful-timeout", "2"],
        env=env,
        cwd=ROOT,
    )
    for _ in range(100):
        try:
            get(port, "/")
            return proc
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn on {port} did not start")


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def get(port: int, path: str, conn=None):
    c = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("GET", path, headers={"Accept-Encoding": "gzip"})
    r = c.getresponse()
    body = r.read()
    if conn is None:
        c.close()
    return r.status, dict(r.getheaders()), body


def wrk(port: int, path: str, seconds: int) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c8",
            f"-d{seconds}s",
            "--latency",
            "-H",
            "Accept-Encoding: gzip",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p99": p99, "bad": int(bad.group(1)) if bad else 0}


def pages() -> list[tuple[str, str]]:
    import django

    django.setup()
    from disclosures.models import Category, DisclosureItem

    busiest = Category.objects.filter(depth=1).order_by("path").first()
    item = DisclosureItem.objects.published().order_by("-published_at").first()
    q = urllib.parse.quote("养老")
    return [
        ("公开栏 /", "/"),
        ("公开目录 /catalog/", "/catalog/"),
        ("目录列表", busiest.get_absolute_url()),
        ("信息详情页", item.get_absolute_url()),
        ("公开指南 /guide/", "/guide/"),
        ("检索 /search/?q=养老", f"/search/?q={q}"),
        ("开放数据 /api/items.json", "/api/items.json"),
        ("订阅 /feeds/latest/", "/feeds/latest/"),
        ("网站地图 /sitemap.xml", "/sitemap.xml"),
        ("年度报告 /reports/", "/reports/"),
        ("留言选登 /interact/messages/", "/interact/messages/"),
    ]


def manage(env: dict, *args: str) -> str:
    command = [PYTHON, "manage.py", *args]
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=True).stdout


def stored_count(env: dict, pk: int) -> int:
    manage(env, "flush_view_counts")
    code = f"from disclosures.models import DisclosureItem as D; print(D.objects.get(pk={pk}).view_count)"
    return int(manage(env, "shell", "-c", code).strip().splitlines()[-1])


def count_views(env: dict, proc: subprocess.Popen, path: str, pk: int, total: int, kill: bool) -> dict:
    before = stored_count(env, pk)
    lock = threading.Lock()
    state = {"ok": 0, "failed": 0, "sent": 0, "killed": None}
    per_thread = total // 8

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", PORTAL_PORT, timeout=30)
        for _ in range(per_thread):
            with lock:
                state["sent"] += 1
                if kill and state["killed"] is None and state["sent"] >= total // 3:
                    pgrep = ["pgrep", "-P", str(proc.pid)]  # the workers of the gunicorn started here
                    children = subprocess.run(pgrep, capture_output=True, text=True).stdout.split()
                    state["killed"] = int(children[0])
                    os.kill(state["killed"], signal.SIGKILL)
            try:
                status, _, _ = get(PORTAL_PORT, path, conn)
                with lock:
                    state["ok" if status == 200 else "failed"] += 1
            except (OSError, http.client.HTTPException):
                with lock:
                    state["failed"] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORTAL_PORT, timeout=30)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    # The workers let their spool files go every VIEW_COUNT_SPOOL_SECONDS; then flush_view_counts folds them.
    time.sleep(int(env.get("VIEW_COUNT_SPOOL_SECONDS", 5)) + 1)
    counted = stored_count(env, pk) - before
    return {**state, "counted": counted, "seconds": elapsed}


def visibility(env: dict, path: str, pk: int) -> float:
    """Seconds from an edit's commit until 20 answers in a row on new connections show it."""
    for _ in range(10):
        get(PORTAL_PORT, path)  # cached on both workers
    marker = f"标题已修改{time.time_ns()}"
    code = (
        "import time; from disclosures.models import DisclosureItem as D; "
        f"i = D.objects.get(pk={pk}); i.title = i.title.split('·')[0] + '·{marker}'; i.save(); print(time.time())"
    )
    committed = float(manage(env, "shell", "-c", code).strip().splitlines()[-1])
    streak, first_all = 0, None
    while streak < 20:
        _, headers, body = get(PORTAL_PORT, path)
        if headers.get("Content-Encoding") == "gzip":
            import gzip

            body = gzip.decompress(body)
        if marker.encode() in body:
            streak += 1
            first_all = first_all or time.time()
        else:
            streak, first_all = 0, None
        if time.time() - committed > 30:
            return float("inf")
    return max(0.0, first_all - committed)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    mem = next((line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")), "0")
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return (
        f"{platform.node()}: {os.cpu_count()} × {cpu}, {int(mem) // 1024 // 1024} GB RAM, "
        f"Python {platform.python_version()}, {pg}; load average before {open('/proc/loadavg').read().split()[:3]}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--views", type=int, default=10000)
    args = parser.parse_args()
    page_list = pages()
    from disclosures.models import DisclosureItem

    item_path = dict(page_list)["信息详情页"]
    item_pk = int(item_path.strip("/").split("/")[-1])
    counted_item = DisclosureItem.objects.published().order_by("-published_at")[5]
    header = machine()
    bare_env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    bare = start("bench.bare:application", BARE_PORT, bare_env)
    results: dict[str, dict[str, tuple[dict, dict, str]]] = {}
    checks: dict[str, list[str]] = {}
    try:
        for mode in ("off", "db", "redis"):
            env = mode_env(mode, args.redis)
            portal = start("bench.wsgi:application", PORTAL_PORT, env)
            try:
                results[mode] = {}
                for label, path in page_list:
                    get(PORTAL_PORT, path)
                    status, headers, _ = get(PORTAL_PORT, path)
                    hit = headers.get("X-Page-Cache") == "hit"
                    b = wrk(BARE_PORT, "/", args.seconds)
                    p = wrk(PORTAL_PORT, path, args.seconds)
                    results[mode][label] = (b, p, "命中" if hit else ("—" if mode == "off" else f"未缓存 ({status})"))
                    print(mode, label, f"{p['rps']:.0f} / {b['rps']:.0f}", flush=True)
                if mode != "off":
                    lines = []
                    for kill in (False, True):
                        c = count_views(env, portal, counted_item.get_absolute_url(), counted_item.pk, args.views, kill)
                        what = "杀掉一个 worker（SIGKILL）" if kill else "正常"
                        exact = "✅ 准确" if c["counted"] == c["ok"] else "❌ 不符"
                        cells = [what, c["sent"], c["ok"], c["failed"], c["counted"], exact, f"{c['seconds']:.1f} s"]
                        lines.append("| " + " | ".join(str(cell) for cell in cells) + " |")
                        print(lines[-1], flush=True)
                    delay = visibility(env, item_path, item_pk)
                    lines.append(
                        f"\n修改提交后到 20 次连续应答（新连接，两个 worker）都显示新内容：**{delay * 1000:.0f} ms**"
                    )
                    checks[mode] = lines
            finally:
                stop(portal)
    finally:
        stop(bare)
    write(header, results, checks, args)


def write(header, results, checks, args) -> None:
    names = {"off": "页面缓存关闭（每次渲染，冷页面）", "db": "页面缓存：数据库（默认）", "redis": "页面缓存：Redis"}
    out = [
        "## HTTP 吞吐量 · Public pages through gunicorn (bench/http_bench.py, issue 12)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {header}; load average after "
        f"{open('/proc/loadavg').read().split()[:3]}. 100,000+ published items on PostgreSQL, production settings "
        f"(DEBUG off, CONN_MAX_AGE=600), gunicorn 2 sync workers, wrk 2 threads × 8 connections, {args.seconds} s per "
        "measurement on the same machine (the client shares the 2 cores), bare view and page alternating; "
        "ratio = page ÷ the bare run just before it. The machine is shared: the load averages show what else ran.",
        "",
    ]
    for mode, rows in results.items():
        out += [f"### {names[mode]}", "", "| 页面 | 缓存 | 请求/秒 | 裸视图 请求/秒 | 比值 | p99 ms | 裸视图 p99 ms |"]
        out.append("|---|---|---|---|---|---|---|")
        for label, (b, p, hit) in rows.items():
            ratio = p["rps"] / b["rps"] if b["rps"] else 0
            bad = f" ({p['bad']} 非 2xx)" if p["bad"] else ""
            cells = [label, hit, f"{p['rps']:.0f}{bad}", f"{b['rps']:.0f}", f"{ratio:.2f}×"]
            cells += [f"{p['p99']:.1f}", f"{b['p99']:.1f}"]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
        if mode in checks:
            out += [
                f"浏览量核对（{args.views} 次详情页请求，8 个并发连接；"
                "`flush_view_counts` 后的增量对比收到的 200 应答）：",
                "",
                "| 情形 | 发出 | 200 应答 | 失败 | 计入 | 结果 | 用时 |",
                "|---|---|---|---|---|---|---|",
                *checks[mode],
                "",
            ]
    write_section("http bench", "\n".join(out))


if __name__ == "__main__":
    sys.exit(main())
