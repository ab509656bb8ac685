"""年度报告 (条例第四十九、五十条): one AnnualReport per organization and year, and the figures staff
enter per year for table 二 (行政许可、处罚、强制、收费), with their source.

The tables are computed (reports/tables.py); what is stored is the narrative staff write, the
link to the 年度报告 DisclosureItem that carries the report through review and publication, and the
frozen snapshot of the figures taken when the report is submitted (`generated_at`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from disclosures.models import DisclosureItem
from portal.fields import staff_reference
from portal.models import Organization


class YearlyFigures(models.Model):
    """Table 二 figures the portal cannot count itself (第二十条第（五）（六）（八）项)."""

    organization = models.ForeignKey(
        Organization, verbose_name="机构", on_delete=models.PROTECT, related_name="yearly_figures"
    )
    year = models.PositiveIntegerField("年度", validators=[MinValueValidator(2008)])
    license_decisions = models.PositiveIntegerField("行政许可：本年处理决定数量", default=0)
    penalty_decisions = models.PositiveIntegerField("行政处罚：本年处理决定数量", default=0)
    enforcement_decisions = models.PositiveIntegerField("行政强制：本年处理决定数量", default=0)
    fee_amount = models.DecimalField(
        "行政事业性收费：本年收费金额（万元）",
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    source = models.CharField(
        "数据来源", max_length=300, help_text="如：县政务服务管理局审批系统导出（2026-01-05）；县财政局非税收入系统"
    )
    entered_by = staff_reference("填报人")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "年报填报数据（许可、处罚、强制、收费）"
        verbose_name_plural = "年报填报数据（许可、处罚、强制、收费）"
        ordering = ["-year", "organization"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="unique_yearly_figures")]

    def __str__(self) -> str:
        return f"{self.organization.short_name} {self.year}年"


class AnnualReport(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name="机构", on_delete=models.PROTECT, related_name="annual_reports"
    )
    year = models.PositiveIntegerField("年度", validators=[MinValueValidator(2008)])
    overview = models.TextField(
        "一、总体情况",
        blank=True,
        help_text="新建时按本年度数据自动起草，请核对修改（主动公开、依申请公开、政府信息管理、平台建设、监督保障）",
    )
    problems = models.TextField(
        "五、存在的主要问题及改进情况",
        blank=True,
        help_text="惯例：先写上一年度问题的整改情况，再写本年度存在的问题和改进措施",
    )
    fee_note = models.TextField(
        "（一）收取信息处理费情况（补充说明）", blank=True, help_text="收费金额由系统按申请办理记录计算，此处可补充说明"
    )
    key_points = models.TextField("（二）落实上级年度政务公开工作要点情况", blank=True)
    proposals = models.TextField("（三）人大代表建议和政协委员提案办理结果公开情况", blank=True)
    innovation = models.TextField("（四）政务公开工作创新情况", blank=True)

    item = models.OneToOneField(
        DisclosureItem,
        verbose_name="年报信息条目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="annual_report",
        editable=False,
    )
    snapshot = models.JSONField("提交时冻结的数据", null=True, blank=True, editable=False)
    generated_at = models.DateTimeField("数据生成时间", null=True, blank=True, editable=False)
    created_by = staff_reference("创建人")
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="编写人", blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "政府信息公开工作年度报告"
        verbose_name_plural = "政府信息公开工作年度报告"
        ordering = ["-year", "organization"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="unique_annual_report")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return f"{self.organization.name}{self.year}年政府信息公开工作年度报告"

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.year, self.organization.slug])

    @property
    def status_label(self) -> str:
        if self.item_id is None:
            return "草稿"
        return self.item.get_status_display()

    @property
    def is_published(self) -> bool:
        return self.item_id is not None and self.item.is_public

    @property
    def is_editable(self) -> bool:
        return self.item_id is None or self.item.status == DisclosureItem.Status.DRAFT
