"""Selectors for staff: work queues (待我审核 / 待我审批 / 我被退回的) and the inspection checks of
the staff dashboard (items past their disclosure time limit, stale and empty catalogue columns).

Queues apply the same separation-of-duties rule as disclosures/workflow.py, so nobody is shown
work they may not do; the workflow functions check again when it is done.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from . import timeliness, workflow
from .models import Category, DisclosureItem, Revision

S = DisclosureItem.Status
RS = Revision.Status


def items_to_review(user) -> QuerySet:
    """待我审核: items of organizations where `user` is 审核员, written by someone else."""
    return workflow.ITEM_FLOW.queue(user, "review")


def items_to_approve(user) -> QuerySet:
    """待我审批: reviewed items of organizations where `user` is 领导, neither written nor reviewed by them."""
    return workflow.ITEM_FLOW.queue(user, "approve")


def emergencies_to_confirm(user) -> QuerySet:
    """应急发布待复核 by a second leader."""
    return workflow.ITEM_FLOW.queue(user, "confirm_emergency")


def _written_by(qs: QuerySet, user) -> QuerySet:
    return qs.filter(Q(created_by=user) | Q(contributors=user)).exclude(return_reason="").distinct()


def my_returned_items(user) -> QuerySet:
    """我被退回的: drafts carrying a return reason that `user` wrote."""
    return _written_by(DisclosureItem.objects.filter(status=S.DRAFT), user)


def revisions_to_review(user) -> QuerySet:
    return workflow.REVISION_FLOW.queue(user, "review")


def revisions_to_approve(user) -> QuerySet:
    return workflow.REVISION_FLOW.queue(user, "approve")


def my_returned_revisions(user) -> QuerySet:
    return _written_by(Revision.objects.filter(status=RS.DRAFT), user)


# ---- inspection checks --------------------------------------------------------------------------


@dataclass
class Overdue:
    item: DisclosureItem
    deadline: timeliness.Deadline  # always known here: items without 成文日期 are never listed
    days_late: int  # working days past the deadline (today), or by which the schedule misses it
    scheduled_late: bool = False  # not late yet, but its 定时发布 time falls after the deadline


NOT_PUBLIC = [S.DRAFT, S.PENDING_REVIEW, S.PENDING_APPROVAL, S.SCHEDULED]


def _not_public(organizations) -> QuerySet:
    return DisclosureItem.objects.filter(organization__in=organizations, status__in=NOT_PUBLIC)


def overdue_items(organizations, today: datetime.date | None = None) -> list[Overdue]:
    """Items not yet public whose time limit has passed: 成文日期 + the column's working days
    (条例第二十六条: 20 working days; 社会救助 10 per 民办函〔2019〕52号). An item whose 成文日期 is
    unknown has no deadline and is never listed (docs/rules.md “成文日期未知”; counted by
    `undated_not_public`)."""
    from portal.workcalendar import Calendar

    today = today or timezone.localdate()
    pending = (
        _not_public(organizations)
        .filter(written_date__isnull=False)
        # A draft a site import left for review was public on the old site long ago: its time
        # limit is not this portal's to miss (docs/import.md); the dashboard lists it apart.
        .filter(origin__isnull=True)
        .select_related("category", "organization")
        .order_by("written_date", "id")
    )
    calendar = Calendar.load()
    late = []
    for item in pending:
        deadline = timeliness.deadline(item.written_date, item.category.time_limit_days, calendar)
        if today > deadline.date:
            if days_late := calendar.workdays_between(deadline.date, today):
                late.append(Overdue(item, deadline, days_late))
            continue
        # Not late today; a schedule past the deadline will make it late, so say so separately
        # (counting days is wrong here: 12-03 is not "已超" a 12-31 deadline).
        if item.status == S.SCHEDULED and item.scheduled_for:
            publish_on = timezone.localdate(item.scheduled_for)
            if publish_on > deadline.date:
                late.append(Overdue(item, deadline, calendar.workdays_between(deadline.date, publish_on), True))
    return late


def imported_drafts(organizations) -> QuerySet:
    """Drafts a site import left because a pre-publication check found something (docs/import.md)."""
    return _not_public(organizations).filter(origin__isnull=False)


def undated_not_public(organizations) -> int:
    """Items not yet public whose 成文日期 is unknown: whether they are late cannot be told."""
    return _not_public(organizations).filter(written_date__isnull=True, origin__isnull=True).count()


@dataclass
class ColumnHealth:
    category: Category
    latest: datetime.datetime | None
    stale_days: int | None  # days since the last update, when past the column's freshness threshold

    @property
    def empty(self) -> bool:
        return self.latest is None


def column_health(now: datetime.datetime | None = None) -> tuple[list[ColumnHealth], list[ColumnHealth]]:
    """(stale, empty) catalogue columns per 国办秘函〔2019〕19号 (栏目不更新 / 空白栏目). A column's
    latest update is the newest published item anywhere under it. Two queries whatever the size."""
    now = now or timezone.now()
    categories = list(Category.objects.order_by("path"))
    direct = dict(DisclosureItem.objects.published().values_list("category").annotate(m=Max("published_at")).order_by())
    by_path = {c.path: c for c in categories}
    latest: dict[int, datetime.datetime | None] = {c.pk: None for c in categories}
    for c in categories:
        when = direct.get(c.pk)
        if when is None:
            continue
        parts = c.path.split("/")
        for i in range(len(parts)):
            ancestor = by_path.get("/".join(parts[: i + 1]))
            if ancestor is not None and (latest[ancestor.pk] is None or latest[ancestor.pk] < when):
                latest[ancestor.pk] = when
    stale, empty = [], []
    for c in categories:
        when = latest[c.pk]
        if when is None:
            empty.append(ColumnHealth(c, None, None))
        elif now - when > datetime.timedelta(days=c.freshness_days):
            stale.append(ColumnHealth(c, when, (now - when).days))
    return stale, empty
