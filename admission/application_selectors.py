"""Reads of applications, always through the region scope (DESIGN §4 rule 2)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.http import Http404

from housing.accounts.identity import id_number_digest, normalise_id_number
from housing.accounts.scope import get_in_scope_or_404, scope_queryset
from housing.regions.codes import scope_prefix
from housing.regions.models import Region
from housing.workflow.models import NodeInstance, ProcessInstanceUserObjectPermission

from .models import (
    LEVEL_PERMISSION,
    STATE_LEVEL,
    Application,
    ApplicationState,
    Family,
    FamilyMember,
    MemberStatus,
)

S = ApplicationState


def _with_names(queryset: QuerySet[Application]) -> QuerySet[Application]:
    from rules.models import GuaranteeProject

    return queryset.select_related("family").annotate(
        region_name=Subquery(Region.objects.filter(code=OuterRef("region_code")).values("name")[:1]),
        # The project's name for lists (the same code may exist per region; any of them names it).
        project_name=Subquery(
            GuaranteeProject.objects.filter(code=OuterRef("project_code")).order_by("pk").values("name")[:1]
        ),
    )


def application_case_grant_q(user) -> Q | None:
    """核查指派: applications whose workflow case (流程实例) is granted to ``user`` one by one
    (``ProcessInstanceUserObjectPermission``, see admission.casework). One ``Exists`` subquery."""
    if not user.is_authenticated or user.is_applicant or user.scope_prefixes is None:
        return None
    granted = ProcessInstanceUserObjectPermission.objects.filter(
        user=user,
        permission__codename="view_processinstance",
        content_object__content_type=ContentType.objects.get_for_model(Application),
        content_object__object_id=Cast(OuterRef("pk"), CharField()),
    )
    return Q(Exists(granted))


def application_list(
    *, user, filters: Mapping[str, Any] | None = None, include_grants: bool = True
) -> QuerySet[Application]:
    """Applications in scope (plus cases granted for a home visit unless ``include_grants`` is False).

    ``filters``: ``q`` (申请编号, 申请人姓名, or an exact ID number), ``state``, ``region`` (a code whose
    prefix narrows the scope), ``submitted_from`` / ``submitted_to`` (dates, inclusive).
    """
    grants = application_case_grant_q(user) if include_grants else None
    queryset = scope_queryset(_with_names(Application.objects.all()), user, grants=grants).defer(
        "family__id_number", "family__agent_id_number", "family__phone", "family__agent_phone"
    )
    return application_filter(queryset, filters=filters or {})


def application_filter(
    queryset: QuerySet[Application], *, filters: Mapping[str, Any]
) -> QuerySet[Application]:
    """The search and filters of ``application_list`` on an already scoped queryset (list pages, report)."""
    if state := filters.get("state"):
        queryset = queryset.filter(state=state)
    if region := filters.get("region"):
        queryset = queryset.filter(region_code__startswith=scope_prefix(str(region)))
    if since := filters.get("submitted_from"):
        queryset = queryset.filter(submitted_at__date__gte=since)
    if until := filters.get("submitted_to"):
        queryset = queryset.filter(submitted_at__date__lte=until)
    if term := (filters.get("q") or "").strip():
        families = families_with_id_number(term)
        if families is not None:
            # A full ID number matches only through the keyed hash (never a name or 申请编号): one indexed
            # semi-join from the digest to the family, instead of an OR across joins that reads every
            # application in scope (bench/admission_scale.py, docs/performance.md).
            queryset = queryset.filter(family_id__in=families)
        else:
            # 申请编号 are stored upper-case: an exact match uses their unique index (iexact cannot).
            queryset = queryset.filter(
                Q(receipt_number=term.upper()) | Q(family__applicant_name__icontains=term)
            )
    return queryset


def families_with_id_number(term: str) -> QuerySet | None:
    """Ids of the families whose applicant or an active member holds ``term``; None if it is no ID number.

    The same match as ``selectors.id_number_match_q``, as a UNION of two index lookups on the digest.
    """
    try:
        digest = id_number_digest(normalise_id_number(term))
    except ValidationError:
        return None
    applicants = Family.objects.filter(id_number_digest=digest).order_by().values("pk")
    members = (
        FamilyMember.objects.filter(id_number_digest=digest, status=MemberStatus.ACTIVE)
        .order_by()
        .values("family_id")
    )
    return applicants.union(members)


def application_queue(*, user, filters: Mapping[str, Any] | None = None) -> QuerySet[Application]:
    """待办: cases waiting at the levels the user's roles handle, the longest-waiting first."""
    states = [state for state, level in STATE_LEVEL.items() if user.has_perm(LEVEL_PERMISSION[level])]
    if user.has_perm(LEVEL_PERMISSION["street"]):
        states.append(S.RETURNED)
    # A case granted for a home visit is not the inspector's to decide: it stays out of their queue.
    # ``due_date`` is the open node's, kept on the case by ``application_due_date_refresh``.
    return application_list(user=user, filters=filters, include_grants=False).filter(state__in=states)


def application_get_for_user(*, user, pk) -> Application:
    try:
        return get_in_scope_or_404(
            _with_names(Application.objects.all()), user, grants=application_case_grant_q(user), pk=pk
        )
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
