"""Registered families (through the real review lifecycle) and delivered units of every guarantee mode."""

from __future__ import annotations

from decimal import Decimal

import pytest

from admission.tests.registry.conftest import new_case, register
from projects.models import GuaranteeMode, Unit, UnitState
from projects.tests.factories import make_building, make_project
from rules.defaults import rules_seed_defaults
from rules.engine import rules_cache_clear

DISTRICT_A = "440402000000"


@pytest.fixture(autouse=True)
def _rules(regions):
    rules_cache_clear()
    rules_seed_defaults()
    yield
    rules_cache_clear()


@pytest.fixture
def reviewers(street_caseworker, district_reviewer, city_admin):
    return {"street": street_caseworker, "district": district_reviewer, "city": city_admin}


@pytest.fixture
def family(superuser, reviewers):
    """Registers one family: family(project, mode, name=…, **family fields) -> RegistryEntry."""

    def make(project="gongzu", mode="rental_in_kind", *, name="陈翠香", **extra):
        application = register(new_case(superuser, name=name, project=project, mode=mode, **extra), reviewers)
        return application.registry_entry

    return make


@pytest.fixture
def units(regions):
    """units(mode, n=2) -> delivered units of that guarantee mode in 香洲区 (60 m², 12.50 元/m²·月, 9800 元/m²)."""

    def make(mode=GuaranteeMode.PUBLIC_RENTAL, n=2):
        building = make_building(project=make_project(region_code=DISTRICT_A), floors=1, per_floor=n,
                                 state=UnitState.DELIVERED)  # fmt: skip
        Unit.objects.filter(building=building).update(
            guarantee_mode=mode, rent_standard=Decimal("12.50"), price_standard=Decimal("9800.00")
        )
        return list(Unit.objects.filter(building=building).order_by("room_number"))

    return make
