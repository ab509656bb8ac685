"""Content check rules (错别字、规范表述、敏感词), managed by site administrators, with CSV import."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from portal.access import SiteAdminOnly

from ..models import (
    ContentRule,
)

# ---- content check rules (site administrators) -------------------------------------------------


class ContentRuleImportForm(forms.Form):
    file = forms.FileField(
        label="CSV文件", help_text="列：类别,查找内容,建议,依据,例外后续字（UTF-8或GB18030；首行为表头）"
    )


@admin.register(ContentRule)
class ContentRuleAdmin(SiteAdminOnly, admin.ModelAdmin):
    list_display = ["pattern", "kind", "suggestion", "source", "active", "updated_at"]
    list_filter = ["kind", "active"]
    search_fields = ["pattern", "suggestion", "source"]
    actions = ["export_csv"]
    change_list_template = "admin/disclosures/contentrule/change_list.html"

    @admin.action(description="导出所选规则（CSV）")
    def export_csv(self, request, queryset):

        from .. import content_rules_io

        response = HttpResponse(content_rules_io.export_csv(queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="content-rules.csv"'
        return response

    def get_urls(self):

        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="disclosures_contentrule_import"),
        ] + super().get_urls()

    def import_view(self, request):

        from .. import content_rules_io

        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ContentRuleImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            result = content_rules_io.import_csv(form.cleaned_data["file"], request.user, request=request)
            if result.errors:
                for line in result.errors[:20]:
                    messages.error(request, line)
            messages.success(
                request, f"已导入：新增 {result.created} 条，更新 {result.updated} 条，错误 {len(result.errors)} 行。"
            )
            return redirect("admin:disclosures_contentrule_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": "导入内容检查规则",
        }
        return TemplateResponse(request, "admin/disclosures/contentrule/import.html", context)
