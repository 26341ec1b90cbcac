"""Demo: 经适房退回与再上市 — a request before 5 years decided as 政府回购 (notice archived), one after 5
years 准予上市 with its 土地收益等价款, and a sold unit returned to the stock; the price index they use.

Idempotent: the requests carry 演示 certificate numbers and are made once; the return is made once; a
second run adds nothing. Runs after ``seed_demo_contracts`` (which sells one 经适房); the demo signs up to
two more 经适房 sale contracts for waiting families through the contracts' own services.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from admission.registry.models import GuaranteeStatus, RegistryEntry
from housing.accounts.models import User
from housing.accounts.system import system_actor
from rules.models.reference import ModeKind

from ..contracts.models import Contract, ContractKind, ContractState
from .models import RESALE_MANAGE_PERMISSION, PriceIndex, Resale, ResaleRoute, SaleReturn
from .services import (
    SOLD_UNIT_STATES,
    resale_decide,
    resale_request,
    sale_return_complete,
    sale_return_register,
)

NEEDED = 3
DEMO_CERTIFICATE = "演示不动产权第{n}号"
# 演示价格指数 (city level, 2015 = 100): the latest month not after a date is used.
INDICES = ((2018, 1, "100.0000"), (2020, 1, "104.5000"), (2023, 1, "108.3000"), (2026, 1, "103.6000"))


def _free_sale_contracts():
    return (
        Contract.objects.filter(kind=ContractKind.AFFORDABLE_SALE, state=ContractState.SIGNED,
                                unit__state__in=SOLD_UNIT_STATES)
        .exclude(resales__isnull=False)
        .exclude(sale_returns__isnull=False)
        .select_related("unit")
        .order_by("signed_on", "pk")
    )  # fmt: skip


def _sign_more(actor, missing: int) -> None:
    """More sold 经适房 through the contracts' services (the demo's 配售演示楼 has 4 经适房 units)."""
    from ..contracts.demo import _sale_units, _unit_for
    from ..contracts.documents import contract_pdf_issue
    from ..contracts.services import contract_draft, contract_sign

    starts_on = timezone.localdate().replace(day=1)
    families = RegistryEntry.objects.filter(
        status=GuaranteeStatus.WAITING, project_code="jingshi", mode_kind=ModeKind.SALE_IN_KIND
    ).order_by("registered_at", "pk")
    for entry in families[:12]:
        if missing <= 0:
            return
        _sale_units(entry.region_code[:6] + "000000")
        unit = _unit_for(ContractKind.AFFORDABLE_SALE, entry.region_code)
        if unit is None:
            return
        try:
            with transaction.atomic():
                contract = contract_draft(registry_entry=entry, kind=ContractKind.AFFORDABLE_SALE, actor=actor,
                                          unit=unit, starts_on=starts_on)  # fmt: skip
                contract = contract_sign(contract=contract, actor=actor, signed_on=starts_on)
        except ValidationError:
            continue  # this family no longer qualifies under today's rules: try the next one
        contract_pdf_issue(contract_id=contract.pk, actor=actor)
        missing -= 1


def seed_demo_resale() -> list[tuple[str, str, str]]:
    city = User.objects.filter(username="city").first()
    if city is None:
        return []
    perms = (RESALE_MANAGE_PERMISSION, "projects.allocate_unit", "allocation.sign_contract")
    actor = city if all(city.has_perm(p) for p in perms) else system_actor()
    city_code = city.scope_prefixes[0][:4].ljust(12, "0") if city.scope_prefixes else "440400000000"
    for year, month, value in INDICES:
        PriceIndex.objects.get_or_create(
            region_code=city_code, year=year, month=month,
            defaults={"value": Decimal(value), "source": "演示数据（定基指数）"},
        )  # fmt: skip
    has_requests = Resale.objects.filter(certificate_number__startswith="演示").exists()
    has_return = SaleReturn.objects.filter(resale__isnull=True).exists()
    needed = (0 if has_requests else 2) + (0 if has_return else 1)
    if not needed:
        return []
    free = list(_free_sale_contracts()[:needed])
    if len(free) < needed:
        _sign_more(actor, needed - len(free))
        free = list(_free_sale_contracts()[:needed])
    today = timezone.localdate()
    if not has_requests and len(free) >= 2:
        early, late = free.pop(0), free.pop(0)
        # 未满5年: bought 3 years 4 months ago → only 政府回购
        bought = today - datetime.timedelta(days=365 * 3 + 122)
        resale = resale_request(
            contract=early, actor=actor, certificate_number=DEMO_CERTIFICATE.format(n="0001"),
            certificate_date=bought + datetime.timedelta(days=20), deed_tax_date=bought, requested_on=today,
            route=ResaleRoute.BUY_BACK, asking_price=None, guide_price=None,
        )  # fmt: skip
        resale_decide(
            resale=resale, actor=actor, decision="buy_back", opinion="演示：购房未满5年，由政府回购。"
        )
        # 满5年: bought 7 years ago → 上市交易, the centre waives its first right to buy
        bought = today.replace(year=today.year - 7, day=1)
        price = late.price or Decimal("0")
        resale = resale_request(
            contract=late, actor=actor, certificate_number=DEMO_CERTIFICATE.format(n="0002"),
            certificate_date=bought, deed_tax_date=bought + datetime.timedelta(days=30), requested_on=today,
            route=ResaleRoute.MARKET, asking_price=(price * Decimal("1.65")).quantize(Decimal("1")),
            guide_price=(price * Decimal("1.60")).quantize(Decimal("1")),
        )  # fmt: skip
        resale_decide(resale=resale, actor=actor, decision="approve", opinion="演示：政府放弃优先回购。")
    if not has_return and free:
        contract = free.pop(0)
        sale_return = sale_return_register(
            contract=contract, actor=actor, reason="演示：购房人未按约定付清房款，购房合同解除", due_on=today
        )
        sale_return_complete(
            sale_return=sale_return, actor=actor, returned_on=today, opinion="演示：房源已收回。"
        )
    return []
