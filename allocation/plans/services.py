"""Writes of 资源配置方案: create and edit a draft, offer units, invite families, publish, withdraw, complete.

Every total of A.6.5 (户数、套数、面积、补贴) is computed from the detail rows by
``allocation_plan_totals_refresh`` — called by every service that changes the rows — and never typed in.
The one exception is a lottery plan's household count: more families enter a lottery than there are units,
so 本期保障总户数 is the households to be housed (the 计划保障户数 typed, or the number of units), while
the invited families are counted in ``invited_count``.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from admission.registry.models import WaitlistEntry, WaitlistStatus
from housing.accounts.identity import mask_name
from housing.accounts.scope import code_in_scope
from housing.documents.services import document_number_next
from housing.regions.codes import scope_prefix
from housing.workflow.services import workflow_record_transition
from projects.models import Unit, UnitState
from rules.models import ModeKind

from ..services.lottery import EntrantSpec, lottery_create
from ..services.lottery_entrants import GENERAL_ROUND, PRIORITY_ROUND
from .models import (
    AllocationMethod,
    AllocationPlan,
    AllocationPlanFamily,
    AllocationPlanResource,
    AllocationPlanState,
    FamilyAllocationStatus,
    PeriodKind,
    ResourceAllocationStatus,
    ResourceCategory,
)
from .rounds import start_rounds
from .workflow import PLAN_PROCESS_CODE, ensure_plan_templates

RUN = "allocation.run_allocationplan"
CHUNK = 2000
ACTIVE_STATES = (AllocationPlanState.DRAFT, AllocationPlanState.PUBLISHED)

# The stock's 保障方式 of the units a rules project's families are housed in (the default of a plan's
# 房源保障方式; the plan form can change it). Projects of a city outside the defaults set it by hand.
UNIT_MODE_OF_PROJECT = {
    "gongzu": "public_rental",
    "lianzu": "low_rent",
    "jingshi": "affordable",
    "rencai": "talent",
}

PERIOD_PATTERNS = {
    PeriodKind.MONTH: (re.compile(r"^(20\d\d)-(0[1-9]|1[0-2])$"), "2026-05"),
    PeriodKind.QUARTER: (re.compile(r"^(20\d\d)Q([1-4])$"), "2026Q2"),
    PeriodKind.YEAR: (re.compile(r"^(20\d\d)$"), "2026"),
}

EDITABLE_FIELDS = (
    "name",
    "project_code",
    "mode_code",
    "period_kind",
    "period",
    "object_type",
    "method",
    "unit_guarantee_mode",
    "household_target",
    "subsidy_per_household",
    "subsidy_budget",
    "description",
)


def is_subsidy_mode(mode_code: str) -> bool:
    """租赁补贴: the plan offers subsidy lines, not units."""
    return mode_code == ModeKind.RENT_SUBSIDY


def _require(actor, region_code: str) -> None:
    if not actor.has_perm(RUN) or not code_in_scope(actor, region_code):
        raise PermissionDenied(_("您没有在该区划编制配置方案的权限。"))


def _require_draft(plan: AllocationPlan) -> None:
    if plan.state != AllocationPlanState.DRAFT:
        raise ValidationError(
            _("配置方案当前为“%(state)s”，不能再修改房源和邀请家庭。") % {"state": plan.get_state_display()}
        )


def _lock(plan: AllocationPlan) -> AllocationPlan:
    return AllocationPlan.objects.select_for_update().get(pk=plan.pk)


def _check_fields(plan: AllocationPlan) -> None:
    errors: dict[str, str] = {}
    pattern, example = PERIOD_PATTERNS.get(plan.period_kind, (None, ""))
    if pattern is not None and not pattern.match((plan.period or "").strip()):
        errors["period"] = _("方案周期应与期别类型一致，例如 %(example)s。") % {"example": example}
    if is_subsidy_mode(plan.mode_code):
        if plan.method == AllocationMethod.LOTTERY:
            errors["method"] = _("租赁补贴方案按轮候顺序配置，不摇号。")
        if not plan.subsidy_per_household or plan.subsidy_per_household <= 0:
            errors["subsidy_per_household"] = _("租赁补贴方案须填写每户补贴金额（大于0）。")
    elif not plan.unit_guarantee_mode:
        errors["unit_guarantee_mode"] = _("请选择房源保障方式。")
    if plan.household_target is not None and plan.method != AllocationMethod.LOTTERY:
        errors["household_target"] = _("计划保障户数只用于摇号方案；按轮候顺序的方案户数等于邀请家庭数。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def allocation_plan_create(
    *,
    actor,
    region_code: str,
    name: str,
    project_code: str,
    mode_code: str,
    period_kind: str,
    period: str,
    method: str = AllocationMethod.WAITLIST,
    unit_guarantee_mode: str = "",
    object_type: str = "",
    household_target: int | None = None,
    subsidy_per_household: Decimal | None = None,
    subsidy_budget: Decimal | None = None,
    description: str = "",
) -> AllocationPlan:
    """A draft plan (草拟) with no units and no families yet."""
    _require(actor, region_code)
    year = timezone.localdate().year
    plan = AllocationPlan(
        number=document_number_next(prefix=f"PZFA-{region_code[:6]}", year=year),
        region_code=region_code,
        name=name.strip(),
        project_code=project_code,
        mode_code=mode_code,
        period_kind=period_kind,
        period=period.strip(),
        method=method,
        unit_guarantee_mode=""
        if is_subsidy_mode(mode_code)
        else (unit_guarantee_mode or UNIT_MODE_OF_PROJECT.get(project_code, "")),
        object_type=object_type,
        household_target=household_target,
        subsidy_per_household=subsidy_per_household,
        subsidy_budget=subsidy_budget,
        description=description,
        created_by=actor,
    )
    _check_fields(plan)
    plan.full_clean(exclude=["state", "lottery"])
    plan.save()
    return plan


@transaction.atomic
def allocation_plan_update(*, plan: AllocationPlan, actor, **fields) -> AllocationPlan:
    """Edit a draft's heading. Changing the project, mode or region's stock mode empties its lists."""
    plan = _lock(plan)
    _require(actor, plan.region_code)
    _require_draft(plan)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    scope_changed = any(
        name in fields and fields[name] != getattr(plan, name)
        for name in ("project_code", "mode_code", "unit_guarantee_mode", "method")
    )
    for name, value in fields.items():
        setattr(plan, name, value.strip() if isinstance(value, str) else value)
    if is_subsidy_mode(plan.mode_code):
        plan.unit_guarantee_mode = ""
    _check_fields(plan)
    plan.full_clean(exclude=["state", "lottery"])
    plan.save()
    if scope_changed:
        plan.families.all().delete()
        plan.resources.all().delete()
    return allocation_plan_totals_refresh(plan=plan)


def allocation_plan_totals_refresh(*, plan: AllocationPlan) -> AllocationPlan:
    """本期保障总户数、住房分配总套数、总面积、补贴总金额 from the detail rows (two aggregate queries)."""
    resources = plan.resources.aggregate(
        units=Count("pk", filter=Q(category=ResourceCategory.HOUSING)),
        area=Sum("area", filter=Q(category=ResourceCategory.HOUSING)),
        amount=Sum("amount"),
    )
    invited = plan.families.count()
    plan.unit_count = resources["units"] or 0
    plan.total_area = resources["area"] or Decimal("0.00")
    plan.subsidy_total = resources["amount"] or Decimal("0.00")
    plan.invited_count = invited
    if plan.method == AllocationMethod.LOTTERY:
        target = plan.household_target if plan.household_target is not None else plan.unit_count
        plan.household_count = min(target, invited)
    else:
        plan.household_count = invited
    plan.save(
        update_fields=[
            "unit_count",
            "total_area",
            "subsidy_total",
            "invited_count",
            "household_count",
            "updated_at",
        ]
    )
    return plan


# --- units offered ---------------------------------------------------------------------------------------


def allocatable_units(*, plan: AllocationPlan):
    """Units the plan may offer: 已交付 (vacant), of its stock mode, in its region, not held by another
    draft or published plan (a unit is offered by one plan at a time)."""
    held = AllocationPlanResource.objects.filter(unit__isnull=False, plan__state__in=ACTIVE_STATES).exclude(
        plan=plan
    )
    return Unit.objects.filter(
        state=UnitState.DELIVERED,
        guarantee_mode=plan.unit_guarantee_mode,
        region_code__startswith=scope_prefix(plan.region_code),
    ).exclude(pk__in=held.values("unit_id"))


@transaction.atomic
def allocation_plan_units_add(
    *, plan: AllocationPlan, actor, unit_ids: list[int] | None = None, building_id: int | None = None
) -> int:
    """Offer units: the given ones, every one of a building, or (neither given) every allocatable unit.

    Units not allocatable for this plan are skipped. Returns how many were added."""
    plan = _lock(plan)
    _require(actor, plan.region_code)
    _require_draft(plan)
    if is_subsidy_mode(plan.mode_code):
        raise ValidationError(_("租赁补贴方案不配置房源，补贴按邀请家庭计算。"))
    units = allocatable_units(plan=plan).exclude(
        pk__in=plan.resources.filter(unit__isnull=False).values("unit_id")
    )
    if unit_ids is not None:
        units = units.filter(pk__in=unit_ids)
    if building_id is not None:
        units = units.filter(building_id=building_id)
    rows = list(units.order_by("building_id", "number").values_list("pk", "number", "floor_area"))
    if not rows and (unit_ids or building_id):
        raise ValidationError(
            _("所选房源均不可配置（须为已交付、本方案房源保障方式和区划内、未被其他方案占用）。")
        )
    AllocationPlanResource.objects.bulk_create(
        (
            AllocationPlanResource(
                plan=plan,
                resource_number=number,
                category=ResourceCategory.HOUSING,
                unit_id=pk,
                area=area or Decimal("0.00"),
            )
            for pk, number, area in rows
        ),
        batch_size=CHUNK,
    )
    allocation_plan_totals_refresh(plan=plan)
    return len(rows)


@transaction.atomic
def allocation_plan_units_remove(
    *, plan: AllocationPlan, actor, resource_ids: list[int] | None = None
) -> int:
    """Take units off a draft (``resource_ids`` None: all of them)."""
    plan = _lock(plan)
    _require(actor, plan.region_code)
    _require_draft(plan)
    rows = plan.resources.filter(category=ResourceCategory.HOUSING)
    if resource_ids is not None:
        rows = rows.filter(pk__in=resource_ids)
    removed, _detail = rows.delete()
    allocation_plan_totals_refresh(plan=plan)
    return removed


# --- families invited ------------------------------------------------------------------------------------


def eligible_waitlist(*, plan: AllocationPlan):
    """The families who may be invited, in waitlist order: 轮候中 on the plan's project and mode in its
    region, not invited by another draft or published plan."""
    held = AllocationPlanFamily.objects.filter(plan__state__in=ACTIVE_STATES).exclude(plan=plan)
    return (
        WaitlistEntry.objects.filter(
            status=WaitlistStatus.WAITING,
            project_code=plan.project_code,
            mode_code=plan.mode_code,
            region_code__startswith=scope_prefix(plan.region_code),
        )
        .exclude(registry_entry_id__in=held.values("registry_entry_id"))
        .order_by("sort_key", "pk")
    )


@transaction.atomic
def allocation_plan_families_invite(*, plan: AllocationPlan, actor, count: int | None = None) -> int:
    """Replace the invitation list.

    按轮候顺序: the first ``count`` waiting families in waitlist order (default: as many as units offered).
    摇号: every eligible waiting family (``count`` ignored), in waitlist order for the record.
    A subsidy plan gets one subsidy line per invited family. Bulk inserts: 20,000 families take seconds.
    """
    plan = _lock(plan)
    _require(actor, plan.region_code)
    _require_draft(plan)
    subsidy = is_subsidy_mode(plan.mode_code)
    entries = eligible_waitlist(plan=plan).values_list("registry_entry_id", flat=True)
    if plan.method == AllocationMethod.WAITLIST:
        if count is None:
            if subsidy:
                raise ValidationError({"count": _("请填写本期邀请的家庭数。")})
            count = plan.resources.filter(category=ResourceCategory.HOUSING).count()
        if count <= 0:
            raise ValidationError({"count": _("邀请家庭数须大于0；未指定时等于房源套数，请先添加房源。")})
        entries = entries[:count]
    ids = list(entries)
    if not ids:
        raise ValidationError(_("本区划内没有轮候中的该保障项目和方式的家庭可邀请。"))
    plan.families.all().delete()
    AllocationPlanFamily.objects.bulk_create(
        (
            AllocationPlanFamily(
                plan=plan,
                registry_entry_id=entry_id,
                project_code=plan.project_code,
                mode_code=plan.mode_code,
                sequence=n,
            )
            for n, entry_id in enumerate(ids, start=1)
        ),
        batch_size=CHUNK,
    )
    if subsidy:
        plan.resources.filter(category=ResourceCategory.SUBSIDY).delete()
        AllocationPlanResource.objects.bulk_create(
            (
                AllocationPlanResource(
                    plan=plan,
                    resource_number=f"{plan.number}-BT{n:06d}",
                    category=ResourceCategory.SUBSIDY,
                    amount=plan.subsidy_per_household,
                )
                for n in range(1, len(ids) + 1)
            ),
            batch_size=CHUNK,
        )
    allocation_plan_totals_refresh(plan=plan)
    return len(ids)


# --- lifecycle -------------------------------------------------------------------------------------------


def _record(plan: AllocationPlan, *, actor, name: str, from_state: str, opinion: str, next_node: str) -> None:
    ensure_plan_templates()
    workflow_record_transition(
        obj=plan,
        actor=actor,
        transition=name,
        from_state=from_state,
        to_state=plan.state,
        opinion=opinion,
        process_code=PLAN_PROCESS_CODE,
        next_node_code=next_node,
    )


@transaction.atomic
def allocation_plan_publish(*, plan: AllocationPlan, actor, opinion: str = "") -> AllocationPlan:
    """发布: lock the lists, fix the totals, and start the rounds.

    摇号: a lottery in 准备中 is created and linked; its entrants will be exactly the invited families
    (``plan_lottery_entrants``). 按轮候顺序: the registered round starters run after commit.
    """
    plan = _lock(plan)
    _require(actor, plan.region_code)
    if plan.state != AllocationPlanState.DRAFT:
        raise ValidationError(
            _("配置方案当前为“%(state)s”，不能再次发布。") % {"state": plan.get_state_display()}
        )
    _check_fields(plan)
    subsidy = is_subsidy_mode(plan.mode_code)
    units = plan.resources.filter(category=ResourceCategory.HOUSING)
    if not subsidy and not units.exists():
        raise ValidationError(_("方案还没有房源，不能发布。"))
    if not plan.families.exists():
        raise ValidationError(_("方案还没有邀请家庭，不能发布。"))
    gone = units.exclude(unit__state=UnitState.DELIVERED).count()
    if gone:
        raise ValidationError(
            _("有 %(n)s 套房源已不是“已交付”状态（已配给或维修等），请移除后再发布。") % {"n": gone}
        )
    left = plan.families.exclude(registry_entry__waitlist_entry__status=WaitlistStatus.WAITING).count()
    if left:
        raise ValidationError(
            _("有 %(n)s 户邀请家庭已不在轮候中，请重新生成邀请名单后再发布。") % {"n": left}
        )
    allocation_plan_totals_refresh(plan=plan)
    from_state = plan.state
    plan.publish()
    plan.published_at = timezone.now()
    plan.published_by = actor
    if plan.method == AllocationMethod.LOTTERY:
        plan.lottery = lottery_create(
            name=_("%(name)s摇号") % {"name": plan.name},
            region_code=plan.region_code,
            actor=actor,
            project_code=plan.project_code,
            mode_code=plan.mode_code,
            description=_("配置方案 %(number)s 的邀请家庭参加（%(n)s 户）。")
            % {"number": plan.number, "n": plan.invited_count},
        )
    plan.save(update_fields=["state", "published_at", "published_by", "lottery", "updated_at"])
    _record(
        plan,
        actor=actor,
        name="publish",
        from_state=from_state,
        opinion=opinion
        or _("发布：邀请 %(f)s 户，房源 %(u)s 套。") % {"f": plan.invited_count, "u": plan.unit_count},
        next_node="implement",
    )
    if plan.method == AllocationMethod.WAITLIST:
        transaction.on_commit(lambda: start_rounds(plan=plan, actor=actor))
    return plan


@transaction.atomic
def allocation_plan_withdraw(*, plan: AllocationPlan, actor, reason: str) -> AllocationPlan:
    """撤销 (with a reason): the plan's units and families are released for other plans."""
    plan = _lock(plan)
    _require(actor, plan.region_code)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤销原因。")})
    if plan.state not in ACTIVE_STATES:
        raise ValidationError(
            _("配置方案当前为“%(state)s”，不能撤销。") % {"state": plan.get_state_display()}
        )
    if plan.lottery_id:
        from ..models import LotteryState

        if plan.lottery.state == LotteryState.DRAWN:
            raise ValidationError(_("该方案的摇号已经进行，须先按程序作废摇号结果，才能撤销方案。"))
    from_state = plan.state
    plan.withdraw()
    plan.withdrawn_at = timezone.now()
    plan.withdrawn_by = actor
    plan.withdraw_reason = reason
    plan.save(update_fields=["state", "withdrawn_at", "withdrawn_by", "withdraw_reason", "updated_at"])
    plan.families.filter(
        status__in=[FamilyAllocationStatus.INVITED, FamilyAllocationStatus.IN_PROGRESS]
    ).update(status=FamilyAllocationStatus.NOT_ALLOCATED)
    plan.resources.filter(
        status__in=[ResourceAllocationStatus.OFFERED, ResourceAllocationStatus.IN_PROGRESS]
    ).update(status=ResourceAllocationStatus.NOT_ALLOCATED)
    _record(plan, actor=actor, name="withdraw", from_state=from_state, opinion=reason, next_node="withdrawn")
    return plan


@transaction.atomic
def allocation_plan_complete(*, plan: AllocationPlan, actor, opinion: str = "") -> AllocationPlan:
    """完成: the rounds are over; families and units not allocated are marked 未配置."""
    plan = _lock(plan)
    _require(actor, plan.region_code)
    if plan.state != AllocationPlanState.PUBLISHED:
        raise ValidationError(_("只有已发布的配置方案可以完成。"))
    from_state = plan.state
    plan.complete()
    plan.save(update_fields=["state", "updated_at"])
    plan.families.exclude(status=FamilyAllocationStatus.ALLOCATED).update(
        status=FamilyAllocationStatus.NOT_ALLOCATED
    )
    plan.resources.exclude(status=ResourceAllocationStatus.ALLOCATED).update(
        status=ResourceAllocationStatus.NOT_ALLOCATED
    )
    _record(
        plan,
        actor=actor,
        name="complete",
        from_state=from_state,
        opinion=opinion or _("本期配置完成。"),
        next_node="completed",
    )
    return plan


def allocation_plan_mark(
    *,
    plan: AllocationPlan,
    registry_entry_id: int,
    unit_id: int | None = None,
    status: str = FamilyAllocationStatus.ALLOCATED,
    when=None,
) -> None:
    """Called by the rounds (selection, contracts): a family's 配置状态 — and its unit's — changes.

    ``status`` is a ``FamilyAllocationStatus`` value; 已配置 stamps 分配时间 / 分配日期."""
    when = when or timezone.now()
    stamp = when if status == FamilyAllocationStatus.ALLOCATED else None
    AllocationPlanFamily.objects.filter(plan=plan, registry_entry_id=registry_entry_id).update(
        status=status, allocated_at=stamp
    )
    if unit_id is not None:
        AllocationPlanResource.objects.filter(plan=plan, unit_id=unit_id).update(
            status=status if status != FamilyAllocationStatus.INVITED else ResourceAllocationStatus.OFFERED,
            allocated_on=timezone.localtime(stamp).date() if stamp else None,
        )


# --- the lottery's entrants ------------------------------------------------------------------------------


def plan_lottery_entrants(plan: AllocationPlan) -> list[EntrantSpec]:
    """The entrants of a plan's lottery: exactly its invited families, with the priority rounds of
    ``lottery_entrants_from_waitlist`` (低保 families in round 1)."""
    rows = (
        plan.families.order_by("sequence")
        .values_list(
            "registry_entry__application_number",
            "registry_entry__applicant_name",
            "registry_entry__family_id",
            "registry_entry__is_subsistence_allowance_family",
        )
        .iterator(chunk_size=5000)
    )
    return [
        EntrantSpec(
            receipt_number=receipt,
            priority_round=PRIORITY_ROUND if is_dibao else GENERAL_ROUND,
            masked_name=mask_name(name),
            family_id=family_id,
        )
        for receipt, name, family_id, is_dibao in rows
    ]


def allocation_plans_mark_allocated(*, registry_entry_id: int, unit_id: int | None, when=None) -> int:
    """A family's contract was signed: in every published plan that invited it, it (and its unit) become
    已配置. Returns how many plans were marked."""
    plans = AllocationPlan.objects.filter(
        state=AllocationPlanState.PUBLISHED, families__registry_entry_id=registry_entry_id
    ).distinct()
    count = 0
    for plan in plans:
        allocation_plan_mark(plan=plan, registry_entry_id=registry_entry_id, unit_id=unit_id, when=when)
        count += 1
    return count
