"""Attachments are read once, within hard limits: a decompression bomb is refused at upload in
seconds with a Chinese message, and page views never re-read a file."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from disclosures import workflow
from disclosures.models import Attachment
from portal.uploads import check_attachment

MB = 1024 * 1024


def bomb(kind: str, unpacked_mb: int) -> bytes:
    """A real Office container whose main part unpacks to `unpacked_mb` MB of repeated XML."""
    part, marker = ("word/document.xml", "[Content_Types].xml") if kind == "docx" else ("xl/workbook.xml", "x")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(marker, "<Types/>")
        with zf.open(part, "w") as handle:
            chunk = b"<w:p><w:r><w:t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</w:t></w:r></w:p>" * 16384
            for _ in range(unpacked_mb * MB // len(chunk)):
                handle.write(chunk)
    return out.getvalue()


@pytest.mark.parametrize(("kind", "unpacked"), [("docx", 100), ("xlsx", 200)])
def test_a_decompression_bomb_is_refused_at_upload_quickly(kind, unpacked):
    data = bomb(kind, unpacked)
    assert len(data) < 2 * MB
    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        check_attachment(SimpleUploadedFile(f"名单.{kind}", data))
    assert time.monotonic() - started < 10
    assert "压缩" in refused.value.messages[0] and "未能上传" in refused.value.messages[0]


def test_a_bomb_that_arrived_another_way_is_unreadable_and_blocks_publication(build):
    item = build.item(state="draft")
    attachment = Attachment(item=item, original_name="名单.docx", file_type="docx", content_type="application/zip")
    attachment.file.save("名单.docx", SimpleUploadedFile("名单.docx", bomb("docx", 100)), save=False)
    attachment.save()  # e.g. written by an import, not through the upload form
    attachment.refresh_from_db()
    assert attachment.scan_status == "unreadable" and "压缩" in attachment.scan_note
    with pytest.raises(ValidationError, match="无法检查"):
        workflow.submit(item, build.editor)


def test_findings_are_kept_and_page_views_do_not_read_the_file_again(client, build):
    from django.contrib.auth.models import Permission

    item = build.item(state="draft")
    attachment = Attachment(item=item, original_name="名单.csv", file_type="csv", content_type="text/csv")
    attachment.file.save("名单.csv", SimpleUploadedFile("名单.csv", "张三,530523199001011235\n".encode()), save=False)
    attachment.save()
    attachment.refresh_from_db()
    assert attachment.scan_status == "ok" and attachment.findings[0]["kind"] == "id18"
    assert "530523199001011235" not in str(attachment.findings)  # only the masked value is kept
    attachment.file.storage.delete(attachment.file.name)  # a page view that re-read it would now fail
    build.editor.user_permissions.add(*Permission.objects.filter(content_type__app_label="disclosures"))
    client.force_login(build.editor)
    page = client.get(f"/admin/disclosures/disclosureitem/{item.pk}/change/").content.decode()
    assert "530523********1235" in page


def test_big_files_are_read_in_a_capped_child_process(build, monkeypatch):
    import openpyxl

    from disclosures import attachment_scan

    monkeypatch.setattr(attachment_scan, "IN_PROCESS_BYTES", 0)  # send even this small file to the child
    book = openpyxl.Workbook()
    book.active.append(["姓名", "身份证号"])
    book.active.append(["张三", "530523199001011235"])
    data = io.BytesIO()
    book.save(data)
    item = build.item(state="draft")
    attachment = Attachment(item=item, original_name="名单.xlsx", file_type="xlsx", content_type="application/zip")
    attachment.file.save("名单.xlsx", SimpleUploadedFile("名单.xlsx", data.getvalue()), save=False)
    attachment.save()
    attachment.refresh_from_db()
    assert attachment.scan_status == "ok", attachment.scan_note
    assert [f["kind"] for f in attachment.findings] == ["id18"]
