"""依申请公开: applications, their clock events and appeals (条例第二十七条至第五十一条).

Deadlines are computed from the events (info_requests/deadlines.py), never typed in.
"""

from django.conf import settings
from django.db import models

from disclosures.models import Organization

from .outcomes import AppealKind, AppealResult, ApplicantType, Outcome


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

    organization = models.ForeignKey(Organization, verbose_name="受理机关", on_delete=models.PROTECT,
                                     related_name="applications")
    tracking_code = models.CharField("查询码", max_length=20, unique=True, editable=False)
    channel = models.CharField("申请渠道", max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    applicant_type = models.CharField("申请人类型", max_length=20, choices=ApplicantType.choices)
    applicant_name = models.CharField("姓名或名称", max_length=100)
    # Identity and contact details: shown only to the handling staff of this organization.
    id_type = models.CharField("证件类型", max_length=30, blank=True)
    id_number = models.CharField("证件号码", max_length=64, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    address = models.CharField("通信地址", max_length=200, blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True)
    info_title = models.CharField("所需信息名称", max_length=300)
    info_document_number = models.CharField("文号", max_length=100, blank=True)
    info_description = models.TextField("所需信息的特征性描述", blank=True)
    form_preference = models.CharField("信息形式", max_length=10, blank=True)
    delivery = models.CharField("获取方式", max_length=10, blank=True)

    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    received_date = models.DateField("收到申请之日", null=True, blank=True,
                                     help_text="按条例第三十一条确定；答复期限由此起算")
    status = models.CharField("状态", max_length=15, choices=Status.choices, default=Status.SUBMITTED,
                              editable=False)
    outcome = models.CharField("办理结果", max_length=25, choices=Outcome.choices, blank=True, editable=False)
    answered_date = models.DateField("答复日期", null=True, blank=True, editable=False)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="承办人", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "政府信息公开申请"
        verbose_name_plural = "政府信息公开申请"
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.info_title}"


class Appeal(models.Model):
    """行政复议 / 行政诉讼 about an application: the data of annual-report table 四."""

    organization = models.ForeignKey(Organization, verbose_name="被申请机关", on_delete=models.PROTECT,
                                     related_name="appeals")
    application = models.ForeignKey(Application, verbose_name="关联申请", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="appeals")
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
