"""Fixtures of 规划计划 tests: a city plan, district annual plans and library projects."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest

from conftest import CITY, DISTRICT_A, DISTRICT_B
from projects.plans.models import HousingPlan, PlanComposition, PlanLevel
from projects.plans.services import annual_plan_create

_numbers = itertools.count(1)


@pytest.fixture
def project_officer(make_staff):
    return make_staff("project_officer", [("project_officer", CITY)], is_staff=True)


@pytest.fixture
def city_plan(regions) -> HousingPlan:
    return HousingPlan.objects.create(
        number="GH-4404-2026",
        name="珠海市“十五五”住房保障规划",
        level=PlanLevel.CITY,
        composition=PlanComposition.OVERALL,
        region_code=CITY,
        start_year=2026,
        end_year=2030,
        plan_year=2026,
    )


FIGURES = {
    "new_start_units": 1234,
    "new_start_area": Decimal("98765.43"),
    "completed_units": 567,
    "completed_area": Decimal("45678.90"),
    "rent_subsidy_households": 890,
    "allocation_households": 321,
    "land_supply_area": Decimal("12.50"),
    "planned_investment": Decimal("22829.00"),
}


@pytest.fixture
def make_annual_plan(city_plan):
    def make(*, region_code: str, actor, year: int = 2027, **figures):
        return annual_plan_create(
            region_code=region_code,
            year=year,
            data={"name": f"{region_code}-{year}年度计划", "plan": city_plan, **FIGURES, **figures},
            actor=actor,
        )

    return make


@pytest.fixture
def plan_a(make_annual_plan, district_reviewer):
    return make_annual_plan(region_code=DISTRICT_A, actor=district_reviewer)


@pytest.fixture
def plan_b(make_annual_plan, other_district_reviewer):
    return make_annual_plan(region_code=DISTRICT_B, actor=other_district_reviewer)


@pytest.fixture
def make_project(regions):
    from projects.models import Project, ProjectType

    def make(
        *, region_code: str, project_type: str = ProjectType.PUBLIC_RENTAL, start: datetime.date | None = None
    ):
        n = next(_numbers)
        return Project.objects.create(
            number=f"XM-TEST-{n:04d}",
            name=f"测试项目{n}",
            project_type=project_type,
            region_code=region_code,
            planned_start_date=start or datetime.date(2027, 3, 1),
            residential_year_started_units=100 + n,
            year_investment=Decimal("12345678.00"),
        )

    return make


@pytest.fixture
def library(make_project):
    """Projects in both streets of district A, one in district B, of two types and start years."""
    from projects.models import ProjectType

    return {
        "a1_rental_2027": make_project(region_code="440402001001"),
        "a1_talent_2027": make_project(region_code="440402001002", project_type=ProjectType.TALENT),
        "a2_rental_2028": make_project(region_code="440402002001", start=datetime.date(2028, 5, 1)),
        "b_rental_2027": make_project(region_code="440403001001"),
    }
