"""Properties that hold for every family (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import LIANZU_OK
from .helpers import run as run_with

money = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False)
families = st.fixed_dictionaries(
    {
        "household_size": st.integers(min_value=1, max_value=8),
        "per_capita_monthly_income": money,
        "per_capita_floor_area": st.decimals(min_value=0, max_value=40, places=2),
        "per_capita_assets": st.decimals(min_value=0, max_value=200_000, places=2),
        "local_hukou_years": st.decimals(min_value=0, max_value=30, places=1),
        "applicant_age": st.integers(min_value=18, max_value=90),
        "is_dibao": st.booleans(),
        "owns_other_property": st.booleans(),
    },
    optional={"actual_monthly_rent": money, "on_credit_blacklist": st.booleans()},
)
SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(family=families, raise_by=st.decimals(min_value=Decimal("0.01"), max_value=5000, places=2))
def test_raising_income_never_makes_an_ineligible_family_eligible(compiled_defaults, family, raise_by):
    facts = {**LIANZU_OK, **family}
    ruleset = compiled_defaults["lianzu"]
    before = run_with("lianzu", facts, ruleset=ruleset)
    richer = {**facts, "per_capita_monthly_income": facts["per_capita_monthly_income"] + raise_by}
    after = run_with("lianzu", richer, ruleset=ruleset)
    if before.eligible is False:
        assert after.eligible is False
    if before.eligible is None:
        assert after.eligible is not True


@SETTINGS
@given(family=families)
def test_evaluation_is_deterministic(compiled_defaults, family):
    facts = {**LIANZU_OK, **family}
    ruleset = compiled_defaults["lianzu"]
    first = run_with("lianzu", facts, ruleset=ruleset).as_dict()
    second = run_with("lianzu", dict(reversed(list(facts.items()))), ruleset=ruleset).as_dict()
    assert first == second


@SETTINGS
@given(family=families)
def test_amounts_are_never_negative_and_have_two_decimals(compiled_defaults, family):
    result = run_with("lianzu", {**LIANZU_OK, **family}, ruleset=compiled_defaults["lianzu"])
    for value in result.amounts.values():
        if value is not None:
            assert value >= 0
            assert value.as_tuple().exponent == -2


@pytest.mark.parametrize("persons", range(1, 7))
def test_low_income_support_multiplier_raises_the_subsidy_by_a_fifth(compiled_defaults, persons):
    facts = {**LIANZU_OK, "household_size": persons, "per_capita_floor_area": "3"}
    plain = run_with("lianzu", {**facts, "is_dibao": False}, ruleset=compiled_defaults["lianzu"])
    dibao = run_with("lianzu", {**facts, "is_dibao": True}, ruleset=compiled_defaults["lianzu"])
    assert dibao.amounts["monthly_subsidy"] == (plain.amounts["monthly_subsidy"] * Decimal("1.2")).quantize(
        Decimal("0.01")
    )
