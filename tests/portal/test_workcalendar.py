import datetime

import pytest

from portal.models import CalendarDay, CalendarYear
from portal.workcalendar import Calendar

D = datetime.date


@pytest.fixture
def cal(db):
    return Calendar.load()


def test_seeded_from_chinesecalendar_for_the_years_it_covers(db):
    assert CalendarYear.objects.filter(year=2026).exists()
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert CalendarDay.objects.get(date=D(2026, 2, 14)).kind == "workday"  # 春节调休 Saturday
    assert CalendarDay.objects.get(date=D(2026, 10, 1)).kind == "holiday"


def test_twenty_working_days_across_national_day_2026(cal):
    # chinesecalendar: find_workday(20, 2026-09-20) == 2026-10-23 (国庆 1–7 Oct off, 9-20 Sunday)
    assert cal.add_workdays(D(2026, 9, 20), 20) == D(2026, 10, 23)


def test_makeup_saturday_counts_and_holiday_weekday_does_not(cal):
    assert cal.is_workday(D(2026, 2, 14))  # Saturday, 调休上班
    assert not cal.is_workday(D(2026, 10, 1))  # Thursday, 国庆节


def test_year_without_data_falls_back_to_weekends_and_is_flagged(cal):
    # 2026-12-20 + 20 working days runs into 2027: no crash, weekdays only there.
    assert cal.add_workdays(D(2026, 12, 20), 20) == D(2027, 1, 15)
    assert cal.uncovered_between(D(2026, 12, 20), D(2027, 1, 15)) == [2027]


def test_admin_entries_for_a_new_year_are_used(db):
    CalendarDay.objects.create(date=D(2027, 1, 1), kind="holiday", name="元旦")
    CalendarYear.objects.create(year=2027)
    cal = Calendar.load()
    assert cal.add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert cal.uncovered_between(D(2026, 12, 31), D(2027, 1, 4)) == []


def test_workdays_between(cal):
    assert cal.workdays_between(D(2026, 9, 20), D(2026, 10, 23)) == 20
    assert cal.workdays_between(D(2026, 9, 20), D(2026, 9, 20)) == 0
