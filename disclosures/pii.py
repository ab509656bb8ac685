"""PII guard: finds 身份证号, mobile numbers and bank card numbers before anything is published.

Social-assistance rosters may show only name, household size and amount (最低生活保障审核确认办法
第二十四条; 条例第十五条). Detection is strict to avoid false positives on 文号, dates, amounts and
索引号: an 18-digit ID needs a valid checksum and a plausible birth date, a card number must pass
Luhn, and every match must stand alone (no digit or letter directly before or after it).
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"

_ID18 = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})(\d{8})(\d{3})([0-9Xx])(?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})(\d{6})(\d{3})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?![0-9A-Za-z])")
_CARD = re.compile(r"(?<![0-9A-Za-z])(\d(?:[ -]?\d){15,18})(?![0-9A-Za-z])")

KIND_LABELS = {"id18": "身份证号", "id15": "身份证号（15位）", "mobile": "手机号码", "bank_card": "银行卡号"}


@dataclass(frozen=True)
class Finding:
    kind: str
    value: str
    where: str
    start: int = field(default=0, compare=False)  # span in the scanned text (for masking)
    end: int = field(default=0, compare=False)

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def masked(self) -> str:
        return mask(self.value, self.kind)

    def __str__(self) -> str:
        return f"{self.where}：{self.label} {self.masked}"


def _plausible_birth(yyyymmdd: str) -> bool:
    try:
        born = datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return False
    return datetime.date(1900, 1, 1) <= born <= datetime.date.today()


def id_checksum_ok(number: str) -> bool:
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == number[17].upper()


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def scan_text(text: str, where: str) -> list[Finding]:
    findings: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def free(span):
        return all(span[1] <= a or span[0] >= b for a, b in taken)

    for m in _ID18.finditer(text):
        number = m.group(0)
        if id_checksum_ok(number) and _plausible_birth(m.group(2)):
            findings.append(Finding("id18", number, where, *m.span()))
            taken.append(m.span())
    for m in _ID15.finditer(text):
        if free(m.span()) and _plausible_birth("19" + m.group(2)):
            findings.append(Finding("id15", m.group(0), where, *m.span()))
            taken.append(m.span())
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group(1))
        if free(m.span()) and 16 <= len(digits) <= 19 and luhn_ok(digits) and len(set(digits)) > 2:
            findings.append(Finding("bank_card", digits, where, *m.span()))
            taken.append(m.span())
    for m in _MOBILE.finditer(text):
        if free(m.span()):
            findings.append(Finding("mobile", "".join(m.groups()), where, *m.span()))
            taken.append(m.span())
    return sorted(findings, key=lambda f: f.start)


def mask(value: str, kind: str) -> str:
    """Keep the first 6 and last 4 of an ID or card; mask the middle 4 of a phone number."""
    if kind == "mobile":
        return value[:3] + "****" + value[-4:]
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_text(text: str) -> str:
    """Replace every finding in `text` by its masked form (by position, so separators are handled)."""
    for f in sorted(scan_text(text, ""), key=lambda f: f.start, reverse=True):
        text = text[: f.start] + f.masked + text[f.end :]
    return text


def _scan_lines(text: str, where: str) -> list[Finding]:
    """Scan line by line so each finding says on which line of the attachment it is."""
    findings = []
    for number, line in enumerate(text.splitlines(), 1):
        findings += scan_text(line, f"{where}第{number}行")
    return findings


def _scan_xlsx(fileobj, where: str) -> list[Finding] | None:
    """Cell by cell, so each finding names its sheet and cell (e.g. 工作表“公示名单”C5)."""
    import openpyxl

    findings = []
    try:
        fileobj.open("rb")
    except (AttributeError, ValueError):
        pass
    try:
        fileobj.seek(0)
        wb = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    value = getattr(cell, "value", None)
                    if value is None or isinstance(value, float):
                        continue
                    text = str(value)
                    if len(text) >= 11:
                        findings += scan_text(text, f"{where}工作表“{ws.title}”{cell.coordinate}单元格")
        wb.close()
    except Exception:  # unreadable workbook: the caller falls back to the generic extractor
        return None
    finally:
        try:
            fileobj.seek(0)
        except Exception:
            pass
    return findings


def scan_attachment(attachment) -> list[Finding]:
    from portal.textextract import extract_text

    where = f"附件“{attachment.original_name}”"
    if attachment.file_type == "xlsx":
        findings = _scan_xlsx(attachment.file, where)
        if findings is not None:
            return findings
    return _scan_lines(extract_text(attachment.file, attachment.file_type), where)


def scan_item(item) -> list[Finding]:
    """Scan an item or a revision (both have title, summary, body and attachments)."""
    from portal.sanitize import plain_text

    findings = (
        scan_text(item.title, "标题") + scan_text(item.summary, "内容概述") + scan_text(plain_text(item.body), "正文")
    )
    from .attachment_scan import findings_of

    for attachment in item.attachments.all():
        findings += findings_of(attachment)  # read once when stored; not re-read here
    return findings


def ensure_clear(item) -> None:
    """Block submission and approval while findings exist, unless a leader overrode them (audited)."""
    if getattr(item, "pii_override_reason", ""):
        return
    findings = scan_item(item)
    if findings:
        listed = "；".join(str(f) for f in findings[:20])
        more = f"等共{len(findings)}处" if len(findings) > 20 else ""
        raise ValidationError(f"发现疑似个人隐私信息，请脱敏后再提交：{listed}{more}。")


# ---- masking (offered in the admin before submission) -------------------------------------------

MASKABLE_TYPES = ("xlsx", "docx", "csv", "txt")


def _mask_xlsx(data: bytes) -> bytes:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, (str, int)) and not isinstance(cell.value, bool):
                    text = str(cell.value)
                    masked = mask_text(text)
                    if masked != text:
                        cell.value = masked
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _mask_docx(data: bytes) -> bytes:
    import docx

    doc = docx.Document(io.BytesIO(data))

    def paragraphs():
        yield from doc.paragraphs
        for table in doc.tables:
            for row in table.rows:
                for cell in row.cells:
                    yield from cell.paragraphs

    for paragraph in paragraphs():
        for run in paragraph.runs:
            run.text = mask_text(run.text)
        if scan_text(paragraph.text, ""):  # a number split across runs: give up the runs' formatting
            paragraph.text = mask_text(paragraph.text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def mask_file(data: bytes, file_type: str) -> bytes:
    """The same file with every finding masked. PDF and images cannot be masked reliably: the
    editor replaces them with a masked source file."""
    if file_type == "xlsx":
        return _mask_xlsx(data)
    if file_type == "docx":
        return _mask_docx(data)
    if file_type in ("csv", "txt"):
        from portal.textextract import _decode

        return mask_text(_decode(data)).encode("utf-8")
    raise ValueError(file_type)
