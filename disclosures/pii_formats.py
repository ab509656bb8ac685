"""Structured text for the PII guard: every format is cut into segments (a line, a paragraph, one
table cell, one spreadsheet cell, one csv field, one PDF page line), each with a `where` a person
can find it by.

Cell and block boundaries separate numbers; inline markup does not: `<strong>5305231990</strong>
01011234` is one segment "530523199001011234", and a Word paragraph is the text of all its runs.
Segments that can be written back (HTML body, docx) keep, for every character, where it came
from, so the masking in `pii.py` edits text nodes and never markup.
"""

from __future__ import annotations

import csv
import html as html_lib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class Segment:
    text: str
    where: str
    # For each character of `text`: (node, start, end) in the source it came from, or None for a
    # character the source does not hold as text (a Word tab). HTML: node is the text-node index and
    # start/end are offsets in the HTML string; docx: node is the w:t element, start/end offsets in it.
    origins: list | None = field(default=None, repr=False)


# ---- HTML (the stored body: CKEditor 5 output after the nh3 allow-list) --------------------------

_TOKEN = re.compile(
    r"<!--.*?-->|<![^>]*>|<\?[^>]*>|</?[A-Za-z][^\s/>]*(?:[^>\"']|\"[^\"]*\"|'[^']*')*>",
    re.S,
)
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)")
_ATTR = re.compile(r"""([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);?")
_HTML_HINT = re.compile(
    r"</?(?:p|br|h[1-6]|div|span|strong|b|em|i|u|s|sub|sup|a|ul|ol|li|blockquote|figure|figcaption|img|"
    r"table|thead|tbody|tfoot|tr|th|td|caption|colgroup|col|hr|font|pre)\b[^<>]*>",
    re.I,
)

# Elements that start a new line (or cell) when rendered. Everything else (strong, span, a, em,
# sub, font ...) is inline: the text on both sides runs together, as a reader sees it.
BLOCK_TAGS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}


def looks_like_html(text: str) -> bool:
    return bool(text) and "<" in text and bool(_HTML_HINT.search(text))


def _span(attrs: str, name: str) -> int:
    for m in _ATTR.finditer(attrs):
        if m.group(1).lower() == name:
            value = next(v for v in m.groups()[1:] if v is not None)
            try:
                return max(1, min(int(value.strip()), 1000))
            except ValueError:
                return 1
    return 1


class _Table:
    def __init__(self, number: int):
        self.number = number
        self.row = 0
        self.col = 0
        self.taken: set[tuple[int, int]] = set()  # grid positions covered by rowspan/colspan

    def next_row(self):
        self.row += 1
        self.col = 0

    def cell(self, colspan: int, rowspan: int) -> tuple[int, int]:
        if self.row == 0:  # a cell outside any <tr>
            self.next_row()
        col = self.col + 1
        while (self.row, col) in self.taken:
            col += 1
        for r in range(self.row, self.row + rowspan):
            for c in range(col, col + colspan):
                self.taken.add((r, c))
        self.col = col + colspan - 1
        return self.row, col


def html_segments(source: str, where: str = "正文") -> list[Segment]:
    """Lines outside tables are “正文第N行” (non-empty lines counted in reading order; a list item is
    a line); a table cell is “正文表格第R行第C列” (“正文表格2第R行第C列” when there are several),
    rows and columns counted on the grid, so rowspan/colspan do not shift them."""
    tables_total = len(re.findall(r"<table[\s>]", source, re.I))
    segments: list[Segment] = []
    chars: list[str] = []
    origins: list[tuple[int, int, int]] = []
    stack: list[_Table] = []
    cell_where: list[str | None] = [None]  # innermost open cell, per table level
    counters = {"line": 0, "table": 0, "node": 0}

    def table_label(table: _Table) -> str:
        return f"{where}表格" if tables_total == 1 else f"{where}表格{table.number}"

    def flush():
        if not chars:
            return
        text = "".join(chars)
        if text.strip():
            label = cell_where[-1]
            if label is None:
                if stack:
                    label = f"{table_label(stack[-1])}标题"
                else:
                    counters["line"] += 1
                    label = f"{where}第{counters['line']}行"
            segments.append(Segment(text, label, list(origins)))
        chars.clear()
        origins.clear()

    def text_node(start: int, end: int):
        if start >= end:
            return
        node = counters["node"]
        counters["node"] += 1
        pos = start
        for m in _ENTITY.finditer(source, start, end):
            for i in range(pos, m.start()):
                add(source[i], node, i, i + 1)
            decoded = html_lib.unescape(m.group())
            for ch in decoded:
                add(ch, node, m.start(), m.end())
            pos = m.end()
        for i in range(pos, end):
            add(source[i], node, i, i + 1)

    def add(ch, node, start, end):
        chars.append(" " if ch in "\r\n\t\f" else ch)  # HTML whitespace renders as a space
        origins.append((node, start, end))

    pos = 0
    for m in _TOKEN.finditer(source):
        text_node(pos, m.start())
        pos = m.end()
        token = m.group()
        if token.startswith("<!") or token.startswith("<?"):
            continue
        name = _TAG_NAME.match(token).group(1).lower()
        if name not in BLOCK_TAGS:
            continue
        flush()
        closing = token.startswith("</")
        if name == "table":
            if closing:
                if stack:
                    stack.pop()
                    cell_where.pop()
            else:
                counters["table"] += 1
                stack.append(_Table(counters["table"]))
                cell_where.append(None)
        elif not stack:
            continue
        elif name == "tr" and not closing:
            stack[-1].next_row()
            cell_where[-1] = None
        elif name in ("td", "th"):
            if closing:
                cell_where[-1] = None
            else:
                row, col = stack[-1].cell(_span(token, "colspan"), _span(token, "rowspan"))
                cell_where[-1] = f"{table_label(stack[-1])}第{row}行第{col}列"
    text_node(pos, len(source))
    flush()
    return segments


def text_segments(text: str, where: str) -> list[Segment]:
    """Plain text, line by line (“{where}第N行”)."""
    return [Segment(line, f"{where}第{n}行") for n, line in enumerate(text.splitlines(), 1) if line.strip()]


# ---- xlsx ----------------------------------------------------------------------------------------

# A number cell formatted as money, with decimals, thousands separators or as a percentage is an
# amount, whatever its digits look like (a 11-digit budget figure is not a phone number).
_AMOUNT_FORMAT = re.compile(r"0\.0|#,#|[¥￥$%元]|\[\$")


def xlsx_cell_text(value, number_format: str | None) -> str | None:
    """The text of one cell as the PII guard reads it, or None when it cannot hold a number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        if not value.is_integer() or abs(value) >= 1e16:  # beyond float precision nothing is left of an ID
            return None
        value = int(value)
    if isinstance(value, int):
        if number_format and _AMOUNT_FORMAT.search(number_format):
            return None
        return str(value)
    return None  # dates, times, formulas' errors


def xlsx_segments(data: bytes, where: str) -> list[Segment]:
    """One segment per cell: “{where}工作表“名单”C5单元格”."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    segments = []
    try:
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    text = xlsx_cell_text(getattr(cell, "value", None), getattr(cell, "number_format", None))
                    if text and sum(ch.isdigit() for ch in text) >= 11:
                        segments.append(Segment(text, f"{where}工作表“{ws.title}”{cell.coordinate}单元格"))
    finally:
        wb.close()
    return segments


# ---- docx ----------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_TXBX = _W + "txbxContent"
# Not text a reader sees: deleted revisions, field codes; mc:Fallback repeats a text box's content.
_DOCX_SKIP = {_W + "del", _W + "delText", _W + "instrText", _W + "rPr", _W + "pPr", _MC_FALLBACK}
_DOCX_WRAPPERS = {_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "smartTag"}

# Other parts a published file carries (and a reader can open), named by what Word calls them.
_DOCX_PARTS = {
    "header": "页眉",
    "footer": "页脚",
    "footnotes": "脚注",
    "endnotes": "尾注",
    "comments": "批注",
}


@dataclass
class DocxPart:
    element: object  # lxml root of the part's XML
    label: str  # "" for the main document
    part: object  # the python-docx part (to write a generic part's blob back)
    generic: bool  # True when python-docx keeps the part only as bytes


def docx_parts(doc) -> list[DocxPart]:
    from docx.oxml import parse_xml

    parts = [DocxPart(doc.element, "", doc.part, False)]
    seen = {id(doc.part)}
    for rel in doc.part.rels.values():
        if rel.is_external:
            continue
        kind = rel.reltype.rsplit("/", 1)[-1]
        part = rel.target_part
        if kind not in _DOCX_PARTS or id(part) in seen:
            continue
        seen.add(id(part))
        element = getattr(part, "element", None)
        if element is not None:
            parts.append(DocxPart(element, _DOCX_PARTS[kind], part, False))
        else:
            parts.append(DocxPart(parse_xml(part.blob), _DOCX_PARTS[kind], part, True))
    return parts


class _DocxWalker:
    """Paragraphs outside tables are “第N段” (non-empty ones, in order); table cells are
    “表格T第R行第C列” (tables numbered in document order, nested ones too; columns on the grid,
    so merged cells do not shift them). Text boxes count as paragraphs."""

    def __init__(self, where: str):
        self.where = where
        self.paragraphs = 0
        self.tables = 0
        self.segments: list[Segment] = []

    def part(self, element, label: str):
        self.label = label
        self._walk(element, None)

    def _walk(self, element, cell: str | None):
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _DOCX_SKIP:
                continue
            if tag == _W + "p":
                self._paragraph(child, cell)
            elif tag == _W + "tbl":
                self._table(child)
            else:
                self._walk(child, cell)

    def _children(self, element, tag):
        for child in element:
            if child.tag == tag:
                yield child
            elif child.tag in _DOCX_WRAPPERS:
                yield from self._children(child, tag)

    def _val(self, element, path: str) -> int:
        found = element.find(path)
        if found is None:
            return 0
        try:
            return int(found.get(_W + "val", "1"))
        except ValueError:
            return 1

    def _table(self, tbl):
        self.tables += 1
        number = self.tables
        for r, tr in enumerate(self._children(tbl, _W + "tr"), 1):
            col = 1 + self._val(tr, f"{_W}trPr/{_W}gridBefore")
            for tc in self._children(tr, _W + "tc"):
                # In a header, footer or note the part's name is place enough.
                where = f"{self.where}{self.label or f'表格{number}第{r}行第{col}列'}"
                self._walk(tc, where)
                col += max(1, self._val(tc, f"{_W}tcPr/{_W}gridSpan"))

    def _paragraph(self, p, cell: str | None):
        chars: list[str] = []
        origins: list = []
        boxes = []

        def collect(element):
            for child in element:
                tag = child.tag
                if not isinstance(tag, str) or tag in _DOCX_SKIP:
                    continue
                if tag == _TXBX:
                    boxes.append(child)
                elif tag == _W + "t":
                    for i, ch in enumerate(child.text or ""):
                        chars.append(ch)
                        origins.append((child, i, i + 1))
                elif tag == _W + "tab":
                    chars.append(" ")
                    origins.append(None)
                elif tag in (_W + "br", _W + "cr"):
                    chars.append("\n")
                    origins.append(None)
                elif tag == _W + "noBreakHyphen":
                    chars.append("-")
                    origins.append(None)
                else:
                    collect(child)

        collect(p)
        text = "".join(chars)
        if text.strip():
            if cell is not None:
                where = cell
            elif self.label:
                where = f"{self.where}{self.label}"
            else:
                self.paragraphs += 1
                where = f"{self.where}第{self.paragraphs}段"
            self.segments.append(Segment(text, where, origins))
        for box in boxes:
            self._walk(box, cell)


def docx_segments_of(doc, where: str) -> list[Segment]:
    walker = _DocxWalker(where)
    for part in docx_parts(doc):
        walker.part(part.element, part.label)
    return walker.segments


def docx_segments(data: bytes, where: str) -> list[Segment]:
    import docx

    return docx_segments_of(docx.Document(io.BytesIO(data)), where)


# ---- csv, txt, pdf -------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with (written back the same way when masking)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace"), "utf-8"


def csv_segments(data: bytes, where: str) -> list[Segment]:
    """One segment per field: “{where}第N行第M列” (N counts records, as a spreadsheet shows them)."""
    text, _ = decode(data)
    segments = []
    for r, row in enumerate(csv.reader(io.StringIO(text, newline="")), 1):
        for c, value in enumerate(row, 1):
            if sum(ch.isdigit() for ch in value) >= 11:
                segments.append(Segment(value, f"{where}第{r}行第{c}列"))
    return segments


def txt_segments(data: bytes, where: str) -> list[Segment]:
    return text_segments(decode(data)[0], where)


def pdf_segments(data: bytes, where: str) -> list[Segment]:
    """The text layer, page by page (“{where}第N页”), scanned line by line. Scanned images have no
    text layer: they cannot be checked here (the README says so)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    segments = []
    for number, page in enumerate(reader.pages, 1):
        for line in (page.extract_text() or "").splitlines():
            if line.strip():
                segments.append(Segment(line, f"{where}第{number}页"))
    return segments


SEGMENTERS = {
    "xlsx": xlsx_segments,
    "docx": docx_segments,
    "csv": csv_segments,
    "txt": txt_segments,
    "pdf": pdf_segments,
}


def segments_for(data: bytes, file_type: str, where: str) -> Iterator[Segment]:
    segmenter = SEGMENTERS.get(file_type)
    if segmenter is None:
        return iter(())
    return iter(segmenter(data, where))
