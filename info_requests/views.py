"""Public pages of 依申请公开: the form, the receipt, tracking by 查询码 (POST only: the code never
appears in a URL or an access log) and withdrawal before receipt (适老化 W11).

A successful tracking lookup puts the application's id in the session; the status page, the
withdrawal and the reply attachments check that, so nothing is reachable by guessing ids.
Public pages never show identity numbers or contact details.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from portal.files import download

from . import deadlines, handling, throttle
from .forms import ApplicationForm, RequestContentForm, TrackForm
from .models import Application, ReplyAttachment

SESSION_RECEIPT = "info_request_receipt"
TOO_OFTEN = "提交过于频繁，请稍后再试；也可以通过信函、当面或传真提出申请。"
SESSION_TRACKED = "info_requests_tracked"


def _tracked_ids(request) -> list[int]:
    ids = request.session.get(SESSION_TRACKED, [])
    return [i for i in ids if isinstance(i, int)]


def _remember(request, application: Application) -> None:
    ids = _tracked_ids(request)
    if application.pk not in ids:
        request.session[SESSION_TRACKED] = (ids + [application.pk])[-10:]


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request):
    notes = []
    if request.method == "POST":
        form = ApplicationForm(request.POST)
        ip_key = throttle.client_key(request)
        if form.is_bot:
            # Honeypot filled: answer as if accepted, store nothing.
            return render(request, "info_requests/receipt.html", {"application": None, "bot": True})
        if throttle.blocked(throttle.APPLY_PER_IP, ip_key):
            notes.append(TOO_OFTEN)
        elif form.is_valid():
            application = form.to_application()
            reached = throttle.take(
                (throttle.APPLY_PER_IP, ip_key), (throttle.APPLY_PER_IDENTITY, application.identity_key)
            )
            if reached is throttle.APPLY_PER_IP:
                notes.append(TOO_OFTEN)
            elif reached is not None:
                notes.append("同一申请人今天提交的申请已达上限，请明天再提交，或联系受理机关。")
            else:
                handling.submit_online(application, request)
                request.session[SESSION_RECEIPT] = application.pk
                _remember(request, application)
                return redirect("info_requests:receipt")
    else:
        form = ApplicationForm()
    return render(request, "info_requests/apply.html", {"form": form, "errors_notes": notes})


@never_cache
@require_http_methods(["GET", "HEAD"])
def receipt(request):
    pk = request.session.get(SESSION_RECEIPT)
    application = (
        Application.objects.select_related("organization").filter(pk=pk).first() if isinstance(pk, int) else None
    )
    if application is None:
        return redirect("info_requests:apply")
    return render(request, "info_requests/receipt.html", {"application": application})


def _status_context(application: Application) -> dict:
    events = list(application.events.all())
    deadline = deadlines.for_application(application, events=events)
    reply = getattr(application, "reply", None) if application.status == Application.Status.ANSWERED else None
    return {
        "application": application,
        "events": events,
        "deadline": deadline,
        "reply": reply,
        "attachments": list(application.attachments.all()) if reply else [],
    }


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def track(request):
    """查询码 + the last four digits of the phone. Every failure gives the same answer; failures are
    counted per address and per code, and while either limit is reached even a right pair is refused."""
    failed = blocked = False
    application = None
    if request.method == "POST":
        form = TrackForm(request.POST)
        if form.is_valid():
            code = handling.normalize_code(form.cleaned_data["code"])
            ip_key = throttle.client_key(request)
            code_key = throttle.digest("code:" + code)
            if throttle.blocked(throttle.TRACK_FAIL_PER_IP, ip_key) or throttle.blocked(
                throttle.TRACK_FAIL_PER_CODE, code_key
            ):
                blocked = True
            else:
                found = Application.objects.select_related("organization").filter(tracking_code=code).first()
                if found is not None and found.phone_last4 == form.cleaned_data["phone_last4"]:
                    application = found
                    _remember(request, found)
                else:
                    failed = True
                    throttle.take((throttle.TRACK_FAIL_PER_IP, ip_key), (throttle.TRACK_FAIL_PER_CODE, code_key))
    else:
        form = TrackForm()
        pk = request.GET.get("id")
        if pk and pk.isdigit() and int(pk) in _tracked_ids(request):
            application = Application.objects.select_related("organization").filter(pk=int(pk)).first()
    if application is not None:
        return render(request, "info_requests/status.html", _status_context(application))
    return render(request, "info_requests/track.html", {"form": form, "failed": failed, "blocked": blocked})


@require_POST
def withdraw(request, pk: int):
    application = Application.objects.select_related("organization").filter(pk=pk).first()
    if application is None or pk not in _tracked_ids(request):
        return redirect("info_requests:track")
    notes = []
    try:
        handling.withdraw_by_applicant(application, request)
        notes.append("您的申请已撤回。如需修改内容，请重新提交申请。")
    except handling.HandlingError as error:
        notes.extend(error.messages)
    application.refresh_from_db()
    return render(request, "info_requests/status.html", {**_status_context(application), "notes": notes})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, pk: int):
    """Change the information sought before receipt (适老化 W11)."""
    application = Application.objects.select_related("organization").filter(pk=pk).first()
    if application is None or pk not in _tracked_ids(request):
        return redirect("info_requests:track")
    if application.status != Application.Status.SUBMITTED:
        note = "工作人员已确认收到本申请，不能再在网上修改；如需补充，请联系受理机关。"
        return render(request, "info_requests/status.html", {**_status_context(application), "notes": [note]})
    initial = {f: getattr(application, f) for f in handling.APPLICANT_EDITABLE}
    form = RequestContentForm(request.POST or None, initial=initial, application=application)
    if request.method == "POST" and form.is_valid():
        handling.edit_by_applicant(application, form.cleaned_data, request)
        application.refresh_from_db()
        return render(
            request, "info_requests/status.html", {**_status_context(application), "notes": ["申请内容已修改。"]}
        )
    return render(request, "info_requests/edit.html", {"form": form, "application": application})


@require_http_methods(["GET", "HEAD"])
def attachment(request, pk: int):
    item = ReplyAttachment.objects.select_related("application").filter(pk=pk).first()
    if (
        item is None
        or item.application_id not in _tracked_ids(request)
        or item.application.status != Application.Status.ANSWERED
    ):
        raise Http404("文件不存在")
    return download(item.file, item.original_name, item.content_type)


@require_http_methods(["GET", "HEAD"])
def stored_reply_file(request, path: str):
    """The stored file behind a reply-attachment link of the admin (`/media/requests/…`): staff of
    the handling organization only. Applicants download through tracking (`attachment` above)."""
    from portal.access import is_member

    item = ReplyAttachment.objects.select_related("application__organization").filter(file=f"requests/{path}").first()
    user = request.user
    if item is None or not (user.is_authenticated and user.is_staff and is_member(user, item.application.organization)):
        raise Http404("文件不存在")
    return download(item.file, item.original_name, item.content_type)


@require_http_methods(["GET", "HEAD"])
def paper_form(request):
    """The printable paper 申请表 (Word), with every organization's address for posting it."""
    from django.http import HttpResponse

    from portal.models import Organization

    from . import paper_form as paper

    response = HttpResponse(
        paper.build(Organization.objects.order_by("order", "id")),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    from urllib.parse import quote

    name = quote("政府信息公开申请表.docx")
    response["Content-Disposition"] = f"attachment; filename=\"shenqingbiao.docx\"; filename*=UTF-8''{name}"
    return response
