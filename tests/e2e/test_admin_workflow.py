"""The whole publication path in a real browser, each role in its own session: editor creates and
submits → reviewer confirms 保密审查 → leader approves → the item is public with an 索引号; then
the revision path (the public keeps the live version until the leader approves)."""

import os
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from disclosures.admin.items import category_label
from disclosures.models import Category, DisclosureItem

pytestmark = pytest.mark.e2e

PASSWORD = "demo-pass-2026"


@pytest.fixture
def demo_site(transactional_db, live_server):
    call_command("demo", stdout=open(os.devnull, "w"))
    return live_server


class Staff:
    def __init__(self, browser, base, username):
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.base = base
        self.page.goto(base + "/admin/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("input[type=submit]")
        self.page.wait_for_url(base + "/admin/")

    def close(self):
        self.context.close()


def _confirm(page, label):
    page.get_by_role("link", name=label, exact=True).click()
    page.get_by_role("button", name=f"确认{label}").click()


def test_editor_reviewer_leader_publish_an_item(browser, demo_site):
    title = "浏览器测试：社会救助投诉举报电话调整的公告"
    editor = Staff(browser, demo_site.url, "editor")
    page = editor.page
    page.goto(demo_site.url + "/admin/disclosures/disclosureitem/add/")
    page.select_option("#id_organization", label="龙陵县民政局")
    page.select_option("#id_category", label=category_label(Category.objects.get(name="监督检查")))  # “　　└ 监督检查”
    page.select_option("#id_kind", "general")
    page.fill("#id_title", title)
    # Written today: a fixed date would in time pass the column's 公开时限 and list the item a second
    # time on the dashboard (公开时限已过), beside 待我审核.
    page.fill("#id_written_date", f"{timezone.localdate():%Y-%m-%d}")
    page.click("input[name=_continue]")
    expect(page.locator(".wf-panel h2")).to_contain_text("当前状态：草稿")
    _confirm(page, "提交审核")
    expect(page.locator(".wf-panel h2")).to_contain_text("当前状态：待审核")
    editor.close()

    reviewer = Staff(browser, demo_site.url, "reviewer")
    page = reviewer.page
    page.get_by_role("link", name=title).click()  # from 待我审核 on the dashboard
    page.get_by_role("link", name="审核通过（保密审查）").click()
    page.get_by_role("button", name="确认审核通过（保密审查）").click()
    expect(page.get_by_role("alert").filter(has_text="请勾选保密审查确认")).to_be_visible()  # not confirmed yet
    page.get_by_label("经审查，该信息不涉及国家秘密、工作秘密、商业秘密和个人隐私，可以公开。").check()
    page.get_by_role("button", name="确认审核通过（保密审查）").click()
    expect(page.locator(".wf-panel h2")).to_contain_text("当前状态：待审批")
    reviewer.close()

    leader = Staff(browser, demo_site.url, "leader")
    page = leader.page
    page.get_by_role("link", name=title).click()  # from 待我审批
    _confirm(page, "审批发布")
    expect(page.locator(".wf-panel h2")).to_contain_text("当前状态：已发布")
    leader.close()

    item = DisclosureItem.objects.get(title=title)
    assert re.fullmatch(rf"01526257-2-/{timezone.localdate().year}-\d{{7}}", item.index_number)
    citizen = browser.new_context(java_script_enabled=False)
    public = citizen.new_page()
    public.goto(demo_site.url + item.get_absolute_url())
    meta = public.locator(".meta-grid")
    assert meta.locator("div", has_text="索引号").locator("dd").inner_text() == item.index_number
    expect(public.locator("h1")).to_have_text(title)
    citizen.close()


def test_revision_path(browser, demo_site):
    item = DisclosureItem.objects.get(title="社会救助监督举报电话和信访地址")
    new_title = "社会救助监督举报电话和信访地址（2026年12月更新）"
    editor = Staff(browser, demo_site.url, "editor")
    page = editor.page
    page.goto(demo_site.url + f"/admin/disclosures/disclosureitem/{item.pk}/change/")
    _confirm(page, "修订（创建新版本）")
    page.fill("#id_title", new_title)
    page.fill("#id_change_note", "更新投诉举报电话")
    page.click("input[name=_continue]")
    _confirm(page, "提交审核")
    expect(page.locator(".wf-panel h2")).to_contain_text("当前状态：待审核")
    editor.close()

    citizen = browser.new_context()
    public = citizen.new_page()
    public.goto(demo_site.url + item.get_absolute_url())
    assert public.locator("h1").inner_text() == item.title  # still the live version

    reviewer = Staff(browser, demo_site.url, "reviewer")
    page = reviewer.page
    page.get_by_role("link", name=f"{item.title}（第1次修订）").click()
    expect(page.locator(".wf-diff ins", has_text=new_title)).to_be_visible()  # compared with the live version
    page.get_by_role("link", name="审核通过（保密审查）").click()
    page.get_by_label("经审查，该信息不涉及国家秘密、工作秘密、商业秘密和个人隐私，可以公开。").check()
    page.get_by_role("button", name="确认审核通过（保密审查）").click()
    reviewer.close()

    leader = Staff(browser, demo_site.url, "leader")
    page = leader.page
    page.get_by_role("link", name=f"{item.title}（第1次修订）").click()
    _confirm(page, "审批生效")
    expect(page.locator(".wf-panel h2")).to_contain_text("当前状态：已生效")
    leader.close()

    public.goto(demo_site.url + item.get_absolute_url())
    expect(public.locator("h1")).to_have_text(new_title)
    assert public.locator(".meta-grid div", has_text="索引号").locator("dd").inner_text() == item.index_number
    assert "更新投诉举报电话" in public.locator("#history").inner_text()
    citizen.close()
