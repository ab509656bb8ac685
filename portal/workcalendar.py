"""Working-day arithmetic on the Chinese work calendar.

The table CalendarDay holds the exceptions to a Monday–Friday week: statutory holidays (休息) and
调休 working days (weekend days that are worked). It is seeded from `chinesecalendar` for the
years that package knows (2004–2026) and edited in the admin. A year listed in CalendarYear is
"covered"; for any other year (2027 today) the calendar falls back to weekends only — nothing
crashes — and `uncovered_years()` lets the admin and dashboards warn until someone enters it.

Counting follows the usual reading of the 条例 (no official definition; cf. 民法典第二百零一条):
a period of N working days starts the day *after* the start date; the Nth working day is the
deadline.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import lru_cache

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


class Calendar:
    """A snapshot of the exceptions table; cheap to build, used for one computation or request."""

    def __init__(
        self, holidays: Iterable[datetime.date], workdays: Iterable[datetime.date], covered_years: Iterable[int]
    ):
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)
        self.covered_years = frozenset(covered_years)

    @classmethod
    def load(cls, years: Iterable[int] | None = None) -> Calendar:
        from .models import CalendarDay, CalendarYear

        days = CalendarDay.objects.all()
        if years is not None:
            days = days.filter(date__year__in=list(years))
        holidays, workdays = [], []
        for date, kind in days.values_list("date", "kind"):
            (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays).append(date)
        return cls(holidays, workdays, CalendarYear.objects.filter(complete=True).values_list("year", flat=True))

    def is_workday(self, day: datetime.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def is_covered(self, day: datetime.date) -> bool:
        return day.year in self.covered_years

    @property
    def first_year(self) -> int | None:
        """The first year whose holidays are entered; before it, days are counted on weekends only
        (disclosures/timeliness.py, docs/rules.md “成文日期未知”). None when no year is entered."""
        return min(self.covered_years, default=None)

    def add_workdays(self, start: datetime.date, n: int) -> datetime.date:
        """The Nth working day after `start` (counting from the next day). n=0 returns start."""
        day = start
        remaining = n
        while remaining > 0:
            day += datetime.timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in (start, end]: how many of the allowed days have been used by `end`."""
        if end <= start:
            return -self.workdays_between(end, start) if end < start else 0
        count = 0
        day = start
        while day < end:
            day += datetime.timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count

    def uncovered_between(self, start: datetime.date, end: datetime.date) -> list[int]:
        """Years in [start, end] whose holidays are not entered: results there are provisional."""
        return [y for y in range(start.year, end.year + 1) if y not in self.covered_years]


def uncovered_years(horizon_days: int = 90, today: datetime.date | None = None) -> list[int]:
    """Years from today to today + horizon that still need their holiday schedule entered."""
    from django.utils import timezone

    today = today or timezone.localdate()
    return Calendar.load().uncovered_between(today, today + datetime.timedelta(days=horizon_days))


@lru_cache(maxsize=1)
def chinesecalendar_data() -> tuple[dict, set, range]:
    """(holidays by date with Chinese names, 调休 working days, years covered) from the package."""
    from chinese_calendar import constants

    holidays = {d: HOLIDAY_NAMES.get(name, name) for d, name in constants.holidays.items()}
    workdays = set(constants.workdays)
    years = sorted({d.year for d in holidays} | {d.year for d in workdays})
    return holidays, workdays, range(years[0], years[-1] + 1)


def seed_from_chinesecalendar(CalendarDay=None, CalendarYear=None) -> int:
    """Fill the table from chinesecalendar for the years it covers; existing rows (admin edits)
    win. Returns the number of rows added. Usable from a data migration (pass historical models)."""
    if CalendarDay is None:
        from .models import CalendarDay, CalendarYear
    holidays, workdays, years = chinesecalendar_data()
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    rows = []
    for day, name in holidays.items():
        if day.weekday() < 5 and day not in existing:  # weekend holidays are rest days anyway
            rows.append(CalendarDay(date=day, kind="holiday", name=name, source="chinesecalendar"))
    for day in workdays:
        if day not in existing:
            rows.append(CalendarDay(date=day, kind="workday", name="调休上班", source="chinesecalendar"))
    CalendarDay.objects.bulk_create(rows)
    for year in years:
        CalendarYear.objects.get_or_create(year=year, defaults={"source": "chinesecalendar", "complete": True})
    return len(rows)
