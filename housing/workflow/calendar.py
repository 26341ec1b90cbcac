"""工作日历: working days with Chinese public holidays and make-up working days (调休上班).

Order of authority for one date:
1. a ``CalendarDay`` row (entered by an administrator, or copied from the library by
   ``manage.py calendar_seed`` so it can be corrected);
2. the ``chinese_calendar`` library, which publishes the State Council's holiday notice each year;
3. for a year the library does not know yet, Monday–Friday — the admin warns that such a year
   needs its holidays entered.

Time limits (办理时限) count working days *after* the day a node is received, so a node received
on Monday with 5 working days is due the following Monday; the due date itself is still on time.
"""

from __future__ import annotations

import datetime

import chinese_calendar

ONE_DAY = datetime.timedelta(days=1)


def library_knows_year(year: int) -> bool:
    try:
        chinese_calendar.is_workday(datetime.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def library_is_working_day(day: datetime.date) -> bool:
    """The library's answer, or Monday–Friday for a year it has no data for."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


class WorkingCalendar:
    """Answers working-day questions with one query per calendar year touched.

    Build one per request or batch and reuse it: the overrides of a year are loaded once.
    """

    def __init__(self) -> None:
        self._overrides: dict[int, dict[datetime.date, bool]] = {}

    def _year_overrides(self, year: int) -> dict[datetime.date, bool]:
        if year not in self._overrides:
            from .models import CalendarDay

            rows = CalendarDay.objects.filter(date__year=year).values_list("date", "is_working_day")
            self._overrides[year] = dict(rows)
        return self._overrides[year]

    def is_working_day(self, day: datetime.date) -> bool:
        override = self._year_overrides(day.year).get(day)
        if override is not None:
            return override
        return library_is_working_day(day)

    def add_working_days(self, start: datetime.date, n: int) -> datetime.date:
        """The n-th working day after ``start`` (before it for negative n); ``start`` for 0."""
        step = ONE_DAY if n >= 0 else -ONE_DAY
        remaining = abs(n)
        day = start
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, a: datetime.date, b: datetime.date) -> int:
        """Working days in (a, b]; negative when b is before a. Inverse of ``add_working_days``."""
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        day = a
        while day < b:
            day += ONE_DAY
            if self.is_working_day(day):
                count += 1
        return count


def is_working_day(day: datetime.date) -> bool:
    return WorkingCalendar().is_working_day(day)


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    return WorkingCalendar().add_working_days(start, n)


def working_days_between(a: datetime.date, b: datetime.date) -> int:
    return WorkingCalendar().working_days_between(a, b)
