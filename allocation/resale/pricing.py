"""The formulas of 经适房回购 and 上市 (pure functions, Decimal throughout, rounded half-up once at the end).

- 5-year clock: from the purchase date, the earlier of 房屋所有权证日期 and 契税完税凭证日期 (cities' rule:
  "取得契税完税凭证或房屋所有权证之日起满5年"), ``RESALE_LOCK_YEARS`` (default 5).
- 政府回购价 = 原购房价款 × max(1 − 年折旧率 × 持有月数 ÷ 12, 最低成新率) × 申请时指数 ÷ 购房时指数.
- 土地收益等价款 = max(0, 成交参考价 − 原购房价款) × 缴纳比例.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings

CENT = Decimal("0.01")
ONE = Decimal(1)


def money(value) -> Decimal:
    """Yuan, 2 places, rounded half-up (DESIGN §4 rule 5)."""
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def lock_years() -> int:
    return int(getattr(settings, "RESALE_LOCK_YEARS", 5))


def depreciation_rate() -> Decimal:
    return Decimal(str(getattr(settings, "RESALE_DEPRECIATION_RATE", "0.02")))


def depreciation_floor() -> Decimal:
    return Decimal(str(getattr(settings, "RESALE_DEPRECIATION_FLOOR", "0.60")))


def land_revenue_share() -> Decimal:
    return Decimal(str(getattr(settings, "RESALE_LAND_REVENUE_SHARE", "0.50")))


def purchase_date(certificate_date: datetime.date, deed_tax_date: datetime.date) -> datetime.date:
    """购房取得日期: the earlier of 房屋所有权证日期 and 契税完税凭证日期."""
    return min(certificate_date, deed_tax_date)


def lock_end(purchased_on: datetime.date, years: int) -> datetime.date:
    """The first day a market resale is allowed (purchased 2021-03-01 → 2026-03-01; 02-29 → 02-28)."""
    return purchased_on + relativedelta(years=years)


def may_sell_on_market(*, purchased_on: datetime.date, on: datetime.date, years: int) -> bool:
    return on >= lock_end(purchased_on, years)


def months_held(purchased_on: datetime.date, on: datetime.date) -> int:
    """Whole months from the purchase to ``on`` (a started month is not counted)."""
    delta = relativedelta(on, purchased_on)
    return max(delta.years * 12 + delta.months, 0)


@dataclass(frozen=True)
class BuyBack:
    original_price: Decimal
    months_held: int
    rate: Decimal
    floor: Decimal
    condition_factor: Decimal  # 成新率, before rounding (shown to 4 places)
    index_at_purchase: Decimal
    index_at_request: Decimal
    price: Decimal


def buy_back_price(
    *, original_price: Decimal, months: int, rate: Decimal, floor: Decimal, index_at_purchase: Decimal,
    index_at_request: Decimal,
) -> BuyBack:  # fmt: skip
    """政府回购价: depreciation by whole months held, floored, scaled by the price index; one rounding."""
    factor = max(ONE - Decimal(rate) * Decimal(months) / Decimal(12), Decimal(floor))
    price = Decimal(original_price) * factor * Decimal(index_at_request) / Decimal(index_at_purchase)
    return BuyBack(
        original_price=Decimal(original_price), months_held=months, rate=Decimal(rate), floor=Decimal(floor),
        condition_factor=factor, index_at_purchase=Decimal(index_at_purchase),
        index_at_request=Decimal(index_at_request), price=money(price),
    )  # fmt: skip


def land_revenue(*, market_price: Decimal, original_price: Decimal, share: Decimal) -> Decimal:
    """土地收益等价款: the share of the gain over the original price; never negative."""
    gain = Decimal(market_price) - Decimal(original_price)
    return money(max(gain, Decimal(0)) * Decimal(share))
