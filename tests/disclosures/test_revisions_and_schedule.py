"""Revisions of published items, scheduled publication and the 公示期."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from disclosures import workflow
from disclosures.models import (
    Attachment,
    ChangeNote,
    DisclosureItem,
    Revision,
    RevisionAttachment,
    SocialAssistanceDetail,
)
from disclosures.signals import public_version_changed
from portal.models import AuditEntry

S = DisclosureItem.Status
RS = Revision.Status


def _attach(item, name, data=b"%PDF-1.4 test"):
    a = Attachment(item=item, original_name=name, size=len(data), file_type="pdf", content_type="application/pdf")
    a.file.save(name, ContentFile(data), save=False)
    a.save()
    return a


def _through(revision, build, *, leader=None):
    workflow.submit_revision(revision, build.editor)
    workflow.review_revision(revision, build.reviewer, secrecy_confirmed=True)
    return workflow.approve_revision(revision, leader or build.leader)


def test_public_keeps_the_live_version_until_the_revision_is_approved(client, build):
    item = build.item("原标题", body="<p>旧内容</p>")
    revision = workflow.start_revision(item, build.editor)
    revision.title, revision.body, revision.change_note = "新标题", "<p>新内容</p>", "更新内容"
    revision.save()
    workflow.submit_revision(revision, build.editor)
    workflow.review_revision(revision, build.reviewer, secrecy_confirmed=True)
    page = client.get(item.get_absolute_url()).content.decode()
    assert "原标题" in page and "旧内容" in page and "新内容" not in page
    assert client.get("/api/items.json").json()["results"][0]["title"] == "原标题"
    workflow.approve_revision(revision, build.leader)
    page = client.get(item.get_absolute_url()).content.decode()
    assert "新标题" in page and "新内容" in page and "更新内容" in page


def test_approval_updates_details_and_attachments_and_keeps_the_index_number(build, django_capture_on_commit_callbacks):
    item = build.item("低保名单公示", kind="social_assistance")
    SocialAssistanceDetail.objects.create(
        item=item, program="dibao", period="2026年10月", households=10, amount=Decimal("1000.00")
    )
    kept, dropped = _attach(item, "保留.pdf"), _attach(item, "删除.pdf")
    index_number, published_at = item.index_number, item.published_at
    revision = workflow.start_revision(item, build.editor)
    assert revision.attachments.count() == 2 and revision.detail["households"] == 10
    revision.attachments.filter(source=dropped).delete()
    new = RevisionAttachment(
        revision=revision, original_name="新增.pdf", file_type="pdf", content_type="application/pdf", size=3, order=5
    )
    new.file.save("新增.pdf", ContentFile(b"%PDF"), save=False)
    new.save()
    revision.detail = {**revision.detail, "households": 12, "amount": "1200.00"}
    revision.change_note = "更正户数和金额"
    revision.save()
    seen = []

    def listener(sender, item, **kwargs):
        seen.append(item.pk)

    public_version_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            _through(revision, build)
    finally:
        public_version_changed.disconnect(listener)
    item.refresh_from_db()
    assert item.index_number == index_number and item.published_at == published_at
    assert item.social_assistance.households == 12 and item.social_assistance.amount == Decimal("1200.00")
    names = list(item.attachments.values_list("original_name", flat=True))
    assert names == ["保留.pdf", "新增.pdf"]
    assert item.attachments.filter(pk=kept.pk).exists()  # its public URL stays
    revision.refresh_from_db()
    assert [a["name"] for a in revision.superseded["attachments"]] == ["保留.pdf", "删除.pdf"]
    assert revision.superseded["detail"]["households"] == 10
    assert ChangeNote.objects.get(item=item).note == "更正户数和金额"
    assert item.pk in seen  # the search index hears about it (on commit)


def test_substantive_revision_needs_a_change_note_typo_fix_does_not(build):
    item = build.item("信息")
    revision = workflow.start_revision(item, build.editor)
    revision.title = "信息（更正）"
    revision.save()
    with pytest.raises(ValidationError):
        workflow.submit_revision(revision, build.editor)
    revision.substantive = False
    revision.save()
    _through(revision, build)
    assert not ChangeNote.objects.filter(item=item).exists()
    item.refresh_from_db()
    assert item.title == "信息（更正）"


def test_only_one_open_revision_and_only_of_published_items(build):
    item = build.item()
    workflow.start_revision(item, build.editor)
    with pytest.raises(ValidationError):
        workflow.start_revision(item, build.editor)
    with pytest.raises(ValidationError):
        workflow.start_revision(build.item(state="draft"), build.editor)
    with pytest.raises(PermissionDenied):
        workflow.start_revision(build.item(), build.reviewer)


def test_separation_of_duties_per_revision(build):
    from portal.models import Membership

    item = build.item()  # created by build.editor
    other_editor = build.user("editor_b", "editor")
    Membership.objects.create(user=build.reviewer, organization=build.org, role="leader")
    revision = workflow.start_revision(item, other_editor)
    revision.change_note = "补充"
    revision.save()
    workflow.submit_revision(revision, other_editor)
    with pytest.raises(PermissionDenied):
        workflow.review_revision(revision, other_editor, secrecy_confirmed=True)
    # the original author of the item may review someone else's revision
    Membership.objects.create(user=build.editor, organization=build.org, role="reviewer")
    workflow.review_revision(revision, build.editor, secrecy_confirmed=True)
    with pytest.raises(PermissionDenied):
        workflow.approve_revision(revision, build.editor)  # the reviewer is not the approver
    workflow.approve_revision(revision, build.reviewer)  # a leader who did not write or review it


def test_return_and_discard(build):
    item = build.item()
    revision = workflow.start_revision(item, build.editor)
    revision.change_note = "x"
    revision.save()
    workflow.submit_revision(revision, build.editor)
    with pytest.raises(ValidationError):
        workflow.return_revision(revision, build.reviewer, reason="")
    workflow.return_revision(revision, build.reviewer, reason="更新说明不清楚")
    revision.refresh_from_db()
    assert revision.status == RS.DRAFT and revision.return_reason == "更新说明不清楚"
    workflow.discard_revision(revision, build.editor)
    revision.refresh_from_db()
    assert revision.status == RS.DISCARDED
    assert workflow.start_revision(item, build.editor).number == 2  # the discarded one is kept
    assert list(
        AuditEntry.objects.filter(object_type="disclosures.Revision", object_id=str(revision.pk))
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["revision.start", "revision.submit", "revision.return", "revision.discard"]


def test_revision_of_a_withdrawn_item_cannot_take_effect(build):
    item = build.item()
    revision = workflow.start_revision(item, build.editor)
    revision.change_note = "x"
    revision.save()
    workflow.submit_revision(revision, build.editor)
    workflow.review_revision(revision, build.reviewer, secrecy_confirmed=True)
    workflow.withdraw(item, build.leader, reason="撤回")
    with pytest.raises(ValidationError):
        workflow.approve_revision(revision, build.leader2)


def test_revision_pii_is_checked(build):
    item = build.item()
    revision = workflow.start_revision(item, build.editor)
    revision.body = "<p>户主联系电话 13812345678</p>"
    revision.change_note = "补充名单"
    revision.save()
    with pytest.raises(ValidationError):
        workflow.submit_revision(revision, build.editor)


# ---- scheduling -------------------------------------------------------------------------------


def test_scheduled_item_is_invisible_until_due_and_publish_scheduled_is_idempotent(client, build):
    item = build.item("定时信息", state="scheduled")
    assert client.get(item.get_absolute_url()).status_code == 404
    assert not DisclosureItem.objects.published().filter(pk=item.pk).exists()
    call_command("publish_scheduled", stdout=io.StringIO())
    item.refresh_from_db()
    assert item.status == S.SCHEDULED
    DisclosureItem.objects.filter(pk=item.pk).update(scheduled_for=timezone.now() - datetime.timedelta(minutes=1))
    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    item.refresh_from_db()
    assert item.status == S.PUBLISHED and item.index_number and "本次发布 1 条" in out.getvalue()
    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    assert "本次发布 0 条" in out.getvalue()
    assert AuditEntry.objects.filter(action="item.publish_due", object_id=str(item.pk)).count() == 1
    assert client.get(item.get_absolute_url()).status_code == 200


def test_leader_can_return_a_scheduled_item(build):
    item = build.item(state="scheduled")
    workflow.return_item(item, build.leader, reason="发布时间调整")
    item.refresh_from_db()
    assert item.status == S.DRAFT and item.scheduled_for is None


# ---- 公示期 ---------------------------------------------------------------------------------


def _roster_item(build, start, end):
    item = build.item("初审对象名单公示", kind="social_assistance")
    SocialAssistanceDetail.objects.create(
        item=item, program="dibao", period="2026年第四季度", publicity_start=start, publicity_end=end
    )
    return item, _attach(item, "名单.pdf")


def test_roster_downloads_during_the_publicity_period(client, build):
    today = timezone.localdate()
    item, attachment = _roster_item(build, today - datetime.timedelta(days=2), today)  # last day still open
    page = client.get(item.get_absolute_url()).content.decode()
    assert "公示期：" in page and "公示期已满" not in page and attachment.get_absolute_url() in page
    assert client.get(attachment.get_absolute_url()).status_code == 200


def test_roster_stops_downloading_after_the_publicity_period(client, build):
    today = timezone.localdate()
    item, attachment = _roster_item(build, today - datetime.timedelta(days=8), today - datetime.timedelta(days=1))
    page = client.get(item.get_absolute_url()).content.decode()
    assert "公示期已满" in page and attachment.get_absolute_url() not in page
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_item_page_query_count_does_not_grow_with_history(client, build, django_assert_max_num_queries):
    item = build.item()
    with django_assert_max_num_queries(12):
        client.get(item.get_absolute_url())
    for n in range(5):
        revision = workflow.start_revision(item, build.editor)
        revision.change_note = f"第{n}次更新"
        revision.save()
        _through(revision, build)
    with django_assert_max_num_queries(12):
        page = client.get(item.get_absolute_url()).content.decode()
    assert "第4次更新" in page


def test_superseded_version_is_shown_to_staff(client, build):
    item = build.item("原版本标题", body="<p>原版本正文</p>")
    revision = workflow.start_revision(item, build.editor)
    revision.title, revision.change_note = "新版本标题", "更正标题"
    revision.save()
    _through(revision, build)
    client.force_login(build.reviewer)
    page = client.get(f"/admin/disclosures/revision/{revision.pk}/change/").content.decode()
    assert "被本修订替代的版本" in page and "原版本标题" in page and "原版本正文" in page
