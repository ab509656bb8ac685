"""Public pages of the annual reports: the list, one report (HTML, print), its charts (SVG) and its
Word and Excel files. A report is public once its 年度报告 item is published; staff of the
organization may preview a draft at the same address (marked 草稿预览, never cached)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from disclosures.models import DisclosureItem, ItemKind
from portal.access import user_organizations
from portal.models import Organization
from portal.paging import paginate

from . import charts, exports, present, tables
from . import workflow as report_workflow
from .models import AnnualReport

AGGREGATE_SLUG = "all"
AGGREGATE_NAME = "全县汇总"
MIN_YEAR = 2008  # 条例 (2007) in force from 2008-05-01
# What the list of reports shows: no narrative text, no item body.
REPORT_LIST_FIELDS = (
    "year",
    "organization__name",
    "organization__short_name",
    "organization__slug",
    "item__index_number",
    "item__published_at",
)


class _Context:
    """What one report address resolves to: a stored report, or the county-wide aggregate."""

    def __init__(
        self, *, year: int, report: AnnualReport | None, organization: Organization | None, preview: bool, data: dict
    ):
        self.year = year
        self.report = report
        self.organization = organization
        self.preview = preview
        self.data = data

    @property
    def slug(self) -> str:
        return self.organization.slug if self.organization else AGGREGATE_SLUG

    @property
    def title(self) -> str:
        if self.report is not None:
            return self.report.title
        return f"{AGGREGATE_NAME}{self.year}年政府信息公开工作年度报告"

    @property
    def filename(self) -> str:
        return self.title


def _is_staff_of(user, organization) -> bool:
    if not (user.is_authenticated and user.is_staff):
        return False
    if organization is None:
        return True
    return user_organizations(user).filter(pk=organization.pk).exists()


def _resolve(request, year: int, org: str) -> _Context:
    if year < MIN_YEAR or year > timezone.localdate().year:
        raise Http404("没有该年度的报告")
    if org == AGGREGATE_SLUG:
        # The county aggregate adds up only organizations whose report of the year is published:
        # nothing that has not been approved reaches the public, not even as a sum.
        published = list(
            Organization.objects.filter(
                pk__in=DisclosureItem.objects.published()
                .filter(kind=ItemKind.ANNUAL_REPORT, annual_report__year=year)
                .values("organization")
            )
        )
        if not published:
            raise Http404("该年度尚无已发布的年度报告")
        key = f"reports-aggregate-{year}-" + "-".join(str(o.pk) for o in published)
        data = cache.get(key)
        if data is None:
            data = tables.compute(published, year, figures=_aggregate_figures(year, published))
            cache.set(key, data, 300)
        return _Context(year=year, report=None, organization=None, preview=False, data=data)
    report = (
        AnnualReport.objects.select_related("organization", "item").filter(year=year, organization__slug=org).first()
    )
    if report is None:
        raise Http404("没有该机构该年度的年度报告")
    if report.is_published:
        return _Context(
            year=year,
            report=report,
            organization=report.organization,
            preview=False,
            data=report_workflow.report_data(report),
        )
    if _is_staff_of(request.user, report.organization):
        return _Context(
            year=year,
            report=report,
            organization=report.organization,
            preview=True,
            data=report_workflow.report_data(report),
        )
    raise Http404("该年度报告尚未发布")


class _SumFigures:
    """The staff-entered table 二 figures of every organization, added up for the aggregate."""

    def __init__(self, rows):
        from decimal import Decimal

        self.license_decisions = sum(r.license_decisions for r in rows)
        self.penalty_decisions = sum(r.penalty_decisions for r in rows)
        self.enforcement_decisions = sum(r.enforcement_decisions for r in rows)
        self.fee_amount = sum((r.fee_amount for r in rows), Decimal("0.00"))
        self.source = "；".join(f"{r.organization.short_name}：{r.source}" for r in rows)


def _aggregate_figures(year: int, organizations):
    from .models import YearlyFigures

    rows = list(YearlyFigures.objects.filter(year=year, organization__in=organizations).select_related("organization"))
    return _SumFigures(rows) if rows else None


def _private(response: HttpResponse, ctx: _Context) -> HttpResponse:
    if ctx.preview:
        response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def report_list(request):
    reports = list(
        AnnualReport.objects.filter(item__in=DisclosureItem.objects.published())
        .select_related("organization", "item")
        .only(*REPORT_LIST_FIELDS)
        .order_by("-year", "organization__order", "organization_id")
    )
    years: dict[int, list[AnnualReport]] = {}
    for report in reports:
        years.setdefault(report.year, []).append(report)
    # Narrative reports from before the national format (the 2016 seed, an old site's import): one
    # page of them at a time, so the page stays the same size however many an import brings in.
    # NOT EXISTS, not a LEFT JOIN … IS NULL: PostgreSQL then walks item_kind_status_pub in order and
    # stops after a page (0.5 ms at 100k items, against 36 ms joining and sorting all 5,222).
    historic, notes = paginate(
        request,
        DisclosureItem.objects.published()
        .for_list()
        .filter(kind=ItemKind.ANNUAL_REPORT)
        .filter(~Exists(AnnualReport.objects.filter(item=OuterRef("pk"))))
        .order_by("-published_at", "-id"),
        settings.PAGE_SIZE,
    )
    return render(
        request,
        "reports/index.html",
        {
            "years": sorted(years.items(), reverse=True),
            "historic": historic,
            "page": historic,
            "notes": notes,
            "aggregate_slug": AGGREGATE_SLUG,
        },
    )


@require_safe
def report_detail(request, year: int, org: str):
    ctx = _resolve(request, year, org)
    problems = []
    if ctx.report is not None and ctx.preview:
        problems = report_workflow.problems(ctx.report, ctx.data)
    view = present.view_model(ctx.report, ctx.data)
    response = render(
        request,
        "reports/detail.html",
        {
            "ctx": ctx,
            "report": ctx.report,
            "data": ctx.data,
            "view": view,
            "problems": problems,
            "monthly": charts.monthly_rows(ctx.data),
        },
    )
    return _private(response, ctx)


@require_safe
def report_chart(request, year: int, org: str, name: str):
    ctx = _resolve(request, year, org)
    builder = charts.CHARTS.get(name)
    if builder is None:
        raise Http404("没有这个图表")
    response = HttpResponse(builder(ctx.data), content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return _private(response, ctx)


def _download(ctx: _Context, content: bytes, ext: str, mime: str) -> HttpResponse:
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = content_disposition_header(True, f"{ctx.filename}.{ext}")
    return _private(response, ctx)


@require_safe
def report_docx(request, year: int, org: str):
    ctx = _resolve(request, year, org)
    view = present.view_model(ctx.report, ctx.data)
    return _download(
        ctx,
        exports.to_docx(ctx.title, ctx.data, view),
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@require_safe
def report_xlsx(request, year: int, org: str):
    ctx = _resolve(request, year, org)
    return _download(
        ctx,
        exports.to_xlsx(ctx.title, ctx.data),
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
