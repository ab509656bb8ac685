"""The publication workflow: 编辑 → 审核 (保密审查) → 领导审批 → 发布.

Every state and allowed transition is in TRANSITIONS below; each transition is one function that
takes the acting user, runs in one transaction, writes the audit record and sends notifications.
Admin buttons, bulk actions, management commands and tests all call these functions; no form or
admin path writes `DisclosureItem.status` directly.

    草稿 ──submit──▶ 待审核 ──review(保密审查)──▶ 待审批 ──approve──▶ 已发布
      ▲                │                        │  └──approve(定时)──▶ 待发布 ──publish_due──▶ 已发布
      └────return──────┴────────return──────────┘
    草稿/待审核/待审批 ──emergency_publish (领导, 理由, 事后由另一位领导复核)──▶ 已发布
    已发布 ──withdraw (公开理由)──▶ 已撤回          已发布 ──set_validity──▶ 有效性 失效/废止

Separation of duties (DESIGN §2): nobody reviews or approves an edition they wrote; the reviewer
and the approver of one edition are different people. Superusers are bound by the same rules.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.audit import record

from . import index_numbers
from .models import DisclosureItem, Membership, SecrecyReview
from .signals import public_version_changed

S = DisclosureItem.Status
R = Membership.Role


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    role: str | None


TRANSITIONS = {
    t.name: t
    for t in [
        Transition("submit", "提交审核", (S.DRAFT,), S.PENDING_REVIEW, R.EDITOR),
        Transition("review", "审核通过（保密审查）", (S.PENDING_REVIEW,), S.PENDING_APPROVAL, R.REVIEWER),
        Transition("approve", "审批发布", (S.PENDING_APPROVAL,), S.PUBLISHED, R.LEADER),
        Transition("schedule", "审批并定时发布", (S.PENDING_APPROVAL,), S.SCHEDULED, R.LEADER),
        Transition("publish_due", "定时发布", (S.SCHEDULED,), S.PUBLISHED, None),
        Transition("return", "退回修改", (S.PENDING_REVIEW, S.PENDING_APPROVAL, S.SCHEDULED), S.DRAFT, None),
        Transition("emergency_publish", "应急发布",
                   (S.DRAFT, S.PENDING_REVIEW, S.PENDING_APPROVAL), S.PUBLISHED, R.LEADER),
        Transition("withdraw", "撤回", (S.PUBLISHED,), S.WITHDRAWN, R.LEADER),
    ]
}


class WorkflowError(ValidationError):
    """A transition that is not allowed now; the message is shown to the user as is."""


# ---- guards ---------------------------------------------------------------------------------

def has_role(user, organization, *roles: str) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return Membership.objects.filter(user=user, organization=organization, role__in=roles).exists()


def is_contributor(user, item: DisclosureItem) -> bool:
    return item.created_by_id == user.pk or item.contributors.filter(pk=user.pk).exists()


def _check(transition: Transition, item: DisclosureItem, user) -> None:
    if item.status not in transition.sources:
        raise WorkflowError(
            f"“{item.title}”当前状态为“{item.get_status_display()}”，不能执行“{transition.label}”。"
        )
    if transition.role and not has_role(user, item.organization, transition.role):
        role = dict(R.choices)[transition.role]
        raise PermissionDenied(f"只有{item.organization.short_name}的{role}才能执行“{transition.label}”。")


def _separation_of_duties(item: DisclosureItem, user, step: str) -> None:
    if is_contributor(user, item):
        raise PermissionDenied(f"您参与了本信息的编写，不能{step}自己编写的内容（职责分离）。")
    if step == "审批" and item.reviewed_by_id == user.pk:
        raise PermissionDenied("同一版本的审核人和审批人不能是同一人（职责分离）。")


def available_transitions(item: DisclosureItem, user) -> list[Transition]:
    """What `user` may do to `item` now (for buttons); the functions check again."""
    names = []
    for t in TRANSITIONS.values():
        if item.status not in t.sources or t.name == "publish_due":
            continue
        if t.name == "return":
            needed = R.REVIEWER if item.status == S.PENDING_REVIEW else R.LEADER
            if has_role(user, item.organization, needed):
                names.append(t)
            continue
        if t.role and not has_role(user, item.organization, t.role):
            continue
        if t.name in ("review", "approve", "schedule") and is_contributor(user, item):
            continue
        if t.name in ("approve", "schedule") and item.reviewed_by_id == user.pk:
            continue
        names.append(t)
    return names


# ---- notifications ----------------------------------------------------------------------------

def _members(item: DisclosureItem, role: str):
    User = get_user_model()
    return User.objects.filter(memberships__organization=item.organization, memberships__role=role,
                               is_active=True).exclude(email="").distinct()


def _notify(users, subject: str, item: DisclosureItem, message: str) -> None:
    recipients = sorted({u.email for u in users if u and u.email})
    if not recipients:
        return
    link = reverse("admin:disclosures_disclosureitem_change", args=[item.pk])
    transaction.on_commit(lambda: send_mail(
        f"[政务公开] {subject}：{item.title}", f"{message}\n\n信息：{item.title}\n后台链接：{link}\n",
        None, recipients, fail_silently=True,
    ))


def _author(item: DisclosureItem):
    return [item.created_by] if item.created_by_id else []


# ---- transitions --------------------------------------------------------------------------

def _move(item: DisclosureItem, transition: Transition, user, *, reason: str = "", request=None,
          data: dict | None = None, target: str | None = None) -> None:
    before = item.status
    item.status = target or transition.target
    item.save()
    record(f"item.{transition.name}", actor=user, obj=item, from_state=S(before).label,
           to_state=S(item.status).label, reason=reason, request=request, data=data)
    if S.PUBLISHED in (before, item.status):
        _public_changed(item)


def _public_changed(item: DisclosureItem) -> None:
    transaction.on_commit(lambda: public_version_changed.send(sender=DisclosureItem, item=item))


def _locked(item: DisclosureItem) -> DisclosureItem:
    """Re-read the item under a row lock so two people cannot move it at once."""
    return DisclosureItem.objects.select_for_update().select_related("organization").get(pk=item.pk)


def submit(item: DisclosureItem, user, *, request=None) -> DisclosureItem:
    with transaction.atomic():
        item = _locked(item)
        _check(TRANSITIONS["submit"], item, user)
        from . import pii

        pii.ensure_clear(item)
        item.return_reason = ""
        item.reviewed_by = None
        item.reviewed_at = None
        _move(item, TRANSITIONS["submit"], user, request=request)
        _notify(_members(item, R.REVIEWER), "待审核", item, "有一条信息提交审核，请进行保密审查。")
    return item


def review(item: DisclosureItem, user, *, secrecy_confirmed: bool, note: str = "", request=None) -> DisclosureItem:
    """审核通过: the reviewer confirms the 保密审查 (条例第十七条) explicitly."""
    with transaction.atomic():
        item = _locked(item)
        _check(TRANSITIONS["review"], item, user)
        _separation_of_duties(item, user, "审核")
        if not secrecy_confirmed:
            raise WorkflowError("请先确认保密审查：该信息不涉及国家秘密、工作秘密、商业秘密和个人隐私。")
        from . import pii

        pii.ensure_clear(item)
        SecrecyReview.objects.create(item=item, reviewer=user,
                                     reviewer_name=user.get_full_name() or user.get_username(), note=note)
        item.reviewed_by = user
        item.reviewed_at = timezone.now()
        _move(item, TRANSITIONS["review"], user, reason=note, request=request,
              data={"secrecy_review": SecrecyReview.STATEMENT})
        _notify(_members(item, R.LEADER), "待审批", item, "有一条信息已通过保密审查，等待审批。")
    return item


def _publish_now(item: DisclosureItem, when: datetime.datetime) -> None:
    item.published_at = when
    if not item.index_number:  # assigned once, at first publication; never changed afterwards
        item.index_number = index_numbers.allocate(item.organization, timezone.localdate(when))


def approve(item: DisclosureItem, user, *, publish_at: datetime.datetime | None = None,
            request=None) -> DisclosureItem:
    """领导审批: publish now, or at `publish_at` (待发布)."""
    now = timezone.now()
    with transaction.atomic():
        item = _locked(item)
        name = "schedule" if publish_at and publish_at > now else "approve"
        _check(TRANSITIONS[name], item, user)
        _separation_of_duties(item, user, "审批")
        if item.reviewed_by_id is None:
            raise WorkflowError("该信息尚未完成保密审查，不能审批。")
        from . import pii

        pii.ensure_clear(item)
        item.approved_by = user
        item.approved_at = now
        if name == "schedule":
            item.scheduled_for = publish_at
            _move(item, TRANSITIONS["schedule"], user, request=request,
                  data={"publish_at": publish_at.isoformat()})
        else:
            _publish_now(item, now)
            _move(item, TRANSITIONS["approve"], user, request=request,
                  data={"index_number": item.index_number})
        _notify(_author(item), "已审批", item, "您提交的信息已审批通过。")
    return item


def publish_due(now: datetime.datetime | None = None) -> list[DisclosureItem]:
    """Publish scheduled items whose time has come. Idempotent; safe to run every minute."""
    now = now or timezone.now()
    done = []
    due = DisclosureItem.objects.filter(status=S.SCHEDULED, scheduled_for__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            item = DisclosureItem.objects.select_for_update(skip_locked=True).select_related(
                "organization").filter(pk=pk, status=S.SCHEDULED).first()
            if item is None:
                continue
            _publish_now(item, item.scheduled_for)
            _move(item, TRANSITIONS["publish_due"], None, data={"index_number": item.index_number})
            done.append(item)
    return done


def return_item(item: DisclosureItem, user, *, reason: str, request=None) -> DisclosureItem:
    """退回: back to 草稿 with a mandatory reason, shown to the author."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("退回必须填写理由。")
    with transaction.atomic():
        item = _locked(item)
        t = TRANSITIONS["return"]
        if item.status not in t.sources:
            raise WorkflowError(f"“{item.get_status_display()}”状态的信息不能退回。")
        needed = R.REVIEWER if item.status == S.PENDING_REVIEW else R.LEADER
        if not has_role(user, item.organization, needed):
            raise PermissionDenied(f"只有{dict(R.choices)[needed]}才能退回此状态的信息。")
        item.return_reason = reason
        item.reviewed_by = None
        item.reviewed_at = None
        item.scheduled_for = None
        _move(item, t, user, reason=reason, request=request)
        _notify(_author(item), "被退回", item, f"退回理由：{reason}")
    return item


def emergency_publish(item: DisclosureItem, user, *, reason: str, request=None) -> DisclosureItem:
    """应急发布: a leader publishes at once with a written reason; flagged until a second leader
    confirms it afterwards (confirm_emergency)."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("应急发布必须填写理由。")
    with transaction.atomic():
        item = _locked(item)
        _check(TRANSITIONS["emergency_publish"], item, user)
        item.emergency = True
        item.approved_by = user
        item.approved_at = timezone.now()
        _publish_now(item, timezone.now())
        _move(item, TRANSITIONS["emergency_publish"], user, reason=reason, request=request,
              data={"index_number": item.index_number})
        _notify(_members(item, R.LEADER), "应急发布待复核", item, f"应急发布理由：{reason}")
    return item


def confirm_emergency(item: DisclosureItem, user, *, note: str = "", request=None) -> DisclosureItem:
    with transaction.atomic():
        item = _locked(item)
        if not item.emergency:
            raise WorkflowError("该信息不是待复核的应急发布。")
        if not has_role(user, item.organization, R.LEADER):
            raise PermissionDenied("只有领导才能复核应急发布。")
        if user.pk == item.approved_by_id:
            raise PermissionDenied("应急发布须由另一位领导复核。")
        item.emergency = False
        item.save(update_fields=["emergency"])
        record("item.confirm_emergency", actor=user, obj=item, reason=note, request=request)
    return item


def withdraw(item: DisclosureItem, user, *, reason: str, replaced_by: DisclosureItem | None = None,
             request=None) -> DisclosureItem:
    """撤回: the page stays at its URL with a banner and the public reason; it leaves lists."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("撤回必须填写公开的理由。")
    with transaction.atomic():
        item = _locked(item)
        _check(TRANSITIONS["withdraw"], item, user)
        item.withdrawal_reason = reason
        item.replaced_by = replaced_by
        _move(item, TRANSITIONS["withdraw"], user, reason=reason, request=request,
              data={"replaced_by": replaced_by.pk if replaced_by else None})
    return item


def set_validity(item: DisclosureItem, user, *, validity: str, on: datetime.date, reason: str,
                 replaced_by: DisclosureItem | None = None, request=None) -> DisclosureItem:
    """废止/失效 a published policy: it stays public and findable with its 有效性 shown."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("变更有效性必须填写依据或理由。")
    if validity not in DisclosureItem.Validity.values:
        raise WorkflowError("有效性取值不正确。")
    with transaction.atomic():
        item = _locked(item)
        if item.status != S.PUBLISHED:
            raise WorkflowError("只有已发布的信息才能变更有效性。")
        if not has_role(user, item.organization, R.LEADER):
            raise PermissionDenied("只有领导才能变更已发布文件的有效性。")
        before = item.get_validity_display()
        item.validity = validity
        if replaced_by is not None:
            item.replaced_by = replaced_by
        item.save()
        policy = getattr(item, "policy", None)
        if policy is not None:
            if validity == DisclosureItem.Validity.REPEALED:
                policy.repeal_date = on
            elif validity == DisclosureItem.Validity.EXPIRED:
                policy.expiry_date = on
            policy.save()
        _public_changed(item)
        record("item.set_validity", actor=user, obj=item, from_state=before,
               to_state=item.get_validity_display(), reason=reason, request=request,
               data={"on": on.isoformat()})
    return item


def import_published(item: DisclosureItem, user, *, published_at: datetime.datetime, index_number: str = "",
                     source: str = "", request=None) -> DisclosureItem:
    """Bring in an item that was already published on the old site (历史信息迁移), keeping its
    original 发布日期 and, when it had one, its 索引号. Only site administrators may do this; it is
    audited like every other transition."""
    from .admin import is_site_admin

    if not is_site_admin(user):
        raise PermissionDenied("只有系统管理员才能导入历史已发布信息。")
    with transaction.atomic():
        item = _locked(item)
        if item.status != S.DRAFT or item.index_number:
            raise WorkflowError("只有尚未发布的草稿才能作为历史信息导入。")
        before = item.status
        item.published_at = published_at
        item.index_number = index_number or index_numbers.allocate(
            item.organization, timezone.localdate(published_at))
        item.status = S.PUBLISHED
        item.approved_by = user
        item.approved_at = timezone.now()
        item.save()
        _public_changed(item)
        record("item.import_published", actor=user, obj=item, from_state=S(before).label,
               to_state=S.PUBLISHED.label, reason=source or "历史信息迁移", request=request,
               data={"index_number": item.index_number, "published_at": published_at.isoformat()})
    return item
