"""The 主动公开 time limit (条例第二十六条): an item is due N working days after it was formed
(成文日期), N = 20 unless its catalogue column sets fewer (社会救助 10 working days,
民办函〔2019〕52号; see docs/rules.md). One rule, used by the dashboard (overdue items) and the
annual report (share published on time).
"""

from __future__ import annotations

import datetime

PROACTIVE_DAYS = 20  # 条例第二十六条: within 20 working days of being formed or changed


def deadline(written: datetime.date, limit_days: int, calendar) -> datetime.date:
    """The last day an item formed on `written` may be published (work calendar, next-day start)."""
    return calendar.add_workdays(written, limit_days)


def on_time(written: datetime.date, published: datetime.date, limit_days: int, workdays_between) -> bool:
    """Published within the limit; `workdays_between(a, b)` counts working days after a up to b."""
    return workdays_between(written, published) <= limit_days
