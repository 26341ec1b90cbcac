"""Reads of 入住、腾退、租金: every back-office read takes the user and applies the region scope."""

from __future__ import annotations

import datetime

from django.db.models import Case, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from housing.accounts.scope import get_in_scope_or_404, scope_queryset
from housing.regions.models import Region

from ..contracts.models import Contract
from .models import MonthlyFixedCharge, MoveIn, RentCollectionImport, RentReceivable, RentReminder, RentRun

# 欠租账龄 buckets in days past 应收时间: (key, label, lower bound inclusive, upper bound inclusive or None)
AGEING_BUCKETS = (
    ("days_0_30", "0–30天", None, 30),
    ("days_31_90", "31–90天", 31, 90),
    ("days_91_180", "91–180天", 91, 180),
    ("days_over_180", "180天以上", 181, None),
)


def move_in_list(*, user) -> QuerySet[MoveIn]:
    return (
        scope_queryset(MoveIn.objects.all(), user)
        .select_related("contract", "unit", "registry_entry")
        .defer(
            "contract__signer_id_number",
            "contract__agent_id_number",
            "contract__bank_account",
            "contract__amount_basis",
            "registry_entry__id_number",
        )  # fmt: skip
        .order_by("-moved_in_on", "-pk")
    )


def move_in_get_for_user(*, user, pk) -> MoveIn:
    return get_in_scope_or_404(
        MoveIn.objects.select_related("contract", "unit", "registry_entry", "created_by"), user, pk=pk
    )


def contract_for_move_in(*, user, number: str) -> Contract | None:
    return scope_queryset(Contract.objects.all(), user).filter(number=(number or "").strip()).first()


def _fixed_charges_of_month():
    """Sum of the household's 每月固定发生款项 for the receivable's month (one correlated subquery)."""
    money = DecimalField(max_digits=14, decimal_places=2)
    charges = (
        MonthlyFixedCharge.objects.filter(
            move_in=OuterRef("move_in"), year=OuterRef("year"), month=OuterRef("month")
        )
        .order_by()
        .values("move_in")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(charges, output_field=money), Value(0, output_field=money))


def receivable_list(*, user) -> QuerySet[RentReceivable]:
    return (
        scope_queryset(RentReceivable.objects.all(), user)
        .select_related("registry_entry", "unit")
        .defer("registry_entry__id_number")
        .annotate(fixed_charges=_fixed_charges_of_month())
        .annotate(month_total=F("amount") + F("fixed_charges"))
        .order_by("-year", "-month", "-pk")
    )


def receivable_fixed_charges(*, receivable: RentReceivable) -> list[MonthlyFixedCharge]:
    return list(
        MonthlyFixedCharge.objects.filter(move_in_id=receivable.move_in_id, year=receivable.year,
                                          month=receivable.month).order_by("pk")
    )  # fmt: skip


def receivable_reminders(*, receivable: RentReceivable) -> list[RentReminder]:
    return list(receivable.reminders.select_related("message").order_by("round"))


def fixed_charge_list(*, user) -> QuerySet[MonthlyFixedCharge]:
    return (
        scope_queryset(MonthlyFixedCharge.objects.all(), user)
        .select_related("unit", "registry_entry", "move_in__contract", "created_by")
        .defer("registry_entry__id_number")
        .order_by("-year", "-month", "-pk")
    )


def move_in_for_contract(*, user, number: str) -> MoveIn | None:
    return (
        scope_queryset(MoveIn.objects.all(), user)
        .filter(contract__number=(number or "").strip())
        .order_by("-moved_in_on")
        .first()
    )


def collection_import_list(*, user) -> QuerySet[RentCollectionImport]:
    return (
        scope_queryset(RentCollectionImport.objects.all(), user)
        .select_related("imported_by")
        .order_by("-imported_at", "-pk")
    )


def collection_import_get_for_user(*, user, pk) -> RentCollectionImport:
    return get_in_scope_or_404(RentCollectionImport.objects.select_related("imported_by"), user, pk=pk)


def collection_lines(*, collection_import: RentCollectionImport):
    return collection_import.lines.select_related("receivable", "receipt").order_by("line_number")


def rent_run_get(*, pk) -> RentRun:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(RentRun, pk=pk)


def receivable_get_for_user(*, user, pk) -> RentReceivable:
    return get_in_scope_or_404(
        RentReceivable.objects.select_related("registry_entry", "unit", "move_in__contract"), user, pk=pk
    )


def receivable_receipts(*, receivable: RentReceivable):
    return receivable.receipts.select_related("created_by").order_by("received_on", "pk")


def rent_runs_recent(*, limit: int = 5) -> list[RentRun]:
    return list(RentRun.objects.select_related("started_by").order_by("-started_at", "-pk")[:limit])


def arrears_by_family(*, user, as_of: datetime.date | None = None) -> QuerySet:
    """欠租账龄: per family (and its region) the outstanding rent in the four age buckets, largest first.

    A receivable's age is counted from its 应收时间; one that is not yet due counts in 0–30.
    """
    as_of = as_of or timezone.localdate()
    money = DecimalField(max_digits=14, decimal_places=2)
    zero = Value(0, output_field=money)
    annotations = {}
    for key, _label, low, high in AGEING_BUCKETS:
        condition = Q()
        if low is not None:
            condition &= Q(due_on__lte=as_of - datetime.timedelta(days=low))
        if high is not None:
            condition &= Q(due_on__gte=as_of - datetime.timedelta(days=high))
        annotations[key] = Coalesce(
            Sum(Case(When(condition, then=F("outstanding_amount")), default=zero, output_field=money)), zero
        )
    return (
        scope_queryset(RentReceivable.objects.filter(outstanding_amount__gt=0), user)
        .values(
            "registry_entry_id",
            "registry_entry__application_number",
            "registry_entry__applicant_name",
            "registry_entry__region_code",
            region_name=Subquery(
                Region.objects.filter(code=OuterRef("registry_entry__region_code")).values("name")[:1]
            ),
        )  # fmt: skip
        .annotate(total=Sum("outstanding_amount"), **annotations)
        .order_by("-total", "registry_entry_id")
    )
