import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from disclosures.models import DisclosureItem
from portal.sanitize import plain_text, sanitize_html
from portal.uploads import check_attachment

EVIL = (
    '<p onclick="steal()">正文<script>alert(1)</script><a href="javascript:alert(2)">链接</a>'
    '<img src=x onerror=alert(3)><iframe src="https://evil.example"></iframe>'
    '<span style="position:fixed;color:red">x</span><p style="text-align:center">居中</p></p>'
)


def test_sanitizer_keeps_formatting_and_removes_scripting():
    clean = sanitize_html(EVIL)
    for bad in ("<script", "onclick", "javascript:", "onerror", "<iframe", "position:fixed"):
        assert bad not in clean
    assert "正文" in clean and "text-align:center" in clean.replace(" ", "")


def test_body_is_sanitized_on_save(build):
    item = build.item(state="draft", body=EVIL)
    item.refresh_from_db()
    assert "<script" not in item.body and "javascript:" not in item.body


def test_body_is_sanitized_again_on_render(client, build, site_profile):
    item = build.item()
    # Rows written around the model (imports, raw SQL, old data) are still cleaned when shown.
    DisclosureItem.objects.filter(pk=item.pk).update(body=EVIL)
    html = client.get(item.get_absolute_url()).content.decode()
    assert "alert(1)" not in html and "javascript:alert" not in html and "onerror" not in html
    assert "正文" in html


def test_plain_text_strips_tags():
    assert plain_text("<p>甲&amp;乙</p><p>丙</p>").split() == ["甲&乙", "丙"]


def _upload(name, data):
    return SimpleUploadedFile(name, data)


def _docx_bytes():
    import docx

    out = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("测试")
    d.save(out)
    return out.getvalue()


def test_attachments_are_checked_by_content():
    assert check_attachment(_upload("a.pdf", b"%PDF-1.4\n..."))[0] == "pdf"
    assert check_attachment(_upload("a.docx", _docx_bytes()))[0] == "docx"
    assert check_attachment(_upload("a.PNG", b"\x89PNG\r\n\x1a\n0000"))[0] == "png"
    with pytest.raises(ValidationError, match="内容与扩展名"):
        check_attachment(_upload("report.pdf", b"<html><script>alert(1)</script></html>"))
    with pytest.raises(ValidationError, match="内容与扩展名"):
        check_attachment(_upload("a.xlsx", _docx_bytes()))
    with pytest.raises(ValidationError, match="不支持的文件类型"):
        check_attachment(_upload("a.exe", b"MZ..."))
    with pytest.raises(ValidationError, match="空文件"):
        check_attachment(_upload("a.pdf", b""))


def test_attachment_size_limit_is_configurable(settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="超过上限"):
        check_attachment(_upload("a.pdf", b"%PDF-1.4 more than ten bytes"))


def _png_bytes():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()


def test_editor_image_upload_is_staff_only_and_gets_a_random_name(client, build, settings):
    upload = SimpleUploadedFile("村民名单照片.png", _png_bytes(), content_type="image/png")
    assert client.post("/ckeditor5/image_upload/", {"upload": upload}).status_code == 403
    client.force_login(build.editor)
    upload = SimpleUploadedFile("村民名单照片.png", _png_bytes(), content_type="image/png")
    response = client.post("/ckeditor5/image_upload/", {"upload": upload})
    url = response.json()["url"]
    assert url.startswith("/media/editor/") and "村民" not in url and url.endswith(".png")
    assert re.fullmatch(r"/media/editor/[0-9a-f]{32}\.png", url), url  # 128 random bits, nothing of the name
    served = client.get(url)  # staff see it
    assert served.status_code == 200 and served["X-Content-Type-Options"] == "nosniff"
    client.logout()
    assert client.get(url).status_code == 404  # an image of no public item is not public
    fake = SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", content_type="image/png")
    client.force_login(build.editor)
    assert client.post("/ckeditor5/image_upload/", {"upload": fake}).status_code == 400
