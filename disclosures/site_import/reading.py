"""Reading an import file: CSV or XLSX into numbered rows of cells, with limits (docs/import.md)."""

from __future__ import annotations

import csv
import datetime
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat

from portal.spreadsheets import FORMULA_START
from portal.textextract import Limits, container_refusal
from portal.uploads import sniff

MAX_BYTES = 200 * 1024 * 1024
MAX_ROWS = 200_000
# An old site's export can be large and repetitive (one body per row), so the container limits are
# wider than for attachments; a real decompression bomb is still far beyond them.
XLSX_LIMITS = Limits(uncompressed_bytes=1024 * 1024 * 1024, ratio=300, parts=200)
csv.field_size_limit(20 * 1024 * 1024)


class FileRefused(ValueError):
    """The whole file cannot be read; the message (Chinese) says why and nothing is imported."""


@dataclass
class Sheet:
    header: list[str]
    rows: list[tuple[int, list]]  # (line in the file, cells)
    name: str


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030, which older Chinese systems write; anything else
    is refused rather than imported as mojibake."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused("文件编码无法识别：请另存为 UTF-8 或 GB18030（GBK）编码的 CSV，或 Excel（.xlsx）文件。")


def read_file(path: str, name: str = "") -> Sheet:
    name = name or os.path.basename(path)
    size = os.path.getsize(path)
    if size == 0:
        raise FileRefused(f"文件“{name}”是空文件。")
    if size > MAX_BYTES:
        raise FileRefused(
            f"文件“{name}”大小为{filesizeformat(size)}，超过上限{filesizeformat(MAX_BYTES)}，请拆分后导入。"
        )
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    with open(path, "rb") as fh:
        actual = sniff(fh)
        if ext == "xlsx":
            if actual != "xlsx":
                raise FileRefused(f"文件“{name}”不是有效的 Excel（.xlsx）文件，可能已损坏或被改名。")
            refusal = container_refusal(fh, XLSX_LIMITS)
            if refusal:
                raise FileRefused(f"文件“{name}”未能读取：{refusal}")
            return _read_xlsx(fh, name)
        if ext in ("csv", "txt"):
            if actual is not None:  # a zip, PDF, image… renamed to .csv
                raise FileRefused(f"文件“{name}”的内容不是 CSV 文本，可能被改名，请检查后重新上传。")
            return _read_csv(fh.read(), name)
    if ext == "xls":
        raise FileRefused("不支持旧版 Excel（.xls）文件：请在 Excel 或 WPS 中另存为 .xlsx 或 CSV 后导入。")
    raise FileRefused(f"不支持的文件类型“.{ext or '无扩展名'}”：请使用 CSV 或 Excel（.xlsx）文件。")


def _read_csv(data: bytes, name: str) -> Sheet:
    text = decode(data)
    if "\x00" in text:
        raise FileRefused(f"文件“{name}”含有二进制内容，不是 CSV 文本。")
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list]] = []
    header: list[str] | None = None
    line = 0
    try:
        # `line` counts records, not physical lines: a cell with line breaks is one row, as the
        # clerk sees it in Excel or WPS (the header is row 1).
        for line, cells in enumerate(reader, 1):  # noqa: B007 - `line` is used after the loop
            if header is None:
                header = cells
                continue
            if not any((c or "").strip() for c in cells):
                continue
            rows.append((line, cells))
            if len(rows) > MAX_ROWS:
                raise FileRefused(f"文件超过{MAX_ROWS}行，请拆分后导入。")
    except csv.Error as exc:
        raise FileRefused(f"CSV 第{line + 1}行格式错误（{exc}），请检查引号是否成对。") from exc
    if header is None:
        raise FileRefused(f"文件“{name}”没有内容。")
    return Sheet(header, rows, name)


def _read_xlsx(fh, name: str) -> Sheet:
    from openpyxl import load_workbook

    try:
        book = load_workbook(fh, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise FileRefused(
            f"文件“{name}”无法作为 Excel 读取（{type(exc).__name__}），请在 Excel 或 WPS 中重新保存。"
        ) from exc
    try:
        sheet = book.worksheets[0]
        rows: list[tuple[int, list]] = []
        header: list[str] | None = None
        for line, values in enumerate(sheet.iter_rows(values_only=True), 1):
            cells = list(values)
            if header is None:
                if not any(v not in (None, "") for v in cells):
                    continue
                header = ["" if v is None else str(v) for v in cells]
                continue
            if not any(v not in (None, "") and str(v).strip() for v in cells):
                continue
            rows.append((line, cells))
            if len(rows) > MAX_ROWS:
                raise FileRefused(f"文件超过{MAX_ROWS}行，请拆分后导入。")
    finally:
        book.close()
    if header is None:
        raise FileRefused(f"文件“{name}”的第一个工作表没有内容。")
    return Sheet(header, rows, name)


def iter_cells(sheet: Sheet, positions: dict[str, int]) -> Iterator[tuple[int, dict]]:
    """(line, {our header: raw value}) for every data row."""
    for line, cells in sheet.rows:
        yield line, {h: (cells[i] if i < len(cells) else None) for h, i in positions.items()}


def text_of(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] in FORMULA_START:  # our own exports neutralize formulas so
        return text[1:]
    return text
