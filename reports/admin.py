"""Staff side of the annual report: staff-entered table 二 figures, and the report itself (narrative
in the rich-text editor, checks, preview, and the workflow buttons, which call reports/workflow.py)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django_ckeditor_5.widgets import CKEditor5Widget

from disclosures import workflow as item_workflow
from portal import access
from portal.access import OrganizationScopedAdmin
from portal.admin_actions import Action, ActionAdminMixin
from portal.models import Membership
from portal.templatetags.portal_tags import clean_html

from . import workflow as report_workflow
from .models import AnnualReport, YearlyFigures

Role = Membership.Role


class ReviewForm(forms.Form):
    # Checked by reports.workflow.review itself, so a missing tick gets the workflow's message.
    secrecy_confirmed = forms.BooleanField(required=False)
    note = forms.CharField(required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False)


ACTIONS = {
    "redraft": Action(
        label="按最新数据重写“总体情况”草稿",
        run=lambda o, u, d, r: report_workflow.redraft(o, u, request=r),
        done="已按最新数据重写“总体情况”草稿，请核对修改。",
    ),
    "submit": Action(
        label="提交审核（冻结数据）",
        run=lambda o, u, d, r: report_workflow.submit(o, u, request=r),
        done="已提交审核，数据已冻结。",
    ),
    "review": Action(
        label="审核通过（保密审查）",
        form=ReviewForm,
        run=lambda o, u, d, r: report_workflow.review(
            o, u, secrecy_confirmed=d["secrecy_confirmed"], note=d["note"], request=r
        ),
        done="审核通过，已送领导审批。",
    ),
    "approve": Action(
        label="审批发布",
        run=lambda o, u, d, r: report_workflow.approve(o, u, request=r),
        done=lambda obj, result: f"已审批发布，索引号 {result.item.index_number}。",
    ),
    "return": Action(
        label="退回修改",
        form=ReasonForm,
        run=lambda o, u, d, r: report_workflow.return_report(o, u, reason=d["reason"], request=r),
        done="已退回。",
    ),
}


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
        obj.entered_by = request.user  # who entered the figures is part of them (shown in the list)
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
class AnnualReportAdmin(ActionAdminMixin, _OrgScoped):
    action_specs = ACTIONS
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
        super().save_model(request, obj, form, change)
        report_workflow.note_edit(obj, request.user, created=not change)

    def _available(self, request, report: AnnualReport) -> list[str]:
        if report.is_editable:
            names = ["redraft"] if self.has_change_permission(request, report) else []
            if access.has_role(request.user, report.organization, Role.EDITOR):
                names.append("submit")
            return names
        names = []
        for t, decision in item_workflow.offered(request.user, report.item):
            name = "approve" if t.name == "schedule" else t.name
            if decision and name in ("review", "approve", "return") and name not in names:
                names.append(name)
        return names

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if report is not None:
            names = self._available(request, report)
            extra_context.update(
                {
                    "report_problems": report_workflow.problems(report),
                    "report_actions": names,
                    "report_action_labels": [(n, spec.label) for n, spec in self.action_specs.items() if n in names],
                }
            )
        return super().change_view(request, object_id, form_url, extra_context)


__all__ = ["AnnualReportAdmin", "YearlyFiguresAdmin"]
