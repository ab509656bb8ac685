"""Public pages of 主动公开. Thin compositions of the `published()` selector; each page runs a
fixed number of queries whatever the amount of data (tests assert it)."""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_safe

from portal import pagecache, viewcounts
from portal.compiled import Compiled
from portal.files import download
from portal.models import Organization
from portal.paging import paginate
from portal.spreadsheets import safe_cell

from . import related
from .filters import ItemFilter, filter_messages
from .models import Attachment, Category, DisclosureItem, ItemKind, item_url

HOME_PANEL_SIZE = 6


class Catalogue:
    """Every catalogue node, read in one query and kept per content version in each process
    (portal.pagecache.memo): the public pages look nodes, trails and children up here instead of
    querying each time. Shared between requests: read it, never change the nodes."""

    def __init__(self):
        self.nodes = list(Category.objects.order_by("path"))
        self.by_path = {c.path: c for c in self.nodes}
        self.children: dict[int | None, list[Category]] = {}
        for c in sorted(self.nodes, key=lambda c: (c.order, c.id)):
            self.children.setdefault(c.parent_id, []).append(c)
        self.home_sections = [c for c in self.nodes if c.home_panel]
        self.subtree_ids = {
            c.pk: [d.pk for d in self.nodes if d.path == c.path or d.path.startswith(c.path + "/")]
            for c in self.home_sections
        }

    def ancestors(self, category: Category) -> list[Category]:
        parts = category.path.split("/")
        paths = ["/".join(parts[: i + 1]) for i in range(len(parts) - 1)]
        return [self.by_path[p] for p in paths if p in self.by_path]


def _catalogue(request) -> Catalogue:
    return pagecache.memo(request, "catalogue", Catalogue)


LATEST_SIZE = 10


class HomeOrganization(NamedTuple):
    short_name: str


@dataclass(slots=True)
class HomeRow:
    """A row of the home page's lists, read as values (what `includes/item_list.html` and the
    panels use of an item), so the page builds no model instances."""

    id: int
    title: str
    published_at: datetime.datetime
    category_id: int
    organization: HomeOrganization

    @classmethod
    def of(cls, row: dict) -> HomeRow:
        organization = HomeOrganization(row.pop("organization__short_name"))
        return cls(**row, organization=organization)

    def get_absolute_url(self) -> str:
        return item_url(self.id)


def _newest(queryset, size: int):
    return DisclosureItem.objects.filter(pk__in=queryset.order_by("-published_at", "-id").values("pk")[:size])


def _home_rows(shape: tuple[tuple[int, ...], ...], now):
    """最新公开 and each panel's newest, in ONE statement: a small indexed LIMIT subquery each,
    joined by UNION ALL (an OR of them made PostgreSQL scan the whole table), so the page's query
    count grows with neither items nor sections. `shape` is each section's subtree as category
    ids from the catalogue (no join to build or run); compiled once per catalogue (portal/compiled.py)."""
    public = DisclosureItem.objects.published(now=now)
    parts = [_newest(public, LATEST_SIZE)]
    parts += [_newest(public.filter(category_id__in=subtree), HOME_PANEL_SIZE) for subtree in shape]
    ids = [part.order_by().values("pk") for part in parts]
    return (
        public.filter(pk__in=ids[0].union(*ids[1:], all=True) if len(ids) > 1 else ids[0])
        .values("id", "title", "published_at", "category_id", "organization__short_name")
        .order_by("-published_at", "-id")
    )


HOME_ROWS = Compiled(_home_rows)


@require_safe
def home(request):
    catalogue = _catalogue(request)
    sections = catalogue.home_sections
    shape = tuple(tuple(catalogue.subtree_ids[section.pk]) for section in sections)
    rows = [HomeRow.of(r) for r in HOME_ROWS.rows(shape=shape, now=timezone.now())]
    # Every row is a published item, and the newest ten of them are among the rows: the first ten.
    latest = rows[:LATEST_SIZE]
    panels = []
    for section, subtree in zip(sections, shape, strict=True):
        within = set(subtree)
        panels.append((section, [row for row in rows if row.category_id in within][:HOME_PANEL_SIZE]))
    return render(request, "disclosures/home.html", {"latest": latest, "panels": panels})


def _category_counts() -> dict[int, int]:
    key = "catalog-counts"
    counts = cache.get(key)
    if counts is None:
        counts = dict(DisclosureItem.objects.published().values_list("category").annotate(n=Count("id")).order_by())
        cache.set(key, counts, 60)
    return counts


def _tree_with_counts():
    categories = list(Category.objects.order_by("path"))
    direct = _category_counts()
    totals = {c.pk: 0 for c in categories}
    by_path = {c.path: c for c in categories}
    for c in categories:
        n = direct.get(c.pk, 0)
        parts = c.path.split("/")
        for i in range(len(parts)):
            ancestor = by_path.get("/".join(parts[: i + 1]))
            if ancestor is not None:
                totals[ancestor.pk] += n
    for c in categories:
        c.item_count = totals[c.pk]
    return categories


@require_safe
def catalog(request):
    return render(request, "disclosures/catalog.html", {"categories": _tree_with_counts()})


@require_safe
def category(request, path: str):
    catalogue = _catalogue(request)
    node = catalogue.by_path.get(path.strip("/"))
    if node is None:
        raise Http404("公开目录不存在")
    base = DisclosureItem.objects.published().filter(node.descendant_q())
    filterset = ItemFilter(request.GET or None, queryset=base.for_list(), request=request)
    notes = filter_messages(filterset) if filterset.is_bound else []
    page, page_notes = paginate(request, filterset.qs.order_by("-published_at", "-id"), settings.PAGE_SIZE)
    children = catalogue.children.get(node.pk, [])
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "disclosures/category.html",
        {
            "category": node,
            "trail": [*catalogue.ancestors(node), node],
            "children": children,
            "filter": filterset,
            "page": page,
            "notes": notes + page_notes,
            "query": query.urlencode(),
        },
    )


@require_safe
def item_detail(request, pk: int):
    # Only the organization and the node are joined: the kind's detail row (one of five tables) is
    # read on its own when the kind has one, and the replacing item only on a banner that names it.
    # An eight-way join cost more to build and plan on every request than the two small queries.
    item = get_object_or_404(
        viewcounts.with_pending(DisclosureItem.objects.viewable(), "item").select_related("organization", "category"),
        pk=pk,
    )
    views = viewcounts.shown("item", item, item.view_count)
    if request.method == "GET" and not request.GET.get("print"):
        # Counted by the page cache middleware once the answer is a full 200 (not a 304), for cached
        # copies too; shared storage, no commit to wait for (portal/viewcounts.py).
        request.count_view = ("item", item.pk)
        views += 1
    attachments = list(item.attachments.all())
    change_notes = list(item.change_notes.all())
    return render(
        request,
        "disclosures/item.html",
        {
            "item": item,
            "views": views,
            "detail": item.detail,
            "detail_rows": detail_rows(item),
            "attachments": attachments,
            "change_notes": change_notes,
            "ancestors": [*_catalogue(request).ancestors(item.category), item.category],
            "print_view": bool(request.GET.get("print")),
            "attachments_closed": attachments_closed(item),
            "related": related.for_item(item),
        },
    )


def detail_rows(item: DisclosureItem) -> list[tuple[str, str]]:
    """The kind-specific fields as (label, value) rows for the page's table."""
    detail = item.detail
    if detail is None:
        return []
    rows = []
    for field in detail._meta.concrete_fields:
        if field.name in ("id", "item") or field.is_relation:
            continue
        value = getattr(detail, field.name)
        if value in (None, ""):
            continue
        if field.choices:
            value = getattr(detail, f"get_{field.name}_display")()
        elif hasattr(value, "strftime"):
            value = f"{value:%Y-%m-%d}"
        rows.append((str(field.verbose_name), str(value)))
    return rows


def attachments_closed(item: DisclosureItem) -> str:
    """Why attachments are not downloadable now ('' when they are)."""
    if item.status == DisclosureItem.Status.WITHDRAWN:
        return "该信息已撤回，附件不再提供下载。"
    detail = getattr(item, "social_assistance", None) if item.kind == ItemKind.SOCIAL_ASSISTANCE else None
    if detail is not None and detail.publicity_over:
        return f"公示期已满（{detail.publicity_end:%Y年%m月%d日}结束），名单附件不再提供下载。"
    return ""


@require_GET
def attachment_download(request, item_pk: int, pk: int):
    item = get_object_or_404(DisclosureItem.objects.published().select_related("social_assistance"), pk=item_pk)
    if attachments_closed(item):
        raise Http404("附件不可下载")
    attachment = get_object_or_404(Attachment, item=item, pk=pk)
    return download(attachment.file, attachment.original_name, attachment.content_type, private=False)


@require_GET
def stored_attachment(request, path: str):
    """The stored file behind an attachment link of the admin (`/media/attachments/…`). Staff of the
    item's organization open any state's attachments (a reviewer must read a draft's roster); the
    public is sent to the item's download address, which answers only while the item is public."""
    from portal.access import is_member, is_site_admin

    name = f"attachments/{path}"
    found = Attachment.objects.filter(file=name).select_related("item__organization").first()
    if found is None:
        from .models import RevisionAttachment

        found = RevisionAttachment.objects.filter(file=name).select_related("revision__item__organization").first()
        item = found.revision.item if found else None
    else:
        item = found.item
    if found is None:
        raise Http404("附件不存在")
    user = request.user
    if user.is_authenticated and user.is_staff and (is_site_admin(user) or is_member(user, item.organization)):
        return download(found.file, found.original_name, found.content_type)
    if isinstance(found, Attachment) and item.is_public and not attachments_closed(item):
        from django.shortcuts import redirect

        return redirect(found.get_absolute_url())
    raise Http404("附件不存在")


@require_safe
def guide(request, slug: str | None = None):
    organizations = list(Organization.objects.order_by("order", "id"))
    if not organizations:
        raise Http404("尚未设置发布机构")
    current = next((o for o in organizations if o.slug == slug), None) if slug else organizations[0]
    if current is None:
        raise Http404("发布机构不存在")
    top = [c for c in Category.objects.order_by("path") if c.depth <= 1]
    return render(
        request,
        "disclosures/guide.html",
        {
            "organizations": organizations,
            "org": current,
            "categories": top,
            "reading_points": [line for line in current.reading_points.splitlines() if line.strip()],
            "leaders": list(current.leaders.filter(current=True)),
            "index_example": _index_example(current),
        },
    )


def _index_example(organization) -> dict:
    """An example 索引号 in the organization's own form, and the rule in words (no query)."""
    from portal.index_templates import describe

    example, words = describe(organization.index_template, organization.code, timezone.localdate(), 1)
    return {"number": example, "words": words}


@require_safe
def site_map(request):
    return render(request, "disclosures/site_map.html", {"categories": list(Category.objects.order_by("path"))})


@require_safe
def feeds_index(request):
    """订阅更新: what a feed is, and every feed of the site (the footer's 订阅 link leads here)."""
    return render(request, "disclosures/feeds.html", {"categories": list(Category.objects.order_by("path"))})


# ---- open data ----------------------------------------------------------------------------

API_FIELDS = [
    ("index_number", "索引号"),
    ("title", "名称"),
    ("summary", "内容概述"),
    ("written_date", "成文日期"),
    ("published_at", "发布日期"),
    ("organization", "发布机构"),
    ("document_number", "文号"),
    ("category", "公开目录"),
    ("validity", "有效性"),
    ("url", "网址"),
]


def _api_queryset(request):
    filterset = ItemFilter(
        request.GET or None,
        queryset=DisclosureItem.objects.published()
        .select_related("organization", "category")
        .only(
            "id",
            "index_number",
            "title",
            "summary",
            "written_date",
            "published_at",
            "document_number",
            "validity",
            "organization__name",
            "category__name",
            "category__path",
        ),
        request=request,
    )
    return filterset, filterset.qs.order_by("-published_at", "-id")


def _api_row(request, item: DisclosureItem, category_names: dict[str, str]) -> dict:
    parts = item.category.path.split("/")
    path_names = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return {
        "index_number": item.index_number,
        "title": item.title,
        "summary": item.summary,
        # unknown 成文日期 (docs/rules.md “成文日期未知”): null in JSON, an empty CSV cell
        "written_date": item.written_date.isoformat() if item.written_date else None,
        "published_at": timezone.localtime(item.published_at).strftime("%Y-%m-%d %H:%M"),
        "organization": item.organization.name,
        "document_number": item.document_number,
        "category": " > ".join(category_names.get(p, p) for p in path_names),
        "validity": item.get_validity_display(),
        "url": request.build_absolute_uri(item.get_absolute_url()),
    }


@require_GET
def api_items_json(request):
    filterset, qs = _api_queryset(request)
    notes = filter_messages(filterset) if filterset.is_bound else []
    page, page_notes = paginate(request, qs, settings.API_PAGE_SIZE)
    names = dict(Category.objects.values_list("path", "name"))
    query = request.GET.copy()

    def link(number):
        query["page"] = number
        return request.build_absolute_uri(f"{reverse('disclosures:api_json')}?{query.urlencode()}")

    body = {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "next": link(page.next_page_number()) if page.has_next() else None,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "fields": dict(API_FIELDS),
        "messages": notes + page_notes,
        "results": [_api_row(request, item, names) for item in page.object_list],
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})


class _Echo:
    def write(self, value):
        return value


@require_GET
def api_items_csv(request):
    """The whole published catalogue as CSV (UTF-8; `?bom=1` adds a BOM for Excel), or one page
    of it with `?page=N`. Streamed, so memory stays flat."""
    filterset, qs = _api_queryset(request)
    names = dict(Category.objects.values_list("path", "name"))
    writer = csv.writer(_Echo())
    if "page" in request.GET:
        page, _ = paginate(request, qs, settings.API_PAGE_SIZE)
        rows = page.object_list
    else:
        rows = qs.iterator(chunk_size=2000)

    def stream():
        if request.GET.get("bom") == "1":
            yield "\ufeff"
        yield writer.writerow([label for _, label in API_FIELDS])
        for item in rows:
            row = _api_row(request, item, names)
            yield writer.writerow([safe_cell(row[key] or "") for key, _ in API_FIELDS])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="items.csv"'
    return response
