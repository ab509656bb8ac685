"""The public side: asking, tracking, 留言选登, consultations. Nothing unanswered or unapproved is
public — not on pages, feeds, search, the sitemap or open data; forged and malformed posts get a
Chinese message and change nothing; public pages run a fixed number of queries."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from interaction import workflow
from interaction.models import Comment, Message

pytestmark = pytest.mark.django_db


def ask_data(build, **overrides):
    data = {
        "organization": build.org.pk,
        "category": "consult",
        "title": "低保申请条件",
        "content": "请问申请低保需要什么条件？",
        "writer_name": "王某某",
        "phone": "13908751234",
        "email": "wang@example.com",
        "agree_publish": "yes",
        "website": "",
    }
    data.update(overrides)
    return data


# ---- asking ------------------------------------------------------------------------------------


def test_asking_gives_a_tracking_code_and_the_reply_deadline(client, build, site_profile):
    response = client.post("/interact/ask/", ask_data(build), follow=True)
    message = Message.objects.get()
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/interact/ask/receipt/"
    assert message.tracking_code in page and "答复期限" in page
    assert message.status == Message.Status.SUBMITTED and message.agree_publish
    assert message.received_date == timezone.localdate() and message.reply_days == 5
    assert "13908751234" not in page


def test_the_form_has_labels_required_marks_and_no_captcha(client, build, site_profile, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        page = client.get("/interact/ask/").content.decode()
    for label in ("发给哪个机构", "类别", "标题", "内容", "姓名", "手机", "邮箱（选填）", "是否同意公开"):
        assert label in page
    assert 'for="id_title"' in page and "required-mark" in page
    assert "captcha" not in page.lower() and "<script>" not in page
    assert "信访" in page and "12388" in page  # where other matters belong


@pytest.mark.parametrize(
    "overrides, error",
    [
        ({"title": ""}, "请填写标题。"),
        ({"content": "   "}, "请填写留言内容。"),
        ({"content": "长" * 2001}, "留言内容不能超过2000字。"),
        ({"organization": "99999"}, "请选择列表中的机构。"),
        ({"organization": "abc"}, "请选择列表中的机构。"),
        ({"category": "complaint"}, "请选择留言类别。"),
        ({"phone": "12345"}, "请填写11位手机号码"),
        ({"email": "not-an-email"}, "邮箱格式不正确。"),
        ({"agree_publish": "maybe"}, "请选择是否同意公开。"),
    ],
)
def test_malformed_messages_get_a_chinese_message_and_store_nothing(client, build, site_profile, overrides, error):
    response = client.post("/interact/ask/", ask_data(build, **overrides))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Message.objects.exists()


def test_a_forged_post_without_the_csrf_token_is_refused(build, site_profile):
    response = Client(enforce_csrf_checks=True).post("/interact/ask/", ask_data(build))
    assert response.status_code == 403
    assert not Message.objects.exists()


def test_the_honeypot_answers_as_if_accepted_and_stores_nothing(client, build, site_profile):
    response = client.post("/interact/ask/", ask_data(build, website="http://spam.example"))
    assert response.status_code == 200 and "已提交" in response.content.decode()
    assert not Message.objects.exists()


def test_counted_limits_stop_a_flood_from_one_address(client, build, site_profile):
    for n in range(10):
        client.post("/interact/ask/", ask_data(build, phone=f"1390875{n:04d}"))
    response = client.post("/interact/ask/", ask_data(build, phone="13908759999"))
    assert "提交过于频繁" in response.content.decode()
    assert Message.objects.count() == 10


def test_tracking_needs_the_code_and_the_phone_digits(client, ia, site_profile):
    message = ia.message("accepted", phone="13908754321")
    wrong = client.post("/interact/track/", {"code": message.tracking_code, "phone_last4": "1234"})
    assert "查询码或手机号码后四位不正确" in wrong.content.decode()
    assert client.get(f"/interact/track/?id={message.pk}").content.decode().count(message.title) == 0
    right = client.post(
        "/interact/track/", {"code": message.tracking_code.lower().replace("-", " "), "phone_last4": "４３２１"}
    )
    page = right.content.decode()
    assert message.title in page and "办理中" in page and message.tracking_code in page
    assert "13908754321" not in page and message.writer_name not in page


def test_failed_lookups_are_counted_and_then_even_the_right_pair_is_refused(client, ia, site_profile):
    message = ia.message(phone="13908754321")
    for _ in range(5):
        client.post("/interact/track/", {"code": message.tracking_code, "phone_last4": "0000"})
    response = client.post("/interact/track/", {"code": message.tracking_code, "phone_last4": "4321"})
    assert "查询失败次数过多" in response.content.decode()


# ---- nothing unapproved is public -------------------------------------------------------------------


@pytest.fixture
def every_state(ia):
    rows = {
        state: ia.message(state, title=f"状态{state}的留言")
        for state in ("submitted", "accepted", "pending_approval", "answered", "rejected", "published")
    }
    rows["not_agreed"] = ia.message("answered", agree=False, title="状态not_agreed的留言")
    return rows


def test_only_published_replies_appear_anywhere_public(client, every_state, ia, site_profile):
    published = every_state["published"]
    others = [m for key, m in every_state.items() if key != "published"]
    pages = "".join(
        client.get(url).content.decode()
        for url in (
            "/interact/",
            "/interact/messages/",
            "/feeds/interact/replies/",
            "/sitemap-interact-messages.xml",
            "/search/?q=状态",
            "/api/items.json",
        )
    )
    assert published.title in pages
    for message in others:
        assert message.title not in pages
        assert client.get(f"/interact/messages/{message.pk}/").status_code == 404
    assert client.get(f"/interact/messages/{published.pk}/").status_code == 200
    assert "interact-messages" in client.get("/sitemap.xml").content.decode()


def test_a_published_reply_never_shows_the_writer(client, every_state, site_profile):
    published = every_state["published"]
    page = client.get(f"/interact/messages/{published.pk}/").content.decode()
    for field in (published.writer_name, published.phone, published.email, published.tracking_code):
        assert field not in page
    for shown in ("留言时间", "答复单位", "答复时间", "答复内容", published.content, published.reply.body):
        assert shown in page
    feed = client.get("/feeds/interact/replies/").content.decode()
    assert published.writer_name not in feed and published.phone not in feed
    assert "+08:00</updated>" in feed  # Asia/Shanghai


def test_withdrawing_a_publication_takes_it_off_every_page(client, every_state, build, site_profile):
    published = every_state["published"]
    workflow.unpublish(published, build.leader, reason="留言人要求撤下。")
    assert client.get(f"/interact/messages/{published.pk}/").status_code == 404
    assert published.title not in client.get("/feeds/interact/replies/").content.decode()


def test_a_consultation_is_public_only_once_its_item_is_approved(client, ia, site_profile):
    c = ia.consultation(published=False, title="尚未审批的征集公告")
    for url in (f"/interact/consultations/{c.pk}/", c.item.get_absolute_url()):
        assert client.get(url).status_code == 404
    listing = "".join(
        client.get(url).content.decode()
        for url in (
            "/interact/consultations/",
            "/feeds/interact/consultations/",
            "/sitemap-interact-consultations.xml",
            "/search/?q=尚未审批",
            "/api/items.json",
        )
    )
    assert "尚未审批的征集公告" not in listing
    ia.publish_item(c.item)
    assert client.get(f"/interact/consultations/{c.pk}/").status_code == 200
    assert "尚未审批的征集公告" in client.get("/feeds/interact/consultations/").content.decode()
    assert "尚未审批的征集公告" in client.get("/api/items.json").content.decode()


# ---- comments --------------------------------------------------------------------------------


def test_an_open_consultation_takes_a_comment_and_keeps_the_writer_private(client, ia, build, site_profile):
    c = ia.consultation()
    pdf = SimpleUploadedFile("意见.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = client.post(
        f"/interact/consultations/{c.pk}/",
        {"text": "建议增加一条过渡条款。", "name": "张三", "contact": "13908750000", "attachment": pdf, "website": ""},
    )
    assert response.status_code == 200 and "您的意见已提交" in response.content.decode()
    comment = Comment.objects.get()
    assert comment.name == "张三" and comment.attachment_name == "意见.pdf"
    from interaction import consultations

    consultations.show_comment(comment, build.leader)
    page = client.get(f"/interact/consultations/{c.pk}/").content.decode()
    assert "建议增加一条过渡条款。" in page and "张三" not in page and "13908750000" not in page


def test_a_comment_with_personal_data_is_shown_only_after_masking(ia, build):
    from disclosures.workflow import WorkflowError
    from interaction import consultations

    c = ia.consultation()
    comment = Comment.objects.create(consultation=c, text="我的电话13908751111，建议延长办理时间。", name="李四")
    with pytest.raises(WorkflowError, match="手机号码"):
        consultations.show_comment(comment, build.leader)
    consultations.mask_comment(comment, build.editor)
    consultations.show_comment(comment, build.leader)
    comment.refresh_from_db()
    assert comment.shown_publicly and "13908751111" not in comment.text


def test_a_closed_consultation_has_no_form_and_refuses_a_posted_comment(client, ia, site_profile):
    today = timezone.localdate()
    c = ia.consultation(start=today - datetime.timedelta(days=40), end=today - datetime.timedelta(days=1))
    page = client.get(f"/interact/consultations/{c.pk}/").content.decode()
    assert "已于" in page and "截止，不再接收意见" in page and 'name="text"' not in page
    response = client.post(f"/interact/consultations/{c.pk}/", {"text": "迟到的意见", "website": ""})
    assert response.status_code == 400
    assert "截止，不再接收意见" in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "data, files, error",
    [
        ({"text": ""}, {}, "请填写意见内容。"),
        ({"text": "字" * 3001}, {}, "意见内容不能超过3000字。"),
        (
            {"text": "意见"},
            {"attachment": SimpleUploadedFile("a.exe", b"MZ", content_type="application/octet-stream")},
            "不支持的文件类型",
        ),
        (
            {"text": "意见"},
            {"attachment": SimpleUploadedFile("a.pdf", b"not a pdf", content_type="application/pdf")},
            "内容与扩展名",
        ),
    ],
)
def test_malformed_comments_change_nothing(client, ia, site_profile, data, files, error):
    c = ia.consultation()
    response = client.post(f"/interact/consultations/{c.pk}/", {**data, **files, "website": ""})
    assert error in response.content.decode()
    assert not Comment.objects.exists()


def test_a_comment_on_a_consultation_not_yet_published_is_not_found(client, ia, site_profile):
    c = ia.consultation(published=False)
    assert client.post(f"/interact/consultations/{c.pk}/", {"text": "意见"}).status_code == 404
    assert not Comment.objects.exists()


# ---- query counts --------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [1, 6])
def test_public_pages_run_a_fixed_number_of_queries(client, ia, site_profile, django_assert_num_queries, extra):
    messages = [ia.message("published") for _ in range(extra)]
    consultations = [ia.consultation() for _ in range(extra)]
    Comment.objects.bulk_create(
        [Comment(consultation=consultations[0], text=f"意见{n}", shown_publicly=True) for n in range(extra)]
    )
    counts = {
        "/interact/": 3,
        "/interact/messages/": 4,
        f"/interact/messages/{messages[0].pk}/": 2,
        "/interact/consultations/": 2,
        f"/interact/consultations/{consultations[0].pk}/": 4,
        "/interact/stats/": 8,
        "/feeds/interact/replies/": 2,
        "/feeds/interact/consultations/": 2,
        "/interact/ask/": 3,
        "/interact/track/": 1,
    }
    for url, count in counts.items():
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("transfers", [0, 3])
def test_the_tracking_page_runs_a_fixed_number_of_queries(
    client, ia, build, site_profile, django_assert_num_queries, transfers
):
    message = ia.message("answered")
    for n in range(transfers):
        target = build.other_org if n % 2 == 0 else build.org
        from interaction.models import Transfer

        Transfer.objects.create(message=message, from_organization=build.org, to_organization=target, reason="转办")
    client.post("/interact/track/", {"code": message.tracking_code, "phone_last4": message.phone[-4:]})
    with django_assert_num_queries(9):  # the same whatever the number of transfers
        assert client.get(f"/interact/track/?id={message.pk}").status_code == 200
