"""Word (python-docx) and Excel (openpyxl) versions of a report. Both are drawn from one grid
description of each table (cells with their row/column spans, labels from layout.py), so merged
headers are the same as on the web page, cell for cell.

Word: East-Asian fonts are set on every style and run (w:eastAsia), otherwise Word falls back to
its default for Chinese (docs/design.md, 技术要点); the 公文 fonts are named, not bundled. Charts are not
embedded (python-docx cannot take SVG); the Word file carries the tables and the text.
Excel: one sheet per table, merged headers, numbers stored as numbers.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser

from portal.spreadsheets import safe_cell
from portal.wordfiles import east_asian

from .layout import APPLICANT_COLUMNS, LEGAL_PERSON_GROUP, RESULT_COLUMNS, TABLE3_CORNER, TABLE4_GROUPS
from .narrative import fee_text

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"


@dataclass
class Cell:
    row: int
    col: int
    value: object
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


@dataclass
class Grid:
    title: str
    rows: int
    cols: int
    cells: list[Cell]

    def value_at(self, row: int, col: int):
        for c in self.cells:
            if c.row == row and c.col == col:
                return c.value
        return None


def _number(value):
    if isinstance(value, str):
        return Decimal(value)
    return value


def grid_table2(view: dict) -> Grid:
    cells, r = [], 0
    for block in view["table2"]:
        cells.append(Cell(r, 0, block["title"], colspan=4, header=True))
        r += 1
        cells.append(Cell(r, 0, "信息内容", header=True))
        c = 1
        for h in block["headers"]:
            cells.append(Cell(r, c, h["text"], colspan=h["colspan"], header=True))
            c += h["colspan"]
        r += 1
        for row in block["rows"]:
            cells.append(Cell(r, 0, row["label"], header=True))
            c = 1
            for cell in row["cells"]:
                cells.append(Cell(r, c, _number(cell["value"]), colspan=cell["colspan"]))
                c += cell["colspan"]
            r += 1
    return Grid("二、主动公开政府信息情况", r, 4, cells)


def grid_table3(view: dict) -> Grid:
    cells = [
        Cell(0, 0, TABLE3_CORNER, rowspan=3, colspan=3, header=True),
        Cell(0, 3, "申请人情况", colspan=7, header=True),
        Cell(1, 3, APPLICANT_COLUMNS[0][1], rowspan=2, header=True),
        Cell(1, 4, LEGAL_PERSON_GROUP, colspan=5, header=True),
        Cell(1, 9, APPLICANT_COLUMNS[6][1], rowspan=2, header=True),
    ]
    for i, (_, label) in enumerate(APPLICANT_COLUMNS[1:6]):
        cells.append(Cell(2, 4 + i, label, header=True))
    occupied: set[tuple[int, int]] = set()
    for i, row in enumerate(view["table3"]):
        r = 3 + i
        c = 0
        for label in row["labels"]:
            while (r, c) in occupied:
                c += 1
            cells.append(Cell(r, c, label.text, rowspan=label.rowspan, colspan=label.colspan, header=True))
            for dr in range(label.rowspan):
                for dc in range(label.colspan):
                    occupied.add((r + dr, c + dc))
            c += label.colspan
        for j, cell in enumerate(row["cells"]):
            cells.append(Cell(r, 3 + j, cell["value"]))
    return Grid("三、收到和处理政府信息公开申请情况", 3 + len(view["table3"]), 10, cells)


def grid_table4(view: dict) -> Grid:
    cells = [Cell(0, 0, "行政复议", colspan=5, header=True), Cell(0, 5, "行政诉讼", colspan=10, header=True)]
    for i, (_, label) in enumerate(RESULT_COLUMNS):
        cells.append(Cell(1, i, label, rowspan=2, header=True))
    for g, (_, _, sub) in enumerate(TABLE4_GROUPS[1:]):
        cells.append(Cell(1, 5 + g * 5, sub, colspan=5, header=True))
        for i, (_, label) in enumerate(RESULT_COLUMNS):
            cells.append(Cell(2, 5 + g * 5 + i, label, header=True))
    for i, cell in enumerate(view["table4"]):
        cells.append(Cell(3, i, cell["value"]))
    return Grid("四、政府信息公开行政复议、行政诉讼情况", 4, 15, cells)


def grids(view: dict) -> list[Grid]:
    return [grid_table2(view), grid_table3(view), grid_table4(view)]


# ---- narrative HTML → paragraphs ------------------------------------------------------------


class _Blocks(HTMLParser):
    BLOCKS = {"p", "h2", "h3", "h4", "li", "blockquote", "td", "th", "figcaption"}

    def __init__(self):
        super().__init__()
        self.blocks: list[tuple[str, str]] = []
        self._tag, self._text = "p", []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._flush()
            self._tag = tag
        elif tag == "br":
            self._text.append("\n")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data):
        self._text.append(data)

    def _flush(self):
        text = "".join(self._text).strip()
        if text:
            self.blocks.append((self._tag, text))
        self._text = []

    def close(self):
        super().close()
        self._flush()


def html_blocks(html: str) -> list[tuple[str, str]]:
    parser = _Blocks()
    parser.feed(html or "")
    parser.close()
    return parser.blocks


# ---- Word -----------------------------------------------------------------------------------


def _paragraph(
    doc, text: str, *, font: str = BODY_FONT, size: float = 16, bold: bool = False, align=None, indent: bool = True
):
    from docx.shared import Pt

    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    east_asian(run, font)
    return p


def _docx_table(doc, grid: Grid):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    table = doc.add_table(rows=grid.rows, cols=grid.cols)
    table.style = "Table Grid"
    for cell in grid.cells:
        target = table.cell(cell.row, cell.col)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
        paragraph = target.paragraphs[0]
        text = str(cell.value)
        run = paragraph.add_run(text)
        run.font.size = Pt(9)
        run.bold = cell.header and cell.row < 3 and grid.cols != 4
        east_asian(run, BODY_FONT)
        if not cell.header:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif cell.colspan > 1 or cell.rowspan > 1 and cell.row < 3:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return table


def to_docx(title: str, data: dict, view: dict) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.PORTRAIT
    section.left_margin = section.right_margin = Mm(20)
    for style_name in ("Normal", "Table Grid"):
        style = doc.styles[style_name]
        east_asian(style, BODY_FONT)
    doc.styles["Normal"].font.size = Pt(16)
    doc.core_properties.title = title
    _paragraph(doc, title, font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(
        doc,
        "本报告根据《中华人民共和国政府信息公开条例》第四十九条、第五十条和"
        f"《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）编制，报告期为{data['year']}年1月1日至12月31日。",
    )
    sections = view["sections"]

    def narrative(html: str, empty: str = "（未填写）"):
        blocks = html_blocks(html)
        if not blocks:
            _paragraph(doc, empty)
        for tag, text in blocks:
            _paragraph(doc, text, font=HEADING_FONT if tag in ("h2", "h3", "h4") else BODY_FONT)

    _paragraph(doc, sections[0], font=HEADING_FONT, indent=True)
    narrative(view["overview"])
    table_grids = grids(view)
    for heading, grid in zip(sections[1:4], table_grids, strict=True):
        _paragraph(doc, heading, font=HEADING_FONT)
        _docx_table(doc, grid)
        if grid is table_grids[0] and data["table2"].get("source"):
            _paragraph(
                doc, f"行政许可、行政处罚、行政强制、行政事业性收费数据来源：{data['table2']['source']}", size=10.5
            )
    _paragraph(doc, sections[4], font=HEADING_FONT)
    narrative(view["problems"])
    _paragraph(doc, sections[5], font=HEADING_FONT)
    for matter in view["other_matters"]:
        _paragraph(doc, matter["title"], font="楷体_GB2312")
        if matter["key"] == "fee":
            _paragraph(doc, fee_text(data))
            if matter["html"]:
                narrative(matter["html"])
        else:
            narrative(matter["html"], "（无）")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ---- Excel ----------------------------------------------------------------------------------

SHEET_NAMES = ["二、主动公开", "三、依申请公开", "四、复议诉讼"]


def to_xlsx(title: str, data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    from . import present

    view = {
        "table2": present.table2_blocks(data),
        "table3": present.table3_rows(data),
        "table4": present.table4_cells(data),
    }
    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for name, grid in zip(SHEET_NAMES, grids(view), strict=True):
        ws = wb.create_sheet(name)
        ws.cell(1, 1, safe_cell(f"{title} — {grid.title}")).font = Font(bold=True, size=12)
        top = 3  # row 1 title, row 2 blank, table from row 3
        for cell in grid.cells:
            target = ws.cell(top + cell.row, 1 + cell.col)
            value = cell.value
            if isinstance(value, Decimal):
                target.value = float(value)
                target.number_format = "0.00"
            else:
                target.value = safe_cell(value)
            target.alignment = Alignment(
                horizontal="center"
                if cell.header and (cell.colspan > 1 or cell.row < 3)
                else ("left" if cell.header else "right"),
                vertical="center",
                wrap_text=True,
            )
            if cell.header:
                target.font = Font(bold=cell.row < 3 and grid.cols != 4)
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(
                    start_row=top + cell.row,
                    start_column=1 + cell.col,
                    end_row=top + cell.row + cell.rowspan - 1,
                    end_column=1 + cell.col + cell.colspan - 1,
                )
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    ws.cell(top + cell.row + dr, 1 + cell.col + dc).border = border
        widths = {4: [18, 14, 14, 14], 10: [14, 16, 44, 10, 10, 10, 12, 12, 10, 10]}.get(grid.cols, [12] * grid.cols)
        for i, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        if name == SHEET_NAMES[0] and data["table2"].get("source"):
            ws.cell(top + grid.rows + 1, 1, safe_cell(f"数据来源：{data['table2']['source']}"))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
