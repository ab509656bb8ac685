"""Statutory deadlines of an information request, computed from its clock events.

Rules (条例第三十条至第三十四条, docs/rules.md, 期限汇总; 信息处理费管理办法):

- The reply is due 20 working days after the 收到申请之日 (第三十三条), counted from the next day
  (portal/workcalendar.py).
- A 补正 notice is due within 7 working days of receipt (第三十条). While the applicant has not
  sent the corrected application the clock stands still; once it arrives the 20 days restart from
  that date — the days used before do not count.
- An extension adds at most 20 working days in total, approved by the head of the office, with a
  reason, the applicant notified (第三十三条第一款).
- Consulting a third party (第三十二条) or a co-producing authority (第三十四条) pauses the clock:
  working days from the day after the letter went out up to and including the day the opinion
  arrived do not count (第三十三条第二款). So does the time from a fee notice to payment.
- Where the period runs through a year the calendar has no holidays for, the result is
  provisional (weekends only there) and says so.

Everything here is a pure function of (received date, events, calendar); views, admin, the
reminder command and tests all use `compute`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from portal.workcalendar import Calendar

REPLY_DAYS = 20  # 第三十三条
CORRECTION_NOTICE_DAYS = 7  # 第三十条
MAX_EXTENSION_DAYS = 20  # 第三十三条
CONSULTATION_DAYS = 15  # 第三十二条、第三十四条: the consulted party's time to answer
FEE_PAYMENT_DAYS = 20  # 信息处理费管理办法 (通行理解, docs/rules.md, 收费通知与缴费期限 【待核实】)
DUE_SOON_DAYS = 5  # the dashboard's "due soon" window

PAUSE_STARTS = {"consultation_start": "consultation_end", "fee_notice": "fee_paid"}


@dataclass
class Deadline:
    """Where the clock of one application stands on `today`."""

    received_date: datetime.date | None
    clock_start: datetime.date | None = None  # receipt, or receipt of the corrected application
    correction_notice_due: datetime.date | None = None
    extension_days: int = 0
    paused_days: int = 0
    paused_since: datetime.date | None = None  # an open pause: consultation or fee
    pause_reason: str = ""
    waiting_correction: bool = False
    correction_restarted: bool = False
    due_date: datetime.date | None = None  # None while the clock stands still or before receipt
    used_days: int = 0
    remaining_days: int | None = None
    provisional_years: list[int] = field(default_factory=list)
    answered: bool = False

    @property
    def overdue(self) -> bool:
        return not self.answered and self.remaining_days is not None and self.remaining_days < 0

    @property
    def due_soon(self) -> bool:
        return not self.answered and self.remaining_days is not None and 0 <= self.remaining_days <= DUE_SOON_DAYS

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)

    @property
    def provisional_note(self) -> str:
        if not self.provisional_years:
            return ""
        years = "、".join(str(y) for y in self.provisional_years)
        return f"{years}年的节假日尚未录入，期限暂按周末计算，仅供参考。"

    @property
    def state_label(self) -> str:
        if self.answered:
            return "已答复"
        if self.received_date is None:
            return "尚未确认收到"
        if self.waiting_correction:
            return "等待申请人补正（暂停计时）"
        if self.paused_since:
            return f"{self.pause_reason}（暂停计时）"
        if self.overdue:
            return f"已逾期{-self.remaining_days}个工作日"
        return f"剩余{self.remaining_days}个工作日"


def _kind(event) -> str:
    return str(event.kind)


def compute(
    received_date: datetime.date | None,
    events: Iterable,
    calendar: Calendar,
    today: datetime.date,
    answered_date: datetime.date | None = None,
) -> Deadline:
    """The deadline state. `events` are ClockEvent-like objects (kind, date, days)."""
    result = Deadline(received_date=received_date, answered=answered_date is not None)
    if received_date is None:
        return result
    result.correction_notice_due = calendar.add_workdays(received_date, CORRECTION_NOTICE_DAYS)
    events = sorted(events, key=lambda e: (e.date, getattr(e, "pk", 0) or 0))
    # 第三十条: the latest corrected application restarts the clock; an outstanding notice stops it.
    start = received_date
    for event in events:
        if _kind(event) == "correction_notice":
            result.waiting_correction = True
        elif _kind(event) == "correction_received":
            result.waiting_correction = False
            result.correction_restarted = True
            start = event.date
    result.clock_start = start
    later = [e for e in events if e.date >= start and _kind(e) not in ("correction_notice", "correction_received")]
    result.extension_days = min(MAX_EXTENSION_DAYS, sum(e.days or 0 for e in later if _kind(e) == "extension"))

    # Pauses: (opened, closed] intervals; an open one runs to today.
    pauses: list[tuple[datetime.date, datetime.date | None]] = []
    open_pause: dict[str, datetime.date] = {}
    for event in later:
        kind = _kind(event)
        if kind in PAUSE_STARTS:
            open_pause.setdefault(kind, event.date)
        elif kind in PAUSE_STARTS.values():
            opener = next(k for k, v in PAUSE_STARTS.items() if v == kind)
            if opener in open_pause:
                pauses.append((open_pause.pop(opener), event.date))
    for opener, since in open_pause.items():
        pauses.append((since, None))
        if result.paused_since is None or since < result.paused_since:
            result.paused_since = since
            result.pause_reason = "征求意见中" if opener == "consultation_start" else "等待缴费"

    end_of_count = answered_date or today
    limit = REPLY_DAYS + result.extension_days

    def paused(day: datetime.date) -> bool:
        return any(a < day and (b is None or day <= b) for a, b in pauses)

    # Walk the calendar: count working days not inside a pause, to the deadline and to today.
    day = start
    counted = 0
    paused_days = 0
    used = None
    horizon = start + datetime.timedelta(days=3660)
    while day < horizon:
        if day >= end_of_count and used is None:
            used = counted
        if result.waiting_correction or (result.paused_since and day >= end_of_count):
            break
        day += datetime.timedelta(days=1)
        if not calendar.is_workday(day):
            continue
        if paused(day):
            paused_days += 1
            continue
        counted += 1
        if counted == limit and result.due_date is None:
            result.due_date = day
        if result.due_date is not None and used is not None:
            break
    result.used_days = used if used is not None else counted
    result.paused_days = paused_days
    if result.waiting_correction:
        result.due_date = None
        return result
    if result.paused_since:
        result.remaining_days = limit - result.used_days
        result.due_date = None
        result.provisional_years = calendar.uncovered_between(start, end_of_count)
        return result
    if result.due_date is not None:
        # Working days left (negative when overdue), measured from today (or the answer date).
        if end_of_count <= result.due_date:
            result.remaining_days = calendar.workdays_between(end_of_count, result.due_date)
        else:
            result.remaining_days = -calendar.workdays_between(result.due_date, end_of_count)
        result.provisional_years = calendar.uncovered_between(start, max(result.due_date, end_of_count))
    return result


def for_application(
    application, calendar: Calendar | None = None, today: datetime.date | None = None, events: Iterable | None = None
) -> Deadline:
    from django.utils import timezone

    calendar = calendar or Calendar.load()
    today = today or timezone.localdate()
    if events is None:
        events = list(application.events.all())
    return compute(application.received_date, events, calendar, today, application.answered_date)


def annotate(applications: Iterable, today: datetime.date | None = None) -> list:
    """Attach `.deadline` to each application (events prefetched; one calendar load)."""
    calendar = Calendar.load()
    applications = list(applications)
    for application in applications:
        application.deadline = for_application(application, calendar, today)
    return applications
