"""Reads of 经适房退回与再上市: every back-office read takes the user and applies the region scope."""

from __future__ import annotations

from django.db.models import QuerySet

from housing.accounts.scope import get_in_scope_or_404, scope_queryset

from ..contracts.models import Contract, ContractKind
from .models import Resale, SaleReturn

_ENTRY_SECRETS = ("registry_entry__id_number",)


def resale_list(*, user) -> QuerySet[Resale]:
    return (
        scope_queryset(Resale.objects.all(), user)
        .select_related("registry_entry", "unit")
        .only(
            "pk",
            "number",
            "region_code",
            "state",
            "route",
            "requested_on",
            "purchased_on",
            "lock_ends_on",
            "original_price",
            "buy_back_price",
            "land_revenue",
            "is_preemption",
            "registry_entry__application_number",
            "registry_entry__applicant_name",
            "unit__number",
        )  # fmt: skip
    )


def resale_get_for_user(*, user, pk) -> Resale:
    return get_in_scope_or_404(
        Resale.objects.select_related(
            "registry_entry", "unit", "contract", "decided_by", "sale_return", "issued_document",
            "notice_document",
        ).defer(*_ENTRY_SECRETS, "contract__signer_id_number", "contract__agent_id_number",
                "contract__bank_account"),
        user,
        pk=pk,
    )  # fmt: skip


def resale_events(*, resale: Resale):
    return resale.events.select_related("actor").order_by("created_at", "pk")


def sale_return_list(*, user) -> QuerySet[SaleReturn]:
    return (
        scope_queryset(SaleReturn.objects.all(), user)
        .select_related("registry_entry", "unit", "contract")
        .only(
            "pk",
            "region_code",
            "state",
            "reason",
            "due_on",
            "returned_on",
            "registry_entry__application_number",
            "registry_entry__applicant_name",
            "unit__number",
            "contract__number",
        )  # fmt: skip
    )


def sale_return_get_for_user(*, user, pk) -> SaleReturn:
    return get_in_scope_or_404(
        SaleReturn.objects.select_related("registry_entry", "unit", "contract").defer(
            *_ENTRY_SECRETS,
            "contract__signer_id_number",
            "contract__agent_id_number",
            "contract__bank_account",
        ),
        user,
        pk=pk,
    )


def sale_return_events(*, sale_return: SaleReturn):
    return sale_return.events.select_related("actor").order_by("created_at", "pk")


def sale_contract_for_user(*, user, number: str) -> Contract | None:
    """A 经适房 sale contract in the user's scope by its number (the forms take the number)."""
    return (
        scope_queryset(Contract.objects.filter(kind=ContractKind.AFFORDABLE_SALE), user)
        .select_related("unit")
        .filter(number=(number or "").strip())
        .first()
    )
