"""The admin page of 网站迁移 (docs/import.md 管理页面), for site administrators: download the
template, upload a file (and optionally a zip of its attachments), read the dry run's result,
confirm, follow the import's progress and download its report. The work runs as background jobs
(disclosures/site_import/jobs.py); these views only store the upload and read job rows."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse

from portal import tasks
from portal.access import is_site_admin
from portal.admin import ReadOnlyAdmin
from portal.models import BackgroundJob, Organization
from portal.uploads import sniff

from ..import_models import ImportOrigin
from ..site_import import columns, jobs, reading

HANDLER = jobs.import_job.job_path
ZIP_MAX_BYTES = 2 * 1024 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(label="信息表格", help_text="CSV（UTF-8 或 GB18030 编码）或 Excel（.xlsx），第1行为表头")
    attachments = forms.FileField(
        label="附件压缩包（可选）", required=False, help_text="ZIP 文件；“附件”列中的文件名相对于压缩包的根目录"
    )
    organization = forms.ModelChoiceField(
        Organization.objects.all(),
        label="默认发布机构",
        required=False,
        empty_label="（按表格中的“发布机构”列）",
        help_text="表格中未填写“发布机构”的行归入该机构",
    )
    mapping = forms.CharField(
        label="列映射（可选）",
        required=False,
        max_length=1000,
        help_text="旧网站的列名与模板不同时填写，如：发文字号=文号，发布时间=发布日期",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        ext = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if ext not in ("csv", "xlsx"):
            raise forms.ValidationError("请上传 CSV 或 Excel（.xlsx）文件；旧版 .xls 请先另存为 .xlsx。")
        if upload.size > reading.MAX_BYTES:
            raise forms.ValidationError(f"文件超过{filesizeformat(reading.MAX_BYTES)}，请拆分后导入。")
        actual = sniff(upload)
        if (ext == "xlsx") != (actual == "xlsx") or (ext == "csv" and actual is not None):
            raise forms.ValidationError("文件内容与扩展名不符，可能已损坏或被改名。")
        return upload

    def clean_attachments(self):
        upload = self.cleaned_data.get("attachments")
        if not upload:
            return None
        if upload.size > ZIP_MAX_BYTES:
            raise forms.ValidationError(f"附件压缩包超过{filesizeformat(ZIP_MAX_BYTES)}，请分批导入。")
        if sniff(upload) not in ("zip", "docx", "xlsx", "ofd"):
            raise forms.ValidationError("附件压缩包应为 ZIP 文件。")
        return upload

    def clean_mapping(self):
        try:
            return columns.parse_map(self.cleaned_data.get("mapping", ""))
        except columns.MappingError as exc:
            raise forms.ValidationError(str(exc)) from exc


@admin.register(ImportOrigin)
class SiteImportAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Shown in the admin index as 网站迁移; its list page is the import page."""

    def has_module_permission(self, request):
        return is_site_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_site_admin(request.user)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("start/", view(self.start_view), name="disclosures_siteimport_start"),
            path("template.<str:fmt>", view(self.template_view), name="disclosures_siteimport_template"),
            path("<int:job_id>/", view(self.job_view), name="disclosures_siteimport_job"),
            path("<int:job_id>/confirm/", view(self.confirm_view), name="disclosures_siteimport_confirm"),
            path("<int:job_id>/report.csv", view(self.report_view), name="disclosures_siteimport_report"),
        ] + super().get_urls()

    def _require(self, request):
        if not is_site_admin(request.user):
            raise PermissionDenied

    def _context(self, request, title, **extra):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title, **extra}

    def changelist_view(self, request, extra_context=None):
        self._require(request)
        return self._page(request, ImportForm())

    def _page(self, request, form):
        recent = BackgroundJob.objects.filter(handler=HANDLER).select_related("created_by").order_by("-created_at")[:20]
        context = self._context(
            request,
            "网站迁移：导入旧网站信息",
            form=form,
            recent=recent,
            headers=columns.COLUMNS,
        )
        return TemplateResponse(request, "admin/disclosures/siteimport/index.html", context)

    def start_view(self, request):
        self._require(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._page(request, form)
        upload = form.cleaned_data["file"]
        folder = jobs.new_folder()
        ext = upload.name.rsplit(".", 1)[-1].lower()
        _store(upload, folder / f"source.{ext}")
        if form.cleaned_data.get("attachments"):
            _store(form.cleaned_data["attachments"], folder / "files.zip")
        organization = form.cleaned_data.get("organization")
        row = tasks.enqueue(
            jobs.import_job,
            label=f"试导入“{upload.name[-100:]}”",
            params={
                "folder": folder.name,
                "file_name": upload.name[-200:],
                "user_id": request.user.pk,
                "dry_run": True,
                "organization_id": organization.pk if organization else None,
                "mapping": form.cleaned_data["mapping"],
            },
            user=request.user,
            organization=organization,
        )
        messages.success(request, "文件已上传，正在后台试导入（不保存任何内容）。完成后请查看结果并确认导入。")
        return redirect("admin:disclosures_siteimport_job", row.pk)

    def _job(self, job_id: int) -> BackgroundJob:
        row = BackgroundJob.objects.filter(pk=job_id, handler=HANDLER).first()
        if row is None:
            raise Http404("没有这个导入任务。")
        return row

    def job_view(self, request, job_id: int):
        self._require(request)
        row = self._job(job_id)
        confirmed = None
        if row.params.get("dry_run"):
            confirmed = BackgroundJob.objects.filter(handler=HANDLER, params__confirmed_from=row.pk).first()
        context = self._context(
            request,
            row.label,
            job=row,
            result=row.result or {},
            running=row.status in (BackgroundJob.Status.QUEUED, BackgroundJob.Status.RUNNING),
            dry_run=row.params.get("dry_run"),
            confirmed=confirmed,
            has_report=jobs.report_path(row.params["folder"], row.params.get("dry_run", False)).exists(),
        )
        return TemplateResponse(request, "admin/disclosures/siteimport/job.html", context)

    def confirm_view(self, request, job_id: int):
        self._require(request)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        dry = self._job(job_id)
        if not dry.params.get("dry_run") or dry.status != BackgroundJob.Status.SUCCEEDED or dry.result.get("refused"):
            messages.error(request, "只有已完成的试导入才能确认导入。")
            return redirect("admin:disclosures_siteimport_job", dry.pk)
        existing = BackgroundJob.objects.filter(handler=HANDLER, params__confirmed_from=dry.pk).first()
        if existing is not None:  # pressed twice, or in two tabs: one import only
            return redirect("admin:disclosures_siteimport_job", existing.pk)
        row = tasks.enqueue(
            jobs.import_job,
            label=f"导入“{dry.params['file_name'][-100:]}”",
            params={**dry.params, "dry_run": False, "confirmed_from": dry.pk, "user_id": request.user.pk},
            user=request.user,
            organization=dry.organization,
        )
        messages.success(request, "导入已在后台开始。本页显示进度，完成后可下载逐行报告。")
        return redirect("admin:disclosures_siteimport_job", row.pk)

    def report_view(self, request, job_id: int):
        self._require(request)
        row = self._job(job_id)
        report = jobs.report_path(row.params["folder"], row.params.get("dry_run", False))
        if not report.exists():
            raise Http404("报告尚未生成。")
        kind = "试导入报告" if row.params.get("dry_run") else "导入报告"
        return FileResponse(
            open(report, "rb"),
            as_attachment=True,
            filename=f"{kind}-{row.pk}.csv",
            content_type="text/csv; charset=utf-8",
        )

    def template_view(self, request, fmt: str):
        self._require(request)
        if fmt == "xlsx":
            response = HttpResponse(
                columns.template_xlsx(),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        elif fmt == "csv":
            response = HttpResponse(columns.template_csv(), content_type="text/csv; charset=utf-8")
        else:
            raise Http404("没有这种模板格式。")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.{fmt}"
        return response


def _store(upload, target) -> None:
    with open(target, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)


def job_url(job_id: int) -> str:
    return reverse("admin:disclosures_siteimport_job", args=[job_id])
