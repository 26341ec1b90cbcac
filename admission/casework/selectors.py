"""Reads of casework, always through the region scope (DESIGN §4 rule 2); an inspector's own visits are
the one exception, by assignment."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import CharField, Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Substr
from django.http import Http404

from housing.accounts.models import UserKind
from housing.accounts.scope import get_in_scope_or_404, scope_queryset
from housing.archive.models import Document
from housing.regions.models import Region
from housing.workflow.models import NodeInstance, NodeState

from ..application_selectors import application_list
from ..applications import PROCESS_CODE as REVIEW_PROCESS_CODE
from ..models import Application, ApplicationAsset, ApplicationHousing, ApplicationState
from .models import HomeInspection, InspectionState

S = ApplicationState

# The report's columns: the lifecycle in order, then the side paths.
REPORT_STATES = [
    S.DRAFT,
    S.SUBMITTED,
    S.STREET_REVIEW,
    S.STREET_PUBLICITY,
    S.DISTRICT_REVIEW,
    S.DISTRICT_PUBLICITY,
    S.CITY_REVIEW,
    S.CITY_PUBLICITY,
    S.REGISTERED,
    S.REFUSED,
    S.RETURNED,
    S.FROZEN,
    S.WITHDRAWN,
]


# --- 入户核查 ------------------------------------------------------------------------------------------


def _inspections(*, for_list: bool = True) -> QuerySet[HomeInspection]:
    queryset = HomeInspection.objects.select_related(
        "application", "application__family", "inspector", "assigned_by"
    )
    if not for_list:
        return queryset
    # Lists and exports never load clear personal numbers (DESIGN §4 rule 8).
    return queryset.defer(
        "application__family__id_number",
        "application__family__agent_id_number",
        "application__family__phone",
        "application__family__agent_phone",
    )


def inspection_list(*, user, filters: Mapping[str, Any] | None = None) -> QuerySet[HomeInspection]:
    """核查指派: every visit of cases in the user's region."""
    queryset = scope_queryset(_inspections(), user)
    filters = filters or {}
    if state := filters.get("state"):
        queryset = queryset.filter(state=state)
    return queryset


def inspection_mine(*, user) -> QuerySet[HomeInspection]:
    """我的核查任务: visits assigned to the user, outstanding or done (a revoked one is gone)."""
    if not user.is_authenticated or user.is_applicant:
        return HomeInspection.objects.none()
    return _inspections().filter(inspector=user).exclude(state=InspectionState.REVOKED)


def inspection_get_for_user(*, user, pk) -> HomeInspection:
    """One visit in the user's region, or one assigned to the user and not revoked; else 404."""
    own = None
    if user.is_authenticated and not user.is_applicant:
        own = Q(inspector=user) & ~Q(state=InspectionState.REVOKED)
    queryset = (
        _inspections(for_list=False)
        .select_related("revoked_by")
        .annotate(
            region_name=Subquery(Region.objects.filter(code=OuterRef("region_code")).values("name")[:1])
        )
    )
    try:
        return get_in_scope_or_404(queryset, user, grants=own, pk=pk)
    except (ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc


def inspection_photos(*, inspection: HomeInspection) -> list[Document]:
    return list(inspection.photos.select_related("uploaded_by").order_by("uploaded_at", "pk"))


def inspection_photo_get(*, inspection: HomeInspection, pk) -> Document:
    """A photo of a visit the caller may see (the visit was fetched through ``inspection_get_for_user``)."""
    try:
        return inspection.photos.get(pk=pk)
    except (Document.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def application_inspections(*, application: Application) -> list[HomeInspection]:
    """The visits of one case, newest first, with their photos: two queries."""
    return list(
        HomeInspection.objects.filter(application=application)
        .select_related("inspector", "assigned_by", "revoked_by")
        .prefetch_related(Prefetch("photos", queryset=Document.objects.order_by("uploaded_at", "pk")))
        .order_by("-assigned_at", "-pk")
    )


def inspection_inspector_candidates(*, application: Application) -> QuerySet:
    """Staff who may be sent: a role with the inspection duty over the case's district or above it.

    Above the district (the city, the province) any such role covers the case; inside the district an
    inspector of another street is the usual reason for the grant.
    """
    User = get_user_model()
    code = application.region_code
    above = [code[:4].ljust(12, "0"), code[:2].ljust(12, "0")]
    return (
        User.objects.filter(is_active=True, kind=UserKind.STAFF)
        .filter(
            Q(role_assignments__role__group__permissions__codename="view_homeinspection")
            & Q(role_assignments__role__group__permissions__content_type__app_label="admission")
            & (
                Q(role_assignments__region__code__startswith=code[:6])
                | Q(role_assignments__region__code__in=above)
            )
        )
        .select_related("organisation")
        .distinct()
        .order_by("organisation__code", "username")
    )


# --- 住房与资产 ---------------------------------------------------------------------------------------


@dataclass
class Holdings:
    housings: list[ApplicationHousing] = field(default_factory=list)
    assets: list[ApplicationAsset] = field(default_factory=list)

    @property
    def housing_floor_area(self) -> Decimal:
        return sum((h.floor_area for h in self.housings), Decimal("0.00"))

    @property
    def housing_value(self) -> Decimal:
        return sum((h.value for h in self.housings), Decimal("0.00"))

    @property
    def asset_value(self) -> Decimal:
        return sum((a.total_value for a in self.assets), Decimal("0.00"))


def application_holdings(*, application: Application) -> Holdings:
    """住房 (A.3.9) and 资产 (A.3.11) rows of one application with their totals: two queries."""
    return Holdings(
        housings=list(application.housings.order_by("pk")),
        assets=list(application.assets.order_by("pk")),
    )


def application_housing_get(*, application: Application, pk) -> ApplicationHousing:
    try:
        return application.housings.get(pk=pk)
    except (ApplicationHousing.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def application_asset_get(*, application: Application, pk) -> ApplicationAsset:
    try:
        return application.assets.get(pk=pk)
    except (ApplicationAsset.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# --- 超期 and 统计 ------------------------------------------------------------------------------------


def _open_review_nodes() -> QuerySet[NodeInstance]:
    return NodeInstance.objects.filter(
        process__content_type=ContentType.objects.get_for_model(Application),
        process__object_id=Cast(OuterRef("pk"), CharField()),
        process__process_code=REVIEW_PROCESS_CODE,
        state=NodeState.OPEN,
    )


def application_overdue_list(
    *, user, filters: Mapping[str, Any] | None = None, today: datetime.date
) -> QuerySet[Application]:
    """超期案件: cases whose open node (review or publicity) is past its due date (working days, from
    the workflow template). The due date itself is still on time."""
    nodes = _open_review_nodes()
    return (
        application_list(user=user, filters=filters, include_grants=False)
        .filter(due_date__lt=today)
        .annotate(node_name=Subquery(nodes.values("name")[:1]))
    )


@dataclass
class StageReport:
    states: list[ApplicationState]
    rows: list[dict[str, Any]]
    totals: dict[str, int]
    total: int
    row_level: str  # "district" or "street"

    @property
    def total_counts(self) -> list[int]:
        return [self.totals[state] for state in self.states]


def application_stage_counts(
    *, user, filters: Mapping[str, Any] | None = None, district: str = ""
) -> StageReport:
    """申请统计: applications in scope counted by region (district rows; a district's streets when
    ``district`` is given) and stage. Two queries whatever the number of applications."""
    queryset = application_list(user=user, filters=filters, include_grants=False)
    if district:
        queryset = queryset.filter(region_code__startswith=district[:6])
        length, row_level = 9, "street"
    else:
        length, row_level = 6, "district"
    counts = (
        queryset.order_by()
        .annotate(row=Substr("region_code", 1, length))
        .values("row", "state")
        .annotate(n=Count("pk"))
    )
    by_row: dict[str, dict[str, int]] = {}
    for entry in counts:
        by_row.setdefault(entry["row"], {})[entry["state"]] = entry["n"]
    names = dict(
        Region.objects.filter(code__in=[code.ljust(12, "0") for code in by_row]).values_list("code", "name")
    )
    rows = []
    for code in sorted(by_row):
        cells = by_row[code]
        rows.append(
            {
                "code": code.ljust(12, "0"),
                "name": names.get(code.ljust(12, "0"), code),
                "counts": [cells.get(state, 0) for state in REPORT_STATES],
                "total": sum(cells.values()),
            }
        )
    totals = {state: sum(by_row[code].get(state, 0) for code in by_row) for state in REPORT_STATES}
    return StageReport(
        states=REPORT_STATES,
        rows=rows,
        totals=totals,
        total=sum(totals.values()),
        row_level=row_level,
    )
