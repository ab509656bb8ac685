"""Public pages of 互动回应. Thin: forms, the `public()` selectors and the domain functions.

Tracking is a POST (the 查询码 never appears in a URL or an access log); a successful lookup
puts the message id in the session, as /apply/track/ does. Published messages never show the
writer's name, phone or e-mail. Every page runs a fixed number of queries.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from disclosures.workflow import WorkflowError
from info_requests import throttle
from info_requests.handling import normalize_code
from portal.models import Organization
from portal.paging import paginate

from . import consultations as consultation_rules
from . import deadlines, stats
from . import workflow as message_workflow
from .forms import CommentForm, MessageForm, TrackForm
from .models import Comment, Consultation, InteractionSettings, Message

SESSION_RECEIPT = "interaction_receipt"
SESSION_TRACKED = "interaction_tracked"

# The limits of /apply/ (info_requests/throttle.py), with scopes of their own.
ASK_PER_IP = throttle.Limit("ask-ip", 10, throttle.APPLY_PER_IP.window)
ASK_PER_PHONE = throttle.Limit("ask-phone", 5, throttle.APPLY_PER_IDENTITY.window)
COMMENT_PER_IP = throttle.Limit("comment-ip", 20, throttle.APPLY_PER_IP.window)
TRACK_FAIL_PER_IP = throttle.Limit("ask-track-ip", 10, throttle.TRACK_FAIL_PER_IP.window)
TRACK_FAIL_PER_CODE = throttle.Limit("ask-track-code", 5, throttle.TRACK_FAIL_PER_CODE.window)

# Where a message that is not a question for a bureau belongs (they have statutory channels).
ELSEWHERE = [
    ("信访事项（投诉请求、反映问题）", "请通过本级信访部门或“国家信访局网上信访”提出（《信访工作条例》）。"),
    ("纪检监察举报", "请通过纪委监委信访举报渠道或“12388”举报网站提出。"),
    ("申请获取政府信息", "请使用“依申请公开”在线申请，答复期限20个工作日（政府信息公开条例第三十三条）。"),
    ("紧急求助、治安警情", "请直接拨打110、119、120等紧急电话。"),
]
LATEST = 5


def _tracked_ids(request) -> list[int]:
    return [i for i in request.session.get(SESSION_TRACKED, []) if isinstance(i, int)]


def _remember(request, message: Message) -> None:
    ids = _tracked_ids(request)
    if message.pk not in ids:
        request.session[SESSION_TRACKED] = (ids + [message.pk])[-10:]


def _public_messages():
    return (
        Message.objects.public()
        .select_related("reply__organization")
        .defer("writer_name", "phone", "email", "tracking_code")
    )


@require_safe
def index(request):
    today = timezone.localdate()
    latest = list(_public_messages().order_by("-published_at", "-id")[:LATEST])
    open_ones = list(
        Consultation.objects.public()
        .filter(start_date__lte=today, end_date__gte=today)
        .select_related("organization")
        .order_by("end_date", "id")[:LATEST]
    )
    return render(request, "interaction/index.html", {"latest": latest, "open_consultations": open_ones})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def ask(request):
    notes = []
    config = InteractionSettings.current()
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_bot:  # honeypot filled: answer as if accepted, store nothing
            return render(request, "interaction/receipt.html", {"message": None, "bot": True})
        ip_key = throttle.client_key(request)
        if throttle.blocked(ASK_PER_IP, ip_key):
            notes.append("提交过于频繁，请稍后再试，或拨打机构的联系电话咨询。")
        elif form.is_valid():
            message = form.to_message()
            phone_key = throttle.digest("ask-phone:" + message.phone)
            if throttle.blocked(ASK_PER_PHONE, phone_key):
                notes.append("同一手机号码今天提交的留言已达上限，请明天再提交，或拨打机构的联系电话咨询。")
            else:
                throttle.hit(ASK_PER_IP, ip_key)
                throttle.hit(ASK_PER_PHONE, phone_key)
                message_workflow.submit(message, request)
                request.session[SESSION_RECEIPT] = message.pk
                _remember(request, message)
                return redirect("interaction:receipt")
    else:
        form = MessageForm()
    return render(
        request,
        "interaction/ask.html",
        {"form": form, "errors_notes": notes, "elsewhere": ELSEWHERE, "reply_days": config.reply_days},
    )


@never_cache
@require_http_methods(["GET", "HEAD"])
def receipt(request):
    pk = request.session.get(SESSION_RECEIPT)
    message = Message.objects.select_related("organization").filter(pk=pk).first() if isinstance(pk, int) else None
    if message is None:
        return redirect("interaction:ask")
    return render(request, "interaction/receipt.html", {"message": message, "deadline": deadlines.for_message(message)})


def _status_context(message: Message) -> dict:
    reply = message.reply_or_none if message.status == Message.Status.ANSWERED else None
    return {
        "message": message,
        "deadline": deadlines.for_message(message),
        "reply": reply,
        "transfers": list(message.transfers.select_related("from_organization", "to_organization")),
    }


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def track(request):
    """查询码 + the last four digits of the phone; every failure gives the same answer, counted per
    address and per code (the limits of /apply/track/)."""
    failed = blocked = False
    message = None
    if request.method == "POST":
        form = TrackForm(request.POST)
        if form.is_valid():
            code = normalize_code(form.cleaned_data["code"])
            ip_key = throttle.client_key(request)
            code_key = throttle.digest("ask-code:" + code)
            if throttle.blocked(TRACK_FAIL_PER_IP, ip_key) or throttle.blocked(TRACK_FAIL_PER_CODE, code_key):
                blocked = True
            else:
                found = Message.objects.select_related("organization").filter(tracking_code=code).first()
                if found is not None and found.phone_matches(form.cleaned_data["phone_last4"]):
                    message = found
                    _remember(request, found)
                else:
                    failed = True
                    throttle.hit(TRACK_FAIL_PER_IP, ip_key)
                    throttle.hit(TRACK_FAIL_PER_CODE, code_key)
    else:
        form = TrackForm()
        pk = request.GET.get("id", "")
        if pk.isdigit() and int(pk) in _tracked_ids(request):
            message = Message.objects.select_related("organization").filter(pk=int(pk)).first()
    if message is not None:
        return render(request, "interaction/status.html", _status_context(message))
    return render(request, "interaction/track.html", {"form": form, "failed": failed, "blocked": blocked})


@require_safe
def messages(request):
    qs = _public_messages()
    organizations = list(Organization.objects.order_by("order", "id"))
    org = request.GET.get("org", "")
    current = next((o for o in organizations if o.slug == org), None)
    notes = []
    if org and current is None:
        notes.append("没有找到该机构，已显示全部留言。")
    if current is not None:
        qs = qs.filter(reply__organization=current)
    page, page_notes = paginate(request, qs.order_by("-published_at", "-id"), settings.PAGE_SIZE)
    return render(
        request,
        "interaction/messages.html",
        {"page": page, "organizations": organizations, "current": current, "notes": notes + page_notes},
    )


@require_safe
def message_detail(request, pk: int):
    message = get_object_or_404(_public_messages(), pk=pk)
    return render(request, "interaction/message.html", {"message": message, "reply": message.reply})


@require_safe
def consultation_list(request):
    today = timezone.localdate()
    rows = list(
        Consultation.objects.public()
        .select_related("organization", "feedback_item")
        .order_by("-start_date", "-id")[:200]
    )
    open_ones = [c for c in rows if c.start_date <= today <= c.end_date]
    upcoming = [c for c in rows if c.start_date > today]
    closed = [c for c in rows if c.end_date < today]
    return render(
        request,
        "interaction/consultations.html",
        {"open": open_ones, "upcoming": upcoming, "closed": closed, "today": today},
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def consultation_detail(request, pk: int):
    consultation = get_object_or_404(
        Consultation.objects.public().select_related("organization", "item", "feedback_item"), pk=pk
    )
    attachments = list(consultation.item.attachments.all())
    shown = list(
        Comment.objects.filter(consultation=consultation, shown_publicly=True).only("id", "text", "submitted_at")
    )
    notes, errors_notes, done = [], [], False
    form = None
    refusal = consultation_rules.comment_refusal(consultation)
    if request.method == "POST":
        form = CommentForm(request.POST, request.FILES)
        if form.is_bot:
            done = True
        elif refusal:
            errors_notes.append(refusal)
            form = None
        elif throttle.blocked(COMMENT_PER_IP, throttle.client_key(request)):
            errors_notes.append("提交过于频繁，请稍后再试。")
        elif form.is_valid():
            try:
                consultation_rules.add_comment(
                    consultation,
                    text=form.cleaned_data["text"],
                    name=form.cleaned_data["name"],
                    contact=form.cleaned_data["contact"],
                    upload=form.cleaned_data.get("attachment"),
                    request=request,
                )
            except WorkflowError as error:
                errors_notes.extend(error.messages)
            else:
                throttle.hit(COMMENT_PER_IP, throttle.client_key(request))
                done = True
        if done:
            notes.append("您的意见已提交，感谢您的参与。征集结束后，我们将公布意见采纳情况。")
            form = CommentForm()
    elif not refusal:
        form = CommentForm()
    status = 400 if errors_notes and request.method == "POST" else 200
    return render(
        request,
        "interaction/consultation.html",
        {
            "c": consultation,
            "attachments": attachments,
            "shown": shown,
            "form": form if not refusal else None,
            "refusal": refusal,
            "notes": notes,
            "errors_notes": errors_notes,
            "feedback": consultation.feedback_item if consultation.feedback_public else None,
        },
        status=status,
    )


@require_safe
def stats_page(request):
    this_year = timezone.localdate().year
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= this_year else this_year
    notes = ["年份不正确，已显示今年的数据。"] if raw and str(year) != raw else []
    rows, total = stats.table(year)
    return render(
        request,
        "interaction/stats.html",
        {
            "year": year,
            "years": list(range(this_year, this_year - 6, -1)),
            "rows": rows,
            "total": total,
            "notes": notes,
        },
    )
