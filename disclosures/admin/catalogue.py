"""The 公开目录 tree, managed by site administrators."""

from __future__ import annotations

from django.contrib import admin

from portal.access import SiteAdminOnly

from ..models import (
    Category,
)


@admin.register(Category)
class CategoryAdmin(SiteAdminOnly, admin.ModelAdmin):
    list_display = ["indented_name", "path", "kind", "time_limit_days", "freshness_days", "order"]
    list_filter = ["kind"]
    search_fields = ["name", "path"]
    ordering = ["path"]

    @admin.display(description="目录名称", ordering="path")
    def indented_name(self, obj):
        return "　" * obj.depth + obj.name
