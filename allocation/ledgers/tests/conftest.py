"""A small city with a few months of stock and family movements, to build ledgers from."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from admission.models import Application, ApplicationState
from admission.registry.services import (
    registry_entry_create,
    registry_entry_exit,
    registry_entry_start_guarantee,
)
from admission.support_approvals import SupplierUnitApproval
from admission.tests.registry.conftest import new_case
from projects.models import UnitState
from projects.plans.models import SubsidyAllocation
from projects.services import handover_batch_create, unit_change, unit_transfer, unit_transition
from projects.tests.factories import make_building, make_project
from rules.defaults import rules_seed_defaults
from rules.engine import rules_cache_clear

CITY = "440400000000"
DISTRICT_A = "440402000000"
DISTRICT_B = "440403000000"
COMMUNITY_A1 = "440402001001"
COMMUNITY_B = "440403001001"


def at(year, month, day) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))


@pytest.fixture
def project_officer(make_staff):
    return make_staff("project_officer", [("project_officer", CITY)], is_staff=True)


@pytest.fixture
def approved_supplier(regions):
    return SupplierUnitApproval.objects.create(
        approval_number="ZCSP202611001",
        region_code=DISTRICT_A,
        supplier_type="developer",
        support_project_code="ZC-KF",
        support_mode="money",
        requested_amount=Decimal("1200000.00"),
        approved_amount=Decimal("1000000.00"),
        unit_code="91440400MA4UL2QK1D",
        unit_name="珠海华发城市运营投资控股有限公司",
        project_number="XM-2026-0012",
        project_name="华发保障房配建项目",
        state="approved",
    )


@pytest.fixture
def city(
    regions,
    superuser,
    city_admin,
    project_officer,
):
    """Aug–Nov 2026 in two districts: handovers, a cancellation, a transfer, families in and out, money."""
    # The stock changes below happen "today"; the ledgers expect that day in November 2026,
    # whatever the calendar says when the suite runs.
    with time_machine.travel(at(2026, 11, 20), tick=True):
        rules_cache_clear()
        rules_seed_defaults()

        project_a = make_project(region_code=DISTRICT_A)
        b1 = make_building(project=project_a, floors=2, per_floor=3)  # 6 units
        b2 = make_building(project=project_a, floors=1, per_floor=4)  # 4 units
        project_b = make_project(region_code=DISTRICT_B)
        b3 = make_building(project=project_b, floors=1, per_floor=5)  # 5 units
        handover_batch_create(
            project=project_a,
            buildings=[b1],
            number="YJ-A-1",
            handed_over_by="市建设局",
            handed_over_on=datetime.date(2026, 8, 20),
            actor=project_officer,
        )
        handover_batch_create(
            project=project_a,
            buildings=[b2],
            number="YJ-A-2",
            handed_over_by="市建设局",
            handed_over_on=datetime.date(2026, 10, 5),
            actor=project_officer,
        )
        handover_batch_create(
            project=project_b,
            buildings=[b3],
            number="YJ-B-1",
            handed_over_by="斗门区建设局",
            handed_over_on=datetime.date(2026, 9, 12),
            actor=project_officer,
        )
        first = b1.units.order_by("pk").first()
        unit_transition(unit=first, transition="cancel", actor=project_officer, opinion="房屋拆除")  # today
        moved = b3.units.order_by("pk").last()
        unit_transfer(unit=moved, to_region_code=DISTRICT_A, reason="调剂至香洲区", actor=project_officer)
        changed = b2.units.order_by("pk").first()  # handed over in October, changed today
        unit_change(
            unit=changed,
            changes={"guarantee_mode": "low_rent", "floor_area": Decimal("65.50")},
            reason="改作廉租房并复测面积",
            actor=project_officer,
        )

        cases = [
            new_case(superuser, name="陈一", region_code=COMMUNITY_A1),
            new_case(superuser, name="李二", region_code=COMMUNITY_A1),
            new_case(superuser, name="王三", region_code=COMMUNITY_B),
            new_case(superuser, name="赵四", region_code=COMMUNITY_A1, mode="rent_subsidy", project="lianzu"),
            new_case(superuser, name="孙五", region_code=COMMUNITY_B),  # stays waiting
        ]
        # The three-level review is admission's to test; here the cases are registered directly.
        Application.objects.filter(pk__in=[c.pk for c in cases]).update(state=ApplicationState.REGISTERED)
        entries = [
            registry_entry_create(application=Application.objects.get(pk=c.pk), actor=city_admin)
            for c in cases
        ]
        starts = [at(2026, 9, 3), at(2026, 9, 20), at(2026, 10, 8), at(2026, 8, 25)]
        for entry, started in zip(entries, starts, strict=False):
            registry_entry_start_guarantee(entry=entry, actor=city_admin, started_at=started)
        registry_entry_exit(
            entry=entries[1], actor=city_admin, reason="购买商品住房", exited_at=at(2026, 10, 30)
        )
        SubsidyAllocation.objects.create(
            number="ZJ-2026-01",
            project_name="公租房建设补助",
            purpose="public_rental",
            standard_value=Decimal("100"),
            amount=Decimal("500000.00"),
            year=2026,
            tier="central",
            received_on=datetime.date(2026, 9, 15),
            region_code=DISTRICT_A,
        )
    yield {"entries": entries, "project_a": project_a, "project_b": project_b}
    rules_cache_clear()


def stock_by_county() -> dict[str, int]:
    result: dict[str, int] = {}
    for (_mode, county), (units, _area) in stock_by_mode_and_county().items():
        result[county] = result.get(county, 0) + units
    return result


def stock_by_mode_and_county() -> dict[tuple[str, str], tuple[int, Decimal]]:
    """The housing stock (handed over, not cancelled) by 保障方式 and 区县: units and floor area."""
    from projects.models import Unit

    result: dict[tuple[str, str], tuple[int, Decimal]] = {}
    rows = Unit.objects.filter(is_handed_over=True).exclude(state=UnitState.CANCELLED)
    for mode, code, area in rows.values_list("guarantee_mode", "region_code", "floor_area"):
        key = (mode, code[:6] + "000000")
        units, total = result.get(key, (0, Decimal("0")))
        result[key] = (units + 1, total + (area or Decimal("0")))
    return result
