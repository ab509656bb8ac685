"""Reminders of message deadlines, run by `manage.py remind_deadlines` (registered in apps.py
through portal/reminders.py, so info_requests does not import this app).

Kinds: due soon (within the setting's working days), overdue, and near the 3-month veto line
(国办秘函〔2019〕19号). One reminder per message, kind and date (ReminderLog); a re-run sends
nothing new. A message awaiting approval goes to the organization's leaders, otherwise to its
承办人 (or, with none, the organization's editors).
"""

from __future__ import annotations

import datetime

from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from portal import access
from portal.models import Membership

from . import deadlines
from .models import Message, ReminderLog

R = Membership.Role
LABELS = {"due_soon": "即将到期", "overdue": "已逾期", "veto": "接近3个月否决线"}


def _recipients(message: Message) -> list[str]:
    if message.status == Message.Status.PENDING_APPROVAL:
        users = access.staff_with_role(message.organization, R.LEADER)
    elif message.handler_id and message.handler.email:
        return [message.handler.email]
    else:
        users = access.staff_with_role(message.organization, R.EDITOR)
    return sorted(users.exclude(email="").values_list("email", flat=True))


def send_reminders(today: datetime.date, dry_run: bool = False) -> tuple[int, list[str]]:
    sent, lines = 0, []
    messages = deadlines.annotate(Message.objects.unanswered().select_related("organization", "handler"), today=today)
    for message in messages:
        d = message.deadline
        kind = "veto" if d.veto_near else "overdue" if d.overdue else "due_soon" if d.due_soon else None
        if kind is None:
            continue
        key_date = d.veto_date if kind == "veto" else d.due_date
        if ReminderLog.objects.filter(message=message, kind=kind, due_date=key_date).exists():
            continue
        recipients = _recipients(message)
        label = LABELS[kind]
        lines.append(
            f"留言{label} {message.tracking_code} {message.organization.short_name} 答复期限 {d.due_date:%Y-%m-%d}"
            f"（{d.state_label}）→ {', '.join(recipients) or '（无收件人）'}"
        )
        sent += 1
        if dry_run:
            continue
        veto = (
            f"\n收到留言已近3个月（{d.veto_date:%Y年%-m月%-d日}满3个月），超过3个月未回应的有效留言是网站检查"
            "单项否决情形（国办秘函〔2019〕19号），请立即办理。"
            if kind == "veto"
            else ""
        )
        try:
            with transaction.atomic():
                ReminderLog.objects.create(message=message, kind=kind, due_date=key_date)
                if recipients:
                    send_mail(
                        f"【互动回应】留言{label}：{message.title[:40]}",
                        f"留言 {message.tracking_code}（{message.title}）于{d.received_date:%Y年%-m月%-d日}收到，"
                        f"答复期限为{d.due_date:%Y年%-m月%-d日}，{d.state_label}。{veto}\n"
                        f"请登录后台办理：{message.get_admin_url()}",
                        None,
                        recipients,
                    )
        except IntegrityError:  # another run got there first
            sent -= 1
            lines.pop()
    return sent, lines
