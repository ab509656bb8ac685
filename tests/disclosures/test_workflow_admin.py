"""The workflow in the admin: one page per action, each calling disclosures/workflow.py; and every
bypass we could think of (editing the state in the form, bulk actions, forged POSTs, a user holding
every model permission, a superuser) fails to publish without the approvals."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from disclosures.models import ChangeNote, DisclosureItem, Revision, SecrecyReview
from portal.models import AuditEntry

S = DisclosureItem.Status


def url(item, action):
    return f"/admin/disclosures/disclosureitem/{item.pk}/workflow/{action}/"


def rurl(revision, action):
    return f"/admin/disclosures/revision/{revision.pk}/workflow/{action}/"


def login(client, user):
    client.force_login(user)
    return client


def test_whole_path_through_admin_pages(client, build):
    item = build.item("通过后台发布的信息", state="draft")
    login(client, build.editor)
    page = client.get(f"/admin/disclosures/disclosureitem/{item.pk}/change/").content.decode()
    assert url(item, "submit") in page and url(item, "approve") not in page
    assert client.post(url(item, "submit")).status_code == 302
    item.refresh_from_db()
    assert item.status == S.PENDING_REVIEW

    login(client, build.reviewer)
    page = client.get(url(item, "review")).content.decode()
    assert SecrecyReview.STATEMENT in page  # the statement is the checkbox's label
    response = client.post(url(item, "review"), {"note": ""})  # not ticked
    assert response.status_code == 400 and "请勾选保密审查确认" in response.content.decode()
    assert client.post(url(item, "review"), {"secrecy_confirmed": "on", "note": "已核对"}).status_code == 302
    item.refresh_from_db()
    assert item.status == S.PENDING_APPROVAL
    review = SecrecyReview.objects.get(item=item)
    assert review.reviewer == build.reviewer and review.statement == SecrecyReview.STATEMENT

    login(client, build.leader)
    assert client.post(url(item, "approve"), {"publish_at": ""}).status_code == 302
    item.refresh_from_db()
    assert item.status == S.PUBLISHED and item.index_number
    actions = list(
        AuditEntry.objects.filter(object_id=str(item.pk), object_type="disclosures.DisclosureItem")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["item.submit", "item.review", "item.approve"]
    history = client.get(f"/admin/disclosures/disclosureitem/{item.pk}/change/").content.decode()
    assert "审核通过（保密审查）" in history and SecrecyReview.STATEMENT in history


def test_approve_with_a_future_time_schedules(client, build):
    item = build.item(state="pending_approval")
    login(client, build.leader)
    response = client.post(url(item, "approve"), {"publish_at": "2099-01-01T09:00"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == S.SCHEDULED and item.published_at is None
    past = build.item(state="pending_approval")
    response = client.post(url(past, "approve"), {"publish_at": "2001-01-01T09:00"})
    assert response.status_code == 400 and "必须晚于当前时间" in response.content.decode()


def test_return_needs_a_reason_and_author_sees_it(client, build):
    item = build.item(state="pending_review")
    login(client, build.reviewer)
    assert client.post(url(item, "return"), {"reason": "  "}).status_code == 400
    assert client.post(url(item, "return"), {"reason": "请删除申请人住址。"}).status_code == 302
    item.refresh_from_db()
    assert item.status == S.DRAFT
    login(client, build.editor)
    page = client.get(f"/admin/disclosures/disclosureitem/{item.pk}/change/").content.decode()
    assert "已被退回" in page and "请删除申请人住址。" in page
    queue = client.get("/admin/disclosures/disclosureitem/?queue=returned").content.decode()
    assert item.title in queue
    assert "我被退回的" in client.get("/admin/").content.decode()


def test_withdraw_with_public_reason_and_replacement(client, build):
    item = build.item("原公示")
    replacement = build.item("更正后的公示")
    login(client, build.leader)
    response = client.post(url(item, "withdraw"), {"reason": "金额有误", "replaced_by": "不存在的索引号"})
    assert response.status_code == 400
    response = client.post(url(item, "withdraw"), {"reason": "金额有误", "replaced_by": replacement.index_number})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == S.WITHDRAWN and item.replaced_by == replacement
    public = client.get(item.get_absolute_url()).content.decode()
    assert "本信息已撤回" in public and "金额有误" in public and replacement.get_absolute_url() in public


def test_set_validity_from_admin(client, build):
    item = build.item("旧政策", category=build.policy_category, kind="policy", validity="valid")
    login(client, build.leader)
    response = client.post(
        url(item, "set_validity"),
        {"validity": "repealed", "on": "2026-05-01", "reason": "被新文件替代", "replaced_by": ""},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.validity == "repealed" and item.status == S.PUBLISHED


def test_emergency_publish_is_flagged_until_a_second_leader_confirms(client, build):
    item = build.item("紧急通知", state="draft")
    login(client, build.leader)
    assert client.post(url(item, "emergency_publish"), {"reason": ""}).status_code == 400
    assert client.post(url(item, "emergency_publish"), {"reason": "台风预警须立即发布"}).status_code == 302
    item.refresh_from_db()
    assert item.status == S.PUBLISHED and item.emergency
    assert client.post(url(item, "confirm_emergency"), {"note": ""}).status_code == 403  # not himself
    login(client, build.leader2)
    assert "应急发布待复核" in client.get("/admin/").content.decode()
    assert client.post(url(item, "confirm_emergency"), {"note": "内容无误"}).status_code == 302
    item.refresh_from_db()
    assert not item.emergency


# ---- bypass attempts ----------------------------------------------------------------------------


def test_state_in_the_change_form_is_ignored(client, build):
    item = build.item("草稿", state="draft")
    login(client, build.editor)
    data = {
        "organization": build.org.pk,
        "category": build.category.pk,
        "kind": "general",
        "title": "草稿",
        "written_date": "2026-03-02",
        "body": "<p>x</p>",
        "status": "published",
        "index_number": "X-1",
        "published_at": "2026-01-01 00:00",
        "approved_by": build.leader.pk,
        "reviewed_by": build.reviewer.pk,
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "secrecy_reviews-TOTAL_FORMS": "0",
        "secrecy_reviews-INITIAL_FORMS": "0",
        "change_notes-TOTAL_FORMS": "0",
        "change_notes-INITIAL_FORMS": "0",
    }
    response = client.post(f"/admin/disclosures/disclosureitem/{item.pk}/change/", data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == S.DRAFT and item.index_number is None and item.reviewed_by is None
    assert not DisclosureItem.objects.published().filter(pk=item.pk).exists()


def test_forged_posts_meet_the_workflow_guards(client, build):
    item = build.item(state="pending_review")
    login(client, build.editor)  # the author
    assert client.post(url(item, "review"), {"secrecy_confirmed": "on"}).status_code == 403
    assert client.post(url(item, "approve"), {}).status_code in (400, 403)  # wrong step
    login(client, build.reviewer)
    assert client.post(url(item, "approve"), {}).status_code in (400, 403)  # wrong step and wrong role
    assert client.post(url(item, "emergency_publish"), {"reason": "x"}).status_code == 403
    assert client.post(url(item, "nonsense"), {}).status_code == 404
    item.refresh_from_db()
    assert item.status == S.PENDING_REVIEW


def test_reviewer_cannot_also_approve_the_same_edition(client, build):
    both = build.user("both", "reviewer")
    from portal.models import Membership

    Membership.objects.create(user=both, organization=build.org, role="leader")
    item = build.item(state="pending_review")
    login(client, both)
    assert client.post(url(item, "review"), {"secrecy_confirmed": "on"}).status_code == 302
    assert client.post(url(item, "approve"), {}).status_code == 403
    item.refresh_from_db()
    assert item.status == S.PENDING_APPROVAL


def test_editor_who_is_also_leader_cannot_approve_own_item(client, build):
    from portal.models import Membership

    Membership.objects.create(user=build.editor, organization=build.org, role="leader")
    Membership.objects.create(user=build.editor, organization=build.org, role="reviewer")
    item = build.item(state="draft")
    login(client, build.editor)
    client.post(url(item, "submit"))
    assert client.post(url(item, "review"), {"secrecy_confirmed": "on"}).status_code == 403
    item.refresh_from_db()
    assert item.status == S.PENDING_REVIEW


def test_a_user_with_every_permission_cannot_publish(client, build):
    power = build.user("power")  # no membership
    power.user_permissions.set(Permission.objects.all())
    item = build.item(state="pending_approval")
    login(client, power)
    for action, data in [
        ("approve", {}),
        ("review", {"secrecy_confirmed": "on"}),
        ("emergency_publish", {"reason": "x"}),
    ]:
        assert client.post(url(item, action), data).status_code in (400, 403, 404)
    item.refresh_from_db()
    assert item.status == S.PENDING_APPROVAL


def test_superuser_is_bound_by_the_workflow(client, build):
    root = get_user_model().objects.create_superuser("root", password="pw")
    draft = build.item(state="draft")
    pending = build.item(state="pending_approval")
    login(client, root)
    assert client.post(url(pending, "approve"), {}).status_code == 403
    assert client.post(url(draft, "emergency_publish"), {"reason": "x"}).status_code == 403
    # bulk actions: only 提交审核 exists, and it is a workflow call
    response = client.post(
        "/admin/disclosures/disclosureitem/",
        {"action": "delete_selected", "_selected_action": [draft.pk, pending.pk], "post": "yes"},
    )
    assert DisclosureItem.objects.filter(pk__in=[draft.pk, pending.pk]).count() == 2
    client.post("/admin/disclosures/disclosureitem/", {"action": "submit_selected", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    draft.refresh_from_db()
    assert pending.status == S.PENDING_APPROVAL and draft.status == S.DRAFT
    assert response.status_code in (200, 302)
    assert not DisclosureItem.objects.published().filter(pk__in=[draft.pk, pending.pk]).exists()


def test_bulk_submit_calls_the_workflow(client, build):
    a, b = build.item(state="draft"), build.item(state="draft")
    login(client, build.editor)
    client.post("/admin/disclosures/disclosureitem/", {"action": "submit_selected", "_selected_action": [a.pk, b.pk]})
    assert set(DisclosureItem.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", flat=True)) == {
        S.PENDING_REVIEW
    }
    assert AuditEntry.objects.filter(action="item.submit", object_id__in=[str(a.pk), str(b.pk)]).count() == 2


def test_other_organizations_items_are_out_of_reach(client, build):
    outsider = build.user("outsider_leader", "leader", org=build.other_org)
    item = build.item(state="pending_approval")
    login(client, outsider)
    assert client.post(url(item, "approve"), {}).status_code == 404


def test_get_on_an_action_changes_nothing(client, build):
    item = build.item(state="draft")
    login(client, build.editor)
    assert client.get(url(item, "submit")).status_code == 200
    item.refresh_from_db()
    assert item.status == S.DRAFT


# ---- revisions through the admin ----------------------------------------------------------------


def _revision_post(revision, **changes):
    data = {
        "title": revision.title,
        "summary": revision.summary,
        "keywords": revision.keywords,
        "document_number": revision.document_number,
        "written_date": revision.written_date.isoformat(),
        "validity": revision.validity,
        "source": revision.source,
        "body": revision.body,
        "substantive": "on",
        "change_note": "",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_revision_path_in_the_admin(client, build):
    item = build.item("低保标准公告", body="<p>城市低保标准每人每月780元。</p>")
    index_number = item.index_number
    login(client, build.editor)
    response = client.post(url(item, "revise"))
    revision = Revision.objects.get(item=item)
    assert response.status_code == 302 and response["Location"].endswith(f"/revision/{revision.pk}/change/")
    change = f"/admin/disclosures/revision/{revision.pk}/change/"
    response = client.post(change, _revision_post(revision, body="<p>城市低保标准每人每月810元。</p>"))
    assert response.status_code == 200 and "实质性修改必须填写" in response.content.decode()
    response = client.post(
        change, _revision_post(revision, body="<p>城市低保标准每人每月810元。</p>", change_note="更正低保标准金额")
    )
    assert response.status_code == 302
    # the public still sees the approved version
    assert "780元" in client.get(item.get_absolute_url()).content.decode()
    assert client.post(rurl(revision, "submit")).status_code == 302

    login(client, build.reviewer)
    page = client.get(rurl(revision, "review")).content.decode()
    assert "<del>" in page and "<ins>" in page and "81" in page  # field-by-field comparison
    assert client.post(rurl(revision, "review"), {"secrecy_confirmed": "on"}).status_code == 302

    login(client, build.reviewer)
    assert client.post(rurl(revision, "approve")).status_code == 403
    login(client, build.leader)
    assert client.post(rurl(revision, "approve")).status_code == 302
    item.refresh_from_db()
    revision.refresh_from_db()
    assert revision.status == Revision.Status.APPROVED
    assert item.index_number == index_number and "810元" in item.body
    assert "780元" in revision.superseded["body"]  # the superseded version is kept
    public = client.get(item.get_absolute_url()).content.decode()
    assert "810元" in public and "更新记录" in public and "更正低保标准金额" in public
    assert ChangeNote.objects.filter(item=item).count() == 1


def test_revision_form_cannot_set_its_own_state(client, build):
    item = build.item()
    login(client, build.editor)
    client.post(url(item, "revise"))
    revision = Revision.objects.get(item=item)
    client.post(
        f"/admin/disclosures/revision/{revision.pk}/change/",
        _revision_post(revision, change_note="x", status="approved", reviewed_by=build.reviewer.pk),
    )
    revision.refresh_from_db()
    assert revision.status == Revision.Status.DRAFT and revision.reviewed_by is None


@pytest.mark.parametrize("role", ["reviewer", "leader"])
def test_revision_author_cannot_review_or_approve_it(client, build, role):
    from portal.models import Membership

    Membership.objects.create(user=build.editor, organization=build.org, role=role)
    item = build.item()
    login(client, build.editor)
    client.post(url(item, "revise"))
    revision = Revision.objects.get(item=item)
    client.post(
        f"/admin/disclosures/revision/{revision.pk}/change/",
        _revision_post(revision, title="新标题", change_note="更正标题"),
    )
    client.post(rurl(revision, "submit"))
    assert client.post(rurl(revision, "review"), {"secrecy_confirmed": "on"}).status_code == 403
    revision.refresh_from_db()
    assert revision.status == Revision.Status.PENDING_REVIEW


def test_notifications_go_to_the_next_role_and_back_to_the_author(
    build, mailoutbox, django_capture_on_commit_callbacks
):
    from disclosures import workflow

    item = build.item(state="draft")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(item, build.editor)
    assert mailoutbox[-1].to == ["reviewer@example.com"] and "待审核" in mailoutbox[-1].subject
    with django_capture_on_commit_callbacks(execute=True):
        workflow.return_item(item, build.reviewer, reason="请补充救助事由")
    assert mailoutbox[-1].to == ["editor@example.com"] and "请补充救助事由" in mailoutbox[-1].body
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(item, build.editor)
        workflow.review(item, build.reviewer, secrecy_confirmed=True)
    assert sorted(mailoutbox[-1].to) == ["leader2@example.com", "leader@example.com"]


def test_queue_lists_and_revision_changelist_render(client, build):
    item = build.item()
    from disclosures import workflow

    revision = workflow.start_revision(item, build.editor)
    revision.change_note = "更新"
    revision.save()
    workflow.submit_revision(revision, build.editor)
    login(client, build.reviewer)
    for queue in ["review", "approve", "returned", "emergency"]:
        assert client.get(f"/admin/disclosures/disclosureitem/?queue={queue}").status_code == 200
    page = client.get("/admin/disclosures/revision/?queue=review").content.decode()
    assert item.title in page
    assert client.get("/admin/disclosures/revision/?queue=bogus").status_code == 200
    assert client.get(f"/admin/disclosures/revision/{revision.pk}/change/").status_code == 200
    root = get_user_model().objects.create_superuser("root", password="pw")
    login(client, root)
    assert client.get("/admin/").status_code == 200


def test_revision_of_structured_fields_and_attachments_in_the_admin(client, build):
    from decimal import Decimal

    from django.core.files.base import ContentFile
    from django.core.files.uploadedfile import SimpleUploadedFile

    from disclosures import workflow
    from disclosures.demo import _minimal_pdf
    from disclosures.models import Attachment, SocialAssistanceDetail

    item = build.item("临时救助对象名单", kind="social_assistance")
    SocialAssistanceDetail.objects.create(
        item=item, program="temporary", period="2026年9月", households=46, amount=Decimal("118500.00")
    )
    old = Attachment(item=item, original_name="旧名单.pdf", size=10, file_type="pdf", content_type="application/pdf")
    old.file.save("old.pdf", ContentFile(_minimal_pdf("old roster")), save=False)
    old.save()
    login(client, build.editor)
    client.post(url(item, "revise"))
    revision = Revision.objects.get(item=item)
    kept = revision.attachments.get()
    page = client.get(f"/admin/disclosures/revision/{revision.pk}/change/").content.decode()
    assert 'name="detail__households"' in page and 'value="46"' in page
    data = _revision_post(revision, change_note="更正户数，更换名单附件")
    data.update(
        {
            "detail__program": "temporary",
            "detail__period": "2026年9月",
            "detail__town": "",
            "detail__households": "47",
            "detail__persons": "",
            "detail__amount": "121000.00",
            "detail__publicity_start": "",
            "detail__publicity_end": "",
            "attachments-TOTAL_FORMS": "2",
            "attachments-INITIAL_FORMS": "1",
            "attachments-0-id": kept.pk,
            "attachments-0-revision": revision.pk,
            "attachments-0-order": "0",
            "attachments-0-DELETE": "on",
            "attachments-1-revision": revision.pk,
            "attachments-1-order": "1",
            "attachments-1-file": SimpleUploadedFile("更正名单.pdf", _minimal_pdf("new roster"), "application/pdf"),
        }
    )
    response = client.post(f"/admin/disclosures/revision/{revision.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    revision.refresh_from_db()
    assert revision.detail["households"] == 47
    page = client.get(rurl(revision, "submit")).content.decode()
    assert "户数" in page and "旧名单.pdf" in page and "更正名单.pdf" in page  # the comparison lists them
    client.post(rurl(revision, "submit"))
    workflow.review_revision(revision, build.reviewer, secrecy_confirmed=True)
    workflow.approve_revision(revision, build.leader)
    item.refresh_from_db()
    assert item.social_assistance.households == 47 and item.social_assistance.amount == Decimal("121000.00")
    assert list(item.attachments.values_list("original_name", flat=True)) == ["更正名单.pdf"]
    assert client.get(old.get_absolute_url()).status_code == 404
    assert client.get(item.attachments.get().get_absolute_url()).status_code == 200


def test_workflow_functions_bind_superusers_too(build):
    from django.core.exceptions import PermissionDenied

    from disclosures import workflow
    from portal.models import Membership

    root = get_user_model().objects.create_superuser("root", password="pw")
    item = build.item(state="pending_review")
    for call in (
        lambda: workflow.review(item, root, secrecy_confirmed=True),
        lambda: workflow.emergency_publish(item, root, reason="x"),
        lambda: workflow.override_pii(item, root, reason="x"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    Membership.objects.create(user=root, organization=build.org, role="leader")
    Membership.objects.create(user=root, organization=build.org, role="reviewer")
    own = DisclosureItem.objects.create(
        organization=build.org,
        category=build.category,
        title="自己写的",
        written_date=build.item(state="draft").written_date,
        created_by=root,
    )
    workflow.submit(own, build.editor)
    with pytest.raises(PermissionDenied):
        workflow.review(own, root, secrecy_confirmed=True)
    workflow.review(own, build.reviewer, secrecy_confirmed=True)
    with pytest.raises(PermissionDenied):
        workflow.approve(own, root)
    own.refresh_from_db()
    assert own.status == S.PENDING_APPROVAL
