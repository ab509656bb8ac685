"""Handling a message: roles, separation of duties on replies (a leader who did not write it
approves), transfer, and publication behind the PII guard. Refusals change nothing."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from disclosures.workflow import WorkflowError
from interaction import workflow
from interaction.models import Message
from portal.audit import action_label
from portal.models import AuditEntry, Membership

S = Message.Status
pytestmark = pytest.mark.django_db


def _state(message):
    message.refresh_from_db()
    return message.status


def test_an_editor_drafts_and_another_leader_approves(ia, build):
    message = ia.message("accepted")
    workflow.save_reply(message, build.editor, body="您好！答复如下。")
    workflow.submit_reply(message, build.editor)
    assert _state(message) == S.PENDING_APPROVAL
    workflow.approve_reply(message, build.leader)
    assert _state(message) == S.ANSWERED
    assert message.reply.approved_by == build.leader and message.answered_at is not None
    codes = list(AuditEntry.objects.filter(object_id=str(message.pk)).values_list("action", flat=True))
    assert codes[::-1] == [
        "message.submit",
        "message.accept",
        "message.reply_draft",
        "message.reply_submit",
        "message.reply_approve",
    ]
    assert all(action_label(c) != c for c in codes)
    assert AuditEntry.objects.get(action="message.reply_approve").data == {"on_time": True}


def test_a_leader_who_wrote_the_reply_cannot_approve_it(ia, build):
    both = build.user("both")
    for role in (Membership.Role.EDITOR, Membership.Role.LEADER):
        Membership.objects.create(user=both, organization=build.org, role=role)
    message = ia.message("accepted")
    workflow.save_reply(message, both, body="我起草的答复。")
    workflow.submit_reply(message, both)
    with pytest.raises(PermissionDenied, match="职责分离"):
        workflow.approve_reply(message, both)
    assert _state(message) == S.PENDING_APPROVAL and message.reply.approved_by is None
    assert not workflow.FLOW.queue(both, "approve_reply").exists()
    assert workflow.FLOW.queue(build.leader, "approve_reply").filter(pk=message.pk).exists()


def test_anyone_who_edited_the_reply_is_one_of_its_writers(ia, build):
    both = build.user("both")
    for role in (Membership.Role.EDITOR, Membership.Role.LEADER):
        Membership.objects.create(user=both, organization=build.org, role=role)
    message = ia.message("accepted")
    workflow.save_reply(message, build.editor, body="初稿。")
    workflow.save_reply(message, both, body="修改后的答复。")
    workflow.submit_reply(message, build.editor)
    message.refresh_from_db()
    refusal = workflow.can(both, "approve_reply", message)
    assert not refusal and "职责分离" in refusal.reason
    assert workflow.can(build.leader, "approve_reply", message)


def test_only_leaders_of_the_handling_organization_approve(ia, build):
    outsider = build.user("outsider", "leader", org=build.other_org)
    message = ia.message("pending_approval")
    for user in (outsider, build.editor, build.reviewer):
        with pytest.raises(PermissionDenied):
            workflow.approve_reply(message, user)
    assert _state(message) == S.PENDING_APPROVAL


def test_the_writer_sees_nothing_of_a_reply_until_it_is_approved(ia, build, client):
    message = ia.message("pending_approval", reply="尚未审批的答复文字")
    client.post("/interact/track/", {"code": message.tracking_code, "phone_last4": message.phone[-4:]})
    page = client.get(f"/interact/track/?id={message.pk}").content.decode()
    assert "尚未审批的答复文字" not in page and "办理中" in page
    workflow.approve_reply(message, build.leader)
    page = client.get(f"/interact/track/?id={message.pk}").content.decode()
    assert "尚未审批的答复文字" in page


def test_return_needs_a_reason_and_goes_back_to_the_editor(ia, build):
    message = ia.message("pending_approval")
    with pytest.raises(WorkflowError, match="必须填写理由"):
        workflow.return_reply(message, build.leader, reason="  ")
    assert _state(message) == S.PENDING_APPROVAL
    workflow.return_reply(message, build.leader, reason="请补充办理依据。")
    assert _state(message) == S.ACCEPTED and message.reply.return_reason == "请补充办理依据。"


def test_reject_tells_the_writer_why(ia, build, client, django_capture_on_commit_callbacks):
    message = ia.message()
    mail.outbox.clear()
    with pytest.raises(WorkflowError):
        workflow.reject(message, build.editor, reason="")
    assert _state(message) == S.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        workflow.reject(message, build.editor, reason="属于信访事项，请通过信访渠道反映。")
    assert _state(message) == S.REJECTED
    assert "属于信访事项" in mail.outbox[-1].body and mail.outbox[-1].to == [message.email]
    client.post("/interact/track/", {"code": message.tracking_code, "phone_last4": message.phone[-4:]})
    assert "属于信访事项" in client.get(f"/interact/track/?id={message.pk}").content.decode()


def test_transfer_hands_the_message_to_the_other_organization(ia, build):
    editor_a = build.user("editor_a", "editor", org=build.org)
    editor_b = build.user("editor_b", "editor", org=build.other_org)
    message = ia.message("accepted")
    with pytest.raises(WorkflowError, match="另一个机构"):
        workflow.transfer(message, editor_a, to=build.org, reason="转")
    with pytest.raises(PermissionDenied):
        workflow.transfer(message, editor_b, to=build.other_org, reason="不是本机构的留言")
    workflow.transfer(message, editor_a, to=build.other_org, reason="属于财政局职责。")
    message.refresh_from_db()
    assert message.organization == build.other_org and message.transfers.count() == 1
    with pytest.raises(PermissionDenied):
        workflow.accept(message, editor_a)
    workflow.accept(message, editor_b)
    assert _state(message) == S.ACCEPTED
    entry = AuditEntry.objects.filter(action="message.transfer").get()
    assert entry.data["from"] == build.org.pk and entry.data["to"] == build.other_org.pk


def test_publication_needs_the_writers_consent(ia, build):
    message = ia.message("answered", agree=False)
    with pytest.raises(WorkflowError, match="未同意公开"):
        workflow.publish(message, build.leader)
    assert not Message.objects.public().exists()


def test_personal_data_blocks_publication_until_masked(ia, build):
    message = ia.message(
        "answered",
        writer_name="王小明",
        phone="13908751234",
        content="我是王小明，身份证11010519491231002X，想咨询低保。",
        reply="王小明您好！已电话联系13908751234。",
    )
    with pytest.raises(WorkflowError) as refused:
        workflow.publish(message, build.leader)
    text = refused.value.messages[0]
    assert "身份证号" in text and "留言人姓名" in text and "手机号码" in text
    assert "11010519491231002X" not in text  # findings are listed masked
    assert not Message.objects.public().exists()
    with pytest.raises(PermissionDenied):
        workflow.mask(message, build.leader)  # an editor masks, a leader publishes
    masked = workflow.mask(message, build.editor)
    assert masked >= 4
    message.refresh_from_db()
    assert "王小明" not in message.content + message.reply.body
    assert "1390875" not in message.reply.body and "11010519491231002X" not in message.content
    workflow.publish(message, build.leader)
    assert list(Message.objects.public()) == [message]
    entry = AuditEntry.objects.get(action="message.pii_mask")
    assert "王小明" not in str(entry.data) and entry.data["count"] == masked


def test_forged_steps_in_the_wrong_state_change_nothing(ia, build):
    message = ia.message()
    for call in (
        lambda: workflow.submit_reply(message, build.editor),
        lambda: workflow.approve_reply(message, build.leader),
        lambda: workflow.publish(message, build.leader),
    ):
        with pytest.raises(WorkflowError, match="当前状态为“待受理”"):
            call()
    assert _state(message) == S.SUBMITTED
    assert AuditEntry.objects.filter(object_id=str(message.pk)).count() == 1
