"""意见征集 periods and 反馈, the dashboard, reminders, statistics, and the admin's action pages
(a forged POST meets the same guards as a button)."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from disclosures.models import DisclosureItem
from disclosures.workflow import WorkflowError
from interaction import consultations, dashboard, stats, workflow
from interaction.models import Comment, Consultation, Message, ReminderLog
from portal.models import CalendarDay, CalendarYear

from .conftest import grant_interaction_permissions

D = datetime.date
K = Consultation.Kind
pytestmark = pytest.mark.django_db


# ---- periods ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, start, end, warned",
    [
        (K.RULE, D(2026, 3, 1), D(2026, 3, 30), False),  # 30 days, both ends included
        (K.RULE, D(2026, 3, 1), D(2026, 3, 29), True),
        (K.MAJOR_DECISION, D(2026, 3, 1), D(2026, 3, 20), True),
        (K.NORMATIVE_MARKET, D(2026, 3, 1), D(2026, 3, 25), True),
        (K.OTHER, D(2026, 3, 1), D(2026, 3, 2), False),
    ],
)
def test_period_below_the_usual_minimum_is_warned(kind, start, end, warned):
    text = consultations.period_warning(kind, start, end)
    assert bool(text) is warned
    if warned:
        assert "一般不少于30日" in text and "缩短期限的说明" in text


def test_seven_working_days_for_a_normative_document_skip_holidays(db):
    for day in range(1, 8):
        CalendarDay.objects.create(date=D(2027, 10, day), kind=CalendarDay.Kind.HOLIDAY, name="国庆节")
    CalendarDay.objects.create(date=D(2027, 10, 9), kind=CalendarDay.Kind.WORKDAY, name="调休上班")
    CalendarYear.objects.create(year=2027)
    # 09-27 … 10-09: Mon–Thu (4), 10-08 Fri (5), 10-09 调休 Sat (6) — one short of 7.
    text = consultations.period_warning(K.NORMATIVE, D(2027, 9, 27), D(2027, 10, 9))
    assert "7个工作日" in text and "只有6个工作日" in text
    assert consultations.period_warning(K.NORMATIVE, D(2027, 9, 27), D(2027, 10, 11)) == ""


def test_the_announcement_rides_on_an_item_through_review_and_approval(ia, build):
    c = ia.consultation(published=False)
    assert c.item.status == DisclosureItem.Status.DRAFT and c.item.category == ia.category
    assert c.get_absolute_url() in c.item.body
    from disclosures import workflow as item_workflow

    item_workflow.submit(c.item, build.editor)
    assert "审核员" in item_workflow.can(build.editor, "review", DisclosureItem.objects.get(pk=c.item_id)).reason
    c.refresh_from_db()
    assert not c.is_public
    c.title = "改过的标题"
    with pytest.raises(WorkflowError, match="已提交审核或已发布"):
        consultations.save_consultation(c, build.editor, created=False)


# ---- 反馈 ----------------------------------------------------------------------------------------


def test_feedback_only_after_closing_and_published_as_an_item(ia, build):
    today = timezone.localdate()
    c = ia.consultation(start=today - datetime.timedelta(days=10), end=today + datetime.timedelta(days=1))
    c.feedback_text = "采纳了主要意见。"
    c.save()
    with pytest.raises(WorkflowError, match="截止后才能公布"):
        consultations.prepare_feedback(c, build.editor)
    Consultation.objects.filter(pk=c.pk).update(end_date=today - datetime.timedelta(days=1))
    Comment.objects.create(consultation=c, text="意见一", adoption=Comment.Adoption.ADOPTED)
    Comment.objects.create(
        consultation=c,
        text="意见二",
        name="张三",
        adoption=Comment.Adoption.NOT_ADOPTED,
        adoption_note="与上位法不符。",
    )
    item = consultations.prepare_feedback(c, build.editor)
    assert item.status == DisclosureItem.Status.PENDING_REVIEW
    assert "共收到意见2条" in item.body and "采纳（含部分采纳）1条" in item.body and "与上位法不符。" in item.body
    assert "张三" not in item.body
    c.refresh_from_db()
    assert not c.feedback_public
    ia.publish_item(item.__class__.objects.get(pk=item.pk))
    c.refresh_from_db()
    assert c.feedback_public


def test_a_closed_consultation_without_feedback_turns_overdue_on_the_dashboard(ia, build):
    today = timezone.localdate()
    c = ia.consultation(start=today - datetime.timedelta(days=70), end=today - datetime.timedelta(days=40))
    recent = ia.consultation(start=today - datetime.timedelta(days=20), end=today - datetime.timedelta(days=1))
    panel = dashboard.for_user(build.editor)
    assert [f.consultation for f in panel["feedback_overdue"]] == [c]
    assert [f.consultation for f in panel["feedback_due"]] == [recent]
    late = panel["feedback_overdue"][0]
    assert late.days_late > 0 and late.due_date > c.end_date


# ---- dashboard, reminders, statistics ---------------------------------------------------------------


def test_the_dashboard_warns_long_before_the_three_month_line(ia, build):
    old = ia.message("accepted", days_ago=50)
    late = ia.message("accepted", days_ago=14)
    fresh = ia.message(days_ago=0)
    panel = dashboard.for_user(build.editor)
    assert panel["veto"] == [old] and panel["overdue"] == [late]
    assert fresh in panel["waiting"]
    outsider = build.user("outsider")
    assert dashboard.for_user(outsider) == {}


def test_admin_index_shows_the_panel(client, ia, build):
    grant_interaction_permissions(build.editor)
    ia.message("accepted", days_ago=50, title="快到否决线的留言")
    client.force_login(build.editor)
    page = client.get("/admin/").content.decode()
    assert "留言接近3个月否决线" in page and "快到否决线的留言" in page


def test_reminders_run_once_per_message_kind_and_date(ia, build):
    ia.message("accepted", days_ago=14, title="逾期的留言")
    ia.message("pending_approval", days_ago=55, title="待审批很久的留言")
    mail.outbox.clear()
    call_command("remind_deadlines", stdout=open("/dev/null", "w"))
    subjects = sorted(m.subject for m in mail.outbox)
    assert any("已逾期" in s and "逾期的留言" in s for s in subjects)
    veto = [m for m in mail.outbox if "接近3个月否决线" in m.subject]
    assert veto and veto[0].to == sorted(["leader@example.com", "leader2@example.com"])
    assert "单项否决" in veto[0].body
    count = len(mail.outbox)
    call_command("remind_deadlines", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == count
    assert ReminderLog.objects.count() == 2


def test_yearly_figures_per_organization(ia, build):
    answered = ia.message("published")
    ia.message("answered", days_ago=0)
    ia.message("rejected")
    ia.message("accepted")
    moved = ia.message()
    workflow.transfer(moved, build.editor, to=build.other_org, reason="转财政局。")
    year = timezone.localdate().year
    f = stats.yearly(build.org, year)
    assert (f["received"], f["answered"], f["rejected"], f["open"], f["published"]) == (4, 2, 1, 1, 1)
    assert f["on_time"] == 2 and f["on_time_share"] == 100.0 and f["average_workdays"] == 0
    assert stats.yearly(build.other_org, year)["received"] == 1
    assert stats.site_yearly(year)["received"] == 5
    assert "收到咨询留言4件，答复2件" in stats.narrative_sentence(build.org, year)
    assert answered.is_public


# ---- the admin -------------------------------------------------------------------------------


@pytest.fixture
def staff(build):
    grant_interaction_permissions(build.editor, build.leader, build.leader2, build.reviewer)
    return build


def test_staff_answer_a_message_through_the_action_pages(client, ia, staff):
    message = ia.message()
    client.force_login(staff.editor)
    base = f"/admin/interaction/message/{message.pk}/handle"
    assert client.get(f"/admin/interaction/message/{message.pk}/change/").status_code == 200
    assert client.post(f"{base}/accept/").status_code == 302
    assert client.post(f"{base}/reply/", {"body": "您好！答复。"}).status_code == 302
    assert client.post(f"{base}/submit_reply/").status_code == 302
    forged = client.post(f"{base}/approve_reply/")  # the editor is not a leader
    assert forged.status_code == 403
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING_APPROVAL
    client.force_login(staff.leader)
    page = client.get(f"/admin/interaction/message/{message.pk}/change/").content.decode()
    assert "审批答复" in page and message.phone in page
    assert client.post(f"{base}/approve_reply/").status_code == 302
    message.refresh_from_db()
    assert message.status == Message.Status.ANSWERED


def test_a_leader_who_wrote_the_reply_is_refused_in_the_admin_too(client, ia, staff):
    from portal.models import Membership

    Membership.objects.create(user=staff.leader, organization=staff.org, role=Membership.Role.EDITOR)
    message = ia.message("accepted")
    workflow.save_reply(message, staff.leader, body="领导自己起草。")
    workflow.submit_reply(message, staff.leader)
    client.force_login(staff.leader)
    response = client.post(f"/admin/interaction/message/{message.pk}/handle/approve_reply/")
    assert response.status_code == 403 and "职责分离" in response.content.decode()
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING_APPROVAL


def test_writer_details_are_masked_for_an_administrator_outside_the_organization(client, ia, staff):
    admin_user = staff.user("siteadmin", is_superuser=True)
    message = ia.message(phone="13908757777", writer_name="赵六")
    client.force_login(admin_user)
    page = client.get(f"/admin/interaction/message/{message.pk}/change/").content.decode()
    assert "13908757777" not in page and "赵六" not in page and "仅办理机构工作人员可见" in page


def test_consultation_admin_warns_of_a_short_period(client, ia, staff):
    client.force_login(staff.editor)
    today = timezone.localdate()
    response = client.post(
        "/admin/interaction/consultation/add/",
        {
            "organization": staff.org.pk,
            "kind": K.RULE,
            "title": "关于规章草案公开征求意见的公告",
            "description": "说明。",
            "start_date": today.isoformat(),
            "end_date": (today + datetime.timedelta(days=9)).isoformat(),
            "short_period_reason": "",
            "other_comments": 0,
            "other_adopted": 0,
            "feedback_text": "",
            "comments-TOTAL_FORMS": 0,
            "comments-INITIAL_FORMS": 0,
        },
        follow=True,
    )
    assert response.status_code == 200
    c = Consultation.objects.get()
    assert c.item.status == DisclosureItem.Status.DRAFT
    assert "一般不少于30日" in response.content.decode()


def test_comment_attachments_are_downloaded_by_staff_of_the_organization_only(client, ia, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = ia.consultation()
    upload = SimpleUploadedFile("意见.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    comment = consultations.add_comment(c, text="见附件。", upload=upload)
    client.force_login(staff.editor)
    page = client.get(f"/admin/interaction/comment/{comment.pk}/change/").content.decode()
    assert f"/admin/interaction/comment/{comment.pk}/attachment/" in page
    response = client.get(f"/admin/interaction/comment/{comment.pk}/attachment/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    outsider = staff.user("outsider", "editor", org=staff.other_org)
    grant_interaction_permissions(outsider)
    client.force_login(outsider)
    assert client.get(f"/admin/interaction/comment/{comment.pk}/attachment/").status_code == 404


def test_feedback_and_comment_selection_through_the_admin(client, ia, staff):
    today = timezone.localdate()
    c = ia.consultation(start=today - datetime.timedelta(days=20), end=today - datetime.timedelta(days=1))
    comment = Comment.objects.create(consultation=c, text="建议明确办理时限。", name="王五")
    client.force_login(staff.editor)
    assert client.post(f"/admin/interaction/comment/{comment.pk}/do/show/").status_code == 403  # not a leader
    comment.refresh_from_db()
    assert not comment.shown_publicly
    refused = client.post(f"/admin/interaction/consultation/{c.pk}/do/feedback/")
    assert refused.status_code == 400 and "意见采纳情况说明" in refused.content.decode()
    Consultation.objects.filter(pk=c.pk).update(feedback_text="采纳了办理时限的意见。")
    assert client.post(f"/admin/interaction/consultation/{c.pk}/do/feedback/").status_code == 302
    c.refresh_from_db()
    assert c.feedback_item.status == DisclosureItem.Status.PENDING_REVIEW
    client.force_login(staff.leader)
    assert client.post(f"/admin/interaction/comment/{comment.pk}/do/show/").status_code == 302
    comment.refresh_from_db()
    assert comment.shown_publicly
