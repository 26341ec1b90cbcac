"""Builders of projects, buildings and units for tests and benchmarks (bulk, fast)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from itertools import count

from projects.models import Building, Project, ProjectType, Unit, UnitState

_seq = count(1)


def make_project(*, region_code: str, number: str | None = None, **extra) -> Project:
    n = next(_seq)
    defaults = {
        "number": number or f"XM-{n:05d}",
        "name": f"测试项目{n}",
        "project_type": ProjectType.PUBLIC_RENTAL,
        "planned_start_date": datetime.date(2024, 3, 1),
        "planned_units": 100,
        "planned_floor_area": Decimal("6500.00"),
        "total_investment": Decimal("30000000.00"),
        "latitude": Decimal("22.270000"),
        "longitude": Decimal("113.560000"),
    }
    defaults.update(extra)
    return Project.objects.create(region_code=region_code, **defaults)


def make_building(
    *,
    project: Project,
    floors: int,
    per_floor: int,
    state: str = UnitState.UNDELIVERED,
    number: str | None = None,
) -> Building:
    """A building with floors × per_floor units, room numbers 101, 102 … all in ``state``."""
    n = next(_seq)
    building = Building.objects.create(
        number=number or f"B-{n:05d}",
        project=project,
        region_code=project.region_code,
        name=f"{n}号楼",
        total_floors=floors,
    )
    Unit.objects.bulk_create(
        Unit(
            number=f"{building.number}-{floor}{pos:02d}",
            building=building,
            region_code=project.region_code,
            start_floor=floor,
            room_number=f"{floor}{pos:02d}",
            floor_area=Decimal("60.00"),
            layout="两室一厅",
            state=state,
            occupant_name="张三" if state == UnitState.OCCUPIED else "",
            is_handed_over=state != UnitState.UNDELIVERED,
        )
        for floor in range(1, floors + 1)
        for pos in range(1, per_floor + 1)
    )
    return building
