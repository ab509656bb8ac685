"""The 主动公开 time limit (条例第二十六条): an item is due N working days after it was formed
(成文日期), N = 20 unless its catalogue column sets fewer (社会救助 10 working days,
民办函〔2019〕52号; see docs/rules.md). One rule, used by the dashboard (overdue items) and the
annual report (share published on time).

Two cases have no ordinary answer (docs/rules.md “成文日期未知”):

* 成文日期 unknown (items taken over from an old site): the deadline is unknown; such an item is
  never counted as on time nor as late.
* 成文日期 before the work calendar's first year: the holidays of that year were never entered, so
  the working days are counted on weekends only, and every place that shows the deadline says so.
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass

PROACTIVE_DAYS = 20  # 条例第二十六条: within 20 working days of being formed or changed

UNKNOWN_LABEL = "未知（成文日期未知）"


class Basis(enum.StrEnum):
    CALENDAR = "calendar"  # the work calendar (holidays and 调休 working days)
    WEEKENDS = "weekends"  # Saturdays and Sundays only: 成文日期 before the calendar's first year
    UNKNOWN = "unknown"  # no 成文日期, no deadline


@dataclass(frozen=True)
class Deadline:
    """The last day an item may be published, and how that day was found."""

    date: datetime.date | None
    basis: Basis
    calendar_from: int | None = None  # the work calendar's first year (for the weekends-only note)

    @property
    def known(self) -> bool:
        return self.date is not None

    @property
    def note(self) -> str:
        """What a reader must be told beside the date ("" for an ordinary deadline)."""
        if self.basis == Basis.WEEKENDS:
            if self.calendar_from is None:
                return "按双休日推算，工作日历未录入"
            return f"按双休日推算，工作日历自 {self.calendar_from} 年起"
        return ""

    def __str__(self) -> str:
        if self.date is None:
            return UNKNOWN_LABEL
        text = self.date.isoformat()
        return f"{text}（{self.note}）" if self.note else text


def basis(written: datetime.date | None, calendar) -> Basis:
    """How working days after `written` are counted on `calendar` (a portal.workcalendar.Calendar)."""
    if written is None:
        return Basis.UNKNOWN
    first = calendar.first_year
    if first is None or written.year < first:
        return Basis.WEEKENDS
    return Basis.CALENDAR


def deadline(written: datetime.date | None, limit_days: int, calendar) -> Deadline:
    """The last day an item formed on `written` may be published (work calendar, next-day start).
    Before the calendar's first year the calendar has no holidays and counts weekends only, which
    is exactly the weekends-only rule; the Deadline records it."""
    how = basis(written, calendar)
    if how == Basis.UNKNOWN:
        return Deadline(None, how)
    return Deadline(calendar.add_workdays(written, limit_days), how, calendar.first_year)


def on_time(written: datetime.date | None, published: datetime.date, limit_days: int, workdays_between) -> bool | None:
    """Published within the limit; `workdays_between(a, b)` counts working days after a up to b.
    None when the 成文日期 is unknown: neither on time nor late."""
    if written is None:
        return None
    return workdays_between(written, published) <= limit_days
