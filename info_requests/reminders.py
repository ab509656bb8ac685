"""Deadline reminders for handlers (used by `manage.py remind_deadlines`).

Idempotent: ReminderLog holds one row per (application, kind, deadline); a re-run sends nothing
new, and an application whose deadline moves (extension, pause) is reminded again for the new one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal import access
from portal.models import Membership

from . import deadlines, throttle
from .models import Application, ReminderLog


@dataclass
class Result:
    sent: int = 0
    due_soon: int = 0
    overdue: int = 0
    confirm: int = 0
    skipped: int = 0
    lines: list[str] = field(default_factory=list)


def _recipients(application: Application) -> list[str]:
    if application.handler and application.handler.email:
        return [application.handler.email]
    leaders = access.staff_with_role(application.organization, Membership.Role.LEADER).exclude(email="")
    return sorted(leaders.values_list("email", flat=True))


def send_reminders(today: datetime.date | None = None, dry_run: bool = False) -> Result:
    today = today or timezone.localdate()
    result = Result()
    applications = deadlines.annotate(
        Application.objects.filter(status__in=Application.OPEN_STATES)
        .select_related("organization", "handler")
        .prefetch_related("events"),
        today,
    )
    for application in applications:
        d = application.deadline
        kind = "overdue" if d.overdue else "due_soon" if d.due_soon else None
        if kind is None or d.due_date is None:
            continue
        if ReminderLog.objects.filter(application=application, kind=kind, due_date=d.due_date).exists():
            result.skipped += 1
            continue
        recipients = _recipients(application)
        label = "已逾期" if kind == "overdue" else "即将到期"
        line = (
            f"{label} {application.tracking_code} {application.organization.short_name} "
            f"期限 {d.due_date:%Y-%m-%d}（{d.state_label}）→ {', '.join(recipients) or '（无收件人）'}"
        )
        result.lines.append(line)
        if dry_run:
            result.sent += 1
            setattr(result, kind, getattr(result, kind) + 1)
            continue
        try:
            with transaction.atomic():
                ReminderLog.objects.create(application=application, kind=kind, due_date=d.due_date)
                if recipients:
                    note = f"\n{d.provisional_note}" if d.provisional else ""
                    send_mail(
                        f"【依申请公开】{label}：{application.info_title[:40]}",
                        f"申请 {application.tracking_code}（{application.info_title}）答复期限为 "
                        f"{d.due_date:%Y年%-m月%-d日}，{d.state_label}。{note}\n"
                        f"请登录后台办理：{application.get_admin_url()}",
                        None,
                        recipients,
                    )
        except IntegrityError:  # another run got there first
            result.skipped += 1
            continue
        result.sent += 1
        setattr(result, kind, getattr(result, kind) + 1)
    _unconfirmed(today, dry_run, result)
    if not dry_run:
        throttle.purge()
    return result


def _unconfirmed(today: datetime.date, dry_run: bool, result: Result) -> None:
    """第三十一条: an online application is received only once staff confirm it, so one left
    unconfirmed since an earlier day is brought to the organization's editors (once)."""
    waiting = Application.objects.filter(status=Application.Status.SUBMITTED).select_related("organization")
    for application in waiting:
        submitted = timezone.localtime(application.submitted_at).date()
        if submitted >= today:
            continue
        if ReminderLog.objects.filter(application=application, kind="confirm", due_date=submitted).exists():
            result.skipped += 1
            continue
        editors = access.staff_with_role(application.organization, Membership.Role.EDITOR, Membership.Role.ADMIN)
        recipients = sorted(editors.exclude(email="").values_list("email", flat=True))
        result.lines.append(
            f"待确认收到 {application.tracking_code} {application.organization.short_name} "
            f"提交于 {submitted:%Y-%m-%d} → {', '.join(recipients) or '（无收件人）'}"
        )
        result.sent += 1
        result.confirm += 1
        if dry_run:
            continue
        with transaction.atomic():
            ReminderLog.objects.create(application=application, kind="confirm", due_date=submitted)
            if recipients:
                send_mail(
                    f"【依申请公开】网上申请待确认收到：{application.info_title[:40]}",
                    f"网上申请 {application.tracking_code} 于{submitted:%Y年%-m月%-d日}提交，尚未确认收到。"
                    f"确认之日为收到申请之日（条例第三十一条），请尽快办理：{application.get_admin_url()}",
                    None,
                    recipients,
                )
