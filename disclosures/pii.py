"""PII guard: finds 身份证号, mobile numbers and bank card numbers before anything is published.

Social-assistance rosters may show only name, household size and amount (最低生活保障审核确认办法
第二十四条; 条例第十五条). Real leaks put full ID numbers in body tables and in attachments, so:

Where it looks. Structured text is scanned piece by piece, never flattened: each line or list item
of the body, each body table cell, each spreadsheet cell, each docx paragraph and table cell (and
header, footer, footnote, comment, text box), each csv field, each line of a PDF page's text
layer (`pii_formats.py`). Cell and block boundaries separate numbers; inline markup does not
(`<strong>5305231990</strong>01011234` and a number split over Word runs are one number). Every
finding says where it is: 标题, 内容概述, 正文第3行, 正文表格第2行第5列, 附件“名单.xlsx”工作表
“名单”C5单元格, 附件“名单.docx”表格1第3行第2列 / 第4段, 附件“名单.csv”第3行第5列, 附件“名单.txt”
第3行, 附件“名单.pdf”第2页.

Normalization. Before matching, full-width characters are folded as NFKC does (０-９ → 0-9, Ｘ → X,
＋, －, （）), other spaces (no-break, ideographic) become spaces, dashes (‐ ‑ – — −) become
hyphens, and zero-width characters and soft hyphens are dropped. Separators are accepted only
where people group these numbers: an ID as 6-8-4 or 6-4-4-4 (15-digit: 6-6-3), a mobile as 3-4-4
with an optional +86 / 0086 / (+86) prefix, a card in groups of four or as 6 + the rest; a
separator is 1-3 spaces or one hyphen with optional spaces around it, never a line break.

What counts (precision). Every match must stand alone: no digit or Latin letter directly before or
after it. An 18-digit ID needs a known province code (11-65, 71, 81-83; 9 for the permanent
residence ID of foreigners), a birth date between 1900 and today and a valid checksum; a 15-digit
one the province code and a birth date. A card number has 16-19 digits, starts as card numbers do
(3, 4, 5, 6 or 9 — never 1, 2, 7, 8 or 0, which is where date-based order and serial numbers
start), passes Luhn and is not one repeated digit. A mobile is 11 digits starting 13-19.
An 11-digit 1[3-9]… number (and a card-like number) is an amount, not a phone or a card, when it has
a decimal part (`13856234567.00`), is followed by a unit of money, proportion or count
(元, 万, 亿, 千元, %, ‰ — spaces allowed before them — or directly by 人, 户, 件, 个, 次, 笔, 份, 名,
家, 套, 台, 辆, 吨, 亩; 人口/人员 and 户主/户籍 do not count as units), or is preceded by an amount
word (金额, 收入, 支出, 预算, 合计, 总计, 总额, 余额, 资金, 经费, 人民币, ¥) with at most a colon,
为/是/达/约/共/计, a short parenthesis such as （元） and spaces between. In a spreadsheet a number
cell formatted as money, with decimals or thousands separators or as a percentage is an amount.
So 文号, 索引号, dates, postcodes, office landlines (0875-6121234), 统一社会信用代码 and order
numbers are not findings. IDs are not subject to the amount rules: the checksum is proof enough.
"""

from __future__ import annotations

import datetime
import io
import logging
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from . import pii_formats

log = logging.getLogger(__name__)

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"

# GB/T 2260 province-level codes (the first two digits of an ID), plus 81-83 for the residence
# permits of Hong Kong, Macao and Taiwan residents; the foreigners' permanent residence ID starts with 9.
PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42",
    "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83",
}  # fmt: skip

_B = r"(?<![0-9A-Za-z])"  # stands alone: nothing alphanumeric directly before ...
_E = r"(?![0-9A-Za-z])"  # ... or after
_S = r"(?: {1,3}| ?- ?)"  # one separator between groups (after normalization)

_ID18 = re.compile(_B + rf"([1-9]\d{{5}}){_S}?(\d{{4}}){_S}?(\d{{4}}){_S}?(\d{{3}}[0-9Xx])" + _E)
_ID15 = re.compile(_B + rf"([1-9]\d{{5}}){_S}?(\d{{6}}){_S}?(\d{{3}})" + _E)
_MOBILE = re.compile(_B + r"(?:(?:\+|00)?86 ?-? ?|\(\+?86\) ?)?" + rf"(1[3-9]\d){_S}?(\d{{4}}){_S}?(\d{{4}})" + _E)
_CARD = re.compile(_B + r"[3-69]\d{15,18}" + _E)
# Grouped card numbers: 4-4-4-4 with up to three more digits, or 6 + the rest. What follows a group
# may be the next column (a household size after two spaces in a text file), so the candidates are
# tried longest first and the first that is a whole, Luhn-valid card number wins.
# Matches may overlap (a phone's last groups can look like a card's first), hence the lookahead.
_CARD_GROUPED = re.compile(
    _B + rf"(?=(?P<card>[3-69]\d{{3}}(?:{_S}\d{{4}}){{3}}(?P<tail>{_S}\d{{1,3}})?|[3-69]\d{{5}}{_S}\d{{10,13}}))"
)
_AMOUNT_AFTER = re.compile(
    r"\.\d| *(?:元|万|亿|千元|百万|%|‰)|(?:人(?![口员])|户(?![主籍口])|件|个|次|笔|份|名|家|套|台|辆|吨|亩)"
)
_AMOUNT_BEFORE = re.compile(
    r"(?:金额|收入|支出|预算|合计|总计|总额|余额|资金|经费|人民币|¥) *(?:[:=] *)?(?:为|是|达|约|共计|共|计)? *"
    r"(?:\([^()\n]{0,6}\) *)?(?:¥ *)?$"
)

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


# ---- normalization -------------------------------------------------------------------------------

_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}  # full-width ASCII forms, as NFKC folds them
_FOLD.update({ord(c): " " for c in "\t\r\f\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"})
_FOLD.update({ord(c): " " for c in "\u2008\u2009\u200a\u202f\u205f\u3000"})
_FOLD.update({ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"})
_FOLD[0xFFE5] = "¥"  # full-width yen sign (NFKC)
_DROP = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")  # invisible: must not split a number


def normalize(text: str) -> tuple[str, list[int] | None]:
    """The text to match, and for each of its characters the index in `text` (None: the same)."""
    if not _DROP.search(text):
        return text.translate(_FOLD), None
    kept = [i for i, ch in enumerate(text) if not _DROP.match(ch)]
    return "".join(text[i] for i in kept).translate(_FOLD), kept


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit() or ch == "X")


# ---- detection -----------------------------------------------------------------------------------


def _plausible_birth(yyyymmdd: str) -> bool:
    try:
        born = datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return False
    return datetime.date(1900, 1, 1) <= born <= datetime.date.today()


def _plausible_area(area: str) -> bool:
    return area[:2] in PROVINCES or area[0] == "9"


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


def _is_amount(norm: str, start: int, end: int) -> bool:
    return bool(_AMOUNT_AFTER.match(norm, end) or _AMOUNT_BEFORE.search(norm[max(0, start - 24) : start]))


def scan_text(text: str, where: str) -> list[Finding]:
    """Findings in one piece of plain text (a line, a cell, a field); spans index `text`."""
    if not text or sum(ch.isdigit() for ch in text) < 11:
        return []
    norm, index = normalize(text)
    findings: list[tuple[str, str, int, int]] = []
    taken: list[tuple[int, int]] = []

    def free(span):
        return all(span[1] <= a or span[0] >= b for a, b in taken)

    def add(kind, value, span):
        findings.append((kind, value, *span))
        taken.append(span)

    for m in _ID18.finditer(norm):
        number = "".join(m.groups()).upper()
        if _plausible_area(number) and _plausible_birth(number[6:14]) and id_checksum_ok(number):
            add("id18", number, m.span())
    for m in _ID15.finditer(norm):
        number = "".join(m.groups())
        if free(m.span()) and _plausible_area(number) and _plausible_birth("19" + number[6:12]):
            add("id15", number, m.span())

    def card(start, end) -> bool:
        digits = _digits(norm[start:end])
        return (
            16 <= len(digits) <= 19
            and not (end < len(norm) and norm[end].isascii() and norm[end].isalnum())
            and luhn_ok(digits)
            and len(set(digits)) > 2
            and not _is_amount(norm, start, end)
        )

    for m in _CARD.finditer(norm):
        if free(m.span()) and card(*m.span()):
            add("bank_card", _digits(m.group()), m.span())
    for m in _MOBILE.finditer(norm):
        if free(m.span()) and not _is_amount(norm, *m.span()):
            add("mobile", "".join(m.groups()), m.span())
    # Grouped cards last: a phone written 3-4-4 next to a card written 4-4-4-4 could otherwise be read
    # as the first groups of a card (1 in 10 such runs passes Luhn by chance).
    for m in _CARD_GROUPED.finditer(norm):
        start = m.start("card")
        ends = [m.end("card")] + ([m.start("tail")] if m.group("tail") else [])
        for end in ends:
            if free((start, end)) and card(start, end):
                add("bank_card", _digits(norm[start:end]), (start, end))
                break

    def original(pos_start, pos_end):
        if index is None:
            return pos_start, pos_end
        return index[pos_start], index[pos_end - 1] + 1

    return sorted(
        (Finding(kind, value, where, *original(start, end)) for kind, value, start, end in findings),
        key=lambda f: f.start,
    )


def scan_html(html: str, where: str = "正文") -> list[Finding]:
    """The body: line by line and table cell by table cell (see `pii_formats.html_segments`)."""
    findings = []
    for segment in _body_segments(html, where):
        findings += scan_text(segment.text, segment.where)
    return findings


def _body_segments(body: str, where: str):
    if pii_formats.looks_like_html(body):
        return pii_formats.html_segments(body, where)
    return pii_formats.text_segments(body, where)


def scan_file(data: bytes, file_type: str, name: str) -> list[Finding]:
    """Findings in one attachment's bytes, given its type (xlsx, docx, csv, txt, pdf; other types
    have no text to check). `name` is the file name shown in `where`. A file that cannot be read
    yields no findings and a log line, as the text extraction for search does."""
    where = f"附件“{name}”"
    try:
        segments = list(pii_formats.segments_for(data, file_type, where))
    except Exception:  # a damaged file must not break the workflow; it is logged
        log.warning("PII scan could not read %s attachment %s", file_type, name, exc_info=True)
        return []
    findings = []
    for segment in segments:
        findings += scan_text(segment.text, segment.where)
    return findings


def _read(fieldfile) -> bytes:
    was_closed = fieldfile.closed
    fieldfile.open("rb")
    try:
        return fieldfile.read()
    finally:
        if was_closed:
            fieldfile.close()
        else:
            fieldfile.seek(0)


def scan_attachment(attachment) -> list[Finding]:
    try:
        data = _read(attachment.file)
    except (OSError, ValueError):
        log.warning("PII scan could not open attachment %s", attachment.original_name, exc_info=True)
        return []
    return scan_file(data, attachment.file_type, attachment.original_name)


def scan_item(item) -> list[Finding]:
    """Scan an item or a revision (both have title, summary, body and attachments)."""
    from .attachment_scan import findings_of

    findings = scan_text(item.title, "标题") + scan_text(item.summary, "内容概述") + scan_html(item.body, "正文")
    for attachment in item.attachments.all():
        findings += findings_of(attachment)  # read once when stored (disclosures/attachment_scan.py)
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


def mask(value: str, kind: str) -> str:
    """Keep the first 6 and last 4 of an ID or card; mask the middle 4 of a phone number."""
    if kind == "mobile":
        return value[:3] + "****" + value[-4:]
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def _value_positions(text: str, finding: Finding) -> list[int]:
    """Indexes in `text` of the characters that make up the finding's value (its digits, not the
    separators or a +86 prefix)."""
    positions = [i for i in range(finding.start, finding.end) if text[i].isdigit() or text[i] in "XxＸｘ"]
    return positions[-len(finding.value) :]


def _hidden(finding: Finding) -> range:
    """Which characters of the value the mask hides."""
    if finding.kind == "mobile":
        return range(3, 7)
    return range(6, len(finding.value) - 4)


def mask_text(text: str, *, html: bool | None = None) -> str:
    """Replace every finding in `text` by its masked form. HTML (detected, or html=True) is masked
    inside its text nodes only (see `mask_html`)."""
    if html is None:
        html = pii_formats.looks_like_html(text)
    if html:
        return mask_html(text)
    for f in sorted(scan_text(text, ""), key=lambda f: f.start, reverse=True):
        positions = _value_positions(text, f)
        text = text[: positions[0]] + f.masked + text[positions[-1] + 1 :]
    return text


def _segment_edits(segment) -> list[tuple[object, int, int, str]]:
    """(node, start, end, replacement) edits that mask a segment's findings in its source. A number
    inside one text node is replaced by its masked form; a number spread over several nodes (split
    by inline tags or Word runs) keeps its layout and has each hidden digit replaced by “*”."""
    edits = []
    for f in scan_text(segment.text, ""):
        positions = _value_positions(segment.text, f)
        origins = [segment.origins[i] for i in range(positions[0], positions[-1] + 1)]
        if all(o is not None and o[0] == origins[0][0] for o in origins) and all(
            a[2] == b[1] or a[1] == b[1] for a, b in zip(origins, origins[1:], strict=False)
        ):
            edits.append((origins[0][0], origins[0][1], origins[-1][2], f.masked))
            continue
        for n in _hidden(f):
            origin = segment.origins[positions[n]]
            if origin is not None:
                edits.append((origin[0], origin[1], origin[2], "*"))
    return edits


def mask_html(html: str) -> str:
    """Mask the body: only text is changed, never a tag or attribute, so the HTML stays as valid as
    it was; a number split by inline tags is masked digit by digit in place."""
    edits = []
    for segment in pii_formats.html_segments(html, ""):
        edits += _segment_edits(segment)
    for _node, start, end, replacement in sorted(edits, key=lambda e: e[1], reverse=True):
        html = html[:start] + replacement + html[end:]
    return html


def _mask_xlsx(data: bytes) -> bytes:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                text = pii_formats.xlsx_cell_text(cell.value, cell.number_format)
                if text is None:
                    continue
                masked = mask_text(text, html=False)
                if masked != text:
                    cell.value = masked
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _mask_docx(data: bytes) -> bytes:
    """Edits the w:t texts in place, so runs keep their formatting (also in headers, footers,
    footnotes, comments, text boxes and nested tables: everything `scan_file` reads)."""
    import docx
    from lxml import etree

    doc = docx.Document(io.BytesIO(data))
    for part in pii_formats.docx_parts(doc):
        walker = pii_formats._DocxWalker("")
        walker.part(part.element, part.label)
        edits = []
        for segment in walker.segments:
            edits += _segment_edits(segment)
        if not edits:
            continue
        for element, start, end, replacement in sorted(edits, key=lambda e: (id(e[0]), e[1]), reverse=True):
            text = element.text or ""
            element.text = text[:start] + replacement + text[end:]
        if part.generic:
            part.part._blob = etree.tostring(part.element, xml_declaration=True, encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _mask_lines(data: bytes) -> bytes:
    text, encoding = pii_formats.decode(data)
    masked = "".join(mask_text(line, html=False) for line in text.splitlines(keepends=True))
    return masked.encode(encoding)


def mask_file(data: bytes, file_type: str) -> bytes:
    """The same file with every finding masked. PDF and images cannot be masked reliably: the
    editor replaces them with a masked source file."""
    if file_type == "xlsx":
        return _mask_xlsx(data)
    if file_type == "docx":
        return _mask_docx(data)
    if file_type in ("csv", "txt"):
        return _mask_lines(data)
    raise ValueError(file_type)
