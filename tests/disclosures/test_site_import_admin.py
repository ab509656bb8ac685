"""The 网站迁移 admin page (docs/import.md): a site administrator uploads a file with bad rows,
reads the dry run, confirms, and the import runs as a real background job (the worker command),
with its progress and its report; nobody else may use the page."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from disclosures.models import DisclosureItem
from portal import tasks
from portal.models import AuditEntry, BackgroundJob

FULL_ID = "530523199001011235"
pytestmark = pytest.mark.django_db(transaction=True)  # the worker reopens its connection, as in production


def sheet(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["标题", "发布日期", "公开目录", "正文", "附件"])
    writer.writerows(rows)
    return out.getvalue().encode("gb18030")  # as an older system exports it


@pytest.fixture
def admin_client(client, build):
    root = get_user_model().objects.create_superuser("root", password="pw-123456")
    client.force_login(root)
    return client


def upload(client, data: bytes, name="旧网站.csv", **extra):
    fields = {"file": SimpleUploadedFile(name, data), "organization": extra.pop("organization", ""), "mapping": ""}
    fields.update(extra)
    return client.post("/admin/disclosures/importorigin/start/", fields, follow=True)


def test_upload_dry_run_confirm_import_and_report(admin_client, build):
    rows = [
        ["关于低保提标的通知", "2016-12-30", "社会救助", "正文", ""],
        ["", "2016-12-30", "社会救助", "缺标题", ""],
        ["名单", "2016/12/29", "社会救助", f"张三 {FULL_ID}", ""],
        ["有附件的", "2016年12月28日", "社会救助", "见附件", "方案.docx"],
    ]
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("提标方案")
    document.save(buffer)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("方案.docx", buffer.getvalue())
    page = admin_client.get("/admin/disclosures/importorigin/")
    assert page.status_code == 200 and "上传并试导入" in page.content.decode()

    response = upload(
        admin_client,
        sheet(rows),
        organization=str(build.org.pk),
        attachments=SimpleUploadedFile("附件.zip", archive.getvalue()),
    )
    assert "正在后台试导入" in response.content.decode()
    dry = BackgroundJob.objects.get()
    assert dry.status == BackgroundJob.Status.QUEUED
    tasks.run_pending()
    dry.refresh_from_db()
    assert dry.status == BackgroundJob.Status.SUCCEEDED, dry.error
    assert dry.result["counts"] == {
        "read": 4,
        "imported": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "flagged": 1,
        "conflicts": 0,
    }
    assert not DisclosureItem.objects.exists()  # a dry run saves nothing
    page = admin_client.get(f"/admin/disclosures/importorigin/{dry.pk}/").content.decode()
    assert "确认导入" in page and "必填" in page and "个人隐私" in page

    admin_client.post(f"/admin/disclosures/importorigin/{dry.pk}/confirm/")
    admin_client.post(f"/admin/disclosures/importorigin/{dry.pk}/confirm/")  # pressed twice: one import
    real = BackgroundJob.objects.exclude(pk=dry.pk).get()
    running = admin_client.get(f"/admin/disclosures/importorigin/{real.pk}/").content.decode()
    assert 'http-equiv="refresh"' in running and "<progress" in running
    tasks.run_pending()
    real.refresh_from_db()
    assert real.status == BackgroundJob.Status.SUCCEEDED, real.error
    assert real.result["counts"]["imported"] == 2 and real.result["counts"]["flagged"] == 1
    assert DisclosureItem.objects.filter(status="published").count() == 2
    assert DisclosureItem.objects.get(title="有附件的").attachments.get().original_name == "方案.docx"
    assert DisclosureItem.objects.get(title="名单").status == "draft"
    report = admin_client.get(f"/admin/disclosures/importorigin/{real.pk}/report.csv")
    text = b"".join(report.streaming_content).decode("utf-8-sig")
    assert "未导入" in text and "已导入为草稿" in text
    assert AuditEntry.objects.filter(action="site_import.run").count() == 1


def test_a_bad_upload_gets_a_clear_message_and_starts_nothing(admin_client, build):
    response = upload(admin_client, b"%PDF-1.4", name="旧网站.xlsx")
    assert "文件内容与扩展名不符" in response.content.decode()
    response = upload(admin_client, b"a,b", name="旧网站.xls")
    assert "另存为 .xlsx" in response.content.decode()
    response = upload(admin_client, sheet([]), mapping="x=y")
    assert "列映射" in response.content.decode()
    assert not BackgroundJob.objects.exists()


def test_a_file_without_the_required_headers_is_refused_by_the_dry_run(admin_client, build):
    upload(admin_client, "名称,时间\n甲,2016-12-30\n".encode())
    tasks.run_pending()
    job = BackgroundJob.objects.get()
    assert "缺少必填列" in job.result["refused"]
    page = admin_client.get(f"/admin/disclosures/importorigin/{job.pk}/").content.decode()
    assert "没有导入任何内容" in page and "确认导入" not in page
    assert admin_client.post(f"/admin/disclosures/importorigin/{job.pk}/confirm/").status_code == 302
    assert BackgroundJob.objects.count() == 1


def test_an_attachment_zip_pointing_outside_its_folder_fails_the_job(admin_client, build):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../evil.txt", "x")
    upload(
        admin_client,
        sheet([["甲", "2016-12-30", "社会救助", "", ""]]),
        organization=str(build.org.pk),
        attachments=SimpleUploadedFile("附件.zip", archive.getvalue()),
    )
    tasks.run_pending()
    job = BackgroundJob.objects.get()
    assert job.status == BackgroundJob.Status.FAILED and "压缩包以外" in job.error


def test_templates_download(admin_client):
    from openpyxl import load_workbook

    xlsx = admin_client.get("/admin/disclosures/importorigin/template.xlsx")
    header = [c.value for c in load_workbook(io.BytesIO(xlsx.content)).active[1]]
    assert header[:2] == ["标题*", "发布日期*"] and "原网址" in header
    assert (
        admin_client.get("/admin/disclosures/importorigin/template.csv").content.decode("utf-8-sig").startswith("标题*")
    )
    assert admin_client.get("/admin/disclosures/importorigin/template.pdf").status_code == 404


def test_only_site_administrators_may_import(client, build):
    client.force_login(build.leader)
    assert client.get("/admin/disclosures/importorigin/").status_code == 403
    response = client.post("/admin/disclosures/importorigin/start/", {"file": SimpleUploadedFile("a.csv", b"x")})
    assert response.status_code == 403
    assert client.get("/admin/disclosures/importorigin/template.xlsx").status_code == 403
    assert not BackgroundJob.objects.exists()
