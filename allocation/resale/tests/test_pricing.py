"""The formulas alone: the 5-year boundary, the buy-back price and the land revenue, to the cent."""

from __future__ import annotations

import datetime
from decimal import Decimal

from allocation.resale import pricing

D = datetime.date


def test_five_years_are_reached_on_the_anniversary_not_the_day_before():
    bought = D(2021, 3, 15)
    assert not pricing.may_sell_on_market(purchased_on=bought, on=D(2026, 3, 14), years=5)
    assert pricing.may_sell_on_market(purchased_on=bought, on=D(2026, 3, 15), years=5)
    # bought on 29 February: the anniversary in a common year is 28 February
    assert pricing.lock_end(D(2020, 2, 29), 5) == D(2025, 2, 28)


def test_the_purchase_date_is_the_earlier_of_certificate_and_deed_tax():
    assert pricing.purchase_date(D(2021, 5, 1), D(2021, 4, 20)) == D(2021, 4, 20)
    assert pricing.purchase_date(D(2021, 4, 1), D(2021, 4, 20)) == D(2021, 4, 1)


def test_months_held_count_only_whole_months():
    assert pricing.months_held(D(2022, 8, 10), D(2025, 12, 9)) == 39
    assert pricing.months_held(D(2022, 8, 10), D(2025, 12, 10)) == 40


def test_buy_back_price_depreciates_by_months_and_follows_the_index_to_the_cent():
    # 588000 × (1 − 0.02 × 40/12) × 103.7/100 = 588000 × 0.9333… × 1.037 = 548800 × 1.037 = 569105.60
    result = pricing.buy_back_price(original_price=Decimal("588000.00"), months=40, rate=Decimal("0.02"),
                                    floor=Decimal("0.60"), index_at_purchase=Decimal("100"),
                                    index_at_request=Decimal("103.7"))  # fmt: skip
    assert result.price == Decimal("569105.60")
    # one rounding at the end: 100000 × (1 − 0.02 × 7/12) × 101.3/99.7 = 100419.4249… (a factor rounded
    # first to 0.9883 would give 100416.04)
    odd = pricing.buy_back_price(original_price=Decimal("100000"), months=7, rate=Decimal("0.02"),
                                 floor=Decimal("0.6"), index_at_purchase=Decimal("99.7"),
                                 index_at_request=Decimal("101.3"))  # fmt: skip
    assert odd.price == Decimal("100419.42")


def test_buy_back_condition_never_falls_below_the_floor():
    # 30 years at 2 %: 1 − 0.6 = 0.4 < floor 0.6 → 0.6; 300000 × 0.6 × 1 = 180000.00
    result = pricing.buy_back_price(original_price=Decimal("300000"), months=360, rate=Decimal("0.02"),
                                    floor=Decimal("0.6"), index_at_purchase=Decimal("100"),
                                    index_at_request=Decimal("100"))  # fmt: skip
    assert result.condition_factor == Decimal("0.6") and result.price == Decimal("180000.00")


def test_land_revenue_is_the_share_of_the_gain_and_never_negative():
    # (1000000.01 − 588000.00) × 0.5 = 206000.005 → 206000.01 (half-up)
    assert pricing.land_revenue(market_price=Decimal("1000000.01"), original_price=Decimal("588000"),
                                share=Decimal("0.5")) == Decimal("206000.01")  # fmt: skip
    assert pricing.land_revenue(market_price=Decimal("500000"), original_price=Decimal("588000"),
                                share=Decimal("0.5")) == Decimal("0.00")  # fmt: skip
