"""The admin screens a clerk uses every day, at 1366 px in a real browser (issue 13, “Admin”):
the item form shows only the chosen kind's sections, the item list's title column is readable,
the approval page shows what is approved, times are Beijing time. Screenshots go to screenshots/
(not committed) for a person to look at."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from disclosures.models import DisclosureItem

pytestmark = pytest.mark.e2e

PASSWORD = "demo-pass-2026"
SHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture
def demo_site(transactional_db, live_server):
    call_command("demo", stdout=open(os.devnull, "w"))
    return live_server


def staff_page(browser, base, username, **context):
    ctx = browser.new_context(
        viewport={"width": 1366, "height": 900}, timezone_id="Asia/Shanghai", locale="zh-CN", **context
    )
    page = ctx.new_page()
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(base + "/admin/")
    return page


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"admin-{name}-1366.png"), full_page=True)


def height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def test_item_form_shows_the_chosen_kinds_sections(browser, demo_site):
    page = staff_page(browser, demo_site.url, "editor")
    page.goto(demo_site.url + "/admin/disclosures/disclosureitem/add/")
    expect(page.get_by_role("heading", name="第一步：选择信息类型")).to_be_visible()
    assert page.locator(".timezonewarning").count() == 0  # browser and server both in Beijing time
    page.select_option("#id_organization", label="龙陵县民政局")
    options = page.locator("#id_category option").all_inner_texts()
    assert "　　└ 最低生活保障" in options or any(o.startswith("　　└ ") for o in options)
    page.fill("#id_title", "关于调整临时救助标准的通知")
    page.select_option("#id_kind", "policy")  # reloads with ?kind=policy, keeping what was typed
    page.wait_for_url("**kind=policy**")
    expect(page.locator("#id_title")).to_have_value("关于调整临时救助标准的通知")
    expect(page.locator("#policy-group")).to_be_visible()
    for other in ("budget", "procurement", "social_assistance", "elderly_care"):
        assert page.locator(f"#{other}-group").count() == 0
    assert height(page) < 3000, height(page)  # was ~4,350 px with every kind's sections
    shot(page, "item-add-policy")
    page.context.close()


def test_item_form_without_javascript_follows_the_kind_links(browser, demo_site):
    page = staff_page(browser, demo_site.url, "editor", java_script_enabled=False)
    page.goto(demo_site.url + "/admin/disclosures/disclosureitem/add/")
    page.get_by_role("link", name="社会救助", exact=True).click()
    expect(page.locator("#social_assistance-group")).to_be_visible()
    assert page.locator("#policy-group").count() == 0
    page.context.close()


def test_item_list_title_column_is_readable(browser, demo_site):
    page = staff_page(browser, demo_site.url, "editor")
    page.goto(demo_site.url + "/admin/disclosures/disclosureitem/")
    shot(page, "item-list")
    title = page.locator("#result_list th.column-title")
    assert title.bounding_box()["width"] >= 320, title.bounding_box()
    number = page.locator("#result_list td.field-index_number").first
    assert number.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.context.close()


def test_approval_page_shows_what_is_approved(browser, demo_site):
    item = DisclosureItem.objects.get(title="（待审批）2027年养老服务补贴标准")
    page = staff_page(browser, demo_site.url, "leader")
    page.goto(demo_site.url + f"/admin/disclosures/disclosureitem/{item.pk}/workflow/approve/")
    subject = page.locator(".wf-subject")
    expect(subject.locator(".wf-subject-title")).to_have_text(item.title)
    expect(subject.locator(".wf-body")).to_contain_text("本信息用于演示审核流程中的不同状态。")
    expect(subject).to_contain_text("保密审查")
    shot(page, "approve")
    page.context.close()


def test_refused_step_is_shown_disabled_with_the_reason(browser, demo_site):
    item = DisclosureItem.objects.get(title__startswith="（草稿·隐私检查未通过）")
    page = staff_page(browser, demo_site.url, "editor")
    page.goto(demo_site.url + f"/admin/disclosures/disclosureitem/{item.pk}/change/")
    blocked = page.locator(".wf-blocked", has_text="提交审核")
    expect(blocked).to_contain_text("暂不能执行")
    assert blocked.get_by_role("link").count() == 0
    shot(page, "item-change-blocked")
    page.context.close()


def test_review_page_label_has_no_stray_colon(browser, demo_site):
    item = DisclosureItem.objects.get(title="（待审核）特困人员生活自理能力评估结果")
    page = staff_page(browser, demo_site.url, "reviewer")
    page.goto(demo_site.url + f"/admin/disclosures/disclosureitem/{item.pk}/workflow/review/")
    label = page.locator("label[for=id_secrecy_confirmed]")
    assert label.inner_text().endswith("可以公开。"), label.inner_text()
    expect(page.locator(".wf-subject")).to_contain_text("尚未进行保密审查")
    shot(page, "review")
    page.context.close()


def test_view_on_site_of_a_draft_opens_the_staff_preview(browser, demo_site):
    item = DisclosureItem.objects.get(title="（草稿）2026年12月低保金发放计划")
    page = staff_page(browser, demo_site.url, "editor")
    page.goto(demo_site.url + f"/admin/disclosures/disclosureitem/{item.pk}/change/")
    page.get_by_role("link", name="在站点上查看").click()
    expect(page.locator(".banner-preview h2")).to_have_text("预览（未公开）")
    expect(page.locator("h1")).to_have_text(item.title)
    assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex, nofollow"
    shot(page, "preview")
    page.context.close()


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_problems(page, include=None):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "([inc, t]) => axe.run(inc ? {include: inc} : document, {runOnly: {type: 'tag', values: t}})",
        [include, TAGS],
    )
    assert result["passes"], "axe did not run"
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_the_new_admin_parts_and_the_preview_pass_axe(browser, demo_site):
    """The parts this work added (第一步, 送审内容, the workflow panel) and the whole preview page,
    which is a public page; Django's own admin screens are not ours to audit here."""
    assert AXE.exists(), "axe-core missing: run `npm ci` (./dev test does it)"
    draft = DisclosureItem.objects.get(title="（草稿）2026年12月低保金发放计划")
    pending = DisclosureItem.objects.get(title="（待审批）2027年养老服务补贴标准")
    editor = staff_page(browser, demo_site.url, "editor", bypass_csp=True)
    editor.goto(demo_site.url + "/admin/disclosures/disclosureitem/add/?kind=policy")
    problems = axe_problems(editor, [["#kind-step"]])
    editor.goto(demo_site.url + f"/admin/disclosures/disclosureitem/{draft.pk}/change/")
    problems += axe_problems(editor, [[".wf-panel"]])
    editor.goto(demo_site.url + f"/admin/disclosures/disclosureitem/{draft.pk}/preview/")
    problems += axe_problems(editor)
    leader = staff_page(browser, demo_site.url, "leader", bypass_csp=True)
    leader.goto(demo_site.url + f"/admin/disclosures/disclosureitem/{pending.pk}/workflow/approve/")
    problems += axe_problems(leader, [[".wf-subject"]])
    assert not problems, problems
