"""The demo seeder: a buy-back before 5 years, a market resale after, a return; a second run adds nothing."""

from __future__ import annotations

from allocation.resale.demo import seed_demo_resale
from allocation.resale.models import Resale, ResaleState, SaleReturn, SaleReturnState
from projects.models import UnitState

CITY = "440400000000"


def test_demo_resale_is_idempotent(sold, make_staff, django_capture_on_commit_callbacks):
    assert seed_demo_resale() == []  # no city account: nothing
    make_staff("city", [("city_centre", CITY)], is_staff=True)
    contracts = [sold(name="吴一"), sold(name="吴二"), sold(name="吴三")]
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo_resale()
    buy_back = Resale.objects.get(route="buy_back")
    market = Resale.objects.get(route="market")
    assert buy_back.state == ResaleState.BUY_BACK and buy_back.buy_back_price > 0
    assert buy_back.notice_document is not None
    assert market.state == ResaleState.APPROVED and market.land_revenue > 0
    sale_return = SaleReturn.objects.get()
    assert sale_return.state == SaleReturnState.RETURNED and sale_return.unit.state == UnitState.DELIVERED
    assert {buy_back.contract_id, market.contract_id, sale_return.contract_id} == {c.pk for c in contracts}
    snapshot = (list(Resale.objects.values()), list(SaleReturn.objects.values()))
    seed_demo_resale()
    assert (list(Resale.objects.values()), list(SaleReturn.objects.values())) == snapshot
