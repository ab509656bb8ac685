"""Old against new cold pages, side by side: runs bench/cold_pages.py from two checkouts in
alternation against one database (the same data, the same load) and prints the medians and ratios.

    .venv/bin/python bench/cold_compare.py /path/to/old/checkout [rounds] [runs]

Each checkout must contain bench/cold_pages.py (copy it into the old one).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

NEW = Path(__file__).resolve().parent.parent


def run(checkout: Path, runs: int) -> dict:
    out = subprocess.run(
        [str(checkout / ".venv/bin/python"), "-m", "bench.cold_pages", str(runs)],
        cwd=checkout,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    old = Path(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    times: dict[str, dict[str, list[float]]] = {"old": {}, "new": {}}
    cpu: dict[str, dict[str, list[float]]] = {"old": {}, "new": {}}
    queries = {}
    for _ in range(rounds):
        for name, checkout in (("old", old), ("new", NEW)):
            result = run(checkout, runs)
            for url, values in result["times"].items():
                times[name].setdefault(url, []).extend(values)
            for url, values in result["cpu"].items():
                cpu[name].setdefault(url, []).extend(values)
            queries[name] = result["queries"]
    print(
        "| page | wall p50 old ms | wall p50 new ms | old/new | CPU p50 old ms | CPU p50 new ms | old/new"
        " | queries old → new |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for url in times["old"]:
        o, n = statistics.median(times["old"][url]), statistics.median(times["new"][url])
        co, cn = statistics.median(cpu["old"][url]), statistics.median(cpu["new"][url])
        print(
            f"| `{url}` | {o:.1f} | {n:.1f} | {o / n:.2f}× | {co:.1f} | {cn:.1f} | {co / cn:.2f}×"
            f" | {queries['old'][url]} → {queries['new'][url]} |"
        )


if __name__ == "__main__":
    main()
