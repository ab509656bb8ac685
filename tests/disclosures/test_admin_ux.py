"""The admin as a county clerk uses it (issue 13, “Admin”): the item form shows only its kind's
sections, the 公开目录 as a tree, refused steps disabled with the reason, the approval page shows
what is approved, readable names of detail rows, Beijing time, no stray colons, a staff preview
of drafts."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from disclosures import workflow
from disclosures.models import (
    Attachment,
    BudgetDetail,
    DisclosureItem,
    ElderlyCareDetail,
    PolicyDetail,
    ProcurementDetail,
    SecrecyReview,
    SocialAssistanceDetail,
)

ADD = "/admin/disclosures/disclosureitem/add/"
DETAIL_PREFIXES = ["policy", "budget", "procurement", "social_assistance", "elderly_care"]


def change(item):
    return f"/admin/disclosures/disclosureitem/{item.pk}/change/"


def step(item, name):
    return f"/admin/disclosures/disclosureitem/{item.pk}/workflow/{name}/"


def shown_sections(page: str) -> list[str]:
    return [p for p in DETAIL_PREFIXES if f'name="{p}-TOTAL_FORMS"' in page]


# ---- the item form ------------------------------------------------------------------------------


def test_add_form_asks_for_the_kind_first_and_shows_only_its_sections(client, build):
    client.force_login(build.editor)
    page = client.get(ADD).content.decode()
    assert "第一步：选择信息类型" in page
    assert shown_sections(page) == []  # no kind chosen yet: no kind's sections at all
    assert 'href="?kind=policy"' in page

    page = client.get(ADD + "?kind=policy").content.decode()
    assert shown_sections(page) == ["policy"]
    assert '<option value="policy" selected>' in page
    assert "政策文件（已选）" in page

    page = client.get(ADD + "?kind=social_assistance").content.decode()
    assert shown_sections(page) == ["social_assistance"]
    assert "id_social_assistance-0-publicity_start" in page and "effective_date" not in page


def test_adding_an_item_of_the_chosen_kind_saves_its_section(client, build):
    client.force_login(build.editor)
    response = client.post(
        ADD + "?kind=policy",
        {
            "organization": build.org.pk,
            "category": build.policy_category.pk,
            "kind": "policy",
            "title": "关于印发养老服务补贴办法的通知",
            "written_date": "2026-03-02",
            "validity": "valid",
            "body": "<p>正文</p>",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
            "policy-TOTAL_FORMS": "1",
            "policy-INITIAL_FORMS": "0",
            "policy-0-doc_type": "normative",
            "policy-0-effective_date": "2026-04-01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    item = DisclosureItem.objects.get(title="关于印发养老服务补贴办法的通知")
    assert item.policy.effective_date == datetime.date(2026, 4, 1)
    page = client.get(change(item)).content.decode()
    assert shown_sections(page) == ["policy"]
    assert "第一步：选择信息类型" not in page


def test_a_kind_chosen_only_in_the_select_still_saves_the_item(client, build):
    """Without JavaScript a clerk may change the select without following a link: the item is
    saved, and its change form then shows that kind's section."""
    client.force_login(build.editor)
    response = client.post(
        ADD,
        {
            "organization": build.org.pk,
            "category": build.category.pk,
            "kind": "social_assistance",
            "title": "2026年12月低保名单",
            "written_date": "2026-03-02",
            "body": "<p>正文</p>",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    item = DisclosureItem.objects.get(title="2026年12月低保名单")
    assert shown_sections(client.get(change(item)).content.decode()) == ["social_assistance"]


def test_catalogue_select_is_an_indented_tree(client, build):
    from disclosures.models import Category

    Category.objects.create(code="db", name="低保", parent=build.category)
    client.force_login(build.editor)
    page = client.get(ADD).content.decode()
    assert ">法定主动公开内容</option>" in page
    assert ">　└ 社会救助</option>" in page
    assert ">　　└ 低保</option>" in page
    assert page.index("└ 社会救助") < page.index("└ 低保")


def test_add_form_hides_the_empty_state_section(client, build):
    client.force_login(build.editor)
    page = client.get(ADD + "?kind=general").content.decode()
    assert "索引号" not in page.split('id="disclosureitem_form"')[1].split("</fieldset>")[0]


# ---- readable names ---------------------------------------------------------------------------


def test_detail_rows_and_secrecy_reviews_have_chinese_names(build):
    item = build.item("名称测试", state="pending_approval")
    review = SecrecyReview.objects.get(item=item)
    assert str(review).startswith(f"保密审查：{review.reviewer_name}，")
    assert "object (" not in str(review)
    rows = [
        PolicyDetail(item=item, doc_type="normative", effective_date=datetime.date(2026, 4, 1)),
        BudgetDetail(item=item, fiscal_year=2026, budget_type="budget"),
        ProcurementDetail(item=item, project_number="LL-2026-01", project_name="养老院改造", stage="notice"),
        SocialAssistanceDetail(item=item, program="dibao", period="2026年12月", town="龙山镇"),
        ElderlyCareDetail(item=item, care_kind="subsidy"),
    ]
    assert [str(r) for r in rows] == [
        "政策文件信息：行政规范性文件，2026-04-01施行",
        "预决算信息：2026年预算",
        "政府采购信息：养老院改造（LL-2026-01，采购公告）",
        "社会救助信息：最低生活保障，2026年12月，龙山镇",
        "养老服务信息：高龄津贴",
    ]


def test_read_only_item_page_shows_the_review_not_an_object_number(client, build):
    item = build.item("只读页面", state="pending_approval")
    client.force_login(build.leader)
    page = client.get(change(item)).content.decode()
    assert "object (" not in page


# ---- the workflow panel ---------------------------------------------------------------------------


def test_a_step_refused_by_separation_of_duties_is_shown_disabled_with_the_reason(client, build):
    item = build.item("自己写的信息", state="pending_review")
    item.contributors.add(build.reviewer)  # the reviewer also wrote it
    client.force_login(build.reviewer)
    page = client.get(change(item)).content.decode()
    assert step(item, "review") not in page  # no link to press …
    blocked = page.split('class="wf-blocked"')[1].split("</li>")[0]
    assert "审核通过（保密审查）" in blocked and "暂不能执行" in blocked  # … but shown, with why
    # Opening the step's page directly goes back with the reason; a forged POST is still refused.
    response = client.get(step(item, "review"))
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages and messages[0].startswith("暂不能执行“审核通过（保密审查）”：")
    response = client.post(step(item, "review"), {"secrecy_confirmed": "on"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == DisclosureItem.Status.PENDING_REVIEW


def test_a_step_blocked_by_findings_is_disabled_and_its_page_not_offered(client, build):
    item = build.item("含身份证号的名单", state="draft", body="<p>张三 手机13987512345</p>")
    client.force_login(build.editor)
    page = client.get(change(item)).content.decode()
    assert step(item, "submit") not in page
    blocked = page.split('class="wf-blocked"')[1].split("</li>")[0]
    assert "暂不能执行：发现疑似个人隐私信息" in blocked and "（见上方检查结果）。" in blocked
    assert "139****2345" not in blocked and "139****2345" in page  # listed once, in the findings table
    response = client.get(step(item, "submit"))
    assert response.status_code == 302
    assert client.post(step(item, "submit")).status_code == 400  # the server refuses it itself
    item.refresh_from_db()
    assert item.status == DisclosureItem.Status.DRAFT


def test_a_leader_without_the_step_role_is_not_offered_it(client, build):
    item = build.item("待审核信息", state="pending_review")
    client.force_login(build.leader)
    page = client.get(change(item)).content.decode()
    assert "审核通过（保密审查）" not in page.split('class="wf-actions"')[1].split("</ul>")[0]


# ---- the approval page ----------------------------------------------------------------------------


def test_approval_page_shows_what_is_approved(client, build):
    item = build.item(
        "关于调整城乡低保标准的通知",
        state="draft",
        summary="城乡低保标准每人每月提高50元。",
        body="<p>自2027年1月1日起执行。</p><script>alert(1)</script>",
    )
    Attachment.objects.create(
        item=item,
        file=SimpleUploadedFile("标准.pdf", b"%PDF-1.4 test"),
        original_name="低保标准表.pdf",
        file_type="pdf",
        size=13,
        content_type="application/pdf",
    )
    workflow.submit(item, build.editor)
    workflow.review(item, build.reviewer, secrecy_confirmed=True, note="已核对名单不含身份证号")
    client.force_login(build.leader)
    page = client.get(step(item, "approve")).content.decode()
    subject = page.split('class="wf-subject"')[1].split("</section>")[0]
    assert "关于调整城乡低保标准的通知" in subject
    assert "城乡低保标准每人每月提高50元。" in subject
    assert "<p>自2027年1月1日起执行。</p>" in subject and "<script" not in subject
    attachment = item.attachments.get()
    assert f'href="{attachment.file.url}"' in subject and "低保标准表.pdf" in subject
    assert client.get(attachment.file.url).status_code == 200  # the link opens for staff
    assert "reviewer" in subject and "已核对名单不含身份证号" in subject
    assert SecrecyReview.STATEMENT in subject


def test_revision_approval_page_shows_the_comparison(client, build):
    item = build.item("原标题")
    revision = workflow.start_revision(item, build.editor)
    revision.title = "新标题"
    revision.change_note = "更正标题"
    revision.save()
    workflow.submit_revision(revision, build.editor)
    workflow.review_revision(revision, build.reviewer, secrecy_confirmed=True, note="修订已审")
    client.force_login(build.leader)
    page = client.get(f"/admin/disclosures/revision/{revision.pk}/workflow/approve/").content.decode()
    subject = page.split('class="wf-subject"')[1].split("</section>")[0]
    assert "第1次修订" in subject and "<ins>新标题</ins>" in subject and "<del>原标题</del>" in subject
    assert "修订已审" in subject
    assert page.count('class="wf-table wf-diff"') == 1  # the comparison once, not twice


# ---- labels and times -------------------------------------------------------------------------


def test_no_colon_after_a_label_ending_in_chinese_punctuation(client, build):
    item = build.item("冒号", state="pending_review")
    client.force_login(build.reviewer)
    page = client.get(step(item, "review")).content.decode()
    assert "可以公开。</label>" in page and "可以公开。:" not in page and "可以公开。：" not in page
    assert "审查意见（内部）：</label>" in page  # other labels get the full-width colon


def test_admin_shows_beijing_time(client, build):
    item = build.item("北京时间")
    item.published_at = datetime.datetime(2026, 12, 2, 16, 51, tzinfo=datetime.UTC)  # 00:51 on 12-03 in Beijing
    item.save()
    client.force_login(build.leader)
    page = client.get(change(item)).content.decode()
    assert 'data-admin-utc-offset="28800"' in page  # the browser's check compares with +8
    assert "2026年12月3日 00:51" in page
    entry = SecrecyReview.objects.filter(item=item).first()
    entry.at = item.published_at
    assert "2026-12-03 00:51" in str(entry)


# ---- staff preview of an item that is not public ------------------------------------------------


def test_view_on_site_of_a_draft_opens_a_staff_preview(client, build, site_profile):
    item = build.item("尚未发布的通知", state="draft", body="<p>预览正文</p>")
    Attachment.objects.create(
        item=item,
        file=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"),
        original_name="名单.pdf",
        file_type="pdf",
        size=10,
        content_type="application/pdf",
    )
    assert client.get(item.get_absolute_url()).status_code == 404  # the public never sees it
    preview = f"/admin/disclosures/disclosureitem/{item.pk}/preview/"
    assert client.get(preview).status_code == 302  # to the admin login
    client.force_login(build.editor)
    page = client.get(change(item)).content.decode()
    assert f'href="{preview}"' in page and "在站点上查看" in page
    response = client.get(preview)
    assert response.status_code == 200
    html = response.content.decode()
    assert "预览（未公开）" in html and "预览正文" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    attachment = item.attachments.get()
    assert f'href="{attachment.file.url}"' in html  # opens for staff, not the public 404 address


def test_preview_follows_the_organization_scope(client, build, site_profile):
    item = build.item("财政局草稿", state="draft", org=build.other_org)
    client.force_login(build.user("only_a", "editor", org=build.org))
    assert client.get(f"/admin/disclosures/disclosureitem/{item.pk}/preview/").status_code == 404


def test_view_on_site_of_a_published_item_is_its_public_page(client, build, site_profile):
    item = build.item("已发布")
    client.force_login(build.editor)
    page = client.get(change(item)).content.decode()
    assert f'href="{item.get_absolute_url()}"' in page
    assert client.get(f"/admin/disclosures/disclosureitem/{item.pk}/preview/").status_code == 302
