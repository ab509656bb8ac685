"""Demo data for 主动公开: the catalogue and items in every state (organizations and users: portal/demo.py).

Recent items go through the real workflow (editor submits, reviewer confirms 保密审查, leader
approves); items from the old site (2016, 2025) are imported as history with their original
dates, which is how the seed report keeps 索引号 01526257-2-/2016-1230002.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone

from portal import minipdf
from portal.demo import Demo

from . import workflow
from .models import (
    KIND_DETAIL_MODELS,
    Attachment,
    Category,
    DisclosureItem,
    ItemKind,
    SecrecyReview,
)

SEED = Path(__file__).parent / "fixtures" / "seed_longling_2016_report.txt"
TZ = datetime.timezone(datetime.timedelta(hours=8))

# code, name, kind, description, time limit, freshness, home panel, children
CATALOGUE = [
    ("zhidu", "政府信息公开制度", "general", "政府信息公开工作制度", 20, 365, False, []),
    (
        "fdzdgk",
        "法定主动公开内容",
        "general",
        "条例第二十条、第二十一条规定的主动公开内容",
        20,
        180,
        False,
        [
            (
                "jgzn",
                "机构职能",
                "general",
                "第二十条（二）：机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名",
                20,
                365,
                True,
                [],
            ),
            (
                "zcwj",
                "政策文件",
                "policy",
                "第二十条（一）：行政规范性文件和其他文件",
                20,
                180,
                True,
                [
                    ("gfxwj", "行政规范性文件", "policy", "", 20, 180, False, []),
                    ("qtwj", "其他文件", "policy", "", 20, 180, False, []),
                    ("zcjd", "政策解读", "general", "", 20, 180, False, []),
                ],
            ),
            ("ghjh", "规划计划", "general", "第二十条（三）", 20, 365, False, []),
            ("tjxx", "统计信息", "general", "第二十条（四）", 20, 180, False, []),
            (
                "xzxk",
                "行政许可和政务服务",
                "general",
                "第二十条（五）：依据、条件、程序以及办理结果",
                20,
                180,
                False,
                [],
            ),
            ("xzcf", "行政处罚和行政强制", "general", "第二十条（六）", 20, 180, False, []),
            ("czyjs", "财政预决算", "budget", "第二十条（七）：部门预算、部门决算、“三公”经费", 20, 365, True, []),
            ("sfxm", "行政事业性收费", "general", "第二十条（八）", 20, 365, False, []),
            ("zfcg", "政府采购", "procurement", "第二十条（九）", 20, 180, True, []),
            (
                "shjz",
                "社会救助",
                "social_assistance",
                "第二十条（十一）、第二十一条；民办函〔2019〕52号",
                10,
                90,
                True,
                [
                    (
                        "dibao",
                        "最低生活保障",
                        "social_assistance",
                        "政策、办事指南、初审公示、审批结果公布",
                        10,
                        90,
                        False,
                        [],
                    ),
                    ("tekun", "特困人员救助供养", "social_assistance", "", 10, 90, False, []),
                    (
                        "lsjz",
                        "临时救助",
                        "social_assistance",
                        "支出型临时救助对象名单、救助金额、救助事由",
                        10,
                        90,
                        False,
                        [],
                    ),
                    ("jdjc", "监督检查", "general", "社会救助信访通讯地址、投诉举报电话", 10, 365, False, []),
                ],
            ),
            ("ylfw", "养老服务", "elderly_care", "民办函〔2019〕52号", 20, 180, True, []),
            ("yjjz", "应急管理和救灾", "general", "第二十条（十二）", 20, 180, False, []),
            ("jyta", "建议提案办理结果", "general", "", 20, 365, False, []),
        ],
    ),
    ("nb", "政府信息公开年报", "annual_report", "每年1月31日前公布上一年度报告（条例第四十九条）", 20, 400, True, []),
]


def _build_catalogue(demo: Demo, nodes, parent=None, order_start=1):
    for order, (code, name, kind, description, limit, fresh, panel, children) in enumerate(nodes, order_start):
        category = Category.objects.create(
            parent=parent,
            code=code,
            name=name,
            kind=kind,
            description=description,
            time_limit_days=limit,
            freshness_days=fresh,
            home_panel=panel,
            order=order,
        )
        demo.categories[code] = category
        _build_catalogue(demo, children, category)


def _new_item(
    demo: Demo,
    org: str,
    cat: str,
    title: str,
    written: datetime.date,
    body: str,
    *,
    kind: str | None = None,
    number: str = "",
    summary: str = "",
    keywords: str = "",
    validity: str = "",
    detail: dict | None = None,
    author: str = "editor",
) -> DisclosureItem:
    category = demo.categories[cat]
    kind = kind or category.kind
    if kind == ItemKind.POLICY and not validity:
        validity = DisclosureItem.Validity.VALID
    item = DisclosureItem.objects.create(
        organization=demo.orgs[org],
        category=category,
        kind=kind,
        title=title,
        written_date=written,
        body=body,
        document_number=number,
        summary=summary,
        keywords=keywords,
        validity=validity,
        created_by=demo.users[author],
        source=demo.orgs[org].name,
    )
    item.contributors.add(demo.users[author])
    if detail is not None and kind in KIND_DETAIL_MODELS:
        KIND_DETAIL_MODELS[kind].objects.create(item=item, **detail)
    return item


def _publish(demo: Demo, item: DisclosureItem) -> DisclosureItem:
    workflow.submit(item, demo.users["editor"])
    workflow.review(item, demo.users["reviewer"], secrecy_confirmed=True, note="已核对，无涉密和个人隐私内容。")
    return workflow.approve(item, demo.users["leader"])


def _history(demo: Demo, item: DisclosureItem, when: datetime.datetime) -> DisclosureItem:
    """An item published on the old site. From 2025 on the old site kept 保密审查 records, and they
    came over with the items (dated before publication): a report of those years then counts the
    reviews its publications had, instead of “保密审查0次” next to “先审查、后公开”."""
    if when.year >= 2025:
        reviewer = demo.users["reviewer"]
        SecrecyReview.objects.create(
            item=item,
            reviewer=reviewer,
            reviewer_name=reviewer.get_full_name() or reviewer.get_username(),
            at=when - datetime.timedelta(hours=2),
            note="原网站发布前的保密审查记录（随历史信息迁移）。",
        )
    return workflow.import_published(item, demo.users["admin"], published_at=when, source="旧网站信息迁移")


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _seed_body() -> tuple[str, str]:
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()]
    body_lines = [line for line in lines[3:] if line]
    html = []
    for line in body_lines:
        if line[:2] in ("一、", "二、", "三、"):
            html.append(f"<h2>{line}</h2>")
        else:
            html.append(f"<p>{line}</p>")
    return "".join(html), body_lines[0][:110]


def _roster_xlsx(rows: list[list]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "公示名单"
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _attach(item: DisclosureItem, name: str, data: bytes, file_type: str, mime: str) -> Attachment:
    attachment = Attachment(item=item, original_name=name, size=len(data), file_type=file_type, content_type=mime)
    attachment.file.save(name, ContentFile(data), save=False)
    attachment.save()
    return attachment


def _minimal_pdf(text: str) -> bytes:
    """A one-page PDF (ASCII text) built by hand; enough for a real, downloadable attachment."""
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return minipdf.write(objects)


def load(demo: Demo) -> Demo:
    _build_catalogue(demo, CATALOGUE)
    _leaders(demo)
    _history_items(demo)
    _current_items(demo)
    _workflow_states(demo)
    _revision_and_pii_states(demo)
    return demo


def _history_items(demo: Demo):
    d = datetime.datetime
    first = _new_item(
        demo,
        "llmzj",
        "dibao",
        "龙陵县2016年12月城乡最低生活保障金发放情况公示",
        datetime.date(2016, 12, 28),
        _p(
            "根据《云南省最低生活保障实施办法》，现将我县2016年12月城乡最低生活保障金发放情况公示如下：城市低保1,236户2,104人，"
            "发放保障金68.32万元；农村低保9,874户21,356人，发放保障金412.85万元。",
            "公示期间如有异议，请拨打监督电话0875-6121234反映。",
        ),
        detail=dict(
            program="dibao",
            period="2016年12月",
            town="全县",
            households=11110,
            persons=23460,
            amount=Decimal("4811700.00"),
        ),
    )
    _history(demo, first, d(2016, 12, 30, 9, 0, tzinfo=TZ))
    body, summary = _seed_body()
    seed = _new_item(
        demo,
        "llmzj",
        "nb",
        "龙陵县民政局2016年政务公开工作情况报告",
        datetime.date(2016, 12, 30),
        body,
        kind=ItemKind.ANNUAL_REPORT,
        summary=summary,
        keywords="政务公开 年度报告",
    )
    demo.items["seed"] = _history(demo, seed, d(2016, 12, 30, 10, 0, tzinfo=TZ))

    # 2025: the last full year, which the annual report covers.
    old_policy = _new_item(
        demo,
        "llmzj",
        "gfxwj",
        "龙陵县最低生活保障审核确认实施细则（试行）",
        datetime.date(2019, 3, 1),
        _p(
            "第一条 为规范全县最低生活保障审核确认工作，根据《最低生活保障审核确认办法》，结合本县实际，制定本细则。",
            "第二条 本细则适用于全县城乡最低生活保障的申请、审核、确认和管理。",
        ),
        number="龙民发〔2019〕5号",
        detail=dict(doc_type="normative", effective_date=datetime.date(2019, 4, 1)),
    )
    _history(demo, old_policy, d(2019, 3, 8, 9, 30, tzinfo=TZ))
    demo.items["old_policy"] = old_policy
    policies_2025 = [
        (
            "龙陵县最低生活保障审核确认实施细则",
            datetime.date(2025, 3, 10),
            "龙民发〔2025〕8号",
            "normative",
            "依据民政部《最低生活保障审核确认办法》（民发〔2021〕57号），对申请受理、家庭经济状况调查、审核确认、民主评议和公示等环节作出规定。",
        ),
        (
            "龙陵县特困人员认定实施办法",
            datetime.date(2025, 5, 20),
            "龙民发〔2025〕15号",
            "normative",
            "明确特困人员认定条件、申请程序、生活自理能力评估和终止供养程序，初审结果在村（社区）公示7天。",
        ),
        (
            "龙陵县临时救助实施办法",
            datetime.date(2025, 8, 12),
            "龙民规〔2025〕2号",
            "normative",
            "规定急难型和支出型临时救助的对象范围、救助标准、审批权限和“先行救助”程序。",
        ),
        (
            "关于进一步做好2025年困难群众基本生活保障工作的通知",
            datetime.date(2025, 9, 3),
            "龙民发〔2025〕31号",
            "other",
            "要求各乡镇做好冬春救助、低保扩围增效和动态管理工作。",
        ),
    ]
    for n, (title, written, number, doc_type, text) in enumerate(policies_2025):
        item = _new_item(
            demo,
            "llmzj",
            "gfxwj" if doc_type == "normative" else "qtwj",
            title,
            written,
            _p(text, "本文件自印发之日起施行。各乡（镇）人民政府要高度重视，认真组织实施。"),
            number=number,
            summary=text,
            keywords="社会救助 政策文件",
            detail=dict(doc_type=doc_type, effective_date=written + datetime.timedelta(days=10)),
        )
        _history(demo, item, d(written.year, written.month, written.day, 10, 0, tzinfo=TZ) + datetime.timedelta(days=5))
        demo.items[f"policy2025_{n}"] = item
    # The 2019 rules were repealed in 2025 by the new 实施细则.
    workflow.set_validity(
        old_policy,
        demo.users["leader"],
        validity=DisclosureItem.Validity.REPEALED,
        on=datetime.date(2025, 3, 20),
        reason="被龙民发〔2025〕8号替代",
        replaced_by=demo.items["policy2025_0"],
    )

    budget = _new_item(
        demo,
        "llczj",
        "czyjs",
        "龙陵县民政局2025年部门预算公开",
        datetime.date(2025, 2, 10),
        _p(
            "根据《中华人民共和国预算法》和县人民代表大会批准的预算，现公开龙陵县民政局2025年部门预算。",
            "2025年收支总预算8,652.30万元，其中基本支出1,203.45万元，项目支出7,448.85万元；“三公”经费预算12.60万元。",
        ),
        detail=dict(
            fiscal_year=2025,
            budget_type="budget",
            total_amount=Decimal("8652.30"),
            basic_amount=Decimal("1203.45"),
            project_amount=Decimal("7448.85"),
            three_public_amount=Decimal("12.60"),
        ),
    )
    _history(demo, budget, d(2025, 2, 14, 9, 0, tzinfo=TZ))


def _current_items(demo: Demo):
    items = [
        (
            "llmzj",
            "jgzn",
            "龙陵县民政局机构职能",
            datetime.date(2026, 1, 6),
            "general",
            {},
            _p(
                "龙陵县民政局是县人民政府工作部门，主要负责拟订并组织实施社会救助、养老服务、社会组织管理、区划地名、婚姻殡葬、儿童福利等政策。",
                "内设机构：办公室、社会救助股、养老服务股、社会事务股、社会组织管理股。办公地址：龙山镇龙新路民政局办公楼。局长：张必鹏。",
            ),
            "",
        ),
        (
            "llmzj",
            "gfxwj",
            "龙陵县城乡最低生活保障标准调整方案",
            datetime.date(2026, 3, 2),
            "policy",
            dict(doc_type="normative", effective_date=datetime.date(2026, 4, 1)),
            _p(
                "经县人民政府同意，自2026年4月1日起，城市最低生活保障标准由每人每月780元提高到每人每月810元，农村最低生活保障标准由每人每年5,600元提高到每人每年5,880元。",
                "各乡（镇）要按新标准及时调整保障金额，确保按月足额发放。",
            ),
            "龙民发〔2026〕6号",
        ),
        (
            "llmzj",
            "zcjd",
            "《龙陵县城乡最低生活保障标准调整方案》政策解读",
            datetime.date(2026, 3, 5),
            "general",
            {},
            _p(
                "一、调整背景：根据省、市关于统筹提高城乡低保标准的要求，结合我县居民人均消费支出增长情况。",
                "二、主要内容：城市低保标准每人每月提高30元，农村低保标准每人每年提高280元。",
                "三、咨询电话：0875-6121234。",
            ),
            "",
        ),
        (
            "llmzj",
            "qtwj",
            "关于开展2026年度养老机构服务质量等级评定工作的通知",
            datetime.date(2026, 4, 15),
            "policy",
            dict(doc_type="other"),
            _p(
                "为提升全县养老机构服务质量，决定开展2026年度养老机构服务质量等级评定工作。请各养老机构于5月31日前提交自评报告。"
            ),
            "龙民发〔2026〕18号",
        ),
        (
            "llmzj",
            "dibao",
            "龙陵县2026年10月城乡最低生活保障金发放情况公示",
            datetime.date(2026, 10, 28),
            "social_assistance",
            dict(
                program="dibao",
                period="2026年10月",
                town="全县",
                households=10482,
                persons=19876,
                amount=Decimal("5238640.00"),
            ),
            _p("2026年10月，全县共保障城乡低保对象10,482户19,876人，发放低保金523.86万元。"),
            "",
        ),
        (
            "llmzj",
            "tekun",
            "龙陵县2026年特困人员救助供养金发放情况",
            datetime.date(2026, 9, 30),
            "social_assistance",
            dict(
                program="tekun",
                period="2026年第三季度",
                town="全县",
                households=1320,
                persons=1320,
                amount=Decimal("3563400.00"),
            ),
            _p(
                "2026年第三季度，全县共有特困人员1,320人，其中集中供养186人、分散供养1,134人，发放救助供养金356.34万元。"
            ),
            "",
        ),
        (
            "llmzj",
            "lsjz",
            "2026年9月临时救助对象名单公示",
            datetime.date(2026, 10, 10),
            "social_assistance",
            dict(
                program="temporary",
                period="2026年9月",
                town="全县",
                households=46,
                persons=132,
                amount=Decimal("118500.00"),
            ),
            _p("2026年9月共实施临时救助46户，救助金额11.85万元，救助事由主要为重大疾病和意外事故。"),
            "",
        ),
        (
            "llmzj",
            "jdjc",
            "社会救助监督举报电话和信访地址",
            datetime.date(2026, 1, 10),
            "general",
            {},
            _p(
                "社会救助投诉举报电话：0875-6121234（工作日）、12345政务服务便民热线。信访通讯地址：龙陵县龙山镇龙新路龙陵县民政局社会救助股，邮编678300。"
            ),
            "",
        ),
        (
            "llmzj",
            "ylfw",
            "龙陵县2026年高龄津贴发放情况公示",
            datetime.date(2026, 7, 8),
            "elderly_care",
            dict(
                care_kind="subsidy",
                subsidy_standard="80—89周岁每人每月50元；90—99周岁每人每月100元；100周岁以上每人每月500元",
                recipients=6842,
                amount=Decimal("4582200.00"),
            ),
            _p("2026年上半年全县共为6,842名80周岁以上老年人发放高龄津贴458.22万元。"),
            "",
        ),
        (
            "llmzj",
            "ylfw",
            "龙陵县中心敬老院基本情况",
            datetime.date(2026, 5, 12),
            "elderly_care",
            dict(care_kind="institution", institution="龙陵县中心敬老院", beds=220, recipients=186),
            _p(
                "龙陵县中心敬老院位于龙山镇，设置床位220张，现集中供养特困人员186人，提供生活照料、康复护理和精神慰藉服务。"
            ),
            "",
        ),
        (
            "llmzj",
            "ylfw",
            "2026年居家和社区养老服务提升行动项目实施情况",
            datetime.date(2026, 8, 20),
            "elderly_care",
            dict(care_kind="home", recipients=1500, amount=Decimal("1200000.00")),
            _p("项目为1,500名经济困难失能、半失能老年人提供居家养老上门服务，中央财政补助资金120万元。"),
            "",
        ),
        (
            "llczj",
            "czyjs",
            "龙陵县民政局2025年部门决算公开",
            datetime.date(2026, 8, 25),
            "budget",
            dict(
                fiscal_year=2025,
                budget_type="final",
                total_amount=Decimal("8904.16"),
                basic_amount=Decimal("1198.72"),
                project_amount=Decimal("7705.44"),
                three_public_amount=Decimal("10.85"),
            ),
            _p("2025年度收入合计8,904.16万元，支出合计8,904.16万元；“三公”经费支出10.85万元，比预算减少1.75万元。"),
            "",
        ),
        (
            "llczj",
            "czyjs",
            "龙陵县民政局2026年部门预算公开",
            datetime.date(2026, 2, 9),
            "budget",
            dict(
                fiscal_year=2026,
                budget_type="budget",
                total_amount=Decimal("9120.50"),
                basic_amount=Decimal("1250.30"),
                project_amount=Decimal("7870.20"),
                three_public_amount=Decimal("12.00"),
            ),
            _p("2026年收支总预算9,120.50万元；“三公”经费预算12.00万元，与上年持平略降。"),
            "",
        ),
        (
            "llczj",
            "czyjs",
            "龙陵县民政局2026年“三公”经费预算说明",
            datetime.date(2026, 2, 9),
            "budget",
            dict(fiscal_year=2026, budget_type="three_public", three_public_amount=Decimal("12.00")),
            _p(
                "2026年“三公”经费预算12.00万元，其中公务接待费2.00万元，公务用车运行维护费10.00万元，因公出国（境）费0元。"
            ),
            "",
        ),
        (
            "llczj",
            "zfcg",
            "龙陵县中心敬老院适老化改造项目采购意向",
            datetime.date(2026, 3, 10),
            "procurement",
            dict(
                project_number="LLCG-2026-017",
                project_name="龙陵县中心敬老院适老化改造项目",
                stage="intention",
                method="open",
                budget_amount=Decimal("186.00"),
            ),
            _p("采购需求概况：对中心敬老院住室、卫生间和公共区域进行适老化改造。预计采购时间：2026年5月。"),
            "",
        ),
        (
            "llczj",
            "zfcg",
            "龙陵县中心敬老院适老化改造项目公开招标公告",
            datetime.date(2026, 5, 6),
            "procurement",
            dict(
                project_number="LLCG-2026-017",
                project_name="龙陵县中心敬老院适老化改造项目",
                stage="notice",
                method="open",
                budget_amount=Decimal("186.00"),
            ),
            _p("项目编号：LLCG-2026-017。预算金额：186.00万元。投标截止时间：2026年5月27日9时30分。"),
            "",
        ),
        (
            "llczj",
            "zfcg",
            "龙陵县中心敬老院适老化改造项目中标结果公告",
            datetime.date(2026, 6, 2),
            "procurement",
            dict(
                project_number="LLCG-2026-017",
                project_name="龙陵县中心敬老院适老化改造项目",
                stage="result",
                method="open",
                budget_amount=Decimal("186.00"),
                award_amount=Decimal("172.35"),
                supplier="保山市康居建设工程有限公司",
            ),
            _p("中标供应商：保山市康居建设工程有限公司，中标金额：172.35万元。"),
            "",
        ),
        (
            "llczj",
            "zfcg",
            "2026年困难群众救助资金审计服务采购公告",
            datetime.date(2026, 9, 1),
            "procurement",
            dict(
                project_number="LLCG-2026-041",
                project_name="困难群众救助资金审计服务",
                stage="notice",
                method="consultation",
                budget_amount=Decimal("28.00"),
            ),
            _p("采用竞争性磋商方式采购审计服务，预算28.00万元。"),
            "",
        ),
        (
            "llmzj",
            "xzxk",
            "社会团体成立登记办事指南",
            datetime.date(2026, 2, 20),
            "general",
            {},
            _p(
                "事项名称：社会团体成立登记。设定依据：《社会团体登记管理条例》。申请条件：有50个以上的个人会员或30个以上的单位会员……",
                "办理材料：登记申请书、业务主管单位批准文件、验资报告、章程草案。办理时限：20个工作日。",
            ),
            "",
        ),
        (
            "llmzj",
            "xzxk",
            "2026年第三季度社会组织登记办理结果",
            datetime.date(2026, 10, 9),
            "general",
            {},
            _p("2026年第三季度共办理社会组织成立登记4件、变更登记7件、注销登记2件。"),
            "",
        ),
        (
            "llmzj",
            "tjxx",
            "2026年第三季度民政事业统计数据",
            datetime.date(2026, 10, 20),
            "general",
            {},
            _p("截至9月底，全县城乡低保对象19,876人，特困人员1,320人，养老机构床位1,060张，登记社会组织142个。"),
            "",
        ),
        (
            "llmzj",
            "ghjh",
            "龙陵县“十五五”民政事业发展规划（征求意见稿）",
            datetime.date(2026, 6, 18),
            "general",
            {},
            _p("规划提出到2030年，全县养老机构护理型床位占比达到65%，城乡社区养老服务设施实现全覆盖。"),
            "",
        ),
        (
            "llmzj",
            "yjjz",
            "龙陵县2026年自然灾害救助应急预案",
            datetime.date(2026, 4, 28),
            "general",
            {},
            _p("预案规定了灾情信息报告、应急响应分级、救灾物资调拨和过渡期生活救助等内容。"),
            "",
        ),
        (
            "llmzj",
            "jyta",
            "对县人大十八届五次会议第12号建议的答复",
            datetime.date(2026, 7, 30),
            "general",
            {},
            _p("关于加快农村互助养老设施建设的建议收悉。2026年我局新建农村互助养老服务点15个……"),
            "",
        ),
        (
            "llmzj",
            "zhidu",
            "龙陵县民政局政府信息公开保密审查制度",
            datetime.date(2026, 1, 15),
            "general",
            {},
            _p(
                "第一条 拟公开的政府信息应当依照《中华人民共和国保守国家秘密法》进行保密审查，坚持“先审查、后公开”和“一事一审”原则。",
                "第二条 信息公开前由承办科室初审、审核员保密审查、分管领导审批。",
            ),
            "",
        ),
        (
            "llmzj",
            "sfxm",
            "龙陵县民政局行政事业性收费目录清单",
            datetime.date(2026, 1, 20),
            "general",
            {},
            _p("根据省级收费目录清单，龙陵县民政局2026年无行政事业性收费项目。"),
            "",
        ),
        (
            "llmzj",
            "xzcf",
            "龙陵县民政局行政处罚事项清单",
            datetime.date(2026, 3, 18),
            "general",
            {},
            _p("本局行政处罚事项包括：对社会组织违反登记管理规定的处罚、对擅自设置殡葬设施的处罚等。"),
            "",
        ),
        (
            "llmzj",
            "dibao",
            "最低生活保障办事指南",
            datetime.date(2026, 2, 2),
            "general",
            {},
            _p(
                "办理条件：家庭人均收入低于当地最低生活保障标准，且家庭财产状况符合规定。申请材料：申请书、户口簿、家庭经济状况授权核对书。",
                "办理地点：户籍所在地乡（镇）人民政府社会事务办。咨询电话：0875-6121234。",
            ),
            "",
        ),
    ]
    for org, cat, title, written, kind, detail, body, number in items:
        item = _new_item(
            demo,
            org,
            cat,
            title,
            written,
            body,
            kind=kind,
            number=number,
            detail=detail or None,
            summary="",
            keywords=demo.categories[cat].name,
        )
        if written < datetime.date(2026, 11, 1):
            when = datetime.datetime(written.year, written.month, written.day, 9, 30, tzinfo=TZ) + datetime.timedelta(
                days=3
            )
            _history(demo, item, when)
        else:
            _publish(demo, item)
        demo.items[title] = item
    roster = _current_roster(demo)
    rows = [["序号", "申请人姓名", "家庭成员数量", "拟保障金额（元/月）"]] + [
        [1, "杨某某", 3, 1215],
        [2, "李某某", 2, 810],
        [3, "段某某", 4, 1620],
        [4, "赵某某", 1, 405],
    ]
    _attach(
        roster,
        "龙山镇低保初审名单.xlsx",
        _roster_xlsx(rows),
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    plan = demo.items["龙陵县2026年自然灾害救助应急预案"]
    _attach(
        plan,
        "natural-disaster-relief-plan-2026.pdf",
        _minimal_pdf("Longling 2026 disaster relief plan"),
        "pdf",
        "application/pdf",
    )


def _current_roster(demo: Demo) -> DisclosureItem:
    """A 公示 running now: formed two days ago, published today through the workflow on the day
    its 7-day 公示期 starts (低保审核确认办法第十九条) — not after the period ended, and within the
    column's time limit whatever day the demo is loaded."""
    today = timezone.localdate()
    title = "龙山镇2026年第四季度最低生活保障初审对象名单公示"
    roster = _new_item(
        demo,
        "llmzj",
        "dibao",
        title,
        today - datetime.timedelta(days=2),
        _p(
            "根据《最低生活保障审核确认办法》第十九条，现将龙山镇2026年第四季度最低生活保障初审对象名单予以公示，公示期7天。",
            "公示内容仅包括申请人姓名、家庭成员数量和拟保障金额。如有异议，请在公示期内向镇民政办或县民政局反映。",
        ),
        kind="social_assistance",
        detail=dict(
            program="dibao",
            period="2026年第四季度",
            town="龙山镇",
            households=12,
            persons=27,
            amount=Decimal("10380.00"),
            publicity_start=today,
            publicity_end=today + datetime.timedelta(days=6),
        ),
        keywords=demo.categories["dibao"].name,
    )
    _publish(demo, roster)
    demo.items[title] = roster
    return roster


LEADERS = [
    # organization, name, title, duties, current
    ("llmzj", "杨德明", "县民政局局长", "主持全面工作", True),
    ("llmzj", "赵丽萍", "县民政局副局长", "分管社会救助、养老服务", True),
    ("llmzj", "李国华", "县民政局局长", "", False),  # former: naming him 局长 now is a 表述错误
    ("llczj", "周建军", "县财政局局长", "主持全面工作", True),
]


def _leaders(demo: Demo):
    from portal.models import Leader

    for order, (org, name, title, duties, current) in enumerate(LEADERS):
        Leader.objects.create(
            organization=demo.orgs[org], name=name, title=title, duties=duties, current=current, order=order
        )


def _workflow_states(demo: Demo):
    today = timezone.localdate()
    e, r, leader = demo.users["editor"], demo.users["reviewer"], demo.users["leader"]
    body = _p("本信息用于演示审核流程中的不同状态。")
    _new_item(demo, "llmzj", "dibao", "（草稿）2026年12月低保金发放计划", today, body)
    # A draft the content checks stop: an outdated institution name, a typo and a former leader.
    _new_item(
        demo,
        "llmzj",
        "jgzn",
        "（草稿）关于调整社会救助工作领导小组成员的通知",
        today,
        _p(
            "根据《中华人民共合国社会救助暂行办法》，经研究，调整县社会救助工作领导小组：",
            "组长：县民政局局长李国华；成员单位：县卫生和计划生育局、县国土资源局。",
        ),
    )
    pending_review = _new_item(demo, "llmzj", "tekun", "（待审核）特困人员生活自理能力评估结果", today, body)
    workflow.submit(pending_review, e)
    pending_approval = _new_item(demo, "llmzj", "ylfw", "（待审批）2027年养老服务补贴标准", today, body)
    workflow.submit(pending_approval, e)
    workflow.review(pending_approval, r, secrecy_confirmed=True)
    returned = _new_item(demo, "llmzj", "lsjz", "（退回）临时救助审批结果", today, body)
    workflow.submit(returned, e)
    workflow.return_item(returned, r, reason="请补充救助事由，并删除申请人住址。")
    scheduled = _new_item(demo, "llmzj", "zcjd", "（待发布）2027年元旦春节期间困难群众走访慰问安排", today, body)
    workflow.submit(scheduled, e)
    workflow.review(scheduled, r, secrecy_confirmed=True)
    # Scheduled a week ahead: within the column's 20 working days of its 成文日期 (today).
    workflow.approve(scheduled, leader, publish_at=timezone.now() + datetime.timedelta(days=7))
    withdrawn = _new_item(
        demo,
        "llmzj",
        "lsjz",
        "2026年8月临时救助对象名单公示",
        datetime.date(2026, 9, 5),
        _p("2026年8月共实施临时救助39户。"),
        detail=dict(
            program="temporary", period="2026年8月", town="全县", households=39, persons=101, amount=Decimal("95200.00")
        ),
    )
    _history(demo, withdrawn, datetime.datetime(2026, 9, 8, 9, 30, tzinfo=TZ))  # within its time limit
    replacement = demo.items["2026年9月临时救助对象名单公示"]
    workflow.withdraw(withdrawn, leader, reason="名单中救助金额统计有误，已更正后重新发布。", replaced_by=replacement)
    demo.items["withdrawn"] = withdrawn
    _after_publication_findings(demo, withdrawn)


def _after_publication_findings(demo: Demo, withdrawn: DisclosureItem):
    """What the self-inspection finds on published items: a link to the item withdrawn above (a dead
    link), and a local wording rule an administrator added after publication."""
    from . import links
    from .models import ContentRule

    notice = _new_item(
        demo,
        "llmzj",
        "jdjc",
        "关于开展2026年社会救助领域群众身边不正之风和腐败问题专项整治的通知",
        datetime.date(2026, 9, 8),
        _p(
            "县文明办、县民政局联合开展专项整治，举报电话0875-6121234。",
            f'8月救助名单见<a href="/items/{withdrawn.pk}/">2026年8月临时救助对象名单公示</a>。',
        ),
    )
    _history(demo, notice, datetime.datetime(2026, 9, 10, 9, 30, tzinfo=TZ))  # within its time limit
    ContentRule.objects.create(
        kind=ContentRule.Kind.WORDING,
        pattern="县文明办",
        suggestion="县精神文明建设办公室（正式名称）",
        source="本县机构编制文件（演示规则，由管理员在发布后添加）",
    )
    links.check_item(notice, external=False)


# ---- a pending revision, a PII-flagged roster, an emergency publication -----------------


def _demo_id(region: str, born: datetime.date, seq: int) -> str:
    """A well-formed (checksum-valid) 18-digit ID for the demo roster that the PII guard must catch."""
    from .pii import ID_CHECK, ID_WEIGHTS

    base = f"{region}{born:%Y%m%d}{seq:03d}"
    return base + ID_CHECK[sum(int(d) * w for d, w in zip(base, ID_WEIGHTS, strict=True)) % 11]


def _revision_and_pii_states(demo: Demo):
    e = demo.users["editor"]
    # A published item with a revision waiting for review: the public still sees the live version.
    guide = demo.items["最低生活保障办事指南"]
    revision = workflow.start_revision(guide, e)
    revision.body = guide.body + _p(
        "办理时限：县级民政部门自收到乡镇初审材料之日起10个工作日内作出审核确认决定"
        "（《最低生活保障审核确认办法》第二十条）。"
    )
    revision.change_note = "补充审核确认办理时限"
    revision.save()
    workflow.submit_revision(revision, e)
    demo.items["pending_revision"] = guide

    # A roster left in 草稿 because the PII guard found full ID numbers, phones and a bank card.
    roster = _new_item(
        demo,
        "llmzj",
        "dibao",
        "（草稿·隐私检查未通过）龙山镇2026年12月最低生活保障对象名单",
        timezone.localdate(),
        _p("现将龙山镇2026年12月最低生活保障对象名单予以公布。"),
        detail=dict(
            program="dibao", period="2026年12月", town="龙山镇", households=3, persons=6, amount=Decimal("2430.00")
        ),
    )
    rows = [
        ["序号", "村（社区）", "户主姓名", "身份证号码", "家庭人口", "保障金额（元/月）", "联系电话", "银行卡号"],
        [
            1,
            "龙新社区",
            "杨某某",
            _demo_id("530523", datetime.date(1958, 3, 4), 121),
            3,
            1215,
            "13812345678",
            "6217001234567890122",
        ],
        [2, "白塔村", "李某某", _demo_id("530523", datetime.date(1962, 7, 15), 252), 2, 810, "13912345678", ""],
        [3, "龙新社区", "段某某", _demo_id("530523", datetime.date(1975, 9, 22), 83), 1, 405, "", ""],
    ]
    _attach(
        roster,
        "龙山镇12月低保名单（未脱敏）.xlsx",
        _roster_xlsx(rows),
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    demo.items["pii_flagged"] = roster

    # An emergency publication, flagged until a second leader (leader2) confirms it.
    notice = _new_item(
        demo,
        "llmzj",
        "yjjz",
        "龙陵县启动自然灾害救助Ⅳ级应急响应的通告",
        timezone.localdate(),
        _p("受强降雨影响，县减灾委决定启动自然灾害救助Ⅳ级应急响应。受灾群众可向所在乡镇申请临时救助。"),
        author="editor2",
    )
    workflow.emergency_publish(notice, demo.users["leader"], reason="强降雨灾情，需立即向社会公布救助渠道。")
    demo.items["emergency"] = notice
