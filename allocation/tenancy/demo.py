"""Demo: the demo's signed rental contracts moved in, this month's rent receivables, one partial payment.

Idempotent: a contract already moved in is skipped, the receivable run adds nothing twice, and the partial
payment is entered only while the first receivable has none. Runs after ``seed_demo_contracts``.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from housing.accounts.models import User
from housing.accounts.system import system_actor

from ..contracts.models import Contract, ContractState
from .models import RENT_COLLECT_PERMISSION, TENANCY_MANAGE_PERMISSION, MoveIn, PaymentMethod, RentReceivable
from .services import RENTAL_KINDS, move_in_register, rent_receipt_record, rent_receivables_run

MOVE_INS = 3


def seed_demo_tenancy() -> list[tuple[str, str, str]]:
    city = User.objects.filter(username="city").first()
    if city is None:
        return []
    # The city centre's role gains these permissions when the roles are updated; until then the
    # system actor (every permission) records the demo's steps.
    perms = (TENANCY_MANAGE_PERMISSION, RENT_COLLECT_PERMISSION, "projects.occupy_unit")
    actor = city if all(city.has_perm(p) for p in perms) else system_actor()
    contracts = (
        Contract.objects.filter(kind__in=RENTAL_KINDS, state=ContractState.SIGNED, unit__isnull=False)
        .exclude(move_in__isnull=False)
        .order_by("signed_on", "pk")[:MOVE_INS]
    )
    already = MoveIn.objects.count()
    for contract in contracts[: max(MOVE_INS - already, 0)]:
        if contract.unit.state != "allocated":
            continue
        move_in_register(contract=contract, actor=actor, moved_in_on=contract.effective_on)
    today = timezone.localdate()
    rent_receivables_run(today.strftime("%Y-%m"), actor)
    receivable = (
        RentReceivable.objects.filter(year=today.year, month=today.month, receipts__isnull=True)
        .order_by("pk")
        .first()
    )
    if receivable is not None and not RentReceivable.objects.filter(receipts__isnull=False).exists():
        part = (receivable.outstanding_amount / 2).quantize(Decimal("0.01"))
        if part > 0:
            rent_receipt_record(
                receivable=receivable, actor=actor, amount=part, received_on=today,
                method=PaymentMethod.CASH, shortfall_reason="演示：本月先交一半，余款约定下月补交",
            )  # fmt: skip
    return []
