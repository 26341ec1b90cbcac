"""Families for the rules tests: one that passes every default condition of each project."""

from __future__ import annotations

import datetime

from conftest import STREET_A1

ON = datetime.date(2025, 6, 1)
FAMILY_REGION = STREET_A1[:9] + "001"  # a community of 翠香街道

LIANZU_OK = {
    "household_size": 3,
    "per_capita_monthly_income": "1000",
    "per_capita_floor_area": "10",
    "per_capita_assets": "50000",
    "local_hukou_years": 5,
    "owns_other_property": False,
    "on_credit_blacklist": False,
    "enjoys_housing_security": False,
    "applicant_age": 40,
    "is_dibao": False,
}
GONGZU_HUKOU_OK = {
    "household_size": 3,
    "local_hukou_years": 2,
    "per_capita_annual_income": "30000",
    "per_capita_floor_area": "10",
    "labour_contract_years": 0,  # the other track fails outright, so this track alone decides
}
GONGZU_MIGRANT_OK = {
    "household_size": 1,
    "labour_contract_years": 2,
    "social_insurance_months": 24,
    "owns_property_in_city": False,
}
JINGSHI_OK = {
    "household_size": 3,
    "local_hukou_years": 6,
    "per_capita_monthly_income": "1800",
    "per_capita_floor_area": "10",
    "owns_other_property": False,
    "sold_property_within_5_years": False,
}
RENCAI_OK = {
    "education": "master",
    "applicant_age": 38,
    "social_insurance_months": 6,
    "owns_property_in_city": False,
    "enjoys_housing_security": False,
    "talent_subsidy_months_received": 0,
}

MODES = {
    "lianzu": "rent_subsidy",
    "gongzu": "rental_in_kind",
    "jingshi": "sale_in_kind",
    "rencai": "rent_subsidy",
}
BASE = {"lianzu": LIANZU_OK, "gongzu": GONGZU_HUKOU_OK, "jingshi": JINGSHI_OK, "rencai": RENCAI_OK}


def run(
    project: str,
    facts: dict,
    *,
    on_date: datetime.date = ON,
    region: str = FAMILY_REGION,
    mode: str | None = None,
    ruleset=None,
):
    from rules.engine import evaluate

    return evaluate(
        facts=facts,
        project_code=project,
        mode_code=mode or MODES[project],
        on_date=on_date,
        region_code=region,
        ruleset=ruleset,
    )


def outcome(result, code: str) -> str:
    matches = [item for item in result.trace if item.code == code]
    assert matches, f"no condition {code} in trace"
    return matches[0].outcome
