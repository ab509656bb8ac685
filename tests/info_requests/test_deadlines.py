"""Reply deadlines on the work calendar, hand-checked against the 2025/2026 holiday schedules
(国务院办公厅 notices, as in chinesecalendar): 春节 2026 is 15–23 Feb with 调休 Saturdays 14 and
28 Feb; 国庆 2025 is 1–8 Oct with 调休 Sunday 28 Sep and Saturday 11 Oct; 清明 2026 is 4–6 Apr."""

import datetime
from types import SimpleNamespace

import pytest

from info_requests import deadlines
from portal.models import CalendarDay, CalendarYear
from portal.workcalendar import Calendar

D = datetime.date
TODAY = D(2026, 1, 5)  # before every case: nothing is "used" yet unless a case says so


def ev(kind, date, days=None):
    return SimpleNamespace(kind=kind, date=date, days=days, pk=None)


@pytest.fixture
def cal(db):
    return Calendar.load()


def test_twenty_working_days_across_spring_festival_2026_with_makeup_saturdays(cal):
    # Received Fri 6 Feb: 9–13 Feb (5), Sat 14 调休 (6), 15–23 off, 24–27 (10), Sat 28 调休 (11),
    # 2–6 Mar (16), 9–12 Mar (20).
    d = deadlines.compute(D(2026, 2, 6), [], cal, D(2026, 2, 6))
    assert d.due_date == D(2026, 3, 12)
    assert d.remaining_days == 20 and not d.provisional


def test_twenty_working_days_across_national_day_2025(cal):
    # Received Thu 25 Sep: 26 (1), Sun 28 调休 (2), 29–30 (4), 1–8 Oct off, 9–10 (6), Sat 11 调休 (7),
    # 13–17 (12), 20–24 (17), 27–29 (20).
    d = deadlines.compute(D(2025, 9, 25), [], cal, D(2025, 9, 25))
    assert d.due_date == D(2025, 10, 29)


def test_without_the_holiday_table_spring_festival_would_be_wrong(db):
    weekends_only = Calendar([], [], [])
    assert deadlines.compute(D(2026, 2, 6), [], weekends_only, D(2026, 2, 6)).due_date == D(2026, 3, 6)


def test_deadline_running_into_2027_is_provisional_until_the_year_is_entered(cal):
    # Received Fri 18 Dec 2026: 21–31 Dec (9), 2027 weekdays only: 1 Jan (10), 4–8 (15), 11–15 (20).
    d = deadlines.compute(D(2026, 12, 18), [], cal, D(2026, 12, 18))
    assert d.due_date == D(2027, 1, 15)
    assert d.provisional_years == [2027]
    assert "2027年的节假日尚未录入" in d.provisional_note
    CalendarDay.objects.create(date=D(2027, 1, 1), kind="holiday", name="元旦")
    CalendarYear.objects.create(year=2027)
    d = deadlines.compute(D(2026, 12, 18), [], Calendar.load(), D(2026, 12, 18))
    assert d.due_date == D(2027, 1, 18)
    assert not d.provisional


def test_deadline_inside_a_covered_year_is_not_provisional(cal):
    assert not deadlines.compute(D(2026, 11, 2), [], cal, D(2026, 11, 2)).provisional


def test_correction_notice_due_within_seven_working_days(cal):
    # Received Mon 2 Mar 2026: 3–6 (4), 9–11 (7).
    assert deadlines.compute(D(2026, 3, 2), [], cal, D(2026, 3, 2)).correction_notice_due == D(2026, 3, 11)
    # Across 春节: received Thu 12 Feb: 13 (1), Sat 14 (2), 24–27 (6), Sat 28 (7).
    assert deadlines.compute(D(2026, 2, 12), [], cal, D(2026, 2, 12)).correction_notice_due == D(2026, 2, 28)


def test_clock_stands_still_while_waiting_for_correction(cal):
    d = deadlines.compute(D(2026, 3, 2), [ev("correction_notice", D(2026, 3, 4))], cal, D(2026, 3, 20))
    assert d.waiting_correction and d.due_date is None
    assert "补正" in d.state_label


def test_correction_restarts_the_twenty_days_from_the_corrected_application(cal):
    # Corrected application received Mon 16 Mar: 17–20 (4), 23–27 (9), 30–31 (11), 1–3 Apr (14),
    # 6 Apr 清明 off, 7–10 (18), 13–14 (20).
    events = [ev("correction_notice", D(2026, 3, 4)), ev("correction_received", D(2026, 3, 16))]
    d = deadlines.compute(D(2026, 3, 2), events, cal, D(2026, 3, 16))
    assert d.clock_start == D(2026, 3, 16) and d.correction_restarted
    assert d.due_date == D(2026, 4, 14)
    assert d.remaining_days == 20


def test_extension_adds_working_days_after_the_original_deadline(cal):
    # Received Mon 14 Sep 2026: Sun 20 Sep is 调休, 25 Sep 中秋 and 1–7 Oct off, Sat 10 Oct 调休 → 16 Oct.
    assert deadlines.compute(D(2026, 9, 14), [], cal, D(2026, 9, 14)).due_date == D(2026, 10, 16)
    # +20: 19–23 Oct (5), 26–30 (10), 2–6 Nov (15), 9–13 Nov (20).
    d = deadlines.compute(D(2026, 9, 14), [ev("extension", D(2026, 10, 12), 20)], cal, D(2026, 10, 12))
    assert d.extension_days == 20 and d.due_date == D(2026, 11, 13)


def test_extensions_never_exceed_twenty_working_days_in_total(cal):
    events = [ev("extension", D(2026, 10, 12), 15), ev("extension", D(2026, 10, 13), 15)]
    assert deadlines.compute(D(2026, 9, 14), events, cal, D(2026, 10, 13)).extension_days == 20


def test_consultation_pauses_the_clock(cal):
    # Received Mon 2 Mar; letter to the third party Wed 4 Mar (days 3 and 4 Mar count), opinion
    # back Fri 13 Mar (5–13 Mar, 7 working days, do not count); then 16 Mar on: … 9 Apr is day 20.
    events = [ev("consultation_start", D(2026, 3, 4)), ev("consultation_end", D(2026, 3, 13))]
    d = deadlines.compute(D(2026, 3, 2), events, cal, D(2026, 3, 16))
    assert d.paused_days == 7
    assert d.due_date == D(2026, 4, 9)
    assert deadlines.compute(D(2026, 3, 2), [], cal, D(2026, 3, 2)).due_date == D(2026, 3, 30)


def test_open_consultation_has_no_deadline_yet(cal):
    d = deadlines.compute(D(2026, 3, 2), [ev("consultation_start", D(2026, 3, 4))], cal, D(2026, 3, 20))
    assert d.due_date is None and d.paused_since == D(2026, 3, 4)
    assert d.used_days == 2 and d.remaining_days == 18
    assert d.state_label == "征求意见中（暂停计时）"


def test_fee_notice_to_payment_pauses_the_clock(cal):
    events = [ev("fee_notice", D(2026, 3, 4)), ev("fee_paid", D(2026, 3, 13))]
    assert deadlines.compute(D(2026, 3, 2), events, cal, D(2026, 3, 16)).due_date == D(2026, 4, 9)


def test_overdue_and_due_soon(cal):
    # Due Mon 30 Mar 2026.
    assert deadlines.compute(D(2026, 3, 2), [], cal, D(2026, 3, 23)).due_soon  # 5 working days left
    assert not deadlines.compute(D(2026, 3, 2), [], cal, D(2026, 3, 20)).due_soon  # 6 left
    late = deadlines.compute(D(2026, 3, 2), [], cal, D(2026, 4, 1))
    assert late.overdue and late.remaining_days == -2 and late.state_label == "已逾期2个工作日"
    answered = deadlines.compute(D(2026, 3, 2), [], cal, D(2026, 4, 1), answered_date=D(2026, 3, 27))
    assert not answered.overdue and answered.state_label == "已答复"


def test_not_received_yet_has_no_deadline(cal):
    d = deadlines.compute(None, [], cal, TODAY)
    assert d.due_date is None and d.state_label == "尚未确认收到"
