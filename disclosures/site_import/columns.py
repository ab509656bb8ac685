"""The columns of an import or export file, by their Chinese header (docs/import.md 列)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from portal.spreadsheets import safe_cell


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    required: bool = False
    example: str = ""


COLUMNS = [
    Column("标题", "title", True, "龙陵县民政局关于2016年城乡低保提标的通知"),
    Column("发布日期", "published", True, "2016-12-30"),
    Column("成文日期", "written", False, "2016-12-28"),
    Column("文号", "document_number", False, "龙民发〔2016〕12号"),
    Column("索引号", "index_number", False, ""),
    Column("发布机构", "organization", False, "龙陵县民政局"),
    Column("公开目录", "category", False, "政策文件"),
    Column("信息类型", "kind", False, "政策文件"),
    Column("内容概述", "summary", False, "自2017年1月1日起提高城乡低保保障标准。"),
    Column("主题词", "keywords", False, "低保 标准"),
    Column("正文", "body", False, "<p>各乡镇人民政府：</p><p>……</p>"),
    Column("有效性", "validity", False, "有效"),
    Column("附件", "attachments", False, "提标方案.pdf"),
    Column("原网址", "source_url", False, "http://www.longling.gov.cn/mzj/info/1012.html"),
]
HEADERS = [c.header for c in COLUMNS]
BY_HEADER = {c.header: c for c in COLUMNS}
REQUIRED = [c.header for c in COLUMNS if c.required]
ATTACHMENT_SEPARATORS = (";", "；", "|", "\n")


class MappingError(ValueError):
    """A `--map` option or a header row that cannot be used (Chinese message)."""


def parse_map(text: str) -> dict[str, str]:
    """`旧列名=标题,发文日期=成文日期` → {old header: our header}."""
    mapping: dict[str, str] = {}
    for part in (text or "").replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        old, sep, new = part.partition("=")
        old, new = old.strip(), new.strip()
        if not sep or not old or new not in BY_HEADER:
            raise MappingError(f"列映射“{part}”不正确：应写作“旧列名=新列名”，新列名为 {'、'.join(HEADERS)} 之一。")
        mapping[old] = new
    return mapping


def header_positions(header_row: list[str], mapping: dict[str, str]) -> dict[str, int]:
    """Our header → the column index in the file. Unknown headers are ignored (an old site's extra
    columns); a required one that is missing, or a column given twice, is an error."""
    positions: dict[str, int] = {}
    for index, raw in enumerate(header_row):
        name = (raw or "").strip().lstrip("\ufeff").rstrip("*＊").strip()
        name = mapping.get(name, name)
        if name not in BY_HEADER:
            continue
        if name in positions:
            raise MappingError(f"表头中“{name}”出现了两次（第{positions[name] + 1}列和第{index + 1}列）。")
        positions[name] = index
    missing = [h for h in REQUIRED if h not in positions]
    if missing:
        raise MappingError(
            f"表头缺少必填列：{'、'.join(missing)}。第1行应为表头（可用的列：{'、'.join(HEADERS)}），"
            "其他名称的列可用“列映射”对应。"
        )
    return positions


def template_csv() -> str:
    """The template: the headers (required ones marked *) and one example row; BOM for Excel."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header + ("*" if c.required else "") for c in COLUMNS])
    writer.writerow([safe_cell(c.example) for c in COLUMNS])
    return "\ufeff" + out.getvalue()


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "信息"
    sheet.append([c.header + ("*" if c.required else "") for c in COLUMNS])
    sheet.append([safe_cell(c.example) for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS, 1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = (
            40 if column.field in ("title", "body") else 18
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
