"""Reads of contracts: every back-office read takes the user and applies the region scope."""

from __future__ import annotations

from django.db.models import Case, Q, QuerySet, Value, When

from admission.registry.models import GuaranteeStatus, RegistryEntry
from housing.accounts.scope import get_in_scope_or_404, scope_queryset
from projects.models import Unit, UnitState

from .models import Contract, ContractState
from .services import KIND_SPECS

LIST_FIELDS_DEFERRED = ("signer_id_number", "agent_id_number", "bank_account", "amount_basis")


def contract_list(*, user) -> QuerySet[Contract]:
    return (
        scope_queryset(Contract.objects.all(), user)
        .select_related("registry_entry", "unit")
        .defer(*LIST_FIELDS_DEFERRED, "registry_entry__id_number")
        .order_by("-created_at", "-id")
    )


def contract_get_for_user(*, user, pk) -> Contract:
    return get_in_scope_or_404(
        Contract.objects.select_related(
            "registry_entry",
            "unit__building__project",
            "previous",
            "issued_document",
            "created_by",
            "updated_by",
        ),
        user,
        pk=pk,
    )


def contract_archives(*, contract: Contract):
    return contract.archives.select_related("document").order_by("-id")


def contract_renewals(*, contract: Contract) -> list[Contract]:
    """The chain this contract belongs to: earlier contracts first, then later renewals."""
    chain = []
    current = contract.previous
    while current is not None:
        chain.insert(0, current)
        current = current.previous
    chain.append(contract)
    following = Contract.objects.filter(previous=contract).first()
    while following is not None:
        chain.append(following)
        following = Contract.objects.filter(previous=following).first()
    return chain


def registry_entries_for_contract(*, user, search: str = "") -> QuerySet[RegistryEntry]:
    """Registered families that may sign (轮候中 / 保障中), in the user's scope, by 申请编号 or name."""
    queryset = scope_queryset(
        RegistryEntry.objects.filter(status__in=(GuaranteeStatus.WAITING, GuaranteeStatus.GUARANTEED)), user
    ).defer("id_number")
    search = (search or "").strip()
    if search:
        queryset = queryset.filter(Q(application_number__icontains=search) | Q(applicant_name=search))
    return queryset.order_by("-registered_at")


def registry_entry_for_contract(*, user, pk) -> RegistryEntry:
    return get_in_scope_or_404(RegistryEntry.objects.select_related("application"), user, pk=pk)


def allocatable_units(
    *, user, kind: str, region_code: str, limit: int = 200, entry_id: int | None = None
) -> QuerySet[Unit]:
    """已交付 units of the kind's guarantee mode in the family's district, held by no active contract;
    with ``entry_id``, also the units held for that family (its 选房 pick), listed first."""
    from .reservations import reserved_unit_ids

    spec = KIND_SPECS.get(kind)
    if spec is None or not spec.unit_modes:
        return Unit.objects.none()
    held = Contract.objects.filter(state__in=(ContractState.DRAFT, ContractState.SIGNED), unit__isnull=False)
    reserved = reserved_unit_ids(entry_id) if entry_id else set()
    offered = Q(state=UnitState.DELIVERED, region_code__startswith=region_code[:6]) | Q(
        pk__in=reserved, state=UnitState.ALLOCATED
    )
    return (
        scope_queryset(Unit.objects.all(), user)
        .filter(offered, guarantee_mode__in=spec.unit_modes)
        .exclude(pk__in=held.values("unit_id"))
        .select_related("building")
        .annotate(is_reserved=Case(When(pk__in=reserved, then=Value(0)), default=Value(1)))
        .order_by("is_reserved", "building__number", "start_floor", "room_number")[:limit]
    )


# --- the applicant's own contracts (portal) ---------------------------------------------------------------


def contracts_of_applicant(*, user) -> QuerySet[Contract]:
    """Signed (and ended) contracts of the portal user's registered families; drafts are not shown."""
    from admission.registry.selectors import registry_entries_of_applicant

    entries = registry_entries_of_applicant(user=user)
    return (
        Contract.objects.filter(registry_entry__in=entries.values("pk"))
        .exclude(state=ContractState.DRAFT)
        .exclude(number="")
        .select_related("unit", "issued_document")
        .defer(*LIST_FIELDS_DEFERRED)
        .order_by("-signed_on", "-id")
    )


def contract_of_applicant_or_none(*, user, number: str) -> Contract | None:
    return contracts_of_applicant(user=user).filter(number=number).first()
