"""Demo: the 2025 annual report of 龙陵县民政局, generated from the demo's data and published
through the real workflow (editor submits, reviewer confirms 保密审查, leader approves), so it gets
its 索引号 in the 政府信息公开年报 node. Runs after info_requests.demo; with no request data the
tables simply show zeros. The seed's 2016 narrative report stays as the historic report."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from disclosures.workflow import WorkflowError

from . import workflow
from .models import YearlyFigures

YEAR = 2025


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def load(demo) -> None:
    org = demo.orgs["llmzj"]
    editor, reviewer, leader = demo.users["editor"], demo.users["reviewer"], demo.users["leader"]
    YearlyFigures.objects.create(
        organization=org,
        year=YEAR,
        license_decisions=37,
        penalty_decisions=2,
        enforcement_decisions=0,
        fee_amount=Decimal("0.00"),
        entered_by=editor,
        source="县政务服务管理局一体化政务服务平台统计（2026年1月5日导出）；本局行政执法案卷台账；本局无行政事业性收费项目",
    )
    report = workflow.create_report(org, YEAR, editor)
    report.problems = _p(
        "（一）上年度问题整改情况。针对2024年度存在的政策解读形式单一的问题，2025年对3件行政规范性文件全部同步发布政策解读，"
        "并增加图解和问答形式。",
        "（二）存在的主要问题。一是部分社会救助信息公开不够及时，个别乡镇低保动态管理信息更新滞后；二是依申请公开办理中"
        "补正告知书的表述还不够规范。",
        "（三）改进措施。一是将社会救助信息公开纳入对乡镇民政工作的月度考核；二是制定依申请公开文书范本，开展业务培训。",
    )
    report.key_points = _p(
        "按照县政府办公室印发的2025年政务公开工作要点，重点公开了低保、特困供养、临时救助政策和"
        "资金发放情况，按季度更新养老服务信息。"
    )
    report.proposals = _p(
        "2025年承办县人大代表建议5件、政协委员提案3件，均已按期办结，答复全文在“建议提案办理结果”栏目公开。"
    )
    report.innovation = _p(
        "在政府信息公开平台上线长辈版和高对比度显示，所有页面无需JavaScript即可使用；年度报告表格由平台"
        "根据公开和申请办理记录自动生成，避免手工统计差错。"
    )
    report.save()
    report.contributors.add(editor)
    try:
        with transaction.atomic():
            workflow.submit(report, editor)
            workflow.review(
                report, reviewer, secrecy_confirmed=True, note="已核对年报数据和文字，无涉密和个人隐私内容。"
            )
            workflow.approve(report, leader)
    except WorkflowError:
        # The data of another part of the demo breaks a check: keep the report as a draft; the
        # admin shows which cell is wrong.
        report.refresh_from_db()
    demo.items["annual_report_2025"] = report.item
