"""Reads of 选房: back-office reads take the user and apply the region scope; public reads are masked."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from housing.accounts.identity import mask_name
from housing.accounts.scope import get_in_scope_or_404, scope_queryset
from projects.models import Unit, UnitState

from .models import AllocationOrder, OrderStatus, PickState, SelectionPick, SelectionSession, SelectionState


def selection_session_list(*, user) -> QuerySet[SelectionSession]:
    return scope_queryset(
        SelectionSession.objects.annotate(
            family_count=Count("orders", distinct=True), unit_count=Count("offered", distinct=True)
        ),
        user,
    )


def selection_session_get_for_user(*, user, pk: int) -> SelectionSession:
    return get_in_scope_or_404(SelectionSession.objects.all(), user, pk=pk)


def selection_orders(*, session: SelectionSession) -> QuerySet[AllocationOrder]:
    """The call order with each family's live pick (one query with a join, paginated by the caller)."""
    return (
        AllocationOrder.objects.filter(session=session)
        .select_related("registry_entry", "slot")
        .order_by("order_number")
    )


def selection_offered_units(*, session: SelectionSession) -> QuerySet[Unit]:
    return (
        Unit.objects.filter(selection_offers__session=session)
        .select_related("building")
        .order_by("building__name", "-start_floor", "room_number")
    )


def selection_pick_list(*, session: SelectionSession) -> QuerySet[SelectionPick]:
    return (
        SelectionPick.objects.filter(session=session)
        .select_related("registry_entry", "unit__building", "order", "reviewed_by")
        .order_by("-state", "order__order_number")
    )


def selection_pick_get_for_user(*, user, pk: int) -> SelectionPick:
    return get_in_scope_or_404(
        SelectionPick.objects.select_related("session", "order", "registry_entry", "unit__building"),
        user,
        field="session__region_code",
        pk=pk,
    )


def selection_order_get_for_user(*, user, pk: int) -> AllocationOrder:
    return get_in_scope_or_404(
        AllocationOrder.objects.select_related("session", "registry_entry", "slot"),
        user,
        field="session__region_code",
        pk=pk,
    )


def selection_choosing(*, session: SelectionSession) -> list[AllocationOrder]:
    return list(
        AllocationOrder.objects.filter(session=session, status=OrderStatus.CHOOSING)
        .select_related("registry_entry")
        .order_by("called_at", "pk")
    )


def selection_fitting_units(*, order: AllocationOrder) -> QuerySet[Unit]:
    """The offered units still free that fit the family's household (可配户型)."""
    units = selection_offered_units(session=order.session).filter(state=UnitState.DELIVERED)
    if order.allowed_rooms is not None:
        units = units.filter(rooms__lte=order.allowed_rooms)
    return units


# --- public (portal): masked ------------------------------------------------------------------------


def selection_public_get(*, number: str) -> SelectionSession:
    return get_object_or_404(
        SelectionSession.objects.filter(state__in=[SelectionState.RUNNING, SelectionState.ENDED]),
        number=number,
    )


@dataclass(frozen=True)
class BoardGroup:
    building: str
    rooms: int | None
    layout: str
    remaining: int
    total: int


@dataclass(frozen=True)
class BoardFamily:
    order_number: int
    masked_name: str
    slot: int


def selection_board(*, session: SelectionSession) -> dict:
    """大屏: units left by building and type, the families choosing now, the latest picks. Masked names only."""
    groups = (
        Unit.objects.filter(selection_offers__session=session)
        .values("building__name", "rooms", "layout")
        .annotate(total=Count("pk"), remaining=Count("pk", filter=Q(state=UnitState.DELIVERED)))
        .order_by("building__name", "rooms", "layout")
    )
    choosing = [
        BoardFamily(o.order_number, mask_name(o.registry_entry.applicant_name), o.slot.number)
        for o in AllocationOrder.objects.filter(session=session, status=OrderStatus.CHOOSING)
        .select_related("registry_entry", "slot")
        .order_by("called_at", "pk")[:20]
    ]
    upcoming = [
        BoardFamily(o.order_number, mask_name(o.registry_entry.applicant_name), o.slot.number)
        for o in AllocationOrder.objects.filter(session=session, status=OrderStatus.WAITING)
        .select_related("registry_entry", "slot")
        .order_by("call_position", "pk")[:10]
    ]
    recent = [
        {
            "order_number": p.order.order_number,
            "masked_name": mask_name(p.registry_entry.applicant_name),
            "unit": f"{p.unit.building.name} {p.unit.room_number}",
        }
        for p in SelectionPick.objects.filter(session=session, state=PickState.ACTIVE)
        .select_related("order", "registry_entry", "unit__building")
        .order_by("-created_at", "-pk")[:10]
    ]
    group_rows = [
        BoardGroup(g["building__name"], g["rooms"], g["layout"], g["remaining"], g["total"]) for g in groups
    ]
    counts = AllocationOrder.objects.filter(session=session).aggregate(
        total=Count("pk"),
        picked=Count("pk", filter=Q(status=OrderStatus.PICKED)),
        waiting=Count("pk", filter=Q(status=OrderStatus.WAITING)),
    )
    return {
        "groups": group_rows,
        "remaining": sum(g.remaining for g in group_rows),
        "total_units": sum(g.total for g in group_rows),
        "choosing": choosing,
        "upcoming": upcoming,
        "recent": recent,
        "counts": counts,
    }


def selection_public_results(*, session: SelectionSession) -> QuerySet[AllocationOrder]:
    """选房结果公示: every family in call order with its status and unit; masked in the template."""
    return (
        AllocationOrder.objects.filter(session=session)
        .select_related("registry_entry", "slot")
        .order_by("order_number")
    )


def selection_live_picks(*, orders: list[AllocationOrder]) -> dict[int, SelectionPick]:
    """The live pick of each order on a page (one query)."""
    picks = SelectionPick.objects.filter(order__in=orders, state=PickState.ACTIVE).select_related(
        "unit__building"
    )
    return {p.order_id: p for p in picks}


def selection_orders_of_entries(*, entries) -> QuerySet[AllocationOrder]:
    """The applicant's families in sessions that are public or being prepared (for 「我的选房」)."""
    return (
        AllocationOrder.objects.filter(registry_entry__in=entries)
        .exclude(session__state=SelectionState.VOIDED)
        .select_related("session", "slot")
        .order_by("-session__starts_at")
    )
