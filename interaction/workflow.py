"""Handling a message (咨询留言): the state table and one function per state change.

    (网上提交) 待受理 ──accept──▶ 办理中 ──reply (编辑起草)──▶ 办理中 ──submit_reply──▶ 答复待审批
    待受理/办理中 ──reject (理由告知留言人)──▶ 不予受理
    待受理/办理中 ──transfer (转入机构重新受理，期限不变)──▶ 待受理
    答复待审批 ──approve_reply (未参与起草的领导)──▶ 已答复 ──publish (领导选登，隐私检查)──▶ 已答复·公开
    答复待审批 ──return_reply (理由)──▶ 办理中          已答复·公开 ──unpublish──▶ 已答复

The table reuses the rows, guards and decisions of disclosures/workflow.py; separation of duties
(a leader who did not write the reply approves it) is portal/access.py's `authorship_refusal` on
the reply. Each function takes the acting user, runs in one transaction under a row lock, writes
the audit record and sends mail after commit. Nothing else writes `Message.status`.
"""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from disclosures.workflow import Decision, Flow, Guard, Transition, WorkflowError
from info_requests.handling import new_tracking_code
from portal import access
from portal.audit import record
from portal.models import Membership, Organization

from . import deadlines, privacy
from .models import InteractionSettings, Message, Reply, Transfer

S = Message.Status
R = Membership.Role


# ---- guards ------------------------------------------------------------------------------------

REPLY_WRITTEN = Guard(
    lambda m, user: "" if m.reply_or_none is not None and m.reply.body.strip() else "请先起草答复内容。"
)
NOT_REPLY_AUTHOR = Guard(
    lambda m, user: access.authorship_refusal(user, m.reply, "审批") if m.reply_or_none is not None else "",
    personal=True,
    narrow=lambda qs, user: qs.exclude(Q(reply__created_by=user) | Q(reply__contributors=user)),
)
WRITER_AGREED = Guard(lambda m, user: "" if m.agree_publish else "留言人未同意公开，不能选登。")
NOT_PUBLISHED = Guard(lambda m, user: "该留言已经公开。" if m.published_at else "")
PUBLISHED = Guard(lambda m, user: "" if m.published_at else "该留言尚未公开。")
PRIVACY_CLEAR = Guard(lambda m, user: privacy.refusal(privacy.message_findings(m), "留言或答复"))
HAS_FINDINGS = Guard(lambda m, user: "" if privacy.message_findings(m) else "未发现需要脱敏的个人信息。")

TRANSITIONS = [
    Transition("accept", "受理", (S.SUBMITTED,), S.ACCEPTED, R.EDITOR),
    Transition("reject", "不予受理", (S.SUBMITTED, S.ACCEPTED), S.REJECTED, R.EDITOR),
    Transition("transfer", "转办", (S.SUBMITTED, S.ACCEPTED), S.SUBMITTED, R.EDITOR),
    Transition("reply", "起草答复", (S.ACCEPTED,), None, R.EDITOR, audit="reply_draft"),
    Transition(
        "submit_reply",
        "提交领导审批",
        (S.ACCEPTED,),
        S.PENDING_APPROVAL,
        R.EDITOR,
        (REPLY_WRITTEN,),
        audit="reply_submit",
    ),
    Transition(
        "approve_reply",
        "审批答复",
        (S.PENDING_APPROVAL,),
        S.ANSWERED,
        R.LEADER,
        (NOT_REPLY_AUTHOR, REPLY_WRITTEN),
        audit="reply_approve",
    ),
    Transition("return_reply", "退回答复", (S.PENDING_APPROVAL,), S.ACCEPTED, R.LEADER, audit="reply_return"),
    Transition("publish", "选登公开", (S.ANSWERED,), None, R.LEADER, (WRITER_AGREED, NOT_PUBLISHED, PRIVACY_CLEAR)),
    Transition("unpublish", "撤下公开", (S.ANSWERED,), None, R.LEADER, (PUBLISHED,)),
    Transition("pii_mask", "一键脱敏", (S.ANSWERED,), None, R.EDITOR, (HAS_FINDINGS,)),
]


class MessageFlow(Flow):
    def decide(self, user, name: str, obj) -> Decision:
        t = self.table.get(name)
        if t is not None and obj.status not in t.sources:
            return Decision(False, f"留言当前状态为“{obj.get_status_display()}”，不能执行“{t.label}”。")
        return super().decide(user, name, obj)

    def lock(self, obj):
        return Message.objects.select_for_update(of=("self",)).select_related("organization").get(pk=obj.pk)


FLOW = MessageFlow(Message, TRANSITIONS, "message", "organization", notices={})


def can(user, name: str, message: Message) -> Decision:
    return FLOW.decide(user, name, message)


def offered(user, message: Message):
    return FLOW.offered(user, message)


# ---- mail --------------------------------------------------------------------------------------


def _mail(recipients, subject: str, body: str) -> None:
    to = sorted({r for r in recipients if r})
    if to:
        transaction.on_commit(lambda: send_mail(subject, body, None, to, fail_silently=True))


def _tell_writer(message: Message, subject: str, body: str) -> None:
    if message.email:
        hint = f"\n\n凭查询码 {message.tracking_code} 和手机号码后四位可在网站“互动交流—留言查询”中查看。"
        _mail([message.email], f"【{message.organization.short_name}】{subject}", body + hint)


def _tell_staff(organization: Organization, role: str, subject: str, message: Message) -> None:
    users = access.staff_with_role(organization, role).exclude(email="")
    _mail(
        users.values_list("email", flat=True),
        f"[互动回应] {subject}：{message.title}",
        f"{subject}。\n留言：{message.title}\n后台链接：{message.get_admin_url()}\n",
    )


def _reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(f"{what}必须填写理由。")
    return reason


# ---- the citizen's submission --------------------------------------------------------------------


def submit(message: Message, request=None) -> Message:
    """A citizen's message: received the day it arrives; the reply deadline is frozen from the
    site setting of that day (docs/interaction.md)."""
    config = InteractionSettings.current()
    message.addressed_to = message.organization
    message.status = S.SUBMITTED
    message.submitted_at = timezone.now()
    message.received_date = timezone.localdate(message.submitted_at)
    message.reply_days = config.reply_days
    for _ in range(5):
        message.tracking_code = new_tracking_code()
        try:
            with transaction.atomic():
                message.save()
                record(
                    "message.submit",
                    obj=message,
                    to_state=S.SUBMITTED.label,
                    request=request,
                    data={"category": message.category},
                )
                deadline = deadlines.for_message(message, config=config)
                _tell_writer(
                    message,
                    "已收到您的留言",
                    f"您的留言“{message.title}”已提交，查询码：{message.tracking_code}。"
                    f"我们将在{deadline.due_date:%Y年%-m月%-d日}前答复。",
                )
                _tell_staff(message.organization, R.EDITOR, "收到新的网上留言", message)
            return message
        except IntegrityError:
            message.pk = None
    raise RuntimeError("无法生成唯一的查询码")


# ---- staff steps --------------------------------------------------------------------------------


def accept(message: Message, user, *, request=None) -> Message:
    with transaction.atomic():
        message = FLOW.lock(message)
        t = FLOW.require(user, "accept", message)
        message.handler = user
        FLOW.move(message, t, user, request=request)
    return message


def reject(message: Message, user, *, reason: str, request=None) -> Message:
    """不予受理: the reason is shown to the writer (e.g. 信访 and 纪检举报 have their own channels)."""
    reason = _reason(reason, "不予受理")
    with transaction.atomic():
        message = FLOW.lock(message)
        t = FLOW.require(user, "reject", message)
        message.reject_reason = reason
        message.answered_at = timezone.now()
        message.handler = message.handler or user
        FLOW.move(message, t, user, reason=reason, request=request)
        _tell_writer(message, "留言不予受理告知", f"您的留言“{message.title}”不予受理，理由：{reason}")
    return message


def transfer(message: Message, user, *, to: Organization, reason: str, request=None) -> Message:
    """转办: the receiving organization accepts it again; the deadline still runs from receipt."""
    reason = _reason(reason, "转办")
    with transaction.atomic():
        message = FLOW.lock(message)
        t = FLOW.require(user, "transfer", message)
        if to is None or to.pk == message.organization_id:
            raise WorkflowError("请选择另一个机构作为转入机构。")
        source = message.organization
        Transfer.objects.create(message=message, from_organization=source, to_organization=to, reason=reason, by=user)
        message.organization = to
        message.handler = None
        FLOW.move(
            message,
            t,
            user,
            reason=reason,
            request=request,
            data={"from": source.pk, "to": to.pk, "from_name": source.name, "to_name": to.name},
        )
        _tell_staff(to, R.EDITOR, f"{source.short_name}转办一条留言", message)
        _tell_writer(message, "留言已转办", f"您的留言“{message.title}”已由{source.name}转{to.name}办理：{reason}")
    return message


def save_reply(message: Message, user, *, body: str, request=None) -> Reply:
    """起草答复 (or redraft it): the editor becomes one of the reply's writers."""
    body = (body or "").strip()
    if not body:
        raise WorkflowError("答复内容不能为空。")
    with transaction.atomic():
        message = FLOW.lock(message)
        t = FLOW.require(user, "reply", message)
        reply = message.reply_or_none
        if reply is None:
            reply = Reply(message=message, created_by=user)
        reply.body = body
        reply.organization = message.organization
        reply.save()
        reply.contributors.add(user)
        FLOW.move(message, t, user, request=request)
    return reply


def submit_reply(message: Message, user, *, request=None) -> Message:
    with transaction.atomic():
        message = FLOW.lock(message)
        t = FLOW.require(user, "submit_reply", message)
        Reply.objects.filter(message=message).update(return_reason="")
        FLOW.move(message, t, user, request=request)
        _tell_staff(message.organization, R.LEADER, "留言答复待审批", message)
    return message


def approve_reply(message: Message, user, *, request=None) -> Message:
    """审批答复: only now does the writer see the reply."""
    with transaction.atomic():
        message = FLOW.lock(message)
        t = FLOW.require(user, "approve_reply", message)
        now = timezone.now()
        reply = message.reply
        reply.approved_by = user
        reply.approved_at = now
        reply.organization = message.organization
        reply.save(update_fields=["approved_by", "approved_at", "organization", "updated_at"])
        message.answered_at = now
        on_time = timezone.localdate(now) <= deadlines.for_message(message).due_date
        FLOW.move(message, t, user, request=request, data={"on_time": on_time})
        _tell_writer(message, "您的留言已答复", f"您的留言“{message.title}”已答复：\n\n{reply.body}")
    return message


def return_reply(message: Message, user, *, reason: str, request=None) -> Message:
    reason = _reason(reason, "退回")
    with transaction.atomic():
        message = FLOW.lock(message)
        t = FLOW.require(user, "return_reply", message)
        Reply.objects.filter(message=message).update(return_reason=reason)
        FLOW.move(message, t, user, reason=reason, request=request)
        author = message.reply.created_by
        if author is not None and author.email:
            _mail([author.email], f"[互动回应] 留言答复被退回：{message.title}", f"退回理由：{reason}")
    return message


def publish(message: Message, user, *, request=None) -> Message:
    """选登公开: a leader publishes an answered message whose writer agreed; the PII guard runs on
    message and reply first. The writer's name, phone and e-mail are never shown publicly."""
    with transaction.atomic():
        message = FLOW.lock(message)
        t = FLOW.require(user, "publish", message)
        message.published_at = timezone.now()
        message.published_by = user
        FLOW.move(message, t, user, request=request, labels=("未公开", "已公开"))
    return message


def unpublish(message: Message, user, *, reason: str, request=None) -> Message:
    reason = _reason(reason, "撤下")
    with transaction.atomic():
        message = FLOW.lock(message)
        t = FLOW.require(user, "unpublish", message)
        message.published_at = None
        message.published_by = None
        FLOW.move(message, t, user, reason=reason, request=request, labels=("已公开", "未公开"))
    return message


def mask(message: Message, user, *, request=None) -> int:
    """一键脱敏 of title, message and reply before publication. Returns the findings masked; the
    audit record keeps their count and kinds, never the values."""
    with transaction.atomic():
        message = FLOW.lock(message)
        t = FLOW.require(user, "pii_mask", message)
        found = privacy.message_findings(message)
        personal = (message.writer_name, message.phone, message.email)
        message.title = privacy.mask(message.title, *personal)[:100]
        message.content = privacy.mask(message.content, *personal)
        reply = message.reply_or_none
        if reply is not None:
            reply.body = privacy.mask(reply.body, *personal)
            reply.save(update_fields=["body", "updated_at"])
        kinds = sorted({f.label for f in found})
        FLOW.move(message, t, user, request=request, data={"count": len(found), "kinds": kinds})
    return len(found)
