"""Staff dashboard (queues, time limits, stale and empty columns) and the audit log."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from disclosures import queues, workflow
from disclosures.models import Category, DisclosureItem
from portal.models import AuditEntry
from portal.workcalendar import Calendar


def test_queues_follow_separation_of_duties(build):
    pending_review = build.item("待审核信息", state="pending_review")
    pending_approval = build.item("待审批信息", state="pending_approval")
    assert list(queues.items_to_review(build.reviewer)) == [pending_review]
    assert list(queues.items_to_review(build.editor)) == []  # not a reviewer, and the author
    assert list(queues.items_to_approve(build.leader)) == [pending_approval]
    from portal.models import Membership

    Membership.objects.create(user=build.reviewer, organization=build.org, role="leader")
    assert pending_approval not in queues.items_to_approve(build.reviewer)  # reviewed it


def test_returned_items_queue(build):
    item = build.item(state="pending_review")
    workflow.return_item(item, build.reviewer, reason="请补充依据")
    assert list(queues.my_returned_items(build.editor)) == [item]
    assert list(queues.my_returned_items(build.reviewer)) == []


def test_overdue_items_use_working_days(build):
    Category.objects.filter(pk=build.category.pk).update(time_limit_days=10)
    today = datetime.date(2026, 10, 30)
    written = datetime.date(2026, 9, 25)  # 10 working days later, across 国庆, is well after 10 calendar days
    late = build.item("迟迟未发布", state="pending_review", written=written)
    build.item("刚写好", state="draft", written=today)
    build.item("已经发布", written=written)
    found = queues.overdue_items([build.org], today=today)
    assert [o.item for o in found] == [late]
    expected = Calendar.load().add_workdays(written, 10)
    assert found[0].deadline.date == expected and expected > written + datetime.timedelta(days=10)
    assert found[0].days_late > 0


def test_stale_and_empty_columns(build):
    item = build.item("很久以前的信息", category=build.policy_category)
    DisclosureItem.objects.filter(pk=item.pk).update(published_at=timezone.now() - datetime.timedelta(days=400))
    build.item("新信息")  # 社会救助 is fresh
    empty = Category.objects.create(code="kong", name="空白栏目", parent=build.root)
    stale, blank = queues.column_health()
    assert [c.category for c in stale] == [build.policy_category]
    assert [c.category for c in blank] == [empty]  # the root has items under it: not empty


def test_admin_index_shows_the_dashboard(client, build):
    build.item("等待审核的一条", state="pending_review")
    client.force_login(build.reviewer)
    page = client.get("/admin/").content.decode()
    for heading in ["待我审核", "待我审批", "我被退回的", "超过公开时限未发布", "栏目更新预警", "空白栏目"]:
        assert heading in page
    assert "等待审核的一条" in page
    assert "?queue=review" in page


def test_login_failure_is_audited_without_the_password(client, db):
    get_user_model().objects.create_user("clerk", password="right-password", is_staff=True)
    client.post(
        "/admin/login/?next=/admin/", {"username": "clerk", "password": "wrong-Secret-123"}, REMOTE_ADDR="203.0.113.9"
    )
    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.data == {"username": "clerk"} and "clerk" in entry.reason
    assert entry.ip_address == "203.0.113.9"
    assert "wrong-Secret-123" not in str(entry.__dict__)


def test_audit_log_filters_and_scope(client, build):
    build.item("本机构信息")
    other = build.item("他机构信息", org=build.other_org)
    del other
    root = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(root)
    base = "/admin/portal/auditentry/"
    page = client.get(f"{base}?org={build.org.pk}").content.decode()
    assert "本机构信息" in page and "他机构信息" not in page
    rows = client.get(f"{base}?action=item.review").content.decode().split('id="result_list"')[1]
    rows = rows.split("</table>")[0]
    assert "审核通过（保密审查）" in rows and "审批发布" not in rows
    rows = client.get(f"{base}?actor={build.leader.pk}").content.decode().split('id="result_list"')[1]
    assert "审批发布" in rows and "审核通过（保密审查）" not in rows.split("</table>")[0]
    today = timezone.localdate()
    page = client.get(f"{base}?at__year={today.year}&at__month={today.month}&at__day={today.day}").content.decode()
    assert "本机构信息" in page
    # a staff member of one organization sees only that organization's entries
    only_a = build.user("only_a", "reviewer", org=build.org)
    from django.contrib.auth.models import Permission

    only_a.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    client.force_login(only_a)
    page = client.get(base).content.decode()
    assert "本机构信息" in page and "他机构信息" not in page


def test_audit_entries_survive_deletion_of_the_item(build):
    item = build.item(state="draft")
    workflow.submit(item, build.editor)
    workflow.return_item(item, build.reviewer, reason="不需要公开")
    pk = item.pk
    DisclosureItem.objects.get(pk=pk).delete()
    assert AuditEntry.objects.filter(object_id=str(pk), action="item.return").exists()


def test_a_schedule_past_the_deadline_is_not_counted_as_already_late_across_the_year_end(build):
    # Seen in the demo on 12-03: “时限 2026-12-31，已超 1 个工作日” for an item scheduled in January.
    written = datetime.date(2026, 12, 1)
    item = build.item("定时发布到明年", state="pending_approval", written=written)
    DisclosureItem.objects.filter(pk=item.pk).update(
        status=DisclosureItem.Status.SCHEDULED,
        scheduled_for=timezone.make_aware(datetime.datetime(2027, 1, 8, 9)),
    )
    deadline = Calendar.load().add_workdays(written, build.category.time_limit_days)
    assert deadline.year == 2026
    [found] = queues.overdue_items([build.org], today=datetime.date(2026, 12, 3))
    assert found.scheduled_late and found.deadline.date == deadline and found.days_late > 0
    # Once the deadline has passed it is late, counted up to today (into the new year).
    [found] = queues.overdue_items([build.org], today=datetime.date(2027, 1, 6))
    assert not found.scheduled_late
    assert found.days_late == Calendar.load().workdays_between(deadline, datetime.date(2027, 1, 6))
    # Scheduled within the deadline: nothing to say.
    DisclosureItem.objects.filter(pk=item.pk).update(scheduled_for=timezone.make_aware(datetime.datetime(2026, 12, 10)))
    assert queues.overdue_items([build.org], today=datetime.date(2026, 12, 3)) == []


def test_the_dashboard_words_a_late_schedule_as_a_warning_not_as_days_late(client, build):
    item = build.item("定时发布到明年", state="pending_approval", written=timezone.localdate())
    DisclosureItem.objects.filter(pk=item.pk).update(
        status=DisclosureItem.Status.SCHEDULED,
        scheduled_for=timezone.now() + datetime.timedelta(days=90),
    )
    client.force_login(build.editor)
    page = client.get("/admin/").content.decode()
    assert "晚于时限，请提前发布" in page and "已超" not in page.split("定时发布到明年")[1][:200]
