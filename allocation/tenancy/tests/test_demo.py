"""The demo seeder moves the signed rental contracts in, bills this month, records one partial payment; a
second run adds nothing."""

from __future__ import annotations

from django.utils import timezone

from allocation.tenancy.demo import seed_demo_tenancy
from allocation.tenancy.models import (
    MonthlyFixedCharge,
    MoveIn,
    RentCollectionImport,
    RentReceipt,
    RentReceivable,
    RentReminder,
)
from projects.models import Unit, UnitState

CITY = "440400000000"


def test_demo_tenancy_is_idempotent(signed_contract, make_staff):
    make_staff("city", [("city_centre", CITY)], is_staff=True)
    signed_contract(name="陈公租")
    signed_contract(name="林公租")
    assert seed_demo_tenancy() == []
    today = timezone.localdate()
    assert MoveIn.objects.count() == 2
    assert Unit.objects.filter(state=UnitState.OCCUPIED).count() == 2
    assert RentReceivable.objects.filter(year=today.year, month=today.month).count() == 2
    # six months of history: both contracts started 2026-01-01, so every one of the last six months
    assert RentReceivable.objects.count() == 12
    partial = RentReceipt.objects.get(year=today.year, month=today.month)
    assert not partial.is_full and partial.shortfall_reason
    assert RentReceipt.objects.filter(method="withholding").count() == 1  # last month, by the bank's file
    collection = RentCollectionImport.objects.get()
    assert (collection.posted_count, collection.unmatched_count) == (1, 1)
    assert MonthlyFixedCharge.objects.count() == 12
    # the second family's older months stay owed and are reminded
    assert RentReceivable.objects.filter(outstanding_amount__gt=0).count() >= 6
    assert RentReminder.objects.exists()

    def snapshot():
        return [list(m.objects.order_by("pk").values()) for m in
                (RentReceivable, RentReceipt, RentCollectionImport, MonthlyFixedCharge, RentReminder)]  # fmt: skip

    before = snapshot()
    seed_demo_tenancy()
    assert snapshot() == before
    assert MoveIn.objects.count() == 2
