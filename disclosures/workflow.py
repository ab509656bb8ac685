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

Revisions of a published item (REVISION_TRANSITIONS) take the same steps while the live version
stays up; approving one updates the live item in place (索引号 unchanged) and adds a ChangeNote:

    已发布 ──start_revision──▶ 修订草稿 ──submit──▶ 待审核 ──review(保密审查)──▶ 待审批 ──approve──▶ 已生效
                                 ▲  └──discard──▶ 已放弃      │                    │
                                 └────────return───────────────┴────────────────────┘

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
from .models import DisclosureItem, Membership, Revision, SecrecyReview
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
        Transition(
            "emergency_publish", "应急发布", (S.DRAFT, S.PENDING_REVIEW, S.PENDING_APPROVAL), S.PUBLISHED, R.LEADER
        ),
        Transition("withdraw", "撤回", (S.PUBLISHED,), S.WITHDRAWN, R.LEADER),
    ]
}


RS = Revision.Status
REVISION_TRANSITIONS = {
    t.name: t
    for t in [
        Transition("submit", "提交审核", (RS.DRAFT,), RS.PENDING_REVIEW, R.EDITOR),
        Transition("review", "审核通过（保密审查）", (RS.PENDING_REVIEW,), RS.PENDING_APPROVAL, R.REVIEWER),
        Transition("approve", "审批生效", (RS.PENDING_APPROVAL,), RS.APPROVED, R.LEADER),
        Transition("return", "退回修改", (RS.PENDING_REVIEW, RS.PENDING_APPROVAL), RS.DRAFT, None),
        Transition("discard", "放弃修订", (RS.DRAFT,), RS.DISCARDED, R.EDITOR),
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
        raise WorkflowError(f"“{item.title}”当前状态为“{item.get_status_display()}”，不能执行“{transition.label}”。")
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
    return (
        User.objects.filter(memberships__organization=item.organization, memberships__role=role, is_active=True)
        .exclude(email="")
        .distinct()
    )


def _notify(users, subject: str, item: DisclosureItem, message: str) -> None:
    recipients = sorted({u.email for u in users if u and u.email})
    if not recipients:
        return
    link = reverse("admin:disclosures_disclosureitem_change", args=[item.pk])
    transaction.on_commit(
        lambda: send_mail(
            f"[政务公开] {subject}：{item.title}",
            f"{message}\n\n信息：{item.title}\n后台链接：{link}\n",
            None,
            recipients,
            fail_silently=True,
        )
    )


def _author(item: DisclosureItem):
    return [item.created_by] if item.created_by_id else []


# ---- transitions --------------------------------------------------------------------------


def _move(
    item: DisclosureItem,
    transition: Transition,
    user,
    *,
    reason: str = "",
    request=None,
    data: dict | None = None,
    target: str | None = None,
) -> None:
    before = item.status
    item.status = target or transition.target
    item.save()
    record(
        f"item.{transition.name}",
        actor=user,
        obj=item,
        from_state=S(before).label,
        to_state=S(item.status).label,
        reason=reason,
        request=request,
        data=data,
    )
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
        SecrecyReview.objects.create(
            item=item, reviewer=user, reviewer_name=user.get_full_name() or user.get_username(), note=note
        )
        item.reviewed_by = user
        item.reviewed_at = timezone.now()
        _move(
            item,
            TRANSITIONS["review"],
            user,
            reason=note,
            request=request,
            data={"secrecy_review": SecrecyReview.STATEMENT},
        )
        _notify(_members(item, R.LEADER), "待审批", item, "有一条信息已通过保密审查，等待审批。")
    return item


def _publish_now(item: DisclosureItem, when: datetime.datetime) -> None:
    item.published_at = when
    if not item.index_number:  # assigned once, at first publication; never changed afterwards
        item.index_number = index_numbers.allocate(item.organization, timezone.localdate(when))


def approve(item: DisclosureItem, user, *, publish_at: datetime.datetime | None = None, request=None) -> DisclosureItem:
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
            _move(item, TRANSITIONS["schedule"], user, request=request, data={"publish_at": publish_at.isoformat()})
        else:
            _publish_now(item, now)
            _move(item, TRANSITIONS["approve"], user, request=request, data={"index_number": item.index_number})
        _notify(_author(item), "已审批", item, "您提交的信息已审批通过。")
    return item


def publish_due(now: datetime.datetime | None = None) -> list[DisclosureItem]:
    """Publish scheduled items whose time has come. Idempotent; safe to run every minute."""
    now = now or timezone.now()
    done = []
    due = DisclosureItem.objects.filter(status=S.SCHEDULED, scheduled_for__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            item = (
                DisclosureItem.objects.select_for_update(skip_locked=True)
                .select_related("organization")
                .filter(pk=pk, status=S.SCHEDULED)
                .first()
            )
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
        _move(
            item,
            TRANSITIONS["emergency_publish"],
            user,
            reason=reason,
            request=request,
            data={"index_number": item.index_number},
        )
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


def withdraw(
    item: DisclosureItem, user, *, reason: str, replaced_by: DisclosureItem | None = None, request=None
) -> DisclosureItem:
    """撤回: the page stays at its URL with a banner and the public reason; it leaves lists."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("撤回必须填写公开的理由。")
    with transaction.atomic():
        item = _locked(item)
        _check(TRANSITIONS["withdraw"], item, user)
        item.withdrawal_reason = reason
        item.replaced_by = replaced_by
        _move(
            item,
            TRANSITIONS["withdraw"],
            user,
            reason=reason,
            request=request,
            data={"replaced_by": replaced_by.pk if replaced_by else None},
        )
    return item


def set_validity(
    item: DisclosureItem,
    user,
    *,
    validity: str,
    on: datetime.date,
    reason: str,
    replaced_by: DisclosureItem | None = None,
    request=None,
) -> DisclosureItem:
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
        record(
            "item.set_validity",
            actor=user,
            obj=item,
            from_state=before,
            to_state=item.get_validity_display(),
            reason=reason,
            request=request,
            data={"on": on.isoformat()},
        )
    return item


def import_published(
    item: DisclosureItem,
    user,
    *,
    published_at: datetime.datetime,
    index_number: str = "",
    source: str = "",
    request=None,
) -> DisclosureItem:
    """Bring in an item that was already published on the old site (历史信息迁移), keeping its
    original 发布日期 and, when it had one, its 索引号. Only site administrators may do this; it is
    audited like every other transition."""
    from .access import is_site_admin

    if not is_site_admin(user):
        raise PermissionDenied("只有系统管理员才能导入历史已发布信息。")
    with transaction.atomic():
        item = _locked(item)
        if item.status != S.DRAFT or item.index_number:
            raise WorkflowError("只有尚未发布的草稿才能作为历史信息导入。")
        before = item.status
        item.published_at = published_at
        item.index_number = index_number or index_numbers.allocate(item.organization, timezone.localdate(published_at))
        item.status = S.PUBLISHED
        item.approved_by = user
        item.approved_at = timezone.now()
        item.save()
        _public_changed(item)
        record(
            "item.import_published",
            actor=user,
            obj=item,
            from_state=S(before).label,
            to_state=S.PUBLISHED.label,
            reason=source or "历史信息迁移",
            request=request,
            data={"index_number": item.index_number, "published_at": published_at.isoformat()},
        )
    return item


# ---- PII guard actions (DESIGN §4: findings block approval until masked or overridden) ---------

PRE_PUBLICATION = (S.DRAFT, S.PENDING_REVIEW, S.PENDING_APPROVAL)


def _audit_prefix(obj) -> str:
    return "revision" if isinstance(obj, Revision) else "item"


def _lock_any(obj):
    if isinstance(obj, Revision):
        return Revision.objects.select_for_update().select_related("item__organization").get(pk=obj.pk)
    return _locked(obj)


def override_pii(obj: DisclosureItem | Revision, user, *, reason: str, request=None):
    """领导放行: a leader who did not write the content lets it through despite PII findings, with a
    written reason. The findings (masked) go into the audit record; the raw values never do."""
    from . import pii

    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("放行隐私检查必须填写理由。")
    with transaction.atomic():
        obj = _lock_any(obj)
        if obj.status not in PRE_PUBLICATION:
            raise WorkflowError("只有发布前的信息才能放行隐私检查。")
        if not has_role(user, obj.organization, R.LEADER):
            raise PermissionDenied("只有领导才能放行隐私检查。")
        if is_contributor(user, obj):
            raise PermissionDenied("您参与了本信息的编写，不能放行自己编写的内容（职责分离）。")
        findings = pii.scan_item(obj)
        obj.pii_override_reason = reason
        obj.save(update_fields=["pii_override_reason", "updated_at"])
        record(
            f"{_audit_prefix(obj)}.pii_override",
            actor=user,
            obj=obj,
            organization=obj.organization,
            reason=reason,
            request=request,
            data={"findings": [str(f) for f in findings[:100]], "count": len(findings)},
        )
    return obj


def mask_pii(obj: DisclosureItem | Revision, user, *, request=None) -> tuple[int, list[str]]:
    """脱敏: mask every finding in the title, summary, body and the maskable attachments (xlsx, docx,
    csv, txt) of a draft. Returns (findings masked, names of attachments that could not be masked)."""
    from django.core.files.base import ContentFile

    from . import pii

    with transaction.atomic():
        obj = _lock_any(obj)
        if obj.status != S.DRAFT:
            raise WorkflowError("只有草稿才能脱敏修改。")
        if not has_role(user, obj.organization, R.EDITOR):
            raise PermissionDenied("只有编辑才能修改草稿。")
        before = len(pii.scan_item(obj))
        obj.title = pii.mask_text(obj.title)
        obj.summary = pii.mask_text(obj.summary)
        obj.body = pii.mask_text(obj.body)
        obj.save()
        obj.contributors.add(user)
        unmaskable = []
        for attachment in obj.attachments.all():
            if not pii.scan_attachment(attachment):
                continue
            if attachment.file_type not in pii.MASKABLE_TYPES:
                unmaskable.append(attachment.original_name)
                continue
            with attachment.file.open("rb") as handle:
                data = pii.mask_file(handle.read(), attachment.file_type)
            attachment.file.save(attachment.original_name, ContentFile(data), save=False)
            attachment.size = len(data)
            if isinstance(obj, Revision):
                attachment.source = None  # a new file: no longer the live attachment
            attachment.save()
        after = len(pii.scan_item(obj))
        record(
            f"{_audit_prefix(obj)}.pii_mask",
            actor=user,
            obj=obj,
            organization=obj.organization,
            request=request,
            data={"before": before, "after": after, "unmaskable": unmaskable},
        )
    return before - after, unmaskable


# ---- revisions of published items -------------------------------------------------------------


def _json_value(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)  # Decimal


def detail_fields(kind: str):
    """The kind detail model's editable fields (name → model field)."""
    from .models import KIND_DETAIL_MODELS

    model = KIND_DETAIL_MODELS.get(kind)
    if model is None:
        return {}
    return {f.name: f for f in model._meta.concrete_fields if f.name not in ("id", "item") and not f.is_relation}


def snapshot(item: DisclosureItem) -> dict:
    """The live version of an item as plain data: kept with each revision (superseded versions)."""
    data = {name: _json_value(getattr(item, name)) for name in Revision.CONTENT_FIELDS}
    detail = item.detail
    data["detail"] = (
        {name: _json_value(getattr(detail, name)) for name in detail_fields(item.kind)} if detail is not None else {}
    )
    data["attachments"] = [
        {"id": a.pk, "name": a.original_name, "file": a.file.name, "type": a.file_type, "size": a.size}
        for a in item.attachments.all()
    ]
    return data


def start_revision(item: DisclosureItem, user, *, request=None) -> Revision:
    """修订: an editor starts a new version of a published item; the public keeps the live one."""
    from .models import RevisionAttachment

    with transaction.atomic():
        item = _locked(item)
        if item.status != S.PUBLISHED:
            raise WorkflowError("只有已发布的信息才能修订。")
        if not has_role(user, item.organization, R.EDITOR):
            raise PermissionDenied(f"只有{item.organization.short_name}的编辑才能修订信息。")
        if item.revisions.filter(status__in=Revision.OPEN_STATES).exists():
            raise WorkflowError("该信息已有一个未完成的修订，请先完成或放弃它。")
        base = snapshot(item)
        last = item.revisions.order_by("-number").values_list("number", flat=True).first() or 0
        revision = Revision.objects.create(
            item=item,
            number=last + 1,
            created_by=user,
            base=base,
            detail=base["detail"],
            **{name: getattr(item, name) for name in Revision.CONTENT_FIELDS},
        )
        revision.contributors.add(user)
        for a in item.attachments.all():
            RevisionAttachment.objects.create(
                revision=revision,
                source=a,
                file=a.file.name,
                original_name=a.original_name,
                size=a.size,
                file_type=a.file_type,
                content_type=a.content_type,
                order=a.order,
            )
        record(
            "revision.start",
            actor=user,
            obj=revision,
            organization=item.organization,
            to_state=RS.DRAFT.label,
            request=request,
            data={"item": item.pk, "number": revision.number},
        )
    return revision


def _locked_revision(revision: Revision) -> Revision:
    return Revision.objects.select_for_update().select_related("item__organization").get(pk=revision.pk)


def _check_revision(t: Transition, revision: Revision, user) -> None:
    if revision.status not in t.sources:
        raise WorkflowError(f"该修订当前状态为“{revision.get_status_display()}”，不能执行“{t.label}”。")
    if t.role and not has_role(user, revision.organization, t.role):
        role = dict(R.choices)[t.role]
        raise PermissionDenied(f"只有{revision.organization.short_name}的{role}才能执行“{t.label}”。")


def _move_revision(
    revision: Revision, t: Transition, user, *, reason: str = "", request=None, data: dict | None = None
) -> None:
    before = revision.status
    revision.status = t.target
    revision.save()
    record(
        f"revision.{t.name}",
        actor=user,
        obj=revision,
        organization=revision.organization,
        from_state=RS(before).label,
        to_state=RS(revision.status).label,
        reason=reason,
        request=request,
        data={"item": revision.item_id, "number": revision.number, **(data or {})},
    )


def submit_revision(revision: Revision, user, *, request=None) -> Revision:
    from . import pii

    with transaction.atomic():
        revision = _locked_revision(revision)
        _check_revision(REVISION_TRANSITIONS["submit"], revision, user)
        if revision.substantive and not revision.change_note.strip():
            raise WorkflowError("实质性修改必须填写公开的更新说明。")
        pii.ensure_clear(revision)
        revision.return_reason = ""
        revision.reviewed_by = None
        revision.reviewed_at = None
        _move_revision(revision, REVISION_TRANSITIONS["submit"], user, request=request)
        _notify(
            _members(revision.item, R.REVIEWER),
            "修订待审核",
            revision.item,
            "已发布信息有一个修订提交审核，请对照现行版本审查。",
        )
    return revision


def review_revision(revision: Revision, user, *, secrecy_confirmed: bool, note: str = "", request=None) -> Revision:
    from . import pii

    with transaction.atomic():
        revision = _locked_revision(revision)
        _check_revision(REVISION_TRANSITIONS["review"], revision, user)
        _separation_of_duties(revision, user, "审核")
        if not secrecy_confirmed:
            raise WorkflowError("请先确认保密审查：该信息不涉及国家秘密、工作秘密、商业秘密和个人隐私。")
        pii.ensure_clear(revision)
        SecrecyReview.objects.create(
            item=revision.item,
            revision=revision,
            reviewer=user,
            reviewer_name=user.get_full_name() or user.get_username(),
            note=note or f"第{revision.number}次修订",
        )
        revision.reviewed_by = user
        revision.reviewed_at = timezone.now()
        _move_revision(
            revision,
            REVISION_TRANSITIONS["review"],
            user,
            reason=note,
            request=request,
            data={"secrecy_review": SecrecyReview.STATEMENT},
        )
        _notify(_members(revision.item, R.LEADER), "修订待审批", revision.item, "有一个修订已通过保密审查，等待审批。")
    return revision


def _apply(revision: Revision, item: DisclosureItem) -> None:
    """Write the revision's content onto the live item (索引号 and 发布日期 are untouched)."""
    from .models import KIND_DETAIL_MODELS, Attachment

    for name in Revision.CONTENT_FIELDS:
        setattr(item, name, getattr(revision, name))
    item.save()
    fields = detail_fields(item.kind)
    if fields and revision.detail:
        detail = item.detail or KIND_DETAIL_MODELS[item.kind](item=item)
        for name, value in revision.detail.items():
            if name in fields:
                setattr(
                    detail,
                    name,
                    fields[name].to_python(value) if value not in (None, "") else (None if fields[name].null else ""),
                )
        detail.save()
    proposed = list(revision.attachments.select_related("source"))
    keep = {ra.source_id for ra in proposed if ra.source_id and ra.source and ra.file.name == ra.source.file.name}
    # Rows of dropped attachments go; their files stay in storage and in `superseded`.
    item.attachments.exclude(pk__in=keep).delete()
    for ra in proposed:
        if ra.source_id in keep:
            Attachment.objects.filter(pk=ra.source_id).update(order=ra.order)
        else:
            Attachment.objects.create(
                item=item,
                file=ra.file.name,
                original_name=ra.original_name,
                size=ra.size,
                file_type=ra.file_type,
                content_type=ra.content_type,
                order=ra.order,
            )


def approve_revision(revision: Revision, user, *, request=None) -> Revision:
    """审批生效: the live page takes the revision's content; a public 更新记录 is added."""
    from . import pii
    from .models import ChangeNote

    with transaction.atomic():
        revision = _locked_revision(revision)
        t = REVISION_TRANSITIONS["approve"]
        _check_revision(t, revision, user)
        _separation_of_duties(revision, user, "审批")
        if revision.reviewed_by_id is None:
            raise WorkflowError("该修订尚未完成保密审查，不能审批。")
        if revision.substantive and not revision.change_note.strip():
            raise WorkflowError("实质性修改必须填写公开的更新说明。")
        pii.ensure_clear(revision)
        item = _locked(revision.item)
        if item.status != S.PUBLISHED:
            raise WorkflowError("该信息已不在发布状态，修订不能生效。")
        revision.superseded = snapshot(item)
        revision.approved_by = user
        revision.approved_at = timezone.now()
        _apply(revision, item)
        if revision.change_note.strip():
            ChangeNote.objects.create(item=item, at=revision.approved_at, note=revision.change_note.strip())
        _move_revision(revision, t, user, request=request, data={"index_number": item.index_number})
        _public_changed(item)
        _notify([revision.created_by] if revision.created_by_id else [], "修订已生效", item, "您提交的修订已审批生效。")
    return revision


def return_revision(revision: Revision, user, *, reason: str, request=None) -> Revision:
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("退回必须填写理由。")
    with transaction.atomic():
        revision = _locked_revision(revision)
        t = REVISION_TRANSITIONS["return"]
        if revision.status not in t.sources:
            raise WorkflowError(f"“{revision.get_status_display()}”状态的修订不能退回。")
        needed = R.REVIEWER if revision.status == RS.PENDING_REVIEW else R.LEADER
        if not has_role(user, revision.organization, needed):
            raise PermissionDenied(f"只有{dict(R.choices)[needed]}才能退回此状态的修订。")
        revision.return_reason = reason
        revision.reviewed_by = None
        revision.reviewed_at = None
        _move_revision(revision, t, user, reason=reason, request=request)
        _notify(
            [revision.created_by] if revision.created_by_id else [], "修订被退回", revision.item, f"退回理由：{reason}"
        )
    return revision


def discard_revision(revision: Revision, user, *, request=None) -> Revision:
    with transaction.atomic():
        revision = _locked_revision(revision)
        _check_revision(REVISION_TRANSITIONS["discard"], revision, user)
        _move_revision(revision, REVISION_TRANSITIONS["discard"], user, request=request)
    return revision


def available_revision_transitions(revision: Revision, user) -> list[Transition]:
    found = []
    for t in REVISION_TRANSITIONS.values():
        if revision.status not in t.sources:
            continue
        if t.name == "return":
            needed = R.REVIEWER if revision.status == RS.PENDING_REVIEW else R.LEADER
            if has_role(user, revision.organization, needed):
                found.append(t)
            continue
        if t.role and not has_role(user, revision.organization, t.role):
            continue
        if t.name in ("review", "approve") and is_contributor(user, revision):
            continue
        if t.name == "approve" and revision.reviewed_by_id == user.pk:
            continue
        found.append(t)
    return found
