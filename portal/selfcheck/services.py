"""资格评估: which questions to ask and what the rules engine says of the answers.

Pure reads: nothing is stored (the answers travel with the form). The questions are the factors the
rule sets in force today actually test, asked in household terms (家庭月总收入, 现住房总建筑面积) and
turned into the per-capita facts the conditions use.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError

from housing.regions.codes import parent_code
from rules.engine import CompiledCondition, CompiledGroup, CompiledRuleSet, compiled_in_force, evaluate
from rules.factors import factor_get

# Asked as a household total and divided by the household size (the conditions test per-capita facts).
TOTALS = {
    "monthly_income_total": ("家庭月总收入（所有成员税后工资、经营、养老金等合计）", "元"),
    "floor_area_total": ("现有住房总建筑面积（没有住房填 0）", "m²"),
    "assets_total": ("家庭资产合计（存款、股票、车辆等）", "元"),
}
DERIVED = {
    "per_capita_monthly_income": "monthly_income_total",
    "per_capita_annual_income": "monthly_income_total",
    "per_capita_floor_area": "floor_area_total",
    "per_capita_assets": "assets_total",
}
# The steps of the page, in order; a factor not listed goes to the last step.
STEPS = (
    ("family", "家庭与户籍", ("household_size", "local_hukou_years", "social_insurance_months",
                         "housing_fund_months", "labour_contract_years", "applicant_age", "marital_status",
                         "education", "professional_title", "on_talent_list")),
    ("income", "收入与资产", ("monthly_income_total", "assets_total", "vehicle_value")),
    ("housing", "住房情况", ("floor_area_total", "owns_property_in_city", "owns_other_property",
                         "sold_property_within_5_years", "enjoys_housing_security")),
    ("special", "特殊情况", ()),
)  # fmt: skip
# Facts that order a waitlist or identify a case, never asked of a citizen.
NOT_ASKED = {
    "receipt_number",
    "lottery_number",
    "hukou_date",
    "social_insurance_start_date",
    "applicant_birth_date",
}


@dataclass(frozen=True)
class Question:
    code: str
    label: str
    type: str  # decimal | integer | boolean | choice
    unit: str = ""
    choices: tuple = ()
    help: str = ""


@dataclass
class ModeVerdict:
    project_name: str
    mode_name: str
    eligible: bool | None
    unmet: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    amounts: list[tuple[str, str]] = field(default_factory=list)


def rule_sets_in_force(*, region_code: str, on_date: datetime.date) -> list[CompiledRuleSet]:
    from rules.models import GuaranteeProject

    codes = (
        GuaranteeProject.objects.filter(region_code__in=_ancestors(region_code))
        .values_list("code", flat=True)
        .distinct()
        .order_by("code")
    )
    found = []
    for code in codes:
        try:
            found.append(compiled_in_force(project_code=code, region_code=region_code, on_date=on_date))
        except ValidationError:
            continue  # no version of this project in force here today
    return found


def _ancestors(region_code: str) -> list[str]:
    """The region and every region above it (a city's projects apply to its districts)."""
    codes, code = [], region_code
    while code is not None:
        codes.append(code)
        code = parent_code(code)
    return codes


def _condition_factors(node, into: set[str]) -> None:
    if isinstance(node, CompiledCondition):
        into.add(node.factor)
        if node.size_min is not None or node.size_max is not None:
            into.add("household_size")
    elif isinstance(node, CompiledGroup):
        for child in node.children:
            _condition_factors(child, into)


def questions_for(rule_sets: list[CompiledRuleSet]) -> list[tuple[str, str, list[Question]]]:
    """(step code, step title, questions) of the factors the rule sets test, household size first."""
    used: set[str] = {"household_size"}
    for compiled in rule_sets:
        for mode in compiled.modes.values():
            _condition_factors(mode.root, used)
    asked: set[str] = set()
    for code in used - NOT_ASKED:
        asked.add(DERIVED.get(code, code))
    by_step = {code: [] for code, _title, _codes in STEPS}
    placed = set()
    for step, _title, codes in STEPS:
        for code in codes:
            if code in asked:
                by_step[step].append(_question(code))
                placed.add(code)
    for code in sorted(asked - placed):
        question = _question(code)
        if question is not None:
            by_step["special"].append(question)
    return [(step, title, [q for q in by_step[step] if q]) for step, title, _codes in STEPS if by_step[step]]


def _question(code: str) -> Question | None:
    if code in TOTALS:
        label, unit = TOTALS[code]
        return Question(code, label, "decimal", unit)
    factor = factor_get(code)
    if factor is None or factor.type in ("date", "text"):
        return None
    return Question(code, factor.label, factor.type, factor.unit, factor.choices, factor.description)


def facts_from_answers(answers: dict[str, Any]) -> dict[str, Any]:
    """The engine's facts: answers as given, totals divided by the household size; blanks left out."""
    facts = {k: v for k, v in answers.items() if v not in (None, "") and k not in TOTALS}
    size = answers.get("household_size")
    if size:
        for fact, total in DERIVED.items():
            value = answers.get(total)
            if value is None or value == "":
                continue
            per_capita = Decimal(value) / Decimal(size)
            if fact == "per_capita_annual_income":
                per_capita *= 12
            facts[fact] = per_capita.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return facts


def selfcheck_evaluate(
    *, answers: dict[str, Any], region_code: str, on_date: datetime.date
) -> list[ModeVerdict]:
    """Every project and mode in force, eligible ones first, each unmet condition in plain words."""
    facts = facts_from_answers(answers)
    verdicts = []
    for compiled in rule_sets_in_force(region_code=region_code, on_date=on_date):
        for mode_code, mode in compiled.modes.items():
            result = evaluate(
                facts=facts,
                project_code=compiled.info.project_code,
                mode_code=mode_code,
                on_date=on_date,
                region_code=region_code,
                ruleset=compiled,
            )
            verdict = ModeVerdict(compiled.info.project_name, mode.name, result.eligible)
            verdict.unmet = [t.explanation for t in result.trace if t.outcome == "fail"]
            verdict.unknown = sorted({t.factor_label for t in result.trace if t.outcome == "unknown"})
            verdict.amounts = [
                (line.name, f"{line.value} {line.measure}".strip())
                for line in result.amount_lines
                if result.eligible and line.value is not None and line.measure
            ]
            verdicts.append(verdict)
    order = {True: 0, None: 1, False: 2}
    verdicts.sort(key=lambda v: order[v.eligible])
    return verdicts
