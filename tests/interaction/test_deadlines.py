"""Reply deadlines on the work calendar: holidays do not count, 调休 working days do; 转办 does not
restart the clock; the 3-month veto line of the inspection (国办秘函〔2019〕19号)."""

import datetime

import pytest

from interaction import deadlines, workflow
from interaction.models import InteractionSettings, Message
from portal.models import CalendarDay, CalendarYear
from portal.workcalendar import Calendar

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def golden_week_2027(db):
    """2027's National Day as a county would enter it: 10-01…10-07 off, Saturday 10-09 worked."""
    for day in range(1, 8):
        CalendarDay.objects.create(date=D(2027, 10, day), kind=CalendarDay.Kind.HOLIDAY, name="国庆节")
    CalendarDay.objects.create(date=D(2027, 10, 9), kind=CalendarDay.Kind.WORKDAY, name="调休上班")
    CalendarYear.objects.create(year=2027)


def _received(ia, day: D, **fields) -> Message:
    message = ia.message(**fields)
    Message.objects.filter(pk=message.pk).update(received_date=day)
    message.refresh_from_db()
    return message


def test_five_working_days_skip_the_holiday_week_and_count_the_makeup_saturday(ia, golden_week_2027):
    message = _received(ia, D(2027, 9, 29))  # a Wednesday
    d = deadlines.for_message(message, today=D(2027, 9, 29))
    # 09-30 (1), the holidays and the weekend, 10-08 Fri (2), 10-09 调休 Sat (3), 10-11 (4), 10-12 (5)
    assert d.due_date == D(2027, 10, 12)
    assert not d.provisional
    assert d.remaining_workdays == 5


def test_without_the_holiday_rows_the_same_message_would_be_due_a_week_earlier(ia):
    message = _received(ia, D(2027, 9, 29))
    d = deadlines.for_message(message, today=D(2027, 9, 29))
    assert d.due_date == D(2027, 10, 6)
    assert d.provisional and "2027年节假日安排尚未录入" in d.provisional_note


def test_overdue_and_due_soon_follow_the_working_days(ia, golden_week_2027):
    message = _received(ia, D(2027, 9, 29))
    assert deadlines.for_message(message, today=D(2027, 10, 11)).due_soon
    assert deadlines.for_message(message, today=D(2027, 10, 12)).state_label == "今天到期"
    late = deadlines.for_message(message, today=D(2027, 10, 13))
    assert late.overdue and late.state_label == "已逾期"


def test_the_setting_of_the_day_of_receipt_is_kept(ia, golden_week_2027):
    InteractionSettings.objects.create(reply_days=3)
    message = _received(ia, D(2027, 9, 29))
    assert message.reply_days == 3
    InteractionSettings.objects.update(reply_days=10)
    assert deadlines.for_message(message).due_date == D(2027, 10, 9)  # the 调休 Saturday is the 3rd day


def test_transfer_keeps_the_deadline_running_from_receipt(ia, golden_week_2027):
    b = ia.build
    message = _received(ia, D(2027, 9, 29))
    before = deadlines.for_message(message, today=D(2027, 10, 8)).due_date
    workflow.transfer(message, b.editor, to=b.other_org, reason="属于财政局职责，转财政局办理。")
    message.refresh_from_db()
    assert message.organization == b.other_org and message.addressed_to == b.org
    assert message.status == Message.Status.SUBMITTED and message.handler is None
    after = deadlines.for_message(message, today=D(2027, 10, 8))
    assert after.due_date == before == D(2027, 10, 12)
    assert after.received_date == D(2027, 9, 29)


def test_veto_line_is_three_calendar_months_after_receipt():
    assert deadlines.add_months(D(2026, 3, 2), 3) == D(2026, 6, 2)
    assert deadlines.add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)
    assert deadlines.add_months(D(2027, 10, 31), 3) == D(2028, 1, 31)


def test_a_message_unanswered_for_weeks_is_flagged_long_before_the_veto_line(ia):
    message = _received(ia, D(2026, 3, 2))
    calendar = Calendar.load()
    assert not deadlines.for_message(message, calendar, today=D(2026, 4, 15)).veto_near  # 48 days before
    near = deadlines.for_message(message, calendar, today=D(2026, 4, 20))  # 43 days before (setting: 45)
    assert near.veto_near and not near.veto_passed and near.days_to_veto == 43
    passed = deadlines.for_message(message, calendar, today=D(2026, 6, 3))
    assert passed.veto_passed and "单项否决" in passed.state_label


def test_an_answered_or_declined_message_is_no_longer_counted(ia):
    answered = ia.message("answered", days_ago=30)
    declined = ia.message("rejected", days_ago=80)
    for message in (answered, declined):
        d = deadlines.for_message(message)
        assert not d.open and not d.overdue and not d.veto_near
    assert deadlines.for_message(answered).on_time is False  # answered today, due weeks ago
