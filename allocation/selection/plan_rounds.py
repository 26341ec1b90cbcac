"""A published 配置方案 starts its 选房 round: the plan's offered units, its families in the plan's order
(按轮候顺序) or in the lottery's ranks (摇号, once drawn). Registered as the plans' round starter for the
waitlist method; the lottery method's session is started from the plan page after the draw."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from allocation.models import LotteryState
from allocation.plans.models import AllocationMethod, AllocationPlan, AllocationPlanState
from allocation.plans.selectors import plan_families, plan_resources
from projects.models import UnitState

from .models import SelectionSession, SelectionState
from .services import selection_families_from_lottery, selection_session_create


def _next_morning() -> datetime.datetime:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(9, 0)))


def plan_session(plan: AllocationPlan) -> SelectionSession | None:
    return plan.selection_sessions.exclude(state=SelectionState.VOIDED).order_by("-pk").first()


@transaction.atomic
def selection_session_for_plan(
    *, plan: AllocationPlan, actor, starts_at: datetime.datetime | None = None
) -> SelectionSession:
    """按方案建立选房活动 (one live session per plan)."""
    plan = AllocationPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.state != AllocationPlanState.PUBLISHED:
        raise ValidationError(_("方案发布后才能建立选房活动。"))
    if plan_session(plan) is not None:
        raise ValidationError(_("本方案已建立选房活动。"))
    units = [
        r.unit
        for r in plan_resources(plan=plan)
        if r.unit_id is not None and r.unit.state == UnitState.DELIVERED
    ]
    if plan.method == AllocationMethod.LOTTERY:
        lottery = plan.lottery
        if lottery is None or lottery.state != LotteryState.DRAWN:
            raise ValidationError(_("摇号完成后才能按摇号结果建立选房活动。"))
        invited = set(plan.families.values_list("registry_entry_id", flat=True))
        families = [e for e in selection_families_from_lottery(lottery) if e.pk in invited]
        source = _("摇号 %(n)s") % {"n": lottery.number}
    else:
        families = [f.registry_entry for f in plan_families(plan=plan)]
        source = _("轮候顺序（方案 %(n)s）") % {"n": plan.number}
    session = selection_session_create(
        name=_("%(name)s 选房") % {"name": plan.name},
        region_code=plan.region_code,
        project_code=plan.project_code,
        mode_code=plan.mode_code,
        units=units,
        families=families,
        actor=actor,
        starts_at=starts_at or _next_morning(),
        source=source,
    )
    session.allocation_plan = plan
    session.save(update_fields=["allocation_plan"])
    return session


def start_waitlist_plan_round(*, plan: AllocationPlan, actor) -> SelectionSession:
    """The round starter of 按轮候顺序 plans: publishing the plan sets up its selection session."""
    return selection_session_for_plan(plan=plan, actor=actor)
