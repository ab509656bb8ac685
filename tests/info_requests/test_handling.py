"""Staff handling: receipt, 补正, extension, consultation, fee, reply with the outcome's 告知书;
audit; admin scoping and privacy; dashboard; reminders; calendar warnings."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from info_requests import deadlines, fees, handling
from info_requests.models import Appeal, Application, ReminderLog
from info_requests.outcomes import Outcome
from portal.models import AuditEntry
from tests.info_requests.helpers import application, grant_request_permissions

D = datetime.date


def actions(app):
    return list(
        AuditEntry.objects.filter(object_id=str(app.pk), object_type="info_requests.Application")
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_online_application_is_received_on_confirmation(build, django_capture_on_commit_callbacks):
    app = application(build, None)
    Application.objects.filter(pk=app.pk).update(submitted_at=datetime.datetime(2026, 3, 2, 1, tzinfo=datetime.UTC))
    app.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):  # the applicant is mailed after commit
        handling.confirm_receipt(app, build.editor, D(2026, 3, 2))
    app.refresh_from_db()
    assert app.status == "received" and app.received_date == D(2026, 3, 2) and app.handler == build.editor
    assert deadlines.for_application(app, today=D(2026, 3, 2)).due_date == D(2026, 3, 30)
    assert actions(app) == ["request.submit", "request.confirm"]
    assert "2026年3月30日" in mail.outbox[-1].body


def test_only_staff_of_the_organization_handle(build):
    app = application(build, None)
    outsider = build.user("outsider", "editor", org=build.other_org)
    with pytest.raises(PermissionDenied):
        handling.confirm_receipt(app, outsider, D(2026, 3, 2))


def test_correction_flow_restarts_the_clock_and_is_audited(build):
    app = application(build, D(2026, 3, 2))
    handling.notify_correction(app, build.editor, D(2026, 3, 4), "请写明文号", D(2026, 3, 13))
    app.refresh_from_db()
    assert app.status == "correction"
    with pytest.raises(handling.HandlingError, match="一次性告知"):
        app.status = "received"
        handling.notify_correction(app, build.editor, D(2026, 3, 5), "再补一项")
    app.refresh_from_db()
    handling.receive_correction(app, build.editor, D(2026, 3, 16))
    app.refresh_from_db()
    assert deadlines.for_application(app, today=D(2026, 3, 16)).due_date == D(2026, 4, 14)
    assert actions(app)[-2:] == ["request.correction_notice", "request.correction_received"]


def test_late_correction_notice_is_recorded_as_late(build):
    app = application(build, D(2026, 3, 2))
    handling.notify_correction(app, build.editor, D(2026, 3, 12), "请写明文号")  # due 11 Mar
    entry = AuditEntry.objects.filter(action="request.correction_notice").get()
    assert entry.data["late"] is True and entry.data["notice_due"] == "2026-03-11"


def test_extension_needs_reason_and_leader_and_is_capped(build, django_capture_on_commit_callbacks):
    app = application(build, D(2026, 9, 14))
    with pytest.raises(handling.HandlingError, match="理由"):
        handling.extend(app, build.editor, D(2026, 10, 12), 10, " ", build.leader, D(2026, 10, 12))
    with pytest.raises(handling.HandlingError, match="负责人"):
        handling.extend(app, build.editor, D(2026, 10, 12), 10, "档案多", build.editor, D(2026, 10, 12))
    handling.extend(app, build.editor, D(2026, 10, 12), 15, "档案多", build.leader, D(2026, 10, 12))
    with pytest.raises(handling.HandlingError, match="最长不超过20"):
        handling.extend(app, build.editor, D(2026, 10, 13), 6, "还要更久", build.leader, D(2026, 10, 13))
    with django_capture_on_commit_callbacks(execute=True):  # the applicant is mailed after commit
        handling.extend(app, build.editor, D(2026, 10, 13), 5, "还要更久", build.leader, D(2026, 10, 13))
    assert deadlines.for_application(app, today=D(2026, 10, 13)).due_date == D(2026, 11, 13)
    assert "延期答复" in mail.outbox[-1].subject


def test_extension_after_the_deadline_is_refused(build):
    app = application(build, D(2026, 9, 14))  # due 16 Oct
    with pytest.raises(handling.HandlingError, match="届满"):
        handling.extend(app, build.editor, D(2026, 10, 19), 5, "晚了", build.leader, D(2026, 10, 19))


def test_consultation_and_fee_pause(build):
    app = application(build, D(2026, 3, 2))
    handling.start_consultation(app, build.editor, D(2026, 3, 4), "third_party", "某公司")
    app.refresh_from_db()
    assert app.status == "consulting"
    handling.end_consultation(app, build.editor, D(2026, 3, 13), "不同意公开")
    app.refresh_from_db()
    assert deadlines.for_application(app, today=D(2026, 3, 16)).due_date == D(2026, 4, 9)
    handling.notify_fee(app, build.editor, D(2026, 3, 17), 700, "按量计收 100页")
    app.refresh_from_db()
    assert app.status == "fee_pending"
    handling.record_payment(app, build.editor, D(2026, 3, 19))  # 18–19 Mar paused: +2 working days
    app.refresh_from_db()
    assert deadlines.for_application(app, today=D(2026, 3, 20)).due_date == D(2026, 4, 13)


def test_fee_bands():
    assert fees.per_piece(10) == 0 and fees.per_piece(11) == 100 and fees.per_piece(30) == 2000
    assert fees.per_piece(31) == 2200 and fees.per_piece(41) == 2000 + 200 * 10 + 300
    assert fees.per_page(30) == 0 and fees.per_page(100) == 700 and fees.per_page(101) == 720
    assert fees.per_page(201) == 700 + 2000 + 40


def test_reply_from_template_editable_then_sent(build):
    app = application(build, D(2026, 3, 2))
    letter = handling.draft_reply(app, build.editor, Outcome.UNABLE_NO_INFO)
    assert letter.title == "政府信息不存在告知书"
    assert app.applicant_name in letter.body and "2026年3月2日" in letter.body and "第三十六条第（四）项" in letter.body
    app.refresh_from_db()
    assert app.outcome == "" and app.answered_date is None  # a draft does not count in table 三
    handling.send_reply(app, build.editor, D(2026, 3, 20), body=letter.body + "\n补充说明。")
    app.refresh_from_db()
    assert app.status == "answered" and app.outcome == "unable_no_info" and app.answered_date == D(2026, 3, 20)
    assert app.reply.body.endswith("补充说明。") or "补充说明。" in app.reply.body
    assert actions(app)[-2:] == ["request.reply_draft", "request.reply"]


def test_outcomes_that_need_a_clock_state(build):
    app = application(build, D(2026, 3, 2))
    handling.draft_reply(app, build.editor, Outcome.OTHER_NO_CORRECTION)
    app.refresh_from_db()
    with pytest.raises(handling.HandlingError, match="逾期不补正"):
        handling.send_reply(app, build.editor, D(2026, 3, 20))
    handling.draft_reply(app, build.editor, Outcome.UNABLE_UNCLEAR)
    app.refresh_from_db()
    with pytest.raises(handling.HandlingError, match="已经补正"):
        handling.send_reply(app, build.editor, D(2026, 3, 20))


def test_every_outcome_has_a_template(build):
    app = application(build, D(2026, 3, 2))
    for outcome in Outcome.values:
        letter = handling.draft_reply(app, build.editor, outcome)
        assert "行政复议" in letter.body and "{" not in letter.body


# ---- admin -------------------------------------------------------------------------------------


@pytest.fixture
def staff(build):
    grant_request_permissions(build.editor, build.leader)
    return build.editor


def test_admin_scopes_applications_and_masks_identity_for_non_members(client, build, staff):
    mine = application(build, D(2026, 3, 2))
    theirs = application(build, D(2026, 3, 2), org=build.other_org)
    only_here = build.user("only_here", "editor", org=build.org)
    grant_request_permissions(only_here)
    client.force_login(only_here)
    listing = client.get(reverse("admin:info_requests_application_changelist")).content.decode()
    assert mine.tracking_code in listing and theirs.tracking_code not in listing
    assert client.get(reverse("admin:info_requests_application_change", args=[theirs.pk])).status_code == 302
    page = client.get(reverse("admin:info_requests_application_change", args=[mine.pk])).content.decode()
    assert mine.id_number in page and mine.phone in page
    # A site administrator who is not staff of the organization sees the identity masked.
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw-123456")
    client.force_login(root)
    page = client.get(reverse("admin:info_requests_application_change", args=[mine.pk])).content.decode()
    assert mine.id_number not in page and mine.phone not in page and "仅受理机关承办人员可见" in page


def test_admin_handling_buttons_drive_the_functions(client, build, staff):
    app = application(build, None)
    client.force_login(staff)
    url = reverse("admin:info_requests_application_handle", args=[app.pk, "confirm"])
    assert client.get(url).status_code == 200
    today = timezone.localdate()
    client.post(url, {"date": today.isoformat()})
    app.refresh_from_db()
    assert app.status == "received"
    reply = reverse("admin:info_requests_application_handle", args=[app.pk, "reply"])
    client.post(reply, {"draft": "1", "outcome": "disclose"})
    page = client.get(reply).content.decode()
    assert "发送答复并办结" in page and "政府信息公开告知书" in page
    client.post(reply, {"send": "1", "date": today.isoformat(), "title": "政府信息公开告知书", "body": "已编辑的正文"})
    app.refresh_from_db()
    assert app.status == "answered" and app.reply.body == "已编辑的正文"


def test_offline_registration_in_admin(client, build, staff):
    client.force_login(staff)
    response = client.post(
        reverse("admin:info_requests_application_add"),
        {
            "organization": build.org.pk,
            "channel": "letter",
            "received_date": "2026-03-02",
            "applicant_type": "business",
            "applicant_name": "某公司",
            "id_type": "credit_code",
            "id_number": "91350100M000100Y43",
            "phone": "0875-6120000",
            "info_title": "采购合同",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    app = Application.objects.get()
    assert app.status == "received" and app.received_date == D(2026, 3, 2) and app.tracking_code
    assert actions(app) == ["request.register"]


def test_dashboard_lists_overdue_and_due_soon(client, build, staff):
    today = timezone.localdate()
    from portal.workcalendar import Calendar

    cal = Calendar.load()
    day, n = today, 0
    while n < 18:  # 18 working days ago: 2 left
        day -= datetime.timedelta(days=1)
        n += cal.is_workday(day)
    soon = application(build, day)
    late = application(build, today - datetime.timedelta(days=60))
    fresh = application(build, today)
    client.force_login(staff)
    page = client.get(reverse("admin:info_requests_dashboard")).content.decode()
    overdue_part, rest = page.split("个工作日内到期")
    assert late.tracking_code in overdue_part and soon.tracking_code in rest
    assert fresh.tracking_code not in page
    listing = client.get(reverse("admin:info_requests_application_changelist") + "?deadline=overdue").content.decode()
    assert late.tracking_code in listing and soon.tracking_code not in listing


def test_remind_deadlines_is_idempotent(build, staff):
    today = timezone.localdate()
    late = application(build, today - datetime.timedelta(days=60))
    mail.outbox.clear()
    call_command("remind_deadlines", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1 and late.tracking_code in mail.outbox[0].body
    assert mail.outbox[0].to == [build.editor.email]
    call_command("remind_deadlines", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1
    assert ReminderLog.objects.count() == 1


def test_calendar_admin_warns_about_uncovered_years(client, build):
    from django.contrib.auth import get_user_model

    from portal.models import CalendarYear

    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw-123456")
    client.force_login(root)
    this_year = timezone.localdate().year
    CalendarYear.objects.filter(year__gte=this_year).delete()
    page = client.get(reverse("admin:portal_calendarday_changelist")).content.decode()
    assert f"尚未录入{this_year}" in page
    page = client.get(reverse("admin:info_requests_application_changelist")).content.decode()
    assert f"尚未录入{this_year}" in page
    for year in range(this_year, this_year + 3):
        CalendarYear.objects.create(year=year)
    page = client.get(reverse("admin:portal_calendarday_changelist")).content.decode()
    assert "尚未录入" not in page


def test_appeal_saved_in_admin_is_audited(client, build, staff):
    app = application(build, D(2026, 3, 2))
    client.force_login(staff)
    response = client.post(
        reverse("admin:info_requests_appeal_add"),
        {
            "organization": build.org.pk,
            "application": app.pk,
            "kind": "review",
            "filed_date": "2026-04-01",
            "result": "corrected",
            "case_number": "复2026-1",
        },
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.concluded_date is not None
    assert AuditEntry.objects.filter(action="appeal.create", to_state="corrected").exists()


def test_demo_loads_every_outcome_type_and_state(db):
    call_command("demo", stdout=open("/dev/null", "w"))
    apps = Application.objects.all()
    assert set(apps.exclude(outcome="").values_list("outcome", flat=True)) == set(Outcome.values)
    assert set(apps.values_list("applicant_type", flat=True)) == {
        "natural",
        "business",
        "research",
        "public_interest",
        "legal_service",
        "other_org",
    }
    assert apps.filter(received_date__year=2024, answered_date__year=2025).exists()
    assert apps.filter(received_date__year=2025, answered_date__year=2026).exists()
    assert {"submitted", "received", "correction", "consulting", "fee_pending", "answered"} <= set(
        apps.values_list("status", flat=True)
    )
    open_ones = deadlines.annotate(apps.filter(status__in=Application.OPEN_STATES))
    assert any(a.deadline.overdue for a in open_ones) and any(a.deadline.due_soon for a in open_ones)
    assert apps.filter(events__kind="extension").exists()
    kinds_results = set(Appeal.objects.values_list("kind", "result"))
    assert len(kinds_results) == 12


def test_admin_index_links_to_the_dashboard(client, build, staff):
    client.force_login(staff)
    page = client.get(reverse("admin:index")).content.decode()
    assert "办理看板（即将到期/已逾期）" in page
    response = client.get(reverse("admin:info_requests_deadlinedashboard_changelist"))
    assert response.status_code == 302 and response["Location"] == reverse("admin:info_requests_dashboard")


def test_fee_notice_form_computes_the_amount_from_the_bands():
    from info_requests.forms import FeeNoticeForm

    form = FeeNoticeForm({"date": "2026-03-04", "method": "page", "quantity": "120"})
    assert form.is_valid() and form.cleaned_data["amount"] == 700 + 400
    form = FeeNoticeForm({"date": "2026-03-04", "method": "piece", "quantity": "35"})
    assert form.is_valid() and form.cleaned_data["amount"] == 200
    form = FeeNoticeForm({"date": "2026-03-04", "method": "page", "quantity": "30"})
    assert not form.is_valid() and "不收费" in form.errors["quantity"][0]


def test_admin_action_pages_render_and_post(client, build, staff):
    today = timezone.localdate()
    app = application(build, today)
    client.force_login(staff)

    def url(action):
        return reverse("admin:info_requests_application_handle", args=[app.pk, action])

    for action in ["correction_notice", "extension", "consultation", "fee_notice", "reply"]:
        assert client.get(url(action)).status_code == 200
    assert client.get(url("payment")).status_code == 302  # not offered in this state
    response = client.post(
        url("extension"),
        {
            "date": today.isoformat(),
            "days": "25",
            "reason": "x",
            "approver": build.leader.pk,
            "notified_date": today.isoformat(),
        },
    )
    assert "20" in response.content.decode()  # max_value message, nothing saved
    client.post(
        url("extension"),
        {
            "date": today.isoformat(),
            "days": "10",
            "reason": "档案多",
            "approver": build.leader.pk,
            "notified_date": today.isoformat(),
        },
    )
    client.post(url("fee_notice"), {"date": today.isoformat(), "method": "page", "quantity": "50"})
    app.refresh_from_db()
    assert app.status == "fee_pending"
    assert list(app.events.values_list("kind", "days", "amount")) == [
        ("extension", 10, None),
        ("fee_notice", None, 200),
    ]
    page = client.get(reverse("admin:info_requests_application_change", args=[app.pk])).content.decode()
    assert "登记缴费" in page and "已延长 10 个工作日" in page


def test_unconfirmed_online_applications_are_reminded_once(build, staff):
    app = application(build, None)
    Application.objects.filter(pk=app.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=3))
    fresh = application(build, None)
    mail.outbox.clear()
    call_command("remind_deadlines", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1
    assert app.tracking_code in mail.outbox[0].body and fresh.tracking_code not in mail.outbox[0].body
    assert build.editor.email in mail.outbox[0].to
    call_command("remind_deadlines", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1
