"""Demo: a published lottery plan (香洲区), a draft waitlist plan (斗门区) and a support plan.

Idempotent: each plan is found by its name on a second run. Runs after the lottery demo (the registry,
waitlist and units exist by then). The lottery plan gets its own new lottery in 准备中 — the demo lottery
of ``allocation/demo.py`` is already drawn among the city's whole waitlist, so it cannot be the draw of a
plan whose families are one district's.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from housing.accounts.models import User

from .models import AllocationMethod, AllocationPlan, PeriodKind, SupportAllocationPlan
from .services import (
    allocatable_units,
    allocation_plan_create,
    allocation_plan_families_invite,
    allocation_plan_publish,
    allocation_plan_units_add,
    eligible_waitlist,
)
from .support import approved_support_objects, support_plan_create, support_plan_objects_add

LOTTERY_PLAN = "公共租赁住房香洲区本季度摇号配租方案（演示）"
WAITLIST_PLAN = "公共租赁住房斗门区本季度轮候配租方案（演示）"
SUPPORT_PLAN = "保障住房供给单位本年度支持方案（演示）"
XIANGZHOU, DOUMEN, CITY = "440402000000", "440403000000", "440400000000"


def _quarter() -> str:
    today = timezone.localdate()
    return f"{today.year}Q{(today.month - 1) // 3 + 1}"


def _first_building(plan: AllocationPlan) -> int | None:
    return allocatable_units(plan=plan).order_by("building_id").values_list("building_id", flat=True).first()


@transaction.atomic
def _lottery_plan(city: User) -> None:
    if AllocationPlan.objects.filter(name=LOTTERY_PLAN).exists():
        return
    plan = allocation_plan_create(
        actor=city,
        region_code=XIANGZHOU,
        name=LOTTERY_PLAN,
        project_code="gongzu",
        mode_code="rental_in_kind",
        period_kind=PeriodKind.QUARTER,
        period=_quarter(),
        method=AllocationMethod.LOTTERY,
        description="演示：香洲区轮候中的公共租赁住房家庭全部参加摇号，房源为一栋楼的可配给住房。",
    )
    building = _first_building(plan)
    if building is None or not eligible_waitlist(plan=plan).exists():
        return
    allocation_plan_units_add(plan=plan, actor=city, building_id=building)
    allocation_plan_families_invite(plan=plan, actor=city)
    allocation_plan_publish(plan=plan, actor=city, opinion="演示：方案发布，组织摇号。")


@transaction.atomic
def _waitlist_plan(city: User) -> None:
    if AllocationPlan.objects.filter(name=WAITLIST_PLAN).exists():
        return
    plan = allocation_plan_create(
        actor=city,
        region_code=DOUMEN,
        name=WAITLIST_PLAN,
        project_code="gongzu",
        mode_code="rental_in_kind",
        period_kind=PeriodKind.QUARTER,
        period=_quarter(),
        method=AllocationMethod.WAITLIST,
        description="演示：按轮候顺序邀请斗门区排名在前的家庭选房（草拟中）。",
    )
    units = list(
        allocatable_units(plan=plan).order_by("building_id", "number").values_list("pk", flat=True)[:10]
    )
    if not units:
        return
    allocation_plan_units_add(plan=plan, actor=city, unit_ids=units)
    if eligible_waitlist(plan=plan).exists():
        allocation_plan_families_invite(plan=plan, actor=city)


@transaction.atomic
def _support_plan(city: User) -> None:
    from rules.models import SupplierType, SupportModeKind

    if SupportAllocationPlan.objects.filter(name=SUPPORT_PLAN).exists():
        return
    plan = support_plan_create(
        actor=city,
        region_code=CITY,
        name=SUPPORT_PLAN,
        support_project_code="kaifa",
        period_kind=PeriodKind.YEAR,
        period=str(timezone.localdate().year),
        support_mode=SupportModeKind.MONEY,
        object_type=SupplierType.DEVELOPER,
        description="演示：对已核定的开发建设单位发放货币补贴（草拟中，加入已核定的支持对象后发布）。",
    )
    if approved_support_objects(plan=plan).exists():
        support_plan_objects_add(plan=plan, actor=city)


def seed_demo_plans() -> list[tuple[str, str, str]]:
    """DEMO_SEEDERS entry (after ``allocation.demo.seed_demo_lottery``); prints no accounts."""
    city = User.objects.filter(username="city").first()
    if city is None:
        return []
    _lottery_plan(city)
    _waitlist_plan(city)
    _support_plan(city)
    return []
