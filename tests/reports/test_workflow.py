"""The annual report's checks (each failure path), and its way through review to publication."""

import copy
import datetime

import pytest
from django.core.exceptions import PermissionDenied

from disclosures.models import Category, DisclosureItem
from disclosures.workflow import WorkflowError
from reports import checks, tables
from reports import workflow as rw
from reports.layout import TABLE3_ROW_INDEX
from reports.models import AnnualReport

from . import data as rd


@pytest.fixture
def nb(build):
    return Category.objects.create(code="nb", name="政府信息公开年报", kind="annual_report")


@pytest.fixture
def report(build, nb):
    rd.load(build)
    return rw.create_report(build.org, 2025, build.editor)


def _publish(report, build):
    rw.submit(report, build.editor)
    rw.review(report, build.reviewer, secrecy_confirmed=True)
    return rw.approve(report, build.leader)


# ---- checks: each rule fails on its own ----------------------------------------------------


@pytest.fixture
def good(build):
    rd.load(build)
    return tables.compute(build.org, 2025)


def test_live_data_passes_every_check(good):
    assert checks.run(good) == []


def test_row_total_not_equal_to_its_columns_names_the_row(good):
    bad = copy.deepcopy(good)
    bad["table3"][TABLE3_ROW_INDEX["partial"]][6] = 5
    problems = checks.run(bad)
    assert any(p.row.startswith("（二）部分公开") and p.column == "总计" for p in problems)
    assert (
        "表三“（二）部分公开（区分处理的，只计这一情形，不计其他情形）”行的“总计”为5，但自然人至其他各列之和为1。"
        in [p.message for p in problems]
    )


def test_concluded_total_not_equal_to_outcome_rows(good):
    bad = copy.deepcopy(good)
    bad["table3"][TABLE3_ROW_INDEX["concluded"]][2] = 2  # 科研机构
    bad["table3"][TABLE3_ROW_INDEX["carried_out"]][2] = -1  # keep 一+二 = 七+四 in that column
    bad["table3"][TABLE3_ROW_INDEX["concluded"]][6] = 8
    bad["table3"][TABLE3_ROW_INDEX["carried_out"]][6] = 2
    messages = [p.message for p in checks.run(bad)]
    assert "表三“（七）总计”行“科研机构”列为2，但（一）至（六）各项之和为1。" in messages


def test_balance_rule_first_plus_second_equals_seventh_plus_fourth(good):
    bad = copy.deepcopy(good)
    bad["table3"][TABLE3_ROW_INDEX["new"]][0] += 1
    bad["table3"][TABLE3_ROW_INDEX["new"]][6] += 1
    problems = checks.run(bad)
    assert [p.column for p in problems] == ["自然人", "总计"]
    assert problems[0].message == (
        "表三“自然人”列不符合勾稽关系：一、本年新收（5）加二、上年结转（1）等于6，"
        "但（七）总计（4）加四、结转下年度（1）等于5。"
    )


def test_carried_in_must_equal_last_years_carried_out(good):
    previous = copy.deepcopy(good)
    previous["year"] = 2024
    previous["table3"][TABLE3_ROW_INDEX["carried_out"]] = [2, 1, 0, 0, 0, 0, 3]
    problems = checks.blocking(checks.run(good, previous))
    assert [p.column for p in problems] == ["自然人", "总计"]
    assert "但2024年度报告“四、结转下年度继续办理”为2，两者应当相等" in problems[0].message


def test_table4_group_total_must_be_the_sum_of_its_results(good):
    bad = copy.deepcopy(good)
    bad["table4"][9] = 5
    problems = checks.run(bad)
    assert [p.column for p in problems] == ["行政诉讼（未经复议直接起诉）总计"]
    assert "为5，但结果维持、结果纠正、其他结果、尚未审结之和为2" in problems[0].message


def test_table2_continuity_is_a_warning_only(good):
    previous = copy.deepcopy(good)
    previous["year"] = 2024
    previous["table3"][TABLE3_ROW_INDEX["carried_out"]] = good["table3"][TABLE3_ROW_INDEX["carried_in"]]
    previous["table2"]["normative"]["valid"] = 7
    problems = checks.run(good, previous)
    assert len(problems) == 1 and not problems[0].blocking
    assert checks.blocking(problems) == []
    assert "按上年度报告推算应为7" in problems[0].message


# ---- workflow -------------------------------------------------------------------------------


def test_new_report_has_an_automatic_overview_draft(report):
    assert "（一）主动公开。2025年" in report.overview
    assert "本年新收政府信息公开申请8件，上年结转2件；办结7件" in report.overview
    assert "结转下年度继续办理3件" in report.overview


def test_approved_report_is_published_as_an_annual_report_item_with_index_number(report, build, nb):
    report = _publish(report, build)
    item = report.item
    assert item.status == DisclosureItem.Status.PUBLISHED and item.is_public
    assert item.kind == "annual_report" and item.category == nb
    assert item.index_number.startswith("01526257-2-/")
    assert item.title == "测试县民政局2025年政府信息公开工作年度报告"
    assert report.generated_at is not None and report.snapshot["table3"][0] == rd.EXPECTED_TABLE3["new"]
    assert "三、收到和处理政府信息公开申请情况" in item.body
    from portal.models import AuditEntry

    actions = list(
        AuditEntry.objects.filter(object_id__in=[str(item.pk), str(report.pk)]).values_list("action", flat=True)
    )
    assert {"report.create", "report.freeze", "item.submit", "item.review", "item.approve"} <= set(actions)


def test_snapshot_is_frozen_at_submission(report, build):
    rw.submit(report, build.editor)
    rd.application(build.org, "natural", rd.D(2025, 8, 8))
    report.refresh_from_db()
    assert rw.report_data(report)["table3"][0][0] == 4
    assert rw.live_data(report)["table3"][0][0] == 5


def test_author_cannot_approve_and_reviewer_cannot_approve_same_edition(report, build):
    rw.submit(report, build.editor)
    with pytest.raises(PermissionDenied):
        rw.review(report, build.editor, secrecy_confirmed=True)
    rw.review(report, build.reviewer, secrecy_confirmed=True)
    from portal.models import Membership

    Membership.objects.create(user=build.reviewer, organization=build.org, role="leader")
    with pytest.raises(PermissionDenied):
        rw.approve(report, build.reviewer)


def test_report_with_failing_checks_cannot_be_submitted(report, build):
    previous = AnnualReport.objects.create(
        organization=build.org,
        year=2024,
        snapshot=copy.deepcopy(rw.live_data(AnnualReport(organization=build.org, year=2024))),
    )
    previous.snapshot["table3"][TABLE3_ROW_INDEX["carried_out"]] = [0, 1, 0, 0, 0, 0, 1]
    previous.save()
    with pytest.raises(WorkflowError) as exc:
        rw.submit(report, build.editor)
    text = "；".join(exc.value.messages)
    assert "不能提交或审批" in text
    assert "表三“二、上年结转政府信息公开申请数量”行“自然人”列为1，但2024年度报告“四、结转下年度继续办理”为0" in text
    report.refresh_from_db()
    assert report.item is None and report.snapshot is None


def test_report_whose_frozen_figures_fail_cannot_be_approved_by_any_path(report, build):
    from disclosures import workflow as item_workflow

    rw.submit(report, build.editor)
    rw.review(report, build.reviewer, secrecy_confirmed=True)
    report.refresh_from_db()
    report.snapshot["table4"][4] = 9  # a tampered frozen figure
    report.save()
    with pytest.raises(WorkflowError) as exc:
        rw.approve(report, build.leader)
    assert "表四“行政复议总计”为9" in "；".join(exc.value.messages)
    with pytest.raises(WorkflowError):  # the item's own approve, as from the items admin
        item_workflow.approve(report.item, build.leader)
    report.item.refresh_from_db()
    assert report.item.status == DisclosureItem.Status.PENDING_APPROVAL and report.item.index_number is None


def test_return_drops_the_snapshot_and_resubmission_refreezes(report, build):
    rw.submit(report, build.editor)
    rw.return_report(report, build.reviewer, reason="请补充第五部分")
    report.refresh_from_db()
    assert report.snapshot is None and report.is_editable and report.status_label == "草稿"
    rw.submit(report, build.editor)
    report.refresh_from_db()
    assert report.snapshot is not None and report.item.status == DisclosureItem.Status.PENDING_REVIEW


def test_only_editors_submit(report, build):
    with pytest.raises(PermissionDenied):
        rw.submit(report, build.reviewer)


def test_missing_annual_report_catalogue_node_is_explained(build):
    report = rw.create_report(build.org, 2025, build.editor)
    with pytest.raises(WorkflowError, match="没有“年度报告”类型的栏目"):
        rw.submit(report, build.editor)


# ---- dashboard warning ------------------------------------------------------------------


def test_dashboard_warns_from_january_until_last_years_report_is_published(report, build):
    jan = datetime.date(2026, 1, 10)
    warnings = rw.overdue_warnings(build.editor, today=jan)
    assert any("测试县民政局2025年度政府信息公开工作年度报告尚未发布" in w and "还剩21天" in w for w in warnings)
    late = rw.overdue_warnings(build.editor, today=datetime.date(2026, 2, 3))
    assert any("已超过2026年1月31日的法定期限（条例第四十九条）" in w for w in late)
    _publish(report, build)
    assert not any("测试县民政局" in w for w in rw.overdue_warnings(build.editor, today=jan))


def test_admin_index_shows_the_warning(client, build, report):
    from django.utils import timezone

    client.force_login(build.editor)
    html = client.get("/admin/").content.decode()
    year = timezone.localdate().year - 1
    assert f"{year}年度政府信息公开工作年度报告尚未发布" in html


def test_admin_buttons_move_the_report_and_show_refusals(client, build, report):
    from django.contrib.auth.models import Permission

    for user in (build.editor, build.reviewer, build.leader):
        user.user_permissions.add(*Permission.objects.filter(content_type__app_label="reports"))
    url = f"/admin/reports/annualreport/{report.pk}/transition/"
    client.force_login(build.editor)
    page = client.get(f"/admin/reports/annualreport/{report.pk}/change/").content.decode()
    assert "校验通过" in page and "提交审核（冻结数据）" in page
    client.post(url, {"action": "submit"})
    client.force_login(build.reviewer)
    response = client.post(url, {"action": "review"}, follow=True)
    assert "请先确认保密审查" in response.content.decode()
    client.post(url, {"action": "review", "secrecy_confirmed": "1"})
    client.force_login(build.leader)
    response = client.post(url, {"action": "approve"}, follow=True)
    report.refresh_from_db()
    assert report.is_published
    assert f"已审批发布，索引号 {report.item.index_number}" in response.content.decode()


def test_returned_report_item_cannot_be_pushed_through_the_items_workflow(report, build):
    from disclosures import workflow as item_workflow

    rw.submit(report, build.editor)
    rw.return_report(report, build.reviewer, reason="数据需核对")
    report.refresh_from_db()
    item = report.item
    item_workflow.submit(item, build.editor)  # bypassing the report: no freeze, no checks
    item_workflow.review(item, build.reviewer, secrecy_confirmed=True)
    with pytest.raises(WorkflowError, match="须在“政府信息公开工作年度报告”中提交审核"):
        item_workflow.approve(item, build.leader)
