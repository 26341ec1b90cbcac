import datetime

import pytest
from django.core.management import CommandError, call_command

from housing.workflow.calendar import (
    WorkingCalendar,
    add_working_days,
    is_working_day,
    working_days_between,
)
from housing.workflow.models import CalendarDay, CalendarSource

D = datetime.date


@pytest.mark.django_db
def test_national_day_is_not_a_working_day():
    assert not is_working_day(D(2026, 10, 1))
    assert not is_working_day(D(2025, 10, 8))


@pytest.mark.django_db
def test_make_up_weekend_days_are_working_days():
    assert D(2025, 9, 28).weekday() == 6 and is_working_day(D(2025, 9, 28))  # 国庆调休上班（周日）
    assert D(2026, 1, 4).weekday() == 6 and is_working_day(D(2026, 1, 4))  # 元旦调休上班（周日）
    assert not is_working_day(D(2025, 9, 27))  # an ordinary Saturday


@pytest.mark.django_db
def test_adding_working_days_skips_the_holiday_and_counts_the_make_up_days():
    friday = D(2025, 9, 26)
    assert add_working_days(friday, 1) == D(2025, 9, 28)  # the make-up Sunday counts
    assert add_working_days(friday, 4) == D(2025, 10, 9)  # 1–8 October skipped
    assert add_working_days(friday, 6) == D(2025, 10, 11)  # the make-up Saturday counts
    assert working_days_between(friday, D(2025, 10, 11)) == 6
    assert working_days_between(D(2025, 10, 11), friday) == -6
    assert add_working_days(friday, 0) == friday


@pytest.mark.django_db
def test_a_manual_row_overrides_the_library():
    CalendarDay.objects.create(date=D(2026, 10, 1), is_working_day=True, name="测试")
    CalendarDay.objects.create(date=D(2026, 9, 30), is_working_day=False, name="临时休息")
    calendar = WorkingCalendar()
    assert calendar.is_working_day(D(2026, 10, 1))
    assert not calendar.is_working_day(D(2026, 9, 30))


@pytest.mark.django_db
def test_a_year_the_library_does_not_know_falls_back_to_monday_to_friday():
    assert is_working_day(D(2099, 10, 1))  # a Thursday, no holiday data for 2099
    assert not is_working_day(D(2099, 10, 3))  # Saturday


@pytest.mark.django_db
def test_calendar_seed_copies_holidays_keeps_manual_rows_and_runs_twice():
    CalendarDay.objects.create(
        date=D(2026, 10, 8), is_working_day=True, name="本市调整", source=CalendarSource.MANUAL
    )
    call_command("calendar_seed", "--year", "2026")
    national_day = CalendarDay.objects.get(date=D(2026, 10, 1))
    assert not national_day.is_working_day and national_day.name == "国庆节"
    assert national_day.source == CalendarSource.LIBRARY
    make_up = CalendarDay.objects.get(date=D(2026, 1, 4))
    assert make_up.is_working_day and "调休上班" in make_up.name
    manual = CalendarDay.objects.get(date=D(2026, 10, 8))
    assert manual.is_working_day and manual.name == "本市调整"
    count = CalendarDay.objects.count()
    call_command("calendar_seed", "--year", "2026")
    assert CalendarDay.objects.count() == count


@pytest.mark.django_db
def test_calendar_seed_refuses_a_year_without_library_data():
    with pytest.raises(CommandError, match="2099"):
        call_command("calendar_seed", "--year", "2099")
    assert not CalendarDay.objects.exists()


def test_admin_warns_about_years_without_holiday_data(admin_client, monkeypatch):
    monkeypatch.setattr("housing.workflow.admin.library_knows_year", lambda year: False)
    page = admin_client.get("/admin/workflow/calendarday/").content.decode()
    assert "节假日库还没有" in page
