"""A registry of reminder runs, so one command (`manage.py remind_deadlines`) reminds staff of every
app's deadlines without the core, or one feature app, importing another.

A feature app registers `run(today, dry_run) -> (sent, lines)` in its AppConfig.ready(); the
command calls its own run first and then `run_registered`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

Run = Callable[[datetime.date, bool], tuple[int, list[str]]]
SOURCES: dict[str, Run] = {}


def register(name: str, run: Run) -> None:
    SOURCES[name] = run


def run_registered(today: datetime.date, dry_run: bool = False) -> tuple[int, list[str]]:
    sent, lines = 0, []
    for name in sorted(SOURCES):
        count, more = SOURCES[name](today, dry_run)
        sent += count
        lines += more
    return sent, lines
