"""Handling an information request: every state change is one function here.

    (网上提交) 待确认收到 ──confirm_receipt (第三十一条)──▶ 办理中
    (信函/当面/传真 登记) register_offline ─────────────▶ 办理中
    待确认收到 ──withdraw_by_applicant (适老化 W11, 受理前)──▶ 申请人已撤回
    办理中 ──notify_correction (第三十条, 7个工作日内)──▶ 待补正 ──receive_correction──▶ 办理中 (重新起算)
    办理中 ──extend (第三十三条, 负责人批准, ≤20个工作日, 告知申请人)──▶ 办理中
    办理中 ──start_consultation (第三十二、三十四条)──▶ 征求意见中 ──end_consultation──▶ 办理中
    办理中 ──notify_fee (信息处理费)──▶ 待缴费 ──record_payment──▶ 办理中
    办理中/待补正/征求意见中/待缴费 ──draft_reply, send_reply (第三十六条; 告知书)──▶ 已答复

Each function takes the acting user, runs in one transaction, writes the audit record
(portal.audit.record) and, where the applicant must be told, emails them if they gave an address.
Admin views, the demo and tests call these; nothing else writes `Application.status`.
"""

from __future__ import annotations

import datetime
import secrets
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal import access
from portal.audit import record
from portal.models import Membership
from portal.workcalendar import Calendar

from . import deadlines, letters, throttle
from .models import Appeal, Application, ClockEvent, ReplyLetter
from .outcomes import AppealResult, Outcome

S = Application.Status
K = ClockEvent.Kind

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone


class HandlingError(ValidationError):
    """An action not allowed now; the message is shown to the user as is."""


@dataclass(frozen=True)
class Step:
    label: str
    states: tuple[str, ...]  # the states the step's function accepts (it checks them itself)
    button: bool = True  # offered as a button on the application page


# The steps staff take, in the order of the diagram above; each has one function below.
STEPS = {
    "confirm": Step("确认收到申请", (S.SUBMITTED,)),
    "correction_notice": Step("一次性告知补正", (S.RECEIVED,)),
    "correction_received": Step("登记收到补正", (S.CORRECTION,)),
    "extension": Step("延长答复期限", (S.RECEIVED, S.CONSULTING, S.FEE_PENDING)),
    "consultation": Step("征求第三方/其他机关意见", (S.RECEIVED,)),
    "consultation_end": Step("登记收到意见", (S.CONSULTING,)),
    "fee_notice": Step("发出收费通知", (S.RECEIVED,)),
    "payment": Step("登记缴费", (S.FEE_PENDING,)),
    "reply": Step("答复（告知书）", Application.OPEN_STATES),
    "reply_send": Step("核对并发送告知书", Application.OPEN_STATES, button=False),
}


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalize_code(value: str) -> str:
    """Accept lower case, spaces, missing dashes and full-width characters typed on a phone."""
    raw = "".join(ch for ch in unicodedata.normalize("NFKC", value).upper() if ch.isascii() and ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:12]}" if len(raw) == 12 else raw


# Staff of the organization (any role) handle its applications and see the applicant's data.
is_handler = access.is_member


def _require_handler(user, application: Application) -> None:
    if not is_handler(user, application.organization):
        raise PermissionDenied(f"只有{application.organization.short_name}的工作人员才能办理本申请。")


def _lock(application: Application) -> None:
    """Take the row lock and re-read the application, so two staff cannot move it at once."""
    if application.pk is not None:
        Application.objects.select_for_update().filter(pk=application.pk).exists()
        application.refresh_from_db()


def _require_state(application: Application, *states: str, action: str) -> None:
    if application.status not in states:
        raise HandlingError(f"申请当前状态为“{application.get_status_display()}”，不能{action}。")


def _set_status(
    application: Application, status: str, action: str, user, request=None, reason: str = "", data: dict | None = None
) -> None:
    before = application.status
    application.status = status
    application.save(update_fields=["status"])
    record(
        action,
        actor=user,
        obj=application,
        from_state=before,
        to_state=status,
        reason=reason,
        request=request,
        data=data,
    )


def _tell_applicant(application: Application, subject: str, body: str) -> None:
    """E-mail the applicant once the change is committed (never for a change that rolled back)."""
    if application.email:
        subject = f"【{application.organization.short_name}】{subject}"
        to = [application.email]
        transaction.on_commit(lambda: send_mail(subject, body, None, to, fail_silently=True))


def _check_date(day: datetime.date, not_before: datetime.date | None, what: str) -> None:
    if day > timezone.localdate():
        raise HandlingError(f"{what}不能晚于今天。")
    if not_before and day < not_before:
        raise HandlingError(f"{what}不能早于{not_before:%Y-%m-%d}。")


# ---- receiving ----------------------------------------------------------------------------------


def _save_new(application: Application) -> Application:
    for _ in range(5):
        application.tracking_code = new_tracking_code()
        try:
            with transaction.atomic():
                application.save()
            return application
        except IntegrityError:
            application.pk = None
    raise RuntimeError("无法生成唯一的查询码")


@transaction.atomic
def submit_online(application: Application, request=None) -> Application:
    """A citizen's online application: stored as 待确认收到 until staff confirm receipt (第三十一条（三）)."""
    application.channel = Application.Channel.ONLINE
    application.status = S.SUBMITTED
    application.received_date = None
    _save_new(application)
    record(
        "request.submit", obj=application, to_state=S.SUBMITTED, request=request, data={"channel": application.channel}
    )
    _tell_applicant(
        application,
        "已收到您的政府信息公开申请",
        f"您的申请已提交，查询码：{application.tracking_code}。工作人员确认收到后开始计算答复期限。",
    )
    return application


@transaction.atomic
def register_offline(application: Application, user, received_date: datetime.date, request=None) -> Application:
    """An application received by letter, in person or fax, registered by staff. The receipt date
    follows 第三十一条: 当面 the day handed in; 信函 the day signed for (or confirmed); 传真 the
    day both sides confirmed."""
    _require_handler(user, application)
    if application.channel == Application.Channel.ONLINE:
        raise HandlingError("网上申请由申请人在网站提交，请选择信函、当面提交或传真。")
    _check_date(received_date, None, "收到申请之日")
    application.status = S.RECEIVED
    application.received_date = received_date
    application.handler = application.handler or user
    _save_new(application)
    record(
        "request.register",
        actor=user,
        obj=application,
        to_state=S.RECEIVED,
        request=request,
        data={"channel": application.channel, "received_date": received_date.isoformat()},
    )
    return application


@transaction.atomic
def confirm_receipt(application: Application, user, received_date: datetime.date, request=None) -> Application:
    """第三十一条（三）: an online application is received on the day both sides confirm it."""
    _require_handler(user, application)
    _lock(application)
    _require_state(application, S.SUBMITTED, action="确认收到")
    _check_date(received_date, timezone.localtime(application.submitted_at).date(), "确认收到日期")
    application.received_date = received_date
    application.handler = application.handler or user
    application.save(update_fields=["received_date", "handler"])
    _set_status(
        application, S.RECEIVED, "request.confirm", user, request, data={"received_date": received_date.isoformat()}
    )
    deadline = deadlines.for_application(application)
    _tell_applicant(
        application,
        "政府信息公开申请已受理",
        f"您的申请（查询码 {application.tracking_code}）已于{received_date:%Y年%-m月%-d日}确认收到，"
        f"答复期限至{deadline.due_date:%Y年%-m月%-d日}。",
    )
    return application


@transaction.atomic
def withdraw_by_applicant(application: Application, request=None) -> Application:
    """适老化 W11: before receipt is confirmed the applicant may take the application back."""
    _lock(application)
    _require_state(application, S.SUBMITTED, action="撤回（工作人员已确认收到的申请请联系受理机关）")
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["withdrawn_at"])
    _set_status(application, S.WITHDRAWN, "request.withdraw", None, request)
    return application


APPLICANT_EDITABLE = [
    "info_title",
    "info_document_number",
    "info_description",
    "purpose",
    "form_preference",
    "delivery",
]


@transaction.atomic
def edit_by_applicant(application: Application, changes: dict, request=None) -> Application:
    """适老化 W11: before receipt the applicant may correct what they asked for and how they want it.
    Identity and contact details are changed by withdrawing and applying again (they are never shown
    back on a public page)."""
    _lock(application)
    _require_state(application, S.SUBMITTED, action="修改（工作人员已确认收到的申请请联系受理机关）")
    changed = [f for f in APPLICANT_EDITABLE if f in changes and getattr(application, f) != changes[f]]
    for name in changed:
        setattr(application, name, changes[name])
    if changed:
        application.save(update_fields=changed)
        record("request.applicant_edit", obj=application, request=request, data={"fields": changed})
    return application


# ---- clock events -------------------------------------------------------------------------------


def _event(application: Application, user, kind: str, day: datetime.date, **fields) -> ClockEvent:
    return ClockEvent.objects.create(application=application, kind=kind, date=day, created_by=user, **fields)


@transaction.atomic
def notify_correction(
    application: Application,
    user,
    day: datetime.date,
    items: str,
    applicant_due: datetime.date | None = None,
    request=None,
) -> ClockEvent:
    """第三十条: one notice listing everything to correct, within 7 working days of receipt."""
    _require_handler(user, application)
    _lock(application)
    if application.events.filter(kind=K.CORRECTION_NOTICE).exists():
        raise HandlingError("补正应当一次性告知，本申请已经告知过补正。")
    _require_state(application, S.RECEIVED, action="告知补正")
    if not items.strip():
        raise HandlingError("请写明需要补正的事项。")
    _check_date(day, application.received_date, "告知补正日期")
    event = _event(
        application,
        user,
        K.CORRECTION_NOTICE,
        day,
        reason=items,
        applicant_due_date=applicant_due,
        applicant_notified_date=day,
    )
    due = Calendar.load().add_workdays(application.received_date, deadlines.CORRECTION_NOTICE_DAYS)
    late = day > due
    _set_status(
        application,
        S.CORRECTION,
        "request.correction_notice",
        user,
        request,
        reason=items,
        data={"date": day.isoformat(), "notice_due": due.isoformat(), "late": late},
    )
    _tell_applicant(
        application,
        "政府信息公开申请补正通知",
        f"您的申请（查询码 {application.tracking_code}）需要补正：\n{items}\n"
        + (f"请于{applicant_due:%Y年%-m月%-d日}前补正。" if applicant_due else ""),
    )
    return event


def _end_pause(application, user, day, note, request, *, state, started_by, ends_with, code, action, date_label):
    """A pause of the reply period ends (补正 received, 征求意见 answered): the application is back
    to 已受理, from a day not before the pause began."""
    _require_handler(user, application)
    _lock(application)
    _require_state(application, state, action=action)
    start = application.events.filter(kind=started_by).latest("date")
    _check_date(day, start.date, date_label)
    event = _event(application, user, ends_with, day, reason=note)
    _set_status(application, S.RECEIVED, code, user, request, reason=note, data={"date": day.isoformat()})
    return event


@transaction.atomic
def receive_correction(application: Application, user, day: datetime.date, note: str = "", request=None) -> ClockEvent:
    """第三十条: the reply period restarts from receipt of the corrected application."""
    return _end_pause(
        application,
        user,
        day,
        note,
        request,
        state=S.CORRECTION,
        started_by=K.CORRECTION_NOTICE,
        ends_with=K.CORRECTION_RECEIVED,
        code="request.correction_received",
        action="登记收到补正",
        date_label="收到补正日期",
    )


@transaction.atomic
def extend(
    application: Application,
    user,
    day: datetime.date,
    days: int,
    reason: str,
    approver,
    notified_date: datetime.date,
    request=None,
) -> ClockEvent:
    """第三十三条: extension approved by the head of the office (a 领导 of the organization), with
    a reason, the applicant notified; at most 20 working days in total, before the deadline."""
    _require_handler(user, application)
    _lock(application)
    _require_state(application, S.RECEIVED, S.CONSULTING, S.FEE_PENDING, action="延长答复期限")
    if not reason.strip():
        raise HandlingError("延长答复期限必须写明理由。")
    if approver is None or not access.has_role(approver, application.organization, Membership.Role.LEADER):
        raise HandlingError("延长答复期限须经工作机构负责人（本机关领导角色）同意。")
    current = deadlines.for_application(application, today=day)
    used = current.extension_days
    if days < 1 or used + days > deadlines.MAX_EXTENSION_DAYS:
        raise HandlingError(f"延长期限最长不超过{deadlines.MAX_EXTENSION_DAYS}个工作日（已延长{used}个工作日）。")
    if current.due_date and day > current.due_date:
        raise HandlingError(f"答复期限已于{current.due_date:%Y-%m-%d}届满，不能再延长。")
    _check_date(day, application.received_date, "批准延长日期")
    if notified_date < day:
        raise HandlingError("告知申请人日期不能早于批准日期。")
    event = _event(
        application,
        user,
        K.EXTENSION,
        day,
        days=days,
        reason=reason,
        approved_by=approver,
        applicant_notified_date=notified_date,
    )
    after = deadlines.for_application(application)
    record(
        "request.extend",
        actor=user,
        obj=application,
        reason=reason,
        request=request,
        data={
            "days": days,
            "approved_by": approver.get_username(),
            "new_due": after.due_date.isoformat() if after.due_date else None,
        },
    )
    _tell_applicant(
        application,
        "政府信息公开申请延期答复告知",
        f"您的申请（查询码 {application.tracking_code}）因{reason}，经批准延长答复期限{days}个工作日"
        + (f"，答复期限至{after.due_date:%Y年%-m月%-d日}。" if after.due_date else "。"),
    )
    return event


@transaction.atomic
def start_consultation(
    application: Application, user, day: datetime.date, party: str, party_name: str, request=None
) -> ClockEvent:
    """第三十二条 (third party) / 第三十四条 (co-producer): the clock pauses until the opinion
    arrives; the consulted party has 15 working days."""
    _require_handler(user, application)
    _lock(application)
    _require_state(application, S.RECEIVED, action="征求意见")
    _check_date(day, application.received_date, "发出征求意见书日期")
    due = Calendar.load().add_workdays(day, deadlines.CONSULTATION_DAYS)
    event = _event(
        application, user, K.CONSULTATION_START, day, party=party, party_name=party_name, applicant_due_date=due
    )
    _set_status(
        application,
        S.CONSULTING,
        "request.consult",
        user,
        request,
        data={"date": day.isoformat(), "party": party, "party_name": party_name},
    )
    return event


@transaction.atomic
def end_consultation(application: Application, user, day: datetime.date, opinion: str = "", request=None) -> ClockEvent:
    return _end_pause(
        application,
        user,
        day,
        opinion,
        request,
        state=S.CONSULTING,
        started_by=K.CONSULTATION_START,
        ends_with=K.CONSULTATION_END,
        code="request.consult_end",
        action="登记征求意见结果",
        date_label="收到意见日期",
    )


@transaction.atomic
def notify_fee(application: Application, user, day: datetime.date, amount, basis: str, request=None) -> ClockEvent:
    """信息处理费: the notice goes out within the reply period; the clock pauses until payment."""
    _require_handler(user, application)
    _lock(application)
    _require_state(application, S.RECEIVED, action="发出收费通知")
    if not amount or amount <= 0:
        raise HandlingError("收费金额必须大于零。")
    _check_date(day, application.received_date, "收费通知日期")
    current = deadlines.for_application(application, today=day)
    if current.due_date and day > current.due_date:
        raise HandlingError("收费通知须在答复期限内发出。")
    due = Calendar.load().add_workdays(day, deadlines.FEE_PAYMENT_DAYS)
    event = _event(
        application,
        user,
        K.FEE_NOTICE,
        day,
        amount=amount,
        reason=basis,
        applicant_due_date=due,
        applicant_notified_date=day,
    )
    _set_status(
        application,
        S.FEE_PENDING,
        "request.fee_notice",
        user,
        request,
        reason=basis,
        data={"date": day.isoformat(), "amount": str(amount), "pay_by": due.isoformat()},
    )
    _tell_applicant(
        application,
        "信息处理费缴费通知",
        f"您的申请（查询码 {application.tracking_code}）需缴纳信息处理费{amount}元（{basis}），"
        f"请于{due:%Y年%-m月%-d日}前缴纳，逾期视为放弃申请。",
    )
    return event


@transaction.atomic
def record_payment(application: Application, user, day: datetime.date, request=None) -> ClockEvent:
    _require_handler(user, application)
    _lock(application)
    _require_state(application, S.FEE_PENDING, action="登记缴费")
    notice = application.events.filter(kind=K.FEE_NOTICE).latest("date")
    _check_date(day, notice.date, "缴费日期")
    event = _event(application, user, K.FEE_PAID, day, amount=notice.amount)
    _set_status(application, S.RECEIVED, "request.fee_paid", user, request, data={"date": day.isoformat()})
    return event


# ---- reply ----------------------------------------------------------------------------------------

# Outcomes that only fit a particular clock state (第三十条, 信息处理费).
OUTCOME_NEEDS_STATUS = {
    Outcome.OTHER_NO_CORRECTION: (S.CORRECTION, "申请人逾期不补正的申请"),
    Outcome.OTHER_NO_FEE: (S.FEE_PENDING, "申请人逾期未缴费的申请"),
}


@transaction.atomic
def draft_reply(
    application: Application, user, outcome: str, request=None, day: datetime.date | None = None
) -> ReplyLetter:
    """Draft (or redraft) the 告知书 from the outcome's template, dated `day` (default today);
    staff edit it before sending."""
    _require_handler(user, application)
    _lock(application)
    _require_state(application, *Application.OPEN_STATES, action="起草告知书")
    if outcome not in Outcome.values:
        raise HandlingError("请选择办理结果。")
    title, body = letters.render(application, outcome, day or timezone.localdate())
    letter, _ = ReplyLetter.objects.update_or_create(
        application=application, defaults={"outcome": outcome, "title": title, "body": body, "drafted_by": user}
    )
    record("request.reply_draft", actor=user, obj=application, request=request, data={"outcome": outcome})
    return letter


@transaction.atomic
def send_reply(
    application: Application, user, day: datetime.date, title: str | None = None, body: str | None = None, request=None
) -> Application:
    """第三十六条: the reply is sent; outcome and answer date are fixed (they feed table 三)."""
    _require_handler(user, application)
    _lock(application)
    _require_state(application, *Application.OPEN_STATES, action="答复")
    letter = getattr(application, "reply", None)
    if letter is None:
        raise HandlingError("请先选择办理结果并生成告知书。")
    need = OUTCOME_NEEDS_STATUS.get(letter.outcome)
    if need and application.status != need[0]:
        raise HandlingError(f"“{letter.get_outcome_display()}”只适用于{need[1]}。")
    if letter.outcome == Outcome.UNABLE_UNCLEAR and not application.events.filter(kind=K.CORRECTION_RECEIVED).exists():
        raise HandlingError("“补正后申请内容仍不明确”只适用于已经补正的申请。")
    _check_date(day, application.received_date, "答复日期")
    if title is not None:
        letter.title = title
    if body is not None:
        letter.body = body
    if not letter.body.strip():
        raise HandlingError("告知书正文不能为空。")
    letter.sent_date = day
    letter.save()
    before_deadline = deadlines.for_application(application, today=day)
    application.outcome = letter.outcome
    application.answered_date = day
    application.save(update_fields=["outcome", "answered_date"])
    _set_status(
        application,
        S.ANSWERED,
        "request.reply",
        user,
        request,
        data={"outcome": letter.outcome, "date": day.isoformat(), "overdue": before_deadline.overdue},
    )
    hint = f"\n\n您可凭查询码 {application.tracking_code} 在网站“依申请公开—申请查询”中查看答复及附件。"
    _tell_applicant(application, letter.title, letter.body + hint)
    return application


# ---- staff edits and appeals --------------------------------------------------------------------


@transaction.atomic
def record_staff_edit(application: Application, user, fields: list[str], request=None) -> Application:
    """Staff corrected details of an application in the admin form (status, outcome and dates are
    not on the form); the identity digest follows the identity number."""
    _require_handler(user, application)
    application.identity_key = throttle.identity_key(application.id_number)
    application.save()
    record("request.edit", actor=user, obj=application, request=request, data={"fields": fields})
    return application


@transaction.atomic
def save_appeal(appeal: Appeal, user, *, created: bool, fields: list[str], previous_result: str = "", request=None):
    """行政复议 / 行政诉讼 (table 四): the organization follows the linked application; a decided case
    gets its 审结日期 (today unless given), a pending one none."""
    if appeal.application_id and appeal.application.organization_id != appeal.organization_id:
        appeal.organization = appeal.application.organization
    if appeal.result == AppealResult.PENDING:
        appeal.concluded_date = None
    elif appeal.concluded_date is None:
        appeal.concluded_date = timezone.localdate()
    appeal.save()
    record(
        "appeal.create" if created else "appeal.update",
        actor=user,
        obj=appeal,
        request=request,
        from_state=previous_result,
        to_state=appeal.result,
        data={"kind": appeal.kind, "fields": fields},
    )
    return appeal
