"""A citizen applies online in a real browser, gets a 查询码 and tracks the application; staff
confirm receipt and the tracking page then shows the statutory deadline."""

import pytest

from info_requests.models import Application
from tests.info_requests.helpers import VALID_ID

pytestmark = pytest.mark.e2e


@pytest.fixture
def site(transactional_db, live_server):
    from tests.conftest import Builder

    Builder()
    return live_server


def test_citizen_applies_gets_a_tracking_code_and_tracks_it(page, site):
    page.goto(site.url + "/apply/")
    page.select_option("#id_organization", label="测试县民政局")
    page.get_by_label("自然人", exact=True).check()
    page.get_by_label("姓名或名称").fill("王某某")
    page.get_by_label("证件号码或统一社会信用代码").fill("110105194912310021")  # wrong check digit
    page.get_by_label("联系电话（必填）", exact=True).fill("13908751234")
    page.get_by_label("所需信息的名称").fill("2025年低保资金发放情况")
    page.get_by_label("网上查看").check()
    page.get_by_role("button", name="提交申请").click()
    assert "居民身份证号码校验位不正确" in page.locator(".error-summary").inner_text()
    page.get_by_label("证件号码或统一社会信用代码").fill(VALID_ID)
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/apply/receipt/")
    code = page.locator("#tracking-code").inner_text().strip()
    assert Application.objects.get().tracking_code == code
    assert VALID_ID not in page.content()
    assert page.get_by_role("button", name="打印回执").is_visible()  # static script, allowed by the CSP

    page.goto(site.url + "/apply/track/")
    page.get_by_label("查询码", exact=True).fill(code)
    page.get_by_label("联系电话后四位").fill("0000")
    page.get_by_role("button", name="查询").click()
    assert "查询码或联系电话后四位不正确" in page.content()
    page.get_by_label("查询码", exact=True).fill(code.lower())
    page.get_by_label("联系电话后四位").fill("1234")
    page.get_by_role("button", name="查询").click()
    assert page.locator(".status").inner_text() == "待确认收到"
    assert "2025年低保资金发放情况" in page.content()
    assert page.get_by_role("button", name="撤回申请").is_visible()


def test_only_the_chosen_applicant_types_fields_show_and_all_show_without_javascript(page, site, browser):
    page.goto(site.url + "/apply/")
    page.get_by_label("自然人", exact=True).check()
    assert page.get_by_label("工作单位（选填）").is_visible()
    assert not page.get_by_label("法定代表人（法人必填）").is_visible()
    page.get_by_label("法人或其他组织", exact=True).check()
    assert page.get_by_label("法定代表人（法人必填）").is_visible()
    assert not page.get_by_label("工作单位（选填）").is_visible()
    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(site.url + "/apply/")
    assert (
        plain.get_by_label("工作单位（选填）").is_visible()
        and plain.get_by_label("法定代表人（法人必填）").is_visible()
    )
    context.close()
