"""Benchmark: 网站迁移 of 10,000 rows (issue 11 target: ≤ 60 s on PostgreSQL on this machine).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_importbench .venv/bin/python bench/import_bench.py

Creates (or empties) the database named in DATABASE_URL by migrating it and deleting its items,
writes a CSV like an old site's export (realistic bodies from disclosures/corpus.py, 原网址 on every
row, half without 成文日期, 3% bad rows, 2% rows with an identity number), and times in one run:
the dry run, the import, and the same file again (everything unchanged). Replaces its section of
bench/RESULTS.md. Not a test: numbers depend on the machine; the load average is printed beside them.
"""

from __future__ import annotations

import csv
import datetime
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "bench:T0162jBPPYumHVqWf/JAWtemsDAU+cOJYuN+GVJj2dE=")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.results import write_section  # noqa: E402
from disclosures import corpus  # noqa: E402
from disclosures.models import DisclosureItem, IndexSequence, ItemKind, SearchEntry  # noqa: E402
from disclosures.site_import.columns import HEADERS  # noqa: E402
from disclosures.site_import.run import import_file  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", 10_000))
ID = "530523199001011235"
KIND_LABELS = dict(ItemKind.choices)
VALIDITY = {"valid": "有效", "expired": "失效", "repealed": "废止", "": ""}


def write_file(path: str) -> dict:
    rng = random.Random(11)
    orgs = corpus.ensure_organizations()
    leaves = corpus.ensure_categories()
    by_kind: dict = {}
    for leaf in leaves:
        by_kind.setdefault(leaf.kind, []).append(leaf)
    start = timezone.make_aware(datetime.datetime(2012, 1, 1))
    span = int((timezone.make_aware(datetime.datetime(2024, 12, 31)) - start).total_seconds())
    counts = {"bad": 0, "pii": 0}
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        for serial in range(1, ROWS + 1):
            item = corpus.make_item(rng, serial, orgs, by_kind, leaves, start, span, {})
            published = timezone.localtime(item.published_at)
            values = {
                "标题": item.title,
                "发布日期": published.strftime("%Y-%m-%d %H:%M:%S"),
                "成文日期": item.written_date.isoformat() if rng.random() < 0.5 else "",
                "文号": item.document_number,
                "索引号": "",
                "发布机构": item.organization.name,
                "公开目录": item.category.path,
                "信息类型": KIND_LABELS[item.kind],
                "内容概述": item.summary,
                "主题词": item.keywords,
                "正文": item.body,
                "有效性": VALIDITY[item.validity],
                "附件": "",
                "原网址": f"http://old.example.gov.cn/info/{serial}.html",
            }
            roll = rng.random()
            if roll < 0.03:
                values["发布日期"] = rng.choice(["", "去年", "2099-01-01"])
                counts["bad"] += 1
            elif roll < 0.05:
                values["正文"] += f"<p>低保对象：张三，身份证号 {ID}</p>"
                counts["pii"] += 1
            writer.writerow([values[h] for h in HEADERS])
    return counts


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL: DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_importbench")
    call_command("migrate", verbosity=0)
    SearchEntry.objects.all().delete()
    DisclosureItem.objects.all().delete()
    IndexSequence.objects.all().delete()
    user = get_user_model().objects.filter(username="bench-admin").first() or get_user_model().objects.create_superuser(
        "bench-admin", password="not-used-bench-only"
    )
    folder = tempfile.mkdtemp(prefix="import-bench-")
    path = os.path.join(folder, "old-site.csv")
    injected = write_file(path)
    size_mb = os.path.getsize(path) / 1024 / 1024

    timings = {}
    summaries = {}
    for label, dry in (("试导入 dry run", True), ("导入 import", False), ("再次导入 same file again", False)):
        load = os.getloadavg()[0]
        began = time.perf_counter()
        summaries[label] = import_file(path, user=user, dry_run=dry)
        timings[label] = (time.perf_counter() - began, load)
    indexed = SearchEntry.objects.count()
    published = DisclosureItem.objects.filter(status="published").count()

    lines = [
        f"Run {timezone.localtime():%Y-%m-%d %H:%M} (Asia/Shanghai) on {platform.node()}: "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL "
        f"{connection.cursor().connection.info.server_version}; other sessions share the machine "
        "(load average at the start of each step is shown).",
        "",
        f"File: {ROWS:,} rows, {size_mb:.1f} MB CSV (bodies from disclosures/corpus.py, 原网址 on every row, "
        f"half without 成文日期), into a database without items (the bench empties its own); "
        f"{injected['bad']} rows with a bad 发布日期, "
        f"{injected['pii']} with an identity number.",
        "",
        "| step | seconds | rows/s | load | result |",
        "|---|---:|---:|---:|---|",
    ]
    for label, (seconds, load) in timings.items():
        s = summaries[label]
        lines.append(f"| {label} | {seconds:.1f} | {ROWS / seconds:,.0f} | {load:.2f} | {s.text()} |")
    met = timings["导入 import"][0] <= 60
    lines += [
        "",
        f"Published items after the run: {published:,}; search entries: {indexed:,} (every published item indexed).",
        "",
        f"Target: 10,000 rows in ≤ 60 s on PostgreSQL ({'met' if met else 'NOT met'}). The import checks every row "
        "first, then works in batches of 500 rows, one transaction each: one query to find what earlier runs "
        "brought in, one bulk INSERT of the drafts and of their origins, the pre-publication checks in memory "
        "(personal data and content rules over title, summary, body and attachment text), one UPDATE publishing "
        "the batch with 索引号 allocated per period, one INSERT of the audit records and one upsert of the search "
        "entries.",
    ]
    write_section("import bench", "\n".join(lines), heading="## 网站迁移 · Site import (bench/import_bench.py)\n\n")


if __name__ == "__main__":
    main()
