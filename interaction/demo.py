"""Demo data for 互动回应: messages in every state (one answered and published, one overdue, one
transferred, one near the 3-month veto line …), an open consultation, a closed one with its
published 反馈, and a closed one whose 反馈 is overdue.

Everything goes through interaction/workflow.py, interaction/consultations.py and the item
workflow; only dates are moved back afterwards (submitted_at, received_date, answered_at, and the
comments of closed consultations), so the deadlines and the dashboard show real cases whenever
the demo is loaded.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from disclosures import workflow as item_workflow
from disclosures.demo import _minimal_pdf
from disclosures.models import Category

from . import consultations, workflow
from .models import Comment, Consultation, InteractionSettings, Message

DEMO_TRACKING_CODE = "DEMO-2026-ASK1"  # README: track it with phone last four 0002
TZ = datetime.timezone(datetime.timedelta(hours=8))


def load(demo) -> None:
    category = _category(demo)
    InteractionSettings.objects.create(consultation_category=category)
    _messages(demo)
    _consultations(demo)


def _category(demo) -> Category:
    category = Category.objects.filter(code="yjzj").first()
    if category is None:
        parent = demo.categories.get("fdzdgk")
        category = Category.objects.create(
            parent=parent,
            code="yjzj",
            name="意见征集",
            kind="general",
            description="草案公开征求意见公告及意见采纳情况反馈",
            freshness_days=365,
            order=99,
        )
        demo.categories["yjzj"] = category
    return category


def _back_date(message: Message, days_ago: int, *, answered_days_ago: int | None = None) -> None:
    when = timezone.now() - datetime.timedelta(days=days_ago)
    fields = {"submitted_at": when, "received_date": timezone.localdate(when)}
    if answered_days_ago is not None:
        fields["answered_at"] = timezone.now() - datetime.timedelta(days=answered_days_ago)
    Message.objects.filter(pk=message.pk).update(**fields)
    message.refresh_from_db()


def _message(demo, org: str, title: str, content: str, *, n: int, category="consult", agree=True) -> Message:
    return workflow.submit(
        Message(
            organization=demo.orgs[org],
            category=category,
            title=title,
            content=content,
            writer_name=f"演示留言人{n}",
            phone=f"1390875{n:04d}",
            email=f"writer{n}@example.com",
            agree_publish=agree,
        )
    )


def _messages(demo) -> None:
    editor, leader, leader2 = demo.users["editor"], demo.users["leader"], demo.users["leader2"]

    # Answered and published: the demo's Q&A in 留言选登 (tracks with 查询码 DEMO-2026-ASK1 + 0002).
    published = _message(
        demo,
        "llmzj",
        "高龄津贴什么时候发放？",
        "我父亲今年满80周岁，请问高龄津贴需要到哪里申请，每月什么时候发放？",
        n=2,
    )
    Message.objects.filter(pk=published.pk).update(tracking_code=DEMO_TRACKING_CODE)
    _back_date(published, 20)
    workflow.accept(published, editor)
    workflow.save_reply(
        published,
        editor,
        body="您好！年满80周岁的老年人，可由本人或家属持身份证、户口簿到户籍所在地村（社区）提出申请，"
        "经乡镇（街道）审核、县民政局审批后，自批准次月起按月发放至本人社会保障卡。具体可咨询当地乡镇民政办。",
    )
    workflow.submit_reply(published, editor)
    workflow.approve_reply(published, leader)
    Message.objects.filter(pk=published.pk).update(answered_at=timezone.now() - datetime.timedelta(days=17))
    published.refresh_from_db()
    workflow.publish(published, leader2)

    # Answered, writer did not agree to publication.
    private = _message(demo, "llmzj", "低保年审需要带什么材料", "请问今年低保年审需要准备哪些材料？", n=3, agree=False)
    _back_date(private, 12)
    workflow.accept(private, editor)
    workflow.save_reply(private, editor, body="您好！年审请携带户口簿、身份证和家庭收入情况说明，到村（社区）办理。")
    workflow.submit_reply(private, editor)
    workflow.approve_reply(private, leader)

    # Answered, agreed, not yet published (the reply gives a staff member's personal mobile: the
    # PII guard blocks publication until it is masked).
    unmasked = _message(
        demo, "llmzj", "社区养老服务站开放时间", "想了解龙山镇社区养老服务站的开放时间。", n=4, category="suggest"
    )
    _back_date(unmasked, 8)
    workflow.accept(unmasked, editor)
    workflow.save_reply(unmasked, editor, body="您好！服务站工作日8:30—17:30开放。如需预约可拨打站长手机13508751234。")
    workflow.submit_reply(unmasked, editor)
    workflow.approve_reply(unmasked, leader)

    # Reply awaiting a leader's approval.
    pending = _message(demo, "llmzj", "临时救助申请多久能批下来", "申请临时救助后一般多久能审批？", n=5)
    workflow.accept(pending, editor)
    workflow.save_reply(pending, editor, body="您好！临时救助一般在受理后10个工作日内完成审批，急难情形可先行救助。")
    workflow.submit_reply(pending, editor)

    # Accepted, reply being drafted; and one overdue.
    _back_date(in_progress := _message(demo, "llmzj", "婚姻登记处周末是否办公", "周六能办理结婚登记吗？", n=6), 2)
    workflow.accept(in_progress, editor)
    overdue = _message(
        demo, "llmzj", "建议在敬老院增设无障碍通道", "建议县敬老院门口增设无障碍坡道。", n=7, category="suggest"
    )
    _back_date(overdue, 14)
    workflow.accept(overdue, editor)

    # Near the 3-month veto line: received 60 days ago, still unanswered.
    old = _message(demo, "llmzj", "殡葬补贴如何申领", "老人去世后殡葬补贴去哪里申请？", n=8)
    _back_date(old, 60)

    # New, not yet accepted.
    _message(demo, "llmzj", "社会组织年检网上能办吗", "社会组织年度检查可以网上提交材料吗？", n=9)

    # Transferred to the 财政局 (the deadline keeps running from receipt).
    moved = _message(demo, "llmzj", "2026年部门预算什么时候公开", "请问县级部门2026年预算什么时候公开？", n=10)
    _back_date(moved, 1)
    workflow.transfer(moved, editor, to=demo.orgs["llczj"], reason="部门预算公开由县财政局统一组织，已转县财政局办理。")

    # Declined: a 信访 matter belongs to its own channel.
    declined = _message(
        demo,
        "llmzj",
        "反映村干部优亲厚友问题",
        "反映我村低保评定中村干部优亲厚友，要求调查处理。",
        n=11,
        category="other",
    )
    workflow.reject(
        declined,
        editor,
        reason="您反映的问题属于信访、举报事项，请通过县信访局或县纪委监委“12388”举报渠道提出，"
        "相关部门将依法处理。本栏目用于咨询和建议。",
    )


def _publish_item(demo, item) -> None:
    item_workflow.submit(item, demo.users["editor"])
    item_workflow.review(item, demo.users["reviewer"], secrecy_confirmed=True, note="已核对，无涉密和个人隐私内容。")
    item_workflow.approve(item, demo.users["leader"])


def _draft_pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _minimal_pdf("Draft for public comment"), content_type="application/pdf")


def _consultation(demo, title, kind, start, end, description) -> Consultation:
    c = Consultation(
        organization=demo.orgs["llmzj"], kind=kind, title=title, description=description, start_date=start, end_date=end
    )
    consultations.save_consultation(c, demo.users["editor"], created=True, upload=_draft_pdf("征求意见稿.pdf"))
    c.refresh_from_db()
    _publish_item(demo, c.item)
    return c


def _consultations(demo) -> None:
    today = timezone.localdate()
    K = Consultation.Kind
    _consultation(
        demo,
        "关于《龙陵县困难群众临时救助实施细则（征求意见稿）》公开征求意见的公告",
        K.NORMATIVE,
        today - datetime.timedelta(days=5),
        today + datetime.timedelta(days=25),
        "为进一步规范临时救助工作，县民政局起草了《龙陵县困难群众临时救助实施细则（征求意见稿）》，现公开征求意见。\n"
        "主要内容包括救助对象范围、救助标准、审核审批程序和“先行救助”情形。\n"
        "您可以在本页面提交意见，也可以来信寄至龙陵县民政局社会救助股。",
    )

    closed = _consultation(
        demo,
        "关于《龙陵县高龄津贴发放管理办法（征求意见稿）》公开征求意见的公告",
        K.NORMATIVE,
        today - datetime.timedelta(days=60),
        today - datetime.timedelta(days=31),
        "县民政局起草了《龙陵县高龄津贴发放管理办法（征求意见稿）》，就发放对象、标准和发放方式公开征求意见。",
    )
    submitted = timezone.now() - datetime.timedelta(days=45)
    rows = [
        (
            "建议将高龄津贴发放年龄从80周岁降低到75周岁。",
            Comment.Adoption.NOT_ADOPTED,
            "发放年龄按省级政策执行，县级不作调整。",
        ),
        ("建议津贴直接发放到社会保障卡，免去到银行领取。", Comment.Adoption.ADOPTED, ""),
        ("建议对行动不便的老人上门办理认证。", Comment.Adoption.PARTLY, "增加委托村（社区）代办认证，暂不全面上门。"),
    ]
    for text, adoption, note in rows:
        Comment.objects.create(
            consultation=closed,
            text=text,
            name="演示意见人",
            contact="13908759999",
            submitted_at=submitted,
            adoption=adoption,
            adoption_note=note,
        )
    shown = closed.comments.order_by("id")[1]
    consultations.show_comment(shown, demo.users["leader"])
    closed.other_comments = 2
    closed.other_adopted = 1
    closed.feedback_text = (
        "征求意见期间，共收到意见5条（网上3条、来信2条），采纳和部分采纳3条：津贴发放到社会保障卡、"
        "委托村（社区）代办认证。未采纳的主要意见是降低发放年龄，理由是发放年龄按省级政策执行。"
    )
    closed.save(update_fields=["other_comments", "other_adopted", "feedback_text"])
    feedback = consultations.prepare_feedback(closed, demo.users["editor"])
    item_workflow.review(feedback, demo.users["reviewer"], secrecy_confirmed=True)
    item_workflow.approve(feedback, demo.users["leader"])

    # Closed 50 days ago and no 反馈 yet: overdue on the dashboard.
    _consultation(
        demo,
        "关于《龙陵县养老机构星级评定办法（征求意见稿）》公开征求意见的公告",
        K.MAJOR_DECISION,
        today - datetime.timedelta(days=80),
        today - datetime.timedelta(days=50),
        "县民政局起草了《龙陵县养老机构星级评定办法（征求意见稿）》，现公开征求意见。",
    )
