"""依申请公开: applications, their clock events and appeals (条例第二十七条至第五十一条).

Deadlines are computed from the events (info_requests/deadlines.py), never typed in.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from portal.fields import BlindIndexField, EncryptedCharField, EncryptedEmailField, staff_reference
from portal.models import Organization
from portal.uploads import random_name

from .outcomes import AppealKind, AppealResult, ApplicantType, Outcome

FORMS = [("paper", "纸质"), ("electronic", "电子")]
DELIVERIES = [("post", "邮寄"), ("email", "电子邮件"), ("pickup", "自行领取"), ("online", "网上查看")]

ID_TYPES = [
    ("resident_id", "居民身份证"),
    ("passport", "护照"),
    ("hk_macao", "港澳居民来往内地通行证"),
    ("taiwan", "台湾居民来往大陆通行证"),
    ("foreign_pr", "外国人永久居留身份证"),
    ("credit_code", "统一社会信用代码"),
    ("other", "其他证件"),
]


class Application(models.Model):
    class Channel(models.TextChoices):
        ONLINE = "online", "网上申请"
        LETTER = "letter", "信函"
        IN_PERSON = "in_person", "当面提交"
        FAX = "fax", "传真"
        EMAIL = "email", "电子邮件"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待确认收到"
        RECEIVED = "received", "办理中"
        CORRECTION = "correction", "待补正"
        CONSULTING = "consulting", "征求意见中"
        FEE_PENDING = "fee_pending", "待缴费"
        ANSWERED = "answered", "已答复"
        WITHDRAWN = "withdrawn", "申请人已撤回"

    organization = models.ForeignKey(
        Organization, verbose_name="受理机关", on_delete=models.PROTECT, related_name="applications"
    )
    tracking_code = models.CharField("查询码", max_length=20, unique=True, editable=False)
    channel = models.CharField("申请渠道", max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    applicant_type = models.CharField("申请人类型", max_length=20, choices=ApplicantType.choices)
    applicant_name = models.CharField("姓名或名称", max_length=100)
    # Identity and contact details: shown only to the handling staff of this organization, and
    # encrypted at rest (个人信息保护法第五十一条; portal/fields.py). The name, the 证件类型 and the
    # 邮政编码 stay readable: staff search by name, and the others identify no one.
    id_type = models.CharField("证件类型", max_length=30, blank=True, choices=ID_TYPES)
    id_number = EncryptedCharField("证件号码", max_length=64, blank=True)
    legal_representative = EncryptedCharField("法定代表人", max_length=50, blank=True)
    phone = EncryptedCharField("联系电话", max_length=30, blank=True)
    email = EncryptedEmailField("电子邮箱", blank=True)
    address = EncryptedCharField("通信地址", max_length=200, blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True)
    info_title = models.CharField("所需信息名称", max_length=300)
    info_document_number = models.CharField("文号", max_length=100, blank=True)
    info_description = models.TextField("所需信息的特征性描述", blank=True)
    form_preference = models.CharField("信息形式", max_length=10, blank=True, choices=FORMS)
    delivery = models.CharField("获取方式", max_length=10, blank=True, choices=DELIVERIES)
    # ---- handling details ----
    work_unit = EncryptedCharField("工作单位", max_length=100, blank=True)
    contact_person = EncryptedCharField("联系人", max_length=50, blank=True)
    purpose = models.TextField("用途（选填）", blank=True)
    # Blind indexes (keyed HMAC, portal/crypto.py): the per-applicant limit and staff search by an
    # exact number find rows without decrypting any.
    identity_key = BlindIndexField(
        "身份摘要",
        source="id_number",
        normalizer="identity",
        help_text="证件号码的带密钥摘要（盲索引），用于按申请人限流和精确查找，不可还原",
    )
    phone_key = BlindIndexField(
        "电话摘要", source="phone", normalizer="phone", help_text="联系电话的带密钥摘要（盲索引），用于精确查找"
    )
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True, editable=False)

    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    received_date = models.DateField(
        "收到申请之日", null=True, blank=True, help_text="按条例第三十一条确定；答复期限由此起算"
    )
    status = models.CharField("状态", max_length=15, choices=Status.choices, default=Status.SUBMITTED, editable=False)
    outcome = models.CharField("办理结果", max_length=25, choices=Outcome.choices, blank=True, editable=False)
    answered_date = models.DateField("答复日期", null=True, blank=True, editable=False)
    handler = staff_reference("承办人", editable=True)

    class Meta:
        verbose_name = "政府信息公开申请"
        verbose_name_plural = "政府信息公开申请"
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.info_title}"

    OPEN_STATES = (Status.RECEIVED, Status.CORRECTION, Status.CONSULTING, Status.FEE_PENDING)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATES

    @property
    def is_legal_person(self) -> bool:
        return self.applicant_type != ApplicantType.NATURAL

    @property
    def phone_last4(self) -> str:
        digits = "".join(ch for ch in self.phone if ch.isdigit())
        return digits[-4:]

    def get_admin_url(self) -> str:
        return reverse("admin:info_requests_application_change", args=[self.pk])


class ClockEvent(models.Model):
    """Something that moves the reply clock (条例第三十至三十五条, 信息处理费管理办法).
    The deadline is computed from these (info_requests/deadlines.py); nobody types it in."""

    class Kind(models.TextChoices):
        CORRECTION_NOTICE = "correction_notice", "一次性告知补正"
        CORRECTION_RECEIVED = "correction_received", "收到补正后的申请"
        EXTENSION = "extension", "延长答复期限"
        CONSULTATION_START = "consultation_start", "发出征求意见书"
        CONSULTATION_END = "consultation_end", "收到意见（征求意见结束）"
        FEE_NOTICE = "fee_notice", "发出收费通知"
        FEE_PAID = "fee_paid", "申请人缴费"

    class Party(models.TextChoices):
        THIRD_PARTY = "third_party", "第三方（第三十二条）"
        CO_PRODUCER = "co_producer", "共同制作机关（第三十四条）"

    application = models.ForeignKey(Application, verbose_name="申请", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事项", max_length=25, choices=Kind.choices)
    date = models.DateField("日期")
    days = models.PositiveSmallIntegerField("延长工作日数", null=True, blank=True)
    party = models.CharField("被征求意见方", max_length=15, choices=Party.choices, blank=True)
    party_name = models.CharField("被征求意见方名称", max_length=100, blank=True)
    reason = models.TextField("事由/说明", blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批准人（工作机构负责人）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    applicant_notified_date = models.DateField("告知申请人日期", null=True, blank=True)
    applicant_due_date = models.DateField("申请人期限", null=True, blank=True, help_text="补正的合理期限或缴费期限")
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    created_by = staff_reference("登记人", editable=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "计时事项"
        verbose_name_plural = "计时事项"
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class ReplyTemplate(models.Model):
    """告知书 template per outcome; admin-editable. Placeholders: see info_requests/letters.py."""

    outcome = models.CharField("办理结果", max_length=25, choices=Outcome.choices, unique=True)
    title = models.CharField("告知书标题", max_length=100)
    body = models.TextField("正文模板")

    class Meta:
        verbose_name = "告知书模板"
        verbose_name_plural = "告知书模板"
        ordering = ["outcome"]

    def __str__(self) -> str:
        return self.get_outcome_display()


class ReplyLetter(models.Model):
    """The 告知书 of one application: drafted from the outcome's template, edited, then sent."""

    application = models.OneToOneField(Application, verbose_name="申请", on_delete=models.CASCADE, related_name="reply")
    outcome = models.CharField("办理结果", max_length=25, choices=Outcome.choices)
    title = models.CharField("标题", max_length=100)
    body = models.TextField("正文")
    sent_date = models.DateField("答复日期", null=True, blank=True)
    drafted_by = staff_reference("起草人", editable=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "告知书"
        verbose_name_plural = "告知书"

    def __str__(self) -> str:
        return self.title


def reply_upload_to(instance, filename):
    # A random stored name: reply files are personal; the original name is kept in the row.
    return f"requests/{instance.application.organization_id}/{instance.application_id}/{random_name(filename)}"


class ReplyAttachment(models.Model):
    """Files given to the applicant with the reply; downloadable only after tracking succeeds."""

    application = models.ForeignKey(
        Application, verbose_name="申请", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("文件", upload_to=reply_upload_to)
    original_name = models.CharField("文件名", max_length=200, blank=True)
    content_type = models.CharField("类型", max_length=100, blank=True)
    size = models.PositiveIntegerField("大小（字节）", default=0)

    class Meta:
        verbose_name = "答复附件"
        verbose_name_plural = "答复附件"

    def __str__(self) -> str:
        return self.original_name or self.file.name


class ThrottleHit(models.Model):
    """One counted attempt (an application, a failed tracking lookup). Keys are HMAC digests, so
    neither IP addresses nor identity numbers are stored here in the clear."""

    scope = models.CharField(max_length=20)
    key = models.CharField(max_length=64)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "限流记录"
        verbose_name_plural = "限流记录"
        indexes = [models.Index(fields=["scope", "key", "at"], name="throttle_lookup")]


class ThrottleKey(models.Model):
    """One row per counted key: the lock that makes checking and counting one step."""

    scope = models.CharField(max_length=20)
    key = models.CharField(max_length=64)

    class Meta:
        verbose_name = "限流键"
        verbose_name_plural = "限流键"
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="unique_throttle_key")]


class ReminderLog(models.Model):
    """Makes remind_deadlines idempotent: one reminder per application, kind and deadline."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10)
    due_date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "kind", "due_date"], name="unique_reminder")]


class Appeal(models.Model):
    """行政复议 / 行政诉讼 about an application: the data of annual-report table 四."""

    organization = models.ForeignKey(
        Organization, verbose_name="被申请机关", on_delete=models.PROTECT, related_name="appeals"
    )
    application = models.ForeignKey(
        Application, verbose_name="关联申请", null=True, blank=True, on_delete=models.SET_NULL, related_name="appeals"
    )
    kind = models.CharField("类型", max_length=25, choices=AppealKind.choices)
    filed_date = models.DateField("提起日期")
    result = models.CharField("结果", max_length=10, choices=AppealResult.choices, default=AppealResult.PENDING)
    concluded_date = models.DateField("审结日期", null=True, blank=True)
    case_number = models.CharField("案号", max_length=100, blank=True)
    note = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = "行政复议/行政诉讼"
        verbose_name_plural = "行政复议/行政诉讼"
        ordering = ["-filed_date"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case_number or self.pk}"


class DeadlineDashboard(Application):
    """An entry on the admin index that opens the deadline dashboard (no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = "办理看板（即将到期/已逾期）"
        verbose_name_plural = "办理看板（即将到期/已逾期）"
