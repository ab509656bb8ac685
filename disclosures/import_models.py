"""Where an imported item came from (网站迁移, docs/import.md).

One row per item brought in from an old site: the 发布日期 and 索引号 it had there, and the file
line it came from. A row whose pre-publication checks found something is imported as a 草稿; once
the finding is fixed, the site administrator publishes it with these original values (the
workflow's 导入历史信息 step), or a re-import of the corrected file does.
"""

from __future__ import annotations

from django.db import models


class ImportOrigin(models.Model):
    item = models.OneToOneField(
        "disclosures.DisclosureItem", verbose_name="信息", on_delete=models.CASCADE, related_name="origin"
    )
    published_at = models.DateTimeField("原发布日期")
    index_number = models.CharField("原索引号", max_length=60, blank=True)
    file_name = models.CharField("导入文件", max_length=200, blank=True)
    line = models.PositiveIntegerField("文件行号", default=0)
    # The row as last imported: a re-import changes the draft only when the file's row changed,
    # so a fix made in the admin meanwhile is not overwritten by the same old row.
    row_hash = models.CharField("行内容摘要", max_length=64, blank=True)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    updated_at = models.DateTimeField("最近导入", auto_now=True)

    class Meta:
        verbose_name = "导入来源"
        verbose_name_plural = "网站迁移（导入旧网站信息）"
        indexes = [models.Index(fields=["index_number"], name="import_origin_index_number")]

    def __str__(self) -> str:
        return f"{self.file_name} 第{self.line}行"
