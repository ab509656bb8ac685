"""Plain text out of attachments (docx, xlsx, pdf, csv, txt), for the PII guard and search."""

from __future__ import annotations

import csv
import io
import logging

log = logging.getLogger(__name__)

MAX_CHARS = 2_000_000


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
            return "\n".join((page.extract_text() or "") for page in reader.pages)[:MAX_CHARS]
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
