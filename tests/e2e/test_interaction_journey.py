"""A citizen asks a bureau a question in a real browser; an editor accepts it and drafts the
reply, a leader who did not write it approves and publishes it; the citizen reads the published
reply (without their name or phone) and tracks the message by 查询码."""

import os

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from interaction.models import Message

pytestmark = pytest.mark.e2e

PASSWORD = "demo-pass-2026"
TITLE = "浏览器测试：残疾人两项补贴怎么申请"


@pytest.fixture
def demo_site(transactional_db, live_server):
    call_command("demo", stdout=open(os.devnull, "w"))
    return live_server


def _login(browser, base, username):
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(base + "/admin/")
    return context, page


def _step(page, label):
    page.locator(".wf-actions").get_by_role("link", name=label, exact=True).click()
    page.get_by_role("button", name=f"确认{label}").click()


def test_from_asking_to_reading_the_published_reply(browser, page, demo_site):
    base = demo_site.url
    page.goto(base + "/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="互动交流").click()
    page.get_by_role("link", name="咨询、建议（在线留言）").click()
    page.select_option("#id_organization", label="龙陵县民政局")
    page.get_by_label("咨询", exact=True).check()
    page.get_by_role("textbox", name="标题").fill(TITLE)
    page.get_by_role("textbox", name="内容").fill("我家有一名重度残疾人，请问残疾人两项补贴在哪里申请？")
    page.get_by_role("textbox", name="姓名").fill("周某某")
    page.get_by_role("textbox", name="手机").fill("139087")
    page.get_by_label("同意公开（不公开姓名和联系方式）").check()
    page.get_by_role("button", name="提交留言").click()
    expect(page.locator(".error-summary")).to_contain_text("请填写11位手机号码")
    page.get_by_role("textbox", name="手机").fill("13908756789")
    page.get_by_role("button", name="提交留言").click()
    page.wait_for_url("**/interact/ask/receipt/")
    code = page.locator("#tracking-code").inner_text().strip()
    message = Message.objects.get(tracking_code=code)
    assert message.title == TITLE and message.agree_publish

    context, staff = _login(browser, base, "editor")
    staff.goto(f"{base}/admin/interaction/message/{message.pk}/change/")
    expect(staff.locator(".wf-panel h2")).to_contain_text("待受理")
    _step(staff, "受理")
    staff.locator(".wf-actions").get_by_role("link", name="起草答复", exact=True).click()
    staff.get_by_label("答复内容").fill(
        "您好！请持残疾人证、户口簿到户籍所在地乡镇（街道）民政办申请，经县民政局审批后按月发放。"
    )
    staff.get_by_role("button", name="确认起草答复").click()
    _step(staff, "提交领导审批")
    expect(staff.locator(".wf-panel h2")).to_contain_text("答复待审批")
    assert staff.locator(".wf-actions").get_by_role("link", name="审批答复").count() == 0  # not a leader
    context.close()

    context, leader = _login(browser, base, "leader")
    leader.goto(f"{base}/admin/interaction/message/{message.pk}/change/")
    _step(leader, "审批答复")
    expect(leader.locator(".wf-panel h2")).to_contain_text("已答复")
    _step(leader, "选登公开")
    expect(leader.locator(".wf-panel h2")).to_contain_text("已在“留言选登”公开")
    context.close()

    page.goto(base + "/interact/messages/")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".reply-letter")).to_contain_text("按月发放")
    expect(page.locator(".meta-grid")).to_contain_text("龙陵县民政局")
    content = page.content()
    assert "周某某" not in content and "13908756789" not in content and code not in content

    page.goto(base + "/interact/track/")
    page.get_by_label("查询码").fill(code.lower())
    page.get_by_label("手机号码后四位").fill("6789")
    page.get_by_role("button", name="查询").click()
    expect(page.locator(".status")).to_have_text("已答复")
    expect(page.locator(".reply-letter")).to_contain_text("按月发放")
