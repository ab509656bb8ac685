"""Deadlines of a message (咨询留言), computed, never typed in.

- The reply is due `reply_days` working days after the 收到留言之日 (a site setting, default 5,
  frozen on the message when it arrives), counted from the next day on the work calendar
  (portal/workcalendar.py: holidays do not count, 调休 working days do).
- 转办 does not restart the clock: the receiving organization answers by the same date.
- The inspection's veto line (国办秘函〔2019〕19号, 互动回应差: a valid message unanswered for more
  than 3 months, docs/interaction.md) falls 3 calendar months after receipt; the dashboard warns
  `veto_warning_days` before it.
- A message is responded to when its reply is approved (已答复) or it is declined with a reason
  shown to the writer (不予受理).
"""

from __future__ import annotations

import calendar as month_calendar
import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from portal.workcalendar import Calendar

from .models import InteractionSettings, Message

VETO_MONTHS = 3  # 国办秘函〔2019〕19号: 超过3个月未回应的有效留言 → 单项否决


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day when it is shorter, e.g. 11-30 → 02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


@dataclass
class MessageDeadline:
    received_date: datetime.date
    due_date: datetime.date
    veto_date: datetime.date
    today: datetime.date
    responded_on: datetime.date | None
    due_soon_days: int
    veto_warning_days: int
    remaining_workdays: int = 0
    provisional_years: list[int] = field(default_factory=list)

    @property
    def open(self) -> bool:
        return self.responded_on is None

    @property
    def overdue(self) -> bool:
        return self.open and self.today > self.due_date

    @property
    def due_soon(self) -> bool:
        return self.open and not self.overdue and self.remaining_workdays <= self.due_soon_days

    @property
    def days_to_veto(self) -> int:
        return (self.veto_date - self.today).days

    @property
    def veto_near(self) -> bool:
        """Unanswered and within the warning window of the 3-month line (or past it)."""
        return self.open and self.days_to_veto <= self.veto_warning_days

    @property
    def veto_passed(self) -> bool:
        return self.open and self.today > self.veto_date

    @property
    def on_time(self) -> bool | None:
        return None if self.responded_on is None else self.responded_on <= self.due_date

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)

    @property
    def provisional_note(self) -> str:
        years = "、".join(str(y) for y in self.provisional_years)
        return f"{years}年节假日安排尚未录入，期限暂按周末计算，可能调整。"

    @property
    def state_label(self) -> str:
        if not self.open:
            return "按期答复" if self.on_time else "逾期答复"
        if self.veto_passed:
            return f"已超过3个月未回应（{self.veto_date:%Y-%m-%d}），构成检查单项否决情形"
        if self.overdue:
            return "已逾期"
        if self.remaining_workdays == 0:
            return "今天到期"
        return f"剩余{self.remaining_workdays}个工作日"


def for_message(
    message: Message,
    calendar: Calendar | None = None,
    *,
    today: datetime.date | None = None,
    config: InteractionSettings | None = None,
) -> MessageDeadline:
    calendar = calendar or Calendar.load()
    config = config or InteractionSettings.current()
    today = today or timezone.localdate()
    due = calendar.add_workdays(message.received_date, message.reply_days)
    responded = None
    if message.status not in Message.OPEN_STATES and message.answered_at is not None:
        responded = timezone.localdate(message.answered_at)
    remaining = calendar.workdays_between(today, due) if today <= due else 0
    return MessageDeadline(
        received_date=message.received_date,
        due_date=due,
        veto_date=add_months(message.received_date, VETO_MONTHS),
        today=today,
        responded_on=responded,
        due_soon_days=config.due_soon_days,
        veto_warning_days=config.veto_warning_days,
        remaining_workdays=remaining,
        provisional_years=calendar.uncovered_between(message.received_date, due),
    )


def annotate(messages, today: datetime.date | None = None) -> list[Message]:
    """Attach `.deadline` to each message with one calendar and one settings read."""
    calendar = Calendar.load()
    config = InteractionSettings.current()
    rows = list(messages)
    for message in rows:
        message.deadline = for_message(message, calendar, today=today, config=config)
    return rows
