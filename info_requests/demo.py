"""Demo data for 依申请公开: applications in every outcome and applicant type, in 2025 (the last
full year, which the 2025 annual report is computed from) and 2026, including one carried over
from 2024 and some received late in 2025 and answered in 2026; open ones in every clock state
(one overdue, one extended, 补正, consultation, fee); appeals of each kind and result.

Everything goes through info_requests/handling.py with back-dated days, so the audit log and the
clock events are what real handling would have produced. Open applications are dated relative to
today, so "due soon" and "overdue" stay true whenever the demo is loaded.
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from portal.workcalendar import Calendar

from . import handling
from .models import Appeal, Application, ReplyAttachment
from .outcomes import AppealKind, AppealResult, ApplicantType, Outcome
from .throttle import identity_key
from .validators import credit_check_char, id_check_char

D = datetime.date
DEMO_TRACKING_CODE = "DEMO-2026-TRAK"  # README: track it with phone last four 0001
TZ = datetime.timezone(datetime.timedelta(hours=8))

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
COMPANIES = {
    ApplicantType.BUSINESS: ["龙陵县腾龙建材有限公司", "保山市永昌养老服务有限公司", "龙陵县黄草坝茶业有限公司"],
    ApplicantType.RESEARCH: ["云南省社会科学院农村发展研究所", "保山学院地方政府治理研究中心"],
    ApplicantType.PUBLIC_INTEREST: ["龙陵县关爱留守儿童协会", "保山市慈善总会龙陵分会"],
    ApplicantType.LEGAL_SERVICE: ["云南龙川律师事务所", "保山永昌法律服务所"],
    ApplicantType.OTHER_ORG: ["龙陵县龙山镇某村民委员会", "龙陵县个体劳动者协会"],
}

TOPICS = [
    "2024年度城乡低保资金发放明细（不含个人信息）",
    "龙山镇特困人员供养标准调整文件",
    "县民政局2025年部门预算说明",
    "临时救助审批流程及依据",
    "养老机构运营补贴发放情况",
    "2025年社会组织年检结果",
    "殡葬改革实施方案",
    "婚姻登记处收费依据",
    "区划地名调整请示及批复",
    "儿童福利机构建设项目批复",
    "政府购买养老服务合同",
    "低保边缘家庭认定办法",
    "2025年救灾资金分配方案",
    "敬老院消防整改情况",
    "居家养老服务中心建设清单",
]


def _id_number(seed: int) -> str:
    first17 = f"530523{1960 + seed % 40:04d}{1 + seed % 12:02d}{1 + seed % 28:02d}{seed % 1000:03d}"
    return first17 + id_check_char(first17)


def _credit_code(seed: int) -> str:
    first17 = f"9153052{3000000000 + seed:010d}"
    return first17 + credit_check_char(first17)


class _Builder:
    def __init__(self, demo):
        self.demo = demo
        self.staff = demo.users["editor"]
        self.leader = demo.users["leader"]
        self.calendar = Calendar.load()
        self.today = timezone.localdate()
        self.seq = itertools.count(1)

    def back(self, n: int) -> datetime.date:
        """The working day n working days before today."""
        day = self.today
        while n > 0:
            day -= datetime.timedelta(days=1)
            if self.calendar.is_workday(day):
                n -= 1
        return day

    def after(self, day: datetime.date, n: int) -> datetime.date:
        return self.calendar.add_workdays(day, n)

    def application(
        self,
        received: datetime.date | None,
        applicant_type: str = ApplicantType.NATURAL,
        *,
        org: str = "llmzj",
        channel: str = Application.Channel.ONLINE,
        title: str | None = None,
    ):
        n = next(self.seq)
        natural = applicant_type == ApplicantType.NATURAL
        name = (
            (SURNAMES[n % len(SURNAMES)] + "某" + "甲乙丙丁"[n % 4])
            if natural
            else COMPANIES[applicant_type][n % len(COMPANIES[applicant_type])]
        )
        id_number = _id_number(n) if natural else _credit_code(n)
        application = Application(
            organization=self.demo.orgs[org],
            channel=channel,
            applicant_type=applicant_type,
            applicant_name=name,
            id_type="resident_id" if natural else "credit_code",
            id_number=id_number,
            identity_key=identity_key(id_number),
            legal_representative="" if natural else SURNAMES[(n + 3) % len(SURNAMES)] + "某",
            contact_person="" if natural else SURNAMES[(n + 5) % len(SURNAMES)] + "某某",
            phone=f"1390875{n:04d}",
            email=f"applicant{n}@example.com",
            address="云南省保山市龙陵县龙山镇龙新路" + str(n) + "号",
            postcode="678300",
            info_title=title or TOPICS[n % len(TOPICS)],
            info_description="请提供相关文件或数据。",
            form_preference="electronic" if n % 3 else "paper",
            delivery="online" if n % 3 else "post",
        )
        submitted = received or self.today
        if channel == Application.Channel.ONLINE:
            handling.submit_online(application)
            Application.objects.filter(pk=application.pk).update(
                submitted_at=datetime.datetime.combine(submitted, datetime.time(9, 30), TZ)
            )
            application.refresh_from_db()
            if received:
                handling.confirm_receipt(application, self.staff, received)
        else:
            handling.register_offline(application, self.staff, received)
        application.refresh_from_db()
        return application

    def answer(self, application: Application, outcome: str, day: datetime.date) -> Application:
        handling.draft_reply(application, self.staff, outcome, day=day)
        application.refresh_from_db()
        handling.send_reply(application, self.staff, day)
        application.refresh_from_db()
        return application

    def answered(
        self,
        received: datetime.date,
        outcome: str,
        applicant_type=ApplicantType.NATURAL,
        after_days: int = 12,
        **kwargs,
    ) -> Application:
        """An application taken to its outcome by the clock steps that outcome needs."""
        application = self.application(received, applicant_type, **kwargs)
        day = received
        if outcome == Outcome.OTHER_NO_CORRECTION:
            day = self.after(received, 3)
            handling.notify_correction(
                application, self.staff, day, "请写明所需信息的名称或文号、所属年份。", self.after(day, 10)
            )
            day = self.after(day, 12)
        elif outcome == Outcome.UNABLE_UNCLEAR:
            day = self.after(received, 4)
            handling.notify_correction(
                application, self.staff, day, "请明确所需信息的内容和时间范围。", self.after(day, 10)
            )
            day = self.after(day, 5)
            handling.receive_correction(application, self.staff, day, "补正内容仍为“所有文件”。")
            day = self.after(day, 10)
        elif outcome == Outcome.OTHER_NO_FEE:
            day = self.after(received, 5)
            handling.notify_fee(
                application,
                self.staff,
                day,
                Decimal("1300.00"),
                "按量计收：共160页，31—100页700元，101—160页1200元，合计按办法核减后1300元",
            )
            day = self.after(day, 21)
        elif outcome == Outcome.DENY_THIRD_PARTY:
            day = self.after(received, 3)
            handling.start_consultation(application, self.staff, day, "third_party", "龙陵县某养老服务有限公司")
            day = self.after(day, 12)
            handling.end_consultation(application, self.staff, day, "第三方书面表示不同意公开，理由涉及商业秘密。")
            day = self.after(day, 5)
        else:
            day = self.after(received, after_days)
        application.refresh_from_db()
        return self.answer(application, outcome, day)


def load(demo) -> None:
    b = _Builder(demo)
    types = itertools.cycle(
        [
            ApplicantType.NATURAL,
            ApplicantType.BUSINESS,
            ApplicantType.NATURAL,
            ApplicantType.RESEARCH,
            ApplicantType.PUBLIC_INTEREST,
            ApplicantType.NATURAL,
            ApplicantType.LEGAL_SERVICE,
            ApplicantType.OTHER_ORG,
        ]
    )
    channels = itertools.cycle(
        [
            Application.Channel.ONLINE,
            Application.Channel.ONLINE,
            Application.Channel.LETTER,
            Application.Channel.IN_PERSON,
            Application.Channel.ONLINE,
            Application.Channel.FAX,
        ]
    )
    orgs = itertools.cycle(["llmzj", "llmzj", "llczj"])

    # Carried over from 2024 into 2025 (table 三 row 二 of 2025).
    b.answered(D(2024, 12, 23), Outcome.DISCLOSE, ApplicantType.NATURAL, after_days=13)

    # 2025: every outcome once, across applicant types, channels and both organizations.
    received = D(2025, 1, 6)
    for outcome in Outcome.values:
        b.answered(received, outcome, next(types), channel=next(channels), org=next(orgs))
        received = b.after(received, 11)
    # ...plus the usual majority: most requests are granted or the information does not exist.
    for i, outcome in enumerate([Outcome.DISCLOSE] * 6 + [Outcome.PARTIAL] * 2 + [Outcome.UNABLE_NO_INFO] * 3):
        b.answered(
            b.after(D(2025, 2, 10), 19 * i),
            outcome,
            next(types),
            channel=next(channels),
            org=next(orgs),
            after_days=8 + i,
        )
    # One extended in 2025.
    app = b.application(D(2025, 9, 22), ApplicantType.RESEARCH)
    handling.extend(app, b.staff, D(2025, 10, 15), 15, "涉及多个年度的档案，需要调阅整理", b.leader, D(2025, 10, 15))
    b.answer(app, Outcome.PARTIAL, D(2025, 11, 12))
    # Received late in 2025, still open at year end, answered in 2026 (row 四 of 2025, row 二 of 2026).
    b.answered(D(2025, 12, 15), Outcome.DISCLOSE, ApplicantType.NATURAL, after_days=15)
    b.answered(D(2025, 12, 24), Outcome.UNABLE_NO_INFO, ApplicantType.BUSINESS, after_days=14, org="llczj")
    b.answered(D(2025, 12, 29), Outcome.DENY_PROCESS, ApplicantType.LEGAL_SERVICE, after_days=18)

    # 2026, answered.
    for i, outcome in enumerate(
        [
            Outcome.DISCLOSE,
            Outcome.DISCLOSE,
            Outcome.PARTIAL,
            Outcome.UNABLE_NO_INFO,
            Outcome.IGNORE_REPEAT,
            Outcome.DENY_INTERNAL,
            Outcome.OTHER,
            Outcome.DISCLOSE,
        ]
    ):
        b.answered(
            b.after(D(2026, 2, 2), 16 * i),
            outcome,
            next(types),
            channel=next(channels),
            org=next(orgs),
            after_days=6 + 2 * i,
        )
    showcase = b.answered(
        D(2026, 9, 7), Outcome.DISCLOSE, ApplicantType.NATURAL, after_days=10, title="2026年龙陵县城乡低保标准调整文件"
    )
    Application.objects.filter(pk=showcase.pk).update(tracking_code=DEMO_TRACKING_CODE, phone="13908750001")
    showcase.reply.body = showcase.reply.body.replace(showcase.tracking_code, DEMO_TRACKING_CODE)
    showcase.reply.save()
    ReplyAttachment.objects.create(
        application=showcase,
        original_name="低保标准调整文件.txt",
        content_type="text/plain",
        size=60,
        file=ContentFile("龙陵县2026年城乡低保标准调整文件（演示附件）。\n".encode(), name="dibao-2026.txt"),
    )

    # 2026, open: one in every clock state.
    b.application(None, ApplicantType.NATURAL, title="龙山镇2026年临时救助名单（已公示部分）")  # awaiting confirmation
    b.application(D(2026, 9, 14), ApplicantType.BUSINESS, org="llczj", title="2026年政府采购意向公开情况")  # overdue
    b.application(b.back(17), ApplicantType.NATURAL, title="2026年高龄津贴发放标准")  # due within 5 working days
    b.application(b.back(2), ApplicantType.PUBLIC_INTEREST, title="儿童福利机构2026年检查情况")  # just received
    extended = b.application(b.back(24), ApplicantType.RESEARCH, title="2020—2025年养老机构床位统计")
    handling.extend(extended, b.staff, b.back(5), 15, "需要汇总六个年度、十二家机构的数据", b.leader, b.back(5))
    waiting = b.application(b.back(6), ApplicantType.NATURAL, title="有关补助的文件")
    handling.notify_correction(
        waiting, b.staff, b.back(4), "请写明补助的种类（低保、特困、临时救助等）和年份。", b.after(b.back(4), 15)
    )
    corrected = b.application(b.back(14), ApplicantType.NATURAL, title="村里的救助名单")
    handling.notify_correction(corrected, b.staff, b.back(11), "请写明村名和救助类别。", b.after(b.back(11), 10))
    handling.receive_correction(corrected, b.staff, b.back(6), "补正为：龙山镇某村2025年临时救助名单")
    consulting = b.application(b.back(9), ApplicantType.LEGAL_SERVICE, title="某养老机构与县民政局签订的运营协议")
    handling.start_consultation(consulting, b.staff, b.back(4), "third_party", "龙陵县某养老服务有限公司")
    fee = b.application(b.back(7), ApplicantType.BUSINESS, org="llczj", title="2016—2025年全部采购合同复印件")
    handling.notify_fee(fee, b.staff, b.back(2), Decimal("2300.00"), "按量计收：共180页")

    # Appeals (table 四): each kind with each result, filed in 2025 and 2026.
    answered = list(
        Application.objects.filter(status=Application.Status.ANSWERED)
        .exclude(outcome=Outcome.DISCLOSE)
        .order_by("answered_date")
    )
    rows = [
        (AppealKind.REVIEW, AppealResult.UPHELD, D(2025, 3, 10), D(2025, 5, 8)),
        (AppealKind.REVIEW, AppealResult.CORRECTED, D(2025, 6, 2), D(2025, 7, 30)),
        (AppealKind.REVIEW, AppealResult.OTHER, D(2025, 8, 4), D(2025, 9, 26)),
        (AppealKind.REVIEW, AppealResult.PENDING, D(2025, 12, 8), None),
        (AppealKind.LITIGATION_DIRECT, AppealResult.UPHELD, D(2025, 4, 14), D(2025, 10, 20)),
        (AppealKind.LITIGATION_DIRECT, AppealResult.CORRECTED, D(2025, 7, 1), D(2025, 12, 1)),
        (AppealKind.LITIGATION_DIRECT, AppealResult.OTHER, D(2025, 9, 1), D(2025, 12, 15)),
        (AppealKind.LITIGATION_DIRECT, AppealResult.PENDING, D(2025, 11, 17), None),
        (AppealKind.LITIGATION_AFTER_REVIEW, AppealResult.UPHELD, D(2025, 6, 16), D(2025, 11, 3)),
        (AppealKind.LITIGATION_AFTER_REVIEW, AppealResult.CORRECTED, D(2025, 8, 18), D(2025, 12, 22)),
        (AppealKind.LITIGATION_AFTER_REVIEW, AppealResult.OTHER, D(2025, 10, 9), D(2025, 12, 29)),
        (AppealKind.LITIGATION_AFTER_REVIEW, AppealResult.PENDING, D(2025, 12, 1), None),
        (AppealKind.REVIEW, AppealResult.UPHELD, D(2026, 4, 7), D(2026, 6, 5)),
        (AppealKind.REVIEW, AppealResult.PENDING, D(2026, 10, 12), None),
        (AppealKind.LITIGATION_DIRECT, AppealResult.PENDING, D(2026, 8, 3), None),
    ]
    for i, (kind, result, filed, concluded) in enumerate(rows):
        linked = answered[i % len(answered)] if answered else None
        case = (
            f"龙政复〔{filed.year}〕{i + 1}号" if kind == AppealKind.REVIEW else f"（{filed.year}）云0523行初{i + 1}号"
        )
        Appeal.objects.create(
            organization=linked.organization if linked else demo.orgs["llmzj"],
            application=linked,
            kind=kind,
            filed_date=filed,
            result=result,
            concluded_date=concluded,
            case_number=case,
            note="演示数据",
        )
