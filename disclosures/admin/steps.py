"""Admin side of the publication workflow: one confirmation page per action (with the form the
action needs: 保密审查 confirmation, return reason, publish time, public withdrawal reason …),
the workflow panel on the change form, the 我的待办 queue filter, and the revision admin.

Every action calls a function of disclosures/workflow.py, which checks role, separation of duties
and PII findings itself; a forged POST therefore meets the same guards as the buttons.
"""

from __future__ import annotations

import dataclasses
import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.admin_actions import Action, ActionAdminMixin, ConfirmForm
from portal.models import Membership

from .. import links, pii, queues, revisions, workflow
from ..models import (
    DisclosureItem,
    Revision,
    SecrecyReview,
)
from ..revision_diff import compare

S = DisclosureItem.Status
R = Membership.Role


# ---- forms ------------------------------------------------------------------------------------


class ReviewForm(forms.Form):
    secrecy_confirmed = forms.BooleanField(
        label=SecrecyReview.STATEMENT,
        required=True,
        error_messages={"required": "请勾选保密审查确认（条例第十七条）。"},
    )
    note = forms.CharField(label="审查意见（内部）", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="理由", widget=forms.Textarea(attrs={"rows": 4}), error_messages={"required": "必须填写理由。"}
    )


class NoteForm(forms.Form):
    note = forms.CharField(label="复核意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ApproveForm(forms.Form):
    publish_at = forms.DateTimeField(
        label="定时发布时间",
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="留空则立即发布；填写将来的时间则进入“待发布”，到时由定时任务发布。",
    )

    def clean_publish_at(self):
        when = self.cleaned_data.get("publish_at")
        if when and when <= timezone.now():
            raise ValidationError("定时发布时间必须晚于当前时间；立即发布请留空。")
        return when


def _item_by_index_number(value: str) -> DisclosureItem | None:
    value = (value or "").strip()
    if not value:
        return None
    found = DisclosureItem.objects.published().filter(index_number=value).first()
    if found is None:
        raise ValidationError("没有找到该索引号对应的已发布信息。")
    return found


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="撤回理由（将在信息页公开显示）",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "必须填写公开的撤回理由。"},
    )
    replaced_by = forms.CharField(
        label="替代信息的索引号", required=False, help_text="如有更正后重新发布的信息，填写其索引号，信息页将链接到它。"
    )

    def clean_replaced_by(self):
        return _item_by_index_number(self.cleaned_data.get("replaced_by"))


class ValidityForm(forms.Form):
    validity = forms.ChoiceField(label="有效性", choices=DisclosureItem.Validity.choices)
    on = forms.DateField(label="生效日期（失效或废止之日）", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="依据或理由", widget=forms.Textarea(attrs={"rows": 3}))
    replaced_by = forms.CharField(label="现行文件的索引号", required=False)

    def clean_replaced_by(self):
        return _item_by_index_number(self.cleaned_data.get("replaced_by"))


# ---- actions ----------------------------------------------------------------------------------


def Step(label, form, run, intro="", danger=False) -> Action:  # noqa: N802 - reads like the table it builds
    return Action(label=label, run=run, form=form, intro=intro, danger=danger, done=_done(label))


def _done(label):
    def message(obj, result):
        if isinstance(result, (DisclosureItem, Revision)):
            return f"已{label}：{obj}（当前状态：{result.get_status_display()}）。"
        return f"已{label}。"

    return message


ITEM_ACTIONS: dict[str, Action] = {
    "submit": Step(
        "提交审核",
        ConfirmForm,
        lambda o, u, d, r: workflow.submit(o, u, request=r),
        "提交后信息进入“待审核”，由审核员进行保密审查。",
    ),
    "review": Step(
        "审核通过（保密审查）",
        ReviewForm,
        lambda o, u, d, r: workflow.review(o, u, secrecy_confirmed=d["secrecy_confirmed"], note=d["note"], request=r),
        "依据《政府信息公开条例》第十七条，公开前须进行保密审查。确认后信息进入“待审批”。",
    ),
    "approve": Step(
        "审批发布",
        ApproveForm,
        lambda o, u, d, r: workflow.approve(o, u, publish_at=d.get("publish_at"), request=r),
        "审批后立即发布并分配索引号，或在设定时间发布。",
    ),
    "return": Step(
        "退回修改",
        ReasonForm,
        lambda o, u, d, r: workflow.return_item(o, u, reason=d["reason"], request=r),
        "退回后信息回到草稿，退回理由显示给编写人。",
        danger=True,
    ),
    "emergency_publish": Step(
        "应急发布",
        ReasonForm,
        lambda o, u, d, r: workflow.emergency_publish(o, u, reason=d["reason"], request=r),
        "应急发布跳过审核与审批，立即公开；须写明理由，并由另一位领导事后复核。",
        danger=True,
    ),
    "confirm_emergency": Step(
        "复核应急发布",
        NoteForm,
        lambda o, u, d, r: workflow.confirm_emergency(o, u, note=d["note"], request=r),
        "确认该应急发布的信息内容无误。",
    ),
    "withdraw": Step(
        "撤回",
        WithdrawForm,
        lambda o, u, d, r: workflow.withdraw(o, u, reason=d["reason"], replaced_by=d.get("replaced_by"), request=r),
        "撤回后信息页保留原网址并显示撤回理由，信息不再出现在列表、检索和订阅中。",
        danger=True,
    ),
    "set_validity": Step(
        "变更有效性（失效/废止）",
        ValidityForm,
        lambda o, u, d, r: workflow.set_validity(
            o, u, validity=d["validity"], on=d["on"], reason=d["reason"], replaced_by=d.get("replaced_by"), request=r
        ),
        "失效或废止的文件仍然公开、可以检索，页面显示其有效性。",
    ),
    "pii_override": Step(
        "放行隐私检查",
        ReasonForm,
        lambda o, u, d, r: workflow.override_pii(o, u, reason=d["reason"], request=r),
        "确认下列内容依法可以公开（如惩戒公示），放行理由记入审计日志。",
        danger=True,
    ),
    "content_override": Step(
        "放行内容检查",
        ReasonForm,
        lambda o, u, d, r: workflow.override_content(o, u, reason=d["reason"], request=r),
        "确认下列提示不是错误（如引用历史文件中的旧机构名称），放行理由记入审计日志。敏感词不能放行。",
        danger=True,
    ),
    "pii_mask": Action(
        label="一键脱敏",
        run=lambda o, u, d, r: workflow.mask_pii(o, u, request=r),
        intro="身份证号、银行卡号保留前6位和后4位，手机号码隐去中间4位。PDF和图片附件无法自动脱敏，请替换为脱敏后的文件。",
        done=lambda obj, result: f"已脱敏 {result[0]} 处。",
    ),
    "import_published": Action(
        label="按原发布日期发布（网站迁移）",
        run=lambda o, u, d, r: workflow.import_published(
            o, u, published_at=o.origin.published_at, index_number=o.origin.index_number, request=r
        ),
        intro="这是从旧网站导入、因检查有发现而留作草稿的信息。处理完发现后，可按原发布日期和原索引号发布。",
        done=lambda obj, result: f"已按原发布日期发布：{obj}（索引号 {result.index_number}）。",
        shown=lambda obj: hasattr(obj, "origin"),
    ),
    "revise": Action(
        label="修订（创建新版本）",
        run=lambda o, u, d, r: workflow.start_revision(o, u, request=r),
        intro="修订版本审批生效前，公众看到的仍是现行版本。",
        done="已创建修订版本。请修改内容并填写更新说明，然后提交审核。",
    ),
}

REVISION_ACTIONS: dict[str, Action] = {
    "submit": Step(
        "提交审核",
        ConfirmForm,
        lambda o, u, d, r: workflow.submit_revision(o, u, request=r),
        "提交后修订进入“待审核”。",
    ),
    "review": Step(
        "审核通过（保密审查）",
        ReviewForm,
        lambda o, u, d, r: workflow.review_revision(
            o, u, secrecy_confirmed=d["secrecy_confirmed"], note=d["note"], request=r
        ),
        "请对照下方与现行版本的比较进行保密审查（条例第十七条）。",
    ),
    "approve": Step(
        "审批生效",
        ConfirmForm,
        lambda o, u, d, r: workflow.approve_revision(o, u, request=r),
        "审批后信息页立即更新为本版本，索引号不变，更新说明列入公开的更新记录。",
    ),
    "return": Step(
        "退回修改",
        ReasonForm,
        lambda o, u, d, r: workflow.return_revision(o, u, reason=d["reason"], request=r),
        "退回后修订回到草稿，退回理由显示给编写人。",
        danger=True,
    ),
    "discard": Step(
        "放弃修订",
        ConfirmForm,
        lambda o, u, d, r: workflow.discard_revision(o, u, request=r),
        "放弃后该修订不再生效（记录保留）。",
        danger=True,
    ),
    "pii_override": ITEM_ACTIONS["pii_override"],
    "content_override": ITEM_ACTIONS["content_override"],
    "pii_mask": ITEM_ACTIONS["pii_mask"],
}


def workflow_buttons(obj, user, table: dict[str, Action]) -> list[tuple[str, Action, workflow.Decision]]:
    """The steps of the workflow table that `user` may take on `obj` (disabled ones carry the
    reason, e.g. findings not yet masked); each step's function decides again when it runs."""
    buttons = []
    for t, decision in workflow.offered(user, obj):
        name = "approve" if t.name == "schedule" else t.name
        if name in table and table[name].shown is not None and not table[name].shown(obj):
            continue
        if name in table and all(name != b[0] for b in buttons):
            buttons.append((name, table[name], decision))
    return buttons


def _brief(decision: workflow.Decision) -> workflow.Decision:
    """A refusal for findings without the list of findings (“发现疑似个人信息，请脱敏后再提交：…。”
    becomes “…请脱敏后再提交（见上方检查结果）。”): the panel lists them above the buttons."""
    if decision.allowed or not decision.reason.startswith("发现疑似"):
        return decision
    return dataclasses.replace(decision, reason=re.sub(r"：[^。]*。", "（见上方检查结果）。", decision.reason))


def item_history(obj):
    from portal.models import AuditEntry

    return list(AuditEntry.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk)).order_by("at", "id"))


def _settled(obj) -> bool:
    return obj.status in (S.PUBLISHED, S.WITHDRAWN, Revision.Status.APPROVED, Revision.Status.DISCARDED)


def pii_findings(obj):
    return [] if _settled(obj) else pii.scan_item(obj)


def content_findings(obj):
    from .. import content_checks

    return [] if _settled(obj) else content_checks.scan_item(obj)


def action_subject(obj) -> dict:
    """What a step's page shows of the thing being confirmed: the content the reviewer and the
    leader sign off (title, summary, body — or for a revision the comparison with the live
    version —, attachments to open through the staff-only file address) and the 保密审查 done."""
    revision = obj if isinstance(obj, Revision) else None
    item = revision.item if revision else obj
    reviews = obj.secrecy_reviews.all() if revision else item.secrecy_reviews.filter(revision=None)
    return {
        "revision": revision,
        "title": obj.title,
        "organization": item.organization,
        "document_number": obj.document_number,
        "written_date": obj.written_date,
        "summary": obj.summary,
        "body": obj.body,
        "attachments": [a for a in obj.attachments.all() if a.file],
        # The review of this round only: a return clears reviewed_by, and the next round's
        # reviewer reviews again.
        "review": reviews.order_by("-at", "-id").first() if obj.reviewed_by_id else None,
    }


class WorkflowAdminMixin(ActionAdminMixin):
    """Shared by the item and revision admins: the action pages and the change-form panel."""

    action_path = "workflow"
    action_includes = ["admin/disclosures/_action_subject.html", "admin/disclosures/_action_findings.html"]

    @admin.display(description="正文")
    def body_preview(self, obj):
        from portal.sanitize import render_html

        return render_html(obj.body)

    def read_only_fieldsets(self, request, obj, sets):
        """Where the record is read-only (not a draft), show the body rendered, not as HTML source."""
        if obj is None or self.has_change_permission(request, obj):
            return sets
        return [
            (name, {**opts, "fields": ["body_preview" if f == "body" else f for f in opts["fields"]]})
            for name, opts in sets
        ]

    def get_fieldsets(self, request, obj=None):
        return self.read_only_fieldsets(request, obj, super().get_fieldsets(request, obj))

    def save_edition(self, request, obj, form, change, changed: bool):
        """Save an item or a revision; an edit of the content ends an earlier 隐私检查 override."""
        super().save_model(request, obj, form, change)
        if workflow.note_edit(obj, request.user, changed=changed):
            messages.warning(request, "内容已修改，之前的隐私检查放行失效。")

    def edition_change_view(self, request, object_id, form_url, extra_context, more):
        """The change page with the workflow panel and `more(obj)` (what only items or revisions show)."""
        obj = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if obj is not None:
            extra.update(self.workflow_context(request, obj))
            extra.update(more(obj))
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def workflow_context(self, request, obj):
        findings = pii_findings(obj)
        content = content_findings(obj)
        buttons = workflow_buttons(obj, request.user, self.action_specs)
        if not findings or obj.pii_override_reason:  # masking and overriding only where there is something
            buttons = [b for b in buttons if b[0] not in ("pii_mask", "pii_override")]
        if not [f for f in content if not f.blocks_always] or obj.content_override_reason:
            buttons = [b for b in buttons if b[0] != "content_override"]
        if findings or content:  # the findings are listed above the buttons: say so, not all again
            buttons = [(n, a, _brief(d)) for n, a, d in buttons]
        return {
            "workflow_actions": buttons,
            "pii_findings": findings,
            "content_findings": content,
            "link_problems": [] if _settled(obj) else links.internal_problems(obj),
            "history": item_history(obj),
            "workflow_url_name": f"admin:{self.action_url_name()}",
        }

    def action_refusal(self, request, obj, name):
        """The step's page is not shown when the workflow table refuses the step now (findings,
        no 保密审查 yet, the user wrote the item …): back to the change page with the reason. Only
        for opening the page: a POST still goes to the step's function, which refuses it itself
        (403/400), so nothing relies on the button being disabled."""
        if request.method != "GET":
            return ""
        decision = workflow.can(request.user, name, obj)
        if decision:
            return ""
        return f"暂不能执行“{self.action_specs[name].label}”：{decision.reason}"

    def action_context(self, request, obj, name):
        from .. import interpretation

        warn = name == "approve" and isinstance(obj, DisclosureItem) and interpretation.missing(obj)
        return {
            "interpretation_warning": interpretation.WARNING if warn else "",
            "pii_findings": pii_findings(obj),
            "content_findings": content_findings(obj),
            "changes": compare(revisions.snapshot(obj.item), obj) if isinstance(obj, Revision) else None,
            "subject": action_subject(obj),
        }

    def action_redirect(self, request, obj, name, result):
        if name == "revise":
            return reverse("admin:disclosures_revision_change", args=[result.pk])
        if name == "pii_mask" and result[1]:
            messages.warning(request, "以下附件无法自动脱敏，请替换为脱敏后的文件：" + "、".join(result[1]))
        return self.change_url(obj)


# ---- queue filter (我的待办) --------------------------------------------------------------------


class MyQueueFilter(admin.SimpleListFilter):
    title = "我的待办"
    parameter_name = "queue"
    QUEUES = {
        "review": ("待我审核", queues.items_to_review),
        "approve": ("待我审批", queues.items_to_approve),
        "returned": ("我被退回的", queues.my_returned_items),
        "emergency": ("应急发布待复核", queues.emergencies_to_confirm),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _) in self.QUEUES.items()]

    def queryset(self, request, queryset):
        entry = self.QUEUES.get(self.value())
        if entry is None:
            return queryset
        return queryset.filter(pk__in=entry[1](request.user).values("pk"))


class RevisionQueueFilter(MyQueueFilter):
    QUEUES = {
        "review": ("待我审核", queues.revisions_to_review),
        "approve": ("待我审批", queues.revisions_to_approve),
        "returned": ("我被退回的", queues.my_returned_revisions),
    }


@admin.action(description="提交审核（所选草稿）")
def submit_selected(modeladmin, request, queryset):
    done, failed = 0, []
    for item in queryset:
        try:
            workflow.submit(item, request.user, request=request)
            done += 1
        except (PermissionDenied, ValidationError) as exc:
            failed.append(f"{item.title}：{'；'.join(getattr(exc, 'messages', [str(exc)]))}")
    if done:
        messages.success(request, f"已提交审核 {done} 条。")
    for line in failed:
        messages.error(request, line)
