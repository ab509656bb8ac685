from django.core.paginator import Paginator


def page_number(request) -> tuple[int, str, list[str]]:
    """(number, raw, notes) of ?page=: a malformed or too small value gives 1 with a note."""
    raw = request.GET.get("page", "1")
    notes = []
    try:
        number = int(raw)
    except (TypeError, ValueError):
        notes.append(f"页码“{raw[:20]}”无效，已显示第1页。")
        number = 1
    if number < 1:
        notes.append("页码不能小于1，已显示第1页。")
        number = 1
    return number, raw, notes


def paginate(request, queryset, per_page: int, count: int | None = None):
    """Return (page, messages). A malformed or out-of-range ?page= never fails: it shows page 1
    or the last page with a note."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # cached property: reuse a count we already have
    number, _, notes = page_number(request)
    if number > paginator.num_pages:
        notes.append(f"共{paginator.num_pages}页，已显示最后一页。")
        number = paginator.num_pages
    return paginator.page(number), notes
