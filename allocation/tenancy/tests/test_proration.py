"""租金按日折算: full month, move-in on the 15th of 30- and 31-day months, February, vacating, reductions."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from allocation.tenancy.services import Period, period_parse, rent_for_month

D = datetime.date
RENT = Decimal("750.00")


def rent(moved_in_on, period, vacated_on=None, reduction=Decimal(0), monthly=RENT):
    return rent_for_month(monthly_rent=monthly, reduction=reduction, moved_in_on=moved_in_on,
                          vacated_on=vacated_on, period=period_parse(period))  # fmt: skip


def test_a_full_month_is_the_monthly_rent():
    assert rent(D(2025, 12, 1), "2026-01") == (Decimal("750.00"), 31)
    assert rent(D(2026, 1, 1), "2026-02") == (Decimal("750.00"), 28)


def test_move_in_on_the_15th_of_a_30_day_month_pays_16_thirtieths():
    # 750 × 16 / 30 = 400.00
    assert rent(D(2026, 4, 15), "2026-04") == (Decimal("400.00"), 16)


def test_move_in_on_the_15th_of_a_31_day_month_pays_17_thirty_firsts_rounded_half_up():
    # 750 × 17 / 31 = 411.290… → 411.29
    assert rent(D(2026, 1, 15), "2026-01") == (Decimal("411.29"), 17)


def test_february_prorates_over_28_and_29_days():
    assert rent(D(2026, 2, 15), "2026-02") == (Decimal("375.00"), 14)  # 750 × 14 / 28
    assert rent(D(2028, 2, 15), "2028-02") == (Decimal("387.93"), 15)  # 750 × 15 / 29 = 387.931…


def test_vacating_inside_the_month_counts_up_to_and_including_the_vacating_day():
    assert rent(D(2025, 1, 1), "2026-04", vacated_on=D(2026, 4, 10)) == (Decimal("250.00"), 10)
    assert rent(D(2025, 1, 1), "2026-05", vacated_on=D(2026, 4, 10)) == (Decimal("0.00"), 0)


def test_reduction_is_taken_off_before_prorating_and_never_below_zero():
    assert rent(D(2026, 1, 1), "2026-01", reduction=Decimal("150.00")) == (Decimal("600.00"), 31)
    assert rent(D(2026, 4, 15), "2026-04", reduction=Decimal("150.00")) == (Decimal("320.00"), 16)
    assert rent(D(2026, 1, 1), "2026-01", reduction=Decimal("900.00"))[0] == Decimal("0.00")


def test_half_cent_rounds_up():
    # 100.01 × 15 / 30 = 50.005 → 50.01 (half-up, not banker's 50.00)
    assert rent(D(2026, 4, 16), "2026-04", monthly=Decimal("100.01")) == (Decimal("50.01"), 15)


@pytest.mark.parametrize("bad", ["2026-13", "2026/01", "26-01", "", "abcd-ef"])
def test_a_bad_period_is_refused_in_chinese(bad):
    with pytest.raises(ValidationError) as exc:
        period_parse(bad)
    assert "年-月" in str(exc.value)


def test_period_bounds():
    assert Period(2026, 2).last_day == D(2026, 2, 28) and Period(2026, 2).label == "2026-02"
