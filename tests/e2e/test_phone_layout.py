"""The public site on a phone (390 px) and in 长辈版: no page scrolls sideways, lists are cards,
the item's title comes first, identifiers never break mid-word, the display switches keep the page."""

import os

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
PAGES = [
    "/",
    "/catalog/",
    "/catalog/fdzdgk/shjz/",
    "/guide/",
    "/search/?q=低保",
    "/apply/",
    "/apply/track/",
    "/reports/",
    "/reports/2025/llmzj/",
    "/feeds/",
    "/accessibility/",
    "/sitemap/",
]


@pytest.fixture
def demo(transactional_db, live_server):
    call_command("demo", stdout=open(os.devnull, "w"))
    return live_server


def seed_item_url():
    from disclosures.models import DisclosureItem

    return DisclosureItem.objects.get(index_number="01526257-2-/2016-1230002").get_absolute_url()


@pytest.mark.parametrize("fontsize", ["medium", "large"])
def test_no_public_page_scrolls_sideways_on_a_phone(browser, demo, fontsize):
    context = browser.new_context(viewport=PHONE)
    context.add_cookies([{"name": "fontsize", "value": fontsize, "url": demo.url}])
    page = context.new_page()
    wide = []
    for path in PAGES + [seed_item_url()]:
        page.goto(demo.url + path)
        if page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
            wide.append(path)
    context.close()
    assert wide == []


def test_lists_are_cards_and_identifiers_do_not_break(browser, demo):
    context = browser.new_context(viewport=PHONE)
    context.add_cookies([{"name": "fontsize", "value": "large", "url": demo.url}])
    page = context.new_page()
    page.goto(demo.url + "/catalog/fdzdgk/shjz/")
    title = page.locator(".item-table .col-title").first.bounding_box()
    assert title["width"] > 300  # the title takes the card's width, not two characters
    # The card's meta line (发布机构 · 文号 · 日期, “·” drawn before each cell) leaves out a missing
    # 文号 cell entirely, so no “· ·” with nothing between.
    shown = [c.inner_text().strip() for c in page.locator(".item-table tbody .col-meta").all() if c.is_visible()]
    assert shown and all(text not in ("", "无") for text in shown)
    page.goto(demo.url + seed_item_url())
    heading = page.locator("h1").bounding_box()
    meta = page.locator(".meta-block").bounding_box()
    assert heading["y"] < meta["y"] and heading["y"] < 400  # the title first, near the top
    for selector in (".meta-grid dd .nowrap", ".meta-grid dd time"):
        for box in page.locator(selector).all():
            line = float(box.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
            assert box.bounding_box()["height"] <= line * 1.2  # one line: not broken mid-word
    context.close()


def test_font_switch_keeps_the_search_and_marks_the_current_size(browser, demo):
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(demo.url + "/search/?q=养老")
    page.locator(".display-tools").get_by_role("link", name="大").click()
    assert "q=%E5%85%BB%E8%80%81" in page.url or "q=养老" in page.url
    assert page.locator("#site-search").input_value() == "养老"
    assert page.locator('.display-tools a[aria-current="true"]').inner_text().startswith("大")
    assert page.locator(".tools").get_by_role("link", name="大").count() == 0


def test_main_navigation_is_one_row_and_marks_the_section(browser, demo):
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(demo.url + "/catalog/fdzdgk/shjz/")
    nav = page.locator(".main-nav ul").bounding_box()
    assert nav["height"] < 70
    assert page.locator('.main-nav a[aria-current="page"]').inner_text() == "公开目录"


def test_the_print_view_is_a_print_layout(browser, demo):
    page = browser.new_context().new_page()
    page.goto(demo.url + seed_item_url() + "?print=1")
    assert page.locator(".main-nav").count() == 0 and page.locator(".site-footer").count() == 0
    assert "龙陵县政府信息公开平台" in page.locator(".print-header").inner_text()
    assert "本页网址" in page.content()
