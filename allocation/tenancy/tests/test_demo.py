"""The demo seeder moves the signed rental contracts in, bills this month, records one partial payment; a
second run adds nothing."""

from __future__ import annotations

from django.utils import timezone

from allocation.tenancy.demo import seed_demo_tenancy
from allocation.tenancy.models import MoveIn, RentReceipt, RentReceivable
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
    receipt = RentReceipt.objects.get()
    assert not receipt.is_full and receipt.shortfall_reason
    snapshot = (list(RentReceivable.objects.values()), list(RentReceipt.objects.values()))
    seed_demo_tenancy()
    assert (list(RentReceivable.objects.values()), list(RentReceipt.objects.values())) == snapshot
    assert MoveIn.objects.count() == 2
