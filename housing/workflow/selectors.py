"""Reads of the workflow: the task inbox, case monitoring and statistics — always region-scoped."""

from __future__ import annotations

import datetime

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    F,
    Max,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from housing.accounts.scope import get_in_scope_or_404, scope_queryset

from .models import NodeInstance, NodeState, ProcessInstance, ProcessState


def _with_overdue(queryset: QuerySet[NodeInstance], today: datetime.date) -> QuerySet[NodeInstance]:
    """Annotate ``overdue`` (open past its due date, or finished after it) for lists and badges."""
    return queryset.annotate(
        overdue=Case(
            When(overdue_q(today), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def overdue_q(today: datetime.date) -> Q:
    """超期 as a filter: the due date itself is still on time."""
    return Q(state=NodeState.OPEN, due_date__lt=today) | Q(
        state=NodeState.DONE, finished_at__date__gt=F("due_date")
    )


def task_inbox(*, user, today: datetime.date | None = None) -> QuerySet[NodeInstance]:
    """我的待办: open nodes waiting for any of my roles within my region scope, soonest due first."""
    today = today or timezone.localdate()
    roles = user.role_codes if user.is_authenticated else frozenset()
    queryset = NodeInstance.objects.filter(state=NodeState.OPEN, assigned_role_code__in=sorted(roles))
    queryset = scope_queryset(queryset, user).select_related("process")
    return _with_overdue(queryset, today).order_by(F("due_date").asc(nulls_last=True), "created_at", "pk")


def task_get_for_user(*, user, pk: int) -> NodeInstance:
    """One node instance in the user's scope (any state); out of scope is a 404."""
    queryset = NodeInstance.objects.select_related("process", "process__template", "node_template", "actor")
    return get_in_scope_or_404(_with_overdue(queryset, timezone.localdate()), user, pk=pk)


def process_instance_list(*, user) -> QuerySet[ProcessInstance]:
    return scope_queryset(ProcessInstance.objects.select_related("template", "current_node"), user)


def process_instance_get_for_user(*, user, pk: int) -> ProcessInstance:
    return get_in_scope_or_404(
        ProcessInstance.objects.select_related("template", "current_node", "content_type"), user, pk=pk
    )


def process_node_history(
    *, instance: ProcessInstance, today: datetime.date | None = None
) -> list[NodeInstance]:
    """Every node visit of a case, oldest first, with ``overdue`` and the handler loaded."""
    today = today or timezone.localdate()
    queryset = instance.nodes.select_related("actor", "node_template").order_by("created_at", "pk")
    return list(_with_overdue(queryset, today))


def process_template_codes() -> list[tuple[str, str]]:
    """(code, name) of the active processes — the choices of the process filters."""
    from .models import ProcessTemplate

    return list(
        ProcessTemplate.objects.filter(is_active=True).order_by("code").values_list("code", "name").distinct()
    )


def workflow_statistics(*, user, today: datetime.date | None = None, process_code: str = "") -> dict:
    """§16.1.4-3 统计分析: counts, average working days and overdue counts by process, node and handler.

    Three aggregate queries over node instances plus one over cases, all region-scoped.
    """
    today = today or timezone.localdate()
    nodes = scope_queryset(NodeInstance.objects.all(), user)
    cases = scope_queryset(ProcessInstance.objects.all(), user)
    if process_code:
        nodes = nodes.filter(process__process_code=process_code)
        cases = cases.filter(process_code=process_code)
    late = overdue_q(today)
    done = Q(state=NodeState.DONE)

    by_process_cases = {
        row["process_code"]: row
        for row in cases.values("process_code").annotate(
            name=Max("template__name"),
            total=Count("pk"),
            running=Count("pk", filter=Q(state=ProcessState.RUNNING)),
            finished=Count("pk", filter=Q(state=ProcessState.FINISHED)),
            cancelled=Count("pk", filter=Q(state=ProcessState.CANCELLED)),
        )
    }
    by_process_nodes = {
        row["process__process_code"]: row
        for row in nodes.values("process__process_code").annotate(
            avg_days=Avg("working_days_taken", filter=done),
            overdue=Count("pk", filter=late),
            nodes_done=Count("pk", filter=done),
        )
    }
    by_process = []
    for code, row in sorted(by_process_cases.items()):
        node_row = by_process_nodes.get(code, {})
        by_process.append(
            {
                **row,
                "avg_days": node_row.get("avg_days"),
                "overdue": node_row.get("overdue", 0),
                "nodes_done": node_row.get("nodes_done", 0),
            }
        )
    by_node = list(
        nodes.values("process__process_code", "name")
        .annotate(
            order=Max("node_template__order"),
            process_name=Max("process__template__name"),
            total=Count("pk"),
            open=Count("pk", filter=Q(state=NodeState.OPEN)),
            done=Count("pk", filter=done),
            avg_days=Avg("working_days_taken", filter=done),
            overdue=Count("pk", filter=late),
        )
        .order_by("process__process_code", "order", "name")
    )
    by_handler = list(
        nodes.filter(done, actor__isnull=False)
        .values("actor_id", "actor__real_name", "actor__username")
        .annotate(
            done=Count("pk"),
            avg_days=Avg("working_days_taken"),
            overdue=Count("pk", filter=Q(finished_at__date__gt=F("due_date"))),
        )
        .order_by("-done", "actor__username")
    )
    return {"by_process": by_process, "by_node": by_node, "by_handler": by_handler}
