"""互动回应: 咨询留言 (questions and suggestions to a bureau) and 意见征集 (consultation on drafts).

A government site fails the inspection outright (单项否决, 互动回应差, 国办秘函〔2019〕19号, see
docs/interaction.md) without a working online consultation channel, or with a valid message left
unanswered for more than 3 months. What the public may see is decided in one place per model:
`Message.objects.public()` and `Consultation.objects.public()`. State changes go through
interaction/workflow.py (messages) and interaction/consultations.py (征集); nothing else writes
`status`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from disclosures.models import Category, DisclosureItem
from portal.fields import EncryptedCharField, EncryptedEmailField, staff_reference
from portal.models import Organization


class InteractionSettings(models.Model):
    """One row, edited by site administrators (kept here so the core knows nothing of this app)."""

    reply_days = models.PositiveSmallIntegerField(
        "留言答复期限（工作日）", default=5, help_text="自收到留言之日起计算，节假日不计、调休上班日计入；显示给留言人"
    )
    due_soon_days = models.PositiveSmallIntegerField(
        "即将到期提醒（工作日）", default=2, help_text="答复期限前多少个工作日起提醒承办人"
    )
    veto_warning_days = models.PositiveSmallIntegerField(
        "否决线预警（天）",
        default=45,
        help_text="距“超过3个月未回应”单项否决线（国办秘函〔2019〕19号）还剩多少天时在工作台红色预警",
    )
    feedback_days = models.PositiveSmallIntegerField(
        "反馈期限（工作日）", default=15, help_text="意见征集结束后多少个工作日内公布意见采纳情况"
    )
    consultation_category = models.ForeignKey(
        Category,
        verbose_name="意见征集栏目",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="征集和反馈作为公开信息发布在此公开目录下；留空时使用代码为 yjzj 的栏目",
    )

    class Meta:
        verbose_name = "互动回应设置"
        verbose_name_plural = "互动回应设置"

    def __str__(self) -> str:
        return "互动回应设置"

    @classmethod
    def current(cls) -> InteractionSettings:
        row = cls.objects.order_by("pk").first()
        return row or cls()


# ---- 咨询留言 ----------------------------------------------------------------------------------


class MessageQuerySet(models.QuerySet):
    def public(self) -> MessageQuerySet:
        """The one definition of a published Q&A (留言选登): answered with an approved reply, the
        writer agreed, a leader chose to publish it."""
        return self.filter(
            status=Message.Status.ANSWERED,
            agree_publish=True,
            published_at__isnull=False,
            published_at__lte=timezone.now(),
        )

    def unanswered(self) -> MessageQuerySet:
        return self.filter(status__in=Message.OPEN_STATES)


class Message(models.Model):
    class Category(models.TextChoices):
        CONSULT = "consult", "咨询"
        SUGGEST = "suggest", "建议"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待受理"
        ACCEPTED = "accepted", "办理中"
        PENDING_APPROVAL = "pending_approval", "答复待审批"
        ANSWERED = "answered", "已答复"
        REJECTED = "rejected", "不予受理"

    # Not yet responded to: these count towards the reply deadline and the 3-month veto line.
    OPEN_STATES = (Status.SUBMITTED, Status.ACCEPTED, Status.PENDING_APPROVAL)

    organization = models.ForeignKey(
        Organization, verbose_name="办理机构", on_delete=models.PROTECT, related_name="messages"
    )
    addressed_to = models.ForeignKey(
        Organization,
        verbose_name="留言发给",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        help_text="留言人选择的机构；转办后办理机构可能不同",
    )
    category = models.CharField("类别", max_length=10, choices=Category.choices)
    title = models.CharField("标题", max_length=100)
    content = models.TextField("内容")
    agree_publish = models.BooleanField("同意公开", default=False)
    tracking_code = models.CharField("查询码", max_length=20, unique=True, editable=False)

    # Personal data, encrypted at rest (portal/fields.py; 个人信息保护法第五十一条).
    writer_name = EncryptedCharField("姓名", max_length=50)
    phone = EncryptedCharField("手机", max_length=30)
    email = EncryptedEmailField("邮箱", blank=True)

    submitted_at = models.DateTimeField("留言时间", default=timezone.now, editable=False)
    received_date = models.DateField("收到留言之日", editable=False, help_text="答复期限由此起算")
    reply_days = models.PositiveSmallIntegerField(
        "答复期限（工作日）", editable=False, help_text="收到留言时的设置；转办不重新计算"
    )
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.SUBMITTED, editable=False, db_index=True
    )
    handler = staff_reference("承办人")
    reject_reason = models.TextField("不予受理理由（告知留言人）", blank=True, editable=False)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True, editable=False)
    published_at = models.DateTimeField("选登时间", null=True, blank=True, editable=False)
    published_by = staff_reference("选登人")

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = "咨询留言"
        verbose_name_plural = "咨询留言"
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="message_public"),
            models.Index(fields=["organization", "status"], name="message_org_status"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("interaction:message", args=[self.pk])

    def get_admin_url(self) -> str:
        return reverse("admin:interaction_message_change", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.ANSWERED
            and self.agree_publish
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def phone_matches(self, last4: str) -> bool:
        digits = "".join(ch for ch in self.phone if ch.isdigit())
        return len(last4) == 4 and digits[-4:] == last4

    @property
    def reply_or_none(self):
        try:
            return self.reply
        except Reply.DoesNotExist:
            return None


class Reply(models.Model):
    """The answer to one message: drafted (and redrafted) by editors, approved by a leader who did
    not write it (portal/access.py, 职责分离) before the writer sees it."""

    message = models.OneToOneField(Message, verbose_name="留言", on_delete=models.CASCADE, related_name="reply")
    body = models.TextField("答复内容")
    created_by = staff_reference("起草人", blank=False)
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="编写人", blank=True, related_name="+", editable=False
    )
    organization = models.ForeignKey(
        Organization, verbose_name="答复单位", on_delete=models.PROTECT, related_name="+", editable=False
    )
    return_reason = models.TextField("退回理由", blank=True, editable=False)
    approved_by = staff_reference("审批人")
    approved_at = models.DateTimeField("审批时间", null=True, blank=True, editable=False)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "留言答复"
        verbose_name_plural = "留言答复"

    def __str__(self) -> str:
        return f"答复：{self.message.title}"


class Transfer(models.Model):
    """转办: the message moves to another organization; its deadline keeps running from receipt."""

    message = models.ForeignKey(Message, verbose_name="留言", on_delete=models.CASCADE, related_name="transfers")
    from_organization = models.ForeignKey(
        Organization, verbose_name="转出机构", on_delete=models.PROTECT, related_name="+"
    )
    to_organization = models.ForeignKey(
        Organization, verbose_name="转入机构", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("转办说明（告知留言人）")
    at = models.DateTimeField("转办时间", default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "转办记录"
        verbose_name_plural = "转办记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_organization.short_name} → {self.to_organization.short_name}"


class ReminderLog(models.Model):
    """Makes the reminder run idempotent: one reminder per message, kind and deadline."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10)
    due_date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "kind", "due_date"], name="unique_message_reminder")]


# ---- 意见征集 ----------------------------------------------------------------------------------


class ConsultationQuerySet(models.QuerySet):
    def public(self) -> ConsultationQuerySet:
        """Consultations whose announcement item went through review and approval (published())."""
        return self.filter(item__in=DisclosureItem.objects.published().values("pk"))


class Consultation(models.Model):
    class Kind(models.TextChoices):
        RULE = "rule", "规章草案"
        MAJOR_DECISION = "major_decision", "重大行政决策"
        NORMATIVE = "normative", "行政规范性文件（涉及公民、法人和其他组织权利义务）"
        NORMATIVE_MARKET = "normative_market", "行政规范性文件（与市场主体生产经营活动密切相关）"
        OTHER = "other", "其他"

    organization = models.ForeignKey(
        Organization, verbose_name="征集机构", on_delete=models.PROTECT, related_name="consultations"
    )
    kind = models.CharField("草案类型", max_length=20, choices=Kind.choices)
    title = models.CharField(
        "标题", max_length=200, help_text="如：关于《龙陵县……办法（征求意见稿）》公开征求意见的公告"
    )
    description = models.TextField("说明", help_text="起草背景、主要内容、提出意见的方式；纯文本")
    start_date = models.DateField("征集开始日期")
    end_date = models.DateField("征集截止日期", help_text="当天仍可提交意见")
    short_period_reason = models.CharField(
        "缩短期限的说明", max_length=300, blank=True, help_text="征集期限短于通常最短期限时，公告中应当说明理由"
    )
    item = models.OneToOneField(
        DisclosureItem,
        verbose_name="征集公告信息条目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultation",
        editable=False,
    )
    # 反馈 (意见采纳情况): written after closing, published as its own item through the workflow.
    other_comments = models.PositiveIntegerField(
        "其他渠道收到意见（条）", default=0, help_text="信函、电子邮件、座谈会等"
    )
    other_adopted = models.PositiveIntegerField("其他渠道意见中采纳（条）", default=0)
    feedback_text = models.TextField(
        "意见采纳情况说明", blank=True, help_text="主要意见的采纳情况；未采纳的主要意见逐条说明理由；纯文本"
    )
    feedback_item = models.OneToOneField(
        DisclosureItem,
        verbose_name="反馈信息条目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultation_feedback",
        editable=False,
    )
    created_by = staff_reference("创建人", blank=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = "意见征集"
        verbose_name_plural = "意见征集"
        ordering = ["-start_date", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("interaction:consultation", args=[self.pk])

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.start_date <= today <= self.end_date

    def is_closed(self, today=None) -> bool:
        return (today or timezone.localdate()) > self.end_date

    @property
    def is_public(self) -> bool:
        return self.item_id is not None and self.item.is_public

    @property
    def status_label(self) -> str:
        if self.item_id is None:
            return "草稿"
        if not self.item.is_public:
            return f"征集公告{self.item.get_status_display()}"
        if self.is_open():
            return "征集中"
        if not self.is_closed():
            return "未开始"
        return "已反馈" if self.feedback_public else "已截止，待反馈"

    @property
    def feedback_public(self) -> bool:
        return self.feedback_item_id is not None and self.feedback_item.is_public


def comment_upload_to(instance, filename):
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"consultations/{instance.consultation_id}/{uuid.uuid4().hex}.{ext}"


class Comment(models.Model):
    class Adoption(models.TextChoices):
        PENDING = "", "未处理"
        ADOPTED = "adopted", "采纳"
        PARTLY = "partly", "部分采纳"
        NOT_ADOPTED = "not_adopted", "未采纳"

    consultation = models.ForeignKey(
        Consultation, verbose_name="意见征集", on_delete=models.CASCADE, related_name="comments"
    )
    text = models.TextField("意见内容")
    attachment = models.FileField("附件", upload_to=comment_upload_to, blank=True)
    attachment_name = models.CharField("附件原名", max_length=200, blank=True, editable=False)
    # Personal data, encrypted at rest (portal/fields.py).
    name = EncryptedCharField("姓名或单位", max_length=100, blank=True)
    contact = EncryptedCharField("联系方式", max_length=100, blank=True)
    submitted_at = models.DateTimeField("提交时间", default=timezone.now, editable=False)
    adoption = models.CharField("采纳情况", max_length=15, choices=Adoption.choices, blank=True)
    adoption_note = models.TextField("采纳情况说明", blank=True, help_text="未采纳的，说明理由")
    shown_publicly = models.BooleanField("选登公开", default=False, editable=False)

    class Meta:
        verbose_name = "征集意见"
        verbose_name_plural = "征集意见"
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return f"意见 {self.pk}：{self.text[:30]}"

    @property
    def organization(self):
        return self.consultation.organization

    @property
    def status_label(self) -> str:
        return "已选登公开" if self.shown_publicly else "未公开"


class InteractionDashboard(Message):
    """An entry on the admin index that opens the 互动回应 dashboard (no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = "互动回应看板（到期、逾期、否决线）"
        verbose_name_plural = "互动回应看板（到期、逾期、否决线）"
