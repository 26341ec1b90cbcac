"""保障条件因素: the registry of named facts the rules engine reasons about.

A factor is a named, typed fact about a family (家庭人均月收入, 本市户籍年限 …). Conditions, standards
and formulas name factors by their stable ``code``; the engine never reads a model. Facts come from
**providers**: the app that owns a fact registers a provider here from its ``AppConfig.ready()``
(DESIGN §4 rule 1 — admission computes incomes from its family records; supervision answers the
credit blacklist). This module ships the provider that reads a plain facts dictionary, so the
engine is usable (试算, the command line, tests) before any of those apps exist.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class FactorType(models.TextChoices):
    DECIMAL = "decimal", gettext_lazy("数值")
    INTEGER = "integer", gettext_lazy("整数")
    BOOLEAN = "boolean", gettext_lazy("是/否")
    CHOICE = "choice", gettext_lazy("选项")
    DATE = "date", gettext_lazy("日期")
    TEXT = "text", gettext_lazy("文本")


NUMERIC_TYPES = frozenset({FactorType.DECIMAL, FactorType.INTEGER})


@dataclass(frozen=True)
class Factor:
    """One named fact: its code (used in conditions and formulas), Chinese label, type and unit."""

    code: str
    label: str
    type: str
    unit: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    description: str = ""

    @property
    def is_numeric(self) -> bool:
        return self.type in NUMERIC_TYPES

    def choice_label(self, value: Any) -> str:
        for code, label in self.choices:
            if code == value:
                return label
        return str(value)

    def sample_values(self) -> list[Any]:
        """Two values of the right type, used to validate formulas by evaluating them. They differ
        (True/False, 3/1 …) so both branches of ``… if … else …`` get exercised."""
        first_choice = self.choices[0][0] if self.choices else "x"
        last_choice = self.choices[-1][0] if self.choices else "y"
        return {
            FactorType.DECIMAL: [Decimal("1234.5"), Decimal("0.5")],
            FactorType.INTEGER: [3, 1],
            FactorType.BOOLEAN: [True, False],
            FactorType.CHOICE: [first_choice, last_choice],
            FactorType.DATE: [datetime.date(2020, 1, 1), datetime.date(1990, 6, 15)],
            FactorType.TEXT: ["x", "y"],
        }[self.type]

    def coerce(self, raw: Any) -> Any:
        """The fact in the factor's Python type; ``None`` stays ``None`` (unknown).

        Raises ``ValidationError`` with a Chinese message for a value of the wrong type, so bad
        input to 试算 or the command line is reported next to the fact, not silently mis-read.
        """
        if raw is None or raw == "":
            return None
        try:
            if self.type == FactorType.DECIMAL:
                if isinstance(raw, bool):
                    raise TypeError
                # float → str first: Decimal(0.1) would carry binary noise into money.
                return Decimal(str(raw)) if isinstance(raw, float) else Decimal(raw)
            if self.type == FactorType.INTEGER:
                if isinstance(raw, bool):
                    raise TypeError
                if isinstance(raw, int):
                    return raw
                value = Decimal(str(raw))
                if value != value.to_integral_value():
                    raise TypeError
                return int(value)
            if self.type == FactorType.BOOLEAN:
                if isinstance(raw, bool):
                    return raw
                text = str(raw).strip().lower()
                if text in {"true", "1", "yes", "y", "是", "t"}:
                    return True
                if text in {"false", "0", "no", "n", "否", "f"}:
                    return False
                raise TypeError
            if self.type == FactorType.DATE:
                if isinstance(raw, datetime.datetime):
                    return raw.date()
                if isinstance(raw, datetime.date):
                    return raw
                return datetime.date.fromisoformat(str(raw))
            if self.type == FactorType.CHOICE:
                value = str(raw)
                if self.choices and value not in {code for code, _label in self.choices}:
                    raise ValidationError(
                        _("“%(label)s”的值“%(value)s”不在可选项（%(choices)s）之中。")
                        % {
                            "label": self.label,
                            "value": value,
                            "choices": "、".join(f"{c}={lbl}" for c, lbl in self.choices),
                        }
                    )
                return value
            return str(raw)
        except (TypeError, ValueError, InvalidOperation) as exc:
            raise ValidationError(
                _("“%(label)s”应为%(type)s，收到“%(value)s”。")
                % {"label": self.label, "type": FactorType(self.type).label, "value": raw}
            ) from exc


_FACTORS: dict[str, Factor] = {}


def factor_register(factor: Factor) -> Factor:
    """Add a factor; registering the same code again with a different definition is an error."""
    existing = _FACTORS.get(factor.code)
    if existing is not None and existing != factor:
        raise ValueError(f"factor {factor.code!r} is already registered with another definition")
    _FACTORS[factor.code] = factor
    return factor


def factor_get(code: str) -> Factor | None:
    return _FACTORS.get(code)


def factors_all() -> dict[str, Factor]:
    """Every registered factor by code (a copy: callers cannot change the registry by accident)."""
    return dict(_FACTORS)


def factor_choices() -> list[tuple[str, str]]:
    """(code, "label（code）") for form select boxes, in registration order."""
    return [(f.code, f"{f.label}（{f.code}）") for f in _FACTORS.values()]


# --- providers ------------------------------------------------------------------------------------


class FactProvider(Protocol):
    """Computes facts about a subject (a facts dictionary, a family …) on a date.

    ``accepts(subject)`` says whether this provider understands the subject; ``facts`` returns the
    facts it can establish, by factor code. A fact it cannot establish is left out (unknown).
    """

    code: str

    def accepts(self, subject: Any) -> bool: ...

    def facts(self, subject: Any, *, on_date: datetime.date) -> dict[str, Any]: ...


_PROVIDERS: dict[str, FactProvider] = {}


def provider_register(provider: FactProvider) -> FactProvider:
    _PROVIDERS[provider.code] = provider
    return provider


def providers_all() -> dict[str, FactProvider]:
    return dict(_PROVIDERS)


def facts_coerce(raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Typed facts from raw values: (facts, errors by code). Unregistered codes are dropped;
    ``None`` values are left out (unknown)."""
    facts: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for code, value in raw.items():
        factor = _FACTORS.get(code)
        if factor is None:
            continue
        try:
            typed = factor.coerce(value)
        except ValidationError as exc:
            errors[code] = "；".join(exc.messages)
            continue
        if typed is not None:
            facts[code] = typed
    return facts, errors


@dataclass(frozen=True)
class DictFactsProvider:
    """The facts a plain dictionary states, typed by the registry (试算, command line, tests)."""

    code: str = "dict"

    def accepts(self, subject: Any) -> bool:
        return isinstance(subject, Mapping)

    def facts(self, subject: Mapping[str, Any], *, on_date: datetime.date) -> dict[str, Any]:
        facts, errors = facts_coerce(subject)
        if errors:
            raise ValidationError(list(errors.values()))
        return facts


def facts_collect(subject: Any, *, on_date: datetime.date) -> dict[str, Any]:
    """Every fact the registered providers can establish about ``subject`` on ``on_date``.

    Providers are asked in registration order; a later provider does not overwrite a fact an
    earlier one established (the owning app registers first for its own facts).
    """
    facts: dict[str, Any] = {}
    for provider in _PROVIDERS.values():
        if provider.accepts(subject):
            for code, value in provider.facts(subject, on_date=on_date).items():
                facts.setdefault(code, value)
    return facts


# --- the factors every city's rules use -----------------------------------------------------------

EDUCATION_CHOICES = (
    ("none", "无学历"),
    ("secondary", "高中/中专及以下"),
    ("college", "大专"),
    ("bachelor", "本科"),
    ("master", "硕士研究生"),
    ("doctorate", "博士研究生"),
)
MARITAL_CHOICES = (("single", "未婚"), ("married", "已婚"), ("divorced", "离异"), ("widowed", "丧偶"))
TITLE_CHOICES = (("none", "无"), ("junior", "初级"), ("intermediate", "中级"), ("senior", "高级"))

D, INT, B, C, DT, T = (
    FactorType.DECIMAL,
    FactorType.INTEGER,
    FactorType.BOOLEAN,
    FactorType.CHOICE,
    FactorType.DATE,
    FactorType.TEXT,
)

BUILTIN_FACTORS: tuple[Factor, ...] = (
    Factor("household_size", "家庭人口数", INT, "人"),
    Factor("per_capita_monthly_income", "家庭人均月收入", D, "元"),
    Factor("per_capita_annual_income", "家庭人均年收入", D, "元"),
    Factor("per_capita_assets", "家庭人均资产", D, "元"),
    Factor("per_capita_floor_area", "家庭人均住房建筑面积", D, "m²"),
    Factor("local_hukou_years", "本市户籍年限", D, "年"),
    Factor("social_insurance_months", "本市社会保险缴纳月数", INT, "月"),
    Factor("housing_fund_months", "住房公积金缴存月数", INT, "月"),
    Factor("labour_contract_years", "劳动合同期限", D, "年"),
    Factor("owns_property_in_city", "在本市拥有住房", B),
    Factor("owns_other_property", "拥有其他住房", B),
    Factor("sold_property_within_5_years", "5年内转让过住房", B),
    Factor("vehicle_value", "家庭车辆价值", D, "元"),
    Factor("is_dibao", "最低生活保障家庭（低保）", B),
    Factor("is_low_income", "低收入家庭", B),
    Factor("is_tekun", "特困供养人员", B),
    Factor("is_youfu", "优抚对象", B),
    Factor("is_elderly_living_alone", "独居老人", B),
    Factor("has_serious_illness", "家庭成员患重大疾病", B),
    Factor("disability_grade", "残疾等级", INT, "级", description="1–4 级，1 级最重；无残疾不填"),
    Factor("applicant_age", "申请人年龄", INT, "岁"),
    Factor("applicant_birth_date", "申请人出生日期", DT),
    Factor("marital_status", "婚姻状况", C, choices=MARITAL_CHOICES),
    Factor("education", "学历", C, choices=EDUCATION_CHOICES),
    Factor("professional_title", "专业技术职称", C, choices=TITLE_CHOICES),
    Factor("on_talent_list", "列入人才目录", B),
    Factor("on_credit_blacklist", "列入失信名单", B),
    Factor("enjoys_housing_security", "已享受住房保障", B),
    Factor("actual_monthly_rent", "实际月租金", D, "元"),
    Factor("market_monthly_rent", "市场月租金", D, "元"),
    Factor("talent_subsidy_months_received", "已领取人才租房补贴月数", INT, "月"),
    Factor("hukou_date", "本市户籍登记日期", DT),
    Factor("social_insurance_start_date", "首次在本市参加社会保险日期", DT),
    Factor("receipt_number", "受理编号", T),
    Factor("lottery_number", "摇号顺序号", INT),
)

for _factor in BUILTIN_FACTORS:
    factor_register(_factor)
provider_register(DictFactsProvider())


def factor_label(code: str) -> str:
    factor = _FACTORS.get(code)
    return factor.label if factor else code


def describe_value(code: str, value: Any) -> str:
    """A fact as a reader expects it: "1,800 元", "是", "本科", "2020-01-01"."""
    factor = _FACTORS.get(code)
    if value is None:
        return _("未知")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, Decimal | int):
        text = format_number(value)
        return f"{text} {factor.unit}" if factor and factor.unit else text
    if factor is not None and factor.type == FactorType.CHOICE:
        return factor.choice_label(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def format_number(value: Decimal | int) -> str:
    """1800 → "1,800"; Decimal("15.50") → "15.5" (thousands separators, no trailing zeros)."""
    if isinstance(value, int):
        return f"{value:,}"
    normalised = value.normalize()
    if normalised == normalised.to_integral_value():
        return f"{int(normalised):,}"
    exponent = normalised.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return f"{normalised:,.{places}f}"
