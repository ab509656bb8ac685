"""Cold pages through gunicorn, old checkout against new (issue 12, “Cold pages”). Not a test.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_pages_bench FIELD_ENCRYPTION_KEYS=…
    .venv/bin/python -m bench.cold_http /path/to/old/checkout [--seconds 5] [--rounds 2]

bench/http_bench.py's setup (production settings, page cache on the database, 2 sync workers,
wrk -t2 -c8, a bare Django view with the same gunicorn settings run just before each page), but
every request wrk sends has a query string of its own (`?cold=…`), so every answer is a page-cache
miss: the page is rendered and stored. The two checkouts are served in turn, each round.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import tempfile
from pathlib import Path

from bench.http_bench import BARE_PORT, PORTAL_PORT, get, mode_env, stop

ROOT = Path(__file__).resolve().parent.parent
LUA = """
local threads = 0
function setup(thread) threads = threads + 1; thread:set("tid", threads) end
function init(args) counter = 0; prefix = tostring(os.time()) .. "-" .. tostring(tid) .. "-" end
function request()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "?cold=" .. prefix .. counter)
end
"""


def start(checkout: Path, app: str, port: int, env: dict) -> subprocess.Popen:
    import time

    proc = subprocess.Popen(
        [str(checkout / ".venv/bin/gunicorn"), app, "--workers", "2", "--worker-class", "sync"]
        + ["--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--graceful-timeout", "2"],
        env=env,
        cwd=checkout,
    )
    for _ in range(100):
        try:
            get(port, "/bench/minimal/" if port == PORTAL_PORT else "/")
            return proc
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn on {port} did not start")


def wrk(port: int, path: str, seconds: int, script: str | None) -> float:
    args = ["wrk", "-t2", "-c8", f"-d{seconds}s", "-H", "Accept-Encoding: gzip"]
    if script:
        args += ["-s", script]
    out = subprocess.run(args + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out.stdout)
    assert not bad, out.stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out.stdout).group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("old")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--pages", default="/,/items/99/,/catalog/fdzdgk/czyjs/")
    args = parser.parse_args()
    env = mode_env("db", "")
    script = Path(tempfile.mkdtemp()) / "cold.lua"
    script.write_text(LUA)
    bare = start(ROOT, "bench.bare:application", BARE_PORT, env)
    ratios: dict[tuple[str, str], list[float]] = {}
    rates: dict[tuple[str, str], list[float]] = {}
    try:
        for _ in range(args.rounds):
            for name, checkout in (("old", Path(args.old)), ("new", ROOT)):
                portal = start(checkout, "bench.wsgi:application", PORTAL_PORT, env)
                try:
                    for path in args.pages.split(","):
                        get(PORTAL_PORT, path + "?cold=warm")
                        base = wrk(BARE_PORT, "/", args.seconds, None)
                        rate = wrk(PORTAL_PORT, path, args.seconds, str(script))
                        ratios.setdefault((name, path), []).append(rate / base)
                        rates.setdefault((name, path), []).append(rate)
                        print(name, path, f"{rate:.1f} req/s, bare {base:.0f}, ratio {rate / base:.4f}", flush=True)
                finally:
                    stop(portal)
    finally:
        stop(bare)
    print("| page | old req/s | new req/s | new/old | old ÷ bare | new ÷ bare |")
    print("|---|---:|---:|---:|---:|---:|")
    for path in args.pages.split(","):
        o, n = statistics.median(rates[("old", path)]), statistics.median(rates[("new", path)])
        ro, rn = statistics.median(ratios[("old", path)]), statistics.median(ratios[("new", path)])
        print(f"| `{path}` | {o:.0f} | {n:.0f} | {n / o:.2f}× | {ro:.3f}× | {rn:.3f}× |")


if __name__ == "__main__":
    main()
