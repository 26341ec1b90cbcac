"""The evaluation engine: facts + project/mode + date → eligible or not, why, and the standards.

``evaluate`` is ONE pure function: it writes nothing. A rule-set version is read from the
database once and compiled into immutable Python structures (frozen dataclasses, tuples, parsed
formulas), cached by version id; after that an evaluation is pure Python. Drafts are compiled
afresh on every call (an administrator is editing them); active and retired versions never
change their rules (DESIGN §4 rule 4), so their compiled form is cached until a lifecycle change
bumps the cache generation.

Three-valued logic: a condition whose fact is missing is **unknown**, never silently a pass or a
fail. AND fails if any part fails, else is unknown if any part is unknown; OR passes if any part
passes, else is unknown if any part is unknown; NOT swaps pass and fail. A condition limited to a
household-size band (人户数) that does not match the family is **not applicable** and takes no part.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any, NamedTuple

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from housing.regions.codes import scope_prefix

from .factors import Factor, describe_value, factor_get, facts_coerce, format_number
from .formulas import (
    Formula,
    FormulaError,
    UnknownName,
    formula_evaluator,
    formula_parse,
    quantize_amount,
    to_formula_value,
)

PASS, FAIL, UNKNOWN, NOT_APPLICABLE = "pass", "fail", "unknown", "not_applicable"
OUTCOME_LABELS = {PASS: "符合", FAIL: "不符合", UNKNOWN: "未知", NOT_APPLICABLE: "不适用"}


class NoRuleSetError(ValidationError):
    """No active version of the project covers the region on the date."""


# --- compiled structures ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CompiledCondition:
    code: str
    name: str
    category: str
    factor: str
    factor_label: str
    unit: str
    kind: str  # "quantitative" | "qualitative"
    lower: Decimal | None = None
    lower_inclusive: bool = True
    upper: Decimal | None = None
    upper_inclusive: bool = True
    values: tuple = ()
    size_min: int | None = None
    size_max: int | None = None
    # Sentences rendered once at compile time (translation lookups cost more than the logic).
    texts: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    value_labels: Mapping[Any, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class CompiledGroup:
    code: str
    name: str
    logic: str  # "and" | "or" | "not"
    children: tuple  # of CompiledGroup | CompiledCondition


@dataclass(frozen=True, slots=True)
class CompiledStandard:
    code: str
    name: str
    measure: str
    is_result: bool
    value: Decimal | None = None
    values_by_size: Mapping[int, Decimal] = field(default_factory=lambda: MappingProxyType({}))
    formula: Formula | None = None
    formula_if_unknown: Formula | None = None


@dataclass(frozen=True, slots=True)
class CompiledMode:
    code: str
    name: str
    kind: str
    root: CompiledGroup
    standards: tuple[CompiledStandard, ...]


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """Which version decided: shown with every result and stored by callers (DESIGN §4 rule 4)."""

    id: int
    project_code: str
    project_name: str
    region_code: str
    version: int
    name: str
    state: str
    effective_from: datetime.date | None
    effective_to: datetime.date | None
    policy_title: str
    policy_number: str


@dataclass(frozen=True, slots=True)
class CompiledRuleSet:
    info: VersionInfo
    modes: Mapping[str, CompiledMode]
    ordering: tuple = ()  # of rules.ordering.CompiledCriterion


# --- results ------------------------------------------------------------------------------------


class TraceItem(NamedTuple):
    """One condition's verdict, with the numbers and a plain-Chinese sentence."""

    code: str
    condition: str
    category: str
    group_path: str
    factor: str
    factor_label: str
    kind: str
    actual: Any
    lower: Decimal | None
    lower_inclusive: bool
    upper: Decimal | None
    upper_inclusive: bool
    values: tuple
    outcome: str
    explanation: str


class GroupResult(NamedTuple):
    code: str
    name: str
    path: str
    logic: str
    outcome: str


class AmountLine(NamedTuple):
    code: str
    name: str
    measure: str
    value: Any  # Decimal rounded to 0.01, text, or None (unknown)
    explanation: str


@dataclass(frozen=True, slots=True)
class Evaluation:
    eligible: bool | None
    trace: tuple[TraceItem, ...]
    groups: tuple[GroupResult, ...]
    amounts: Mapping[str, Any]
    amount_lines: tuple[AmountLine, ...]
    version: VersionInfo
    project_code: str
    mode_code: str
    on_date: datetime.date
    region_code: str
    unknown_factors: tuple[str, ...]

    @property
    def eligible_label(self) -> str:
        return {True: _("符合条件"), False: _("不符合条件"), None: _("无法判断（缺少事实）")}[self.eligible]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (Decimals and dates as strings) for the command line, exports and storage."""
        return _jsonable(
            {
                "eligible": self.eligible,
                "eligible_label": self.eligible_label,
                "project": self.project_code,
                "mode": self.mode_code,
                "date": self.on_date,
                "region_code": self.region_code,
                "version": asdict(self.version),
                "trace": [item._asdict() for item in self.trace],
                "groups": [g._asdict() for g in self.groups],
                "amounts": dict(self.amounts),
                "amount_lines": [line._asdict() for line in self.amount_lines],
                "unknown_factors": list(self.unknown_factors),
            }
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


# --- compiling from the database ------------------------------------------------------------------


def ruleset_compile(ruleset) -> CompiledRuleSet:
    """Read one version (a few queries) into the immutable structure the evaluator walks."""
    from .models import ConditionGroup, QualitativeCondition, QuantitativeCondition, Standard
    from .ordering import compile_criteria

    project = ruleset.project
    modes = list(project.modes.filter(is_enabled=True).order_by("code"))
    groups = list(ConditionGroup.objects.filter(rule_set=ruleset, is_enabled=True).order_by("order", "code"))
    quantitative = list(
        QuantitativeCondition.objects.filter(rule_set=ruleset, is_enabled=True)
        .select_related("category")
        .order_by("order", "code")
    )
    qualitative = list(
        QualitativeCondition.objects.filter(rule_set=ruleset, is_enabled=True)
        .select_related("category")
        .order_by("order", "code")
    )
    standards = list(
        Standard.objects.filter(rule_set=ruleset, is_enabled=True).order_by("order", "code", "pk")
    )

    # Children of each group (and of the mode's root) in one ordering: by ``order``, then code.
    children: dict[tuple[int, int | None], list[tuple[int, str, Any]]] = {}
    for group in groups:
        children.setdefault((group.mode_id, group.parent_id), []).append((group.order, group.code, group))
    for condition in quantitative + qualitative:
        children.setdefault((condition.mode_id, condition.group_id), []).append(
            (condition.order, condition.code, condition)
        )

    def build(mode_id: int, group) -> CompiledGroup:
        items = sorted(children.get((mode_id, group.pk if group else None), []), key=lambda t: (t[0], t[1]))
        compiled = tuple(
            build(mode_id, obj) if isinstance(obj, ConditionGroup) else _compile_condition(obj)
            for _order, _code, obj in items
        )
        if group is None:
            return CompiledGroup(code="", name=_("申请条件"), logic="and", children=compiled)
        return CompiledGroup(code=group.code, name=group.name, logic=group.logic, children=compiled)

    compiled_modes = {}
    for mode in modes:
        compiled_modes[mode.code] = CompiledMode(
            code=mode.code,
            name=str(mode),
            kind=mode.kind,
            root=build(mode.pk, None),
            standards=_compile_standards([s for s in standards if s.mode_id == mode.pk]),
        )
    info = VersionInfo(
        id=ruleset.pk,
        project_code=project.code,
        project_name=project.name,
        region_code=ruleset.region_code,
        version=ruleset.version,
        name=ruleset.name,
        state=ruleset.state,
        effective_from=ruleset.effective_from,
        effective_to=ruleset.effective_to,
        policy_title=ruleset.policy_title,
        policy_number=ruleset.policy_number,
    )
    return CompiledRuleSet(
        info=info,
        modes=MappingProxyType(compiled_modes),
        ordering=compile_criteria(ruleset.ordering_criteria.order_by("position")),
    )


def _compile_condition(condition) -> CompiledCondition:
    from .models import QuantitativeCondition

    factor: Factor | None = factor_get(condition.factor)
    label = factor.label if factor else condition.factor
    category = condition.category.name if condition.category_id else ""
    common = {
        "code": condition.code,
        "name": condition.name,
        "category": category,
        "factor": condition.factor,
        "factor_label": label,
    }
    texts = {
        "unknown": _("缺少“%(label)s”，无法判断") % {"label": label},
        "size_unknown": _("缺少“家庭人口数”，无法确定本条件是否适用"),
    }
    if isinstance(condition, QuantitativeCondition):
        unit = condition.measure or (factor.unit if factor else "")
        lower = condition.lower.normalize() if condition.lower is not None else None
        upper = condition.upper.normalize() if condition.upper is not None else None
        if lower is not None:
            b = {"b": _with_unit(lower, unit)}
            texts.update(
                lower_above=(
                    _("满 %(b)s的要求") if condition.lower_operator == ">=" else _("超过 %(b)s的要求")
                )
                % b,
                lower_equal_pass=_("达到 %(b)s的要求") % b,
                lower_equal_fail=_("仅等于 %(b)s，须超过 %(b)s") % b,
                lower_below=_("不足 %(b)s的要求") % b,
            )
        if upper is not None:
            b = {"b": _with_unit(upper, unit)}
            texts.update(
                upper_below=(
                    _("未超过 %(b)s的标准") if condition.upper_operator == "<=" else _("低于 %(b)s的标准")
                )
                % b,
                upper_equal_pass=_("等于 %(b)s的标准（含）") % b,
                upper_equal_fail=_("达到 %(b)s的标准，须低于 %(b)s") % b,
                upper_above=_("超过 %(b)s的标准") % b,
            )
        if condition.household_size_min is not None or condition.household_size_max is not None:
            texts["not_applicable"] = _("本条件适用于%(band)s的家庭，本户 %%(n)s 人，不适用") % {
                "band": _band(condition.household_size_min, condition.household_size_max)
            }
        return CompiledCondition(
            **common,
            unit=unit,
            kind="quantitative",
            lower=lower,
            lower_inclusive=condition.lower_operator == ">=",
            upper=upper,
            upper_inclusive=condition.upper_operator == "<=",
            size_min=condition.household_size_min,
            size_max=condition.household_size_max,
            texts=MappingProxyType(texts),
        )
    values = tuple(factor.coerce(v) for v in condition.values) if factor else tuple(condition.values)
    allowed = "、".join(describe_value(condition.factor, v) for v in values)
    texts["pass"] = _("%(label)s：%%(actual)s，符合要求") % {"label": label}
    texts["fail"] = _("%(label)s：%%(actual)s，不符合要求（应为%(allowed)s）") % {
        "label": label,
        "allowed": allowed,
    }
    labels: dict[Any, str] = {True: _("是"), False: _("否")}
    if factor is not None:
        labels.update({code: text for code, text in factor.choices})
    return CompiledCondition(
        **common,
        unit=factor.unit if factor else "",
        kind="qualitative",
        values=values,
        texts=MappingProxyType(texts),
        value_labels=MappingProxyType(labels),
    )


def _compile_standards(rows) -> tuple[CompiledStandard, ...]:
    by_code: dict[str, list] = {}
    for row in rows:
        by_code.setdefault(row.code, []).append(row)
    compiled = []
    for code, group in by_code.items():
        first = group[0]
        if first.formula:
            compiled.append(
                CompiledStandard(
                    code=code,
                    name=first.name,
                    measure=first.measure,
                    is_result=first.is_result,
                    formula=formula_parse(first.formula),
                    formula_if_unknown=formula_parse(first.formula_if_unknown)
                    if first.formula_if_unknown.strip()
                    else None,
                )
            )
            continue
        default = next((r.value for r in group if r.household_size is None), None)
        sized = {r.household_size: r.value for r in group if r.household_size is not None}
        compiled.append(
            CompiledStandard(
                code=code,
                name=first.name,
                measure=first.measure,
                is_result=first.is_result,
                value=default,
                values_by_size=MappingProxyType(sized),
            )
        )
    return tuple(compiled)


# --- caches -------------------------------------------------------------------------------------

GENERATION_KEY = "rules:generation"
GENERATION_CHECK_SECONDS = 2.0

_lock = threading.Lock()
_compiled: dict[int, CompiledRuleSet] = {}
_index: dict[str, tuple] = {}  # project code → ((prefix, from, to, id), …)
_generation: dict[str, Any] = {"value": None, "checked": 0.0}


def rules_cache_clear() -> None:
    """Forget compiled versions and the version index in this process."""
    with _lock:
        _compiled.clear()
        _index.clear()
        _generation["checked"] = 0.0


def rules_cache_bump() -> None:
    """A version's lifecycle changed: clear here now, and tell other processes (through the shared
    cache) to clear within ``GENERATION_CHECK_SECONDS``."""
    rules_cache_clear()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def _check_generation() -> None:
    now = time.monotonic()
    if now - _generation["checked"] < GENERATION_CHECK_SECONDS:
        return
    current = cache.get(GENERATION_KEY)
    with _lock:
        if current != _generation["value"]:
            _compiled.clear()
            _index.clear()
            _generation["value"] = current
        _generation["checked"] = now


def compiled_for(ruleset) -> CompiledRuleSet:
    """The compiled form of a version; cached unless it is a draft."""
    from .models import RuleSetState

    if ruleset.state == RuleSetState.DRAFT:
        return ruleset_compile(ruleset)
    _check_generation()
    cached = _compiled.get(ruleset.pk)
    if cached is None:
        cached = ruleset_compile(ruleset)
        with _lock:
            _compiled[ruleset.pk] = cached
    return cached


def _compiled_by_id(pk: int) -> CompiledRuleSet:
    cached = _compiled.get(pk)
    if cached is None:
        from .models import RuleSet

        ruleset = RuleSet.objects.select_related("project").get(pk=pk)
        cached = ruleset_compile(ruleset)
        with _lock:
            _compiled[pk] = cached
    return cached


def _versions_of(project_code: str) -> tuple:
    entries = _index.get(project_code)
    if entries is None:
        from .models import RuleSet, RuleSetState

        rows = RuleSet.objects.filter(
            project__code=project_code,
            state__in=[RuleSetState.ACTIVE, RuleSetState.RETIRED],
            effective_from__isnull=False,
        ).values_list("region_code", "effective_from", "effective_to", "pk")
        entries = tuple((scope_prefix(region), start, end, pk) for region, start, end, pk in rows)
        with _lock:
            _index[project_code] = entries
    return entries


def version_in_force(*, project_code: str, region_code: str, on_date: datetime.date) -> int | None:
    """Id of the version of ``project_code`` in force for a family in ``region_code`` on ``on_date``.

    A city's version applies to its districts and streets; a district's own version, where one
    exists, wins over the city's (the longest region prefix covering the family).
    """
    _check_generation()
    best: tuple[int, int] | None = None
    for prefix, start, end, pk in _versions_of(project_code):
        if region_code.startswith(prefix) and start <= on_date and (end is None or on_date <= end):
            if best is None or len(prefix) > best[0]:
                best = (len(prefix), pk)
    return best[1] if best else None


def compiled_in_force(*, project_code: str, region_code: str, on_date: datetime.date) -> CompiledRuleSet:
    pk = version_in_force(project_code=project_code, region_code=region_code, on_date=on_date)
    if pk is None:
        raise NoRuleSetError(
            _("没有适用于“%(project)s”、区划 %(region)s、日期 %(date)s 的已启用规则模版。")
            % {"project": project_code, "region": region_code, "date": on_date.isoformat()}
        )
    return _compiled_by_id(pk)


# --- evaluation ---------------------------------------------------------------------------------


def evaluate(
    *,
    facts: Mapping[str, Any],
    project_code: str,
    mode_code: str,
    on_date: datetime.date,
    region_code: str,
    ruleset=None,
) -> Evaluation:
    """Evaluate one family's facts. Pure: no database writes (reads only on a cache miss).

    ``ruleset`` (a ``RuleSet`` or ``CompiledRuleSet``) forces a version, e.g. a draft under 试算;
    otherwise the version in force for ``region_code`` on ``on_date`` is used. Facts are given by
    factor code; a missing or ``None`` fact is unknown. A fact of the wrong type raises
    ``ValidationError`` with a Chinese message.
    """
    if ruleset is None:
        compiled = compiled_in_force(project_code=project_code, region_code=region_code, on_date=on_date)
    elif isinstance(ruleset, CompiledRuleSet):
        compiled = ruleset
    else:
        compiled = compiled_for(ruleset)
    mode = compiled.modes.get(mode_code)
    if mode is None:
        raise ValidationError(
            _("规则模版“%(name)s”没有保障方式“%(mode)s”。") % {"name": compiled.info.name, "mode": mode_code}
        )
    typed, errors = facts_coerce(facts)
    if errors:
        raise ValidationError(list(errors.values()))

    trace: list[TraceItem] = []
    groups: list[GroupResult] = []
    unknown: set[str] = set()
    outcome = _evaluate_group(mode.root, typed, trace, groups, unknown, "")
    eligible = {PASS: True, NOT_APPLICABLE: True, FAIL: False, UNKNOWN: None}[outcome]

    amounts: dict[str, Any] = {}
    lines: list[AmountLine] = []
    if eligible is not False:
        amounts, lines = _evaluate_standards(mode.standards, typed, unknown)
    return Evaluation(
        eligible=eligible,
        trace=tuple(trace),
        groups=tuple(groups),
        amounts=MappingProxyType(amounts),
        amount_lines=tuple(lines),
        version=compiled.info,
        project_code=compiled.info.project_code,
        mode_code=mode_code,
        on_date=on_date,
        region_code=region_code,
        unknown_factors=tuple(sorted(unknown)),
    )


def _evaluate_group(group: CompiledGroup, facts, trace, groups, unknown, path: str) -> str:
    here = f"{path} › {group.name}" if path else group.name
    outcomes = []
    for child in group.children:
        if isinstance(child, CompiledGroup):
            outcomes.append(_evaluate_group(child, facts, trace, groups, unknown, here))
        else:
            item = _evaluate_condition(child, facts, here)
            if item.outcome == UNKNOWN:
                unknown.add(child.factor if child.factor not in facts else "household_size")
            trace.append(item)
            outcomes.append(item.outcome)
    outcome = combine(group.logic, outcomes)
    if group.code:
        groups.append(
            GroupResult(code=group.code, name=group.name, path=here, logic=group.logic, outcome=outcome)
        )
    return outcome


def combine(logic: str, outcomes: list[str]) -> str:
    """Kleene three-valued AND / OR / NOT; not-applicable parts are left out."""
    relevant = [o for o in outcomes if o != NOT_APPLICABLE]
    if logic == "or":
        if not relevant:
            return NOT_APPLICABLE
        if PASS in relevant:
            return PASS
        return UNKNOWN if UNKNOWN in relevant else FAIL
    if not relevant:
        return NOT_APPLICABLE
    if FAIL in relevant:
        result = FAIL
    elif UNKNOWN in relevant:
        result = UNKNOWN
    else:
        result = PASS
    if logic == "not":
        return {PASS: FAIL, FAIL: PASS}.get(result, result)
    return result


def _evaluate_condition(c: CompiledCondition, facts, path: str) -> TraceItem:
    actual = facts.get(c.factor)
    if c.size_min is not None or c.size_max is not None:
        size = facts.get("household_size")
        if size is None:
            return _trace(c, path, actual, UNKNOWN, c.texts["size_unknown"])
        if (c.size_min is not None and size < c.size_min) or (c.size_max is not None and size > c.size_max):
            return _trace(c, path, actual, NOT_APPLICABLE, c.texts["not_applicable"] % {"n": size})
    if actual is None:
        return _trace(c, path, None, UNKNOWN, c.texts["unknown"])
    if c.kind == "quantitative":
        outcome, explanation = _check_bounds(c, actual)
        return _trace(c, path, actual, outcome, explanation)
    shown = c.value_labels.get(actual)
    if shown is None:
        shown = describe_value(c.factor, actual)
    if actual in c.values:
        return _trace(c, path, actual, PASS, c.texts["pass"] % {"actual": shown})
    return _trace(c, path, actual, FAIL, c.texts["fail"] % {"actual": shown})


def _band(size_min: int | None, size_max: int | None) -> str:
    if size_min is not None and size_max is not None:
        return f"{size_min}人" if size_min == size_max else f"{size_min}–{size_max}人"
    if size_min is not None:
        return f"{size_min}人及以上"
    return f"{size_max}人及以下"


def _with_unit(value: Decimal, unit: str) -> str:
    text = format_number(value)
    return f"{text} {unit}" if unit else text


def _check_bounds(c: CompiledCondition, actual) -> tuple[str, str]:
    texts = c.texts
    phrases: list[str] = []
    failed: str | None = None
    lower, upper = c.lower, c.upper
    if lower is not None:
        if actual > lower:
            phrases.append(texts["lower_above"])
        elif actual == lower:
            if c.lower_inclusive:
                phrases.append(texts["lower_equal_pass"])
            else:
                failed = texts["lower_equal_fail"]
        else:
            failed = texts["lower_below"]
    if failed is None and upper is not None:
        if actual < upper:
            phrases.append(texts["upper_below"])
        elif actual == upper:
            if c.upper_inclusive:
                phrases.append(texts["upper_equal_pass"])
            else:
                failed = texts["upper_equal_fail"]
        else:
            failed = texts["upper_above"]
    shown = _with_unit(actual, c.unit)
    if failed is not None:
        return FAIL, f"{c.factor_label} {shown}，{failed}"
    return PASS, f"{c.factor_label} {shown}，{'，'.join(phrases)}"


def _trace(c: CompiledCondition, path: str, actual, outcome: str, explanation: str) -> TraceItem:
    return TraceItem(
        code=c.code,
        condition=c.name,
        category=c.category,
        group_path=path,
        factor=c.factor,
        factor_label=c.factor_label,
        kind=c.kind,
        actual=actual,
        lower=c.lower,
        lower_inclusive=c.lower_inclusive,
        upper=c.upper,
        upper_inclusive=c.upper_inclusive,
        values=c.values,
        outcome=outcome,
        explanation=explanation,
    )


def _evaluate_standards(standards, facts, unknown: set[str]) -> tuple[dict[str, Any], list[AmountLine]]:
    names = {code: to_formula_value(value) for code, value in facts.items()}
    # One evaluator for all of this family's formulas: it reads ``names``, which grows as each
    # standard is computed (later formulas use earlier results).
    evaluator = formula_evaluator(names)
    amounts: dict[str, Any] = {}
    lines: list[AmountLine] = []
    size = facts.get("household_size")
    for standard in standards:
        note = ""
        if standard.formula is None:
            value = standard.values_by_size.get(size, standard.value) if size is not None else standard.value
            if value is None:
                note = _("缺少“家庭人口数”，无法取用按人户数分列的标准")
                unknown.add("household_size")
        else:
            try:
                value = standard.formula.evaluate(names, evaluator=evaluator)
            except UnknownName as exc:
                value = None
                missing = exc.name
                fallback = standard.formula_if_unknown
                if fallback is not None:
                    try:
                        value = fallback.evaluate(names, evaluator=evaluator)
                        note = _("缺少“%(f)s”，按缺项时公式计算") % {"f": _name_label(missing)}
                    except UnknownName as inner:
                        missing = inner.name
                if value is None:
                    note = _("缺少“%(f)s”，无法计算") % {"f": _name_label(missing)}
                    if factor_get(missing) is not None:
                        unknown.add(missing)
            except FormulaError as exc:
                value = None
                note = exc.message
        if value is not None:
            names[standard.code] = value
        if standard.is_result:
            reported = quantize_amount(value)
            amounts[standard.code] = reported
            lines.append(
                AmountLine(
                    code=standard.code,
                    name=standard.name,
                    measure=standard.measure,
                    value=reported,
                    explanation=note,
                )
            )
    return amounts, lines


def _name_label(name: str) -> str:
    factor = factor_get(name)
    return factor.label if factor else name
