"""Reads of 资源配置方案: every read takes the user and applies the region scope.

The demand-and-supply page is a handful of GROUP BY queries whatever the number of families and units:
waiting families by waitlist and district, allocatable units by stock mode, district and rooms, and the
rent-subsidy funds by district.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import Substr

from admission.registry.models import WaitlistEntry, WaitlistStatus
from admission.registry.selectors import waitlist_choices
from housing.accounts.scope import get_in_scope_or_404, scope_queryset
from housing.regions.codes import Level, scope_prefix
from housing.regions.models import Region
from housing.workflow.models import ProcessInstance
from housing.workflow.selectors import process_node_history
from projects.models import GuaranteeMode as UnitGuaranteeMode
from projects.models import Unit, UnitState
from projects.plans.models import SubsidyAllocation, SubsidyPurpose

from .models import (
    AllocationPlan,
    AllocationPlanFamily,
    AllocationPlanResource,
    SupportAllocationPlan,
    SupportAllocationPlanObject,
)
from .services import UNIT_MODE_OF_PROJECT, is_subsidy_mode
from .workflow import PLAN_PROCESS_CODE, SUPPORT_PLAN_PROCESS_CODE

ROOM_BUCKETS = (1, 2, 3, 4)  # 一室 … 四室及以上; units without 间数 are counted as 未注明


def plan_list(*, user) -> QuerySet[AllocationPlan]:
    return scope_queryset(AllocationPlan.objects.all(), user)


def plan_get_for_user(*, user, pk: int) -> AllocationPlan:
    return get_in_scope_or_404(
        AllocationPlan.objects.select_related("lottery", "created_by", "published_by"), user, pk=pk
    )


def plan_families(*, plan: AllocationPlan) -> QuerySet[AllocationPlanFamily]:
    """Invited families in invitation order, with the registry facts a page shows (one query per page)."""
    return (
        plan.families.select_related("registry_entry__waitlist_entry")
        .defer("registry_entry__id_number", "registry_entry__waitlist_entry__sort_values")
        .order_by("sequence")
    )


def plan_resources(*, plan: AllocationPlan) -> QuerySet[AllocationPlanResource]:
    return plan.resources.select_related("unit__building").order_by("category", "resource_number")


def plan_region_choices(*, user) -> list[tuple[str, str]]:
    """The city and districts a user may plan for (one query)."""
    regions = scope_queryset(
        Region.objects.filter(level__in=[Level.CITY, Level.DISTRICT], is_active=True), user, field="code"
    ).order_by("code")
    return [(r.code, r.name) for r in regions]


def plan_buildings(*, plan: AllocationPlan) -> list[tuple[int, str, int]]:
    """Buildings with allocatable units for this plan: (id, name, units) — for “add a building”."""
    from .services import allocatable_units

    rows = (
        allocatable_units(plan=plan)
        .values("building_id", "building__name", "building__project__name")
        .annotate(n=Count("pk"))
        .order_by("building__project__name", "building__name")
    )
    return [(r["building_id"], f"{r['building__project__name']} {r['building__name']}", r["n"]) for r in rows]


def _history(obj, process_code: str) -> list:
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    instance = (
        ProcessInstance.objects.filter(
            content_type=content_type, object_id=str(obj.pk), process_code=process_code
        )
        .order_by("-pk")
        .first()
    )
    return process_node_history(instance=instance) if instance else []


def plan_history(*, plan: AllocationPlan) -> list:
    return _history(plan, PLAN_PROCESS_CODE)


def support_plan_history(*, plan: SupportAllocationPlan) -> list:
    return _history(plan, SUPPORT_PLAN_PROCESS_CODE)


def support_plan_list(*, user) -> QuerySet[SupportAllocationPlan]:
    return scope_queryset(SupportAllocationPlan.objects.all(), user)


def support_plan_get_for_user(*, user, pk: int) -> SupportAllocationPlan:
    return get_in_scope_or_404(
        SupportAllocationPlan.objects.select_related("created_by", "published_by"), user, pk=pk
    )


def support_plan_objects(*, plan: SupportAllocationPlan) -> QuerySet[SupportAllocationPlanObject]:
    return plan.objects_set.order_by("object_number")


# --- demand against supply -------------------------------------------------------------------------------


@dataclass
class SupplyDemandRow:
    district: str
    district_name: str
    families: int = 0
    units: int = 0
    area: Decimal = Decimal("0.00")
    rooms: dict[int, int] = field(default_factory=dict)
    budget: Decimal = Decimal("0.00")

    @property
    def room_counts(self) -> list[int]:
        return [self.rooms.get(b, 0) for b in (*ROOM_BUCKETS, 0)]

    @property
    def gap(self) -> int:
        """房源 − 轮候家庭: negative when families wait for more units than there are."""
        return self.units - self.families


@dataclass
class SupplyDemandTable:
    key: str  # "project:mode", or "unit:<stock mode>" for stock no waitlist is housed in
    title: str
    unit_mode: str
    unit_mode_label: str
    is_subsidy: bool
    rows: list[SupplyDemandRow]

    @property
    def total(self) -> SupplyDemandRow:
        total = SupplyDemandRow(district="", district_name="合计")
        for row in self.rows:
            total.families += row.families
            total.units += row.units
            total.area += row.area
            total.budget += row.budget
            for bucket, n in row.rooms.items():
                total.rooms[bucket] = total.rooms.get(bucket, 0) + n
        return total


def _bucket(rooms: int | None) -> int:
    if not rooms:
        return 0
    return min(rooms, ROOM_BUCKETS[-1])


def demand_supply(*, user, region_code: str = "", year: int | None = None) -> list[SupplyDemandTable]:
    """Waiting families (轮候中) against allocatable units (已交付) and rent-subsidy funds, by district.

    One GROUP BY each for families, units and funds, one for district names, one for the waitlists'
    names: five queries whatever the data.
    """
    prefix = scope_prefix(region_code) if region_code else ""
    district = Substr("region_code", 1, 6)

    families = scope_queryset(WaitlistEntry.objects.all(), user).filter(status=WaitlistStatus.WAITING)
    units = scope_queryset(Unit.objects.all(), user).filter(state=UnitState.DELIVERED)
    funds = scope_queryset(SubsidyAllocation.objects.all(), user).filter(purpose=SubsidyPurpose.RENT_SUBSIDY)
    if prefix:
        families = families.filter(region_code__startswith=prefix)
        units = units.filter(region_code__startswith=prefix)
        funds = funds.filter(region_code__startswith=prefix)
    if year:
        funds = funds.filter(year=year)

    demand: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for row in (
        families.annotate(district=district)
        .values("project_code", "mode_code", "district")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        demand[(row["project_code"], row["mode_code"])][row["district"]] = row["n"]

    supply: dict[str, dict[str, dict]] = defaultdict(
        lambda: defaultdict(lambda: {"n": 0, "area": Decimal(0), "rooms": {}})
    )
    for row in (
        units.annotate(district=district)
        .values("guarantee_mode", "district", "rooms")
        .annotate(n=Count("pk"), area=Sum(F("floor_area")))
        .order_by()
    ):
        cell = supply[row["guarantee_mode"]][row["district"]]
        cell["n"] += row["n"]
        cell["area"] += row["area"] or Decimal(0)
        bucket = _bucket(row["rooms"])
        cell["rooms"][bucket] = cell["rooms"].get(bucket, 0) + row["n"]

    budget: dict[str, Decimal] = {
        row["district"]: row["amount"] or Decimal(0)
        for row in funds.annotate(district=district)
        .values("district")
        .annotate(amount=Sum("amount"))
        .order_by()
    }

    districts = set(budget)
    for cells in demand.values():
        districts |= set(cells)
    for cells in supply.values():
        districts |= set(cells)
    names = {
        code[:6]: name
        for code, name in Region.objects.filter(code__in=[f"{d}000000" for d in districts]).values_list(
            "code", "name"
        )
    }
    labels = dict(waitlist_choices())
    unit_labels = dict(UnitGuaranteeMode.choices)

    def rows_for(
        family_cells: dict[str, int], unit_cells: dict[str, dict], subsidy: bool
    ) -> list[SupplyDemandRow]:
        keys = set(family_cells) | set(unit_cells) | (set(budget) if subsidy else set())
        result = []
        for d in sorted(keys):
            cell = unit_cells.get(d)
            result.append(
                SupplyDemandRow(
                    district=d,
                    district_name=names.get(d, d),
                    families=family_cells.get(d, 0),
                    units=cell["n"] if cell else 0,
                    area=cell["area"] if cell else Decimal(0),
                    rooms=dict(cell["rooms"]) if cell else {},
                    budget=budget.get(d, Decimal(0)) if subsidy else Decimal(0),
                )
            )
        return result

    tables: list[SupplyDemandTable] = []
    used_unit_modes: set[str] = set()
    for (project_code, mode_code), cells in sorted(demand.items()):
        subsidy = is_subsidy_mode(mode_code)
        unit_mode = "" if subsidy else UNIT_MODE_OF_PROJECT.get(project_code, "")
        used_unit_modes.add(unit_mode)
        key = f"{project_code}:{mode_code}"
        tables.append(
            SupplyDemandTable(
                key=key,
                title=labels.get(key, key),
                unit_mode=unit_mode,
                unit_mode_label=str(unit_labels.get(unit_mode, "—")),
                is_subsidy=subsidy,
                rows=rows_for(cells, {} if subsidy else supply.get(unit_mode, {}), subsidy),
            )
        )
    for unit_mode, cells in sorted(supply.items()):
        if unit_mode in used_unit_modes:
            continue
        tables.append(
            SupplyDemandTable(
                key=f"unit:{unit_mode}",
                title=str(unit_labels.get(unit_mode, unit_mode)),
                unit_mode=unit_mode,
                unit_mode_label=str(unit_labels.get(unit_mode, unit_mode)),
                is_subsidy=False,
                rows=rows_for({}, cells, False),
            )
        )
    return tables
