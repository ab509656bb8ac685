"""`/search/`: the public search page (thin: parsing and layout; the logic is in the search package).

Runs a fixed number of queries whatever the data (organizations, categories, one GROUP BY for the
total and the counts per filter value over at most SEARCH_COUNT_LIMIT + 1 matches, at most one
bounded count of the filtered total, one page of ids, the page's items, at most one for snippets
found only in attachments). When more items match than SEARCH_COUNT_LIMIT, the counts per filter
value are shown as lower bounds (“N+”) and, if the total was not counted, the page says “超过 N 条”
and pages with 上一页/下一页 only (OpenPage). Malformed parameters are ignored with a Chinese note, never a 500."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_safe

from portal.models import Organization
from portal.paging import page_number, paginate

from . import search as engine
from .models import Category, DisclosureItem, ItemKind

SORTS = [("relevance", "按相关度"), ("date", "按发布日期")]


class SearchForm(forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=500)
    organization = forms.ChoiceField(label="发布机构", required=False)
    category = forms.ChoiceField(label="公开目录", required=False)
    kind = forms.ChoiceField(label="信息类型", required=False, choices=[("", "全部类型"), *ItemKind.choices])
    year = forms.IntegerField(label="发布年份", required=False, min_value=1949, max_value=2200)
    date_from = forms.DateField(label="发布日期从", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    number = forms.CharField(label="文号", required=False, max_length=100)
    validity = forms.ChoiceField(
        label="有效性", required=False, choices=[("", "全部"), *DisclosureItem.Validity.choices]
    )
    sort = forms.ChoiceField(label="排序", required=False, choices=SORTS)

    def __init__(self, data, organizations, categories):
        super().__init__(data)
        self.fields["organization"].choices = [("", "全部机构")] + [(o.slug, o.name) for o in organizations]
        self.fields["category"].choices = [("", "全部目录")] + [(c.path, "　" * c.depth + c.name) for c in categories]


def _clean(form: SearchForm) -> tuple[dict, list[str]]:
    """Valid values, and a note for every ignored one (the page still renders)."""
    form.is_valid()
    notes = []
    for name in form.errors:
        field = form.fields.get(name)
        value = str(form.data.get(name, ""))[:30]
        notes.append(f"参数“{field.label if field else name}”的取值“{value}”无效，已忽略该条件。")
    data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    for name in ("date_from", "date_to"):
        day = data.get(name)
        if day and not 1900 <= day.year <= 2200:
            notes.append(f"参数“{form.fields[name].label}”的取值“{day:%Y-%m-%d}”超出范围，已忽略该条件。")
            data[name] = None
    return data, notes


def _category_tree(categories, counts: dict[int, int]):
    """Catalogue nodes with the number of hits in them and below, for the 目录 filter."""
    totals = {c.pk: 0 for c in categories}
    by_path = {c.path: c for c in categories}
    for c in categories:
        n = counts.get(c.pk, 0)
        if n:
            parts = c.path.split("/")
            for i in range(len(parts)):
                ancestor = by_path.get("/".join(parts[: i + 1]))
                if ancestor is not None:
                    totals[ancestor.pk] += n
    return [(c, totals[c.pk]) for c in categories if totals[c.pk]]


def _link(params: QueryDict, **changes) -> str:
    query = params.copy()
    query.pop("page", None)
    for key, value in changes.items():
        query.pop(key, None)
        if value not in (None, ""):
            query[key] = str(value)
    return "?" + query.urlencode()


@require_safe
def search(request):
    organizations = list(Organization.objects.order_by("order", "id"))
    categories = list(Category.objects.order_by("path"))
    form = SearchForm(request.GET, organizations, categories)
    data, notes = _clean(form)
    query = engine.parse_query(data.get("q", ""))
    notes += query.notes

    org_by_slug = {o.slug: o for o in organizations}
    cat_by_path = {c.path: c for c in categories}
    filters = engine.Filters(
        kind=data.get("kind") or None,
        validity=data.get("validity") or None,
        year=data.get("year"),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        document_number=engine.normalize(data.get("number") or ""),
    )
    if data.get("organization"):
        filters.organization = org_by_slug[data["organization"]].pk
    chosen_category = cat_by_path.get(data.get("category") or "")
    if chosen_category is not None:
        prefix = chosen_category.path + "/"
        filters.category_ids = frozenset(
            c.pk for c in categories if c.path == chosen_category.path or c.path.startswith(prefix)
        )
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        notes.append("起始日期晚于结束日期，已交换两者。")
        filters.date_from, filters.date_to = filters.date_to, filters.date_from

    active = bool(query) or any(
        data.get(k) for k in ("organization", "category", "kind", "year", "date_from", "date_to", "number", "validity")
    )
    sort = data.get("sort") or "relevance"
    page = items = None
    facets = {}
    result = None
    if active:
        result = engine.search(query, filters, sort=sort)
        if result.total is None:
            page, page_notes = open_page(request, result.entries, settings.PAGE_SIZE)
        else:
            page, page_notes = paginate(request, result.entries, settings.PAGE_SIZE, count=result.total)
        notes += page_notes
        items = engine.public_items(list(page.object_list))
        engine.attach_snippets(items, query)
        params = request.GET
        org_names = {o.pk: o for o in organizations}
        facets = {
            "organization": [
                (org_names[pk].name, n, _link(params, organization=org_names[pk].slug), filters.organization == pk)
                for pk, n in sorted(result.counts["organization"].items(), key=lambda kv: -kv[1])
                if pk in org_names
            ],
            "category": [
                (
                    "　" * c.depth + c.name,
                    n,
                    _link(params, category=c.path),
                    chosen_category is not None and chosen_category.pk == c.pk,
                )
                for c, n in _category_tree(categories, result.counts["category"])
            ],
            "kind": [
                (ItemKind(k).label if k in ItemKind.values else k, n, _link(params, kind=k), filters.kind == k)
                for k, n in sorted(result.counts["kind"].items(), key=lambda kv: -kv[1])
            ],
            "year": [
                (f"{y}年", n, _link(params, year=y), filters.year == y)
                for y, n in sorted(result.counts["year"].items(), reverse=True)
            ],
            "validity": [
                (
                    DisclosureItem.Validity(v).label if v in DisclosureItem.Validity.values else "未标注",
                    n,
                    _link(params, validity=v),
                    filters.validity == v,
                )
                for v, n in sorted(result.counts["validity"].items(), key=lambda kv: -kv[1])
                if v
            ],
        }
    facet_groups = [
        ("organization", "发布机构"),
        ("category", "公开目录"),
        ("kind", "信息类型"),
        ("year", "发布年份"),
        ("validity", "有效性"),
    ]
    query_string = request.GET.copy()
    query_string.pop("page", None)
    has_filters = any(
        data.get(k) for k in ("organization", "category", "kind", "year", "date_from", "date_to", "number", "validity")
    )
    return render(
        request,
        "disclosures/search.html",
        {
            "form": form,
            "q": query.raw,
            "search_query": query,
            "page": page,
            "items": items,
            "notes": notes,
            "query": query_string.urlencode(),
            "active": active,
            "sort": sort,
            "facets": [
                (key, label, facets.get(key, []), _link(request.GET, **{key: None})) for key, label in facet_groups
            ],
            "sort_links": [(value, label, _link(request.GET, sort=value)) for value, label in SORTS],
            "has_filters": has_filters,
            "only_query_link": _only_q(query.raw),
            "looks_like_number": _looks_like_number(query.raw),
            "approximate": result is not None and result.approximate,
            "count_limit": engine.count_limit(),
        },
    )


class OpenPaginator:
    """Stands in for Paginator when the total is not known (more than SEARCH_COUNT_LIMIT matches)."""

    count = None
    num_pages = None

    def __init__(self, per_page: int):
        self.per_page = per_page


class OpenPage:
    """A page of a result whose total is not known: 上一页/下一页 (and 首页), no 尾页. Whether there is a
    next page comes from reading one id more than the page holds."""

    def __init__(self, number: int, object_list: list, per_page: int, has_more: bool):
        self.number, self.object_list, self.paginator, self.has_more = (
            number,
            object_list,
            OpenPaginator(per_page),
            has_more,
        )

    def has_next(self) -> bool:
        return self.has_more

    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + 1

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1


def open_page(request, entries, per_page: int) -> tuple[OpenPage, list[str]]:
    """(page, notes) for a result whose total is not known. A malformed, too small or too large
    ?page= shows page 1 with a note, never a 500 (a page past the end is only found out by reading it)."""
    number, raw, notes = page_number(request)
    if number > 1_000_000:  # an absurd offset would only make the database walk the whole index
        notes.append(f"页码“{raw[:20]}”超出范围，已显示第1页。")
        number = 1
    ids = list(entries[(number - 1) * per_page : number * per_page + 1])
    if not ids and number > 1:
        notes.append(f"第{number}页没有结果，已显示第1页。")
        number = 1
        ids = list(entries[0 : per_page + 1])
    return OpenPage(number, ids[:per_page], per_page, len(ids) > per_page), notes


def _only_q(raw: str) -> str:
    params = QueryDict(mutable=True)
    if raw:
        params["q"] = raw
    return "?" + params.urlencode()


def _looks_like_number(raw: str) -> bool:
    return "号" in raw or any(c in raw for c in "〔〕[]【】()（）")
