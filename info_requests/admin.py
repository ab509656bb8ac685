"""Staff side of 依申请公开 in the Django admin.

Applications are scoped to the user's organizations (portal.models.Membership). The
applicant's identity number and contact details are shown only to staff of the organization
that handles the application; anyone else allowed to look (a site administrator who is not a
member) sees them masked. Status, outcome and dates never change through the form: each action
button opens a small form that calls one function of info_requests/handling.py.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from portal.access import OrganizationScopedAdmin, is_site_admin, user_organizations
from portal.admin import ReadOnlyAdmin, WithoutBulkDelete, warn_uncovered_years
from portal.admin_actions import Action, ActionAdminMixin
from portal.fields import protected_lookup
from portal.models import Membership

from . import deadlines, handling
from . import forms as action_forms
from .models import Appeal, Application, ClockEvent, DeadlineDashboard, ReplyAttachment, ReplyTemplate
from .throttle import identity_key

S = Application.Status
PII_FIELDS = ["id_type", "id_number", "phone", "email", "address", "postcode"]


def _letter_initial(application):
    letter = getattr(application, "reply", None)
    if letter is None:
        return {}
    return {"title": letter.title, "body": letter.body, "date": timezone.localdate()}


def _run(name):
    """The handling function of step `name`, called with the form's fields."""
    calls = {
        "confirm": lambda o, u, d, r: handling.confirm_receipt(o, u, d["date"], r),
        "correction_notice": lambda o, u, d, r: handling.notify_correction(
            o, u, d["date"], d["items"], d.get("applicant_due"), r
        ),
        "correction_received": lambda o, u, d, r: handling.receive_correction(o, u, d["date"], d.get("note", ""), r),
        "extension": lambda o, u, d, r: handling.extend(
            o, u, d["date"], d["days"], d["reason"], d["approver"], d["notified_date"], r
        ),
        "consultation": lambda o, u, d, r: handling.start_consultation(o, u, d["date"], d["party"], d["party_name"], r),
        "consultation_end": lambda o, u, d, r: handling.end_consultation(o, u, d["date"], d.get("opinion", ""), r),
        "fee_notice": lambda o, u, d, r: handling.notify_fee(o, u, d["date"], d["amount"], d["basis"], r),
        "payment": lambda o, u, d, r: handling.record_payment(o, u, d["date"], r),
        "reply": lambda o, u, d, r: handling.draft_reply(o, u, d["outcome"], r),
        "reply_send": lambda o, u, d, r: handling.send_reply(o, u, d["date"], d["title"], d["body"], r),
    }
    return calls[name]


FORMS = {
    "confirm": action_forms.ConfirmReceiptForm,
    "correction_notice": action_forms.CorrectionNoticeForm,
    "correction_received": action_forms.CorrectionReceivedForm,
    "extension": action_forms.ExtensionForm,
    "consultation": action_forms.ConsultationForm,
    "consultation_end": action_forms.ConsultationEndForm,
    "fee_notice": action_forms.FeeNoticeForm,
    "payment": action_forms.PaymentForm,
    "reply": action_forms.DraftReplyForm,
    "reply_send": action_forms.SendReplyForm,
}
# The reply page holds both forms: choose the outcome (drafts the letter), then check and send it.
SHARED_PAGE = {
    "reply": {"button": "生成告知书草稿", "submit_name": "draft", "also": ("reply_send",)},
    "reply_send": {
        "button": "发送答复并办结",
        "submit_name": "send",
        "shown": lambda application: getattr(application, "reply", None) is not None,
    },
}
DONE = {
    "reply": "已按所选办理结果生成告知书草稿，请核对修改后发送。",
    "reply_send": "答复已发送，申请已办结。",
}
ACTIONS = {
    name: Action(
        label=step.label,
        run=_run(name),
        form=FORMS[name],
        done=DONE.get(name, f"已{step.label}。"),
        initial=_letter_initial if name == "reply_send" else None,
        **SHARED_PAGE.get(name, {}),
    )
    for name, step in handling.STEPS.items()
}


def calendar_warning(request) -> None:
    warn_uncovered_years(request)


def mask(value: str, keep_start: int = 3, keep_end: int = 2) -> str:
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


class DeadlineFilter(admin.SimpleListFilter):
    title = "答复期限"
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("due_soon", f"{deadlines.DUE_SOON_DAYS}个工作日内到期"), ("overdue", "已逾期"), ("paused", "暂停计时")]

    def queryset(self, request, queryset):
        if self.value() not in ("due_soon", "overdue", "paused"):
            return queryset
        open_ones = deadlines.annotate(queryset.filter(status__in=Application.OPEN_STATES).prefetch_related("events"))
        test = {
            "due_soon": lambda d: d.due_soon,
            "overdue": lambda d: d.overdue,
            "paused": lambda d: d.waiting_correction or d.paused_since is not None,
        }[self.value()]
        return queryset.filter(pk__in=[a.pk for a in open_ones if test(a.deadline)])


class ClockEventInline(admin.TabularInline):
    model = ClockEvent
    extra = 0
    can_delete = False
    fields = [
        "date",
        "kind",
        "days",
        "party_name",
        "reason",
        "approved_by",
        "applicant_notified_date",
        "applicant_due_date",
        "amount",
        "created_by",
    ]
    readonly_fields = fields
    verbose_name_plural = "计时事项（补正、延期、征求意见、收费）"

    def has_add_permission(self, request, obj=None):
        return False


class ReplyAttachmentForm(forms.ModelForm):
    class Meta:
        model = ReplyAttachment
        fields = ["file"]

    def clean_file(self):
        from portal.uploads import check_attachment

        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):
            ext, mime = check_attachment(upload)
            self.instance.original_name = upload.name[-200:]
            self.instance.size = upload.size
            self.instance.content_type = mime
        return upload


class ReplyAttachmentInline(admin.TabularInline):
    model = ReplyAttachment
    form = ReplyAttachmentForm
    extra = 1
    fields = ["file", "original_name", "size"]
    readonly_fields = ["original_name", "size"]


class OfflineApplicationForm(forms.ModelForm):
    """Registering an application received by letter, in person, fax or e-mail."""

    class Meta:
        model = Application
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "channel" in self.fields:
            self.fields["channel"].choices = [
                c for c in Application.Channel.choices if c[0] != Application.Channel.ONLINE
            ]
            self.fields["channel"].initial = Application.Channel.LETTER
        if "received_date" in self.fields:
            self.fields["received_date"].required = True
            self.fields["received_date"].help_text = (
                "条例第三十一条：当面提交的，以提交之日为准；邮寄的，以签收之日为准（平常信函以与申请人确认之日为准）；"
                "传真、电子邮件以双方确认之日为准。"
            )


@admin.register(Application)
class ApplicationAdmin(WithoutBulkDelete, ActionAdminMixin, OrganizationScopedAdmin, admin.ModelAdmin):
    action_specs = ACTIONS
    action_path = "handle"
    action_includes = ["admin/info_requests/_action_deadline.html"]
    form = OfflineApplicationForm
    change_form_template = "admin/info_requests/application/change_form.html"
    change_list_template = "admin/info_requests/application/change_list.html"
    list_display = [
        "tracking_code",
        "info_title",
        "organization",
        "channel",
        "status",
        "received_date",
        "deadline_display",
        "answered_date",
    ]
    list_filter = [DeadlineFilter, "status", "organization", "channel", "applicant_type", "outcome"]
    search_fields = ["tracking_code", "applicant_name", "info_title", "info_document_number"]
    search_help_text = (
        "按查询码、申请人、所需信息或文号搜索；证件号码和联系电话须输入完整号码（精确查找，仅本机关人员）。"
    )
    list_select_related = ["organization"]
    date_hierarchy = "received_date"
    inlines = [ClockEventInline, ReplyAttachmentInline]
    readonly_fields = [
        "tracking_code",
        "status",
        "outcome",
        "answered_date",
        "submitted_at",
        "deadline_summary",
        "masked_identity",
    ]

    def get_fieldsets(self, request, obj=None):
        applicant = [
            "applicant_type",
            "applicant_name",
            "id_type",
            "id_number",
            "work_unit",
            "legal_representative",
            "contact_person",
            "phone",
            "email",
            "address",
            "postcode",
        ]
        if obj is not None and not handling.is_handler(request.user, obj.organization):
            applicant = [f for f in applicant if f not in PII_FIELDS] + ["masked_identity"]
        receipt = ["organization", "channel", "received_date", "handler"]
        state = []
        if obj is not None:
            state = [
                (
                    "办理状态",
                    {
                        "fields": [
                            "tracking_code",
                            "status",
                            "deadline_summary",
                            "outcome",
                            "answered_date",
                            "submitted_at",
                        ]
                    },
                )
            ]
        return state + [
            ("收到申请", {"fields": receipt}),
            ("申请人（身份证明和联系方式仅本机关承办人员可见）", {"fields": applicant}),
            (
                "所需信息（第二十九条）",
                {"fields": list(handling.APPLICANT_EDITABLE)},
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None:
            fields += ["organization", "channel", "received_date"]
        return fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("events")

    def lookup_allowed(self, lookup, value, request=None):
        # Encrypted fields and their blind indexes are never filters from the URL: a
        # ?id_number__startswith=… probe would reveal what the masking hides (portal/fields.py).
        if protected_lookup(self.model, lookup):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_results(self, request, queryset, search_term):
        """The usual search, plus an exact identity number or phone number through the blind
        indexes — only in the organizations whose staff the user is (they see those details)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            exact = queryset.filter(
                Q(identity_key__match=term) | Q(phone_key__match=term),
                organization__in=Membership.objects.filter(user=request.user).values("organization"),
            )
            results = results | exact
        return results, may_have_duplicates

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "handler":
            from django.contrib.auth import get_user_model

            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(memberships__organization__in=user_organizations(request.user))
                .distinct()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or handling.is_handler(request.user, obj.organization)

    def has_delete_permission(self, request, obj=None):
        return False  # applications are answered or withdrawn, never deleted (第四十五条 归档)

    @admin.display(description="答复期限")
    def deadline_display(self, obj):
        if obj.status not in Application.OPEN_STATES:
            return "—"
        d = deadlines.for_application(obj, self._calendar(), events=obj.events.all())
        text = f"{d.due_date:%Y-%m-%d}" if d.due_date else ""
        return f"{text} {d.state_label}{'（暂定）' if d.provisional else ''}".strip()

    def _calendar(self):
        from portal.workcalendar import Calendar

        if not hasattr(self, "_cal_cache") or self._cal_cache[0] != timezone.localdate():
            self._cal_cache = (timezone.localdate(), Calendar.load())
        return self._cal_cache[1]

    @admin.display(description="答复期限")
    def deadline_summary(self, obj):
        if obj.pk is None:
            return ""
        d = deadlines.for_application(obj)
        parts = []
        if d.received_date:
            restarted = "（补正后重新起算）" if d.correction_restarted else ""
            parts.append(f"计时起点 {d.clock_start:%Y-%m-%d}{restarted}")
            parts.append(f"补正告知应在 {d.correction_notice_due:%Y-%m-%d} 前")
        if d.extension_days:
            parts.append(f"已延长 {d.extension_days} 个工作日")
        if d.paused_days:
            parts.append(f"暂停计时 {d.paused_days} 个工作日")
        if d.due_date:
            parts.append(f"答复期限 {d.due_date:%Y-%m-%d}")
        parts.append(d.state_label)
        if d.provisional:
            parts.append(d.provisional_note)
        return "；".join(parts)

    @admin.display(description="身份证明和联系方式")
    def masked_identity(self, obj):
        return f"{obj.get_id_type_display()} {mask(obj.id_number)}；电话 {mask(obj.phone)}（仅受理机关承办人员可见）"

    def save_model(self, request, obj, form, change):
        if change:
            handling.record_staff_edit(obj, request.user, form.changed_data, request)
            return
        obj.identity_key = identity_key(obj.id_number)
        try:
            handling.register_offline(obj, request.user, form.cleaned_data["received_date"], request)
        except (handling.HandlingError, PermissionDenied) as error:
            raise PermissionDenied(" ".join(getattr(error, "messages", [str(error)])))

    def changelist_view(self, request, extra_context=None):
        calendar_warning(request)
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and handling.is_handler(request.user, obj.organization):
            context["handling_actions"] = [
                (name, step.label) for name, step in handling.STEPS.items() if obj.status in step.states and step.button
            ]
            context["reply_letter"] = getattr(obj, "reply", None)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # ---- extra views: handling actions and the dashboard --------------------------------------

    def get_urls(self):
        return [
            path("dashboard/", self.admin_site.admin_view(self.dashboard_view), name="info_requests_dashboard"),
        ] + super().get_urls()

    def action_context(self, request, obj, name):
        return {"deadline": deadlines.for_application(obj), "letter": getattr(obj, "reply", None)}

    def action_redirect(self, request, obj, name, result):
        if name == "reply":
            return reverse("admin:info_requests_application_handle", args=[obj.pk, "reply"])
        return self.change_url(obj)

    def action_refusal(self, request, obj, name):
        if not handling.is_handler(request.user, obj.organization):
            raise PermissionDenied
        step = handling.STEPS[name]
        if obj.status not in step.states:
            return f"申请当前状态为“{obj.get_status_display()}”，不能{step.label}。"
        return ""

    def dashboard_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        calendar_warning(request)
        open_ones = deadlines.annotate(
            self.get_queryset(request)
            .filter(status__in=Application.OPEN_STATES)
            .select_related("organization", "handler")
        )
        overdue = sorted((a for a in open_ones if a.deadline.overdue), key=lambda a: a.deadline.due_date)
        due_soon = sorted((a for a in open_ones if a.deadline.due_soon), key=lambda a: a.deadline.due_date)
        paused = [a for a in open_ones if a.deadline.waiting_correction or a.deadline.paused_since]
        submitted = list(self.get_queryset(request).filter(status=S.SUBMITTED).select_related("organization"))
        context = {
            **self.admin_site.each_context(request),
            "title": "依申请公开办理看板",
            "opts": self.model._meta,
            "overdue": overdue,
            "due_soon": due_soon,
            "paused": paused,
            "submitted": submitted,
            "due_soon_days": deadlines.DUE_SOON_DAYS,
        }
        return TemplateResponse(request, "admin/info_requests/dashboard.html", context)


@admin.register(DeadlineDashboard)
class DeadlineDashboardAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Puts the dashboard on the admin index; its list is the dashboard page itself."""

    def has_view_permission(self, request, obj=None):
        return (
            request.user.is_active and request.user.is_staff and request.user.has_perm("info_requests.view_application")
        )

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def changelist_view(self, request, extra_context=None):
        return redirect("admin:info_requests_dashboard")


@admin.register(Appeal)
class AppealAdmin(OrganizationScopedAdmin, admin.ModelAdmin):
    """行政复议 / 行政诉讼 (annual-report table 四). Every save is audited."""

    list_display = ["kind", "case_number", "organization", "application", "filed_date", "result", "concluded_date"]
    list_filter = ["kind", "result", "organization"]
    search_fields = ["case_number", "application__tracking_code", "note"]
    list_select_related = ["organization", "application"]
    date_hierarchy = "filed_date"
    raw_id_fields = ["application"]

    def save_model(self, request, obj, form, change):
        handling.save_appeal(
            obj,
            request.user,
            created=not change,
            fields=form.changed_data,
            previous_result=form.initial.get("result", "") if change else "",
            request=request,
        )

    def has_delete_permission(self, request, obj=None):
        return is_site_admin(request.user) and super().has_delete_permission(request, obj)


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    """Per-outcome 告知书 templates; without a row here the built-in text (letters.py) is used."""

    list_display = ["outcome", "title"]

    def get_changeform_initial_data(self, request):
        from .letters import DEFAULT_TEMPLATES

        initial = super().get_changeform_initial_data(request)
        outcome = request.GET.get("outcome")
        if outcome in DEFAULT_TEMPLATES:
            initial["title"], initial["body"] = DEFAULT_TEMPLATES[outcome]
        return initial

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.base_fields["body"].help_text = (
            "可用占位符：{applicant} 申请人、{received} 收到申请之日、{title} 所需信息、{organization} 机关、"
            "{office} 工作机构、{phone} 联系电话、{address} 办公地址、{today} 答复日期、{code} 查询码。"
            "新增时在网址后加 ?outcome=结果代码 可载入内置模板。"
        )
        return form

    def has_module_permission(self, request):
        return super().has_module_permission(request) or (
            request.user.is_active and request.user.is_staff and is_site_admin(request.user)
        )
