"""主动公开: organizations, the catalogue (公开目录), disclosure items and their kind details.

What the public may see is decided in one place: `DisclosureItem.objects.published()`.
State changes go through `disclosures/workflow.py`; nothing else writes `status`.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import get_script_prefix, reverse
from django.utils import timezone

from portal.fields import staff_reference
from portal.models import Organization
from portal.sanitize import sanitize_html
from portal.uploads import random_name

from .document_numbers import document_number_key
from .timeliness import PROACTIVE_DAYS


class ItemKind(models.TextChoices):
    GENERAL = "general", "一般信息"
    POLICY = "policy", "政策文件"
    BUDGET = "budget", "财政预决算"
    PROCUREMENT = "procurement", "政府采购"
    SOCIAL_ASSISTANCE = "social_assistance", "社会救助"
    ELDERLY_CARE = "elderly_care", "养老服务"
    ANNUAL_REPORT = "annual_report", "年度报告"


class Category(models.Model):
    """A node of the 公开目录 tree. `path` is the slash-joined chain of codes (its URL)."""

    parent = models.ForeignKey(
        "self", verbose_name="上级目录", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField("目录名称", max_length=50)
    code = models.SlugField("目录代码", max_length=40, help_text="字母数字，用于网址")
    path = models.CharField("路径", max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField("层级", default=0, editable=False)
    kind = models.CharField("默认信息类型", max_length=20, choices=ItemKind.choices, default=ItemKind.GENERAL)
    description = models.CharField("说明", max_length=200, blank=True, help_text="依据条款等")
    time_limit_days = models.PositiveSmallIntegerField(  # see disclosures/timeliness.py
        "公开时限（工作日）",
        default=PROACTIVE_DAYS,
        help_text="信息形成或变更之日起（条例第二十六条；社会救助等领域为10）",
    )
    freshness_days = models.PositiveSmallIntegerField(
        "更新预警（天）", default=180, help_text="超过该天数未更新即预警（动态类14天，政策文件类6个月）"
    )
    order = models.PositiveIntegerField("排序", default=0)
    home_panel = models.BooleanField(
        "在公开栏首页显示", default=False, help_text="首页为每个勾选的目录显示一个最新信息板块"
    )

    class Meta:
        verbose_name = "公开目录"
        verbose_name_plural = "公开目录"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "code"], name="unique_category_code_in_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path}/{self.code}" if self.parent_id else self.code
        self.depth = self.parent.depth + 1 if self.parent_id else 0
        super().save(*args, **kwargs)
        for child in self.children.all():  # keep descendants' paths in step after a move
            child.save()

    def get_absolute_url(self) -> str:
        return reverse("disclosures:category", args=[self.path])

    def descendant_q(self, prefix: str = "category__") -> Q:
        return Q(**{f"{prefix}path": self.path}) | Q(**{f"{prefix}path__startswith": self.path + "/"})


def item_url(pk: int) -> str:
    """An item page's URL: what reverse("disclosures:item", args=[pk]) gives (tests/disclosures/
    test_cold_pages.py checks), without the resolver — list pages and value rows ask once per row."""
    return f"{get_script_prefix()}items/{pk}/"


class ItemQuerySet(models.QuerySet):
    def published(self, now: datetime.datetime | None = None) -> ItemQuerySet:
        """The one definition of what the public may see listed, searched, exported and fed.
        `now` (default: this moment) is for queries compiled once and run later (portal/compiled.py)."""
        return self.filter(status__in=DisclosureItem.PUBLIC_STATES, published_at__lte=now or timezone.now())

    def viewable(self, now: datetime.datetime | None = None) -> ItemQuerySet:
        """Items whose page answers publicly: published ones, and withdrawn ones (banner, kept URL)."""
        return self.filter(
            status__in=DisclosureItem.PUBLIC_STATES + (DisclosureItem.Status.WITHDRAWN,),
            published_at__lte=now or timezone.now(),
        )

    def for_list(self, *more: str) -> ItemQuerySet:
        """What a list row shows (and `more` fields, e.g. the text a search snippet is cut from)."""
        return self.select_related("organization", "category").only(
            "id",
            "title",
            "index_number",
            "published_at",
            "document_number",
            "validity",
            "kind",
            "organization__name",
            "organization__short_name",
            "category__name",
            "category__path",
            *more,
        )


class Validity(models.TextChoices):
    VALID = "valid", "有效"
    EXPIRED = "expired", "失效"
    REPEALED = "repealed", "废止"


class Edition(models.Model):
    """What an item and a revision of it share (docs/design.md §3): the content that goes public,
    and who wrote, reviewed and approved this edition — the fields the workflow's guards read
    (separation of duties, 保密审查 done, the leaders' overrides of the pre-publication checks)."""

    title = models.CharField("标题", max_length=300)
    summary = models.TextField("内容概述", blank=True)
    keywords = models.CharField("主题词", max_length=200, blank=True)
    document_number = models.CharField(
        "文号", max_length=100, blank=True, help_text="如：龙民发〔2016〕12号；无文号留空"
    )
    # Unknown (NULL) only for items taken over from an old site that never recorded it
    # (docs/rules.md “成文日期未知”); staff-written items must give it (the admin forms require it).
    written_date = models.DateField(
        "成文日期", null=True, blank=True, help_text="信息形成（签发）之日，公开时限由此起算"
    )
    body = models.TextField("正文", blank=True)
    validity = models.CharField("有效性", max_length=10, choices=Validity.choices, blank=True, help_text="政策文件必填")
    source = models.CharField("信息来源", max_length=100, blank=True)

    created_by = staff_reference("创建人")
    # Everyone who wrote any part of this edition: none of them may review or approve it.
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="编写人", blank=True, related_name="+", editable=False
    )
    reviewed_by = staff_reference("审核人")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)
    approved_by = staff_reference("审批人")
    approved_at = models.DateTimeField("审批时间", null=True, blank=True, editable=False)
    return_reason = models.TextField("退回理由", blank=True, editable=False)
    pii_override_reason = models.TextField("隐私检查放行理由", blank=True, editable=False)
    content_override_reason = models.TextField("内容检查放行理由", blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        abstract = True

    def prepare_to_store(self) -> None:
        """What every write does to the content first; bulk paths (site import) call it themselves."""
        self.body = sanitize_html(self.body)  # sanitized on save; again on render (|clean_html)

    def save(self, *args, **kwargs):
        self.prepare_to_store()
        super().save(*args, **kwargs)


class DisclosureItem(Edition):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PENDING_REVIEW = "pending_review", "待审核"
        PENDING_APPROVAL = "pending_approval", "待审批"
        SCHEDULED = "scheduled", "待发布"
        PUBLISHED = "published", "已发布"
        WITHDRAWN = "withdrawn", "已撤回"

    PUBLIC_STATES = (Status.PUBLISHED,)
    Validity = Validity

    organization = models.ForeignKey(
        Organization, verbose_name="发布机构", on_delete=models.PROTECT, related_name="items"
    )
    category = models.ForeignKey(Category, verbose_name="公开目录", on_delete=models.PROTECT, related_name="items")
    kind = models.CharField("信息类型", max_length=20, choices=ItemKind.choices, default=ItemKind.GENERAL)
    disclosure_method = models.CharField("公开方式", max_length=20, default="主动公开", editable=False)
    disclosure_scope = models.CharField("公开范围", max_length=20, default="面向社会", editable=False)
    # 网站迁移 (docs/import.md): the item's address on the old site, the first key that makes a
    # re-import update instead of duplicate; and the 文号 folded by the search normalization, the
    # last key (with 发布机构, 标题, 发布日期) when an old site had neither address nor 索引号.
    source_url = models.CharField("原网址", max_length=500, blank=True, editable=False)
    document_number_key = models.CharField("文号（规范化）", max_length=100, blank=True, editable=False)

    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False, db_index=True
    )
    index_number = models.CharField("索引号", max_length=60, unique=True, null=True, blank=True, editable=False)
    published_at = models.DateTimeField("发布日期", null=True, blank=True, editable=False, db_index=True)
    view_count = models.PositiveIntegerField("浏览量", default=0, editable=False)
    withdrawal_reason = models.TextField("撤回理由（公开）", blank=True, editable=False)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name="替代信息",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    scheduled_for = models.DateTimeField("定时发布时间", null=True, blank=True, editable=False)
    emergency = models.BooleanField("应急发布待复核", default=False, editable=False)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = "公开信息"
        verbose_name_plural = "公开信息"
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="item_status_pub"),
            models.Index(fields=["category", "status", "-published_at"], name="item_cat_status_pub"),
            models.Index(fields=["organization", "status", "-published_at"], name="item_org_status_pub"),
            # Lists of one kind (the narrative annual reports of /reports/: 5,222 of 100k items).
            models.Index(fields=["kind", "status", "-published_at"], name="item_kind_status_pub"),
            models.Index(fields=["organization", "document_number_key"], name="item_org_docnum"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_url"], condition=~models.Q(source_url=""), name="unique_item_source_url"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def prepare_to_store(self) -> None:
        super().prepare_to_store()
        self.document_number_key = document_number_key(self.document_number)

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") is not None and "document_number" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "document_number_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return item_url(self.pk)

    @property
    def is_public(self) -> bool:
        return (
            self.status in self.PUBLIC_STATES and self.published_at is not None and self.published_at <= timezone.now()
        )

    @property
    def detail(self):
        """The kind-specific detail row, or None."""
        name = KIND_DETAIL_RELATED.get(self.kind)
        if not name:
            return None
        return getattr(self, name, None)


class PolicyDetail(models.Model):
    class DocType(models.TextChoices):
        RULE = "rule", "规章"
        NORMATIVE = "normative", "行政规范性文件"
        OTHER = "other", "其他文件"

    item = models.OneToOneField(DisclosureItem, on_delete=models.CASCADE, related_name="policy")
    doc_type = models.CharField("文件类型", max_length=10, choices=DocType.choices, default=DocType.NORMATIVE)
    effective_date = models.DateField("施行日期", null=True, blank=True)
    expiry_date = models.DateField("失效日期", null=True, blank=True)
    repeal_date = models.DateField("废止日期", null=True, blank=True)
    interpretation = models.ForeignKey(
        DisclosureItem, verbose_name="政策解读", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "政策文件信息"
        verbose_name_plural = "政策文件信息"

    def __str__(self) -> str:
        parts = [self.get_doc_type_display()]
        if self.effective_date:
            parts.append(f"{self.effective_date:%Y-%m-%d}施行")
        return "政策文件信息：" + "，".join(parts)


class BudgetDetail(models.Model):
    class BudgetType(models.TextChoices):
        BUDGET = "budget", "预算"
        FINAL = "final", "决算"
        THREE_PUBLIC = "three_public", "三公经费"

    item = models.OneToOneField(DisclosureItem, on_delete=models.CASCADE, related_name="budget")
    fiscal_year = models.PositiveIntegerField("年度", validators=[MinValueValidator(1990)])
    budget_type = models.CharField("类别", max_length=15, choices=BudgetType.choices)
    total_amount = models.DecimalField("总金额（万元）", max_digits=14, decimal_places=2, null=True, blank=True)
    basic_amount = models.DecimalField("基本支出（万元）", max_digits=14, decimal_places=2, null=True, blank=True)
    project_amount = models.DecimalField("项目支出（万元）", max_digits=14, decimal_places=2, null=True, blank=True)
    three_public_amount = models.DecimalField(
        "“三公”经费（万元）", max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = "预决算信息"
        verbose_name_plural = "预决算信息"

    def __str__(self) -> str:
        text = f"预决算信息：{self.fiscal_year}年{self.get_budget_type_display()}"
        return text + (f"，总金额{self.total_amount}万元" if self.total_amount is not None else "")


class ProcurementDetail(models.Model):
    class Stage(models.TextChoices):
        INTENTION = "intention", "采购意向"
        NOTICE = "notice", "采购公告"
        CORRECTION = "correction", "更正公告"
        RESULT = "result", "中标（成交）结果"
        CONTRACT = "contract", "合同公示"

    class Method(models.TextChoices):
        OPEN = "open", "公开招标"
        INVITED = "invited", "邀请招标"
        COMPETITIVE_NEGOTIATION = "negotiation", "竞争性谈判"
        COMPETITIVE_CONSULTATION = "consultation", "竞争性磋商"
        INQUIRY = "inquiry", "询价"
        SINGLE_SOURCE = "single_source", "单一来源"
        FRAMEWORK = "framework", "框架协议"

    item = models.OneToOneField(DisclosureItem, on_delete=models.CASCADE, related_name="procurement")
    project_number = models.CharField(
        "项目编号", max_length=60, db_index=True, help_text="同一项目各阶段使用同一编号，用于关联"
    )
    project_name = models.CharField("项目名称", max_length=200)
    stage = models.CharField("阶段", max_length=15, choices=Stage.choices)
    method = models.CharField("采购方式", max_length=15, choices=Method.choices, blank=True)
    budget_amount = models.DecimalField("预算金额（万元）", max_digits=14, decimal_places=2, null=True, blank=True)
    award_amount = models.DecimalField("成交金额（万元）", max_digits=14, decimal_places=2, null=True, blank=True)
    supplier = models.CharField("供应商", max_length=200, blank=True)

    class Meta:
        verbose_name = "政府采购信息"
        verbose_name_plural = "政府采购信息"

    def __str__(self) -> str:
        return f"政府采购信息：{self.project_name}（{self.project_number}，{self.get_stage_display()}）"


class SocialAssistanceDetail(models.Model):
    class Program(models.TextChoices):
        DIBAO = "dibao", "最低生活保障"
        TEKUN = "tekun", "特困人员救助供养"
        TEMPORARY = "temporary", "临时救助"
        MEDICAL = "medical", "医疗救助"
        OTHER = "other", "其他救助"

    item = models.OneToOneField(DisclosureItem, on_delete=models.CASCADE, related_name="social_assistance")
    program = models.CharField("救助项目", max_length=10, choices=Program.choices)
    period = models.CharField("期间", max_length=30, help_text="如：2016年12月")
    town = models.CharField("乡镇（街道）", max_length=50, blank=True)
    households = models.PositiveIntegerField("户数", null=True, blank=True)
    persons = models.PositiveIntegerField("人数", null=True, blank=True)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    publicity_start = models.DateField("公示开始", null=True, blank=True)
    publicity_end = models.DateField(
        "公示结束", null=True, blank=True, help_text="低保、特困初审名单公示期7天（低保审核确认办法第十九条）"
    )

    class Meta:
        verbose_name = "社会救助信息"
        verbose_name_plural = "社会救助信息"

    def __str__(self) -> str:
        where = f"，{self.town}" if self.town else ""
        return f"社会救助信息：{self.get_program_display()}，{self.period}{where}"

    @property
    def publicity_over(self) -> bool:
        return bool(self.publicity_end and timezone.localdate() > self.publicity_end)


class ElderlyCareDetail(models.Model):
    class CareKind(models.TextChoices):
        INSTITUTION = "institution", "养老机构"
        SUBSIDY = "subsidy", "高龄津贴"
        HOME = "home", "居家养老服务"
        COMMUNITY = "community", "社区养老服务"
        OTHER = "other", "其他"

    item = models.OneToOneField(DisclosureItem, on_delete=models.CASCADE, related_name="elderly_care")
    care_kind = models.CharField("类别", max_length=15, choices=CareKind.choices)
    institution = models.CharField("机构名称", max_length=100, blank=True)
    beds = models.PositiveIntegerField("床位数", null=True, blank=True)
    subsidy_standard = models.CharField("补贴标准", max_length=100, blank=True)
    recipients = models.PositiveIntegerField("受益人数", null=True, blank=True)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "养老服务信息"
        verbose_name_plural = "养老服务信息"

    def __str__(self) -> str:
        where = f"，{self.institution}" if self.institution else ""
        return f"养老服务信息：{self.get_care_kind_display()}{where}"


KIND_DETAIL_RELATED = {
    ItemKind.POLICY: "policy",
    ItemKind.BUDGET: "budget",
    ItemKind.PROCUREMENT: "procurement",
    ItemKind.SOCIAL_ASSISTANCE: "social_assistance",
    ItemKind.ELDERLY_CARE: "elderly_care",
}
KIND_DETAIL_MODELS = {
    ItemKind.POLICY: PolicyDetail,
    ItemKind.BUDGET: BudgetDetail,
    ItemKind.PROCUREMENT: ProcurementDetail,
    ItemKind.SOCIAL_ASSISTANCE: SocialAssistanceDetail,
    ItemKind.ELDERLY_CARE: ElderlyCareDetail,
}


def attachment_path(instance: Attachment, filename: str) -> str:
    # Stored under a random name: the original name is kept in the row, never trusted as a path.
    return f"attachments/{timezone.now():%Y/%m}/{random_name(filename)}"


class StoredFile(models.Model):
    """What attachments of items and of revisions share: the stored file, what it really is, and
    the result of reading it once when it was stored (text for search, findings of the personal-data
    scan, or why it could not be read) — see disclosures/attachment_scan.py. Pages and checks use
    these stored results; nothing re-reads a file on a page view."""

    class ScanStatus(models.TextChoices):
        PENDING = "pending", "待检查"
        OK = "ok", "已检查"
        UNREADABLE = "unreadable", "无法检查"

    file = models.FileField("文件", upload_to=attachment_path)
    original_name = models.CharField("原文件名", max_length=200, editable=False)
    size = models.PositiveBigIntegerField("大小（字节）", default=0, editable=False)
    file_type = models.CharField("文件类型", max_length=10, editable=False)
    content_type = models.CharField("MIME类型", max_length=100, editable=False)
    order = models.PositiveIntegerField("排序", default=0)
    scan_status = models.CharField(
        "检查状态", max_length=12, choices=ScanStatus.choices, default=ScanStatus.PENDING, editable=False
    )
    scan_note = models.CharField("检查说明", max_length=300, blank=True, editable=False)
    scanned_file = models.CharField(max_length=200, blank=True, editable=False)  # the file the results are of
    text = models.TextField("提取的文字", blank=True, editable=False)
    findings = models.JSONField("隐私检查发现", default=list, blank=True, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class Attachment(StoredFile):
    item = models.ForeignKey(
        DisclosureItem, verbose_name="所属信息", on_delete=models.CASCADE, related_name="attachments"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["order", "id"]

    def get_absolute_url(self) -> str:
        return reverse("disclosures:attachment", args=[self.item_id, self.pk])


class IndexSequence(models.Model):
    """The last 索引号 sequence used per organization and period (year, month or day).

    A row lock on it serialises allocation, so numbers are unique and gap-free."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=10)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "索引号流水"
        verbose_name_plural = "索引号流水"
        constraints = [
            models.UniqueConstraint(fields=["organization", "period"], name="unique_index_sequence"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.period}：已用至第{self.last_value}号"


class PublicImage(models.Model):
    """An editor image shown by a public item (kept in step by disclosures/images.py): the public
    may load an editor image only while such a row points at a published item."""

    name = models.CharField("图片文件名", max_length=100, db_index=True)
    item = models.ForeignKey("DisclosureItem", on_delete=models.CASCADE, related_name="public_images")

    class Meta:
        verbose_name = "公开图片"
        verbose_name_plural = "公开图片"
        constraints = [models.UniqueConstraint(fields=["item", "name"], name="unique_public_image")]

    def __str__(self) -> str:
        return self.name


class ChangeNote(models.Model):
    """Public change history of an item (更新记录): date + note of each approved substantive change."""

    item = models.ForeignKey(DisclosureItem, on_delete=models.CASCADE, related_name="change_notes")
    at = models.DateTimeField("更新时间", default=timezone.now)
    note = models.CharField("更新说明", max_length=300)

    class Meta:
        verbose_name = "更新记录"
        verbose_name_plural = "更新记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return self.note


class SecrecyReview(models.Model):
    """保密审查 record (条例第十七条): the reviewer's explicit confirmation, with who and when."""

    STATEMENT = "经审查，该信息不涉及国家秘密、工作秘密、商业秘密和个人隐私，可以公开。"

    item = models.ForeignKey(DisclosureItem, on_delete=models.CASCADE, related_name="secrecy_reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewer_name = models.CharField("审核人姓名", max_length=150)
    at = models.DateTimeField("审查时间", default=timezone.now)
    statement = models.TextField("审查结论", default=STATEMENT)
    note = models.TextField("审查意见", blank=True)
    revision = models.ForeignKey(
        "Revision",
        verbose_name="修订版本",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="secrecy_reviews",
    )

    class Meta:
        verbose_name = "保密审查记录"
        verbose_name_plural = "保密审查记录"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        what = f"第{self.revision.number}次修订" if self.revision_id else "首次发布"
        return f"保密审查：{self.reviewer_name}，{timezone.localtime(self.at):%Y-%m-%d %H:%M}（{what}）"


# ---- Revisions of published items ----------------------------------------------------
# Editing a published item creates a Revision holding the proposed content; it goes through the
# same 审核 (保密审查) → 审批 steps while the public keeps seeing the live item. On approval the
# live item is updated (its 索引号 stays), a public ChangeNote is added, and the revision keeps a
# snapshot of the version it superseded. Transitions live in disclosures/workflow.py.


class Revision(Edition):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PENDING_REVIEW = "pending_review", "待审核"
        PENDING_APPROVAL = "pending_approval", "待审批"
        APPROVED = "approved", "已生效"
        DISCARDED = "discarded", "已放弃"

    OPEN_STATES = (Status.DRAFT, Status.PENDING_REVIEW, Status.PENDING_APPROVAL)
    # The content fields a revision may change, in the order the comparison lists them.
    CONTENT_FIELDS = ["title", "summary", "keywords", "document_number", "written_date", "validity", "source", "body"]

    item = models.ForeignKey(
        DisclosureItem, verbose_name="所属信息", on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField("修订序号", editable=False)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False, db_index=True
    )
    detail = models.JSONField("类型信息", default=dict, blank=True, editable=False)
    substantive = models.BooleanField(
        "实质性修改",
        default=True,
        help_text="修改内容、数据、附件等为实质性修改，须填写公开的更新说明；仅更正错别字、格式可不勾选",
    )
    change_note = models.CharField(
        "更新说明（公开）", max_length=300, blank=True, help_text="审批生效后显示在信息页的“更新记录”中"
    )
    base = models.JSONField("修订时的现行版本", default=dict, editable=False)
    superseded = models.JSONField("被替代的版本", default=dict, editable=False)

    class Meta:
        verbose_name = "修订版本"
        verbose_name_plural = "修订版本"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="unique_revision_number"),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(status__in=["draft", "pending_review", "pending_approval"]),
                name="one_open_revision_per_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.title}（第{self.number}次修订）"

    @property
    def organization(self):
        return self.item.organization

    @property
    def organization_id(self):
        return self.item.organization_id


class RevisionAttachment(StoredFile):
    """An attachment of a revision: either kept from the live item (`source`) or newly uploaded."""

    revision = models.ForeignKey(
        Revision, verbose_name="修订版本", on_delete=models.CASCADE, related_name="attachments"
    )
    source = models.ForeignKey(
        Attachment,
        verbose_name="沿用的现行附件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = "修订附件"
        verbose_name_plural = "修订附件"
        ordering = ["order", "id"]


# ---- content check rules: their own module ------------------------------------------------------
from .check_models import ContentRule, InspectionReport, LinkCheck  # noqa: E402, F401
from .import_models import ImportOrigin  # noqa: E402, F401

# ---- search index: its own model, in its own module --------------------------------
from .search_models import SearchEntry  # noqa: E402, F401
