"""Demo 规划计划: the city's 十四五 and 十五五 plans with indicators, a district sub-plan, each
district's 2027 annual plan in a different state (香洲区 submitted → in the city's 我的待办),
subsidy standards, 以奖代补 factors and allocations. Idempotent: runs again without duplicates.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from housing.accounts.models import User
from housing.regions.codes import Level
from housing.regions.models import Region

from .models import (
    AnnualPlan,
    GuaranteeMode,
    GuaranteeProject,
    HousingPlan,
    IncomeLevel,
    PlanComposition,
    PlanHouseholdTarget,
    PlanLevel,
    PlanMacroIndicator,
    PlanPeriodKind,
    RewardFactor,
    SubsidyAllocation,
    SubsidyMethod,
    SubsidyPurpose,
    SubsidyStandard,
    SubsidyTier,
)
from .services import (
    annual_plan_create,
    annual_plan_document_template_ensure,
    annual_plan_process_sync,
    annual_plan_transition,
    reserve_add_projects,
)

DEMO_YEAR = 2027

# (number, name, start, end, plan year, active)
CITY_PLANS = [
    ("GH-4404-2021", "珠海市“十四五”住房保障规划", 2021, 2025, 2021, False),
    ("GH-4404-2026", "珠海市“十五五”住房保障规划", 2026, 2030, 2026, True),
]

TARGETS = [
    (GuaranteeProject.PUBLIC_RENTAL, GuaranteeMode.RENTAL_IN_KIND, IncomeLevel.LOW, 6000),
    (GuaranteeProject.PUBLIC_RENTAL, GuaranteeMode.RENTAL_IN_KIND, IncomeLevel.NEW_EMPLOYEE, 4000),
    (GuaranteeProject.PUBLIC_RENTAL, GuaranteeMode.RENT_SUBSIDY, IncomeLevel.LOWEST, 2500),
    (GuaranteeProject.TALENT, GuaranteeMode.RENTAL_IN_KIND, IncomeLevel.MIDDLE, 3000),
    (GuaranteeProject.SHANTYTOWN, GuaranteeMode.RESETTLEMENT, IncomeLevel.LOWER_MIDDLE, 1800),
]

MACRO = {
    "urban_disposable_income_per_capita": Decimal("68500.00"),
    "market_average_rent": Decimal("42.50"),
    "urban_population": 2_290_000,
    "urban_household_size": Decimal("2.61"),
    "urban_registered_population": 1_380_000,
    "urban_residential_under_construction_area": Decimal("3120.50"),
    "urban_residential_under_construction_units": 268_000,
    "urban_residential_new_start_area": Decimal("610.20"),
    "urban_residential_new_start_units": 52_000,
    "urban_residential_completed_area": Decimal("540.80"),
    "urban_residential_completed_units": 46_500,
    "urban_residential_investment": Decimal("9850000.00"),
    "urban_residential_land_supply": Decimal("310.00"),
    "developer_under_construction_area": Decimal("2850.00"),
    "developer_under_construction_units": 241_000,
    "developer_new_start_area": Decimal("560.00"),
    "developer_new_start_units": 47_000,
    "developer_completed_area": Decimal("498.00"),
    "developer_completed_units": 42_100,
    "developer_investment": Decimal("9120000.00"),
    "developer_land_supply": Decimal("276.00"),
    "fixed_asset_investment": Decimal("21500000.00"),
    "fiscal_revenue": Decimal("7260000.00"),
    "fiscal_general_budget_revenue": Decimal("4630000.00"),
    "fiscal_expenditure": Decimal("8020000.00"),
    "fiscal_general_budget_expenditure": Decimal("6450000.00"),
}

# district code → (demo account or None, figures, target state)
ANNUAL_PLANS = {
    "440402000000": (
        "xiangzhou",
        (1200, Decimal("96000.00"), 800, Decimal("64000.00"), 900, 1000),
        "submitted",
    ),
    "440403000000": ("doumen", (600, Decimal("48000.00"), 400, Decimal("32000.00"), 300, 450), "issued"),
    "440404000000": (None, (450, Decimal("36000.00"), 300, Decimal("24000.00"), 200, 260), "draft"),
}


def _seed_plans(city: Region) -> HousingPlan:
    current = None
    for number, name, start, end, plan_year, active in CITY_PLANS:
        plan, _created = HousingPlan.objects.get_or_create(
            number=number,
            defaults={
                "name": name,
                "period_kind": PlanPeriodKind.FIVE_YEAR,
                "level": PlanLevel.CITY,
                "composition": PlanComposition.OVERALL,
                "region_code": city.code,
                "start_year": start,
                "end_year": end,
                "plan_year": plan_year,
                "is_active": active,
                "summary": "演示数据：以公共租赁住房和人才住房为主，实物保障与租赁补贴并举。",
            },
        )
        for project, mode, income, households in TARGETS:
            PlanHouseholdTarget.objects.get_or_create(
                plan=plan,
                guarantee_project=project,
                guarantee_mode=mode,
                income_level=income,
                defaults={"households": households},
            )
        PlanMacroIndicator.objects.get_or_create(plan=plan, defaults=MACRO)
        current = plan
    HousingPlan.objects.get_or_create(
        number="GH-440402-2026",
        defaults={
            "name": "香洲区“十五五”保障性租赁住房专项子规划",
            "period_kind": PlanPeriodKind.FIVE_YEAR,
            "level": PlanLevel.DISTRICT,
            "composition": PlanComposition.SUB,
            "parent": current,
            "region_code": "440402000000",
            "start_year": 2026,
            "end_year": 2030,
            "plan_year": 2026,
        },
    )
    return current


def _seed_annual_plans(plan: HousingPlan) -> None:
    city_user = User.objects.filter(username="city").first()
    for region_code, (username, figures, target_state) in ANNUAL_PLANS.items():
        region = Region.objects.filter(code=region_code).first()
        if region is None or AnnualPlan.objects.filter(region_code=region_code, year=DEMO_YEAR).exists():
            continue
        district_user = User.objects.filter(username=username).first() if username else None
        new_start, new_area, completed, completed_area, subsidy, allocation = figures
        annual_plan = annual_plan_create(
            region_code=region_code,
            year=DEMO_YEAR,
            data={
                "name": f"{region.name}{DEMO_YEAR}年度住房保障计划",
                "plan": plan,
                "new_start_units": new_start,
                "new_start_area": new_area,
                "completed_units": completed,
                "completed_area": completed_area,
                "rent_subsidy_households": subsidy,
                "allocation_households": allocation,
                "land_supply_area": Decimal("12.50"),
                "planned_investment": Decimal(new_start) * Decimal("18.5"),
                "remarks": "演示数据。",
            },
            actor=district_user or city_user,
        )
        if district_user is not None:
            _seed_reserve(annual_plan, district_user)
        if target_state == "draft" or district_user is None or city_user is None:
            continue
        annual_plan_transition(
            annual_plan=annual_plan,
            name="submit",
            actor=district_user,
            opinion="经区政府常务会议审议，报市审批。",
        )
        if target_state == "issued":
            annual_plan_transition(annual_plan=annual_plan, name="approve", actor=city_user, opinion="同意。")
            annual_plan_transition(
                annual_plan=annual_plan, name="issue", actor=city_user, opinion="予以下达。"
            )


def _seed_reserve(annual_plan: AnnualPlan, actor) -> None:
    """Two library projects of the district (if the projects demo has run) into the reserve."""
    from .selectors import reserve_candidates

    candidates = list(reserve_candidates(user=actor, annual_plan=annual_plan)[:2])
    if candidates:
        reserve_add_projects(annual_plan=annual_plan, projects=candidates, actor=actor)


def _seed_subsidies(city: Region) -> None:
    for number, name, method, value in [
        ("BZ-2027-01", "公共租赁住房建设中央补助（按套）", SubsidyMethod.PER_UNIT, Decimal("50000.00")),
        ("BZ-2027-02", "棚户区改造省级补助（按面积）", SubsidyMethod.PER_AREA, Decimal("300.00")),
        ("BZ-2027-03", "租赁补贴市级补助（按户）", SubsidyMethod.PER_HOUSEHOLD, Decimal("6000.00")),
    ]:
        SubsidyStandard.objects.get_or_create(
            number=number,
            defaults={
                "name": name,
                "method": method,
                "value": value,
                "year": DEMO_YEAR,
                "region_code": city.code,
            },
        )
    for code, name, statistic, formula in [
        ("YJ-01", "保障性住房开工率", Decimal("0.9600"), "x * 40"),
        ("YJ-02", "租赁补贴发放户数", Decimal("2500"), "min(x / 100, 30)"),
        ("YJ-03", "棚改完成套数", Decimal("1800"), "round(x / 60, 2)"),
    ]:
        RewardFactor.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "statistic": statistic,
                "formula": formula,
                "year": DEMO_YEAR,
                "region_code": city.code,
            },
        )
    for number, project, purpose, tier, units, amount, district in [
        ("FP-2027-001", "香洲区翠香公租房项目", SubsidyPurpose.PUBLIC_RENTAL, SubsidyTier.CENTRAL, 400, Decimal("20000000.00"), "440402000000"),
        ("FP-2027-002", "斗门区井岸棚改项目", SubsidyPurpose.SHANTYTOWN, SubsidyTier.PROVINCIAL, 300, Decimal("9000000.00"), "440403000000"),
    ]:  # fmt: skip
        SubsidyAllocation.objects.get_or_create(
            number=number,
            defaults={
                "project_name": project,
                "purpose": purpose,
                "tier": tier,
                "standard_value": amount / units,
                "units": units,
                "amount": amount,
                "year": DEMO_YEAR,
                "received_on": datetime.date(DEMO_YEAR, 3, 31),
                "region_code": district,
            },
        )


def seed_demo_plans() -> list:
    """The demo seeder (``DEMO_SEEDERS``); prints no accounts."""
    city = Region.objects.filter(level=Level.CITY).order_by("code").first()
    if city is None:
        return []
    annual_plan_process_sync()
    annual_plan_document_template_ensure(region_code=city.code)
    plan = _seed_plans(city)
    _seed_annual_plans(plan)
    _seed_subsidies(city)
    return []
