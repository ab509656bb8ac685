"""Rules of the content checks (错别字、规范表述、敏感词), kept in the database and edited by site
administrators (disclosures/content_checks.py runs them). Imported by disclosures/models.py."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ContentRule(models.Model):
    class Kind(models.TextChoices):
        TYPO = "typo", "错别字"
        WORDING = "wording", "规范表述"
        SENSITIVE = "sensitive", "敏感词"

    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    pattern = models.CharField("查找内容", max_length=100, help_text="原文中出现即提示，如：中华人民共合国")
    suggestion = models.CharField("建议", max_length=200, blank=True, help_text="如：中华人民共和国")
    source = models.CharField("依据", max_length=300, blank=True, help_text="规则的出处，如文件名称和文号")
    not_followed_by = models.CharField(
        "例外后续字",
        max_length=50,
        blank=True,
        help_text="查找内容后紧跟其中任一字时不提示，如“农业部”后跟“门”（农业部门）",
    )
    active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "内容检查规则"
        verbose_name_plural = "内容检查规则（错别字、规范表述、敏感词）"
        ordering = ["kind", "pattern"]
        constraints = [models.UniqueConstraint(fields=["kind", "pattern"], name="unique_content_rule")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.pattern}"


class LinkCheck(models.Model):
    """The last result of checking one link of a public item (disclosures/links.py)."""

    item = models.ForeignKey("disclosures.DisclosureItem", on_delete=models.CASCADE, related_name="link_checks")
    url = models.CharField("链接", max_length=500)
    external = models.BooleanField("外部链接", default=False)
    ok = models.BooleanField("可以访问", default=True)
    http_status = models.PositiveSmallIntegerField("HTTP状态", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    checked_at = models.DateTimeField("检查时间")

    class Meta:
        verbose_name = "链接检查结果"
        verbose_name_plural = "链接检查结果"
        constraints = [models.UniqueConstraint(fields=["item", "url"], name="unique_link_check")]
        indexes = [models.Index(fields=["ok", "item"], name="linkcheck_ok_item")]

    def __str__(self) -> str:
        return self.url


class InspectionReport(models.Model):
    """One run of the self-inspection (disclosures/inspection.py), kept for the admin page."""

    created_at = models.DateTimeField("自查时间", auto_now_add=True)
    data = models.JSONField("结果")

    class Meta:
        verbose_name = "网站自查"
        verbose_name_plural = "网站自查（对照国办秘函〔2019〕19号）"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"网站自查 {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"
