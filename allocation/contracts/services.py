"""Writes of contracts (A.7.3): draft with the rules engine's amounts, sign (number, unit 已配给, family 保障中),
renew, terminate. Each state change is one FSM transition recorded in process ``allocation_contract``;
the PDF is rendered and archived after commit (``documents.contract_pdf_issue``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import django_fsm
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from admission.registry.models import GuaranteeStatus, RegistryEntry
from housing.accounts.identity import mask_id_number, normalise_id_number
from housing.accounts.scope import code_in_scope
from housing.workflow.services import workflow_record_transition
from projects.models import GuaranteeMode, Unit, UnitState
from rules.models.reference import ModeKind

from .models import (
    CONTRACT_MANAGE_PERMISSION,
    Contract,
    ContractKind,
    ContractState,
    PaymentCycle,
    SubsidyPaymentMethod,
    mask_account,
)
from .reservations import reserved_unit_ids
from .workflow import CONTRACT_PROCESS_CODE, ensure_contract_process

CENT = Decimal("0.01")
DEFAULT_TERM_MONTHS = 36


@dataclass(frozen=True)
class KindSpec:
    entry_modes: tuple[str, ...]  # the registry entry's 保障方式类别 that may sign this kind
    unit_modes: tuple[str, ...]  # the unit's 保障方式 that fits; empty: no unit (租赁补贴)
    prefix: str  # contract number series, e.g. GZ-2026-000001
    template_code: str  # housing.documents template


KIND_SPECS: dict[str, KindSpec] = {
    ContractKind.PUBLIC_RENTAL: KindSpec(
        (ModeKind.RENTAL_IN_KIND,), (GuaranteeMode.PUBLIC_RENTAL,), "GZ", "allocation_contract_public_rental"
    ),
    # 廉租住房并入公共租赁住房运行（并轨）: a 廉租 family may rent a 公租房 unit at the 廉租 rent.
    ContractKind.LOW_RENT: KindSpec(
        (ModeKind.RENTAL_IN_KIND,),
        (GuaranteeMode.LOW_RENT, GuaranteeMode.PUBLIC_RENTAL),
        "LZ",
        "allocation_contract_low_rent",
    ),
    ContractKind.AFFORDABLE_SALE: KindSpec(
        (ModeKind.SALE_IN_KIND,), (GuaranteeMode.AFFORDABLE,), "JS", "allocation_contract_affordable_sale"
    ),
    ContractKind.SHARED_OWNERSHIP_SALE: KindSpec(
        (ModeKind.SALE_IN_KIND,),
        (GuaranteeMode.SHARED_OWNERSHIP,),
        "GY",
        "allocation_contract_shared_ownership_sale",
    ),
    ContractKind.RENT_SUBSIDY: KindSpec(
        (ModeKind.RENT_SUBSIDY,), (), "BT", "allocation_contract_rent_subsidy"
    ),
}

# Which kind a registry entry signs by default (the draft form proposes it).
PROJECT_KIND = {"gongzu": ContractKind.PUBLIC_RENTAL, "lianzu": ContractKind.LOW_RENT}


def default_kind_for(entry: RegistryEntry) -> str:
    if entry.mode_kind == ModeKind.RENT_SUBSIDY:
        return ContractKind.RENT_SUBSIDY
    if entry.mode_kind == ModeKind.SALE_IN_KIND:
        return ContractKind.AFFORDABLE_SALE
    return PROJECT_KIND.get(entry.project_code, ContractKind.PUBLIC_RENTAL)


def kinds_for(entry: RegistryEntry) -> list[str]:
    return [kind for kind, spec in KIND_SPECS.items() if entry.mode_kind in spec.entry_modes]


def _money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def _require(actor, region_code: str) -> None:
    if not actor.has_perm(CONTRACT_MANAGE_PERMISSION) or not code_in_scope(actor, region_code):
        raise PermissionDenied(_("您没有办理此合同的权限。"))


def _record(contract: Contract, *, actor, name: str, from_state: str, opinion: str) -> None:
    ensure_contract_process()
    workflow_record_transition(
        obj=contract,
        actor=actor,
        transition=name,
        from_state=from_state,
        to_state=contract.state,
        opinion=opinion,
        process_code=CONTRACT_PROCESS_CODE,
        next_node_code=contract.state,
    )


def contract_expiry(starts_on: datetime.date, term_months: int) -> datetime.date:
    """合同失效时间: the last day of the term (a 3-year lease from 2026-01-01 ends 2028-12-31)."""
    return starts_on + relativedelta(months=term_months) - datetime.timedelta(days=1)


def unit_holder(unit: Unit, *, exclude: tuple[int, ...] = ()) -> Contract | None:
    """The active contract (草拟 or 已签订) that holds this unit, other than ``exclude``."""
    return (
        Contract.objects.filter(unit=unit, state__in=(ContractState.DRAFT, ContractState.SIGNED))
        .exclude(pk__in=[pk for pk in exclude if pk])
        .first()
    )


# --- amounts from the rules engine ---------------------------------------------------------------------


def market_monthly_rent(unit: Unit) -> Decimal:
    """市场月租金 = the unit's rent standard (元/m²·月) × its floor area; without a standard the setting
    ``ALLOCATION_MARKET_RENT_PER_M2`` (default 35 元/m²·月) stands in."""
    per_m2 = unit.rent_standard
    if per_m2 is None:
        per_m2 = Decimal(str(getattr(settings, "ALLOCATION_MARKET_RENT_PER_M2", "35")))
    return _money(per_m2 * (unit.floor_area or Decimal("0")))


def contract_amounts(
    *, entry: RegistryEntry, kind: str, unit: Unit | None, on_date: datetime.date, ownership_share=None
) -> dict[str, Any]:
    """The money of a contract: rent (market rent × factor), price × share, or the monthly subsidy.

    Rent and subsidy come from the rule set in force for the family's project on ``on_date``; the
    version and the engine's lines are returned to be stored with the contract (DESIGN §4 rule 4).
    """
    from rules.engine import evaluate
    from rules.factors import facts_collect

    result: dict[str, Any] = {
        "ruleset_id": None,
        "ruleset_version": None,
        "ruleset_name": "",
        "amount_basis": [],
    }
    if kind in (ContractKind.AFFORDABLE_SALE, ContractKind.SHARED_OWNERSHIP_SALE):
        if unit.price_standard is None:
            raise ValidationError({"unit": _("该住房未设售价标准，不能签订买卖合同。")})
        share = Decimal("100") if kind == ContractKind.AFFORDABLE_SALE else Decimal(ownership_share)
        price = _money(unit.price_standard * unit.floor_area * share / Decimal("100"))
        result.update(
            unit_price=unit.price_standard,
            ownership_share=share,
            price=price,
            amount_basis=[
                {"name": _("售价标准"), "value": str(unit.price_standard), "measure": "元/m²"},
                {"name": _("建筑面积"), "value": str(unit.floor_area), "measure": "m²"},
                {"name": _("产权份额"), "value": str(share), "measure": "%"},
                {"name": _("房屋价款"), "value": str(price), "measure": "元"},
            ],
        )
        return result

    facts = facts_collect(entry.application, on_date=on_date)
    if unit is not None:
        facts["market_monthly_rent"] = market_monthly_rent(unit)
    try:
        evaluation = evaluate(
            facts=facts,
            project_code=entry.project_code,
            mode_code=entry.mode_code,
            on_date=on_date,
            region_code=entry.region_code,
        )
    except ValidationError as exc:
        raise ValidationError(
            {"kind": _("无法按保障规则计算金额：%(why)s") % {"why": "；".join(exc.messages)}}
        ) from exc
    if evaluation.eligible is False:
        raise ValidationError(
            {"registry_entry": _("按%(name)s第%(v)s版，该家庭现已不符合保障条件，请先复核后再签约。")
             % {"name": evaluation.version.name, "v": evaluation.version.version}}
        )  # fmt: skip
    result.update(
        ruleset_id=evaluation.version.id,
        ruleset_version=evaluation.version.version,
        ruleset_name=evaluation.version.name,
        amount_basis=[
            {
                "name": line.name,
                "value": "" if line.value is None else str(line.value),
                "measure": line.measure,
            }
            for line in evaluation.amount_lines
        ],
    )
    amounts = evaluation.amounts
    if kind == ContractKind.RENT_SUBSIDY:
        subsidy = amounts.get("monthly_subsidy")
        if not isinstance(subsidy, Decimal):
            raise ValidationError({"kind": _("规则模版“%(name)s”未能算出月租赁补贴，请检查规则或家庭信息。")
                                   % {"name": evaluation.version.name}})  # fmt: skip
        result["subsidy_amount"] = _money(subsidy)
        return result

    market = facts["market_monthly_rent"]
    rent = amounts.get("monthly_rent")
    factor = amounts.get("rent_factor")
    if isinstance(rent, Decimal):
        result.update(market_monthly_rent=market, rent_factor=factor, monthly_rent=_money(rent))
    else:
        # The rule set has no 月租金 standard (the default 廉租住房 rules set none): the unit's own rent
        # standard is the government-set rent of the unit, i.e. factor 1, unless the rules give a factor.
        factor = factor if isinstance(factor, Decimal) else Decimal("1")
        result.update(market_monthly_rent=market, rent_factor=factor, monthly_rent=_money(market * factor))
        result["amount_basis"].append(
            {"name": _("月租金（规则未设月租金标准，按房屋租金标准×租金系数）"), "value": str(result["monthly_rent"]),
             "measure": "元/月"}
        )  # fmt: skip
    return result


# --- checks shared by draft and sign ---------------------------------------------------------------------


def _check_entry(entry: RegistryEntry, kind: str) -> None:
    if entry.status not in (GuaranteeStatus.WAITING, GuaranteeStatus.GUARANTEED):
        raise ValidationError(
            {
                "registry_entry": _("该家庭保障状态为“%(s)s”，不能签订合同。")
                % {"s": entry.get_status_display()}
            }
        )
    spec = KIND_SPECS[kind]
    if entry.mode_kind not in spec.entry_modes:
        raise ValidationError(
            {
                "kind": _("该家庭登记的保障方式为“%(mode)s”，不能签订%(kind)s。")
                % {"mode": entry.get_mode_kind_display() or entry.mode_code, "kind": ContractKind(kind).label}
            }
        )


def _check_unit(
    unit: Unit | None,
    kind: str,
    *,
    exclude: tuple[int, ...] = (),
    previous: Contract | None = None,
    entry_id: int | None = None,
) -> None:
    spec = KIND_SPECS[kind]
    if not spec.unit_modes:
        if unit is not None:
            raise ValidationError({"unit": _("租赁补贴协议不配给住房，请不要选择房屋。")})
        return
    if unit is None:
        raise ValidationError({"unit": _("请选择配给的住房。")})
    if unit.guarantee_mode not in spec.unit_modes:
        raise ValidationError(
            {
                "unit": _("住房 %(n)s 为“%(mode)s”，不能用于%(kind)s。")
                % {
                    "n": unit.number,
                    "mode": unit.get_guarantee_mode_display(),
                    "kind": ContractKind(kind).label,
                }
            }
        )
    holder = unit_holder(unit, exclude=exclude)
    if holder is not None:
        raise ValidationError(
            {
                "unit": _("住房 %(n)s 已有其他有效合同（%(c)s），不能重复配给。")
                % {"n": unit.number, "c": holder}
            }
        )
    if previous is not None and previous.unit_id == unit.pk:
        return  # 续签: the family keeps the unit it holds (已配给 or 已入住)
    if unit.state not in (UnitState.DELIVERED, UnitState.ALLOCATED):
        raise ValidationError(
            {
                "unit": _("住房 %(n)s 当前为“%(s)s”，不能配给。")
                % {"n": unit.number, "s": unit.get_state_display()}
            }
        )
    # 已配给 without a contract means held for somebody (a 选房 pick): only that family may sign for it.
    if unit.state == UnitState.ALLOCATED and (entry_id is None or unit.pk not in reserved_unit_ids(entry_id)):
        raise ValidationError(
            {"unit": _("住房 %(n)s 已被其他家庭选定，不能配给本家庭。") % {"n": unit.number}}
        )


def _clean_id(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return normalise_id_number(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


# --- draft -------------------------------------------------------------------------------------------------


@transaction.atomic
def contract_draft(
    *,
    registry_entry: RegistryEntry,
    kind: str,
    actor,
    starts_on: datetime.date,
    unit: Unit | None = None,
    term_months: int = DEFAULT_TERM_MONTHS,
    signer_name: str = "",
    signer_id_number: str = "",
    agent_name: str = "",
    agent_id_number: str = "",
    is_auto_renew: bool = False,
    ownership_share: Decimal | None = None,
    bank_name: str = "",
    bank_account: str = "",
    payment_cycle: str = "",
    subsidy_payment_method: str = "",
    previous: Contract | None = None,
) -> Contract:
    """草拟: a contract with its amounts computed by the rules engine; nothing else changes yet."""
    _require(actor, registry_entry.region_code)
    if kind not in KIND_SPECS:
        raise ValidationError({"kind": _("请选择合同类型。")})
    entry = RegistryEntry.objects.select_related("application").get(pk=registry_entry.pk)
    _check_entry(entry, kind)
    if unit is not None:
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        if not code_in_scope(actor, unit.region_code):
            raise ValidationError({"unit": _("该住房不在您的数据范围内。")})
    exclude = (previous.pk,) if previous is not None else ()
    _check_unit(unit, kind, exclude=exclude, previous=previous, entry_id=registry_entry.pk)
    if not term_months or term_months < 1:
        raise ValidationError({"term_months": _("合同有效期至少1个月。")})
    if kind == ContractKind.SHARED_OWNERSHIP_SALE:
        if ownership_share is None or not (Decimal("1") <= Decimal(ownership_share) < Decimal("100")):
            raise ValidationError({"ownership_share": _("共有产权房请填写个人产权份额（1%至99.99%）。")})
    bank_account = (bank_account or "").replace(" ", "")
    if kind == ContractKind.RENT_SUBSIDY:
        if not bank_account or not (bank_name or "").strip():
            raise ValidationError({"bank_account": _("租赁补贴协议须填写开户银行和银行账号。")})
        if not bank_account.isdigit() or not 8 <= len(bank_account) <= 32:
            raise ValidationError({"bank_account": _("银行账号应为8至32位数字。")})
    signer_id = _clean_id(signer_id_number, "signer_id_number") or entry.id_number
    agent_id = _clean_id(agent_id_number, "agent_id_number")
    if agent_id and not (agent_name or "").strip():
        raise ValidationError({"agent_name": _("填写了代理人身份证号，请同时填写代理人姓名。")})

    amounts = contract_amounts(
        entry=entry, kind=kind, unit=unit, on_date=starts_on, ownership_share=ownership_share
    )
    is_subsidy = kind == ContractKind.RENT_SUBSIDY
    contract = Contract(
        region_code=entry.region_code,
        registry_entry=entry,
        kind=kind,
        unit=unit,
        signer_name=(signer_name or "").strip() or entry.applicant_name,
        signer_id_number=signer_id,
        signer_id_number_masked=mask_id_number(signer_id) if signer_id else "",
        agent_name=(agent_name or "").strip(),
        agent_id_number=agent_id,
        agent_id_number_masked=mask_id_number(agent_id) if agent_id else "",
        effective_on=starts_on,
        term_months=term_months,
        expires_on=contract_expiry(starts_on, term_months),
        is_auto_renew=is_auto_renew,
        subsidy_amount=amounts.get("subsidy_amount"),
        subsidy_payment_method=(subsidy_payment_method or SubsidyPaymentMethod.BANK_TRANSFER)
        if is_subsidy
        else "",
        subsidy_starts_on=starts_on.replace(day=1) if is_subsidy else None,
        payment_cycle=(payment_cycle or PaymentCycle.MONTHLY) if is_subsidy else "",
        bank_name=(bank_name or "").strip() if is_subsidy else "",
        bank_account=bank_account if is_subsidy else "",
        bank_account_masked=mask_account(bank_account) if is_subsidy else "",
        market_monthly_rent=amounts.get("market_monthly_rent"),
        rent_factor=amounts.get("rent_factor"),
        monthly_rent=amounts.get("monthly_rent"),
        unit_price=amounts.get("unit_price"),
        ownership_share=amounts.get("ownership_share"),
        price=amounts.get("price"),
        ruleset_id=amounts["ruleset_id"],
        ruleset_version=amounts["ruleset_version"],
        ruleset_name=amounts["ruleset_name"][:200],
        amount_basis=amounts["amount_basis"],
        previous=previous,
        created_by=actor,
        updated_by=actor,
    )
    contract.full_clean()
    contract.save()
    # Drafting is no state change: the process record starts when the draft is signed or voided.
    return contract


# --- sign --------------------------------------------------------------------------------------------------


def _lock(contract: Contract) -> Contract:
    return (
        Contract.objects.select_for_update(of=("self",))
        .select_related("registry_entry", "unit")
        .get(pk=contract.pk)
    )


def _can(contract: Contract, name: str, actor) -> None:
    method = getattr(contract, name)
    if not django_fsm.can_proceed(method):
        raise ValidationError(_("合同当前为“%(s)s”，不能执行此操作。") % {"s": contract.get_state_display()})
    if not django_fsm.has_transition_perm(method, actor):
        raise PermissionDenied(_("您没有办理此合同的权限。"))


@transaction.atomic
def contract_sign(*, contract: Contract, actor, signed_on: datetime.date | None = None) -> Contract:
    """签订: numbered (gap-free per kind and year), the unit 已配给, the family 保障中; PDF after commit."""
    from housing.documents.services import document_number_next
    from projects.services import unit_transition

    contract = _lock(contract)
    _require(actor, contract.region_code)
    _can(contract, "sign", actor)
    signed_on = signed_on or timezone.localdate()
    entry = RegistryEntry.objects.select_for_update().get(pk=contract.registry_entry_id)
    _check_entry(entry, contract.kind)
    previous = (
        Contract.objects.select_for_update().get(pk=contract.previous_id) if contract.previous_id else None
    )
    if previous is not None and previous.state != ContractState.SIGNED:
        raise ValidationError(
            _("续签前合同已不在有效期内（%(s)s），不能续签。") % {"s": previous.get_state_display()}
        )
    unit = Unit.objects.select_for_update().get(pk=contract.unit_id) if contract.unit_id else None
    # A unit already 已配给 is accepted when it is held for this family (its 选房 pick) and no contract has it.
    _check_unit(
        unit,
        contract.kind,
        exclude=(contract.pk, contract.previous_id),
        previous=previous,
        entry_id=contract.registry_entry_id,
    )
    spec = KIND_SPECS[contract.kind]
    before = contract.state
    contract.sign()
    contract.number = document_number_next(prefix=spec.prefix, year=signed_on.year)
    contract.signed_on = signed_on
    contract.updated_by = actor
    contract.full_clean()
    contract.save()
    if unit is not None and unit.state == UnitState.DELIVERED:
        unit_transition(
            unit=unit,
            transition="allocate",
            actor=actor,
            opinion=_("签订%(kind)s %(n)s。") % {"kind": contract.get_kind_display(), "n": contract.number},
        )
    from allocation.plans.services import allocation_plans_mark_allocated

    allocation_plans_mark_allocated(registry_entry_id=entry.pk, unit_id=contract.unit_id)
    if entry.status == GuaranteeStatus.WAITING:
        from admission.registry.services import registry_entry_start_guarantee

        registry_entry_start_guarantee(
            entry=entry,
            actor=actor,
            implemented_mode=entry.mode_kind,
            opinion=_("签订%(kind)s %(n)s。") % {"kind": contract.get_kind_display(), "n": contract.number},
        )
    if previous is not None:
        before_previous = previous.state
        previous.expire()
        previous.updated_by = actor
        previous.save()
        _record(
            previous,
            actor=actor,
            name="expire",
            from_state=before_previous,
            opinion=_("已续签，由合同 %(n)s 接续。") % {"n": contract.number},
        )
    _record(
        contract,
        actor=actor,
        name="sign",
        from_state=before,
        opinion=_("签订合同 %(n)s。") % {"n": contract.number},
    )
    contract_id, actor_id = contract.pk, actor.pk
    transaction.on_commit(lambda: _queue_pdf(contract_id, actor_id))
    return contract


def _queue_pdf(contract_id: int, actor_id: int | None) -> None:
    from .tasks import issue_contract_pdf

    issue_contract_pdf.delay(contract_id, actor_id)


# --- renew, terminate, expire -----------------------------------------------------------------------------


@transaction.atomic
def contract_renew(
    *, contract: Contract, actor, term_months: int = DEFAULT_TERM_MONTHS, starts_on: datetime.date | None = None,
    is_auto_renew: bool | None = None,
) -> Contract:  # fmt: skip
    """续签: a new draft linked to this signed contract, from the day after it ends, amounts recomputed
    with the rules in force then; signing it ends this one as 已到期."""
    contract = _lock(contract)
    _require(actor, contract.region_code)
    if contract.state != ContractState.SIGNED:
        raise ValidationError(_("只有已签订的合同可以续签。"))
    if contract.kind in (ContractKind.AFFORDABLE_SALE, ContractKind.SHARED_OWNERSHIP_SALE):
        raise ValidationError(_("买卖合同不能续签。"))
    if Contract.objects.filter(previous=contract).exclude(state=ContractState.TERMINATED).exists():
        raise ValidationError(_("该合同已有续签合同。"))
    Contract.objects.filter(previous=contract, state=ContractState.TERMINATED).update(previous=None)
    return contract_draft(
        registry_entry=contract.registry_entry,
        kind=contract.kind,
        actor=actor,
        starts_on=starts_on or (contract.expires_on + datetime.timedelta(days=1)),
        unit=contract.unit,
        term_months=term_months,
        signer_name=contract.signer_name,
        signer_id_number=contract.signer_id_number,
        agent_name=contract.agent_name,
        agent_id_number=contract.agent_id_number,
        is_auto_renew=contract.is_auto_renew if is_auto_renew is None else is_auto_renew,
        ownership_share=contract.ownership_share,
        bank_name=contract.bank_name,
        bank_account=contract.bank_account,
        payment_cycle=contract.payment_cycle,
        subsidy_payment_method=contract.subsidy_payment_method,
        previous=contract,
    )


@transaction.atomic
def contract_terminate(
    *, contract: Contract, actor, reason: str, terminated_on: datetime.date | None = None
) -> Contract:
    """终止 (a draft is voided the same way): a reason is required; a unit not yet moved into goes back to
    the stock (已配给 → 已交付). The family's guarantee status is left to the exit procedure (保障退出)."""
    from projects.services import unit_transition

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写终止原因。")})
    contract = _lock(contract)
    _require(actor, contract.region_code)
    _can(contract, "terminate", actor)
    before = contract.state
    contract.terminate()
    contract.terminated_on = terminated_on or timezone.localdate()
    contract.termination_reason = reason[:500]
    contract.updated_by = actor
    contract.full_clean()
    contract.save()
    if before == ContractState.SIGNED and contract.unit_id:
        unit = Unit.objects.select_for_update().get(pk=contract.unit_id)
        if unit.state == UnitState.ALLOCATED and unit_holder(unit, exclude=(contract.pk,)) is None:
            unit_transition(
                unit=unit,
                transition="release",
                actor=actor,
                opinion=_("合同 %(n)s 终止：%(r)s") % {"n": contract.number, "r": reason},
            )
    _record(contract, actor=actor, name="terminate", from_state=before, opinion=reason)
    return contract


def contracts_expire_due(*, today: datetime.date | None = None, actor=None) -> int:
    """到期: signed contracts past their 合同失效时间 without a signed renewal become 已到期 (run daily)."""
    from housing.accounts.system import system_actor

    today = today or timezone.localdate()
    actor = actor or system_actor()
    done = 0
    for pk in Contract.objects.filter(state=ContractState.SIGNED, expires_on__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            contract = _lock(Contract(pk=pk))
            if contract.state != ContractState.SIGNED:
                continue
            contract.expire()
            contract.updated_by = actor
            contract.save()
            _record(
                contract, actor=actor, name="expire", from_state=ContractState.SIGNED, opinion=_("合同期满。")
            )
            done += 1
    return done
