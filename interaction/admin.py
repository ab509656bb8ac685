"""Staff side of 互动回应 in the Django admin.

Messages, consultations and comments are scoped to the user's organizations. Nothing about a
message is edited through a form: each step (受理, 不予受理, 转办, 答复, 审批, 选登, 脱敏) is an action
page that calls one function of interaction/workflow.py, which checks role and separation of
duties itself. The writer's name, phone and e-mail are shown only to staff of the handling
organization; a site administrator outside it sees them masked.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from disclosures.workflow import WorkflowError
from info_requests.admin import mask as mask_value
from portal.access import OrganizationScopedAdmin, is_member, is_site_admin
from portal.admin import ReadOnlyAdmin, WithoutBulkDelete, warn_uncovered_years
from portal.admin_actions import Action, ActionAdminMixin
from portal.audit import record
from portal.fields import protected_lookup
from portal.models import AuditEntry, Organization

from . import consultations, dashboard, deadlines, privacy, stats
from . import workflow as message_workflow
from .models import Comment, Consultation, InteractionDashboard, InteractionSettings, Message

S = Message.Status


# ---- message actions ----------------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="理由", widget=forms.Textarea(attrs={"rows": 4}), error_messages={"required": "必须填写理由。"}
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="不予受理的理由（将告知留言人）",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "必须填写不予受理的理由。"},
        help_text="常见情形：属于信访事项的，告知通过信访渠道反映（《信访工作条例》）；属于纪检监察举报的，告知通过"
        "“12388”等纪检举报渠道提出；申请获取政府信息的，告知使用依申请公开；内容重复、无实质内容或含有违法信息的。",
    )


class TransferForm(forms.Form):
    to = forms.ModelChoiceField(
        Organization.objects.all(), label="转入机构", error_messages={"required": "请选择转入机构。"}
    )
    reason = forms.CharField(
        label="转办说明（将告知留言人）",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "必须填写转办说明。"},
    )

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, **kwargs)
        if obj is not None:
            self.fields["to"].queryset = Organization.objects.exclude(pk=obj.organization_id)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="答复内容",
        widget=forms.Textarea(attrs={"rows": 12, "cols": 90}),
        error_messages={"required": "答复内容不能为空。"},
        help_text="答复经本机构另一位领导审批后才发送给留言人；答复中不要写留言人的姓名和联系方式。",
    )


def _reply_initial(message):
    reply = message.reply_or_none
    return {"body": reply.body} if reply else {}


MESSAGE_ACTIONS = {
    "accept": Action(
        label="受理",
        run=lambda o, u, d, r: message_workflow.accept(o, u, request=r),
        intro="受理后由本机构办理并答复；答复期限自收到留言之日起计算，转办不重新计算。",
    ),
    "reject": Action(
        label="不予受理",
        form=RejectForm,
        run=lambda o, u, d, r: message_workflow.reject(o, u, reason=d["reason"], request=r),
        danger=True,
    ),
    "transfer": Action(
        label="转办",
        form=TransferForm,
        run=lambda o, u, d, r: message_workflow.transfer(o, u, to=d["to"], reason=d["reason"], request=r),
        intro="转入机构重新受理；答复期限不变。",
        done="已转办。",
    ),
    "reply": Action(
        label="起草答复",
        form=ReplyForm,
        initial=_reply_initial,
        run=lambda o, u, d, r: message_workflow.save_reply(o, u, body=d["body"], request=r),
        done="答复已保存。核对无误后请“提交领导审批”。",
    ),
    "submit_reply": Action(
        label="提交领导审批",
        run=lambda o, u, d, r: message_workflow.submit_reply(o, u, request=r),
        done="已提交领导审批。",
    ),
    "approve_reply": Action(
        label="审批答复",
        run=lambda o, u, d, r: message_workflow.approve_reply(o, u, request=r),
        intro="审批后答复立即对留言人可见（凭查询码查看，留了邮箱的同时发送邮件）。",
        done="答复已审批并告知留言人。",
    ),
    "return_reply": Action(
        label="退回答复",
        form=ReasonForm,
        run=lambda o, u, d, r: message_workflow.return_reply(o, u, reason=d["reason"], request=r),
        danger=True,
        done="已退回起草人修改。",
    ),
    "publish": Action(
        label="选登公开",
        run=lambda o, u, d, r: message_workflow.publish(o, u, request=r),
        intro="公开留言时间、标题、内容、答复单位、答复时间和答复内容；留言人的姓名、手机和邮箱不公开。",
        done="已在“留言选登”中公开。",
    ),
    "unpublish": Action(
        label="撤下公开",
        form=ReasonForm,
        run=lambda o, u, d, r: message_workflow.unpublish(o, u, reason=d["reason"], request=r),
        danger=True,
    ),
    "pii_mask": Action(
        label="一键脱敏",
        run=lambda o, u, d, r: message_workflow.mask(o, u, request=r),
        intro="遮盖标题、留言和答复中的身份证号、银行卡号、手机号码，以及留言人自己的姓名、电话和邮箱。",
        done=lambda obj, result: f"已脱敏 {result} 处。",
    ),
}


class DeadlineFilter(admin.SimpleListFilter):
    title = "答复期限"
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("due_soon", "即将到期"), ("overdue", "已逾期"), ("veto", "接近3个月否决线")]

    def queryset(self, request, queryset):
        if self.value() not in ("due_soon", "overdue", "veto"):
            return queryset
        rows = deadlines.annotate(queryset.filter(status__in=Message.OPEN_STATES))
        attribute = {"due_soon": "due_soon", "overdue": "overdue", "veto": "veto_near"}[self.value()]
        return queryset.filter(pk__in=[m.pk for m in rows if getattr(m.deadline, attribute)])


def history(obj):
    return list(AuditEntry.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk)).order_by("at", "id"))


@admin.register(Message)
class MessageAdmin(WithoutBulkDelete, ActionAdminMixin, OrganizationScopedAdmin, admin.ModelAdmin):
    def lookup_allowed(self, lookup, value, request=None):
        # No filtering on a writer's personal data by URL: it would reveal it row by row.
        if protected_lookup(self.model, lookup):
            return False
        return super().lookup_allowed(lookup, value, request)

    action_specs = MESSAGE_ACTIONS
    action_path = "handle"
    action_includes = ["admin/interaction/_message_summary.html"]
    change_form_template = "admin/interaction/message/change_form.html"
    list_display = [
        "tracking_code",
        "title",
        "organization",
        "category",
        "status",
        "received_date",
        "deadline_display",
        "published_display",
    ]
    list_filter = [DeadlineFilter, "status", "organization", "category", "agree_publish"]
    search_fields = ["tracking_code", "title"]
    list_select_related = ["organization"]
    date_hierarchy = "received_date"
    readonly_fields = [
        "tracking_code",
        "status",
        "organization",
        "addressed_to",
        "category",
        "title",
        "content",
        "agree_publish",
        "submitted_at",
        "received_date",
        "deadline_summary",
        "handler",
        "reject_reason",
        "answered_at",
        "published_at",
        "writer_name",
        "phone",
        "email",
        "masked_writer",
    ]

    def get_fieldsets(self, request, obj=None):
        writer = ["writer_name", "phone", "email"]
        if obj is not None and not is_member(request.user, obj.organization):
            writer = ["masked_writer"]
        return [
            (
                "办理状态",
                {
                    "fields": [
                        "tracking_code",
                        "status",
                        "organization",
                        "addressed_to",
                        "deadline_summary",
                        "handler",
                        "reject_reason",
                        "answered_at",
                        "published_at",
                    ]
                },
            ),
            ("留言", {"fields": ["category", "title", "content", "agree_publish", "submitted_at", "received_date"]}),
            ("留言人（仅办理机构工作人员可见，任何情况下不公开）", {"fields": writer}),
        ]

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_public else None  # only a published Q&A has a page

    def has_add_permission(self, request):
        return False  # messages arrive through /interact/ask/

    def has_change_permission(self, request, obj=None):
        return False  # nothing is edited in place: every step is an action

    def has_delete_permission(self, request, obj=None):
        return False  # kept as the record of the site's 互动回应

    @admin.display(description="答复期限")
    def deadline_display(self, obj):
        calendar, config = self._calendar()
        d = deadlines.for_message(obj, calendar, config=config)
        return f"{d.due_date:%Y-%m-%d} {d.state_label}{'（暂定）' if d.provisional else ''}"

    def _calendar(self):
        """One calendar and one settings read per list page (not per row)."""
        from portal.workcalendar import Calendar

        if getattr(self, "_cal_cache", (None,))[0] != timezone.now().replace(second=0, microsecond=0):
            self._cal_cache = (
                timezone.now().replace(second=0, microsecond=0),
                Calendar.load(),
                InteractionSettings.current(),
            )
        return self._cal_cache[1:]

    @admin.display(description="公开", boolean=True)
    def published_display(self, obj):
        return obj.is_public

    @admin.display(description="答复期限")
    def deadline_summary(self, obj):
        d = deadlines.for_message(obj)
        parts = [
            f"收到留言 {d.received_date:%Y-%m-%d}",
            f"{obj.reply_days}个工作日内答复，期限 {d.due_date:%Y-%m-%d}",
            d.state_label,
            f"3个月否决线 {d.veto_date:%Y-%m-%d}",
        ]
        if d.provisional:
            parts.append(d.provisional_note)
        return "；".join(parts)

    @admin.display(description="留言人")
    def masked_writer(self, obj):
        return f"{obj.writer_name[:1]}** · 手机 {mask_value(obj.phone)}（仅办理机构工作人员可见）"

    def _buttons(self, request, obj):
        shown = []
        findings = privacy.message_findings(obj) if obj.status == S.ANSWERED else []
        for t, decision in message_workflow.offered(request.user, obj):
            if (t.name == "pii_mask" and not findings) or (t.name == "unpublish" and not obj.published_at):
                continue
            shown.append((t.name, self.action_specs[t.name], decision))
        return shown, findings

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if obj is not None:
            buttons, findings = self._buttons(request, obj)
            extra.update(
                {
                    "workflow_actions": buttons,
                    "findings": findings,
                    "reply": obj.reply_or_none,
                    "transfers": list(obj.transfers.select_related("from_organization", "to_organization")),
                    "history": history(obj),
                    "workflow_url_name": f"admin:{self.action_url_name()}",
                }
            )
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def action_context(self, request, obj, name):
        return {
            "message_obj": obj,
            "reply": obj.reply_or_none,
            "deadline": deadlines.for_message(obj),
            "findings": privacy.message_findings(obj) if name in ("publish", "pii_mask") else [],
        }

    def action_refusal(self, request, obj, name):
        """A step the table refuses is not offered as a page; a POST still reaches the step's
        function, which refuses it with its reason (403 or 400) and changes nothing."""
        if request.method == "POST":
            return ""
        decision = message_workflow.can(request.user, name, obj)
        return "" if decision else decision.reason

    # ---- dashboard and statistics ---------------------------------------------------------------

    def get_urls(self):
        return [
            path("dashboard/", self.admin_site.admin_view(self.dashboard_view), name="interaction_dashboard"),
            path("stats/", self.admin_site.admin_view(self.stats_view), name="interaction_stats"),
        ] + super().get_urls()

    def dashboard_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        warn_uncovered_years(request)
        context = {
            **self.admin_site.each_context(request),
            "title": "互动回应看板",
            "opts": self.model._meta,
            **dashboard.for_user(request.user),
        }
        return TemplateResponse(request, "admin/interaction/dashboard.html", context)

    def stats_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        this_year = timezone.localdate().year
        raw = request.GET.get("year", "")
        year = int(raw) if raw.isdigit() and 2000 <= int(raw) <= this_year else this_year
        rows, total = stats.table(year)
        context = {
            **self.admin_site.each_context(request),
            "title": f"互动回应统计（{year}年）",
            "opts": self.model._meta,
            "year": year,
            "years": list(range(this_year, this_year - 6, -1)),
            "rows": rows,
            "total": total,
        }
        return TemplateResponse(request, "admin/interaction/stats.html", context)


@admin.register(InteractionDashboard)
class InteractionDashboardAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Puts the dashboard on the admin index; its list is the dashboard page itself."""

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff and request.user.has_perm("interaction.view_message")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def changelist_view(self, request, extra_context=None):
        return redirect("admin:interaction_dashboard")


# ---- consultations --------------------------------------------------------------------------------


class ConsultationForm(forms.ModelForm):
    draft_file = forms.FileField(
        label="征求意见稿（附件）",
        required=False,
        help_text="上传草案全文（PDF、Word 等）；重新上传将替换原附件。发布前经隐私检查。",
    )

    class Meta:
        model = Consultation
        fields = [
            "organization",
            "kind",
            "title",
            "description",
            "start_date",
            "end_date",
            "short_period_reason",
            "other_comments",
            "other_adopted",
            "feedback_text",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 8}), "feedback_text": forms.Textarea(attrs={"rows": 8})}

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "征集截止日期不能早于开始日期。")
        if data.get("other_adopted", 0) > data.get("other_comments", 0):
            self.add_error("other_adopted", "采纳的意见数不能多于收到的意见数。")
        upload = data.get("draft_file")
        if upload:
            from portal.uploads import check_attachment

            try:
                check_attachment(upload)
            except ValidationError as error:
                self.add_error("draft_file", error)
        return data


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0
    can_delete = False
    fields = ["submitted_at", "text", "attachment_name", "adoption", "adoption_note", "shown_publicly"]
    readonly_fields = ["submitted_at", "text", "attachment_name", "shown_publicly"]
    verbose_name_plural = "收到的意见（姓名和联系方式见“征集意见”列表，不公开）"
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


FEEDBACK_FIELDS = ["other_comments", "other_adopted", "feedback_text"]
ANNOUNCEMENT_FIELDS = [
    "organization",
    "kind",
    "title",
    "description",
    "start_date",
    "end_date",
    "short_period_reason",
    "draft_file",
]


@admin.register(Consultation)
class ConsultationAdmin(ActionAdminMixin, OrganizationScopedAdmin, admin.ModelAdmin):
    form = ConsultationForm
    action_path = "do"
    action_specs = {
        "feedback": Action(
            label="生成反馈并提交审核",
            run=lambda o, u, d, r: consultations.prepare_feedback(o, u, request=r),
            intro="按登记的采纳情况和说明生成“意见采纳情况反馈”，作为公开信息提交审核（保密审查）和领导审批。",
            done="反馈已生成并提交审核。",
        )
    }
    change_form_template = "admin/interaction/consultation/change_form.html"
    list_display = ["title", "organization", "kind", "start_date", "end_date", "announcement_state", "feedback_state"]
    list_filter = ["organization", "kind"]
    search_fields = ["title"]
    list_select_related = ["organization", "item", "feedback_item"]
    inlines = [CommentInline]

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_public else None

    @admin.display(description="征集公告")
    def announcement_state(self, obj):
        return obj.item.get_status_display() if obj.item_id else "—"

    @admin.display(description="意见采纳情况反馈")
    def feedback_state(self, obj):
        return obj.feedback_item.get_status_display() if obj.feedback_item_id else "—"

    def get_fieldsets(self, request, obj=None):
        announcement = ANNOUNCEMENT_FIELDS
        if obj is not None and obj.item_id and obj.item.status != obj.item.Status.DRAFT:
            announcement = [f for f in ANNOUNCEMENT_FIELDS if f != "draft_file"]
        return [
            ("征集公告（经审核、审批后发布）", {"fields": announcement}),
            ("意见采纳情况反馈（征集截止后填写）", {"fields": FEEDBACK_FIELDS}),
        ]

    def get_readonly_fields(self, request, obj=None):
        fixed = []
        if obj is not None and obj.item_id and obj.item.status != obj.item.Status.DRAFT:
            fixed += [f for f in ANNOUNCEMENT_FIELDS if f != "draft_file"]
        if obj is not None and obj.feedback_item_id and obj.feedback_item.status != obj.feedback_item.Status.DRAFT:
            fixed += FEEDBACK_FIELDS
        return fixed

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and obj.item_id and obj.item.status != obj.item.Status.DRAFT:
            form.base_fields.pop("draft_file", None)
        return form

    def save_model(self, request, obj, form, change):
        fixed = set(self.get_readonly_fields(request, obj if change else None))
        try:
            if "title" in fixed:  # the announcement is in review or published: only the feedback moves
                consultations.save_feedback_fields(obj, request.user, fields=form.changed_data, request=request)
            else:
                consultations.save_consultation(
                    obj, request.user, created=not change, upload=form.cleaned_data.get("draft_file"), request=request
                )
        except (WorkflowError, PermissionDenied) as error:
            raise PermissionDenied("；".join(getattr(error, "messages", [str(error)]))) from None
        warning = consultations.period_warning(obj.kind, obj.start_date, obj.end_date)
        if warning:
            messages.warning(request, warning)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for comment, fields in formset.changed_objects:
            consultations.record_adoption(comment, request.user, fields=fields, request=request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if obj is not None:
            extra.update(
                {
                    "period_warning": consultations.period_warning(obj.kind, obj.start_date, obj.end_date),
                    "counts": consultations.counts(obj),
                    "closed": obj.is_closed(),
                    "history": history(obj),
                }
            )
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.item_id and obj.item.index_number:
            return False  # published once: part of the record
        return super().has_delete_permission(request, obj)


COMMENT_ACTIONS = {
    "show": Action(
        label="选登公开",
        run=lambda o, u, d, r: consultations.show_comment(o, u, request=r),
        intro="只公开意见内容，不公开姓名和联系方式；公开前进行隐私检查。",
    ),
    "hide": Action(label="撤下公开", run=lambda o, u, d, r: consultations.hide_comment(o, u, request=r), danger=True),
    "mask": Action(
        label="一键脱敏",
        run=lambda o, u, d, r: consultations.mask_comment(o, u, request=r),
        done=lambda obj, result: f"已脱敏 {result} 处。",
    ),
}


@admin.register(Comment)
class CommentAdmin(ActionAdminMixin, OrganizationScopedAdmin, admin.ModelAdmin):
    def lookup_allowed(self, lookup, value, request=None):
        # No filtering on a writer's personal data by URL: it would reveal it row by row.
        if protected_lookup(self.model, lookup):
            return False
        return super().lookup_allowed(lookup, value, request)

    organization_lookup = "consultation__organization"
    action_specs = COMMENT_ACTIONS
    action_path = "do"
    change_form_template = "admin/interaction/comment/change_form.html"
    list_display = ["__str__", "consultation", "submitted_at", "adoption", "shown_publicly"]
    list_filter = ["adoption", "shown_publicly", "consultation__organization"]
    list_select_related = ["consultation"]
    readonly_fields = ["consultation", "text", "attachment_link", "name", "contact", "submitted_at", "shown_publicly"]
    fields = [
        "consultation",
        "text",
        "attachment_link",
        "name",
        "contact",
        "submitted_at",
        "adoption",
        "adoption_note",
        "shown_publicly",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        if obj is not None and not is_member(request.user, obj.consultation.organization):
            return [f for f in self.fields if f not in ("name", "contact")]
        return self.fields

    @admin.display(description="附件")
    def attachment_link(self, obj):
        from django.utils.html import format_html

        if not obj.attachment:
            return "—"
        url = reverse("admin:interaction_comment_attachment", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.attachment_name or "下载附件")

    def get_urls(self):
        return [
            path(
                "<int:pk>/attachment/",
                self.admin_site.admin_view(self.attachment_view),
                name="interaction_comment_attachment",
            ),
        ] + super().get_urls()

    def attachment_view(self, request, pk: int):
        """Comment attachments are never public: staff of the organization download them here."""
        from django.http import FileResponse, Http404

        comment = self.get_queryset(request).filter(pk=pk).first()
        if comment is None or not comment.attachment or not self.has_view_permission(request, comment):
            raise Http404("附件不存在")
        response = FileResponse(
            comment.attachment.open("rb"), as_attachment=True, filename=comment.attachment_name or "attachment"
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        consultations.record_adoption(obj, request.user, fields=form.changed_data, request=request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if obj is not None:
            extra["findings"] = privacy.comment_findings(obj)
            extra["comment_actions"] = [
                (name, spec.label)
                for name, spec in self.action_specs.items()
                if (name == "show" and not obj.shown_publicly)
                or (name == "hide" and obj.shown_publicly)
                or (name == "mask" and extra["findings"])
            ]
        return super().change_view(request, object_id, form_url, extra_context=extra)


@admin.register(InteractionSettings)
class InteractionSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "reply_days",
        "due_soon_days",
        "veto_warning_days",
        "feedback_days",
        "consultation_category",
    ]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and is_site_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return is_site_admin(request.user) and not InteractionSettings.objects.exists()

    def has_change_permission(self, request, obj=None):
        return is_site_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record(
            "interaction.settings",
            actor=request.user,
            obj=obj,
            request=request,
            data={f: str(form.cleaned_data.get(f)) for f in form.changed_data},
        )

    def changelist_view(self, request, extra_context=None):
        row = InteractionSettings.objects.order_by("pk").first()
        if row is not None and self.has_view_permission(request):
            return redirect(reverse("admin:interaction_interactionsettings_change", args=[row.pk]))
        return super().changelist_view(request, extra_context)
