"""The 互动回应 indicator of the self-inspection (disclosures/inspection.py, docs/rules.md 网站检查指标):
a valid message left unanswered for more than 3 months fails the national inspection outright
(国办秘函〔2019〕19号, 互动回应差); messages within the warning window of that line are a warning."""

from __future__ import annotations

import datetime

from django.urls import reverse

from disclosures.inspection import FAIL, PASS, VETO, WARN, Indicator, register

from . import deadlines
from .models import Message


def unanswered_messages(now: datetime.datetime) -> Indicator:
    from django.utils import timezone

    today = timezone.localtime(now).date()
    open_ones = deadlines.annotate(Message.objects.unanswered().select_related("organization"), today=today)
    passed = [m for m in open_ones if m.deadline.veto_passed]
    near = [m for m in open_ones if m.deadline.veto_near and not m.deadline.veto_passed]
    status = FAIL if passed else WARN if near else PASS
    figure = f"超过3个月未回应{len(passed)}件，临近3个月{len(near)}件，办理中共{len(open_ones)}件"
    items = [
        {
            "title": message.title,
            "url": reverse("admin:interaction_message_change", args=[message.pk]),
            "id": message.pk,
            "note": f"{message.organization.name}，{message.deadline.state_label}"
            f"（收到 {message.received_date:%Y-%m-%d}）",
        }
        for message in passed + near
    ]
    return Indicator("interaction_unanswered", "互动回应", status, figure, f"{VETO}：互动回应差", items)


def register_indicators() -> None:
    register(unanswered_messages)
