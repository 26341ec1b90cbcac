"""Demo: one 欠租 case already notified (腾退期限 running), one completed exit with the unit back in stock.

Idempotent: each step runs only while no case of its kind exists. Runs after ``seed_demo_tenancy`` and
takes the family owing the most rent for the 欠租 case.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from housing.accounts.models import User
from housing.accounts.system import system_actor

from ..tenancy.models import InspectionResult, MoveIn
from .models import ExitCase, ExitState, ExitTrigger
from .services import exit_case_complete, exit_case_notify, exit_case_open

DEMO_MARKET_RENT_PER_M2 = Decimal("35.00")  # 元/m²·月, as ALLOCATION_MARKET_RENT_PER_M2's default
PERMS = (
    "allocation.manage_exit",
    "allocation.manage_tenancy",
    "projects.occupy_unit",
    "allocation.sign_contract",
)


def seed_demo_exits() -> list[tuple[str, str, str]]:
    city = User.objects.filter(username="city").first()
    if city is None:
        return []
    actor = city if all(city.has_perm(p) for p in PERMS) else system_actor()
    today = timezone.localdate()
    # The family owing the most rent is the 欠租 case; the next one the 转租 case.
    tenants = list(
        MoveIn.objects.filter(vacated_on__isnull=True, registry_entry__status="guaranteed")
        .exclude(registry_entry__exit_cases__isnull=False)
        .annotate(owed=Coalesce(Sum("receivables__outstanding_amount"), Decimal("0")))
        .select_related("registry_entry", "unit")
        .order_by("-owed", "pk")[:2]
    )
    if not ExitCase.objects.filter(trigger=ExitTrigger.ARREARS).exists() and tenants:
        move_in = tenants.pop(0)
        case = exit_case_open(
            entry=move_in.registry_entry, actor=actor, trigger=ExitTrigger.ARREARS, evidence_on=today.replace(day=1),
            reason="演示：连续6个月未缴纳租金，经催缴仍未缴纳。",
        )  # fmt: skip
        # A 廉租 unit's rent standard is the government-set rent; the caseworker enters the district's
        # market rent (here the city's default per m²) for the overstay charge.
        market = (DEMO_MARKET_RENT_PER_M2 * (move_in.unit.floor_area or Decimal("0"))).quantize(Decimal("0.01"))
        exit_case_notify(case=case, actor=actor, notice_on=today, market_monthly_rent=market,
                         opinion="演示：已送达退出通知书。")  # fmt: skip
    if not ExitCase.objects.filter(state=ExitState.EXITED).exists() and tenants:
        move_in = tenants.pop(0)
        case = exit_case_open(
            entry=move_in.registry_entry, actor=actor, trigger=ExitTrigger.SUBLET, evidence_on=today,
            reason="演示：经入户核查，房屋已整套转租他人。", evidence_text="演示：街道入户核查记录",
        )  # fmt: skip
        exit_case_notify(case=case, actor=actor, notice_on=today)
        exit_case_complete(case=case, actor=actor, exited_on=today, inspection_result=InspectionResult.INTACT,
                           opinion="演示：已腾退，验房完好。")  # fmt: skip
    return []
