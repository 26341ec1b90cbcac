"""Reads of the rules subsystem, always scoped by the user (DESIGN §4 rule 2).

A rule set is visible to a user when it lies in the user's region scope, and also when it
*applies* to the user's regions: a district reviewer sees (read-only) the city's rule sets that
decide the district's families. Changing a rule set still needs it to lie in the user's scope
(``ruleset_get_for_edit``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from housing.accounts.scope import get_in_scope_or_404, scope_q
from housing.regions.codes import parent_code

from .models import (
    ConditionGroup,
    GuaranteeProject,
    OrderingCriterion,
    QualitativeCondition,
    QuantitativeCondition,
    RuleExchangeRecord,
    RuleSet,
    Standard,
)


def _ancestor_codes(prefixes: list[str]) -> set[str]:
    codes: set[str] = set()
    for prefix in prefixes:
        code = parent_code(prefix.ljust(12, "0"))
        while code is not None:
            codes.add(code)
            code = parent_code(code)
    return codes


def _visible_q(user) -> Q | None:
    own = scope_q(user)
    if own is None:
        return None
    prefixes = user.scope_prefixes if user.is_authenticated else []
    return own | Q(region_code__in=_ancestor_codes(prefixes or []))


def ruleset_list(*, user, filters: dict[str, Any] | None = None) -> QuerySet[RuleSet]:
    """Rule sets the user may see; ``filters``: project (code), state, region_code."""
    queryset = RuleSet.objects.select_related("project", "created_by")
    condition = _visible_q(user)
    if condition is not None:
        queryset = queryset.filter(condition)
    filters = filters or {}
    if filters.get("project"):
        queryset = queryset.filter(project__code=filters["project"])
    if filters.get("state"):
        queryset = queryset.filter(state=filters["state"])
    if filters.get("region_code"):
        queryset = queryset.filter(region_code=filters["region_code"])
    return queryset.order_by("project__code", "region_code", "-version")


def ruleset_get_for_user(*, user, pk: int) -> RuleSet:
    """One rule set the user may see (404 otherwise)."""
    queryset = RuleSet.objects.select_related("project", "copied_from", "created_by")
    condition = _visible_q(user)
    if condition is not None:
        queryset = queryset.filter(condition)
    try:
        return queryset.get(pk=pk)
    except RuleSet.DoesNotExist as exc:
        raise Http404 from exc


def ruleset_get_for_edit(*, user, pk: int) -> RuleSet:
    """One rule set inside the user's own scope (404 otherwise): copy, edit, activate, retire."""
    return get_in_scope_or_404(RuleSet.objects.select_related("project"), user, pk=pk)


def project_list(*, user) -> QuerySet[GuaranteeProject]:
    queryset = GuaranteeProject.objects.prefetch_related("modes")
    condition = _visible_q(user)
    return queryset if condition is None else queryset.filter(condition)


def ruleset_contents(*, ruleset: RuleSet) -> list[dict[str, Any]]:
    """Per mode of the project: its groups, conditions and standards in this version (detail page)."""
    modes = list(ruleset.project.modes.order_by("code"))
    groups = (
        ConditionGroup.objects.filter(rule_set=ruleset).select_related("parent").order_by("order", "code")
    )
    quantitative = (
        QuantitativeCondition.objects.filter(rule_set=ruleset)
        .select_related("group", "category")
        .order_by("order")
    )
    qualitative = (
        QualitativeCondition.objects.filter(rule_set=ruleset)
        .select_related("group", "category")
        .order_by("order")
    )
    standards = Standard.objects.filter(rule_set=ruleset).order_by("order", "code", "household_size")
    result = []
    for mode in modes:
        result.append(
            {
                "mode": mode,
                "groups": [g for g in groups if g.mode_id == mode.pk],
                "quantitative": [c for c in quantitative if c.mode_id == mode.pk],
                "qualitative": [c for c in qualitative if c.mode_id == mode.pk],
                "standards": [s for s in standards if s.mode_id == mode.pk],
            }
        )
    return result


def ruleset_ordering(*, ruleset: RuleSet) -> QuerySet[OrderingCriterion]:
    return ruleset.ordering_criteria.order_by("position")


def ruleset_versions(*, user, ruleset: RuleSet) -> QuerySet[RuleSet]:
    """Every version of the same project and region the user may see, newest first (diff picker)."""
    return ruleset_list(user=user).filter(project=ruleset.project, region_code=ruleset.region_code)


def exchange_record_list(*, user) -> QuerySet[RuleExchangeRecord]:
    queryset = RuleExchangeRecord.objects.select_related("rule_set", "actor")
    condition = scope_q(user)
    return queryset if condition is None else queryset.filter(condition)
