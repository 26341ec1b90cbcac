"""入住、腾退、租金应收与实收 through the services: unit states, idempotent runs, receipts, ageing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from allocation.contracts.models import Contract, ContractState
from allocation.tenancy.models import MoveIn, RentReceipt, RentReceivable, Vacating
from allocation.tenancy.selectors import arrears_by_family
from allocation.tenancy.services import (
    move_in_register,
    move_out_register,
    rent_receipt_record,
    rent_receivables_run,
)
from projects.models import Unit, UnitState

D = datetime.date


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def test_move_in_takes_rent_from_the_contract_and_moves_the_unit_in(signed_contract, officer):
    contract = signed_contract()
    assert fresh(contract.unit).state == UnitState.ALLOCATED
    move_in = move_in_register(contract=contract, actor=officer, moved_in_on=D(2026, 1, 15),
                               rent_reduction=Decimal("20"), reduction_reason="低保家庭减免")  # fmt: skip
    assert move_in.monthly_rent == contract.monthly_rent and move_in.is_rent_reduced
    assert move_in.rent_reduction == Decimal("20.00") and move_in.region_code == contract.region_code
    assert fresh(contract.unit).state == UnitState.OCCUPIED
    with pytest.raises(ValidationError, match="已登记入住"):
        move_in_register(contract=contract, actor=officer, moved_in_on=D(2026, 1, 16))
    assert MoveIn.objects.count() == 1


def test_a_reduction_without_reason_or_above_the_rent_is_refused(signed_contract, officer):
    contract = signed_contract()
    with pytest.raises(ValidationError) as exc:
        move_in_register(
            contract=contract, actor=officer, moved_in_on=D(2026, 1, 2), rent_reduction=Decimal("5")
        )
    assert "减免原因" in str(exc.value.message_dict["reduction_reason"])
    with pytest.raises(ValidationError) as exc:
        move_in_register(contract=contract, actor=officer, moved_in_on=D(2026, 1, 2),
                         rent_reduction=contract.monthly_rent + 1, reduction_reason="x")  # fmt: skip
    assert "rent_reduction" in exc.value.message_dict
    assert not MoveIn.objects.exists() and fresh(contract.unit).state == UnitState.ALLOCATED


def test_vacating_returns_the_unit_to_stock_settles_the_deposit_and_ends_the_contract(
    signed_contract, officer
):
    contract = signed_contract()
    move_in = move_in_register(contract=contract, actor=officer, moved_in_on=D(2026, 1, 1))
    with pytest.raises(ValidationError) as exc:
        move_out_register(move_in=move_in, actor=officer, vacated_on=D(2026, 3, 10), inspection_result="damaged",
                          deposit_amount=Decimal("1000"), deposit_deducted=Decimal("300"))  # fmt: skip
    assert "扣除原因" in str(exc.value.message_dict["deduction_reason"])
    assert fresh(contract.unit).state == UnitState.OCCUPIED and not Vacating.objects.exists()
    vacating = move_out_register(
        move_in=move_in, actor=officer, vacated_on=D(2026, 3, 10), inspection_result="damaged",
        deposit_amount=Decimal("1000"), deposit_deducted=Decimal("300"), deduction_reason="墙面损坏修复",
    )  # fmt: skip
    assert vacating.deposit_returned == Decimal("700.00")
    assert fresh(contract.unit).state == UnitState.DELIVERED  # back in the stock, allocatable again
    contract = Contract.objects.get(pk=contract.pk)
    assert contract.state == ContractState.TERMINATED and contract.terminated_on == D(2026, 3, 10)
    assert fresh(move_in).vacated_on == D(2026, 3, 10)
    # the vacating month is prorated to the vacating day; the month after has no rent
    rent_receivables_run("2026-03", officer)
    rent_receivables_run("2026-04", officer)
    (march,) = RentReceivable.objects.all()
    assert march.days == 10 and march.amount == (contract.monthly_rent * 10 / 31).quantize(Decimal("0.01"))


def test_receivable_run_prorates_is_idempotent_and_changes_nothing_on_rerun(signed_contract, officer):
    full = move_in_register(contract=signed_contract(name="甲"), actor=officer, moved_in_on=D(2026, 1, 1))
    half = move_in_register(contract=signed_contract(name="乙"), actor=officer, moved_in_on=D(2026, 4, 15))
    first = rent_receivables_run("2026-04", officer, chunk=1)
    assert (first.created, first.existing) == (2, 0)
    by_move_in = {r.move_in_id: r for r in RentReceivable.objects.all()}
    assert by_move_in[full.pk].amount == full.monthly_rent and by_move_in[full.pk].days == 30
    assert by_move_in[half.pk].amount == (half.monthly_rent * 16 / 30).quantize(Decimal("0.01"))
    assert by_move_in[half.pk].due_on == D(2026, 4, 15)
    rent_receipt_record(receivable=by_move_in[full.pk], actor=officer, amount=Decimal("1.00"),
                        received_on=D(2026, 4, 20), method="cash", shortfall_reason="先交部分")  # fmt: skip
    snapshot = list(RentReceivable.objects.order_by("pk").values())
    again = rent_receivables_run("2026-04", officer)
    assert (again.created, again.existing) == (0, 2)
    assert list(RentReceivable.objects.order_by("pk").values()) == snapshot
    # a month before the second move-in bills only the first
    assert rent_receivables_run("2026-03", officer).created == 1


def test_partial_payment_needs_a_reason_and_the_receivable_follows(signed_contract, officer):
    move_in_register(contract=signed_contract(), actor=officer, moved_in_on=D(2026, 1, 1))
    rent_receivables_run("2026-01", officer)
    receivable = RentReceivable.objects.get()
    due = receivable.amount
    with pytest.raises(ValidationError) as exc:
        rent_receipt_record(receivable=receivable, actor=officer, amount=Decimal("10.00"),
                            received_on=D(2026, 1, 5), method="cash")  # fmt: skip
    assert "请填写原因" in str(exc.value.message_dict["shortfall_reason"])
    assert not RentReceipt.objects.exists() and fresh(receivable).paid_amount == 0
    first = rent_receipt_record(receivable=receivable, actor=officer, amount=Decimal("10.00"),
                                received_on=D(2026, 1, 5), method="cash", shortfall_reason="困难，分期")  # fmt: skip
    assert not first.is_full and first.number.startswith("SS-2026-")
    receivable = fresh(receivable)
    assert receivable.paid_amount == Decimal("10.00") and receivable.outstanding_amount == due - 10
    rest = rent_receipt_record(receivable=receivable, actor=officer, amount=due - 10,
                               received_on=D(2026, 1, 20), method="transfer")  # fmt: skip
    assert rest.is_full and rest.shortfall_reason == "" and rest.number != first.number
    receivable = fresh(receivable)
    assert receivable.paid_amount == due and receivable.outstanding_amount == Decimal("0.00")


def test_overpayment_is_refused_in_chinese_and_nothing_changes(signed_contract, officer):
    move_in_register(contract=signed_contract(), actor=officer, moved_in_on=D(2026, 1, 1))
    rent_receivables_run("2026-01", officer)
    receivable = RentReceivable.objects.get()
    before = list(RentReceivable.objects.values())
    with pytest.raises(ValidationError) as exc:
        rent_receipt_record(receivable=receivable, actor=officer, amount=receivable.amount + Decimal("0.01"),
                            received_on=D(2026, 1, 5), method="cash")  # fmt: skip
    assert "超过未收金额" in str(exc.value.message_dict["amount"])
    assert not RentReceipt.objects.exists() and list(RentReceivable.objects.values()) == before


def test_arrears_ageing_puts_outstanding_rent_in_day_buckets(signed_contract, officer):
    contract = signed_contract(starts_on=D(2025, 6, 1))
    move_in = move_in_register(contract=contract, actor=officer, moved_in_on=D(2025, 6, 1))
    for period in ("2025-06", "2025-10", "2025-12", "2026-01"):
        rent_receivables_run(period, officer)
    rent = move_in.monthly_rent
    paid = RentReceivable.objects.get(year=2026, month=1)
    rent_receipt_record(receivable=paid, actor=officer, amount=Decimal("1.00"), received_on=D(2026, 1, 2),
                        method="cash", shortfall_reason="部分")  # fmt: skip
    (row,) = arrears_by_family(user=officer, as_of=D(2026, 1, 31))
    # due 2026-01-01 → 30 days; 2025-12-01 → 61; 2025-10-01 → 122; 2025-06-01 → 244
    assert row["days_0_30"] == rent - 1 and row["days_31_90"] == rent
    assert row["days_91_180"] == rent and row["days_over_180"] == rent
    assert row["total"] == 4 * rent - 1
    assert row["registry_entry__region_code"] == move_in.region_code


def test_move_in_needs_the_tenancy_permission(signed_contract, district_reviewer, officer):
    from django.core.exceptions import PermissionDenied

    contract = signed_contract()
    with pytest.raises(PermissionDenied):
        move_in_register(contract=contract, actor=district_reviewer, moved_in_on=D(2026, 1, 1))
    assert Unit.objects.get(pk=contract.unit_id).state == UnitState.ALLOCATED
