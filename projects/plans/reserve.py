"""What the annual project reserve copies from the project library (read-only use of ``projects``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

TEN_THOUSAND = Decimal("10000")


def yuan_to_wan(value: Decimal | None) -> Decimal | None:
    """元 → 万元, rounded half-up once to 2 places (the project library keeps yuan)."""
    if value is None:
        return None
    return (Decimal(value) / TEN_THOUSAND).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def project_reserve_defaults(project) -> dict[str, Any]:
    """A.9.4 figures of one project as the library knows them now; the district may adjust them."""
    return {
        "project_type": project.get_project_type_display(),
        "construction_mode": project.get_construction_mode_display(),
        "project_number": project.number,
        "project_name": project.name,
        "construction_floor_area": project.building_in_progress_area,
        "construction_residential_area": project.residential_in_progress_area,
        "construction_units": project.residential_in_progress_units,
        "new_start_floor_area": project.building_year_started_area,
        "new_start_residential_area": project.residential_year_started_area,
        "new_start_units": project.residential_year_started_units or project.planned_units,
        "completed_floor_area": project.building_year_completed_area,
        "completed_residential_area": project.residential_year_completed_area,
        "completed_units": project.residential_year_completed_units,
        "land_supply_area": project.land_supplied_area,
        "investment": yuan_to_wan(project.year_investment),
    }
