"""One row of an import file → a checked `Row`, or every reason it cannot be imported
(docs/import.md 每行的规则). Nothing here writes to the database."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils import timezone
from django.utils.html import escape

from portal.models import Organization
from portal.uploads import check_attachment

from ..document_numbers import document_number_key
from ..models import Category, DisclosureItem, ItemKind
from .columns import ATTACHMENT_SEPARATORS
from .reading import text_of

EARLIEST = datetime.date(1949, 1, 1)
EXCEL_EPOCH = datetime.date(1899, 12, 30)  # Excel's day 0 (its 1900 leap-year bug included)
VALIDITY = {"有效": "valid", "失效": "expired", "废止": "repealed", "": ""}
VALIDITY.update({value: value for value in ("valid", "expired", "repealed")})
KINDS = {label: value for value, label in ItemKind.choices} | {value: value for value, _ in ItemKind.choices}
LIMITS = {"标题": 300, "文号": 100, "索引号": 60, "主题词": 200, "原网址": 500}

_DATE = re.compile(
    r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2})(?:\.\d+)?秒?)?)?\s*(?:[+-]\d{2}:?\d{2}|Z)?\s*$"
)
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")
_SERIAL = re.compile(r"^\s*(\d{4,5})(?:\.(\d+))?\s*$")


@dataclass
class RowError:
    line: int
    column: str
    reason: str


@dataclass
class Row:
    line: int
    title: str = ""
    published_at: datetime.datetime | None = None
    written_date: datetime.date | None = None
    document_number: str = ""
    index_number: str = ""
    organization: Organization | None = None
    category: Category | None = None
    kind: str = ItemKind.GENERAL
    summary: str = ""
    keywords: str = ""
    body: str = ""
    validity: str = ""
    attachments: list[str] = field(default_factory=list)  # absolute paths, checked
    source_url: str = ""
    errors: list[RowError] = field(default_factory=list)

    def error(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.line, column, reason))

    @property
    def document_key(self) -> str:
        return document_number_key(self.document_number)

    def fingerprint(self) -> str:
        """A digest of everything the row says (ImportOrigin.row_hash)."""
        values = item_values(self) | {
            "published_at": self.published_at.isoformat() if self.published_at else "",
            "index_number": self.index_number,
            "attachments": [(os.path.basename(p), os.path.getsize(p)) for p in self.attachments],
        }
        return hashlib.sha256(json.dumps(values, default=str, sort_keys=True).encode()).hexdigest()

    def natural_key(self) -> tuple:
        """The last matching key when a row has neither 原网址 nor 索引号 (docs/import.md 重复导入)."""
        day = timezone.localdate(self.published_at) if self.published_at else None
        return (self.organization.pk if self.organization else None, self.document_key, self.title, day)


def parse_date(value) -> tuple[datetime.date, datetime.time | None]:
    """The usual ways old sites and spreadsheets write a date (docs/import.md 日期); ValueError
    with a Chinese reason otherwise."""
    if isinstance(value, datetime.datetime):
        return value.date(), value.time() if value.time() != datetime.time() else None
    if isinstance(value, datetime.date):
        return value, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(float(value))
    text = text_of(value).replace("／", "/").replace("－", "-").replace("．", ".")
    if m := _DATE.match(text):
        year, month, day, hour, minute, second = (int(g) if g else None for g in m.groups())
        try:
            date = datetime.date(year, month, day)
            moment = datetime.time(hour, minute, second or 0) if hour is not None else None
        except ValueError:
            raise ValueError(f"“{text}”不是有效的日期") from None
        return date, moment
    if m := _COMPACT.match(text):
        try:
            return datetime.date(*(int(g) for g in m.groups())), None
        except ValueError:
            raise ValueError(f"“{text}”不是有效的日期") from None
    if m := _SERIAL.match(text):
        return _serial(float(text))
    raise ValueError(f"“{text[:40]}”不是可识别的日期（可写作 2016-12-30、2016/12/30、2016年12月30日）")


def _serial(number: float) -> tuple[datetime.date, datetime.time | None]:
    """An Excel serial day number (a date cell that lost its format)."""
    if not 1 <= number < 2958466:
        raise ValueError(f"“{number:g}”不是有效的日期")
    whole = int(number)
    date = EXCEL_EPOCH + datetime.timedelta(days=whole)
    seconds = round((number - whole) * 86400)
    moment = (datetime.datetime.min + datetime.timedelta(seconds=seconds)).time() if seconds else None
    return date, moment


def body_html(text: str) -> str:
    """正文 as HTML: kept if it is HTML (sanitized when stored), else each line a paragraph."""
    if re.search(r"<\s*(p|div|br|table|span|h\d|ul|ol|img|a|strong|b)\b", text, re.I):
        return text
    return "".join(f"<p>{escape(line.strip())}</p>" for line in text.splitlines() if line.strip())


class Context:
    """What rows are checked against, read once per run: organizations, 公开目录, today."""

    def __init__(self, *, organization: Organization | None = None, attachments_dir: str | None = None):
        self.organizations = list(Organization.objects.all())
        self.default_organization = organization or (self.organizations[0] if len(self.organizations) == 1 else None)
        self.org_by_key: dict[str, Organization] = {}
        for org in self.organizations:
            for key in {org.name, org.short_name, org.code, org.code.replace("-", ""), org.slug}:
                if key:
                    self.org_by_key.setdefault(key.strip(), org)
        self.categories = list(Category.objects.all())
        by_pk = {c.pk: c for c in self.categories}
        self.category_by_path = {c.path: c for c in self.categories}
        self.category_by_names: dict[str, Category] = {}
        self.name_path: dict[int, str] = {}
        names: dict[str, list[Category]] = {}
        for c in self.categories:
            chain, node = [], c
            while node is not None:
                chain.insert(0, node.name)
                node = by_pk.get(node.parent_id)
            self.name_path[c.pk] = "/".join(chain)
            self.category_by_names.setdefault(self.name_path[c.pk], c)
            names.setdefault(c.name, []).append(c)
        self.category_by_name = {name: cs[0] for name, cs in names.items() if len(cs) == 1}
        self.ambiguous_names = {name: cs for name, cs in names.items() if len(cs) > 1}
        self.attachments_dir = os.path.realpath(attachments_dir) if attachments_dir else None
        self.today = timezone.localdate()

    def category(self, text: str) -> tuple[Category | None, str]:
        """By code path (zwgk/zcwj), name path (政策文件/规范性文件, also with > or ＞), or a unique name."""
        key = re.sub(r"\s*[>＞»/／\\]\s*", "/", text.strip()).strip("/")
        found = self.category_by_path.get(key) or self.category_by_names.get(key) or self.category_by_name.get(key)
        if found:
            return found, ""
        if key in self.ambiguous_names:
            paths = "、".join(self.name_path[c.pk] for c in self.ambiguous_names[key][:5])
            return None, f"有多个名为“{key}”的公开目录（{paths}），请写出完整路径"
        return (
            None,
            f"没有名为“{text.strip()[:50]}”的公开目录（请写目录名称、名称路径如“政策文件/规范性文件”或目录代码路径）",
        )


def parse_row(line: int, cells: dict, ctx: Context) -> Row:
    """Check one row; every problem is recorded on `row.errors` (the row is imported only if none)."""
    row = Row(line)
    get = {header: text_of(value) for header, value in cells.items()}

    for header, limit in LIMITS.items():
        if len(get.get(header, "")) > limit:
            row.error(header, f"超过{limit}个字符")
    row.title = re.sub(r"\s+", " ", get.get("标题", ""))[:300]
    if not row.title:
        row.error("标题", "必填，不能为空")

    published = _date_cell(row, "发布日期", cells.get("发布日期"), ctx, required=True)
    if published:
        day, moment = published
        row.published_at = timezone.make_aware(datetime.datetime.combine(day, moment or datetime.time()))
    written = _date_cell(row, "成文日期", cells.get("成文日期"), ctx, required=False)
    if written:
        row.written_date = written[0]
        if published and row.written_date > published[0]:
            row.error("成文日期", f"成文日期 {row.written_date} 晚于发布日期 {published[0]}")

    row.document_number = get.get("文号", "")[:100]
    row.index_number = re.sub(r"\s+", "", get.get("索引号", ""))[:60]
    row.summary = get.get("内容概述", "")
    row.keywords = get.get("主题词", "")[:200]
    row.body = body_html(get.get("正文", ""))
    row.source_url = get.get("原网址", "")[:500]

    org_text = get.get("发布机构", "")
    if org_text:
        row.organization = ctx.org_by_key.get(org_text)
        if row.organization is None:
            row.error("发布机构", f"没有名称或代码为“{org_text[:50]}”的机构（请先在“机构”中添加）")
    else:
        row.organization = ctx.default_organization
        if row.organization is None:
            row.error("发布机构", "未填写，且导入时未指定机构（系统中有多个机构）")

    category_text = get.get("公开目录", "")
    if category_text:
        row.category, reason = ctx.category(category_text)
        if reason:
            row.error("公开目录", reason)
    else:
        row.error("公开目录", "必填，不能为空（不会把信息放入其他目录）")

    kind_text = get.get("信息类型", "")
    if kind_text:
        if kind_text in KINDS:
            row.kind = KINDS[kind_text]
        else:
            row.error(
                "信息类型",
                f"“{kind_text[:20]}”不是信息类型（可用：{'、'.join(label for _, label in ItemKind.choices)}）",
            )
    elif row.category is not None:
        row.kind = row.category.kind

    validity_text = get.get("有效性", "")
    if validity_text in VALIDITY:
        row.validity = VALIDITY[validity_text]
    else:
        row.error("有效性", f"“{validity_text[:20]}”应为 有效、失效 或 废止")
    if row.kind == ItemKind.POLICY and not row.validity and not any(e.column == "有效性" for e in row.errors):
        row.error("有效性", "政策文件必须填写有效性（有效、失效或废止）")

    row.attachments = _attachments(row, get.get("附件", ""), ctx)
    return row


def _date_cell(row: Row, header: str, value, ctx: Context, *, required: bool):
    if value is None or text_of(value) == "":
        if required:
            row.error(header, "必填，不能为空")
        return None
    try:
        day, moment = parse_date(value)
    except ValueError as exc:
        row.error(header, str(exc))
        return None
    if not EARLIEST <= day <= ctx.today:
        row.error(header, f"{day} 不在 1949-01-01 至今天（{ctx.today}）之间")
        return None
    return day, moment


def _attachments(row: Row, text: str, ctx: Context) -> list[str]:
    names = [text]
    for sep in ATTACHMENT_SEPARATORS:
        names = [part for name in names for part in name.split(sep)]
    names = [n.strip() for n in names if n.strip()]
    if not names:
        return []
    if ctx.attachments_dir is None:
        row.error("附件", "填写了附件，但导入时没有提供附件目录（命令的 --attachments 或管理页面的附件压缩包）")
        return []
    paths = []
    for name in names:
        path = os.path.realpath(os.path.join(ctx.attachments_dir, name))
        if not path.startswith(ctx.attachments_dir + os.sep):
            row.error("附件", f"“{name[:60]}”不在附件目录内")
            continue
        if not os.path.isfile(path):
            row.error("附件", f"附件目录中没有文件“{name[:60]}”")
            continue
        with open(path, "rb") as fh:
            try:
                check_attachment(File(fh, name=os.path.basename(path)))
            except ValidationError as exc:
                row.error("附件", "；".join(exc.messages))
                continue
        paths.append(path)
    return paths


def item_values(row: Row) -> dict:
    """The item fields a row sets (compared on re-import to tell updated from unchanged)."""
    return {
        "title": row.title,
        "summary": row.summary,
        "keywords": row.keywords,
        "document_number": row.document_number,
        "written_date": row.written_date,
        "validity": row.validity,
        "body": row.body,
        "kind": row.kind,
        "organization_id": row.organization.pk if row.organization else None,
        "category_id": row.category.pk if row.category else None,
        "source_url": row.source_url,
    }


def new_item(row: Row) -> DisclosureItem:
    values = item_values(row)
    del values["organization_id"], values["category_id"]
    # The instances, not their ids: the audit records and checks read them without a query each.
    item = DisclosureItem(**values, organization=row.organization, category=row.category)
    item.prepare_to_store()
    return item
