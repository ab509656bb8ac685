"""The publication workflow: 编辑 → 审核 (保密审查) → 领导审批 → 发布.

Everything that may happen to an item or a revision is a row of ITEM_FLOW or REVISION_FLOW below:
the states it starts from, the state it leads to, the role it needs (in the item's organization)
and its guards — separation of duties, 保密审查 done, the pre-publication checks. `can(user,
name, obj)` answers from the table; buttons, queues and the functions below all use it, so a
forged POST, a bulk action or a user holding every permission meets the same rule. Each step is
one function that takes the acting user, runs in one transaction under a row lock, writes the
audit record and sends notifications after commit. No form or admin path writes `status`.

    草稿 ──submit──▶ 待审核 ──review(保密审查)──▶ 待审批 ──approve──▶ 已发布
      ▲                │                        │  └──schedule──▶ 待发布 ──publish_due──▶ 已发布
      └────return──────┴────────return──────────┘
    草稿/待审核/待审批 ──emergency_publish (领导, 理由, 事后由另一位领导复核)──▶ 已发布
    已发布 ──withdraw (公开理由)──▶ 已撤回          已发布 ──set_validity──▶ 有效性 失效/废止
    草稿 ──import_published (管理员, 历史信息迁移, 原发布日期)──▶ 已发布

Revisions of a published item take the same steps while the live version stays up; approving
one updates the live item in place (索引号 unchanged) and adds a public 更新记录:

    已发布 ──revise──▶ 修订草稿 ──submit──▶ 待审核 ──review(保密审查)──▶ 待审批 ──approve──▶ 已生效
                         ▲  └──discard──▶ 已放弃      │                    │
                         └────────return───────────────┴────────────────────┘

Separation of duties lives in portal/access.py; the pre-publication checks in
disclosures/prepublication.py.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from portal import access
from portal.audit import entry as audit_entry
from portal.audit import record, record_many
from portal.bulk import update_rows
from portal.models import Membership

from . import attachment_scan, index_numbers, interpretation, prepublication, revisions
from .models import ChangeNote, DisclosureItem, Revision, SecrecyReview
from .signals import public_version_changed, public_versions_changed

S = DisclosureItem.Status
RS = Revision.Status
R = Membership.Role
SITE_ADMIN = "site_admin"  # a role outside organizations: superusers and 管理员
SYSTEM = "system"  # done by the scheduler, never by a person

PRE_PUBLICATION = (S.DRAFT, S.PENDING_REVIEW, S.PENDING_APPROVAL)


class WorkflowError(ValidationError):
    """A transition that is not allowed now; the message is shown to the user as is."""


# ---- decisions and guards -----------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""
    # True when the refusal is about who the user is (role, separation of duties): a forged POST
    # gets 403. False when it is about the content now (400).
    personal: bool = False
    # True when the user holds the step's role but separation of duties refuses it (they wrote
    # the item, reviewed it, published the emergency): the step is shown disabled with the
    # reason. A user without the role is not offered the step at all.
    duty: bool = False

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


@dataclass(frozen=True)
class Guard:
    """One condition of a transition: `check(obj, user)` returns why not ('' when fine);
    `narrow(qs, user)` is the same condition as a queryset filter, for queues."""

    check: Callable[[object, object], str]
    personal: bool = False
    narrow: Callable[[QuerySet, object], QuerySet] | None = None


def not_written_by_user(step: str) -> Guard:
    return Guard(
        lambda obj, user: access.authorship_refusal(user, obj, step),
        personal=True,
        narrow=access.exclude_written_by,
    )


NOT_ITS_REVIEWER = Guard(
    lambda obj, user: access.reviewer_refusal(user, obj),
    personal=True,
    narrow=lambda qs, user: qs.exclude(reviewed_by=user),
)
REVIEWED = Guard(lambda obj, user: "" if obj.reviewed_by_id else f"{_noun(obj)}尚未完成保密审查，不能审批。")
CHECKS_CLEAR = Guard(lambda obj, user: prepublication.refusal(obj))
CHANGE_NOTE_GIVEN = Guard(
    lambda obj, user: "实质性修改必须填写公开的更新说明。" if obj.substantive and not obj.change_note.strip() else ""
)
LIVE_ITEM_PUBLISHED = Guard(
    lambda obj, user: "" if obj.item.status == S.PUBLISHED else "该信息已不在发布状态，修订不能生效。"
)
EMERGENCY_PENDING = Guard(
    lambda obj, user: "" if obj.emergency else "该信息不是待复核的应急发布。",
    narrow=lambda qs, user: qs.filter(emergency=True),
)
NOT_EMERGENCY_PUBLISHER = Guard(
    lambda obj, user: "应急发布须由另一位领导复核。" if user.pk == obj.approved_by_id else "",
    personal=True,
    narrow=lambda qs, user: qs.exclude(approved_by=user),
)
NO_OPEN_REVISION = Guard(
    lambda obj, user: (
        "该信息已有一个未完成的修订，请先完成或放弃它。"
        if obj.revisions.filter(status__in=Revision.OPEN_STATES).exists()
        else ""
    )
)
INTERPRETATION_LINKED = Guard(lambda obj, user: interpretation.refusal(obj))
NEVER_NUMBERED = Guard(lambda obj, user: "只有尚未发布的草稿才能作为历史信息导入。" if obj.index_number else "")


def _noun(obj) -> str:
    return "该修订" if isinstance(obj, Revision) else "该信息"


# ---- the tables ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the state stays (e.g. 复核应急发布, 变更有效性, 脱敏)
    role: str | dict[str, str]  # a role, SITE_ADMIN, SYSTEM, or a role per source state
    guards: tuple[Guard, ...] = ()
    audit: str = ""  # audit code suffix when it differs from `name`

    def role_in(self, state: str) -> str:
        return self.role.get(state, "") if isinstance(self.role, dict) else self.role


RETURN_ROLES = {S.PENDING_REVIEW: R.REVIEWER, S.PENDING_APPROVAL: R.LEADER, S.SCHEDULED: R.LEADER}
APPROVAL_GUARDS = (not_written_by_user("审批"), NOT_ITS_REVIEWER, REVIEWED, CHECKS_CLEAR)
ITEM_APPROVAL_GUARDS = (*APPROVAL_GUARDS, INTERPRETATION_LINKED)
PII_OVERRIDE = ("pii_override", "放行隐私检查")
CONTENT_OVERRIDE = ("content_override", "放行内容检查（错别字、规范表述、领导信息）")
PII_MASK = ("pii_mask", "一键脱敏")

ITEM_TRANSITIONS = [
    Transition("submit", "提交审核", (S.DRAFT,), S.PENDING_REVIEW, R.EDITOR, (CHECKS_CLEAR,)),
    Transition(
        "review",
        "审核通过（保密审查）",
        (S.PENDING_REVIEW,),
        S.PENDING_APPROVAL,
        R.REVIEWER,
        (not_written_by_user("审核"), CHECKS_CLEAR),
    ),
    Transition("approve", "审批发布", (S.PENDING_APPROVAL,), S.PUBLISHED, R.LEADER, ITEM_APPROVAL_GUARDS),
    Transition("schedule", "审批并定时发布", (S.PENDING_APPROVAL,), S.SCHEDULED, R.LEADER, ITEM_APPROVAL_GUARDS),
    Transition("publish_due", "定时发布", (S.SCHEDULED,), S.PUBLISHED, SYSTEM),
    Transition("return", "退回修改", tuple(RETURN_ROLES), S.DRAFT, RETURN_ROLES),
    Transition(
        "emergency_publish",
        "应急发布",
        PRE_PUBLICATION,
        S.PUBLISHED,
        R.LEADER,
        (not_written_by_user("应急发布"), CHECKS_CLEAR),
    ),
    Transition(
        "confirm_emergency",
        "复核应急发布",
        (S.PUBLISHED, S.WITHDRAWN),
        None,
        R.LEADER,
        (EMERGENCY_PENDING, NOT_EMERGENCY_PUBLISHER),
    ),
    Transition("withdraw", "撤回", (S.PUBLISHED,), S.WITHDRAWN, R.LEADER),
    Transition("set_validity", "变更有效性（失效/废止）", (S.PUBLISHED,), None, R.LEADER),
    Transition("import_published", "导入历史信息", (S.DRAFT,), S.PUBLISHED, SITE_ADMIN, (NEVER_NUMBERED, CHECKS_CLEAR)),
    Transition(*PII_OVERRIDE, PRE_PUBLICATION, None, R.LEADER, (not_written_by_user("放行"),)),
    Transition(*CONTENT_OVERRIDE, PRE_PUBLICATION, None, R.LEADER, (not_written_by_user("放行"),)),
    Transition(*PII_MASK, (S.DRAFT,), None, R.EDITOR),
    Transition("revise", "修订（创建新版本）", (S.PUBLISHED,), None, R.EDITOR, (NO_OPEN_REVISION,), audit="start"),
]

REVISION_RETURN_ROLES = {RS.PENDING_REVIEW: R.REVIEWER, RS.PENDING_APPROVAL: R.LEADER}
REVISION_TRANSITIONS = [
    Transition("submit", "提交审核", (RS.DRAFT,), RS.PENDING_REVIEW, R.EDITOR, (CHANGE_NOTE_GIVEN, CHECKS_CLEAR)),
    Transition(
        "review",
        "审核通过（保密审查）",
        (RS.PENDING_REVIEW,),
        RS.PENDING_APPROVAL,
        R.REVIEWER,
        (not_written_by_user("审核"), CHECKS_CLEAR),
    ),
    Transition(
        "approve",
        "审批生效",
        (RS.PENDING_APPROVAL,),
        RS.APPROVED,
        R.LEADER,
        (*APPROVAL_GUARDS[:3], CHANGE_NOTE_GIVEN, CHECKS_CLEAR, LIVE_ITEM_PUBLISHED),
    ),
    Transition("return", "退回修改", tuple(REVISION_RETURN_ROLES), RS.DRAFT, REVISION_RETURN_ROLES),
    Transition("discard", "放弃修订", (RS.DRAFT,), RS.DISCARDED, R.EDITOR),
    Transition(*PII_OVERRIDE, Revision.OPEN_STATES, None, R.LEADER, (not_written_by_user("放行"),)),
    Transition(*CONTENT_OVERRIDE, Revision.OPEN_STATES, None, R.LEADER, (not_written_by_user("放行"),)),
    Transition(*PII_MASK, (RS.DRAFT,), None, R.EDITOR),
]


@dataclass
class Flow:
    """One table and what it needs to act on its objects."""

    model: type
    transitions: list[Transition]
    audit_prefix: str
    org_lookup: str
    notices: dict[str, tuple[str, str]]  # step -> (mail subject, message)
    table: dict[str, Transition] = field(init=False)

    def __post_init__(self):
        self.table = {t.name: t for t in self.transitions}

    def organization(self, obj):
        return obj.organization

    def state_label(self, state: str) -> str:
        return self.model.Status(state).label

    def lock(self, obj):
        """Re-read under a row lock so two people cannot move it at once."""
        related = "item__organization" if self.model is Revision else "organization"
        return self.model.objects.select_for_update(of=("self",)).select_related(related).get(pk=obj.pk)

    def decide(self, user, name: str, obj) -> Decision:
        t = self.table.get(name)
        if t is None:
            return Decision(False, "没有这个操作。", personal=True)
        if obj.status not in t.sources:
            what = f"“{obj.title}”" if self.model is DisclosureItem else "该修订"
            return Decision(False, f"{what}当前状态为“{obj.get_status_display()}”，不能执行“{t.label}”。")
        role = t.role_in(obj.status)
        if role == SYSTEM:
            return Decision(False, f"“{t.label}”由系统定时执行。", personal=True)
        if role == SITE_ADMIN:
            if not access.is_site_admin(user):
                return Decision(False, f"只有系统管理员才能执行“{t.label}”。", personal=True)
        elif not access.has_role(user, self.organization(obj), role):
            org = self.organization(obj).short_name
            return Decision(False, f"只有{org}的{access.role_label(role)}才能执行“{t.label}”。", personal=True)
        for guard in t.guards:  # personal guards first: who may, before what the content says
            if guard.personal and (reason := guard.check(obj, user)):
                return Decision(False, reason, personal=True, duty=True)
        for guard in t.guards:
            if not guard.personal and (reason := guard.check(obj, user)):
                return Decision(False, reason)
        return ALLOWED

    def require(self, user, name: str, obj) -> Transition:
        decision = self.decide(user, name, obj)
        if not decision:
            raise (PermissionDenied if decision.personal else WorkflowError)(decision.reason)
        return self.table[name]

    def offered(self, user, obj) -> list[tuple[Transition, Decision]]:
        """The steps to show `user` as buttons: each with its decision (a refused one is shown
        disabled with the reason, so nobody presses a button that will fail). Steps of a role the
        user does not hold are left out."""
        shown = []
        for t in self.transitions:
            decision = self.decide(user, t.name, obj)
            if decision or not decision.personal or decision.duty:
                if obj.status in t.sources:
                    shown.append((t, decision))
        return shown

    def queue(self, user, name: str) -> QuerySet:
        """What `user` may do `name` to, as a queryset (the table's state, role and queue guards)."""
        t = self.table[name]
        qs = self.model.objects.none()
        for state in t.sources:
            role = t.role_in(state)
            if role in (SYSTEM, SITE_ADMIN, ""):
                continue
            part = self.model.objects.filter(
                status=state, **{f"{self.org_lookup}__in": access.organizations_with_role(user, role)}
            )
            qs = qs | part
        for guard in t.guards:
            if guard.narrow is not None:
                qs = guard.narrow(qs, user)
        return qs.distinct()

    def move(
        self,
        obj,
        t: Transition,
        user,
        *,
        reason: str = "",
        request=None,
        data: dict | None = None,
        labels: tuple[str, str] | None = None,
    ) -> None:
        """Set the target state (if any), save, and write the audit record. `labels` replaces the
        from/to states in the record for steps that change something else (e.g. 有效性)."""
        before = obj.status
        if t.target is not None:
            obj.status = t.target
        obj.save()
        extra = {"item": obj.item_id, "number": obj.number} if self.model is Revision else {}
        record(
            f"{self.audit_prefix}.{t.audit or t.name}",
            actor=user,
            obj=obj,
            organization=self.organization(obj),
            from_state=labels[0] if labels else self.state_label(before) if t.target is not None else "",
            to_state=labels[1] if labels else self.state_label(obj.status) if t.target is not None else "",
            reason=reason,
            request=request,
            data={**extra, **(data or {})},
        )


ITEM_FLOW = Flow(
    DisclosureItem,
    ITEM_TRANSITIONS,
    "item",
    "organization",
    notices={
        "submit": ("待审核", "有一条信息提交审核，请进行保密审查。"),
        "review": ("待审批", "有一条信息已通过保密审查，等待审批。"),
        "return": ("被退回", ""),
    },
)
REVISION_FLOW = Flow(
    Revision,
    REVISION_TRANSITIONS,
    "revision",
    "item__organization",
    notices={
        "submit": ("修订待审核", "已发布信息有一个修订提交审核，请对照现行版本审查。"),
        "review": ("修订待审批", "有一个修订已通过保密审查，等待审批。"),
        "return": ("修订被退回", ""),
    },
)


def flow_of(obj) -> Flow:
    return REVISION_FLOW if isinstance(obj, Revision) else ITEM_FLOW


def can(user, name: str, obj) -> Decision:
    """May `user` do `name` to `obj` (an item or a revision) now? With the reason when not."""
    return flow_of(obj).decide(user, name, obj)


def offered(user, obj) -> list[tuple[Transition, Decision]]:
    return flow_of(obj).offered(user, obj)


# Kept for callers that ask the old way.
has_role = access.has_role


def is_contributor(user, obj) -> bool:
    return access.wrote(user, obj)


# ---- notifications ----------------------------------------------------------------------------


def _members(item: DisclosureItem, role: str):
    return access.staff_with_role(item.organization, role).exclude(email="")


def _notify(users, subject: str, message: str, *, item: DisclosureItem) -> None:
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


def _item_of(obj) -> DisclosureItem:
    return obj.item if isinstance(obj, Revision) else obj


def _author(obj) -> list:
    return [obj.created_by] if obj.created_by_id else []


def _public_changed(item: DisclosureItem) -> None:
    transaction.on_commit(lambda: public_version_changed.send(sender=DisclosureItem, item=item))


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(f"{what}必须填写理由。")
    return reason


# ---- the steps items and revisions share --------------------------------------------------------


def submit(obj, user, *, request=None):
    """提交审核 (an item or a revision)."""
    f = flow_of(obj)
    with transaction.atomic():
        obj = f.lock(obj)
        t = f.require(user, "submit", obj)
        obj.return_reason = ""
        obj.reviewed_by = None
        obj.reviewed_at = None
        f.move(obj, t, user, request=request)
        _notify(_members(_item_of(obj), R.REVIEWER), *f.notices["submit"], item=_item_of(obj))
    return obj


def review(obj, user, *, secrecy_confirmed: bool, note: str = "", request=None):
    """审核通过: the reviewer confirms the 保密审查 (条例第十七条) explicitly; it is recorded."""
    f = flow_of(obj)
    with transaction.atomic():
        obj = f.lock(obj)
        t = f.require(user, "review", obj)
        if not secrecy_confirmed:
            raise WorkflowError("请先确认保密审查：该信息不涉及国家秘密、工作秘密、商业秘密和个人隐私。")
        revision = obj if f is REVISION_FLOW else None
        SecrecyReview.objects.create(
            item=_item_of(obj),
            revision=revision,
            reviewer=user,
            reviewer_name=user.get_full_name() or user.get_username(),
            note=note or (f"第{revision.number}次修订" if revision else ""),
        )
        obj.reviewed_by = user
        obj.reviewed_at = timezone.now()
        f.move(obj, t, user, reason=note, request=request, data={"secrecy_review": SecrecyReview.STATEMENT})
        _notify(_members(_item_of(obj), R.LEADER), *f.notices["review"], item=_item_of(obj))
    return obj


def return_item(obj, user, *, reason: str, request=None):
    """退回: back to 草稿 with a mandatory reason, shown to the author."""
    reason = _reason(reason, "退回")
    f = flow_of(obj)
    with transaction.atomic():
        obj = f.lock(obj)
        t = f.require(user, "return", obj)
        obj.return_reason = reason
        obj.reviewed_by = None
        obj.reviewed_at = None
        if f is ITEM_FLOW:
            obj.scheduled_for = None
        f.move(obj, t, user, reason=reason, request=request)
        _notify(_author(obj), f.notices["return"][0], f"退回理由：{reason}", item=_item_of(obj))
    return obj


def _override(obj, user, step: str, check: str, reason: str, request=None):
    """领导放行: a leader who did not write the content lets one pre-publication check's findings
    through, with a written reason kept on the item (the check's override field). The findings go
    into the audit record, masked; the raw values never do."""
    reason = _reason(reason, dict((t.name, t.label) for t in ITEM_TRANSITIONS)[step])
    f = flow_of(obj)
    with transaction.atomic():
        obj = f.lock(obj)
        t = f.require(user, step, obj)
        found = prepublication.findings_of_check(obj, check)
        setattr(obj, prepublication.check_named(check).override_field, reason)
        f.move(
            obj,
            t,
            user,
            reason=reason,
            request=request,
            data={"findings": [str(x) for x in found[:100]], "count": len(found)},
        )
    return obj


def override_pii(obj, user, *, reason: str, request=None):
    """放行隐私检查 (e.g. a 惩戒公示 that the law requires to name people)."""
    return _override(obj, user, "pii_override", "pii", reason, request)


def override_content(obj, user, *, reason: str, request=None):
    """放行内容检查 (错别字, 规范表述, 领导信息); 敏感词 cannot be let through."""
    return _override(obj, user, "content_override", "content", reason, request)


def mask_pii(obj, user, *, request=None) -> tuple[int, list[str]]:
    """脱敏: mask every finding in the title, summary, body and the maskable attachments (xlsx,
    docx, csv, txt) of a draft. Returns (findings masked, names of attachments that could not be)."""
    from django.core.files.base import ContentFile

    from . import pii

    f = flow_of(obj)
    with transaction.atomic():
        obj = f.lock(obj)
        t = f.require(user, "pii_mask", obj)
        before = len(pii.scan_item(obj))
        obj.title = pii.mask_text(obj.title)
        obj.summary = pii.mask_text(obj.summary)
        obj.body = pii.mask_text(obj.body)
        obj.contributors.add(user)
        unmaskable = []
        for attachment in obj.attachments.all():
            if not attachment_scan.findings_of(attachment):
                continue
            if attachment.file_type not in pii.MASKABLE_TYPES:
                unmaskable.append(attachment.original_name)
                continue
            with attachment.file.open("rb") as handle:
                data = pii.mask_file(handle.read(), attachment.file_type)
            attachment.file.save(attachment.original_name, ContentFile(data), save=False)
            attachment.size = len(data)
            if f is REVISION_FLOW:
                attachment.source = None  # a new file: no longer the live attachment
            attachment.save()
        after = len(pii.scan_item(obj))
        f.move(obj, t, user, request=request, data={"before": before, "after": after, "unmaskable": unmaskable})
    return before - after, unmaskable


def note_edit(obj, user, *, changed: bool) -> bool:
    """An editor saved a draft (item or revision): they become one of its writers (so they may not
    review or approve it), and an earlier override of the checks stops covering the content.
    Returns True when an override was cancelled."""
    obj.contributors.add(user)
    overrides = [name for name in ("pii_override_reason", "content_override_reason") if getattr(obj, name)]
    if changed and overrides:
        type(obj).objects.filter(pk=obj.pk).update(**dict.fromkeys(overrides, ""))
        for name in overrides:
            setattr(obj, name, "")
        return True
    return False


# ---- items --------------------------------------------------------------------------------------


def _publish_now(item: DisclosureItem, when: datetime.datetime) -> None:
    item.published_at = when
    if not item.index_number:  # assigned once, at first publication; never changed afterwards
        item.index_number = index_numbers.allocate(item.organization, timezone.localdate(when))


def approve(item: DisclosureItem, user, *, publish_at: datetime.datetime | None = None, request=None):
    """领导审批: publish now, or at `publish_at` (待发布)."""
    now = timezone.now()
    with transaction.atomic():
        item = ITEM_FLOW.lock(item)
        t = ITEM_FLOW.require(user, "schedule" if publish_at and publish_at > now else "approve", item)
        item.approved_by = user
        item.approved_at = now
        if t.name == "schedule":
            item.scheduled_for = publish_at
            ITEM_FLOW.move(item, t, user, request=request, data={"publish_at": publish_at.isoformat()})
        else:
            _publish_now(item, now)
            ITEM_FLOW.move(item, t, user, request=request, data={"index_number": item.index_number})
            _public_changed(item)
        _notify(_author(item), "已审批", "您提交的信息已审批通过。", item=item)
    return item


def publish_due(now: datetime.datetime | None = None) -> list[DisclosureItem]:
    """Publish scheduled items whose time has come. Idempotent; safe to run every minute."""
    now = now or timezone.now()
    t = ITEM_FLOW.table["publish_due"]
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
            ITEM_FLOW.move(item, t, None, data={"index_number": item.index_number})
            _public_changed(item)
            done.append(item)
    return done


def emergency_publish(item: DisclosureItem, user, *, reason: str, request=None) -> DisclosureItem:
    """应急发布: a leader who did not write the item publishes it at once with a written reason,
    after the same pre-publication checks; flagged until a second leader confirms it afterwards."""
    reason = _reason(reason, "应急发布")
    with transaction.atomic():
        item = ITEM_FLOW.lock(item)
        t = ITEM_FLOW.require(user, "emergency_publish", item)
        item.emergency = True
        item.approved_by = user
        item.approved_at = timezone.now()
        _publish_now(item, timezone.now())
        ITEM_FLOW.move(item, t, user, reason=reason, request=request, data={"index_number": item.index_number})
        _public_changed(item)
        _notify(_members(item, R.LEADER), "应急发布待复核", f"应急发布理由：{reason}", item=item)
    return item


def confirm_emergency(item: DisclosureItem, user, *, note: str = "", request=None) -> DisclosureItem:
    with transaction.atomic():
        item = ITEM_FLOW.lock(item)
        t = ITEM_FLOW.require(user, "confirm_emergency", item)
        item.emergency = False
        ITEM_FLOW.move(item, t, user, reason=note, request=request)
    return item


def withdraw(item: DisclosureItem, user, *, reason: str, replaced_by: DisclosureItem | None = None, request=None):
    """撤回: the page stays at its URL with a banner and the public reason; it leaves lists."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("撤回必须填写公开的理由。")
    with transaction.atomic():
        item = ITEM_FLOW.lock(item)
        t = ITEM_FLOW.require(user, "withdraw", item)
        item.withdrawal_reason = reason
        item.replaced_by = replaced_by
        ITEM_FLOW.move(
            item, t, user, reason=reason, request=request, data={"replaced_by": replaced_by.pk if replaced_by else None}
        )
        _public_changed(item)
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
        item = ITEM_FLOW.lock(item)
        t = ITEM_FLOW.require(user, "set_validity", item)
        before = item.get_validity_display()
        item.validity = validity
        if replaced_by is not None:
            item.replaced_by = replaced_by
        policy = getattr(item, "policy", None)
        if policy is not None:
            if validity == DisclosureItem.Validity.REPEALED:
                policy.repeal_date = on
            elif validity == DisclosureItem.Validity.EXPIRED:
                policy.expiry_date = on
            policy.save()
        ITEM_FLOW.move(
            item,
            t,
            user,
            reason=reason,
            request=request,
            data={"on": on.isoformat()},
            labels=(before, item.get_validity_display()),
        )
        _public_changed(item)
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
    original 发布日期 and, when it had one, its 索引号. Only site administrators may; the same
    pre-publication checks apply; it is audited like every other transition."""
    with transaction.atomic():
        item = ITEM_FLOW.lock(item)
        t = ITEM_FLOW.require(user, "import_published", item)
        item.published_at = published_at
        item.index_number = index_number or index_numbers.allocate(item.organization, timezone.localdate(published_at))
        item.approved_by = user
        item.approved_at = timezone.now()
        ITEM_FLOW.move(
            item,
            t,
            user,
            reason=source or "历史信息迁移",
            request=request,
            data={"index_number": item.index_number, "published_at": published_at.isoformat()},
        )
        _public_changed(item)
    return item


def import_published_many(entries, user, *, reason: str) -> tuple[list[DisclosureItem], dict[int, str]]:
    """The bulk form of `import_published` for a site import (docs/import.md): `entries` are
    (draft item with its attachments prefetched, original 发布日期, original 索引号 or '') tuples.
    Each item meets the same table decision — site administrator, never numbered, every
    pre-publication check clear; a refused one stays a 草稿 and its reason is returned. The rest
    are published in one UPDATE, numbered (given 索引号 kept, missing ones allocated in the year of
    the original 发布日期), audited one record each, and the search index and public images follow
    in bulk after commit. Must run inside the caller's transaction (one batch)."""
    published: list[DisclosureItem] = []
    refused: dict[int, str] = {}
    t = ITEM_FLOW.table["import_published"]
    for item, published_at, index_number in entries:
        decision = ITEM_FLOW.decide(user, t.name, item)
        if not decision:
            refused[item.pk] = decision.reason
            continue
        item.published_at = published_at
        item.index_number = index_number
        published.append(item)
    by_org: dict[int, list[DisclosureItem]] = {}
    for item in sorted(published, key=lambda i: (i.published_at, i.pk)):
        if not item.index_number:
            by_org.setdefault(item.organization_id, []).append(item)
    for items in by_org.values():
        days = [timezone.localdate(item.published_at) for item in items]
        for item, number in zip(items, index_numbers.allocate_many(items[0].organization, days), strict=True):
            item.index_number = number
    now = timezone.now()
    for item in published:
        item.status = t.target
        item.approved_by = user
        item.approved_at = now
        item.updated_at = now
    fields = ["status", "published_at", "index_number", "approved_by", "approved_at", "updated_at"]
    update_rows(published, fields)  # one UPDATE … FROM VALUES per batch on PostgreSQL (portal/bulk.py)
    record_many(
        [
            audit_entry(
                f"item.{t.name}",
                actor=user,
                obj=item,
                from_state=S.DRAFT.label,
                to_state=S.PUBLISHED.label,
                reason=reason,
                data={"index_number": item.index_number, "published_at": item.published_at.isoformat()},
            )
            for item in published
        ]
    )
    if published:
        transaction.on_commit(lambda: public_versions_changed.send(sender=DisclosureItem, items=published))
    return published, refused


# ---- revisions ----------------------------------------------------------------------------------


def start_revision(item: DisclosureItem, user, *, request=None) -> Revision:
    """修订: an editor starts a new version of a published item; the public keeps the live one."""
    with transaction.atomic():
        item = ITEM_FLOW.lock(item)
        t = ITEM_FLOW.require(user, "revise", item)
        base = revisions.snapshot(item)
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
        revisions.copy_attachments(item, revision)
        record(
            f"revision.{t.audit}",
            actor=user,
            obj=revision,
            organization=item.organization,
            to_state=RS.DRAFT.label,
            request=request,
            data={"item": item.pk, "number": revision.number},
        )
    return revision


def approve_revision(revision: Revision, user, *, request=None) -> Revision:
    """审批生效: the live page takes the revision's content; a public 更新记录 is added."""
    with transaction.atomic():
        revision = REVISION_FLOW.lock(revision)
        item = ITEM_FLOW.lock(revision.item)
        revision.item = item
        t = REVISION_FLOW.require(user, "approve", revision)
        revision.superseded = revisions.snapshot(item)
        revision.approved_by = user
        revision.approved_at = timezone.now()
        revisions.apply(revision, item)
        if revision.change_note.strip():
            ChangeNote.objects.create(item=item, at=revision.approved_at, note=revision.change_note.strip())
        REVISION_FLOW.move(revision, t, user, request=request, data={"index_number": item.index_number})
        _public_changed(item)
        _notify(_author(revision), "修订已生效", "您提交的修订已审批生效。", item=item)
    return revision


def discard_revision(revision: Revision, user, *, request=None) -> Revision:
    with transaction.atomic():
        revision = REVISION_FLOW.lock(revision)
        t = REVISION_FLOW.require(user, "discard", revision)
        REVISION_FLOW.move(revision, t, user, request=request)
    return revision


# The shared steps under the names the revision screens use.
submit_revision = submit
review_revision = review
return_revision = return_item
