"""Reads of 规划计划, always scoped by the user's region (DESIGN §4 rule 2)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from housing.accounts.scope import get_in_scope_or_404, scope_q, scope_queryset
from housing.regions.codes import parent_code, scope_prefix

from .models import (
    AnnualPlan,
    AnnualProjectReserve,
    HousingPlan,
    PlanHouseholdTarget,
    PlanMacroIndicator,
    RewardFactor,
    SubsidyAllocation,
    SubsidyStandard,
)

# --- housing plans ---------------------------------------------------------------------------------


def housing_plan_list(*, user) -> QuerySet[HousingPlan]:
    return scope_queryset(HousingPlan.objects.select_related("parent"), user).annotate(
        children_count=Count("children", distinct=True)
    )


def housing_plan_get_for_user(*, user, pk: int) -> HousingPlan:
    return get_in_scope_or_404(HousingPlan.objects.select_related("parent"), user, pk=pk)


def _ancestor_codes(user) -> list[str]:
    """Codes of the regions above each of the user's scopes (a district's city and province)."""
    codes: set[str] = set()
    for prefix in user.scope_prefixes or []:
        code = prefix.ljust(12, "0")
        while (code := parent_code(code)) is not None:
            codes.add(code)
    return sorted(codes)


def plan_parent_choices(*, user) -> QuerySet[HousingPlan]:
    """Plans a user may hang a plan under: their own, and the plans of the regions above them.

    A district composes its 子规划 under the city's 总体规划 without being able to edit it.
    """
    queryset = HousingPlan.objects.filter(is_active=True)
    condition = scope_q(user)
    if condition is None:
        return queryset
    return queryset.filter(condition | Q(region_code__in=_ancestor_codes(user)))


def plan_children(*, user, plan: HousingPlan) -> QuerySet[HousingPlan]:
    return scope_queryset(plan.children.all(), user).order_by("start_year", "number")


def household_targets(*, plan: HousingPlan) -> QuerySet[PlanHouseholdTarget]:
    """A.9.2 rows of a plan already fetched through the user's scope."""
    return plan.household_targets.all()


def household_target_get_for_user(*, user, plan_pk: int, pk: int) -> PlanHouseholdTarget:
    return get_in_scope_or_404(
        PlanHouseholdTarget.objects.select_related("plan"),
        user,
        field="plan__region_code",
        plan_id=plan_pk,
        pk=pk,
    )


def macro_indicator_rows(*, plan: HousingPlan) -> list[tuple[str, Any, str]]:
    """(label, value, unit) for each of the 26 figures of A.9.3; blank when not yet entered."""
    indicator = PlanMacroIndicator.objects.filter(plan=plan).first()
    return [
        (field.verbose_name, getattr(indicator, field.name) if indicator else None, field.help_text)
        for field in PlanMacroIndicator.indicator_fields()
    ]


# --- annual plans ----------------------------------------------------------------------------------


def annual_plan_list(*, user) -> QuerySet[AnnualPlan]:
    return scope_queryset(AnnualPlan.objects.select_related("plan"), user).annotate(
        reserve_count=Count("reserve_items")
    )


def annual_plan_get_for_user(*, user, pk: int) -> AnnualPlan:
    return get_in_scope_or_404(AnnualPlan.objects.select_related("plan", "created_by"), user, pk=pk)


def annual_plan_figures(annual_plan: AnnualPlan) -> list[tuple[str, Any]]:
    """(label, value) of an annual plan as reported to the province, identity first."""
    fields = [
        "number",
        "name",
        "year",
        "region_code",
        "new_start_units",
        "new_start_area",
        "completed_units",
        "completed_area",
        "rent_subsidy_households",
        "allocation_households",
        "land_supply_area",
        "planned_investment",
    ]
    rows = []
    for name in fields:
        field = AnnualPlan._meta.get_field(name)
        label = str(field.verbose_name)
        if field.help_text and name not in ("number", "name", "year", "region_code"):
            label = f"{label}（{field.help_text}）"
        rows.append((label, getattr(annual_plan, name)))
    return rows


RESERVE_EXPORT_FIELDS = (
    "project_number",
    "project_name",
    "project_type",
    "construction_mode",
    "region_code",
    "construction_floor_area",
    "construction_residential_area",
    "construction_units",
    "new_start_floor_area",
    "new_start_residential_area",
    "new_start_units",
    "completed_floor_area",
    "completed_residential_area",
    "completed_units",
    "land_supply_area",
    "investment",
)


def reserve_export_rows(annual_plan: AnnualPlan) -> tuple[list[str], list[list[Any]]]:
    """A.9.4 columns (记录编号, 规划编号, 计划编号 first) and one row per reserved project."""
    fields = [AnnualProjectReserve._meta.get_field(name) for name in RESERVE_EXPORT_FIELDS]
    headers = ["记录编号", "规划编号", "计划编号", *[str(f.verbose_name) for f in fields]]
    plan_number = annual_plan.plan.number if annual_plan.plan_id else ""
    rows = [
        [item.record_number, plan_number, annual_plan.number, *[getattr(item, f.name) for f in fields]]
        for item in annual_plan.reserve_items.order_by("project_number", "pk")
    ]
    return headers, rows


def reserve_items(*, annual_plan: AnnualPlan) -> QuerySet[AnnualProjectReserve]:
    return annual_plan.reserve_items.order_by("project_number", "pk")


def reserve_item_get_for_user(*, user, annual_plan_pk: int, pk: int) -> AnnualProjectReserve:
    return get_in_scope_or_404(
        AnnualProjectReserve.objects.select_related("annual_plan"), user, annual_plan_id=annual_plan_pk, pk=pk
    )


def reserve_candidates(
    *,
    user,
    annual_plan: AnnualPlan,
    project_type: str = "",
    region_code: str = "",
    start_year: int | None = None,
    construction_mode: str = "",
) -> QuerySet:
    """年度建设项目储备库 selection (§12.2.2-1): library projects the user may see, in the plan's
    district, filtered by 项目类别, region (a prefix within the scope) and 计划开工 year; already
    chosen projects are left out. Read-only use of ``projects``.
    """
    from projects.models import Project

    queryset = scope_queryset(Project.objects.all(), user).filter(
        region_code__startswith=scope_prefix(annual_plan.region_code)
    )
    if project_type:
        queryset = queryset.filter(project_type=project_type)
    if construction_mode:
        queryset = queryset.filter(construction_mode=construction_mode)
    if region_code:
        queryset = queryset.filter(region_code__startswith=scope_prefix(region_code))
    if start_year:
        queryset = queryset.filter(planned_start_date__year=start_year)
    chosen = annual_plan.reserve_items.values("project_id")
    return queryset.exclude(pk__in=chosen).order_by("planned_start_date", "number")


# --- reference tables ------------------------------------------------------------------------------


def subsidy_standard_list(*, user) -> QuerySet[SubsidyStandard]:
    return scope_queryset(SubsidyStandard.objects.all(), user)


def subsidy_standard_get_for_user(*, user, pk: int) -> SubsidyStandard:
    return get_in_scope_or_404(SubsidyStandard.objects.all(), user, pk=pk)


def reward_factor_list(*, user) -> QuerySet[RewardFactor]:
    return scope_queryset(RewardFactor.objects.all(), user)


def reward_factor_get_for_user(*, user, pk: int) -> RewardFactor:
    return get_in_scope_or_404(RewardFactor.objects.all(), user, pk=pk)


def subsidy_allocation_list(*, user) -> QuerySet[SubsidyAllocation]:
    return scope_queryset(SubsidyAllocation.objects.all(), user)


def subsidy_allocation_get_for_user(*, user, pk: int) -> SubsidyAllocation:
    return get_in_scope_or_404(SubsidyAllocation.objects.all(), user, pk=pk)
