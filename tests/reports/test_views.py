"""Public annual report pages, charts, and the Word and Excel files compared with the HTML figures."""

import io
import re

import pytest

from disclosures.models import Category
from reports import workflow as rw
from reports.layout import TABLE3_ROWS
from reports.models import YearlyFigures

from . import data as rd
from .test_tables import SPEC_SECTIONS, SPEC_TABLE3_LABEL_GRID, table_grid


@pytest.fixture
def nb(build):
    return Category.objects.create(code="nb", name="政府信息公开年报", kind="annual_report")


@pytest.fixture
def published(build, nb, site_profile):
    rd.load(build)
    YearlyFigures.objects.create(
        organization=build.org,
        year=2025,
        license_decisions=37,
        penalty_decisions=2,
        enforcement_decisions=1,
        fee_amount="3.50",
        source="审批系统导出",
    )
    report = rw.create_report(build.org, 2025, build.editor)
    rw.submit(report, build.editor)
    rw.review(report, build.reviewer, secrecy_confirmed=True)
    return rw.approve(report, build.leader)


def html_numbers(html):
    """Table 三 and 四 figures as rendered on the page."""
    t3 = [[int(v) for v in row[3:]] for section, row in table_grid(html, "t3") if section == "tbody"]
    t4 = [int(v) for v in [row for section, row in table_grid(html, "t4") if section == "tbody"][0]]
    t2 = [row for _, row in table_grid(html, "t2")]
    return t2, t3, t4


def test_published_report_page_shows_sections_tables_charts_and_downloads(client, published):
    response = client.get("/reports/2025/csmzj/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1>") == 1 and "测试县民政局2025年政府信息公开工作年度报告" in html
    assert re.findall(r"<h2 id=\"s\d\">(.*?)</h2>", html) == SPEC_SECTIONS
    assert published.item.index_number in html
    for name in ("monthly", "outcomes", "comparison"):
        assert f'src="/reports/2025/csmzj/charts/{name}.svg"' in html
    assert html.count("查看数据表") == 3
    assert 'href="/reports/2025/csmzj.docx"' in html and 'href="/reports/2025/csmzj.xlsx"' in html
    assert "<script" not in html.split("<main")[1] and "style=" not in html
    assert "草稿预览" not in html
    assert 'headers="t3-applicant t3-c-natural t3-r-new"' in html
    assert '<caption id="t3-caption">' in html and 'scope="rowgroup"' in html


def test_report_list_shows_reports_by_year_and_the_historic_narrative_report(client, build, published, nb):
    seed = build.item("龙陵县民政局2016年政务公开工作情况报告", category=nb, kind="annual_report")
    html = client.get("/reports/").content.decode()
    assert "2025年度" in html and "/reports/2025/csmzj/" in html and published.item.index_number in html
    assert "/reports/2025/all/" in html
    assert "历史年度报告" in html and seed.get_absolute_url() in html


def test_historic_reports_come_a_page_at_a_time_in_a_fixed_number_of_queries(
    client, build, nb, settings, django_assert_num_queries
):
    # An old site's import can bring hundreds of narrative reports; the list pages them.
    settings.PAGE_SIZE = 3
    for n in range(2):
        build.item(f"历史年报{n}", category=nb, kind="annual_report")
    client.get("/reports/")
    with django_assert_num_queries(4) as small:
        client.get("/reports/")
    for n in range(2, 8):
        build.item(f"历史年报{n}", category=nb, kind="annual_report")
    with django_assert_num_queries(len(small)):
        html = client.get("/reports/").content.decode()
    assert html.count("历史年报") == 3 and "共 8 条，第 1/3 页" in html
    html = client.get("/reports/?page=3").content.decode()
    assert html.count("历史年报") == 2 and "历史年报0" in html
    html = client.get("/reports/?page=x").content.decode()
    assert "页码“x”无效，已显示第1页。" in html


def test_draft_report_is_not_public_but_staff_preview_it_with_checks(client, build, nb):
    rd.load(build)
    rw.create_report(build.org, 2025, build.editor)
    response = client.get("/reports/2025/csmzj/")
    assert response.status_code == 404 and "<h1>" in response.content.decode()
    assert client.get("/reports/2025/csmzj.docx").status_code == 404
    assert client.get("/reports/2025/csmzj/charts/monthly.svg").status_code == 404
    client.force_login(build.editor)
    response = client.get("/reports/2025/csmzj/")
    html = response.content.decode()
    assert response.status_code == 200 and "草稿预览" in html and "校验通过" in html
    assert response["Cache-Control"] == "private, no-store"


def test_unknown_years_and_organizations_answer_404_in_chinese(client, published):
    for url in [
        "/reports/1999/csmzj/",
        "/reports/2024/csmzj/",
        "/reports/2025/nobody/",
        "/reports/2025/csmzj/charts/pie.svg",
        "/reports/2030/all/",
        "/reports/99999999999999999999/all/",
        "/reports/2025/a.b/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
    assert client.post("/reports/2025/csmzj/").status_code == 405


def test_county_aggregate_adds_up_only_published_reports(client, build, published):
    html = client.get("/reports/2025/all/").content.decode()
    assert "全县汇总2025年政府信息公开工作年度报告" in html
    _, t3, t4 = html_numbers(html)
    # The other organization has applications too, but no published report: it is left out.
    _, own_t3, own_t4 = html_numbers(client.get("/reports/2025/csmzj/").content.decode())
    assert t3 == own_t3 and t4 == own_t4
    assert t3[0] == [4, 0, 1, 1, 1, 1, 8]


def test_county_aggregate_is_hidden_until_a_report_of_the_year_is_published(client, build):
    assert client.get("/reports/2025/all/").status_code == 404


def test_report_page_query_count_does_not_grow_with_data(client, published, build, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert client.get("/reports/2025/csmzj/").status_code == 200
    for _ in range(40):
        rd.application(build.org, "natural", rd.D(2025, 5, 1), rd.D(2025, 5, 20), "disclose")
    with django_assert_max_num_queries(8):
        assert client.get("/reports/2025/csmzj/").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get("/reports/").status_code == 200


def test_charts_are_svg_without_script(client, published):
    for name, title in [
        ("monthly", "2025年各月主动公开信息数量（按栏目）"),
        ("outcomes", "2025年政府信息公开申请办理结果"),
        ("comparison", "2025年与2024年主要数据对比"),
    ]:
        response = client.get(f"/reports/2025/csmzj/charts/{name}.svg")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("image/svg+xml")
        svg = response.content.decode()
        assert svg.startswith("<svg") and f"<title>{title}</title>" in svg and "<script" not in svg
    outcomes = client.get("/reports/2025/csmzj/charts/outcomes.svg").content.decode()
    assert "（三）不予公开</text>" in outcomes and ">1件</text>" in outcomes


def test_word_file_reopens_with_the_same_figures_as_the_page(client, published):
    from docx import Document
    from docx.oxml.ns import qn

    html = client.get("/reports/2025/csmzj/").content.decode()
    t2, t3, t4 = html_numbers(html)
    response = client.get("/reports/2025/csmzj.docx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    for title in SPEC_SECTIONS:
        assert title in text
    assert "本年度依据" not in text and "本年度未收取信息处理费" in text
    word2, word3, word4 = doc.tables
    assert [[c.text for c in row.cells] for row in word2.rows] == t2
    body = [[c.text for c in row.cells] for row in word3.rows][3:]
    assert [row[:3] for row in body] == SPEC_TABLE3_LABEL_GRID
    assert [[int(v) for v in row[3:]] for row in body] == t3
    assert [int(c.text) for c in word4.rows[3].cells] == t4
    # merged cells: the corner spans 3×3, 申请人情况 7 columns
    assert word3.cell(0, 0)._tc is word3.cell(2, 2)._tc
    assert word3.cell(0, 3)._tc is word3.cell(0, 9)._tc
    top = word3.cell(5, 0)._tc  # 三、本年度办理结果 spans 22 rows
    assert all(word3.cell(r, 0)._tc is top for r in range(5, 27)) and word3.cell(27, 0)._tc is not top
    # East-Asian font named on the runs (docs/design.md, 技术要点)
    run = doc.paragraphs[1].runs[0]
    assert run.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_excel_file_has_one_sheet_per_table_merged_headers_and_numbers(client, published):
    from openpyxl import load_workbook

    html = client.get("/reports/2025/csmzj/").content.decode()
    t2, t3, t4 = html_numbers(html)
    response = client.get("/reports/2025/csmzj.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["二、主动公开", "三、依申请公开", "四、复议诉讼"]
    ws2, ws3, ws4 = (wb[n] for n in wb.sheetnames)
    merged3 = {str(r) for r in ws3.merged_cells.ranges}
    assert {"A3:C5", "D3:J3", "D4:D5", "E4:I4", "J4:J5", "A8:A29", "B10:B17"} <= merged3
    values3 = [[ws3.cell(r, c).value for c in range(4, 11)] for r in range(6, 6 + len(TABLE3_ROWS))]
    assert values3 == t3
    assert all(isinstance(v, int) for row in values3 for v in row)
    assert [ws4.cell(6, c).value for c in range(1, 16)] == t4
    assert {"A3:E3", "F3:O3", "A4:A5", "F4:J4", "K4:O4"} <= {str(r) for r in ws4.merged_cells.ranges}
    assert ws2.cell(3, 1).value == "第二十条第（一）项" and "A3:D3" in {str(r) for r in ws2.merged_cells.ranges}
    assert [ws2.cell(5, c).value for c in range(2, 5)] == [int(v) for v in t2[2][1:]]
    fee = ws2.cell(16, 2)
    assert fee.value == 3.5 and isinstance(fee.value, float) and t2[13][1] == "3.50"


def test_demo_publishes_the_2025_report_of_longling_with_passing_checks(db):
    import os

    from django.core.management import call_command

    from reports.models import AnnualReport

    call_command("demo", stdout=open(os.devnull, "w"))
    report = AnnualReport.objects.select_related("item", "organization").get(organization__slug="llmzj", year=2025)
    assert report.is_published and report.item.category.code == "nb" and report.item.index_number
    assert rw.problems(report) == []
    assert report.snapshot["table2"]["normative"] == {"issued": 3, "repealed": 1, "valid": 3, "undated": 0}


def test_monthly_chart_folds_small_categories_into_one_series():
    from reports import charts

    data = {
        "year": 2025,
        "items": {"by_category": [{"name": f"栏目{i}", "months": [i] + [0] * 11, "total": i} for i in range(8, 0, -1)]},
    }
    series = charts.monthly_series(data)
    assert [s["name"] for s in series] == ["栏目8", "栏目7", "栏目6", "栏目5", "栏目4", "其他栏目"]
    assert series[-1]["total"] == 3 + 2 + 1
    svg = charts.monthly(data)
    assert "其他栏目（6条）" in svg and "url(#p-" in svg
