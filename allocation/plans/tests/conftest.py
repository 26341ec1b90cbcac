from __future__ import annotations

import pytest

from rules.defaults import rules_seed_defaults
from rules.engine import rules_cache_clear

from ..services import allocation_plan_create

QUARTER = "2026Q2"


@pytest.fixture(autouse=True)
def _rules(regions):
    rules_cache_clear()
    rules_seed_defaults()
    yield
    rules_cache_clear()


@pytest.fixture
def new_plan(city_admin):
    def make(*, region_code="440402000000", method="waitlist", actor=None, **extra):
        data = {
            "name": "测试配置方案",
            "project_code": "gongzu",
            "mode_code": "rental_in_kind",
            "period_kind": "quarter",
            "period": QUARTER,
            **extra,
        }
        return allocation_plan_create(
            actor=actor or city_admin, region_code=region_code, method=method, **data
        )

    return make
