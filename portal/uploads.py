"""Upload checks: attachments are accepted by what their bytes are, not by what their name says."""

from __future__ import annotations

import secrets
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.template.defaultfilters import filesizeformat

from .textextract import CONTAINERS, container_refusal

# extension -> (label, MIME type)
ALLOWED_TYPES = {
    "pdf": ("PDF", "application/pdf"),
    "doc": ("DOC", "application/msword"),
    "docx": ("DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xls": ("XLS", "application/vnd.ms-excel"),
    "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ofd": ("OFD", "application/ofd"),
    "jpg": ("JPG", "image/jpeg"),
    "jpeg": ("JPG", "image/jpeg"),
    "png": ("PNG", "image/png"),
    "zip": ("ZIP", "application/zip"),
}

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(fileobj) -> str | None:
    """Return the type the content really is (one of ALLOWED_TYPES' keys, jpeg folded to jpg)."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(OLE2):
        return "ole2"  # doc or xls: the container format is the same
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(fileobj) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            fileobj.seek(0)
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "OFD.xml" in names:
            return "ofd"
        return "zip"
    return None


def check_attachment(upload) -> tuple[str, str]:
    """Validate an uploaded file; return (extension, MIME type) or raise ValidationError in Chinese."""
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED_TYPES:
        allowed = "、".join(sorted({label for label, _ in ALLOWED_TYPES.values()}))
        raise ValidationError(f"不支持的文件类型“.{ext or '无扩展名'}”。允许上传：{allowed}。")
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(f"文件“{name}”大小为 {filesizeformat(upload.size)}，超过上限 {filesizeformat(limit)}。")
    if upload.size == 0:
        raise ValidationError(f"文件“{name}”是空文件。")
    actual = sniff(upload)
    ext_norm = "jpg" if ext == "jpeg" else ext
    ok = (
        actual == ext_norm
        or (actual == "ole2" and ext_norm in ("doc", "xls"))
        or (ext_norm == "zip" and actual in ("zip", "docx", "xlsx", "ofd"))
    )
    if not ok:
        raise ValidationError(f"文件“{name}”的内容与扩展名“.{ext}”不符，可能已损坏或被改名，请检查后重新上传。")
    if actual in CONTAINERS:
        refusal = container_refusal(upload)
        if refusal:
            raise ValidationError(f"文件“{name}”未能上传：{refusal}")
    return ext_norm, ALLOWED_TYPES[ext_norm][1]


def random_name(filename: str, allowed_ext: tuple[str, ...] | None = None) -> str:
    """An unguessable stored name (128 random bits) keeping only a known extension: nothing of the
    uploaded name reaches the path, and nobody finds a draft's file by guessing its name."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if not ext.isalnum() or (allowed_ext is not None and ext not in allowed_ext):
        ext = "bin"
    return f"{secrets.token_hex(16)}.{ext}"


class EditorImageStorage(FileSystemStorage):
    """Images uploaded from the rich-text editor (staff only, images only, checked by Pillow).

    Every file gets a random name (`random_name`): the editor's upload view calls `save()` with the
    original name, so the name is replaced there. The images are served by `portal.views.editor_image`,
    to the public only once an item that shows them is published."""

    def __init__(self, **kwargs):
        super().__init__(
            location=settings.MEDIA_ROOT / "editor",
            base_url=settings.MEDIA_URL + "editor/",
            **kwargs,
        )

    def get_available_name(self, name, max_length=None):
        name = random_name(name, ("png", "jpg", "jpeg"))
        while self.exists(name):  # 128 random bits: practically never
            name = random_name(name, ("png", "jpg", "jpeg"))
        return name


# Who may see an editor image that no staff member is asking for: functions registered by the
# feature apps (the item an image belongs to is theirs to know), each `(name) -> bool`.
PUBLIC_IMAGE_CHECKS: list = []


def image_is_public(name: str) -> bool:
    return any(check(name) for check in PUBLIC_IMAGE_CHECKS)
