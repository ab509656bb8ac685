"""The annual report's way to publication: the same workflow as every item (disclosures/workflow.py).

    草稿 (live figures) ──submit: checks pass, figures frozen (generated_at), 年度报告 item created──▶ 待审核
    待审核 ──review (保密审查)──▶ 待审批 ──approve: checks pass again──▶ 已发布 (索引号 allocated)
    待审核/待审批 ──return──▶ 草稿 (snapshot dropped; figures live again)

The report rides on a DisclosureItem of kind 年度报告 in the catalogue node for annual reports, so
separation of duties, 保密审查, audit, 索引号 allocation and notifications are the items' own. A
report whose blocking checks fail cannot be submitted or approved (reports/checks.py); a signal
also refuses publication of the item by any other path while its report's checks fail.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from disclosures import workflow as item_workflow
from disclosures.models import Category, DisclosureItem, ItemKind
from disclosures.workflow import WorkflowError
from portal import access
from portal.audit import record
from portal.models import Membership, Organization

from . import checks, narrative, present, tables
from .models import AnnualReport, YearlyFigures

R = Membership.Role
REPORT_DUE = (1, 31)  # 条例第四十九条: last year's report published by 31 January


def last_full_year(today: datetime.date | None = None) -> int:
    return (today or timezone.localdate()).year - 1


def create_report(organization: Organization, year: int, user) -> AnnualReport:
    """A new draft whose 一、总体情况 is written from the year's figures, for staff to edit."""
    if not access.has_role(user, organization, R.EDITOR, R.ADMIN) and not user.is_superuser:
        raise PermissionDenied(f"只有{organization.short_name}的编辑才能起草年度报告。")
    with transaction.atomic():
        if AnnualReport.objects.filter(organization=organization, year=year).exists():
            raise WorkflowError(f"{organization.name}{year}年度报告已经存在。")
        report = AnnualReport.objects.create(organization=organization, year=year, created_by=user)
        report.overview = narrative.draft_overview(live_data(report))
        report.save(update_fields=["overview"])
        report.contributors.add(user)
        record("report.create", actor=user, obj=report, to_state="草稿")
    return report


def note_edit(report: AnnualReport, user, *, created: bool) -> None:
    """Staff saved the report's narrative: they are one of its writers (so they may not review or
    approve it); a new report gets its 一、总体情况 drafted from the year's figures."""
    if created and report.created_by_id is None:
        AnnualReport.objects.filter(pk=report.pk).update(created_by=user)
        report.created_by = user
    if created and not report.overview:
        report.overview = narrative.draft_overview(live_data(report))
        report.save(update_fields=["overview"])
    report.contributors.add(user)


def redraft(report: AnnualReport, user, *, request=None) -> AnnualReport:
    """Rewrite 一、总体情况 from the latest figures (a draft only; staff edit it afterwards)."""
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if not report.is_editable:
            raise WorkflowError("只有草稿状态的报告才能重写草稿。")
        if not access.has_role(user, report.organization, R.EDITOR):
            raise PermissionDenied(f"只有{report.organization.short_name}的编辑才能重写报告草稿。")
        report.overview = narrative.draft_overview(live_data(report))
        report.save(update_fields=["overview", "updated_at"])
        report.contributors.add(user)
        record("report.redraft", actor=user, obj=report, request=request)
    return report


def live_data(report: AnnualReport) -> dict:
    figures = YearlyFigures.objects.filter(organization=report.organization, year=report.year).first()
    return tables.compute(report.organization, report.year, figures=figures)


def report_data(report: AnnualReport) -> dict:
    """The frozen figures once submitted; live figures while a draft."""
    if report.snapshot is not None:
        return report.snapshot
    return live_data(report)


def previous_report_data(report: AnnualReport) -> dict | None:
    """Last year's figures as reported: the frozen snapshot of last year's submitted report."""
    previous = (
        AnnualReport.objects.filter(organization=report.organization, year=report.year - 1, snapshot__isnull=False)
        .only("snapshot")
        .first()
    )
    return previous.snapshot if previous else None


def problems(report: AnnualReport, data: dict | None = None) -> list[checks.Problem]:
    return checks.run(data if data is not None else report_data(report), previous_report_data(report))


def _ensure_clean(report: AnnualReport, data: dict) -> None:
    found = checks.blocking(problems(report, data))
    if found:
        raise WorkflowError(checks.explain(found))


def annual_report_category() -> Category:
    category = Category.objects.filter(kind=ItemKind.ANNUAL_REPORT).order_by("depth", "path").first()
    if category is None:
        raise WorkflowError("公开目录中没有“年度报告”类型的栏目，请管理员先建立（如“政府信息公开年报”）。")
    return category


def item_body(report: AnnualReport, data: dict) -> str:
    return render_to_string(
        "reports/_sections.html",
        {"report": report, "data": data, "for_item": True, "view": present.view_model(report, data)},
    )


def submit(report: AnnualReport, user, *, request=None) -> AnnualReport:
    """提交审核: the checks must pass; the figures are frozen and the 年度报告 item is submitted."""
    with transaction.atomic():
        report = (
            AnnualReport.objects.select_for_update(of=("self",))
            .select_related("organization", "item")
            .get(pk=report.pk)
        )
        if not report.is_editable:
            raise WorkflowError(f"“{report.title}”当前状态为“{report.status_label}”，不能提交审核。")
        if not access.has_role(user, report.organization, R.EDITOR):
            raise PermissionDenied(f"只有{report.organization.short_name}的编辑才能提交年度报告。")
        data = live_data(report)
        _ensure_clean(report, data)
        report.snapshot = data
        report.generated_at = timezone.now()
        item = report.item or DisclosureItem(
            organization=report.organization,
            kind=ItemKind.ANNUAL_REPORT,
            category=annual_report_category(),
            created_by=report.created_by or user,
        )
        item.title = report.title
        item.written_date = timezone.localdate()
        item.summary = narrative.summary(report, data)
        item.keywords = "政府信息公开 年度报告"
        item.source = report.organization.name
        item.body = item_body(report, data)
        item.save()
        item.contributors.add(user, *report.contributors.all())
        report.item = item
        report.save(update_fields=["snapshot", "generated_at", "item"])
        record(
            "report.freeze",
            actor=user,
            obj=report,
            reason="提交审核时冻结数据",
            data={"generated_at": report.generated_at.isoformat()},
            request=request,
        )
        item_workflow.submit(item, user, request=request)
    return report


def _fresh(report: AnnualReport) -> AnnualReport:
    report = AnnualReport.objects.select_related("organization", "item").get(pk=report.pk)
    if report.item_id is None:
        raise WorkflowError("年度报告尚未提交审核。")
    return report


def review(report: AnnualReport, user, *, secrecy_confirmed: bool, note: str = "", request=None) -> AnnualReport:
    report = _fresh(report)
    item_workflow.review(report.item, user, secrecy_confirmed=secrecy_confirmed, note=note, request=request)
    report.refresh_from_db()
    return report


def approve(report: AnnualReport, user, *, request=None) -> AnnualReport:
    """审批发布: refused while any blocking check fails, with the wrong cells named."""
    report = _fresh(report)
    with transaction.atomic():
        _ensure_clean(report, report_data(report))
        item_workflow.approve(report.item, user, request=request)
    report.refresh_from_db()
    return report


def return_report(report: AnnualReport, user, *, reason: str, request=None) -> AnnualReport:
    """退回: back to 草稿; the snapshot is dropped so the figures are live again."""
    report = _fresh(report)
    with transaction.atomic():
        item_workflow.return_item(report.item, user, reason=reason, request=request)
        AnnualReport.objects.filter(pk=report.pk).update(snapshot=None, generated_at=None)
    report.refresh_from_db()
    return report


def guard_publication(item: DisclosureItem) -> None:
    """pre_save of DisclosureItem: a 年度报告 item whose report fails its checks cannot go public by
    any path (admin action, bulk action, command)."""
    if item.pk is None or item.kind != ItemKind.ANNUAL_REPORT:
        return
    if item.status not in (DisclosureItem.Status.PUBLISHED, DisclosureItem.Status.SCHEDULED):
        return
    report = AnnualReport.objects.filter(item_id=item.pk).select_related("organization").first()
    if report is None:
        return
    if report.snapshot is None:
        raise WorkflowError(
            f"“{report.title}”须在“政府信息公开工作年度报告”中提交审核（冻结数据并通过校验）后才能发布。"
        )
    found = checks.blocking(problems(report, report.snapshot))
    if found:
        raise WorkflowError(checks.explain(found))


def overdue_warnings(user, today: datetime.date | None = None) -> list[str]:
    """Dashboard warnings: from 1 January until last year's report is published (第四十九条: 1月31日前)."""
    today = today or timezone.localdate()
    year = today.year - 1
    organizations = list(access.user_organizations(user))
    if not organizations:
        return []
    published = set(
        DisclosureItem.objects.published()
        .filter(
            kind=ItemKind.ANNUAL_REPORT,
            annual_report__year=year,
            organization__in=organizations,
        )
        .values_list("organization_id", flat=True)
    )
    deadline = datetime.date(today.year, *REPORT_DUE)
    warnings = []
    for org in organizations:
        if org.pk in published:
            continue
        if today <= deadline:
            left = (deadline - today).days
            warnings.append(
                f"{org.name}{year}年度政府信息公开工作年度报告尚未发布，须在{today.year}年1月31日前"
                f"向社会公布（条例第四十九条），还剩{left}天。"
            )
        else:
            warnings.append(
                f"{org.name}{year}年度政府信息公开工作年度报告尚未发布，已超过{today.year}年1月31日的"
                f"法定期限（条例第四十九条），请尽快完成审核发布。"
            )
    return warnings
