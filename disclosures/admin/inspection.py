"""网站自查: the latest self-inspection, running it again, the link check as a background job."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from portal import tasks
from portal.admin import ReadOnlyAdmin

from ..models import (
    InspectionReport,
)

# ---- 网站自查 (self-inspection) ------------------------------------------------------------------


@admin.register(InspectionReport)
class InspectionReportAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The latest self-inspection, a button to run it again, print and Excel (disclosures/inspection.py)."""

    def get_urls(self):

        return [
            path("run/", self.admin_site.admin_view(self.run_view), name="disclosures_inspectionreport_run"),
            path("links/", self.admin_site.admin_view(self.links_view), name="disclosures_inspectionreport_links"),
            path(
                "<int:pk>/xlsx/", self.admin_site.admin_view(self.xlsx_view), name="disclosures_inspectionreport_xlsx"
            ),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):

        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        latest = InspectionReport.objects.first()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "网站自查（对照国办秘函〔2019〕19号）",
            "report": latest,
            "print_view": request.GET.get("print") == "1",
        }
        return TemplateResponse(request, "admin/disclosures/inspection.html", context)

    def run_view(self, request):

        from .. import inspection

        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        inspection.run_and_keep()
        messages.success(request, "自查完成。")
        return redirect("admin:disclosures_inspectionreport_changelist")

    def links_view(self, request):
        """Start the link check as a background job: it fetches every link and may take long."""

        from .. import links

        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        tasks.enqueue(links.check_links_job, params={"external": True}, user=request.user)
        messages.success(request, "链接检查已在后台开始，进度见“后台任务”；完成后再次自查即可看到死链结果。")
        return redirect("admin:disclosures_inspectionreport_changelist")

    def xlsx_view(self, request, pk: int):

        from .. import inspection

        report = InspectionReport.objects.filter(pk=pk).first()
        if report is None or not self.has_view_permission(request):
            raise Http404("自查结果不存在")
        indicators = [
            inspection.Indicator(**{k: v for k, v in d.items() if k != "item_count"}) for d in report.data["indicators"]
        ]
        response = HttpResponse(
            inspection.as_xlsx(indicators),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="inspection-{timezone.localtime(report.created_at):%Y%m%d-%H%M}.xlsx"'
        )
        return response
