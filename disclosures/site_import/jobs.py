"""The import as a background job (portal/tasks.py), started from the admin page
(disclosures/admin/site_import.py): first a dry run, then — once the administrator confirms — the real
run, each writing its report next to the uploaded file.

Uploads live in `MEDIA_ROOT/imports/<random folder>/` (never served directly; the report is
downloaded through the admin, for site administrators only): `source.csv|xlsx`, optionally
`files.zip` with the attachments, unpacked by the first job into `files/`.
"""

from __future__ import annotations

import os
import secrets
import zipfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from portal.models import Organization
from portal.tasks import JobError, job
from portal.textextract import Limits, container_refusal

from .run import import_file

# The attachments of a whole old site: large, but a decompression bomb is still far beyond these.
ZIP_LIMITS = Limits(uncompressed_bytes=4 * 1024 * 1024 * 1024, ratio=100, parts=50_000)


def imports_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def new_folder() -> Path:
    folder = imports_root() / secrets.token_hex(16)
    folder.mkdir(parents=True)
    return folder


def folder_of(token: str) -> Path:
    """The folder of an upload, from the token a job keeps (never a path from a request)."""
    if not token.isalnum() or len(token) != 32:
        raise JobError("导入文件夹编号不正确。")
    return imports_root() / token


def report_path(token: str, dry_run: bool) -> Path:
    return folder_of(token) / ("dry-run-report.csv" if dry_run else "report.csv")


def _zip_name(info: zipfile.ZipInfo) -> str:
    """Names in zips made on Chinese Windows are GBK without the UTF-8 flag (zipfile reads them as cp437)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def unpack_attachments(folder: Path) -> Path | None:
    """files.zip → files/ (once), refusing bombs, absolute paths and `..`; None without a zip."""
    archive, target = folder / "files.zip", folder / "files"
    if not archive.exists():
        return None
    if target.exists():
        return target
    with open(archive, "rb") as fh:
        refusal = container_refusal(fh, ZIP_LIMITS)
        if refusal:
            raise JobError(f"附件压缩包未能读取：{refusal}")
        partial = folder / "files.partial"
        partial.mkdir(exist_ok=True)
        root = os.path.realpath(partial)
        with zipfile.ZipFile(fh) as zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                name = _zip_name(info).replace("\\", "/")
                path = os.path.realpath(os.path.join(root, name))
                if not path.startswith(root + os.sep):
                    raise JobError(f"附件压缩包中的“{name[:80]}”指向压缩包以外的位置，已拒绝整个压缩包。")
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with zf.open(info) as source, open(path, "wb") as out:
                    while chunk := source.read(1024 * 1024):
                        out.write(chunk)
    partial.rename(target)
    return target


@job("网站迁移导入")
def import_job(
    progress,
    *,
    folder: str,
    file_name: str,
    user_id: int,
    dry_run: bool,
    organization_id: int | None = None,
    mapping: dict | None = None,
    confirmed_from: int | None = None,
) -> dict:
    base = folder_of(folder)
    source = next((p for p in base.glob("source.*")), None)
    if source is None:
        raise JobError("上传的文件已不存在（可能已被清理），请重新上传。")
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise JobError("发起导入的用户已不存在或已停用。")
    organization = Organization.objects.filter(pk=organization_id).first() if organization_id else None
    progress.set(0, note="正在读取文件", force=True)
    attachments = unpack_attachments(base)
    summary = import_file(
        str(source),
        name=file_name,
        user=user,
        organization=organization,
        attachments_dir=str(attachments) if attachments else None,
        mapping=mapping or {},
        dry_run=dry_run,
        progress=lambda done, total, note: progress.set(done, total=total, note=note),
    )
    report_path(folder, dry_run).write_text(summary.report_csv(), encoding="utf-8")
    progress.set(progress.total, note=summary.text(), force=True)
    return summary.as_json()
