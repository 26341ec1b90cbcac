"""轮候排队规则 (§4.2.1-1): a project's ordered criteria turned into one sort-key function.

Allocation sorts a waitlist with ``sorted(families, key=rule.key)``: each criterion contributes
one element to the key tuple, in position order. A value that cannot be computed (a fact
missing) sorts after every known value of that criterion, so a family is never moved ahead by a
gap in its file. A priority-group criterion ranks a family by the first group whose condition is
true (低保 before 特困 …); a family in no group ranks after all groups.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .factors import facts_coerce
from .formulas import Formula, FormulaError, formula_parse, to_formula_value


@dataclass(frozen=True, slots=True)
class CompiledCriterion:
    position: int
    kind: str
    label: str
    descending: bool
    formulas: tuple[Formula, ...]
    groups: tuple[tuple[str, Formula], ...] = ()


def compile_criteria(criteria: Iterable) -> tuple[CompiledCriterion, ...]:
    compiled = []
    for criterion in criteria:
        groups = tuple((g["label"], formula_parse(g["expression"])) for g in criterion.priority_groups or [])
        compiled.append(
            CompiledCriterion(
                position=criterion.position,
                kind=criterion.kind,
                label=criterion.label,
                descending=criterion.direction == "desc",
                # One formula per line, tried in turn: the first that can be computed gives the
                # value (轮候基准日期: the earlier of two dates, or whichever one is known).
                formulas=tuple(
                    formula_parse(line) for line in criterion.expression.splitlines() if line.strip()
                ),
                groups=groups,
            )
        )
    return tuple(compiled)


def _descending(value: Any) -> Any:
    """A value whose order is reversed: numbers negated, dates as negative ordinals."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return -value
    if isinstance(value, datetime.date):
        return -value.toordinal()
    raise FormulaError(_("只有数值和日期可以从大到小排序。"))


@dataclass(frozen=True)
class OrderingRule:
    """The compiled ordering of one version; ``key(facts)`` is the sort key of one family."""

    criteria: tuple[CompiledCriterion, ...]

    def key(self, facts: Mapping[str, Any]) -> tuple:
        typed, errors = facts_coerce(facts)
        if errors:
            raise ValidationError(list(errors.values()))
        names = {code: to_formula_value(value) for code, value in typed.items()}
        return tuple(self._element(criterion, names) for criterion in self.criteria)

    def explain(self, facts: Mapping[str, Any]) -> list[tuple[str, Any]]:
        """(criterion label, the family's value or group) — shown next to a waitlist position."""
        typed, _errors = facts_coerce(facts)
        names = {code: to_formula_value(value) for code, value in typed.items()}
        shown = []
        for criterion in self.criteria:
            if criterion.groups:
                rank = self._group_rank(criterion, names)
                shown.append(
                    (criterion.label, criterion.groups[rank][0] if rank < len(criterion.groups) else "—")
                )
            else:
                shown.append((criterion.label, self._value(criterion, names)))
        return shown

    @staticmethod
    def _group_rank(criterion: CompiledCriterion, names) -> int:
        for rank, (_label, formula) in enumerate(criterion.groups):
            try:
                if formula.evaluate(names) is True:
                    return rank
            except FormulaError:
                # A fact needed for this group is missing: the family is not shown to belong to it.
                continue
        return len(criterion.groups)

    @staticmethod
    def _value(criterion: CompiledCriterion, names) -> Any:
        for formula in criterion.formulas:
            try:
                return formula.evaluate(names)
            except FormulaError:
                continue
        return None

    def _element(self, criterion: CompiledCriterion, names) -> tuple:
        if criterion.groups:
            return (0, self._group_rank(criterion, names))
        value = self._value(criterion, names)
        if value is None:
            return (1, 0)
        return (0, _descending(value) if criterion.descending else value)


def ordering_rule_for(compiled) -> OrderingRule:
    """The ordering of a compiled rule set (``rules.engine.CompiledRuleSet``)."""
    return OrderingRule(criteria=compiled.ordering)


def waitlist_sort_key(
    *, project_code: str, region_code: str, on_date: datetime.date
) -> Callable[[Mapping], tuple]:
    """The sort key of the version in force: ``sorted(facts_list, key=waitlist_sort_key(...))``."""
    from .engine import compiled_in_force

    compiled = compiled_in_force(project_code=project_code, region_code=region_code, on_date=on_date)
    return ordering_rule_for(compiled).key
