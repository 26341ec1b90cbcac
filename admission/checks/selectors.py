"""Reads of department checks, always through the application's region scope (DESIGN §4 rule 2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from housing.accounts.scope import get_in_scope_or_404, scope_queryset

from ..models import Application, Relation
from .models import CheckOutcome, CheckRun, CheckRunStatus, DepartmentCheck

SCOPE_FIELD = "application__region_code"


def check_run_list(*, user, filters: Mapping[str, Any] | None = None) -> QuerySet[CheckRun]:
    """Runs in scope. ``filters``: ``application`` (pk); ``problem_q`` narrows to the flawed ones."""
    queryset = scope_queryset(
        CheckRun.objects.select_related("application__family").defer(
            "facts",
            "evaluation",
            "application__family__id_number",
            "application__family__agent_id_number",
            "application__family__phone",
            "application__family__agent_phone",
        ),
        user,
        field=SCOPE_FIELD,
    )
    filters = filters or {}
    if application := filters.get("application"):
        queryset = queryset.filter(application_id=application)
    return queryset


def check_run_get_for_user(*, user, pk) -> CheckRun:
    try:
        return get_in_scope_or_404(
            CheckRun.objects.select_related("application__family", "requested_by"),
            user,
            field=SCOPE_FIELD,
            pk=pk,
        )
    except (ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc


def problem_q(problem: str) -> Q | None:
    return {
        "mismatch": Q(mismatch_count__gt=0),
        "failed": Q(failed_count__gt=0),
        "clean": Q(mismatch_count=0, failed_count=0, status=CheckRunStatus.DONE),
    }.get(problem)


@dataclass
class MemberChecks:
    name: str
    relation: str
    id_masked: str
    checks: list[DepartmentCheck] = field(default_factory=list)

    @property
    def problem_count(self) -> int:
        return sum(1 for c in self.checks if c.outcome in (CheckOutcome.MISMATCH, CheckOutcome.FAILED))


def checks_by_member(run: CheckRun) -> list[MemberChecks]:
    """A run's checks grouped per member (in the order they were made: members, then datasets) — one query."""
    groups: dict[int, MemberChecks] = {}
    for check in run.checks.order_by("pk"):
        group = groups.get(check.member_id)
        if group is None:
            relation = (
                Relation(check.member_relation).label if check.member_relation in Relation.values else ""
            )
            group = groups[check.member_id] = MemberChecks(
                check.member_name, relation, check.member_id_masked
            )
        group.checks.append(check)
    return list(groups.values())


def application_checks_summary(*, application: Application) -> dict[str, Any]:
    """The 部门核查 tab: the latest finished run (with its checks) and a newer run still going, if any.

    At most three queries whatever the number of runs or members.
    """
    latest = application.check_runs.order_by("-number").first()
    shown = latest
    if latest is not None and not latest.is_done:
        shown = application.check_runs.filter(status=CheckRunStatus.DONE).order_by("-number").first()
    return {
        "latest": latest,
        "run": shown,
        "pending": latest if latest is not None and not latest.is_done else None,
        "members": checks_by_member(shown) if shown is not None else [],
    }
