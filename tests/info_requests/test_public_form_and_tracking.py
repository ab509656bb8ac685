"""The public side of 依申请公开: the form (条例第二十九条), its checks, abuse protection, the
receipt and tracking by 查询码 + phone last four (wrong pairs reveal nothing and are throttled)."""

import datetime

import pytest
from django.urls import reverse

from info_requests import handling, throttle
from info_requests.forms import ApplicationForm
from info_requests.models import Application, ReplyAttachment, ThrottleHit
from info_requests.validators import validate_credit_code, validate_resident_id
from tests.info_requests.helpers import VALID_CREDIT_CODE, VALID_ID, application, form_data, resident_id

APPLY = "/apply/"
TRACK = "/apply/track/"


@pytest.fixture
def org_data(build):
    return {"organization": str(build.org.pk)}


# ---- checksums -------------------------------------------------------------------------------


def test_resident_id_checksum():
    assert validate_resident_id("11010519491231002x") == VALID_ID
    with pytest.raises(Exception, match="校验位"):
        validate_resident_id("110105194912310021")
    with pytest.raises(Exception, match="出生日期"):
        validate_resident_id("110105194913310028")
    with pytest.raises(Exception, match="18位"):
        validate_resident_id("11010519491231")


def test_credit_code_checksum():
    assert validate_credit_code(" 91350100m000100y43 ") == VALID_CREDIT_CODE
    with pytest.raises(Exception, match="校验位"):
        validate_credit_code("91350100M000100Y44")
    with pytest.raises(Exception, match="不含I、O、Z、S、V"):
        validate_credit_code("91350100M000100YO3")


# ---- the form --------------------------------------------------------------------------------


def test_natural_person_form_is_valid_and_maps_to_table_three_columns(build, org_data):
    form = ApplicationForm(form_data(**org_data))
    assert form.is_valid(), form.errors
    app = form.to_application()
    assert app.applicant_type == "natural" and app.id_number == VALID_ID and app.identity_key


def test_bad_id_number_gets_a_chinese_message(build, org_data):
    form = ApplicationForm(form_data(id_number="110105194912310021", **org_data))
    assert not form.is_valid()
    assert form.errors["id_number"] == ["居民身份证号码校验位不正确，请核对后重新填写。"]


def test_legal_person_needs_subtype_credit_code_and_representative(build, org_data):
    form = ApplicationForm(
        form_data(kind="legal", applicant_name="某律师事务所", id_number="91350100M000100Y44", **org_data)
    )
    assert not form.is_valid()
    assert "请选择法人或其他组织的类别。" in form.errors["org_subtype"]
    assert "请填写法定代表人（负责人）。" in form.errors["legal_representative"]
    assert "统一社会信用代码校验位不正确" in form.errors["id_number"][0]
    form = ApplicationForm(
        form_data(
            kind="legal",
            org_subtype="legal_service",
            applicant_name="某律师事务所",
            id_number=VALID_CREDIT_CODE,
            legal_representative="李某",
            **org_data,
        )
    )
    assert form.is_valid(), form.errors
    assert form.to_application().applicant_type == "legal_service"
    assert form.cleaned_data["id_type"] == "credit_code"


def test_required_fields_phone_and_delivery_checks(build, org_data):
    form = ApplicationForm(
        form_data(applicant_name="", phone="12345", delivery="post", address="", delivery_extra="x", **org_data)
    )
    assert not form.is_valid()
    assert form.errors["applicant_name"] == ["请填写姓名（法人或其他组织填写名称）。"]
    assert "手机号码" in form.errors["phone"][0]
    assert form.errors["address"] == ["选择邮寄时，请填写通信地址。"]
    form = ApplicationForm(form_data(delivery="email", email="", **org_data))
    assert not form.is_valid() and "电子邮箱" in form.errors["email"][0]
    assert ApplicationForm(form_data(phone="0875-6121234", **org_data)).is_valid()


def test_form_page_has_no_captcha_and_labels_every_field(client, build, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get(APPLY)
    html = response.content.decode()
    assert response.status_code == 200
    assert "验证码" not in html and "captcha" not in html.lower()
    assert html.count("<h1>") == 1
    assert 'for="id_id_number"' in html and 'autocomplete="tel"' in html


# ---- submission, receipt, abuse protection ----------------------------------------------------


def test_submit_gives_a_receipt_with_tracking_code_and_no_identity_number(client, build, org_data):
    response = client.post(APPLY, form_data(**org_data))
    assert response.status_code == 302 and response["Location"] == reverse("info_requests:receipt")
    app = Application.objects.get()
    assert app.status == "submitted" and app.received_date is None  # 第三十一条: dated at confirmation
    page = client.get(response["Location"]).content.decode()
    assert app.tracking_code in page
    assert VALID_ID not in page and "13908751234" not in page
    assert app.tracking_code not in response["Location"]  # the code never goes into a URL


def test_honeypot_stores_nothing(client, build, org_data):
    response = client.post(APPLY, form_data(website="http://spam.example", **org_data))
    assert response.status_code == 200
    assert not Application.objects.exists()


def test_per_identity_throttle(client, build, org_data):
    for _ in range(throttle.APPLY_PER_IDENTITY.max_hits):
        assert client.post(APPLY, form_data(**org_data)).status_code == 302
    response = client.post(APPLY, form_data(**org_data))
    assert response.status_code == 200
    assert "同一申请人今天提交的申请已达上限" in response.content.decode()
    assert Application.objects.count() == throttle.APPLY_PER_IDENTITY.max_hits
    # Another person from the same address may still apply (the per-IP limit is higher).
    assert client.post(APPLY, form_data(id_number=resident_id(7), **org_data)).status_code == 302


def test_per_ip_throttle(client, build, org_data):
    for i in range(throttle.APPLY_PER_IP.max_hits):
        assert client.post(APPLY, form_data(id_number=resident_id(100 + i), **org_data)).status_code == 302
    response = client.post(APPLY, form_data(id_number=resident_id(999), **org_data))
    assert "提交过于频繁" in response.content.decode()
    assert Application.objects.count() == throttle.APPLY_PER_IP.max_hits
    # Keys are digests: the address itself is not stored.
    assert not ThrottleHit.objects.filter(key__contains="127.0.0.1").exists()


def test_forged_post_gets_a_chinese_message_not_a_500(client, build):
    response = client.post(APPLY, {"organization": "abc", "kind": "robot", "form_preference": "x"})
    assert response.status_code == 200
    assert "请选择列表中的受理机关。" in response.content.decode()


# ---- tracking ---------------------------------------------------------------------------------


def test_tracking_with_both_factors_shows_status_and_deadline(client, build, django_assert_max_num_queries):
    app = application(build, datetime.date(2026, 3, 2))
    with django_assert_max_num_queries(12):
        response = client.post(TRACK, {"code": app.tracking_code.lower().replace("-", " "), "phone_last4": "1234"})
    html = response.content.decode()
    assert "办理中" in html and "2026-03-30" in html
    full_width = app.tracking_code.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-"})
    html = client.post(TRACK, {"code": full_width, "phone_last4": "１２３４"}).content.decode()
    assert "办理中" in html
    assert app.id_number not in html and app.phone not in html and app.email not in html


def test_wrong_code_or_phone_reveal_nothing(client, build):
    app = application(build, datetime.date(2026, 3, 2))
    wrong_phone = client.post(TRACK, {"code": app.tracking_code, "phone_last4": "9999"}).content.decode()
    no_such_code = client.post(TRACK, {"code": "AAAA-BBBB-CCCC", "phone_last4": "1234"}).content.decode()
    for html in (wrong_phone, no_such_code):
        assert "查询码或联系电话后四位不正确" in html
        assert app.info_title not in html and "办理中" not in html
    # Same answer whether or not the code exists.
    assert wrong_phone.count("不正确") == no_such_code.count("不正确")


def test_guessing_is_throttled_even_for_the_right_pair(client, build):
    app = application(build, datetime.date(2026, 3, 2))
    for i in range(throttle.TRACK_FAIL_PER_CODE.max_hits):
        client.post(TRACK, {"code": app.tracking_code, "phone_last4": f"{i:04d}"})
    html = client.post(TRACK, {"code": app.tracking_code, "phone_last4": "1234"}).content.decode()
    assert "查询失败次数过多" in html and app.info_title not in html


def test_failures_per_address_are_limited(client, build):
    app = application(build, datetime.date(2026, 3, 2))
    for i in range(throttle.TRACK_FAIL_PER_IP.max_hits):
        client.post(TRACK, {"code": f"ZZZZ-ZZZZ-{i:04d}", "phone_last4": "0000"})
    html = client.post(TRACK, {"code": app.tracking_code, "phone_last4": "1234"}).content.decode()
    assert "查询失败次数过多" in html


def test_withdraw_before_receipt_only(client, build, org_data):
    client.post(APPLY, form_data(**org_data))
    app = Application.objects.get()
    html = client.post(TRACK, {"code": app.tracking_code, "phone_last4": "1234"}).content.decode()
    assert "撤回申请" in html
    html = client.post(reverse("info_requests:withdraw", args=[app.pk])).content.decode()
    assert "您的申请已撤回" in html
    app.refresh_from_db()
    assert app.status == "withdrawn"
    # Someone else's session cannot withdraw.
    other = application(build, None)
    client.logout()
    client.post(reverse("info_requests:withdraw", args=[other.pk]))
    other.refresh_from_db()
    assert other.status == "submitted"


def test_reply_and_attachment_only_after_tracking(client, build, settings):
    from django.core.files.base import ContentFile

    app = application(build, datetime.date(2026, 3, 2))
    handling.draft_reply(app, build.editor, "disclose")
    app.refresh_from_db()
    handling.send_reply(app, build.editor, datetime.date(2026, 3, 20))
    attachment = ReplyAttachment.objects.create(
        application=app, original_name="答复.txt", content_type="text/plain", file=ContentFile(b"data", name="a.txt")
    )
    url = reverse("info_requests:attachment", args=[attachment.pk])
    assert client.get(url).status_code == 404
    html = client.post(TRACK, {"code": app.tracking_code, "phone_last4": "1234"}).content.decode()
    assert "政府信息公开告知书" in html and "已于2026-03-20答复" in html
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"data"


@pytest.mark.parametrize("extra", [0, 30])
def test_status_page_query_count_does_not_grow_with_data(client, build, django_assert_max_num_queries, extra):
    app = application(build, datetime.date(2026, 3, 2))
    for i in range(extra):
        application(build, datetime.date(2026, 3, 2) + datetime.timedelta(days=i % 20))
    handling.start_consultation(app, build.editor, datetime.date(2026, 3, 4), "third_party", "某公司")
    app.refresh_from_db()
    handling.end_consultation(app, build.editor, datetime.date(2026, 3, 13))
    app.refresh_from_db()
    handling.extend(
        app, build.editor, datetime.date(2026, 3, 16), 5, "需要调档", build.leader, datetime.date(2026, 3, 16)
    )
    with django_assert_max_num_queries(14):
        html = client.post(TRACK, {"code": app.tracking_code, "phone_last4": "1234"}).content.decode()
    assert "延长5个工作日" in html and "依法征求意见" in html


@pytest.mark.parametrize(
    "data",
    [
        {"organization": "99999999999999999999999", "kind": "natural"},
        {"applicant_name": "王\x00某", "id_number": "\x00"},
        {"code": "x" * 500, "phone_last4": "12345"},
        {"code": "ＡＢＣＤ－ＥＦＧＨ－ＪＫＬＭ", "phone_last4": "１２３４"},
        {"code": "\x00", "phone_last4": "ab12"},
    ],
)
def test_malformed_posts_get_chinese_messages_not_500(client, build, data):
    for url in (APPLY, TRACK):
        response = client.post(url, data)
        assert response.status_code == 200
    assert client.get(TRACK + "?id=99999999999999999999999").status_code == 200
    assert client.get(reverse("info_requests:receipt")).status_code == 302


def test_name_document_number_or_description_is_enough(build, org_data):
    form = ApplicationForm(form_data(info_title="", info_description="", info_document_number="", **org_data))
    assert not form.is_valid()
    assert form.errors["info_title"] == ["请填写所需信息的名称、文号或其他特征性描述（至少一项）。"]
    form = ApplicationForm(
        form_data(info_title="", info_description="", info_document_number="龙民发〔2025〕3号", **org_data)
    )
    assert form.is_valid() and form.to_application().info_title == "龙民发〔2025〕3号"


def test_applicant_edits_the_request_before_receipt_only(client, build, org_data):
    from django.test import Client
    from django.utils import timezone

    client.post(APPLY, form_data(**org_data))
    app = Application.objects.get()
    edit_url = reverse("info_requests:edit", args=[app.pk])
    assert Client().get(edit_url).status_code == 302  # another browser has not unlocked it
    page = client.get(edit_url).content.decode()  # the submitting browser has
    assert "修改申请内容" in page and VALID_ID not in page and "13908751234" not in page
    html = client.post(
        edit_url, {"info_title": "2025年特困供养资金", "form_preference": "paper", "delivery": "post"}
    ).content.decode()
    assert "申请内容已修改。" in html
    app.refresh_from_db()
    assert app.info_title == "2025年特困供养资金" and app.delivery == "post"
    handling.confirm_receipt(app, build.editor, timezone.localdate())
    html = client.post(edit_url, {"info_title": "又改了", "form_preference": "paper", "delivery": "post"})
    app.refresh_from_db()
    assert app.info_title == "2025年特困供养资金"
    assert "不能再在网上修改" in html.content.decode()
