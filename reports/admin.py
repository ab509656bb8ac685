"""Staff side of the annual report: staff-entered table 二 figures, and the report itself (narrative
in the rich-text editor, checks, preview, and the workflow buttons, which call reports/workflow.py)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django_ckeditor_5.widgets import CKEditor5Widget

from disclosures import workflow as item_workflow
from disclosures.access import OrganizationScopedAdmin
from disclosures.templatetags.portal_tags import clean_html

from . import narrative
from . import workflow as report_workflow
from .models import AnnualReport, YearlyFigures

ACTIONS = [
    ("redraft", "按最新数据重写“总体情况”草稿"),
    ("submit", "提交审核（冻结数据）"),
    ("review", "审核通过（保密审查）"),
    ("approve", "审批发布"),
    ("return", "退回修改"),
]


class _OrgScoped(OrganizationScopedAdmin, admin.ModelAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization")


@admin.register(YearlyFigures)
class YearlyFiguresAdmin(_OrgScoped):
    list_display = [
        "organization",
        "year",
        "license_decisions",
        "penalty_decisions",
        "enforcement_decisions",
        "fee_amount",
        "source",
        "entered_by",
        "updated_at",
    ]
    list_filter = ["year", "organization"]
    readonly_fields = ["entered_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)


class AnnualReportForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = ["organization", "year", "overview", "problems", "fee_note", "key_points", "proposals", "innovation"]
        widgets = {
            name: CKEditor5Widget(config_name="default")
            for name in ["overview", "problems", "fee_note", "key_points", "proposals", "innovation"]
        }


NARRATIVE_FIELDS = ["overview", "problems", "fee_note", "key_points", "proposals", "innovation"]


def _rendered(name):
    @admin.display(description=AnnualReport._meta.get_field(name).verbose_name)
    def show(self, obj):
        return clean_html(getattr(obj, name)) or "—"

    show.__name__ = f"{name}_html"
    return show


@admin.register(AnnualReport)
class AnnualReportAdmin(_OrgScoped):
    form = AnnualReportForm
    list_display = ["title", "organization", "year", "status_label", "generated_at"]
    list_filter = ["year", "organization"]
    list_select_related = ["organization", "item"]
    fieldsets = [
        (None, {"fields": ["organization", "year"]}),
        ("一、总体情况（新建时按本年度数据自动起草）", {"fields": ["overview"]}),
        ("五、存在的主要问题及改进情况", {"fields": ["problems"]}),
        ("六、其他需要报告的事项", {"fields": ["fee_note", "key_points", "proposals", "innovation"]}),
    ]

    overview_html, problems_html, fee_note_html, key_points_html, proposals_html, innovation_html = (
        _rendered(name) for name in NARRATIVE_FIELDS
    )

    @admin.display(description="状态")
    def status_label(self, obj):
        return obj.status_label

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if not obj.is_editable:  # submitted: show the narrative rendered, not as HTML source
            return ["organization", "year", *(f"{name}_html" for name in NARRATIVE_FIELDS)]
        return ["organization", "year"]

    def get_fieldsets(self, request, obj=None):
        if obj is None or obj.is_editable:
            return self.fieldsets
        return [
            (title, {"fields": [f if f in ("organization", "year") else f"{f}_html" for f in opts["fields"]]})
            for title, opts in self.fieldsets
        ]

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or obj.is_editable

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.item_id is not None:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change and not obj.overview:
            obj.overview = narrative.draft_overview(report_workflow.live_data(obj))
            obj.save(update_fields=["overview"])
        obj.contributors.add(request.user)

    def get_urls(self):
        urls = super().get_urls()
        mine = [
            path(
                "<int:object_id>/transition/",
                self.admin_site.admin_view(self.transition_view),
                name="reports_annualreport_transition",
            )
        ]
        return mine + urls

    def _available(self, request, report: AnnualReport) -> list[str]:
        user, org = request.user, report.organization
        if report.is_editable:
            names = ["redraft"] if self.has_change_permission(request, report) else []
            if item_workflow.has_role(user, org, "editor"):
                names.append("submit")
            return names
        return [
            t.name if t.name != "schedule" else "approve"
            for t in item_workflow.available_transitions(report.item, user)
            if t.name in ("review", "approve", "return")
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if report is not None:
            names = self._available(request, report)
            extra_context.update(
                {
                    "report_problems": report_workflow.problems(report),
                    "report_actions": names,
                    "report_action_labels": [(n, label) for n, label in ACTIONS if n in names],
                }
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def transition_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        report = get_object_or_404(self.get_queryset(request), pk=object_id)
        action = request.POST.get("action", "")
        back = reverse("admin:reports_annualreport_change", args=[report.pk])
        try:
            if action == "redraft":
                if not self.has_change_permission(request, report):
                    raise PermissionDenied("只有草稿状态的报告才能重写草稿。")
                report.overview = narrative.draft_overview(report_workflow.live_data(report))
                report.save(update_fields=["overview", "updated_at"])
                report.contributors.add(request.user)
                done = "已按最新数据重写“总体情况”草稿，请核对修改。"
            elif action == "submit":
                report_workflow.submit(report, request.user, request=request)
                done = "已提交审核，数据已冻结。"
            elif action == "review":
                confirmed = bool(request.POST.get("secrecy_confirmed"))
                report_workflow.review(report, request.user, secrecy_confirmed=confirmed, request=request)
                done = "审核通过，已送领导审批。"
            elif action == "approve":
                report_workflow.approve(report, request.user, request=request)
                report.refresh_from_db()
                done = f"已审批发布，索引号 {report.item.index_number}。"
            elif action == "return":
                report_workflow.return_report(
                    report, request.user, reason=request.POST.get("reason", ""), request=request
                )
                done = "已退回。"
            else:
                raise ValidationError("未知操作。")
        except (ValidationError, PermissionDenied) as exc:
            text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            messages.error(request, text)
        else:
            messages.success(request, done)
        return HttpResponseRedirect(back)


__all__ = ["AnnualReportAdmin", "YearlyFiguresAdmin"]
