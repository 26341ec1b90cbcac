"""Demo: a selection session in progress, in the order of the demo lottery, over demo units of the stock.

Idempotent: found by name on a second run. Runs after the projects demo (units with rooms, some 已交付),
the admission demo (registered families) and the lottery demo (a drawn lottery).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from housing.accounts.models import User
from projects.models import GuaranteeMode, Unit, UnitState

from .models import SelectionSession
from .selectors import selection_fitting_units
from .services import (
    selection_call_next,
    selection_families_from_lottery,
    selection_families_from_waitlist,
    selection_pick,
    selection_pick_review,
    selection_session_create,
    selection_session_start,
)

CITY = "440400000000"
DEMO_NAME = "2026年第一批公共租赁住房选房（演示）"
LOTTERY_NAME = "2026年第一批公共租赁住房摇号（演示）"
FAMILIES, UNITS, PICKS = 24, 30, 3


def seed_demo_selection() -> list[tuple[str, str, str]]:
    if SelectionSession.objects.filter(name=DEMO_NAME).exists():
        return []
    city = User.objects.filter(username="city").first()
    if city is None:
        return []
    from allocation.models import Lottery, LotteryState

    lottery = Lottery.objects.filter(name=LOTTERY_NAME, state=LotteryState.DRAWN).first()
    if lottery is not None:
        families, source = selection_families_from_lottery(lottery)[:FAMILIES], f"摇号 {lottery.number}"
    else:
        families = selection_families_from_waitlist(
            project_code="gongzu", mode_code="rental_in_kind", region_code=CITY, limit=FAMILIES
        )
        source = "轮候顺序"
    units = list(
        Unit.objects.filter(
            is_demo=True,
            state=UnitState.DELIVERED,
            guarantee_mode=GuaranteeMode.PUBLIC_RENTAL,
            rooms__isnull=False,
            rooms__lte=3,
        ).order_by("building__number", "start_floor", "room_number")[:UNITS]
    )
    if not families or not units:
        return []
    session = selection_session_create(
        name=DEMO_NAME,
        region_code=CITY,
        project_code="gongzu",
        mode_code="rental_in_kind",
        units=units,
        families=families,
        actor=city,
        starts_at=timezone.now().replace(minute=0, second=0, microsecond=0) - datetime.timedelta(hours=1),
        slot_minutes=30,
        families_per_slot=8,
        place="珠海市住房保障中心一楼选房大厅",
        source=source,
    )
    session = selection_session_start(session=session, actor=city, opinion="演示：现场选房开始。")
    for index in range(PICKS + 1):
        order = selection_call_next(session=session, actor=city)
        if index == PICKS:
            break  # this family is choosing now
        unit = selection_fitting_units(order=order).first()
        if unit is None:
            continue
        pick = selection_pick(order=order, unit=unit, actor=city)
        if index == 0:
            selection_pick_review(pick=pick, actor=city, opinion="演示：核对无误。")
    return []
