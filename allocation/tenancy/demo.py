"""Demo: the demo's signed rental contracts moved in, six months of rent history, one partial payment.

The last six months' receivables (from each move-in on), the earlier months paid at the counter except
one family's (arrears), a bank collection file for last month, 物业费 as fixed monthly costs, and the
reminders due today. Idempotent: a contract already moved in is skipped, the runs add nothing twice,
payments only go to months that have none, the bank file is imported once (its digest), and each fixed
charge is entered only when missing. Runs after ``seed_demo_contracts``.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from housing.accounts.models import User
from housing.accounts.system import system_actor

from ..contracts.models import Contract, ContractState
from .models import RENT_COLLECT_PERMISSION, TENANCY_MANAGE_PERMISSION, MoveIn, PaymentMethod, RentReceivable
from .services import RENTAL_KINDS, Period, move_in_register, rent_receipt_record, rent_receivables_run

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
    months = _last_months(today, 6)
    for period in months:  # from each move-in on (a month before it bills nothing)
        rent_receivables_run(period, actor)
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
    _history(actor, months, today)
    return []


def _last_months(today, count: int) -> list[Period]:
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append(Period(year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _history(actor, months: list[Period], today) -> None:
    from .charges import fixed_charge_create
    from .collection import rent_collection_import
    from .models import MonthlyFixedCharge, RentCollectionImport
    from .reminders import rent_reminders_send

    move_ins = list(MoveIn.objects.order_by("pk")[:MOVE_INS])
    if not move_ins:
        return
    owing = move_ins[-1] if len(move_ins) > 1 else None  # this family's older months stay unpaid
    for move_in in move_ins:
        for period in months:
            if (
                move_in.moved_in_on > period.last_day
                or MonthlyFixedCharge.objects.filter(
                    move_in=move_in, year=period.year, month=period.month, description="物业费"
                ).exists()
            ):
                continue
            fixed_charge_create(move_in=move_in, actor=actor, description="物业费", year=period.year,
                                month=period.month, amount=Decimal("36.80"))  # fmt: skip
    paid_months = months[:-2]  # the last two months: the bank's file and this month's counter
    for receivable in (
        RentReceivable.objects.filter(receipts__isnull=True, outstanding_amount__gt=0)
        .exclude(move_in=owing)
        .select_related("move_in")
    ):
        if Period(receivable.year, receivable.month) in paid_months:
            rent_receipt_record(receivable=receivable, actor=actor, amount=receivable.outstanding_amount,
                                received_on=receivable.due_on, method=PaymentMethod.CASH)  # fmt: skip
    last = months[-2]
    if not RentCollectionImport.objects.exists():
        lines = ["应收编号,合同编号,扣款金额,扣款日期,备注"]
        for receivable in RentReceivable.objects.filter(year=last.year, month=last.month).exclude(
            move_in=owing
        ):
            lines.append(
                f"{receivable.number},,{receivable.outstanding_amount:.2f},{last.last_day:%Y-%m-%d},"
            )
        lines.append(f"YS{last.year:04d}{last.month:02d}-99999999,,100.00,{last.last_day:%Y-%m-%d},户名不符")
        rent_collection_import(layout="default", file_name=f"银行代收{last.label}.csv",
                               content="\n".join(lines).encode("utf-8"), actor=actor)  # fmt: skip
    rent_reminders_send(today=today)
