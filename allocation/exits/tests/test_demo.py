"""The demo seeder: one notified arrears case, one completed exit with the unit back in stock; idempotent."""

from __future__ import annotations

from decimal import Decimal

from allocation.exits.demo import seed_demo_exits
from allocation.exits.models import ExitCase, ExitState, ExitTrigger
from allocation.exits.services import overstay_factor
from projects.models import Unit, UnitState

CITY = "440400000000"


def test_demo_exits_idempotent(tenant, make_staff):
    assert seed_demo_exits() == []  # no city account: nothing
    make_staff("city", [("city_centre", CITY)], is_staff=True)
    tenant(), tenant(), tenant()
    seed_demo_exits()
    seed_demo_exits()
    assert ExitCase.objects.count() == 2
    notified = ExitCase.objects.get(state=ExitState.NOTIFIED)
    assert notified.trigger == ExitTrigger.ARREARS and notified.move_out_deadline is not None
    # The overstay charge is the district's market rent (35 元/m² × area × the overstay factor), not the
    # government-set rent of the unit.
    area = Unit.objects.get(pk=notified.move_in.unit_id).floor_area
    assert notified.market_monthly_rent == (Decimal("35.00") * area * overstay_factor()).quantize(
        Decimal("0.01")
    )
    done = ExitCase.objects.get(state=ExitState.EXITED)
    assert Unit.objects.get(pk=done.move_in.unit_id).state == UnitState.DELIVERED
