"""Rules of the content checks (错别字、规范表述、敏感词), kept in the database and edited by site
administrators (disclosures/content_checks.py runs them). Imported by disclosures/models.py."""

from __future__ import annotations

from django.db import models


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
