"""How conditions, facts and results read on the rules pages.

A bound is written as a chain around the factor, with the operator that says whether the bound
itself counts: "3 年 ≤ 本市户籍年限", "家庭人均月收入 ＜ 1,549 元（不含 1,549 元）". A reader sees at a
glance that a family with exactly 1,549 元 does not qualify.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from rules.engine import FAIL, NOT_APPLICABLE, OUTCOME_LABELS, PASS, UNKNOWN
from rules.factors import describe_value, factor_get, factor_label, format_number

register = template.Library()

LT, LTE = "＜", "≤"


def _amount(value: Any, unit: str) -> str:
    if value is None or value == "":
        return ""
    try:
        number = value if isinstance(value, Decimal | int) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    text = format_number(number)
    return f"{text} {unit}" if unit else text


def bounds_chain(
    *, factor: str, lower: Any, lower_inclusive: bool, upper: Any, upper_inclusive: bool, unit: str
) -> str:
    """ "a ≤ 因素 ＜ b" with the unit, plus which ends are included, in words."""
    label = factor_label(factor)
    parts, notes = [], []
    if lower not in (None, ""):
        shown = _amount(lower, unit)
        parts.append(f"{shown} {LTE if lower_inclusive else LT}")
        notes.append(f"{'含' if lower_inclusive else '不含'} {shown}")
    parts.append(label)
    if upper not in (None, ""):
        shown = _amount(upper, unit)
        parts.append(f"{LTE if upper_inclusive else LT} {shown}")
        notes.append(f"{'含' if upper_inclusive else '不含'} {shown}")
    return f"{' '.join(parts)}（{'，'.join(notes)}）" if notes else label


def _unit_of(factor: str, measure: str = "") -> str:
    known = factor_get(factor)
    return measure or (known.unit if known else "")


@register.simple_tag
def condition_bounds(condition) -> str:
    """A quantitative condition (model row) as a chain."""
    return bounds_chain(
        factor=condition.factor,
        lower=condition.lower,
        lower_inclusive=condition.lower_operator == ">=",
        upper=condition.upper,
        upper_inclusive=condition.upper_operator == "<=",
        unit=_unit_of(condition.factor, condition.measure),
    )


def values_text(factor: str, values) -> str:
    known = factor_get(factor)
    shown = []
    for value in values or []:
        try:
            typed = known.coerce(value) if known else value
        except Exception:  # a stored value the factor no longer accepts is shown as stored
            typed = value
        shown.append(describe_value(factor, typed))
    return "、".join(shown)


@register.simple_tag
def condition_values(condition) -> str:
    """A qualitative condition: "拥有其他住房 为 否" / "学历 为 本科、硕士研究生 之一"."""
    text = values_text(condition.factor, condition.values)
    many = len(condition.values or []) > 1
    return f"{factor_label(condition.factor)} 为 {text}{' 之一' if many else ''}"


@register.filter
def size_band(condition) -> str:
    low, high = condition.household_size_min, condition.household_size_max
    if low is None and high is None:
        return ""
    if low is not None and high is not None:
        return f"{low}人" if low == high else f"{low}–{high}人"
    return f"{low}人及以上" if low is not None else f"{high}人及以下"


@register.simple_tag
def trace_standard(item) -> str:
    """What a trace line was measured against."""
    if item.kind == "quantitative":
        known = factor_get(item.factor)
        return bounds_chain(
            factor=item.factor,
            lower=item.lower,
            lower_inclusive=item.lower_inclusive,
            upper=item.upper,
            upper_inclusive=item.upper_inclusive,
            unit=known.unit if known else "",
        )
    text = "、".join(describe_value(item.factor, v) for v in item.values)
    return f"{item.factor_label} 为 {text}"


@register.simple_tag
def trace_actual(item) -> str:
    return describe_value(item.factor, item.actual)


@register.filter
def outcome_label(outcome: str) -> str:
    return OUTCOME_LABELS.get(outcome, outcome)


@register.filter
def outcome_class(outcome: str) -> str:
    return {PASS: "success", FAIL: "danger", UNKNOWN: "warning", NOT_APPLICABLE: "secondary"}.get(
        outcome, "secondary"
    )


@register.filter
def eligible_class(eligible) -> str:
    return {True: "success", False: "danger"}.get(eligible, "warning")


@register.filter
def number(value) -> str:
    if value is None or value == "":
        return "—"
    return _amount(value, "")


@register.filter
def inner_path(path: str) -> str:
    """A trace line's group path without the mode's root (every condition lies under it)."""
    parts = [p.strip() for p in (path or "").split("›")]
    return " › ".join(parts[1:])


@register.filter
def label_of_factor(code: str) -> str:
    return factor_label(code)


@register.simple_tag
def item_summary(change, side: str) -> str:
    """One side of a diff entry (the row as exported) in a line: bounds, values, value or formula."""
    row = change.before if side == "before" else change.after
    if row is None:
        return "—"
    if change.kind == "quantitative":
        return bounds_chain(
            factor=row["factor"],
            lower=row["lower"],
            lower_inclusive=row["lower_operator"] == ">=",
            upper=row["upper"],
            upper_inclusive=row["upper_operator"] == "<=",
            unit=_unit_of(row["factor"], row.get("measure", "")),
        )
    if change.kind == "qualitative":
        return f"{factor_label(row['factor'])} 为 {values_text(row['factor'], row['values'])}"
    if change.kind == "standard":
        if row.get("formula"):
            return f"{row['code']} = {row['formula']}"
        return f"{row['code']} = {_amount(row.get('value'), row.get('measure', ''))}"
    if change.kind == "group":
        return f"{row['name']}（{row['logic']}）"
    return f"{row.get('label', '')}：{row.get('expression', '')}"


NUMERIC_FIELDS = {"lower", "upper", "value"}
OPERATOR_TEXT = {">": "大于（不含）", ">=": "大于等于（含）", "<": "小于（不含）", "<=": "小于等于（含）"}


@register.simple_tag
def field_value(change, side: str) -> str:
    """One side of a field change, readable: numbers with separators, operators in words."""
    value = change.before if side == "before" else change.after
    if value is None or value == "":
        return "—"
    if change.field in NUMERIC_FIELDS:
        return _amount(value, "")
    if change.field in ("lower_operator", "upper_operator"):
        return OPERATOR_TEXT.get(value, value)
    if change.field == "factor":
        return factor_label(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_value_text(v) for v in value)
    return str(value)


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "：".join(str(v) for v in value.values())
    return str(value)


KIND_LABELS = {
    "quantitative": "定量条件",
    "qualitative": "定性条件",
    "standard": "保障标准",
    "group": "条件组合",
    "ordering": "轮候排队规则",
}


@register.filter
def change_kind(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)
