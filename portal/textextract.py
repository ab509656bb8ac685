"""Plain text out of attachments (docx, xlsx, pdf, csv, txt), for the PII guard and search — with
hard limits, because a small file can expand enormously: a 355 KB .docx unpacks to 100 MB and took
1 GB of memory and 30 s to read. Office files are zip containers; before anything parses one,
`container_refusal` looks at its directory (sizes only, no decompression) and refuses it past the
limits below. What is parsed runs in a child process with a memory and time cap
(disclosures/attachment_scan.py), so nothing can stall a web worker.
"""

from __future__ import annotations

import csv
import io
import logging
import zipfile
from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat

log = logging.getLogger(__name__)

MAX_CHARS = 2_000_000


@dataclass(frozen=True)
class Limits:
    uncompressed_bytes: int = 80 * 1024 * 1024  # all parts of an Office file together, unpacked
    ratio: int = 100  # unpacked / packed size of the container (real documents stay far below)
    parts: int = 5000  # members of the container
    pdf_pages: int = 2000
    seconds: int = 20  # reading one file (child process)
    memory_bytes: int = 768 * 1024 * 1024  # address space of the child process


LIMITS = Limits()
CONTAINERS = ("docx", "xlsx", "ofd", "zip")


def container_refusal(fileobj, limits: Limits = LIMITS) -> str:
    """Why a zip-based file (docx, xlsx, ofd, zip) is refused, from its directory alone; '' when fine."""
    fileobj.seek(0, io.SEEK_END)
    packed = max(fileobj.tell(), 1)
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return "文件已损坏，无法读取。"
    finally:
        fileobj.seek(0)
    if len(members) > limits.parts:
        return f"文件内部包含{len(members)}个部件，超过上限{limits.parts}个，可能是恶意构造的文件。"
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.uncompressed_bytes:
        return (
            f"文件解压后达{filesizeformat(unpacked)}，超过上限{filesizeformat(limits.uncompressed_bytes)}，"
            "可能是恶意构造的“压缩炸弹”。请拆分文件或另存为PDF后上传。"
        )
    if unpacked / packed > limits.ratio:
        return (
            f"文件压缩比异常（解压后为原来的{unpacked // packed}倍，上限{limits.ratio}倍），"
            "可能是恶意构造的“压缩炸弹”，已拒绝。"
        )
    return ""


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def extract_text(fileobj, file_type: str) -> str:
    """Best effort: a file that cannot be read yields '' and a log line, never an exception."""
    try:
        fileobj.open("rb")
    except (AttributeError, ValueError):
        pass
    try:
        fileobj.seek(0)
        if file_type in CONTAINERS and container_refusal(fileobj):
            return ""
        if file_type == "docx":
            import docx

            doc = docx.Document(fileobj)
            parts = [p.text for p in doc.paragraphs]
            for table in doc.tables:
                for row in table.rows:
                    parts.append("\t".join(cell.text for cell in row.cells))
            return "\n".join(parts)[:MAX_CHARS]
        if file_type == "xlsx":
            import openpyxl

            wb = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
            parts = []
            for ws in wb.worksheets:
                for row in ws.iter_rows(values_only=True):
                    parts.append("\t".join("" if v is None else str(v) for v in row))
            wb.close()
            return "\n".join(parts)[:MAX_CHARS]
        if file_type == "pdf":
            from pypdf import PdfReader

            reader = PdfReader(fileobj)
            pages = reader.pages[: LIMITS.pdf_pages]
            return "\n".join((page.extract_text() or "") for page in pages)[:MAX_CHARS]
        if file_type in ("csv", "txt"):
            text = _decode(fileobj.read(MAX_CHARS * 2))
            if file_type == "csv":
                return "\n".join("\t".join(row) for row in csv.reader(io.StringIO(text)))
            return text
    except Exception:  # a damaged file must not break publishing; it is logged
        log.warning("could not extract text from %s attachment", file_type, exc_info=True)
    finally:
        try:
            fileobj.seek(0)
        except Exception:
            pass
    return ""
