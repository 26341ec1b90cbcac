"""Reads of 资源台账: every selector takes the user and applies the region scope."""

from __future__ import annotations

from django.db.models import QuerySet

from housing.accounts.scope import get_in_scope_or_404, scope_queryset

from .models import (
    GuaranteeLedger,
    GuaranteeMovement,
    LandSupplyRecord,
    SupportLedger,
    SupportMovement,
    SupportPaymentPlan,
)
from .periods import period_parse

LEDGER_MODELS = {"guarantee": GuaranteeLedger, "support": SupportLedger}


def ledger_list(*, user, kind: str = "guarantee") -> QuerySet:
    return scope_queryset(LEDGER_MODELS[kind].objects.all(), user)


def ledger_get_for_user(*, user, kind: str, pk: int):
    return get_in_scope_or_404(LEDGER_MODELS[kind].objects.all(), user, pk=pk)


def ledger_movements(*, ledger) -> QuerySet:
    """The movements behind one ledger row: its class, its 区县, dated in its period."""
    period = period_parse(ledger.period_kind, ledger.period)
    model = GuaranteeMovement if isinstance(ledger, GuaranteeLedger) else SupportMovement
    return model.objects.filter(
        ledger_class=ledger.ledger_class,
        region_code__startswith=ledger.region_code[:6],
        received_on__gte=period.start,
        received_on__lte=period.end,
    ).order_by("received_on", "pk")


def payment_plan_list(*, user) -> QuerySet[SupportPaymentPlan]:
    return scope_queryset(SupportPaymentPlan.objects.select_related("created_by"), user)


def payment_plan_get_for_user(*, user, pk: int) -> SupportPaymentPlan:
    return get_in_scope_or_404(
        SupportPaymentPlan.objects.select_related("created_by", "updated_by"), user, pk=pk
    )


def land_supply_list(*, user) -> QuerySet[LandSupplyRecord]:
    return scope_queryset(LandSupplyRecord.objects.all(), user)


def land_supply_get_for_user(*, user, pk: int) -> LandSupplyRecord:
    return get_in_scope_or_404(
        LandSupplyRecord.objects.select_related("land_reserve", "project", "created_by"), user, pk=pk
    )
