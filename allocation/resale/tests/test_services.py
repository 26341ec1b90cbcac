"""经适房退回与再上市: the 5-year clock, buy-back and land revenue through the services, the unit back in
the stock or out of it, the family's guarantee, event rows, bad input changing nothing, the notice PDF."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from admission.registry.models import GuaranteeStatus, RegistryEntry
from admission.tests.registry.conftest import pdf_text
from allocation.contracts.models import Contract, ContractState
from allocation.resale.models import Resale, ResaleEvent, ResaleState, SaleReturn, SaleReturnState
from allocation.resale.services import (
    resale_complete,
    resale_decide,
    resale_request,
    sale_return_complete,
    sale_return_register,
)
from housing.archive.services import document_open_verified
from housing.notify.models import Message
from projects.models import Unit, UnitState

D = datetime.date


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)  # protected FSM fields refuse refresh_from_db


def ask(contract, actor, *, bought, requested, route="buy_back", certificate=None, guide=None, asking=None):
    return resale_request(
        contract=contract, actor=actor, certificate_number="粤(2021)珠海市不动产权第0000001号",
        certificate_date=certificate or bought, deed_tax_date=bought, requested_on=requested, route=route,
        guide_price=guide, asking_price=asking,
    )  # fmt: skip


def test_market_resale_the_day_before_five_years_is_refused_and_only_buy_back_is_possible(
    sold, officer, indices
):
    contract = sold()
    # the deed tax (2021-11-20) is earlier than the certificate (2022-01-05): the clock starts on it
    with pytest.raises(ValidationError) as error:
        ask(contract, officer, bought=D(2021, 11, 20), certificate=D(2022, 1, 5), requested=D(2026, 11, 19),
            route="market", guide=Decimal("900000"))  # fmt: skip
    assert "满5年（2026-11-20）前不能上市交易，只能申请政府回购" in str(error.value.message_dict["route"])
    assert not Resale.objects.exists() and not ResaleEvent.objects.exists()
    resale = ask(
        contract, officer, bought=D(2021, 11, 20), certificate=D(2022, 1, 5), requested=D(2026, 11, 19)
    )
    assert resale.state == ResaleState.REQUESTED and resale.purchased_on == D(2021, 11, 20)
    with pytest.raises(ValidationError) as error:
        resale_decide(resale=resale, actor=officer, decision="approve")
    assert "不能准予上市交易" in str(error.value)
    assert fresh(resale).state == ResaleState.REQUESTED


def test_market_resale_is_allowed_on_the_fifth_anniversary(sold, officer, indices):
    resale = ask(sold(), officer, bought=D(2021, 11, 20), certificate=D(2022, 1, 5), requested=D(2026, 11, 20),
                 route="market", guide=Decimal("900000"))  # fmt: skip
    assert resale.lock_ends_on == D(2026, 11, 20) and resale.route == "market"


def test_buy_back_price_follows_depreciation_and_the_price_index_to_the_cent(
    sold, officer, indices, settings
):
    settings.RESALE_DEPRECIATION_RATE = "0.02"
    settings.RESALE_DEPRECIATION_FLOOR = "0.60"
    # held 2022-08-10 → 2025-12-10: 40 months; index 100 (2021-01, latest by 2022-08) → 103.7 (2024-06)
    resale = ask(sold(), officer, bought=D(2022, 8, 10), requested=D(2025, 12, 10))
    assert resale.months_held == 40
    assert (resale.index_at_purchase, resale.index_at_request) == (Decimal("100.0000"), Decimal("103.7000"))
    # 588000.00 × (1 − 0.02 × 40 ÷ 12) × 103.7 ÷ 100 = 548800 × 1.037
    assert resale.buy_back_price == Decimal("569105.60") and isinstance(resale.buy_back_price, Decimal)
    assert resale.land_revenue is None


def test_land_revenue_after_five_years_is_the_share_of_the_difference_to_the_cent(
    sold, officer, indices, settings, django_capture_on_commit_callbacks
):
    settings.RESALE_LAND_REVENUE_SHARE = "0.35"
    contract = sold()
    resale = ask(contract, officer, bought=D(2019, 6, 1), requested=D(2026, 11, 2), route="market",
                 guide=Decimal("900000.03"))  # fmt: skip
    # (900000.03 − 588000.00) × 0.35 = 109200.0105 → 109200.01
    assert resale.land_revenue == Decimal("109200.01") and resale.land_revenue_share == Decimal("0.35")
    with django_capture_on_commit_callbacks(execute=True):
        resale_decide(resale=resale, actor=officer, decision="approve", opinion="放弃优先回购")
    resale = fresh(resale)
    assert resale.state == ResaleState.APPROVED and not resale.is_preemption
    resale = resale_complete(resale=resale, actor=officer, completed_on=D(2026, 11, 30),
                             contract_amount=Decimal("950000.00"))  # fmt: skip
    # recomputed on the higher of 签约金额 and 指导价格: (950000.00 − 588000.00) × 0.35 = 126700.00
    assert resale.land_revenue == Decimal("126700.00") and resale.market_price == Decimal("950000.00")
    assert resale.state == ResaleState.SOLD and resale.land_revenue_paid_on == D(2026, 11, 30)
    assert fresh(contract.unit).state == UnitState.CANCELLED
    assert fresh(contract).state == ContractState.TERMINATED
    assert RegistryEntry.objects.get(pk=contract.registry_entry_id).status == GuaranteeStatus.EXITED
    steps = list(resale.events.values_list("from_state", "to_state"))
    assert steps == [("", "requested"), ("requested", "approved"), ("approved", "sold")]
    assert all(e.actor_id == officer.pk for e in resale.events.all())


def test_a_market_price_below_the_original_price_gives_no_land_revenue(sold, officer, indices):
    resale = ask(sold(), officer, bought=D(2019, 6, 1), requested=D(2026, 11, 2), route="market",
                 guide=Decimal("500000.00"))  # fmt: skip
    assert resale.land_revenue == Decimal("0.00")


def test_first_right_exercised_buys_the_unit_back_into_the_stock(sold, officer, indices):
    contract = sold()
    resale = ask(contract, officer, bought=D(2019, 6, 1), requested=D(2026, 11, 2), route="market",
                 guide=Decimal("900000"))  # fmt: skip
    resale = resale_decide(resale=resale, actor=officer, decision="buy_back", opinion="政府行使优先回购权")
    assert resale.state == ResaleState.BUY_BACK and resale.is_preemption
    # 89 whole months: 1 − 0.02 × 89 ÷ 12 = 0.851666…; index 100 → 103.7: 588000 × 0.851666… × 1.037
    assert resale.months_held == 89 and resale.buy_back_price == Decimal("519308.86")
    resale = resale_complete(resale=resale, actor=officer, completed_on=D(2026, 11, 30))
    assert resale.state == ResaleState.BOUGHT_BACK
    sale_return = resale.sale_return
    assert sale_return.state == SaleReturnState.RETURNED and sale_return.returned_on == D(2026, 11, 30)
    assert "政府回购" in sale_return.reason
    assert fresh(contract.unit).state == UnitState.DELIVERED  # allocatable again
    assert fresh(contract).state == ContractState.TERMINATED
    assert RegistryEntry.objects.get(pk=contract.registry_entry_id).status == GuaranteeStatus.EXITED
    assert list(sale_return.events.values_list("from_state", "to_state")) == [
        ("", "pending"),
        ("pending", "returned"),
    ]


def test_a_return_puts_the_sold_unit_back_in_the_stock_and_ends_the_contract(sold, officer):
    contract = sold()
    with pytest.raises(ValidationError) as error:
        sale_return_register(contract=contract, actor=officer, reason="  ", due_on=D(2025, 12, 1))
    errors = error.value.message_dict
    assert "请填写回退原因" in str(errors["reason"]) and "不能早于合同签署时间" in str(errors["due_on"])
    assert not SaleReturn.objects.exists()
    sale_return = sale_return_register(
        contract=contract, actor=officer, reason="购房合同解除", due_on=D(2026, 3, 1)
    )
    assert fresh(contract.unit).state == UnitState.ALLOCATED  # nothing moves until it is actually returned
    with pytest.raises(ValidationError) as error:
        sale_return_register(contract=contract, actor=officer, reason="重复登记", due_on=D(2026, 3, 1))
    assert "已有待办理的退回" in str(error.value)
    sale_return = sale_return_complete(sale_return=sale_return, actor=officer, returned_on=D(2026, 3, 5))
    assert sale_return.state == SaleReturnState.RETURNED and sale_return.returned_on == D(2026, 3, 5)
    unit = Unit.objects.get(pk=contract.unit_id)
    assert unit.state == UnitState.DELIVERED and unit.is_allocatable
    contract = Contract.objects.get(pk=contract.pk)
    assert contract.state == ContractState.TERMINATED and contract.termination_reason == "购房合同解除"


def test_bad_request_input_gets_chinese_messages_and_changes_nothing(sold, officer, indices):
    contract = sold()
    with pytest.raises(ValidationError) as error:
        resale_request(contract=contract, actor=officer, certificate_number="", certificate_date=None,
                       deed_tax_date=D(2030, 1, 1), requested_on=D(2026, 11, 1), route="market",
                       guide_price=None)  # fmt: skip
    errors = error.value.message_dict
    assert "请填写产权证号" in errors["certificate_number"][0]
    assert "请填写房屋所有权证日期" in errors["certificate_date"][0]
    assert "契税完税凭证日期不能晚于今天" in errors["deed_tax_date"][0]
    assert "请填写指导价格" in errors["guide_price"][0]
    assert not Resale.objects.exists() and fresh(contract.unit).state == UnitState.ALLOCATED


def test_without_a_price_index_the_buy_back_is_refused_with_a_message(sold, officer):
    with pytest.raises(ValidationError) as error:
        ask(sold(), officer, bought=D(2022, 8, 10), requested=D(2025, 12, 10))
    assert "价格指数" in str(error.value) and not Resale.objects.exists()


def test_the_buy_back_notice_pdf_shows_the_figures_in_chinese_and_the_family_gets_an_sms(
    sold, officer, indices, django_capture_on_commit_callbacks
):
    contract = sold()
    resale = ask(contract, officer, bought=D(2022, 8, 10), requested=D(2025, 12, 10))
    with django_capture_on_commit_callbacks(execute=True):
        resale_decide(resale=resale, actor=officer, decision="buy_back", opinion="未满5年")
    resale = fresh(resale)
    assert resale.pdf_error == "" and resale.notice_document is not None
    with document_open_verified(actor=officer, document=resale.notice_document) as handle:
        text = pdf_text(handle.read())
    assert "经济适用住房回购通知书" in text and resale.number in text
    assert "569105.60" in text and "伍拾陆万玖仟壹佰零伍元陆角" in text
    assert "1−0.0200×40÷12=0.9333" in text and "103.7000" in text
    sms = Message.objects.get(template_code="allocation.resale_decided", channel="sms")
    assert resale.number in sms.body and "569105.60" in sms.body
