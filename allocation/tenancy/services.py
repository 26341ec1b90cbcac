"""Writes of 入住、腾退、租金 (A.8.3–A.8.6).

入住: a signed 公租房/廉租房 contract's unit goes 已配给 → 已入住 (projects' ``unit_transition``).
腾退: the unit goes 已入住 → 已交付 (back in the stock) and the contract is terminated (contracts' service).
租金应收: a monthly run, one row per move-in active in the month, prorated by day, idempotent.
租金实收: a counter payment against one receivable; partial with a reason, never more than is owed.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.accounts.scope import code_in_scope

from ..contracts.models import Contract, ContractKind, ContractState
from .models import (
    RENT_COLLECT_PERMISSION,
    TENANCY_MANAGE_PERMISSION,
    InspectionResult,
    MoveIn,
    PaymentMethod,
    RentReceipt,
    RentReceivable,
    RentRun,
    RentRunState,
    Vacating,
)

CENT = Decimal("0.01")
CHUNK = 2000
RENTAL_KINDS = (ContractKind.PUBLIC_RENTAL, ContractKind.LOW_RENT)


def money(value) -> Decimal:
    """Yuan, 2 places, rounded half-up (DESIGN §4 rule 5)."""
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def _require(actor, permission: str, region_code: str) -> None:
    if not actor.has_perm(permission) or not code_in_scope(actor, region_code):
        raise PermissionDenied(_("您没有办理此业务的权限。"))


# --- periods and proration ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    year: int
    month: int

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.year, self.month, self.days)

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def period_parse(value: str | Period) -> Period:
    if isinstance(value, Period):
        return value
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", (value or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        raise ValidationError({"period": _("月份格式应为“年-月”，例如 2026-01。")})
    return Period(int(match.group(1)), int(match.group(2)))


def rent_for_month(
    *, monthly_rent: Decimal, reduction: Decimal, moved_in_on: datetime.date,
    vacated_on: datetime.date | None, period: Period,
) -> tuple[Decimal, int]:  # fmt: skip
    """(租金金额, 计租天数) for one month: (月租金 − 减免) × 计租天数 ÷ 当月天数, rounded half-up once.

    计租天数 counts the move-in day and the vacating day (both are days the family holds the unit).
    """
    start = max(moved_in_on, period.first_day)
    end = min(vacated_on, period.last_day) if vacated_on else period.last_day
    days = (end - start).days + 1
    if days <= 0:
        return Decimal("0.00"), 0
    net = max(Decimal(monthly_rent) - Decimal(reduction or 0), Decimal(0))
    if days == period.days:
        return money(net), days
    return money(net * days / period.days), days


# --- 入住 ------------------------------------------------------------------------------------------------


@transaction.atomic
def move_in_register(
    *, contract: Contract, actor, moved_in_on: datetime.date, rent_reduction: Decimal = Decimal(0),
    reduction_reason: str = "",
) -> MoveIn:  # fmt: skip
    """入住: for a signed rental contract; rent from the contract; the unit 已配给 → 已入住."""
    from projects.models import Unit, UnitState
    from projects.services import unit_transition

    contract = Contract.objects.select_for_update(of=("self",)).get(pk=contract.pk)
    _require(actor, TENANCY_MANAGE_PERMISSION, contract.region_code)
    if contract.kind not in RENTAL_KINDS or not contract.unit_id:
        raise ValidationError({"contract": _("只有公租房、廉租房租赁合同可以登记入住。")})
    if contract.state != ContractState.SIGNED:
        raise ValidationError(
            {"contract": _("合同当前为“%(s)s”，不能登记入住。") % {"s": contract.get_state_display()}}
        )
    if MoveIn.objects.filter(contract=contract).exists():
        raise ValidationError({"contract": _("该合同已登记入住。")})
    if contract.effective_on and moved_in_on < contract.effective_on:
        raise ValidationError(
            {"moved_in_on": _("入住时间不能早于合同生效时间 %(d)s。") % {"d": contract.effective_on}}
        )
    rent = contract.monthly_rent or Decimal(0)
    rent_reduction = money(rent_reduction or 0)
    if rent_reduction < 0 or rent_reduction > rent:
        raise ValidationError(
            {"rent_reduction": _("租金减免金额应在 0 至月租金 %(r)s 元之间。") % {"r": rent}}
        )
    reduction_reason = (reduction_reason or "").strip()
    if rent_reduction and not reduction_reason:
        raise ValidationError({"reduction_reason": _("有租金减免时请填写减免原因。")})
    unit = Unit.objects.select_for_update().get(pk=contract.unit_id)
    if unit.state != UnitState.ALLOCATED:
        raise ValidationError(
            {"contract": _("房源当前为“%(s)s”，不能登记入住。") % {"s": unit.get_state_display()}}
        )
    move_in = MoveIn(
        region_code=contract.region_code,
        registry_entry_id=contract.registry_entry_id,
        unit=unit,
        contract=contract,
        moved_in_on=moved_in_on,
        monthly_rent=rent,
        is_rent_reduced=rent_reduction > 0,
        rent_reduction=rent_reduction,
        reduction_reason=reduction_reason[:200],
        created_by=actor,
        updated_by=actor,
    )
    move_in.full_clean()
    move_in.save()
    unit_transition(
        unit=unit,
        transition="move_in",
        actor=actor,
        opinion=_("合同 %(n)s 入住，入住时间 %(d)s。") % {"n": contract.number, "d": moved_in_on},
    )
    return move_in


# --- 腾退 ------------------------------------------------------------------------------------------------


@transaction.atomic
def move_out_register(
    *, move_in: MoveIn, actor, vacated_on: datetime.date, inspection_result: str, inspection_notes: str = "",
    deposit_amount: Decimal = Decimal(0), deposit_deducted: Decimal = Decimal(0), deduction_reason: str = "",
) -> Vacating:  # fmt: skip
    """腾退: inspection and deposit settled; the unit 已入住 → 已交付 (back in the stock); the contract 终止."""
    from projects.models import Unit
    from projects.services import unit_transition

    from ..contracts.services import contract_terminate

    move_in = MoveIn.objects.select_for_update().select_related("contract").get(pk=move_in.pk)
    _require(actor, TENANCY_MANAGE_PERMISSION, move_in.region_code)
    if move_in.vacated_on is not None:
        raise ValidationError(_("该户已于 %(d)s 腾退。") % {"d": move_in.vacated_on})
    errors = {}
    if vacated_on < move_in.moved_in_on:
        errors["vacated_on"] = _("腾退时间不能早于入住时间 %(d)s。") % {"d": move_in.moved_in_on}
    if inspection_result not in InspectionResult.values:
        errors["inspection_result"] = _("请选择验房结果。")
    deposit_amount, deposit_deducted = money(deposit_amount or 0), money(deposit_deducted or 0)
    if deposit_amount < 0:
        errors["deposit_amount"] = _("押金金额不能为负数。")
    if deposit_deducted < 0 or deposit_deducted > deposit_amount:
        errors["deposit_deducted"] = _("扣除押金应在 0 至押金金额 %(a)s 元之间。") % {"a": deposit_amount}
    deduction_reason = (deduction_reason or "").strip()
    if deposit_deducted > 0 and not deduction_reason:
        errors["deduction_reason"] = _("扣除押金时请填写扣除原因。")
    if errors:
        raise ValidationError(errors)
    vacating = Vacating(
        region_code=move_in.region_code,
        registry_entry_id=move_in.registry_entry_id,
        unit_id=move_in.unit_id,
        move_in=move_in,
        vacated_on=vacated_on,
        inspection_result=inspection_result,
        inspection_notes=(inspection_notes or "").strip()[:500],
        deposit_amount=deposit_amount,
        deposit_deducted=deposit_deducted,
        deposit_returned=deposit_amount - deposit_deducted,
        deduction_reason=deduction_reason[:500],
        created_by=actor,
        updated_by=actor,
    )
    vacating.full_clean()
    vacating.save()
    MoveIn.objects.filter(pk=move_in.pk).update(
        vacated_on=vacated_on, updated_by=actor, updated_at=timezone.now()
    )
    opinion = _("合同 %(n)s 腾退，验房结果：%(r)s。") % {
        "n": move_in.contract.number,
        "r": InspectionResult(inspection_result).label,
    }
    unit_transition(unit=Unit(pk=move_in.unit_id), transition="vacate", actor=actor, opinion=opinion)
    if move_in.contract.state in (ContractState.SIGNED, ContractState.DRAFT):
        contract_terminate(contract=move_in.contract, actor=actor, reason=_("腾退"), terminated_on=vacated_on)
    return vacating


# --- 租金应收 --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RentRunResult:
    period: str
    created: int
    existing: int


def _active_move_ins(period: Period):
    return MoveIn.objects.filter(moved_in_on__lte=period.last_day).filter(
        Q(vacated_on__isnull=True) | Q(vacated_on__gte=period.first_day)
    )


def rent_receivables_run(
    period: str | Period, actor=None, *, chunk: int = CHUNK, run: RentRun | None = None
) -> RentRunResult:
    """租金应收 for one month: one row per move-in active in it (prorated, reductions applied).

    Idempotent: the unique constraint (move-in, year, month) and ``ignore_conflicts`` make a re-run, or a
    run resumed after a crash, add only the rows that are missing and change none that exist. One
    transaction per chunk of move-ins (by id), so a crash loses at most the chunk in flight. With a
    ``run`` record, each chunk's commit also moves its progress and heartbeat (the page polls them).

    The rent of a family whose annual review decided 变更标准 is the review's new rent from its effective
    month on; the changes are read once per chunk (one query), never per row.
    """
    from ..annual_review.selectors import annual_review_standard_changes

    period = period_parse(period)
    active = _active_move_ins(period)
    # NOT EXISTS on the same receivable row (an ``exclude`` across the relation would test year and month
    # on different rows and skip a move-in billed in another year's same month).
    billed = RentReceivable.objects.filter(move_in=OuterRef("pk"), year=period.year, month=period.month)
    candidates = active.filter(~Exists(billed))
    total = active.count()
    pending = candidates.count()
    before = total - pending
    if run is not None:
        # rows this run made before it was interrupted are still its own 新增, not 已有
        RentRun.objects.filter(pk=run.pk).update(
            total=total, processed=before, existing=max(before - run.created, 0), heartbeat_at=timezone.now()
        )
    created = 0
    last_id = 0
    fields = ("pk", "region_code", "registry_entry_id", "unit_id", "moved_in_on", "vacated_on",
              "monthly_rent", "rent_reduction")  # fmt: skip
    while True:
        rows = list(candidates.filter(pk__gt=last_id).order_by("pk").values_list(*fields)[:chunk])
        if not rows:
            break
        last_id = rows[-1][0]
        changes = annual_review_standard_changes({row[2] for row in rows}, period.label)
        new = []
        # --- 保障退出 (allocation/exits): months after the move-out deadline at the overstay (market) rent ---
        from ..exits.selectors import exit_overstay_rents

        overstay = exit_overstay_rents([row[0] for row in rows], period.label)
        # --- end 保障退出 ---
        for pk, region_code, entry_id, unit_id, moved_in_on, vacated_on, rent, reduction in rows:
            change = changes.get(entry_id)
            if change is not None and change.monthly_rent is not None:
                rent = change.monthly_rent  # 年审变更标准: the new rent from its effective month
            if pk in overstay:  # 保障退出: no reduction for a family no longer in guarantee
                rent, reduction = overstay[pk], Decimal(0)
            amount, days = rent_for_month(
                monthly_rent=rent, reduction=reduction, moved_in_on=moved_in_on, vacated_on=vacated_on,
                period=period,
            )  # fmt: skip
            if days == 0:
                continue
            new.append(
                RentReceivable(
                    number=f"YS{period.year:04d}{period.month:02d}-{pk:08d}",
                    region_code=region_code,
                    registry_entry_id=entry_id,
                    unit_id=unit_id,
                    move_in_id=pk,
                    amount=amount,
                    outstanding_amount=amount,
                    year=period.year,
                    month=period.month,
                    due_on=max(moved_in_on, period.first_day),
                    days=days,
                    days_in_month=period.days,
                    monthly_rent=rent,
                    rent_reduction=min(reduction, rent),
                    created_by=actor,
                    updated_by=actor,
                )
            )
        with transaction.atomic():
            RentReceivable.objects.bulk_create(new, ignore_conflicts=True)
            created += len(new)
            if run is not None:
                RentRun.objects.filter(pk=run.pk).update(
                    processed=F("processed") + len(rows), created=F("created") + len(new),
                    heartbeat_at=timezone.now(),
                )  # fmt: skip
    return RentRunResult(period=period.label, created=created, existing=before)


def rent_run_start(*, period: str, actor) -> RentRun:
    """生成本月应收 from the back office: a run record, the task queued after commit."""
    if not actor.has_perm(RENT_COLLECT_PERMISSION):
        raise PermissionDenied(_("您没有办理此业务的权限。"))
    parsed = period_parse(period)
    run = RentRun.objects.create(year=parsed.year, month=parsed.month, started_by=actor,
                                 heartbeat_at=timezone.now())  # fmt: skip
    transaction.on_commit(lambda: _queue_run(run.pk))
    return run


@transaction.atomic
def rent_run_resume(*, run: RentRun, actor) -> RentRun:
    """继续 a run that failed or whose worker died (中断): the same record, queued again.

    Safe because the run is idempotent: the resumed pass skips every move-in already billed and adds
    exactly the missing rows. A run still alive (recent heartbeat) is not resumed twice.
    """
    if not actor.has_perm(RENT_COLLECT_PERMISSION):
        raise PermissionDenied(_("您没有办理此业务的权限。"))
    run = RentRun.objects.select_for_update().get(pk=run.pk)
    if not run.can_resume:
        raise ValidationError(_("该次生成正在进行或已完成，不需要继续。"))
    run.state, run.error, run.finished_at, run.heartbeat_at = RentRunState.RUNNING, "", None, timezone.now()
    run.save(update_fields=["state", "error", "finished_at", "heartbeat_at"])
    transaction.on_commit(lambda: _queue_run(run.pk))
    return run


def _queue_run(run_id: int) -> None:
    from .tasks import run_rent_receivables

    run_rent_receivables.delay(run_id=run_id)


def rent_run_execute(*, run_id: int) -> RentRun:
    """The task's body: run the period, record progress per chunk and the outcome on the run record."""
    RentRun.objects.filter(pk=run_id).update(
        state=RentRunState.RUNNING, attempts=F("attempts") + 1, heartbeat_at=timezone.now()
    )
    run = RentRun.objects.get(pk=run_id)
    try:
        rent_receivables_run(Period(run.year, run.month), run.started_by, chunk=CHUNK, run=run)
    except Exception as exc:  # the page shows the failure and offers 继续
        RentRun.objects.filter(pk=run.pk).update(
            state=RentRunState.FAILED, error=str(exc)[:1000], finished_at=timezone.now()
        )
        raise
    RentRun.objects.filter(pk=run.pk).update(state=RentRunState.DONE, finished_at=timezone.now())
    return RentRun.objects.get(pk=run.pk)


# --- 租金实收 --------------------------------------------------------------------------------------------


@transaction.atomic
def rent_receipt_record(
    *, receivable: RentReceivable, actor, amount: Decimal, received_on: datetime.date, method: str,
    shortfall_reason: str = "",
) -> RentReceipt:  # fmt: skip
    """租金实收: at most what is still owed; less than that needs a reason (未足额收取原因)."""
    from housing.documents.services import document_number_next

    receivable = RentReceivable.objects.select_for_update().get(pk=receivable.pk)
    _require(actor, RENT_COLLECT_PERMISSION, receivable.region_code)
    errors = {}
    amount = money(amount) if amount is not None else None
    if amount is None or amount <= 0:
        errors["amount"] = _("实收金额应大于 0。")
    elif amount > receivable.outstanding_amount:
        errors["amount"] = _("实收金额 %(a)s 元超过未收金额 %(o)s 元，不能多收。") % {
            "a": amount,
            "o": receivable.outstanding_amount,
        }
    if method not in PaymentMethod.values:
        errors["method"] = _("请选择实收方式。")
    shortfall_reason = (shortfall_reason or "").strip()
    is_full = amount is not None and amount == receivable.outstanding_amount
    if not errors and not is_full and not shortfall_reason:
        errors["shortfall_reason"] = _("未足额收取（本次 %(a)s 元，未收 %(o)s 元），请填写原因。") % {
            "a": amount,
            "o": receivable.outstanding_amount,
        }
    if errors:
        raise ValidationError(errors)
    receipt = RentReceipt(
        number=document_number_next(prefix="SS", year=received_on.year),
        region_code=receivable.region_code,
        receivable=receivable,
        registry_entry_id=receivable.registry_entry_id,
        unit_id=receivable.unit_id,
        amount=amount,
        year=receivable.year,
        month=receivable.month,
        is_full=is_full,
        shortfall_reason=shortfall_reason[:500] if not is_full else "",
        received_on=received_on,
        method=method,
        created_by=actor,
        updated_by=actor,
    )
    receipt.full_clean()
    receipt.save()
    receivable.paid_amount += amount
    receivable.outstanding_amount -= amount
    receivable.updated_by = actor
    receivable.save(update_fields=["paid_amount", "outstanding_amount", "updated_by", "updated_at"])
    return receipt
