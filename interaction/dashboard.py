"""The 互动回应 panel of the staff dashboard (工作台) and its full page: messages due, overdue and
near the 3-month veto line (国办秘函〔2019〕19号), replies waiting for my approval, consultations
whose 反馈 is overdue. Scoped to the user's organizations."""

from __future__ import annotations

from django.utils import timezone

from portal.access import user_organizations

from . import consultations, deadlines, workflow
from .models import Message


def for_user(user, today=None) -> dict:
    today = today or timezone.localdate()
    organizations = list(user_organizations(user))
    if not organizations:
        return {}
    open_ones = deadlines.annotate(
        Message.objects.unanswered().filter(organization__in=organizations).select_related("organization"),
        today=today,
    )
    veto = sorted((m for m in open_ones if m.deadline.veto_near), key=lambda m: m.deadline.veto_date)
    overdue = sorted(
        (m for m in open_ones if m.deadline.overdue and not m.deadline.veto_near), key=lambda m: m.deadline.due_date
    )
    due_soon = sorted((m for m in open_ones if m.deadline.due_soon), key=lambda m: m.deadline.due_date)
    waiting = [m for m in open_ones if m.status == Message.Status.SUBMITTED]
    to_approve = list(workflow.FLOW.queue(user, "approve_reply").select_related("organization")[:20])
    feedback = consultations.feedback_due(organizations, today)
    return {
        "veto": veto,
        "overdue": overdue,
        "due_soon": due_soon,
        "waiting": waiting,
        "to_approve": to_approve,
        "feedback_overdue": [f for f in feedback if f.overdue],
        "feedback_due": [f for f in feedback if not f.overdue],
        "today": today,
    }
