"""Builds 低保 rosters for the PII recall tests: N people with a valid 18-digit ID (checksum and
birth date right), a 15-digit old ID for some, a mobile and a Luhn-valid card; rendered in every
format the guard reads (summary, body paragraphs, body list, body table in CKEditor 5's
figure.table layout, xlsx, docx paragraphs, docx table, csv, txt, pdf) and in every way numbers
are written in real rosters (full-width, grouped with spaces or hyphens, +86, split by inline
markup). Each rendering carries the findings the guard must report: (where, kind, value)."""

from __future__ import annotations

import csv
import datetime
import html
import io
import random
from dataclasses import dataclass, field

from disclosures import pii
from portal import minipdf

AREAS = ["530523", "530502", "530521", "530524", "110105", "310115", "440305", "510107", "650102", "420111"]
SURNAMES = "杨李段赵王张刘陈黄周吴徐孙马朱胡郭何高林"
GIVEN = "某明华芳强丽军静涛燕平勇艳杰娟磊"
MOBILE_PREFIXES = ["130", "133", "135", "138", "139", "147", "150", "158", "166", "176", "181", "187", "191", "199"]


def with_check(base17: str) -> str:
    total = sum(int(d) * w for d, w in zip(base17, pii.ID_WEIGHTS, strict=True))
    return base17 + pii.ID_CHECK[total % 11]


def with_luhn(base: str) -> str:
    for digit in "0123456789":
        if pii.luhn_ok(base + digit):
            return base + digit
    raise AssertionError(base)


@dataclass
class Person:
    name: str
    id18: str
    id15: str  # "" for most people
    mobile: str
    card: str
    household: int
    amount: int

    def planted(self) -> list[tuple[str, str]]:
        """(kind, value) of every personal number, in the order they appear in a row."""
        found = [("id18", self.id18)]
        if self.id15:
            found.append(("id15", self.id15))
        return found + [("mobile", self.mobile), ("bank_card", self.card)]


def make_people(n: int, seed: int = 2026) -> list[Person]:
    rng = random.Random(seed)
    people = []
    for i in range(n):
        old = i % 3 == 1  # some still carry a 15-digit ID: born in the 1900s
        born = datetime.date(1935, 1, 1) + datetime.timedelta(days=rng.randrange(0, 64 * 365 if old else 85 * 365))
        area = rng.choice(AREAS)
        while True:
            seq = f"{rng.randrange(1000):03d}"
            id18 = with_check(f"{area}{born:%Y%m%d}{seq}")
            if i != 0 or id18.endswith("X"):  # the first person has the checksum X
                break
        card_base = "62" + "".join(
            rng.choice("0123456789") for _ in range(13 if i % 2 else 16)
        )  # 16 or 19 digits with the Luhn digit
        people.append(
            Person(
                name=rng.choice(SURNAMES) + "某" + rng.choice(GIVEN),
                id18=id18,
                id15=f"{area}{born:%y%m%d}{seq}" if old else "",
                mobile=rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8)),
                card=with_luhn(card_base),
                household=rng.randint(1, 6),
                amount=rng.randint(1, 6) * 405,
            )
        )
    return people


# ---- how the numbers are written -----------------------------------------------------------------

FULL = {ord(c): ord(c) + 0xFEE0 for c in "0123456789X+-()"}


def _groups(value: str, sizes: list[int]) -> list[str]:
    out, pos = [], 0
    for size in sizes:
        out.append(value[pos : pos + size])
        pos += size
    if pos < len(value):
        out.append(value[pos:])
    return out


GROUPS = {"id18": [6, 8, 4], "id15": [6, 6, 3], "mobile": [3, 4, 4], "bank_card": [4, 4, 4, 4]}
PLUS86 = ["+86 {0} {1} {2}", "+86-{0}{1}{2}", "(+86){0}{1}{2}", "0086 {0}{1}{2}", "+86{0}-{1}-{2}"]

# Variants that plain text can carry; "split" (inline markup inside a number) only HTML and docx.
VARIANTS = ["plain", "fullwidth", "spaced", "hyphenated", "fullwidth_spaced", "plus86", "split"]
MARKUP_ONLY = {"split"}


def written(kind: str, value: str, variant: str, index: int = 0) -> str:
    """The number as the roster's author typed it (text; "split" is handled by the renderers)."""
    if variant == "fullwidth":
        return value.translate(FULL)
    if variant == "spaced":
        return " ".join(_groups(value, GROUPS[kind]))
    if variant == "hyphenated":
        return "-".join(_groups(value, GROUPS[kind]))
    if variant == "fullwidth_spaced":  # full-width digits, ideographic spaces, as some IMEs type them
        return "\u3000".join(_groups(value, GROUPS[kind])).translate(FULL)
    if variant == "plus86" and kind == "mobile":
        return PLUS86[index % len(PLUS86)].format(*_groups(value, GROUPS[kind]))
    return value


# Where inline markup splits each kind of number (HTML tags; Word runs).
SPLITS = {"id18": [10], "id15": [6], "mobile": [3], "bank_card": [4, 12]}


def pieces(kind: str, value: str) -> list[str]:
    out, pos = [], 0
    for cut in SPLITS[kind]:
        out.append(value[pos:cut])
        pos = cut
    return out + [value[pos:]]


def html_number(kind: str, value: str, variant: str, index: int) -> str:
    if variant != "split":
        return html.escape(written(kind, value, variant, index))
    tags = ["strong", "em", "span"]
    parts = pieces(kind, value)
    return "".join(f"<{tags[i % 3]}>{p}</{tags[i % 3]}>" if i % 2 == 0 else p for i, p in enumerate(parts))


# ---- renderings ----------------------------------------------------------------------------------

HEADER = ["序号", "姓名", "身份证号码", "原身份证号（15位）", "联系电话", "银行卡号", "家庭人口", "保障金额（元/月）"]
NUMBER_COLUMNS = {"id18": 3, "id15": 4, "mobile": 5, "bank_card": 6}  # 1-based columns of HEADER
TITLE = "龙陵县2026年12月城乡最低生活保障对象名单（龙民发〔2026〕6号）"


@dataclass
class Rendering:
    place: str  # "summary", "body" or "attachment"
    content: str | bytes
    expected: list[tuple[str, str, str]] = field(default_factory=list)  # (where, kind, value)
    file_type: str = ""
    name: str = ""


def _row_texts(person: Person, index: int, variant: str) -> list[str]:
    cells = [str(index + 1), person.name]
    for kind in ("id18", "id15", "mobile", "bank_card"):
        value = getattr(person, {"bank_card": "card"}.get(kind, kind))
        cells.append(written(kind, value, variant, index) if value else "")
    return cells + [str(person.household), str(person.amount)]


def _sentence(person: Person, index: int, number) -> str:
    old = f"原身份证号{number('id15', person.id15)}，" if person.id15 else ""
    return (
        f"{index + 1}. {person.name}，身份证号{number('id18', person.id18)}，{old}"
        f"联系电话{number('mobile', person.mobile)}，银行卡号{number('bank_card', person.card)}，"
        f"家庭人口{person.household}人，保障金额{person.amount}元"
    )


def _per_person(people, where):
    return [(where(i), kind, value) for i, p in enumerate(people) for kind, value in p.planted()]


def _per_cell(people, where):
    return [(where(i, NUMBER_COLUMNS[kind]), kind, value) for i, p in enumerate(people) for kind, value in p.planted()]


def summary(people, variant):
    lines = [TITLE] + [_sentence(p, i, lambda k, v, i=i: written(k, v, variant, i)) for i, p in enumerate(people)]
    return Rendering("summary", "\n".join(lines), _per_person(people, lambda i: "内容概述"))


def body_text(people, variant):
    paragraphs = [f"<p>{html.escape(TITLE)}</p>"] + [
        f"<p>{_sentence(p, i, lambda k, v, i=i: html_number(k, v, variant, i))}</p>" for i, p in enumerate(people)
    ]
    return Rendering("body", "".join(paragraphs), _per_person(people, lambda i: f"正文第{i + 2}行"))


def body_list(people, variant):
    items = "".join(
        f"<li>{_sentence(p, i, lambda k, v, i=i: html_number(k, v, variant, i))}</li>" for i, p in enumerate(people)
    )
    return Rendering(
        "body", f"<p>{html.escape(TITLE)}</p><ol>{items}</ol>", _per_person(people, lambda i: f"正文第{i + 2}行")
    )


def body_table(people, variant):
    """CKEditor 5's table markup: <figure class="table"><table><thead>…<tbody>…."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEADER)
    rows = []
    for i, p in enumerate(people):
        cells = [str(i + 1), p.name]
        for kind in ("id18", "id15", "mobile", "bank_card"):
            value = getattr(p, {"bank_card": "card"}.get(kind, kind))
            cells.append(html_number(kind, value, variant, i) if value else "")
        cells += [str(p.household), str(p.amount)]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    body = (
        f"<p>{html.escape(TITLE)}</p>"
        f'<figure class="table"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></figure>'
        "<p>公示期7天。</p>"
    )
    return Rendering("body", body, _per_cell(people, lambda i, c: f"正文表格第{i + 2}行第{c}列"))


def xlsx(people, variant):
    import openpyxl
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append([TITLE])
    ws.append(HEADER)
    for i, p in enumerate(people):
        row = _row_texts(p, i, variant)
        values = [i + 1, row[1], row[2], row[3] or None, row[4], row[5], p.household, p.amount]
        if variant == "plain" and i % 2:
            values[4] = int(p.mobile)  # typed into a number cell
        ws.append(values)
    name = f"低保名单-{variant}.xlsx"
    expected = _per_cell(
        people, lambda i, c: f"附件“{name}”工作表“名单”{get_column_letter(c)}{i + 3}单元格"
    )  # title and header rows first
    out = io.BytesIO()
    wb.save(out)
    return Rendering("attachment", out.getvalue(), expected, "xlsx", name)


def _docx_number(paragraph, kind, value, variant, index):
    if variant != "split":
        paragraph.add_run(written(kind, value, variant, index))
        return
    for n, part in enumerate(pieces(kind, value)):
        run = paragraph.add_run(part)
        run.bold = n % 2 == 0  # each piece in its own run, as Word stores a formatting change


def docx_paragraphs(people, variant):
    import docx

    doc = docx.Document()
    doc.add_paragraph(TITLE)
    for i, p in enumerate(people):
        paragraph = doc.add_paragraph()
        parts = _sentence(p, i, lambda k, v: "\0" + k + "\0").split("\0")
        for n, part in enumerate(parts):
            if n % 2:
                _docx_number(paragraph, part, getattr(p, {"bank_card": "card"}.get(part, part)), variant, i)
            elif part:
                paragraph.add_run(part)
    name = f"低保名单-{variant}.docx"
    out = io.BytesIO()
    doc.save(out)
    return Rendering(
        "attachment", out.getvalue(), _per_person(people, lambda i: f"附件“{name}”第{i + 2}段"), "docx", name
    )


def docx_table(people, variant):
    import docx

    doc = docx.Document()
    doc.add_paragraph(TITLE)
    table = doc.add_table(rows=1, cols=len(HEADER))
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for i, p in enumerate(people):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(i + 1), p.name
        for kind, column in NUMBER_COLUMNS.items():
            value = getattr(p, {"bank_card": "card"}.get(kind, kind))
            if value:
                _docx_number(cells[column - 1].paragraphs[0], kind, value, variant, i)
        cells[6].text, cells[7].text = str(p.household), str(p.amount)
    doc.add_paragraph("公示期7天。")
    name = f"低保名单表-{variant}.docx"
    out = io.BytesIO()
    doc.save(out)
    return Rendering(
        "attachment",
        out.getvalue(),
        _per_cell(people, lambda i, c: f"附件“{name}”表格1第{i + 2}行第{c}列"),
        "docx",
        name,
    )


def csv_file(people, variant):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for i, p in enumerate(people):
        writer.writerow(_row_texts(p, i, variant))
    name = f"低保名单-{variant}.csv"
    expected = _per_cell(people, lambda i, c: f"附件“{name}”第{i + 2}行第{c}列")
    return Rendering("attachment", out.getvalue().encode("gb18030"), expected, "csv", name)


def txt_file(people, variant):
    lines = [TITLE, "  ".join(HEADER)] + ["  ".join(_row_texts(p, i, variant)) for i, p in enumerate(people)]
    name = f"低保名单-{variant}.txt"
    expected = _per_person(people, lambda i: f"附件“{name}”第{i + 3}行")
    return Rendering("attachment", ("\n".join(lines) + "\n").encode("utf-8"), expected, "txt", name)


ROWS_PER_PAGE = 5


def pdf_file(people, variant):
    rows = [" ".join(c for c in _row_texts(p, i, variant) if c) for i, p in enumerate(people)]
    pages = [rows[n : n + ROWS_PER_PAGE] for n in range(0, len(rows), ROWS_PER_PAGE)]
    pages[0] = [TITLE, " ".join(HEADER)] + pages[0]
    name = f"低保名单-{variant}.pdf"
    expected = _per_person(people, lambda i: f"附件“{name}”第{i // ROWS_PER_PAGE + 1}页")
    return Rendering("attachment", cjk_pdf(pages), expected, "pdf", name)


FORMATS = {
    "summary": summary,
    "body_text": body_text,
    "body_list": body_list,
    "body_table": body_table,
    "xlsx": xlsx,
    "docx_paragraphs": docx_paragraphs,
    "docx_table": docx_table,
    "csv": csv_file,
    "txt": txt_file,
    "pdf": pdf_file,
}
MARKUP_FORMATS = {"body_text", "body_list", "body_table", "docx_paragraphs", "docx_table"}


def combinations():
    for fmt in FORMATS:
        for variant in VARIANTS:
            if variant in MARKUP_ONLY and fmt not in MARKUP_FORMATS:
                continue
            yield fmt, variant


# ---- a real PDF with a Chinese text layer, built by hand -------------------------------------------


def cjk_pdf(pages: list[list[str]]) -> bytes:
    """A PDF whose pages show the given lines in STSong-Light (one of the Adobe Asian fonts every
    reader provides; not embedded), text as UTF-16 with the UniGB-UTF16-H encoding: what a
    Chinese PDF printer produces, and what pypdf reads back through textextract."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UTF16-H /DescendantFonts [4 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo"
        b" << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 5 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
        b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    kids = []
    for lines in pages:
        ops = ["BT", "/F1 9 Tf", "14 TL", "30 800 Td"]
        ops += [f"<{line.encode('utf-16-be').hex().upper()}> Tj T*" for line in lines]
        stream = "\n".join(ops + ["ET"]).encode()
        number = len(objects) + 1
        kids.append(number)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R"
            b" /Resources << /Font << /F1 3 0 R >> >> >>" % (number + 1)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    return minipdf.write(objects, binary_marker=True)


# ---- numbers that are not personal ---------------------------------------------------------------


def non_personal(seed: int = 7) -> list[str]:
    """Amounts, 文号, 索引号, dates, postcodes, office landlines, credit codes, order and serial
    numbers, page counts, and 16-19 digit card-like numbers that fail Luhn."""
    rng = random.Random(seed)
    not_luhn = []
    while len(not_luhn) < 4:
        number = rng.choice("3456") + "".join(rng.choice("0123456789") for _ in range(rng.choice([15, 18])))
        if not pii.luhn_ok(number):
            not_luhn.append(number)
    return [
        "预算收入13856234567元",
        "13856234567.00元",
        "金额：13800000000元",
        "合计：13912345678元",
        "支出 13712345678 万元",
        "全年资金13612345678",
        "预算收入（元）13856234567",
        "增长13812345678%",
        "共13512345678人",
        "13712345678户",
        "龙民发〔2016〕12号",
        "龙政办发〔2026〕105号",
        "01526257-2-/2016-1230002",
        "115305230152625772/2021-00012",
        "015262610/2026-00017",
        "2016-12-30",
        "20161230",
        "2026年11月30日 09:30",
        "邮编678300",
        "0875-6121234",
        "(0875)6121234",
        "0875 612 1234",
        "（０８７５）６１２１２３４",
        "12345政务服务便民热线",
        "统一社会信用代码11530523015262572X",
        "统一社会信用代码91530523MA6K8XQ31B",
        "统一社会信用代码12530523015262610K",
        "订单号2026113012345678",
        "订单号 2026-1130-1234-5678",
        "项目编号LLCG-2026-017",
        "共12页",
        "第3页/共15页",
    ] + [f"流水号{n}" for n in not_luhn]


def render_non_personal(fmt: str, lines: list[str]) -> Rendering:
    """The same lines in one format (no findings expected)."""
    if fmt == "summary":
        return Rendering("summary", "\n".join(lines))
    if fmt == "body_text":
        return Rendering("body", "".join(f"<p>{html.escape(line)}</p>" for line in lines))
    if fmt == "body_list":
        return Rendering("body", "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>")
    if fmt == "body_table":
        rows = "".join(f"<tr><td>{n}</td><td>{html.escape(line)}</td></tr>" for n, line in enumerate(lines, 1))
        return Rendering("body", f'<figure class="table"><table><tbody>{rows}</tbody></table></figure>')
    name = f"非个人信息.{ {'docx_paragraphs': 'docx', 'docx_table': 'docx'}.get(fmt, fmt) }"
    if fmt == "xlsx":
        import openpyxl

        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "数据"
        for line in lines:
            ws.append([line])
        for value, number_format in [(13856234567, "#,##0.00"), (13800000000.5, "General"), (13912345678, "¥#,##0")]:
            ws.append([value])
            ws.cell(ws.max_row, 1).number_format = number_format
        ws.append([datetime.date(2016, 12, 30), 20161230, 678300])
        out = io.BytesIO()
        wb.save(out)
        return Rendering("attachment", out.getvalue(), file_type="xlsx", name=name)
    if fmt in ("docx_paragraphs", "docx_table"):
        import docx

        doc = docx.Document()
        if fmt == "docx_paragraphs":
            for line in lines:
                doc.add_paragraph(line)
        else:
            table = doc.add_table(rows=0, cols=2)
            for n, line in enumerate(lines, 1):
                cells = table.add_row().cells
                cells[0].text, cells[1].text = str(n), line
        out = io.BytesIO()
        doc.save(out)
        return Rendering("attachment", out.getvalue(), file_type="docx", name=name)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        for n, line in enumerate(lines, 1):
            writer.writerow([n, line, "备注"])
        return Rendering("attachment", out.getvalue().encode("utf-8-sig"), file_type="csv", name=name)
    if fmt == "txt":
        return Rendering("attachment", "\n".join(lines).encode("gb18030"), file_type="txt", name=name)
    if fmt == "pdf":
        return Rendering("attachment", cjk_pdf([lines[:20], lines[20:]]), file_type="pdf", name=name)
    raise ValueError(fmt)
