"""网站迁移 as a county administrator does it, in a real browser (issue 11 “done when”): take an
Excel export with some bad rows, import it from the admin page, read which rows failed and why,
fix the file, import it again without duplicates, and find every good row on the public site with
its original date and 索引号. The background jobs run through the real worker command."""

import datetime
import os

import pytest
from django.core.management import call_command
from openpyxl import Workbook
from playwright.sync_api import expect

from disclosures.models import DisclosureItem
from portal import tasks

pytestmark = pytest.mark.e2e
HEADER = ["标题", "发布日期", "成文日期", "文号", "索引号", "发布机构", "公开目录", "正文", "原网址"]


def export_of_the_old_site(path, *, fixed: bool) -> str:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(
        [
            "龙陵县民政局关于提高农村低保标准的通知",
            datetime.datetime(2014, 6, 30),
            "2014-06-25",
            "龙民发〔2014〕21号",
            "",
            "龙陵县民政局",
            "社会救助",
            "各乡镇：现将提高农村低保标准有关事项通知如下。",
            "http://old.longling.gov.cn/1.html",
        ]
    )
    sheet.append(
        [
            "龙陵县民政局2014年养老机构名录",
            "2014/8/1",
            "",
            "",
            "01526257-2-/2014-0801001",
            "龙陵县民政局",
            "养老服务",
            "全县养老机构名录。",
            "http://old.longling.gov.cn/2.html",
        ]
    )
    sheet.append(
        [
            "龙陵县民政局关于开展冬春救助的通知",
            "2014-11-05" if fixed else "去年冬天",
            "",
            "",
            "",
            "龙陵县民政局",
            "社会救助",
            "冬春救助。",
            "http://old.longling.gov.cn/3.html",
        ]
    )
    book.save(path)
    return str(path)


def run_jobs():
    tasks.run_pending()  # the worker `./dev demo` runs beside the server, here in-process


@pytest.fixture
def demo_site(transactional_db, live_server):
    call_command("demo", stdout=open(os.devnull, "w"))
    return live_server


def import_through_the_admin(page, base, path) -> None:
    page.goto(base + "/admin/disclosures/importorigin/")
    page.set_input_files("#id_file", path)
    page.click("input[value=上传并试导入]")
    expect(page.get_by_text("正在后台试导入")).to_be_visible()
    run_jobs()
    page.reload()
    expect(page.get_by_role("heading", name="试导入（不保存任何内容）：已完成")).to_be_visible()
    page.click("input[value=确认导入]")
    run_jobs()
    page.reload()
    expect(page.get_by_role("heading", name="正式导入：已完成")).to_be_visible()


def test_import_an_old_site_fix_it_and_import_again(demo_site, browser, tmp_path):
    base = demo_site.url
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "demo-pass-2026")
    page.click("input[type=submit]")
    page.wait_for_url(base + "/admin/")
    before = DisclosureItem.objects.count()

    import_through_the_admin(page, base, export_of_the_old_site(tmp_path / "旧网站.xlsx", fixed=False))
    problems = page.locator("table", has_text="原因")
    expect(problems).to_contain_text("去年冬天")  # which row failed, and why
    expect(problems).to_contain_text("发布日期")
    assert DisclosureItem.objects.count() == before + 2
    with page.expect_download() as download:
        page.click("text=下载逐行报告（CSV）")
    report = open(download.value.path(), encoding="utf-8-sig").read()
    assert "未导入" in report and "已导入并发布" in report

    import_through_the_admin(page, base, export_of_the_old_site(tmp_path / "旧网站-改正.xlsx", fixed=True))
    expect(page.locator("body")).to_contain_text("导入并发布 1 行")
    expect(page.locator("body")).to_contain_text("未变化 2 行")
    assert DisclosureItem.objects.count() == before + 3  # no duplicates

    public = browser.new_context().new_page()
    public.goto(base + "/search/?q=养老机构名录")
    public.get_by_role("link", name="龙陵县民政局2014年养老机构名录").click()
    expect(public.locator("body")).to_contain_text("01526257-2-/2014-0801001")  # the 索引号 kept
    expect(public.locator("body")).to_contain_text("2014-08-01")  # the original 发布日期
    public.goto(base + "/search/?q=农村低保标准")
    public.get_by_role("link", name="龙陵县民政局关于提高农村低保标准的通知").click()
    expect(public.locator("body")).to_contain_text("01526257-2-/2014-0630")  # allocated in 2014
    expect(public.locator("body")).to_contain_text("龙民发〔2014〕21号")
    context.close()
