"""The default rule sets every new city starts from (issue 3, "Default rule sets to ship").

Each value is an example taken from a real city's policy (sources in ``docs/rules.md``) and is
editable: an administrator copies a version, changes a value and activates the copy. The seeder
is idempotent and usable from tests (fixture ``default_rules`` in ``rules/tests/conftest.py``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from .models import (
    ConditionCategory,
    ConditionGroup,
    GuaranteeMode,
    GuaranteeProject,
    IncomeClass,
    ModeKind,
    OrderingCriterion,
    QualitativeCondition,
    QuantitativeCondition,
    RuleSet,
    SpecialGroup,
    Standard,
)

DEMO_CITY = "440400000000"
DEFAULT_EFFECTIVE_FROM = datetime.date(2024, 1, 1)
POLICY_TITLE = "住房保障准入条件和保障标准（演示默认值）"
POLICY_NUMBER = "演示〔2024〕1号"

CATEGORIES = (
    ("hukou", "户籍", None),
    ("income", "收入", None),
    ("housing", "住房", None),
    ("assets", "资产", None),
    ("credit", "信用", None),
    ("benefit", "已享受保障", None),
    ("identity", "身份", None),
    ("age", "年龄", "identity"),
    ("education", "学历", "identity"),
    ("employment", "就业与社保", None),
)


def Q(
    code,
    name,
    factor,
    category,
    *,
    lower=None,
    lower_op=">=",
    upper=None,
    upper_op="<=",
    sizes=None,
    group=None,
):
    """A quantitative condition spec (bounds as strings so the data reads like the policy)."""
    return {
        "type": "quantitative",
        "code": code,
        "name": name,
        "factor": factor,
        "category": category,
        "lower": Decimal(lower) if lower is not None else None,
        "lower_operator": lower_op,
        "upper": Decimal(upper) if upper is not None else None,
        "upper_operator": upper_op,
        "household_size_min": sizes[0] if sizes else None,
        "household_size_max": sizes[1] if sizes else None,
        "group": group,
    }


def L(code, name, factor, category, values, *, group=None):
    """A qualitative condition spec: the factor must take one of ``values``."""
    return {"type": "qualitative", "code": code, "name": name, "factor": factor, "category": category,
            "values": list(values), "group": group}  # fmt: skip


def G(code, name, logic, *, parent=None):
    return {"type": "group", "code": code, "name": name, "logic": logic, "parent": parent}


def V(code, name, value, measure="", *, result=False):
    return {"type": "standard", "code": code, "name": name, "value": Decimal(value), "measure": measure,
            "is_result": result}  # fmt: skip


def F(code, name, formula, measure="", *, result=True, if_unknown=""):
    return {"type": "standard", "code": code, "name": name, "formula": formula, "measure": measure,
            "is_result": result, "formula_if_unknown": if_unknown}  # fmt: skip


LIANZU_CONDITIONS = (
    Q("hukou_years", "本市户籍满3年", "local_hukou_years", "hukou", lower="3"),
    Q(
        "income",
        "家庭人均月收入低于1,549元",
        "per_capita_monthly_income",
        "income",
        upper="1549",
        upper_op="<",
    ),
    Q(
        "floor_area",
        "家庭人均住房建筑面积低于15平方米",
        "per_capita_floor_area",
        "housing",
        upper="15",
        upper_op="<",
    ),
    Q(
        "assets_small",
        "1–2人家庭人均资产不超过8.8万元",
        "per_capita_assets",
        "assets",
        upper="88000",
        sizes=(1, 2),
    ),
    Q(
        "assets_large",
        "3人及以上家庭人均资产不超过8万元",
        "per_capita_assets",
        "assets",
        upper="80000",
        sizes=(3, None),
    ),
    L("no_other_property", "无其他住房", "owns_other_property", "housing", [False]),
    L("not_blacklisted", "未列入失信名单", "on_credit_blacklist", "credit", [False]),
    L("no_security", "未享受其他住房保障", "enjoys_housing_security", "benefit", [False]),
    G("single_age", "单身申请年龄", "or"),
    Q("not_single", "家庭人口2人及以上", "household_size", "identity", lower="2", group="single_age"),
    Q("single_35", "单身申请人年满35周岁", "applicant_age", "age", lower="35", group="single_age"),
)

LIANZU_SUBSIDY = (
    V("subsidy_price", "租赁补贴标准", "15", "元/m²·月"),
    V("area_per_person", "人均保障面积", "15", "m²"),
    V("area_cap", "户保障面积上限", "60", "m²"),
    V("single_person_count", "单人户计算人数", "1.5", "人"),
    V("dibao_multiplier", "低保家庭补贴系数", "1.2"),
    V("ordinary_multiplier", "其他家庭补贴系数", "1.0"),
    F(
        "counted_persons",
        "计算人数",
        "single_person_count if household_size == 1 else household_size",
        "人",
        result=False,
    ),
    F("guaranteed_area", "保障面积", "min(area_per_person * counted_persons, area_cap)", "m²"),
    F(
        "subsidy_before_cap",
        "按面积计算的月补贴",
        "max(0, subsidy_price * (guaranteed_area - per_capita_floor_area * household_size)"
        " * (dibao_multiplier if is_dibao else ordinary_multiplier))",
        "元/月",
        result=False,
    ),
    F(
        "monthly_subsidy",
        "月租赁补贴",
        "min(subsidy_before_cap, actual_monthly_rent)",
        "元/月",
        if_unknown="subsidy_before_cap",
    ),
)

GONGZU_CONDITIONS = (
    G("tracks", "申请通道", "or"),
    G("hukou_track", "本市户籍家庭", "and", parent="tracks"),
    Q("hukou_years", "本市户籍满1年", "local_hukou_years", "hukou", lower="1", group="hukou_track"),
    Q(
        "income",
        "家庭人均年收入不超过4万元",
        "per_capita_annual_income",
        "income",
        upper="40000",
        group="hukou_track",
    ),
    Q(
        "floor_area",
        "家庭人均住房建筑面积低于15平方米",
        "per_capita_floor_area",
        "housing",
        upper="15",
        upper_op="<",
        group="hukou_track",
    ),  # fmt: skip
    G("migrant_track", "新就业职工和外来务工人员", "and", parent="tracks"),
    Q(
        "contract",
        "劳动合同期限1年及以上",
        "labour_contract_years",
        "employment",
        lower="1",
        group="migrant_track",
    ),
    Q(
        "insurance",
        "在本市连续缴纳社会保险满12个月",
        "social_insurance_months",
        "employment",
        lower="12",
        group="migrant_track",
    ),  # fmt: skip
    L("no_property", "在本市无住房", "owns_property_in_city", "housing", [False], group="migrant_track"),
)

# 选房 (allocation.selection): a family may choose units with at most this many rooms.
ALLOWED_ROOMS = F(
    "allowed_rooms",
    "可配户型（居室数）",
    "1 if household_size <= 1 else (2 if household_size <= 3 else 3)",
    "居室",
)

GONGZU_RENT = (
    V("income_tier_1", "第一档收入上限（人均年收入）", "14856", "元"),
    V("income_tier_2", "第二档收入上限（人均年收入）", "22284", "元"),
    V("income_tier_3", "第三档收入上限（人均年收入）", "29434", "元"),
    V("rent_factor_1", "第一档租金系数", "0.1"),
    V("rent_factor_2", "第二档租金系数", "0.3"),
    V("rent_factor_3", "第三档租金系数", "0.5"),
    V("rent_factor_4", "其他家庭租金系数", "0.7"),
    V("rent_factor_dibao", "低保家庭租金系数", "0.05"),
    F(
        "rent_factor",
        "租金系数",
        "rent_factor_dibao if is_dibao else (rent_factor_1 if per_capita_annual_income <= income_tier_1"
        " else (rent_factor_2 if per_capita_annual_income <= income_tier_2"
        " else (rent_factor_3 if per_capita_annual_income <= income_tier_3 else rent_factor_4)))",
    ),
    F("monthly_rent", "月租金", "market_monthly_rent * rent_factor", "元/月"),
    ALLOWED_ROOMS,
)

GONGZU_ORDERING = (
    {
        "position": 1,
        "kind": "priority_group",
        "label": "优先群体",
        "priority_groups": [
            {"label": "低保家庭", "expression": "is_dibao"},
            {"label": "特困人员", "expression": "is_tekun"},
            {"label": "一、二级残疾", "expression": "disability_grade <= 2"},
            {"label": "优抚对象", "expression": "is_youfu"},
            {"label": "独居老人", "expression": "is_elderly_living_alone"},
            {"label": "重大疾病", "expression": "has_serious_illness"},
        ],
    },
    {
        "position": 2,
        "kind": "base_date",
        "label": "轮候基准日期（户籍登记与首次参保中较早者）",
        "expression": "min(hukou_date, social_insurance_start_date)\nhukou_date\nsocial_insurance_start_date",
    },
    {
        "position": 3,
        "kind": "birth_date",
        "label": "出生日期（年长者在前）",
        "expression": "applicant_birth_date",
    },
    {"position": 4, "kind": "receipt_number", "label": "受理编号", "expression": "receipt_number"},
)

JINGSHI_CONDITIONS = (
    Q("hukou_years", "本市户籍满5年", "local_hukou_years", "hukou", lower="5"),
    Q(
        "income",
        "家庭人均月收入低于2,065元",
        "per_capita_monthly_income",
        "income",
        upper="2065",
        upper_op="<",
    ),
    Q(
        "floor_area",
        "家庭人均住房建筑面积低于15平方米",
        "per_capita_floor_area",
        "housing",
        upper="15",
        upper_op="<",
    ),
    L("no_other_property", "无其他住房", "owns_other_property", "housing", [False]),
    L("no_recent_sale", "5年内未转让住房", "sold_property_within_5_years", "housing", [False]),
)

RENCAI_CONDITIONS = (
    L("degree", "本科及以上学历", "education", "education", ["bachelor", "master", "doctorate"]),
    G("age_by_degree", "年龄按学历", "or"),
    G("bachelor", "本科", "and", parent="age_by_degree"),
    L("is_bachelor", "学历为本科", "education", "education", ["bachelor"], group="bachelor"),
    Q("age_35", "年龄不超过35周岁", "applicant_age", "age", upper="35", group="bachelor"),
    G("master", "硕士研究生", "and", parent="age_by_degree"),
    L("is_master", "学历为硕士研究生", "education", "education", ["master"], group="master"),
    Q("age_40", "年龄不超过40周岁", "applicant_age", "age", upper="40", group="master"),
    G("doctorate", "博士研究生", "and", parent="age_by_degree"),
    L("is_doctorate", "学历为博士研究生", "education", "education", ["doctorate"], group="doctorate"),
    Q("age_45", "年龄不超过45周岁", "applicant_age", "age", upper="45", group="doctorate"),
    Q("insurance", "在本市缴纳社会保险满3个月", "social_insurance_months", "employment", lower="3"),
    L("no_property", "在本市无住房", "owns_property_in_city", "housing", [False]),
    L("no_other_benefit", "未享受其他住房保障", "enjoys_housing_security", "benefit", [False]),
    Q(
        "months_left",
        "累计领取不满36个月",
        "talent_subsidy_months_received",
        "benefit",
        upper="36",
        upper_op="<",
    ),
)

RENCAI_SUBSIDY = (
    V("standard_bachelor", "本科月补贴标准", "1000", "元/月"),
    V("standard_master", "硕士研究生月补贴标准", "1500", "元/月"),
    V("standard_doctorate", "博士研究生月补贴标准", "2000", "元/月"),
    V("max_total_months", "累计发放月数上限", "36", "月"),
    V("months_per_payment", "每次发放月数（按季度）", "3", "月"),
    F(
        "monthly_subsidy",
        "月补贴",
        'standard_doctorate if education == "doctorate" else '
        '(standard_master if education == "master" else standard_bachelor)',
        "元/月",
    ),
    F(
        "remaining_months",
        "剩余可领取月数",
        "max(0, max_total_months - talent_subsidy_months_received)",
        "月",
    ),
    F(
        "quarterly_payment",
        "每季度发放金额",
        "monthly_subsidy * min(months_per_payment, remaining_months)",
        "元/季度",
    ),
)

DEFAULT_PROJECTS: tuple[dict[str, Any], ...] = (
    {
        "code": "lianzu",
        "name": "廉租住房",
        "income_class": IncomeClass.LOWEST,
        "special_group": SpecialGroup.NONE,
        "modes": {
            ModeKind.RENTAL_IN_KIND: (LIANZU_CONDITIONS, ()),
            ModeKind.RENT_SUBSIDY: (LIANZU_CONDITIONS, LIANZU_SUBSIDY),
        },
        "ordering": (),
    },
    {
        "code": "gongzu",
        "name": "公共租赁住房",
        "income_class": IncomeClass.LOWER_MIDDLE,
        "special_group": SpecialGroup.NONE,
        "modes": {ModeKind.RENTAL_IN_KIND: (GONGZU_CONDITIONS, GONGZU_RENT)},
        "ordering": GONGZU_ORDERING,
    },
    {
        "code": "jingshi",
        "name": "经济适用住房",
        "income_class": IncomeClass.LOW,
        "special_group": SpecialGroup.NONE,
        "modes": {ModeKind.SALE_IN_KIND: (JINGSHI_CONDITIONS, ())},
        "ordering": (),
    },
    {
        "code": "rencai",
        "name": "高层次人才租房补贴",
        "income_class": IncomeClass.ANY,
        "special_group": SpecialGroup.TALENT,
        "modes": {ModeKind.RENT_SUBSIDY: (RENCAI_CONDITIONS, RENCAI_SUBSIDY)},
        "ordering": (),
    },
)


def categories_sync() -> dict[str, ConditionCategory]:
    """The condition categories (A.1.3) the defaults use; idempotent."""
    result: dict[str, ConditionCategory] = {}
    for order, (code, name, parent) in enumerate(CATEGORIES):
        result[code], _created = ConditionCategory.objects.get_or_create(
            code=code,
            defaults={"name": name, "parent": result.get(parent) if parent else None, "order": order},
        )
    return result


@transaction.atomic
def rules_seed_defaults(
    *, region_code: str = DEMO_CITY, effective_from: datetime.date = DEFAULT_EFFECTIVE_FROM
) -> dict[str, RuleSet]:
    """Projects, modes and an active first version of each default rule set; idempotent.

    A project that already has any version is left alone (an administrator may have changed it).
    Returns the first version of each project by project code.
    """
    from .services import ruleset_activate, ruleset_create, ruleset_item_save

    categories = categories_sync()
    result: dict[str, RuleSet] = {}
    for spec in DEFAULT_PROJECTS:
        project, _created = GuaranteeProject.objects.get_or_create(
            code=spec["code"],
            region_code=region_code,
            defaults={
                "name": spec["name"],
                "income_class": spec["income_class"],
                "special_group": spec["special_group"],
                "enabled_on": effective_from,
            },
        )
        existing = RuleSet.objects.filter(project=project).order_by("version").first()
        if existing is not None:
            result[spec["code"]] = existing
            continue
        ruleset = ruleset_create(
            project=project,
            region_code=region_code,
            name=f"{spec['name']}保障规则",
            actor=None,
            policy_title=POLICY_TITLE,
            policy_number=POLICY_NUMBER,
            notes="系统预置的默认规则；各项取值为其他城市政策中的示例，出处见 docs/rules.md，请按本市政策修改。",
        )
        for kind, (conditions, standards) in spec["modes"].items():
            mode, _m = GuaranteeMode.objects.get_or_create(
                project=project, code=kind, defaults={"kind": kind, "enabled_on": effective_from}
            )
            _seed_mode(
                ruleset=ruleset, mode=mode, conditions=conditions, standards=standards, categories=categories
            )
        for criterion in spec["ordering"]:
            ruleset_item_save(item=OrderingCriterion(rule_set=ruleset, **criterion), actor=None)
        ruleset_activate(
            ruleset=ruleset, actor=None, effective_from=effective_from, opinion="系统预置默认规则"
        )
        result[spec["code"]] = ruleset
    return result


def _seed_mode(*, ruleset, mode, conditions, standards, categories) -> None:
    from .services import ruleset_item_save

    groups: dict[str, ConditionGroup] = {}
    for order, spec in enumerate(conditions):
        common = {
            "rule_set": ruleset,
            "mode": mode,
            "code": spec["code"],
            "name": spec["name"],
            "order": order,
        }
        if spec["type"] == "group":
            groups[spec["code"]] = ruleset_item_save(
                item=ConditionGroup(**common, logic=spec["logic"], parent=groups.get(spec["parent"])),
                actor=None,
            )
            continue
        condition_fields = {
            **common,
            "factor": spec["factor"],
            "category": categories[spec["category"]],
            "group": groups.get(spec["group"]),
        }
        if spec["type"] == "quantitative":
            item = QuantitativeCondition(
                **condition_fields,
                lower=spec["lower"],
                lower_operator=spec["lower_operator"],
                upper=spec["upper"],
                upper_operator=spec["upper_operator"],
                household_size_min=spec["household_size_min"],
                household_size_max=spec["household_size_max"],
            )
        else:
            item = QualitativeCondition(**condition_fields, values=spec["values"])
        ruleset_item_save(item=item, actor=None)
    for order, spec in enumerate(standards):
        ruleset_item_save(
            item=Standard(
                rule_set=ruleset,
                mode=mode,
                code=spec["code"],
                name=spec["name"],
                measure=spec["measure"],
                value=spec.get("value"),
                formula=spec.get("formula", ""),
                formula_if_unknown=spec.get("formula_if_unknown", ""),
                is_result=spec["is_result"],
                order=order,
            ),
            actor=None,
        )


def rules_seed_demo() -> list:
    """DEMO_SEEDERS entry: the default rule sets for the demo city (珠海市, 440400000000)."""
    from housing.regions.models import Region

    if not Region.objects.filter(code=DEMO_CITY).exists():
        return []
    rules_seed_defaults()
    return []
