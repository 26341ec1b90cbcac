"""Browser journey of 经适房退回与再上市 (issue 8, part 7): the city centre's officer receives resale requests on
the real pages. A family that bought three years and eight months ago asks to sell on the market and is
refused beside the field (what was typed stays); it may only ask for 政府回购, whose price follows the
formula (depreciation by whole months, the price index) to the cent, and the unit comes back into the
stock. A family past five years is allowed to sell: the 土地收益等价款 is a share of the difference to the
guide price, recomputed on the signed price at completion. Another is bought by the government under its
first right to buy (优先回购). A sold unit is returned to the stock through 房源退回.

The clock is moved with time-machine (ticking) to 7 December 2026. Sale contracts are drafted and signed
through the contract services; the price index is the unit tests' (100 from 2021-01, 103.7 from 2024-06)."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from playwright.sync_api import expect

from admission.registry.models import GuaranteeStatus, RegistryEntry
from allocation.contracts.models import Contract, ContractState
from allocation.contracts.tests.conftest import _rules, family, reviewers, units  # noqa: F401
from allocation.resale.models import Resale, ResaleState
from allocation.resale.tests.conftest import indices, officer, sold  # noqa: F401
from projects.models import Unit, UnitState
from tests.browser.conftest import office_login, save_shot, travel_to

TODAY = datetime.date(2026, 12, 7)
PRICE = Decimal("588000.00")  # 60 m² × 9800 元
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    save_shot(page, f"resale-{name}")


@pytest.fixture
def sold_in(sold):  # noqa: F811
    """sold_in(name, signed_on) -> the unit tests' 经适房 sale contract (588000.00 元), the family 保障中."""

    def make(name: str, signed_on: datetime.date) -> Contract:
        contract = sold(name=name, signed_on=signed_on)
        RegistryEntry.objects.filter(pk=contract.registry_entry_id).update(status=GuaranteeStatus.GUARANTEED)
        return contract

    return make


def _request(page, base: str, contract: Contract, *, certificate: str, deed_tax: str, route: str, guide=""):
    page.goto(f"{base}/office/allocation/resales/new/")
    page.get_by_label("购房合同编号").fill(contract.number)
    page.get_by_label("产权证号").fill(f"粤(2020)珠海市不动产权第{contract.pk:07d}号")
    page.get_by_label("房屋所有权证日期").fill(certificate)
    page.get_by_label("契税完税凭证日期").fill(deed_tax)
    page.get_by_label("再上市申请时间").fill(TODAY.isoformat())
    page.get_by_label("申请处置方式").select_option(label=route)
    if guide:
        page.get_by_label("指导价格").fill(guide)
    page.locator("main form").get_by_role("button", name="受理").click()


def _decide(page, decision: str, opinion: str = "") -> None:
    page.get_by_label("审批结论").select_option(label=decision)
    if opinion:
        page.get_by_label("审批意见").fill(opinion)
    page.get_by_role("button", name="提交审批").click()
    expect(page.get_by_role("alert").first).to_contain_text("审批结论已保存")


def _complete(page, amount: str = "") -> None:
    page.get_by_label("办结日期").fill(TODAY.isoformat())
    if amount:
        page.get_by_label("签约金额").fill(amount)
    page.get_by_role("button", name="办结").click()
    expect(page.get_by_role("alert").first).to_contain_text("已办结")


def test_resale_before_five_years_is_buy_back_only_after_five_years_pays_land_revenue_and_a_return(
    page,
    live_server,
    sold_in,
    indices,  # noqa: F811
    city_admin,
):
    base = live_server.url
    with travel_to(TODAY.isoformat()):
        young = sold_in("吴未满", datetime.date(2023, 3, 1))
        old = sold_in("郑满五", datetime.date(2020, 5, 1))
        taken = sold_in("钱优先", datetime.date(2020, 5, 1))
        returned = sold_in("孙退回", datetime.date(2024, 9, 1))
        office_login(page, base, city_admin)

        # --- 1. Bought 2023-03-10 (the deed tax, earlier than the certificate): no market sale yet --------
        _request(page, base, young, certificate="2023-03-15", deed_tax="2023-03-10", route="上市交易",
                 guide="900000")  # fmt: skip
        expect(page.locator("main")).to_contain_text(
            "购房取得日期为 2023-03-10，满5年（2028-03-10）前不能上市交易，只能申请政府回购。"
        )
        expect(page.get_by_label("契税完税凭证日期")).to_have_value("2023-03-10")  # nothing typed is lost
        assert not Resale.objects.exists()
        _shot(page, "01_market_refused")
        page.get_by_label("申请处置方式").select_option(label="政府回购")
        page.locator("main form").get_by_role("button", name="受理").click()
        expect(page.get_by_role("alert").first).to_contain_text("已受理再上市申请")
        # 44 whole months held; 成新率 1 − 0.02 × 44 ÷ 12; index 100 at purchase, 103.7 now
        factor = Decimal(1) - Decimal("0.02") * 44 / 12
        expected = (PRICE * factor * Decimal("103.7000") / Decimal("100.0000")).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )
        expect(page.get_by_test_id("purchased-on")).to_contain_text("2023-03-10")
        expect(page.get_by_test_id("buy-back-breakdown")).to_contain_text("44（3年8个月）")
        expect(page.get_by_test_id("buy-back-price")).to_have_text(f"{expected} 元")
        assert expected == Decimal("565040.56")
        _shot(page, "02_buy_back_price")
        # only 政府回购 or 不予 can be decided on it
        options = page.get_by_label("审批结论").locator("option").all_inner_texts()
        assert options == ["政府回购", "不予"]
        _decide(page, "政府回购")
        page.reload()
        expect(page.get_by_role("link", name="经济适用住房回购通知书", exact=False)).to_be_visible()
        _complete(page)
        expect(page.get_by_test_id("state")).to_have_text("回购完成")
        _shot(page, "03_bought_back")
        assert Unit.objects.get(pk=young.unit_id).state == UnitState.DELIVERED  # back in the stock
        assert Contract.objects.get(pk=young.pk).state == ContractState.TERMINATED
        assert RegistryEntry.objects.get(pk=young.registry_entry_id).status == GuaranteeStatus.EXITED

        # --- 2. Bought 2020-05-20: a market sale with the land revenue on the difference -----------------
        _request(page, base, old, certificate="2020-06-01", deed_tax="2020-05-20", route="上市交易",
                 guide="900000.00")  # fmt: skip
        expect(page.get_by_role("alert").first).to_contain_text("已受理再上市申请")
        # (900000.00 − 588000.00) × 0.50
        expect(page.get_by_test_id("land-revenue")).to_have_text("156000.00 元")
        _shot(page, "04_land_revenue")
        _decide(page, "准予上市（放弃优先回购）")
        page.get_by_label("签约金额").fill("")
        page.get_by_label("办结日期").fill(TODAY.isoformat())
        page.get_by_role("button", name="办结").click()
        expect(page.locator("main")).to_contain_text("请填写签约金额。")
        _complete(page, amount="950000.00")
        expect(page.get_by_test_id("state")).to_have_text("上市完成")
        # recomputed on the higher of the signed price and the guide price: (950000.00 − 588000.00) × 0.50
        expect(page.get_by_test_id("land-revenue")).to_contain_text("181000.00 元")
        _shot(page, "05_sold")
        resale = Resale.objects.get(contract=old)
        assert resale.land_revenue == (Decimal("950000.00") - PRICE) * Decimal("0.50")
        assert resale.state == ResaleState.SOLD and not resale.is_preemption

        # --- 3. Past five years, but the government uses its first right to buy ------------------------
        _request(page, base, taken, certificate="2020-06-01", deed_tax="2020-05-20", route="上市交易",
                 guide="900000.00")  # fmt: skip
        _decide(page, "政府优先回购", "片区保障房源紧缺，政府行使优先回购权")
        expect(page.locator("main")).to_contain_text("政府优先回购")
        expect(page.get_by_test_id("buy-back-breakdown")).to_be_visible()
        _shot(page, "06_preemption")
        assert Resale.objects.get(contract=taken).is_preemption

        # --- 4. A sold unit returned to the stock (A.8.1) -----------------------------------------------
        page.goto(f"{base}/office/allocation/resales/returns/new/")
        page.get_by_label("购房合同编号").fill(returned.number)
        page.get_by_label("回退原因").fill("购房人申请解除买卖合同")
        page.get_by_label("应回退时间").fill("2026-12-31")
        page.locator("main form").get_by_role("button", name="登记").click()
        expect(page.get_by_role("alert").first).to_contain_text("已登记退回")
        page.get_by_label("实回退时间").fill(TODAY.isoformat())
        page.locator("main form").get_by_role("button", name="办结").click()
        expect(page.get_by_role("alert").first).to_contain_text("房源回到房源库（已交付），购房合同已终止")
        _shot(page, "07_returned")
        assert Unit.objects.get(pk=returned.unit_id).state == UnitState.DELIVERED
        assert Contract.objects.get(pk=returned.pk).state == ContractState.TERMINATED
