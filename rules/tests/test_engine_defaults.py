"""The default rule sets decide families exactly at their bounds, explain why, and compute standards."""

from __future__ import annotations

from decimal import Decimal

import pytest

from .helpers import BASE, GONGZU_MIGRANT_OK, LIANZU_OK, outcome
from .helpers import run as run_with

# Evaluation is pure: these tests use the compiled defaults and touch no database.
COMPILED: dict = {}


@pytest.fixture(autouse=True)
def _compiled(compiled_defaults):
    COMPILED.update(compiled_defaults)


def run(project, facts, **kwargs):
    return run_with(project, facts, ruleset=COMPILED[project], **kwargs)


# A migrant family whose 户籍 track fails outright, so the migrant track alone decides.
MIGRANT_ONLY = {**GONGZU_MIGRANT_OK, "local_hukou_years": 0}

# (project, condition code, factor, value, expected outcome of that condition, extra facts)
BOUNDARIES = [
    # 廉租: 本市户籍 ≥ 3 年 (inclusive lower)
    ("lianzu", "hukou_years", "local_hukou_years", "2.99", "fail", {}),
    ("lianzu", "hukou_years", "local_hukou_years", "3", "pass", {}),
    ("lianzu", "hukou_years", "local_hukou_years", "3.01", "pass", {}),
    # 廉租: 人均月收入 < 1,549 元 (exclusive upper)
    ("lianzu", "income", "per_capita_monthly_income", "1548.99", "pass", {}),
    ("lianzu", "income", "per_capita_monthly_income", "1549", "fail", {}),
    ("lianzu", "income", "per_capita_monthly_income", "1549.01", "fail", {}),
    # 廉租: 人均住房面积 < 15 m²
    ("lianzu", "floor_area", "per_capita_floor_area", "14.99", "pass", {}),
    ("lianzu", "floor_area", "per_capita_floor_area", "15", "fail", {}),
    ("lianzu", "floor_area", "per_capita_floor_area", "15.01", "fail", {}),
    # 廉租: 人均资产 ≤ 88,000 元 for 1–2 persons (inclusive upper, size band)
    ("lianzu", "assets_small", "per_capita_assets", "87999.99", "pass", {"household_size": 2}),
    ("lianzu", "assets_small", "per_capita_assets", "88000", "pass", {"household_size": 2}),
    ("lianzu", "assets_small", "per_capita_assets", "88000.01", "fail", {"household_size": 2}),
    ("lianzu", "assets_small", "per_capita_assets", "88000.01", "not_applicable", {"household_size": 3}),
    # 廉租: 人均资产 ≤ 80,000 元 for 3 or more persons
    ("lianzu", "assets_large", "per_capita_assets", "79999.99", "pass", {}),
    ("lianzu", "assets_large", "per_capita_assets", "80000", "pass", {}),
    ("lianzu", "assets_large", "per_capita_assets", "80000.01", "fail", {}),
    ("lianzu", "assets_large", "per_capita_assets", "85000", "not_applicable", {"household_size": 2}),
    # 廉租: 单身申请人年满 35 周岁
    ("lianzu", "single_35", "applicant_age", "34", "fail", {"household_size": 1}),
    ("lianzu", "single_35", "applicant_age", "35", "pass", {"household_size": 1}),
    ("lianzu", "single_35", "applicant_age", "36", "pass", {"household_size": 1}),
    ("lianzu", "not_single", "household_size", "1", "fail", {}),
    ("lianzu", "not_single", "household_size", "2", "pass", {}),
    # 廉租: qualitative conditions
    ("lianzu", "no_other_property", "owns_other_property", True, "fail", {}),
    ("lianzu", "not_blacklisted", "on_credit_blacklist", True, "fail", {}),
    ("lianzu", "no_security", "enjoys_housing_security", True, "fail", {}),
    # 公租 户籍通道
    ("gongzu", "hukou_years", "local_hukou_years", "0.99", "fail", {}),
    ("gongzu", "hukou_years", "local_hukou_years", "1", "pass", {}),
    ("gongzu", "hukou_years", "local_hukou_years", "1.01", "pass", {}),
    ("gongzu", "income", "per_capita_annual_income", "39999.99", "pass", {}),
    ("gongzu", "income", "per_capita_annual_income", "40000", "pass", {}),
    ("gongzu", "income", "per_capita_annual_income", "40000.01", "fail", {}),
    ("gongzu", "floor_area", "per_capita_floor_area", "14.99", "pass", {}),
    ("gongzu", "floor_area", "per_capita_floor_area", "15", "fail", {}),
    ("gongzu", "floor_area", "per_capita_floor_area", "15.01", "fail", {}),
    # 公租 新就业/外来务工通道
    ("gongzu", "contract", "labour_contract_years", "0.99", "fail", MIGRANT_ONLY),
    ("gongzu", "contract", "labour_contract_years", "1", "pass", MIGRANT_ONLY),
    ("gongzu", "contract", "labour_contract_years", "1.5", "pass", MIGRANT_ONLY),
    ("gongzu", "insurance", "social_insurance_months", "11", "fail", MIGRANT_ONLY),
    ("gongzu", "insurance", "social_insurance_months", "12", "pass", MIGRANT_ONLY),
    ("gongzu", "insurance", "social_insurance_months", "13", "pass", MIGRANT_ONLY),
    ("gongzu", "no_property", "owns_property_in_city", True, "fail", MIGRANT_ONLY),
    # 经适
    ("jingshi", "hukou_years", "local_hukou_years", "4.99", "fail", {}),
    ("jingshi", "hukou_years", "local_hukou_years", "5", "pass", {}),
    ("jingshi", "hukou_years", "local_hukou_years", "5.01", "pass", {}),
    ("jingshi", "income", "per_capita_monthly_income", "2064.99", "pass", {}),
    ("jingshi", "income", "per_capita_monthly_income", "2065", "fail", {}),
    ("jingshi", "income", "per_capita_monthly_income", "2065.01", "fail", {}),
    ("jingshi", "floor_area", "per_capita_floor_area", "14.99", "pass", {}),
    ("jingshi", "floor_area", "per_capita_floor_area", "15", "fail", {}),
    ("jingshi", "no_other_property", "owns_other_property", True, "fail", {}),
    ("jingshi", "no_recent_sale", "sold_property_within_5_years", True, "fail", {}),
    # 人才: age by degree (inclusive upper)
    ("rencai", "age_35", "applicant_age", "34", "pass", {"education": "bachelor"}),
    ("rencai", "age_35", "applicant_age", "35", "pass", {"education": "bachelor"}),
    ("rencai", "age_35", "applicant_age", "36", "fail", {"education": "bachelor"}),
    ("rencai", "age_40", "applicant_age", "39", "pass", {}),
    ("rencai", "age_40", "applicant_age", "40", "pass", {}),
    ("rencai", "age_40", "applicant_age", "41", "fail", {}),
    ("rencai", "age_45", "applicant_age", "44", "pass", {"education": "doctorate"}),
    ("rencai", "age_45", "applicant_age", "45", "pass", {"education": "doctorate"}),
    ("rencai", "age_45", "applicant_age", "46", "fail", {"education": "doctorate"}),
    ("rencai", "insurance", "social_insurance_months", "2", "fail", {}),
    ("rencai", "insurance", "social_insurance_months", "3", "pass", {}),
    ("rencai", "insurance", "social_insurance_months", "4", "pass", {}),
    ("rencai", "months_left", "talent_subsidy_months_received", "35", "pass", {}),
    ("rencai", "months_left", "talent_subsidy_months_received", "36", "fail", {}),
    ("rencai", "months_left", "talent_subsidy_months_received", "37", "fail", {}),
    ("rencai", "degree", "education", "college", "fail", {}),
    ("rencai", "no_property", "owns_property_in_city", True, "fail", {}),
    ("rencai", "no_other_benefit", "enjoys_housing_security", True, "fail", {}),
]


@pytest.mark.parametrize(("project", "code", "factor", "value", "expected", "extra"), BOUNDARIES)
def test_default_condition_at_its_bound(project, code, factor, value, expected, extra):
    facts = {**BASE[project], **extra, factor: value}
    result = run(project, facts)
    assert outcome(result, code) == expected
    if code in {"not_single", "single_35"}:
        return  # members of an OR group: the other member may still carry the family
    if expected == "fail":
        assert result.eligible is False
    elif expected == "pass":
        assert result.eligible is True


@pytest.mark.parametrize("project", ["lianzu", "gongzu", "jingshi", "rencai"])
def test_base_family_is_eligible(project):
    result = run(project, BASE[project])
    assert result.eligible is True
    assert result.version.project_code == project
    assert result.version.version == 1


def test_explanation_reads_like_a_caseworker_would_say_it():
    result = run("lianzu", {**LIANZU_OK, "per_capita_monthly_income": "1800"})
    item = next(i for i in result.trace if i.code == "income")
    assert item.explanation == "家庭人均月收入 1,800 元，超过 1,549 元的标准"
    assert item.upper == Decimal("1549") and item.upper_inclusive is False
    assert item.category == "收入"
    hukou = next(i for i in result.trace if i.code == "hukou_years")
    assert hukou.explanation == "本市户籍年限 5 年，满 3 年的要求"
    on_bound = run("lianzu", {**LIANZU_OK, "per_capita_monthly_income": "1549"})
    assert (
        "达到 1,549 元的标准，须低于 1,549 元"
        in next(i for i in on_bound.trace if i.code == "income").explanation
    )
    property_item = next(
        i
        for i in run("lianzu", {**LIANZU_OK, "owns_other_property": True}).trace
        if i.code == "no_other_property"
    )
    assert property_item.explanation == "拥有其他住房：是，不符合要求（应为否）"


def test_a_single_applicant_under_35_is_refused_and_a_couple_is_not():
    assert run("lianzu", {**LIANZU_OK, "household_size": 1, "applicant_age": 30}).eligible is False
    assert run("lianzu", {**LIANZU_OK, "household_size": 2, "applicant_age": 30}).eligible is True


def test_migrant_track_alone_makes_a_public_rental_family_eligible():
    result = run("gongzu", GONGZU_MIGRANT_OK)
    assert result.eligible is True
    tracks = {g.code: g.outcome for g in result.groups}
    assert tracks["migrant_track"] == "pass"
    assert tracks["hukou_track"] == "unknown"  # its facts were not given, and that is said
    assert run("gongzu", {**GONGZU_MIGRANT_OK, "social_insurance_months": 6}).eligible is None


# --- 廉租 rent subsidy: 15 元/m² × (min(15 m² × counted persons, 60 m²) − own area) × 1.2 for 低保 ---

SUBSIDY = [
    # persons, 低保, expected monthly subsidy with 5 m² per person owned
    (1, False, "262.50"),  # counted 1.5 → 22.5 m² − 5 = 17.5 × 15
    (1, True, "315.00"),
    (2, False, "300.00"),  # 30 − 10 = 20
    (2, True, "360.00"),
    (3, False, "450.00"),  # 45 − 15 = 30
    (3, True, "540.00"),
    (4, False, "600.00"),  # min(60, 60) − 20 = 40
    (4, True, "720.00"),
    (5, False, "525.00"),  # capped at 60 − 25 = 35
    (5, True, "630.00"),
    (6, False, "450.00"),  # 60 − 30 = 30
    (6, True, "540.00"),
]


@pytest.mark.parametrize(("persons", "dibao", "expected"), SUBSIDY)
def test_lianzu_rent_subsidy_for_one_to_six_persons(persons, dibao, expected):
    facts = {**LIANZU_OK, "household_size": persons, "per_capita_floor_area": "5", "is_dibao": dibao}
    result = run("lianzu", facts)
    assert result.eligible is True
    assert result.amounts["monthly_subsidy"] == Decimal(expected)
    assert str(result.amounts["monthly_subsidy"]) == expected


def test_lianzu_subsidy_never_exceeds_the_actual_rent():
    facts = {**LIANZU_OK, "per_capita_floor_area": "5"}
    assert run("lianzu", {**facts, "actual_monthly_rent": "400"}).amounts["monthly_subsidy"] == Decimal(
        "400.00"
    )
    assert run("lianzu", {**facts, "actual_monthly_rent": "1000"}).amounts["monthly_subsidy"] == Decimal(
        "450.00"
    )
    without_rent = run("lianzu", facts)
    line = next(line for line in without_rent.amount_lines if line.code == "monthly_subsidy")
    assert line.value == Decimal("450.00")
    assert "实际月租金" in line.explanation


def test_lianzu_subsidy_is_never_negative_and_rounds_half_up():
    bigger = {**LIANZU_OK, "household_size": 5, "per_capita_floor_area": "14.99"}
    assert run("lianzu", bigger).amounts["monthly_subsidy"] == Decimal("0.00")
    # 22.5 − 14.333 = 8.167 m² × 15 = 122.505 → 122.51 (half-up, once, at the end)
    single = {**LIANZU_OK, "household_size": 1, "applicant_age": 40, "per_capita_floor_area": "14.333"}
    assert run("lianzu", single).amounts["monthly_subsidy"] == Decimal("122.51")
    assert run("lianzu", single).amounts["guaranteed_area"] == Decimal("22.50")


def test_an_ineligible_family_gets_no_amounts():
    result = run("lianzu", {**LIANZU_OK, "per_capita_monthly_income": "3000"})
    assert result.eligible is False
    assert dict(result.amounts) == {}


# --- unknown facts ---


def test_a_missing_fact_is_unknown_never_a_pass():
    facts = dict(LIANZU_OK)
    del facts["per_capita_assets"]
    result = run("lianzu", facts)
    assert result.eligible is None
    assert outcome(result, "assets_large") == "unknown"
    assert "per_capita_assets" in result.unknown_factors
    item = next(i for i in result.trace if i.code == "assets_large")
    assert item.explanation == "缺少“家庭人均资产”，无法判断"
    assert result.eligible_label == "无法判断（缺少事实）"


def test_a_missing_fact_does_not_hide_a_clear_failure():
    facts = {**LIANZU_OK, "per_capita_monthly_income": "5000"}
    del facts["per_capita_assets"]
    assert run("lianzu", facts).eligible is False


def test_none_counts_as_missing_and_a_missing_household_size_leaves_bands_unknown():
    assert run("lianzu", {**LIANZU_OK, "on_credit_blacklist": None}).eligible is None
    facts = dict(LIANZU_OK)
    del facts["household_size"]
    result = run("lianzu", facts)
    assert outcome(result, "assets_small") == "unknown"
    assert result.eligible is None


def test_a_missing_fact_in_a_formula_leaves_that_amount_unknown():
    facts = dict(LIANZU_OK)
    del facts["is_dibao"]
    result = run("lianzu", facts)
    assert result.eligible is True
    assert result.amounts["monthly_subsidy"] is None
    assert "is_dibao" in result.unknown_factors


def test_a_fact_of_the_wrong_type_is_refused_in_chinese():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as excinfo:
        run("lianzu", {**LIANZU_OK, "per_capita_monthly_income": "一千"})
    assert "家庭人均月收入" in excinfo.value.messages[0]


# --- other standards ---


@pytest.mark.parametrize(
    ("income", "dibao", "factor", "rent"),
    [
        ("14856", False, "0.10", "300.00"),
        ("14856.01", False, "0.30", "900.00"),
        ("22284", False, "0.30", "900.00"),
        ("29434", False, "0.50", "1500.00"),
        ("29434.01", False, "0.70", "2100.00"),
        ("29434.01", True, "0.05", "150.00"),
    ],
)
def test_public_rental_rent_factor_by_income(income, dibao, factor, rent):
    facts = {
        **BASE["gongzu"],
        "per_capita_annual_income": income,
        "is_dibao": dibao,
        "market_monthly_rent": "3000",
    }
    result = run("gongzu", facts)
    assert result.amounts["rent_factor"] == Decimal(factor)
    assert result.amounts["monthly_rent"] == Decimal(rent)


@pytest.mark.parametrize(
    ("education", "age", "received", "monthly", "quarterly"),
    [
        ("bachelor", 30, 0, "1000.00", "3000.00"),
        ("master", 38, 0, "1500.00", "4500.00"),
        ("doctorate", 44, 34, "2000.00", "4000.00"),  # only 2 months left of 36
    ],
)
def test_talent_subsidy_by_degree_and_36_month_limit(education, age, received, monthly, quarterly):
    facts = {
        **BASE["rencai"],
        "education": education,
        "applicant_age": age,
        "talent_subsidy_months_received": received,
    }
    result = run("rencai", facts)
    assert result.eligible is True
    assert result.amounts["monthly_subsidy"] == Decimal(monthly)
    assert result.amounts["quarterly_payment"] == Decimal(quarterly)


def test_the_rental_in_kind_mode_of_lianzu_has_the_same_conditions():
    result = run("lianzu", LIANZU_OK, mode="rental_in_kind")
    assert result.eligible is True
    assert dict(result.amounts) == {}
