"""A citizen reads the demo's 2025 annual report in a real browser, without JavaScript."""

import pytest
from django.core.management import call_command

from tests.reports.test_tables import SPEC_SECTIONS

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_site(transactional_db, live_server):
    import os

    call_command("demo", stdout=open(os.devnull, "w"))
    return live_server


def test_citizen_reads_the_annual_report_tables_charts_and_downloads(browser, demo_site):
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    page.goto(demo_site.url + "/reports/")
    assert page.locator("h1").inner_text() == "政府信息公开工作年度报告"
    assert page.get_by_role("link", name="龙陵县民政局2016年政务公开工作情况报告").is_visible()
    page.get_by_role("link", name="龙陵县民政局2025年政府信息公开工作年度报告").click()
    page.wait_for_url("**/reports/2025/llmzj/")
    assert page.locator("h1").inner_text() == "龙陵县民政局2025年政府信息公开工作年度报告"
    assert [h.inner_text() for h in page.locator("h2[id^=s]").all()] == SPEC_SECTIONS
    t3 = page.locator("table.t3")
    assert t3.locator("tbody tr").count() == 25
    assert t3.locator("thead th#t3-applicant").get_attribute("colspan") == "7"
    # every chart image loaded (served as SVG, no script needed) and has its data table
    for img in page.locator("figure.report-chart img").all():
        img.scroll_into_view_if_needed()
        assert page.evaluate("(el) => el.complete && el.naturalWidth > 0", img.element_handle())
    figure = page.locator("#fig-outcomes")
    figure.locator("summary").click()
    assert figure.locator("table.data-table tbody tr").count() == 6
    # numbers on the page equal those in the Excel download
    new_total = int(t3.locator("tr[data-row=new] td").last.inner_text())
    with page.expect_download() as info:
        page.get_by_role("link", name="下载 Excel 表格（.xlsx）").click()
    import io
    from pathlib import Path

    from openpyxl import load_workbook

    assert info.value.suggested_filename == "龙陵县民政局2025年政府信息公开工作年度报告.xlsx"
    ws = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))["三、依申请公开"]
    assert ws.cell(6, 10).value == new_total
    # print stylesheet: A4 layout hides the download links
    page.emulate_media(media="print")
    assert page.locator(".report-downloads").is_hidden()
    context.close()


def test_report_page_fits_a_phone_with_tables_scrolling_in_their_own_region(browser, demo_site):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(demo_site.url + "/reports/2025/llmzj/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    region = page.locator(".table-scroll").nth(1)
    assert region.get_attribute("tabindex") == "0"
    context.close()
