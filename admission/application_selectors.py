"""Reads of applications, always through the region scope (DESIGN §4 rule 2)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.http import Http404

from housing.accounts.scope import get_in_scope_or_404, scope_queryset
from housing.regions.models import Region
from housing.workflow.models import NodeInstance, NodeState

from .models import LEVEL_PERMISSION, STATE_LEVEL, Application, ApplicationState
from .selectors import id_number_match_q

S = ApplicationState


def _with_names(queryset: QuerySet[Application]) -> QuerySet[Application]:
    return queryset.select_related("family").annotate(
        region_name=Subquery(Region.objects.filter(code=OuterRef("region_code")).values("name")[:1])
    )


def application_list(*, user, filters: Mapping[str, Any] | None = None) -> QuerySet[Application]:
    """Applications in scope. ``filters``: ``q`` (申请编号, 申请人姓名, or an exact ID number), ``state``."""
    queryset = scope_queryset(_with_names(Application.objects.all()), user).defer(
        "family__id_number", "family__agent_id_number", "family__phone", "family__agent_phone"
    )
    filters = filters or {}
    if state := filters.get("state"):
        queryset = queryset.filter(state=state)
    if term := (filters.get("q") or "").strip():
        condition = Q(receipt_number__iexact=term) | Q(family__applicant_name__icontains=term)
        by_id = id_number_match_q(term, prefix="family__")
        if by_id is not None:
            condition |= by_id
        queryset = queryset.filter(condition)
    return queryset


def application_queue(*, user) -> QuerySet[Application]:
    """待办: cases waiting at the levels the user's roles handle, the longest-waiting first."""
    states = [state for state, level in STATE_LEVEL.items() if user.has_perm(LEVEL_PERMISSION[level])]
    if user.has_perm(LEVEL_PERMISSION["street"]):
        states.append(S.RETURNED)
    content_type = ContentType.objects.get_for_model(Application)
    due = NodeInstance.objects.filter(
        process__content_type=content_type,
        process__object_id=Cast(OuterRef("pk"), CharField()),
        state=NodeState.OPEN,
    ).values("due_date")[:1]
    return application_list(user=user).filter(state__in=states).annotate(due_date=Subquery(due))


def application_get_for_user(*, user, pk) -> Application:
    try:
        return get_in_scope_or_404(_with_names(Application.objects.all()), user, pk=pk)
    except (ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc


def application_nodes(*, application: Application) -> QuerySet[NodeInstance]:
    """办理记录: every workflow node of the case, oldest first."""
    content_type = ContentType.objects.get_for_model(Application)
    return (
        NodeInstance.objects.filter(
            process__content_type=content_type,
            process__object_id=str(application.pk),
            process__process_code="admission_review",
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )
