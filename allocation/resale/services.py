"""Writes of 经适房退回与再上市 (A.8.1–A.8.2).

退回 (A.8.1): a signed 经适房 sale contract's unit goes back to the stock — 登记 (待退回) → 完成 (已退回):
the unit 已配给/已入住 → 已交付 through projects' ``take_back``, the sale contract 终止.

再上市 (A.8.2): 申请 → 政府回购 / 准予上市 / 不予 → 回购完成 (an A.8.1 row, the unit back in the stock,
the family's guarantee ended) / 上市完成 (土地收益等价款 paid, the unit leaves the guaranteed stock,
the family's guarantee ended). Before ``RESALE_LOCK_YEARS`` only 政府回购 is possible. Each state change
writes a ``ResaleEvent``; the notice PDF and the SMS follow the decision's commit.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import django_fsm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from admission.registry.models import GuaranteeStatus, RegistryEntry
from housing.accounts.scope import code_in_scope

from ..contracts.models import Contract, ContractKind, ContractState
from . import pricing
from .models import (
    RESALE_MANAGE_PERMISSION,
    PriceIndex,
    Resale,
    ResaleEvent,
    ResaleRoute,
    ResaleState,
    SaleReturn,
    SaleReturnState,
)

SOLD_UNIT_STATES = ("allocated", "occupied")  # a sold 经适房: 已配给 at signing, 已入住 if moved in
DECISIONS = ("buy_back", "approve", "refuse")


def _require(actor, region_code: str) -> None:
    if not actor.has_perm(RESALE_MANAGE_PERMISSION) or not code_in_scope(actor, region_code):
        raise PermissionDenied(_("您没有办理此业务的权限。"))


def _can(obj, name: str, actor) -> None:
    method = getattr(obj, name)
    if not django_fsm.can_proceed(method):
        raise ValidationError(_("当前为“%(s)s”，不能执行此操作。") % {"s": obj.get_state_display()})
    if not django_fsm.has_transition_perm(method, actor):
        raise PermissionDenied(_("您没有办理此业务的权限。"))


def _event(
    *, actor, from_state: str, to_state: str, opinion: str = "", resale=None, sale_return=None
) -> None:
    ResaleEvent.objects.create(
        resale=resale, sale_return=sale_return, from_state=from_state, to_state=to_state,
        opinion=(opinion or "")[:500], actor=actor,
    )  # fmt: skip


def _today() -> datetime.date:
    return timezone.localdate()


# --- reference data: the price index ----------------------------------------------------------------------


def price_index_for(*, region_code: str, on: datetime.date) -> Decimal:
    """The price index of ``on``'s month for a unit in ``region_code``: its county's figure if published,
    else its city's, else its province's; the latest month not after ``on`` (indices are published late)."""
    candidates = [region_code[:6] + "000000", region_code[:4] + "00000000", region_code[:2] + "0000000000"]
    rows = list(
        PriceIndex.objects.filter(region_code__in=candidates)
        .filter(Q(year__lt=on.year) | Q(year=on.year, month__lte=on.month))
        .values_list("region_code", "year", "month", "value")
    )
    for code in candidates:
        mine = [(year, month, value) for rc, year, month, value in rows if rc == code]
        if mine:
            return max(mine)[2]
    raise ValidationError(
        _("缺少 %(y)s年%(m)s月（或更早）的价格指数，请先在“价格指数”中录入该地区的指数。")
        % {"y": on.year, "m": on.month}
    )


# --- the sale contract -------------------------------------------------------------------------------------


def _check_sale_contract(contract: Contract, *, field: str = "contract") -> None:
    if contract.kind != ContractKind.AFFORDABLE_SALE or not contract.unit_id:
        raise ValidationError({field: _("只有经济适用住房买卖合同可以办理退回或再上市。")})
    if contract.state != ContractState.SIGNED:
        raise ValidationError(
            {field: _("购房合同当前为“%(s)s”，不能办理。") % {"s": contract.get_state_display()}}
        )
    if contract.unit.state not in SOLD_UNIT_STATES:
        raise ValidationError(
            {field: _("房源当前为“%(s)s”，不是已配售房源。") % {"s": contract.unit.get_state_display()}}
        )
    if Resale.objects.filter(contract=contract, state__in=_OPEN_RESALE).exists():
        raise ValidationError({field: _("该房源已有办理中的再上市申请。")})
    if SaleReturn.objects.filter(contract=contract, state=SaleReturnState.PENDING).exists():
        raise ValidationError({field: _("该房源已有待办理的退回。")})


_OPEN_RESALE = (ResaleState.REQUESTED, ResaleState.BUY_BACK, ResaleState.APPROVED)


def _lock_contract(contract: Contract) -> Contract:
    return Contract.objects.select_for_update(of=("self",)).select_related("unit").get(pk=contract.pk)


# --- 退回 (A.8.1) ------------------------------------------------------------------------------------------


@transaction.atomic
def sale_return_register(
    *, contract: Contract, actor, reason: str, due_on: datetime.date | None
) -> SaleReturn:
    """登记退回: a sold 经适房 to be returned (合同解除 …), with the reason and the date it is due."""
    contract = _lock_contract(contract)
    _require(actor, contract.region_code)
    _check_sale_contract(contract)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("请填写回退原因。")
    if due_on is None:
        errors["due_on"] = _("请填写应回退时间。")
    elif contract.signed_on and due_on < contract.signed_on:
        errors["due_on"] = _("应回退时间不能早于合同签署时间 %(d)s。") % {"d": contract.signed_on}
    if errors:
        raise ValidationError(errors)
    sale_return = SaleReturn(
        region_code=contract.region_code, registry_entry_id=contract.registry_entry_id, unit_id=contract.unit_id,
        contract=contract, reason=reason[:500], due_on=due_on, created_by=actor, updated_by=actor,
    )  # fmt: skip
    sale_return.full_clean()
    sale_return.save()
    _event(
        actor=actor, sale_return=sale_return, from_state="", to_state=SaleReturnState.PENDING, opinion=reason
    )
    return sale_return


def _take_back(sale_return: SaleReturn, *, actor, returned_on: datetime.date, opinion: str) -> SaleReturn:
    """退回完成 inside the caller's transaction: the unit back in the stock, the sale contract ended."""
    from projects.models import Unit
    from projects.services import unit_transition

    from ..contracts.services import contract_terminate

    before = sale_return.state
    _can(sale_return, "complete", actor)
    sale_return.complete()
    sale_return.returned_on = returned_on
    sale_return.updated_by = actor
    sale_return.save()
    contract = sale_return.contract
    unit_transition(
        unit=Unit(pk=sale_return.unit_id), transition="take_back", actor=actor,
        opinion=_("经适房退回（合同 %(n)s）：%(r)s") % {"n": contract.number, "r": sale_return.reason},
    )  # fmt: skip
    if contract.state == ContractState.SIGNED:
        contract_terminate(
            contract=contract, actor=actor, reason=sale_return.reason, terminated_on=returned_on
        )
    _event(actor=actor, sale_return=sale_return, from_state=before, to_state=sale_return.state,
           opinion=opinion or _("实回退时间 %(d)s。") % {"d": returned_on})  # fmt: skip
    return sale_return


@transaction.atomic
def sale_return_complete(
    *, sale_return: SaleReturn, actor, returned_on: datetime.date | None, opinion: str = ""
) -> SaleReturn:
    """退回完成: 实回退时间 recorded; the unit 已交付 again (allocatable), the sale contract 终止."""
    sale_return = SaleReturn.objects.select_for_update().select_related("contract").get(pk=sale_return.pk)
    _require(actor, sale_return.region_code)
    if returned_on is None:
        raise ValidationError({"returned_on": _("请填写实回退时间。")})
    if returned_on > _today():
        raise ValidationError({"returned_on": _("实回退时间不能晚于今天。")})
    if sale_return.contract.signed_on and returned_on < sale_return.contract.signed_on:
        raise ValidationError({"returned_on": _("实回退时间不能早于合同签署时间。")})
    return _take_back(sale_return, actor=actor, returned_on=returned_on, opinion=(opinion or "").strip())


# --- 再上市 (A.8.2): request -------------------------------------------------------------------------------


def _fill_buy_back(resale: Resale) -> None:
    """The buy-back price and each of its factors, from today's settings and the price index."""
    months = pricing.months_held(resale.purchased_on, resale.requested_on)
    index_then = price_index_for(region_code=resale.unit.region_code, on=resale.purchased_on)
    index_now = price_index_for(region_code=resale.unit.region_code, on=resale.requested_on)
    result = pricing.buy_back_price(
        original_price=resale.original_price, months=months, rate=pricing.depreciation_rate(),
        floor=pricing.depreciation_floor(), index_at_purchase=index_then, index_at_request=index_now,
    )  # fmt: skip
    resale.months_held = months
    resale.depreciation_rate = result.rate
    resale.depreciation_floor = result.floor
    resale.index_at_purchase = index_then
    resale.index_at_request = index_now
    resale.buy_back_price = result.price


def _fill_land_revenue(resale: Resale, market_price: Decimal) -> None:
    share = pricing.land_revenue_share()
    resale.land_revenue_share = share
    resale.market_price = pricing.money(market_price)
    resale.land_revenue = pricing.land_revenue(
        market_price=market_price, original_price=resale.original_price, share=share
    )


def _money_or_none(value, field: str, errors: dict, *, required: bool = False, label: str = ""):
    if value in (None, ""):
        if required:
            errors[field] = _("请填写%(f)s。") % {"f": label}
        return None
    value = pricing.money(value)
    if value <= 0:
        errors[field] = _("%(f)s应大于 0。") % {"f": label}
    return value


@transaction.atomic
def resale_request(
    *, contract: Contract, actor, certificate_number: str, certificate_date: datetime.date | None,
    deed_tax_date: datetime.date | None, requested_on: datetime.date | None, route: str,
    asking_price: Decimal | None = None, guide_price: Decimal | None = None,
) -> Resale:  # fmt: skip
    """再上市申请: the 5-year clock decides what may be asked; the amounts are computed and kept.

    满5年 (by ``RESALE_LOCK_YEARS``) counts from the earlier of 房屋所有权证日期 and 契税完税凭证日期; before,
    a 上市交易 request is refused and only 政府回购 can be asked for.
    """
    from housing.documents.services import document_number_next

    contract = _lock_contract(contract)
    _require(actor, contract.region_code)
    _check_sale_contract(contract)
    errors: dict = {}
    today = _today()
    certificate_number = (certificate_number or "").strip()
    if not certificate_number:
        errors["certificate_number"] = _("请填写产权证号。")
    for field, day, label in (
        ("certificate_date", certificate_date, _("房屋所有权证日期")),
        ("deed_tax_date", deed_tax_date, _("契税完税凭证日期")),
        ("requested_on", requested_on, _("再上市申请时间")),
    ):
        if day is None:
            errors[field] = _("请填写%(f)s。") % {"f": label}
        elif day > today:
            errors[field] = _("%(f)s不能晚于今天。") % {"f": label}
    if route not in ResaleRoute.values:
        errors["route"] = _("请选择申请处置方式。")
    asking_price = _money_or_none(asking_price, "asking_price", errors, label=_("预售价格"))
    guide_price = _money_or_none(
        guide_price, "guide_price", errors, required=route == ResaleRoute.MARKET, label=_("指导价格")
    )
    if errors:
        raise ValidationError(errors)
    purchased_on = pricing.purchase_date(certificate_date, deed_tax_date)
    if requested_on < purchased_on:
        raise ValidationError(
            {"requested_on": _("再上市申请时间不能早于购房取得日期 %(d)s。") % {"d": purchased_on}}
        )
    years = pricing.lock_years()
    lock_ends_on = pricing.lock_end(purchased_on, years)
    if route == ResaleRoute.MARKET and requested_on < lock_ends_on:
        # 经适房购房满5年方可上市交易；未满5年的，只能由政府按原价格并考虑折旧和物价水平等因素回购。
        raise ValidationError(
            {"route": _("购房取得日期为 %(p)s，满%(y)s年（%(e)s）前不能上市交易，只能申请政府回购。")
             % {"p": purchased_on, "y": years, "e": lock_ends_on}}
        )  # fmt: skip
    if contract.price is None:
        raise ValidationError({"contract": _("购房合同没有房屋价款，不能计算。")})
    resale = Resale(
        number=document_number_next(prefix="ZS", year=requested_on.year),
        region_code=contract.region_code,
        registry_entry_id=contract.registry_entry_id,
        unit=contract.unit,
        contract=contract,
        certificate_number=certificate_number[:60],
        certificate_date=certificate_date,
        deed_tax_date=deed_tax_date,
        requested_on=requested_on,
        asking_price=asking_price,
        guide_price=guide_price,
        route=route,
        original_price=contract.price,
        purchased_on=purchased_on,
        lock_years=years,
        lock_ends_on=lock_ends_on,
        created_by=actor,
        updated_by=actor,
    )
    if route == ResaleRoute.BUY_BACK:
        _fill_buy_back(resale)
    else:
        _fill_land_revenue(resale, guide_price)
    resale.full_clean()
    try:
        with transaction.atomic():
            resale.save()
    except IntegrityError:  # a request for the same contract committed a moment ago
        raise ValidationError({"contract": _("该房源已有办理中的再上市申请。")}) from None
    _event(actor=actor, resale=resale, from_state="", to_state=resale.state,
           opinion=_("申请%(r)s。") % {"r": resale.get_route_display()})  # fmt: skip
    return resale


# --- 再上市: decision --------------------------------------------------------------------------------------


def _lock_resale(resale: Resale) -> Resale:
    return (
        Resale.objects.select_for_update(of=("self",))
        .select_related("unit", "contract", "registry_entry")
        .get(pk=resale.pk)
    )


@transaction.atomic
def resale_decide(*, resale: Resale, actor, decision: str, opinion: str = "") -> Resale:
    """审批: 政府回购 (a 上市交易 request: the government exercises its first right to buy, 是否优先回购),
    准予上市 (only a 上市交易 request past the lock; the land revenue is due) or 不予 (with the reason)."""
    resale = _lock_resale(resale)
    _require(actor, resale.region_code)
    opinion = (opinion or "").strip()
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("请选择审批结论。")})
    if decision == "refuse" and not opinion:
        raise ValidationError({"opinion": _("不予办理时请填写理由。")})
    if decision == "approve":
        if resale.route != ResaleRoute.MARKET:
            raise ValidationError({"decision": _("该申请为政府回购，不能准予上市交易。")})
        if resale.requested_on < resale.lock_ends_on:
            raise ValidationError(
                {"decision": _("未满%(y)s年，不能准予上市交易。") % {"y": resale.lock_years}}
            )
    before = resale.state
    name = {"buy_back": "decide_buy_back", "approve": "approve", "refuse": "refuse"}[decision]
    _can(resale, name, actor)
    if decision == "buy_back":
        if resale.buy_back_price is None:
            _fill_buy_back(resale)
        # 优先回购: a market request the government takes over (before 5 years there is no choice to make)
        resale.is_preemption = resale.route == ResaleRoute.MARKET
    getattr(resale, name)()
    resale.decision_opinion = opinion[:500]
    resale.decided_by = actor
    resale.decided_at = timezone.now()
    resale.updated_by = actor
    resale.full_clean()
    resale.save()
    _event(actor=actor, resale=resale, from_state=before, to_state=resale.state, opinion=opinion)
    if decision != "refuse":
        resale_id, actor_id = resale.pk, actor.pk
        transaction.on_commit(lambda: _queue_notice(resale_id, actor_id))
    return resale


def _queue_notice(resale_id: int, actor_id: int | None) -> None:
    from .tasks import issue_resale_notice

    issue_resale_notice.delay(resale_id, actor_id)


# --- 再上市: completion ------------------------------------------------------------------------------------


def _end_guarantee(entry_id: int, *, actor, reason: str) -> None:
    from admission.registry.services import registry_entry_exit

    entry = RegistryEntry.objects.get(pk=entry_id)
    if entry.status == GuaranteeStatus.GUARANTEED:
        registry_entry_exit(entry=entry, actor=actor, reason=reason)


@transaction.atomic
def resale_complete(
    *, resale: Resale, actor, completed_on: datetime.date | None, contract_amount: Decimal | None = None,
    opinion: str = "",
) -> Resale:  # fmt: skip
    """办结. 回购完成: an A.8.1 row (回退原因 政府回购) completed at once — the unit back in the stock, the
    sale contract ended — and the family's guarantee ended. 上市完成: 签约金额 recorded, 土地收益等价款
    recomputed on the higher of 签约金额 and 指导价格 and recorded as paid, the unit leaves the guaranteed
    stock, the contract and the family's guarantee end."""
    from projects.models import Unit
    from projects.services import unit_transition

    from ..contracts.services import contract_terminate

    resale = _lock_resale(resale)
    _require(actor, resale.region_code)
    opinion = (opinion or "").strip()
    errors: dict = {}
    if completed_on is None:
        errors["completed_on"] = _("请填写办结日期。")
    elif completed_on > _today():
        errors["completed_on"] = _("办结日期不能晚于今天。")
    elif completed_on < resale.requested_on:
        errors["completed_on"] = _("办结日期不能早于申请时间 %(d)s。") % {"d": resale.requested_on}
    if resale.state == ResaleState.APPROVED:
        contract_amount = _money_or_none(contract_amount, "contract_amount", errors, required=True,
                                         label=_("签约金额"))  # fmt: skip
    if errors:
        raise ValidationError(errors)
    before = resale.state
    if resale.state == ResaleState.BUY_BACK:
        _can(resale, "complete_buy_back", actor)
        sale_return = SaleReturn(
            region_code=resale.region_code, registry_entry_id=resale.registry_entry_id, unit_id=resale.unit_id,
            contract=resale.contract, reason=_("政府回购（再上市申请 %(n)s）") % {"n": resale.number},
            due_on=completed_on, created_by=actor, updated_by=actor,
        )  # fmt: skip
        sale_return.full_clean()
        sale_return.save()
        _event(actor=actor, sale_return=sale_return, from_state="", to_state=sale_return.state,
               opinion=sale_return.reason)  # fmt: skip
        _take_back(sale_return, actor=actor, returned_on=completed_on,
                   opinion=_("回购价格 %(p)s 元。") % {"p": resale.buy_back_price})  # fmt: skip
        resale.complete_buy_back()
        resale.sale_return = sale_return
        _end_guarantee(resale.registry_entry_id, actor=actor, reason=_("经济适用住房由政府回购"))
    else:
        _can(resale, "complete_sale", actor)
        _fill_land_revenue(resale, max(contract_amount, resale.guide_price or Decimal(0)))
        resale.contract_amount = contract_amount
        resale.land_revenue_paid_on = completed_on
        unit_transition(
            unit=Unit(pk=resale.unit_id), transition="sell_off", actor=actor,
            opinion=_("经适房上市交易（%(n)s），签约金额 %(a)s 元。") % {"n": resale.number, "a": contract_amount},
        )  # fmt: skip
        if resale.contract.state == ContractState.SIGNED:
            contract_terminate(contract=resale.contract, actor=actor, reason=_("经济适用住房上市交易"),
                               terminated_on=completed_on)  # fmt: skip
        resale.complete_sale()
        _end_guarantee(resale.registry_entry_id, actor=actor, reason=_("经济适用住房上市交易"))
    resale.completed_on = completed_on
    resale.updated_by = actor
    resale.full_clean()
    resale.save()
    if resale.state == ResaleState.SOLD:
        opinion = opinion or _("土地收益等价款 %(a)s 元已缴纳。") % {"a": resale.land_revenue}
    _event(actor=actor, resale=resale, from_state=before, to_state=resale.state, opinion=opinion)
    return resale


@transaction.atomic
def resale_mark_printed(*, resale: Resale, actor) -> None:
    """是否打印单据: the notice was printed and handed over."""
    _require(actor, resale.region_code)
    Resale.objects.filter(pk=resale.pk).update(is_printed=True, updated_by=actor, updated_at=timezone.now())
