"""Which department datasets a rule set needs, the comparison tolerances, and which modes are automatic.

The map from the rules engine's factors (``rules/factors.py``) to the exchange's datasets
(``housing/exchange/datasets.py``) is data in code, stated once here and in docs/admission_checks.md.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings

# 保障条件因素 → 部门数据集 that can confirm or contradict it.
FACTOR_DATASETS: dict[str, tuple[str, ...]] = {
    "household_size": ("hukou",),
    "per_capita_monthly_income": ("income", "social_insurance"),
    "per_capita_annual_income": ("income", "social_insurance"),
    "per_capita_assets": ("real_estate", "vehicle", "business"),
    "per_capita_floor_area": ("real_estate",),
    "local_hukou_years": ("hukou",),
    "hukou_date": ("hukou",),
    "social_insurance_months": ("social_insurance",),
    "social_insurance_start_date": ("social_insurance",),
    "labour_contract_years": ("social_insurance", "residence_permit"),
    "housing_fund_months": ("housing_fund",),
    "owns_property_in_city": ("real_estate",),
    "owns_other_property": ("real_estate",),
    "sold_property_within_5_years": ("real_estate",),
    "vehicle_value": ("vehicle",),
    "is_dibao": ("subsistence",),
    "is_low_income": ("subsistence",),
    "is_tekun": ("subsistence",),
    "marital_status": ("marriage",),
    "education": ("education",),
    "professional_title": ("title",),
    "on_talent_list": ("talent",),
    "applicant_age": ("hukou",),
    "applicant_birth_date": ("hukou",),
}

# A project for a special group is checked against that group's list whatever its conditions say:
# a 高层次人才 subsidy goes to people on the 人才名单.
SPECIAL_GROUP_DATASETS: dict[str, tuple[str, ...]] = {"talent": ("talent",)}

# The order datasets are shown in (the exchange's reference order).
DATASET_ORDER = (
    "hukou",
    "residence_permit",
    "marriage",
    "income",
    "social_insurance",
    "housing_fund",
    "real_estate",
    "vehicle",
    "business",
    "subsistence",
    "education",
    "title",
    "talent",
)

DEFAULT_TOLERANCES: dict[str, Decimal] = {
    # 申报年收入与个税/社保基数之差：超过 max(比例 × 较大者, 金额) 即“不一致”.
    "income_ratio": Decimal("0.10"),
    "income_amount": Decimal("1000"),
    # 申报自有住房面积与不动产登记面积之差 (m²).
    "area": Decimal("1.00"),
    # 车辆价值（数据集有价值字段时）：部门价值超过申报价值的比例.
    "vehicle_ratio": Decimal("0.10"),
}

# Fields a city may add to the 车辆 dataset's schema to have vehicle values compared.
VEHICLE_VALUE_FIELDS = ("value", "vehicle_value", "assessed_value", "purchase_price")


def tolerances() -> dict[str, Decimal]:
    """``settings.ADMISSION_CHECK_TOLERANCES`` over the defaults (values as strings or numbers)."""
    configured: dict[str, Any] = getattr(settings, "ADMISSION_CHECK_TOLERANCES", {}) or {}
    result = dict(DEFAULT_TOLERANCES)
    for key, value in configured.items():
        if key in result:
            result[key] = Decimal(str(value))
    return result


def factors_of_mode(mode) -> set[str]:
    """Factor codes a compiled mode (``rules.engine.CompiledMode``) reads: its conditions and formulas."""
    from rules.engine import CompiledGroup
    from rules.factors import factor_get

    found: set[str] = set()

    def walk(group: CompiledGroup) -> None:
        for child in group.children:
            if isinstance(child, CompiledGroup):
                walk(child)
            else:
                found.add(child.factor)
                if child.size_min is not None or child.size_max is not None:
                    found.add("household_size")

    walk(mode.root)
    for standard in mode.standards:
        for formula in (standard.formula, standard.formula_if_unknown):
            if formula is not None:
                found.update(name for name in formula.names if factor_get(name) is not None)
    return found


def datasets_for_factors(factors: set[str], *, special_group: str = "") -> list[str]:
    codes = {code for factor in factors for code in FACTOR_DATASETS.get(factor, ())}
    codes.update(SPECIAL_GROUP_DATASETS.get(special_group, ()))
    order = {code: i for i, code in enumerate(DATASET_ORDER)}
    return sorted(codes, key=lambda code: (order.get(code, len(order)), code))


def guarantee_mode_for(*, project_code: str, mode_code: str, region_code: str):
    """The ``rules.GuaranteeMode`` an application names: of the project whose region covers the
    application's most closely (a district's own project wins over the city's)."""
    from housing.regions.codes import scope_prefix
    from rules.models import GuaranteeMode

    modes = [
        mode
        for mode in GuaranteeMode.objects.filter(project__code=project_code, code=mode_code).select_related(
            "project"
        )
        if region_code.startswith(scope_prefix(mode.project.region_code))
    ]
    if not modes:
        return None
    return max(modes, key=lambda mode: len(scope_prefix(mode.project.region_code)))


def mode_is_automatic(mode) -> bool:
    """自动审批: the mode's own setting; left empty, 高层次人才 projects are automatic (issue 4 part 6)."""
    from rules.models import SpecialGroup

    if mode is None or not mode.is_enabled:
        return False
    if mode.auto_approval is not None:
        return mode.auto_approval
    return mode.project.special_group == SpecialGroup.TALENT
