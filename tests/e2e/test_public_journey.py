import pytest
from django.core.management import call_command

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_site(transactional_db, live_server):
    import os

    call_command("demo", stdout=open(os.devnull, "w"))
    return live_server


def test_citizen_opens_home_follows_an_item_and_reads_its_metadata(page, demo_site):
    page.goto(demo_site.url + "/")
    assert page.locator("h2", has_text="最新公开").is_visible()
    page.get_by_role("link", name="龙陵县民政局2016年政务公开工作情况报告").click()
    page.wait_for_url("**/items/*/")
    meta = page.locator(".meta-grid")
    assert meta.locator("div", has_text="索引号").locator("dd").inner_text() == "01526257-2-/2016-1230002"
    assert meta.locator("div", has_text="发布机构").locator("dd").inner_text() == "龙陵县民政局"
    assert meta.locator("div", has_text="发布日期").locator("dd").inner_text() == "2016-12-30"
    assert "统一认识,加强领导" in page.locator(".body").inner_text()


def test_site_works_without_javascript_and_font_switch(browser, demo_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(demo_site.url + "/catalog/")
    page.get_by_role("link", name="社会救助").first.click()
    page.select_option("#id_year", "2026")
    page.get_by_role("button", name="筛选").click()
    assert "year=2026" in page.url
    page.locator(".display-tools").get_by_role("link", name="大").click()
    assert "year=2026" in page.url  # the filters are kept
    assert page.locator("html").get_attribute("data-fontsize") == "large"
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main')).fontSize)")
    assert size >= 18
    context.close()


def test_phone_layout_does_not_scroll_sideways(browser, demo_site):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    for path in ["/", "/catalog/", "/guide/", "/catalog/fdzdgk/shjz/", "/items/2/"]:
        page.goto(demo_site.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    context.close()


def test_print_button_appears_with_javascript_and_link_works_without(browser, demo_site):
    from disclosures.models import DisclosureItem

    url = demo_site.url + DisclosureItem.objects.get(index_number="01526257-2-/2016-1230002").get_absolute_url()
    page = browser.new_page()
    page.goto(url)
    assert page.get_by_role("button", name="打印").first.is_visible()
    page.close()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url)
    assert not page.get_by_role("button", name="打印").first.is_visible()
    page.get_by_role("link", name="打印版本").click()
    assert "print=1" in page.url and "本页网址" in page.content()
    context.close()
