"""Demo: a completed lottery among the demo city's waiting families, its verification data published.

Idempotent: the lottery is found by name on a second run. Runs after the admission demo (the registry and
waitlist exist by then).
"""

from __future__ import annotations

from django.utils import timezone

from housing.accounts.models import User

from .models import Lottery
from .services import (
    lottery_create,
    lottery_draw,
    lottery_entrants_from_waitlist,
    lottery_freeze,
    lottery_rows_store,
)

CITY = "440400000000"
DEMO_NAME = "2026年第一批公共租赁住房摇号（演示）"


def seed_demo_lottery() -> list[tuple[str, str, str]]:
    if Lottery.objects.filter(name=DEMO_NAME).exists():
        return []
    city = User.objects.filter(username="city").first()
    if city is None:
        return []
    lottery = lottery_create(
        name=DEMO_NAME,
        region_code=CITY,
        actor=city,
        project_code="gongzu",
        mode_code="",
        public_value="20261120-3388",
        description="演示：全市公共租赁住房轮候家庭参加；公开参数为摇号前一日公布的值。",
        scheduled_at=timezone.now(),
    )
    entrants = lottery_entrants_from_waitlist(lottery=lottery)
    if not entrants:
        return []
    lottery = lottery_freeze(lottery=lottery, entrants=entrants, actor=city)
    lottery = lottery_draw(
        lottery=lottery, event_seed="204815", actor=city, opinion="公证员监督下现场摇出种子 204815。"
    )
    # The rows are a job after commit; the seeders after this one (selection) read them at once.
    lottery_rows_store(lottery_id=lottery.pk)
    return []
