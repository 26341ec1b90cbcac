"""Writes of 保障退出: the daily scan (欠租, 本市住房, 年审结论退出 → 拟退出), a manual case for the other
triggers, the notice (腾退期限, 逾期市场租金), completion (tenancy's 腾退, agreement 终止, registry 已退出,
骗取保障 → 信用记录) and cancellation. Every change writes an ExitCaseEvent row."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, Min, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from admission.registry.models import GuaranteeStatus, RegistryEntry
from housing.accounts.scope import code_in_scope

from .models import (
    MANAGE_PERMISSION,
    OPEN_STATES,
    CreditEntry,
    ExitCase,
    ExitCaseEvent,
    ExitState,
    ExitTrigger,
)

CHUNK = 2000
CENT = Decimal("0.01")


def setting_int(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def overstay_factor() -> Decimal:
    return Decimal(str(getattr(settings, "EXIT_OVERSTAY_RENT_FACTOR", "1")))


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def _require(actor, region_code: str) -> None:
    if actor is None or not actor.has_perm(MANAGE_PERMISSION) or not code_in_scope(actor, region_code):
        raise PermissionDenied(_("您没有办理保障退出的权限。"))


def _event(case: ExitCase, *, from_state: str, to_state: str, actor, opinion: str = "") -> None:
    ExitCaseEvent.objects.create(case=case, from_state=from_state, to_state=to_state, actor=actor,
                                 opinion=(opinion or "")[:500])  # fmt: skip


def _active_move_in(entry_id: int):
    from ..tenancy.models import MoveIn

    return MoveIn.objects.filter(registry_entry_id=entry_id, vacated_on__isnull=True).order_by("-pk").first()


# --- the scan -------------------------------------------------------------------------------------------


def _open_case_exists():
    return Exists(ExitCase.objects.filter(registry_entry=OuterRef("pk"), state__in=OPEN_STATES))


def _candidates():
    """保障中 families without an open exit case."""
    return RegistryEntry.objects.filter(status=GuaranteeStatus.GUARANTEED).filter(~_open_case_exists())


def arrears_candidates(*, today: datetime.date) -> dict[int, dict]:
    """欠租: families whose oldest still-unpaid receivable month is at least ``EXIT_ARREARS_MONTHS`` months
    before the current month (today 2026-07, threshold 6: an unpaid 2026-01 counts, 2026-02 does not)."""
    from ..tenancy.models import RentReceivable

    months = setting_int("EXIT_ARREARS_MONTHS", 6)
    cutoff = month_index(today.year, today.month) - months
    rows = (
        RentReceivable.objects.filter(
            outstanding_amount__gt=0, move_in__vacated_on__isnull=True,
            registry_entry_id__in=_candidates().values("pk"),
        )
        .annotate(index=F("year") * 12 + F("month") - 1)
        .values("registry_entry_id", "move_in_id")
        .annotate(oldest=Min("index"), owed=Sum("outstanding_amount"))
        .filter(oldest__lte=cutoff)
    )  # fmt: skip
    found = {}
    for row in rows:
        year, month0 = divmod(row["oldest"], 12)
        oldest = f"{year:04d}-{month0 + 1:02d}"
        found[row["registry_entry_id"]] = {
            "move_in_id": row["move_in_id"],
            "evidence_on": datetime.date(year, month0 + 1, 1),
            "evidence": {"oldest_unpaid": oldest, "outstanding": str(row["owed"]), "months": months},
            "reason": _("自%(m)s起欠缴租金，累计未缴 %(a)s 元，已满%(n)s个月。")
            % {"m": oldest, "a": row["owed"], "n": months},
        }
    return found


def property_candidates(entry_ids: list[int], *, today: datetime.date) -> dict[int, dict]:
    """已购房: the subsidies' mirror check 本市住房 failing for the family (applicant or member)."""
    from ..subsidies.checks import run_checks

    entries = list(
        RegistryEntry.objects.filter(pk__in=entry_ids).only(
            "pk", "family_id", "id_number_digest", "region_code"
        )
    )
    stand_ins = [
        SimpleNamespace(pk=e.pk, registry_entry_id=e.pk, registry_entry=e, amount_basis=[]) for e in entries
    ]
    outcomes = run_checks(stand_ins, period_start=today, months_received={})
    found = {}
    for entry in entries:
        row = next((r for r in outcomes[entry.pk].results if r["code"] == "real_estate"), None)
        if row and row["outcome"] == "不通过":
            found[entry.pk] = {
                "evidence_on": today,
                "evidence": {"check": "real_estate"},
                "reason": row["detail"],
            }
    return found


def review_exit_candidates() -> dict[int, dict]:
    """年审结论「退出」not yet turned into an exit case."""
    from ..annual_review.models import AnnualReview, AnnualReviewDecision, AnnualReviewState

    taken = ExitCase.objects.filter(annual_review=OuterRef("pk"))
    rows = (
        AnnualReview.objects.filter(
            state=AnnualReviewState.DECIDED, decision=AnnualReviewDecision.EXIT,
            registry_entry_id__in=_candidates().values("pk"),
        )
        .filter(~Exists(taken))
        .values_list("pk", "registry_entry_id", "exit_reason", "year", "decided_at")
    )  # fmt: skip
    return {
        entry_id: {
            "annual_review_id": pk,
            "evidence_on": timezone.localtime(decided_at).date() if decided_at else None,
            "evidence": {"annual_review_year": year},
            "reason": _("%(y)s年度年审结论为退出：%(r)s") % {"y": year, "r": exit_reason},
        }
        for pk, entry_id, exit_reason, year, decided_at in rows
    }


def exit_scan(*, today: datetime.date | None = None, actor=None) -> dict[str, int]:
    """拟退出 cases for every trigger the data shows (idempotent, set-based, one transaction per chunk).

    A family with an open case is skipped; the conditional unique constraint (one open case per registry
    entry) and ``ignore_conflicts`` make a concurrent or repeated scan add nothing twice.
    """
    from housing.documents.services import document_numbers_reserve

    today = today or timezone.localdate()
    found: list[tuple[str, int, dict]] = []
    seen: set[int] = set()
    for trigger, rows in ((ExitTrigger.INELIGIBLE, review_exit_candidates()),
                          (ExitTrigger.ARREARS, arrears_candidates(today=today))):  # fmt: skip
        for entry_id, data in rows.items():
            if entry_id not in seen:
                seen.add(entry_id)
                found.append((trigger, entry_id, data))
    others = list(_candidates().exclude(pk__in=seen).order_by("pk").values_list("pk", flat=True))
    for offset in range(0, len(others), CHUNK):
        for entry_id, data in property_candidates(others[offset : offset + CHUNK], today=today).items():
            found.append((ExitTrigger.BOUGHT_HOME, entry_id, data))
    counts = {value: 0 for value in ExitTrigger.values}
    regions = dict(
        RegistryEntry.objects.filter(pk__in=[f[1] for f in found]).values_list("pk", "region_code")
    )
    for offset in range(0, len(found), CHUNK):
        chunk = found[offset : offset + CHUNK]
        with transaction.atomic():
            # The same 退出编号 sequence as a case opened by hand; a family that already has an open case
            # is refused by the constraint and leaves a gap in the numbers, never a second case.
            numbers = document_numbers_reserve(prefix="TC", year=today.year, count=len(chunk))
            rows = [
                ExitCase(
                    number=number, region_code=regions[entry_id],
                    registry_entry_id=entry_id, trigger=trigger, reason=data["reason"][:500],
                    evidence_on=data.get("evidence_on"), evidence=data.get("evidence", {}),
                    annual_review_id=data.get("annual_review_id"), move_in_id=data.get("move_in_id"),
                    created_by=actor,
                )
                for number, (trigger, entry_id, data) in zip(numbers, chunk, strict=True)
            ]  # fmt: skip
            ExitCase.objects.bulk_create(rows, ignore_conflicts=True)
            # ignore_conflicts leaves the pks unset: the new cases are those of this scan without an event.
            new = list(
                ExitCase.objects.filter(number__in=[r.number for r in rows], events__isnull=True).only(
                    "pk", "trigger"
                )
            )
            ExitCaseEvent.objects.bulk_create(
                ExitCaseEvent(
                    case=c, from_state="", to_state=ExitState.PROPOSED, actor=actor, opinion=_("自动扫描")
                )
                for c in new
            )
            for case in new:
                counts[case.trigger] += 1
    return {"created": sum(counts.values()), **{k: v for k, v in counts.items() if v}}


# --- a case by hand -------------------------------------------------------------------------------------


@transaction.atomic
def exit_case_open(
    *, entry: RegistryEntry, actor, trigger: str, reason: str, evidence_on: datetime.date | None = None,
    evidence_text: str = "",
) -> ExitCase:  # fmt: skip
    """拟退出 entered by a caseworker (空置, 转租或改变用途, 骗取保障, or any trigger with its facts)."""
    from housing.documents.services import document_number_next

    entry = RegistryEntry.objects.select_for_update().get(pk=entry.pk)
    _require(actor, entry.region_code)
    errors = {}
    reason = (reason or "").strip()
    if trigger not in ExitTrigger.values:
        errors["trigger"] = _("请选择退出情形。")
    if not reason:
        errors["reason"] = _("请填写退出原因。")
    today = timezone.localdate()
    if evidence_on and evidence_on > today:
        errors["evidence_on"] = _("事实发生日期不能晚于今天。")
    elif trigger == ExitTrigger.VACANT:
        # 空置: the date the vacancy began, at least EXIT_VACANT_MONTHS months ago.
        months = setting_int("EXIT_VACANT_MONTHS", 6)
        if evidence_on is None:
            errors["evidence_on"] = _("空置须填写空置起始日期（事实发生日期）。")
        elif evidence_on + relativedelta(months=months) > today:
            errors["evidence_on"] = _("空置自%(d)s起未满%(n)s个月，不能按空置退出。") % {
                "d": evidence_on,
                "n": months,
            }
    if errors:
        raise ValidationError(errors)
    if entry.status != GuaranteeStatus.GUARANTEED:
        raise ValidationError(
            _("该家庭当前为“%(s)s”，不能办理保障退出。") % {"s": entry.get_status_display()}
        )
    if ExitCase.objects.filter(registry_entry=entry, state__in=OPEN_STATES).exists():
        raise ValidationError(_("该家庭已有办理中的退出案件。"))
    move_in = _active_move_in(entry.pk)
    case = ExitCase.objects.create(
        number=document_number_next(prefix="TC", year=timezone.localdate().year), region_code=entry.region_code,
        registry_entry=entry, trigger=trigger, reason=reason[:500], evidence_on=evidence_on,
        evidence={"text": evidence_text.strip()[:1000]} if evidence_text.strip() else {},
        move_in=move_in, created_by=actor,
    )  # fmt: skip
    _event(case, from_state="", to_state=ExitState.PROPOSED, actor=actor, opinion=reason)
    return case


# --- notice, completion, cancellation --------------------------------------------------------------------


def _lock(case: ExitCase) -> ExitCase:
    return ExitCase.objects.select_for_update(of=("self",)).select_related("registry_entry").get(pk=case.pk)


@transaction.atomic
def exit_case_notify(
    *, case: ExitCase, actor, notice_on: datetime.date | None = None, market_monthly_rent: Decimal | None = None,
    opinion: str = "",
) -> ExitCase:  # fmt: skip
    """已通知: 腾退期限 = 通知日期 + EXIT_MOVE_OUT_MONTHS months; a tenant's overstay rent = the market rent
    (the form's, else the unit's rent standard × area) × EXIT_OVERSTAY_RENT_FACTOR. The PDF follows the commit."""
    from ..contracts.services import market_monthly_rent as unit_market_rent

    case = _lock(case)
    _require(actor, case.region_code)
    notice_on = notice_on or timezone.localdate()
    if market_monthly_rent is not None and market_monthly_rent < 0:
        raise ValidationError({"market_monthly_rent": _("市场月租金不能为负数。")})
    if notice_on > timezone.localdate():
        raise ValidationError({"notice_on": _("通知日期不能晚于今天。")})
    if case.state != ExitState.PROPOSED:
        raise ValidationError(_("该退出案件当前为“%(s)s”，不能发出通知。") % {"s": case.get_state_display()})
    move_in = case.move_in or _active_move_in(case.registry_entry_id)
    case.move_in = move_in
    case.notice_on = notice_on
    case.move_out_deadline = notice_on + relativedelta(months=setting_int("EXIT_MOVE_OUT_MONTHS", 2))
    if move_in is not None:
        base = market_monthly_rent if market_monthly_rent is not None else unit_market_rent(move_in.unit)
        case.market_monthly_rent = (Decimal(base) * overstay_factor()).quantize(CENT, ROUND_HALF_UP)
    case.state = ExitState.NOTIFIED
    case.save()
    text = _("通知腾退，期限至%(d)s。") % {"d": case.move_out_deadline}
    _event(case, from_state=ExitState.PROPOSED, to_state=ExitState.NOTIFIED, actor=actor,
           opinion=f"{text}{(opinion or '').strip()}")  # fmt: skip
    case_id, actor_id = case.pk, actor.pk
    transaction.on_commit(lambda: _queue_notice(case_id, actor_id))
    return case


def _queue_notice(case_id: int, actor_id: int | None) -> None:
    from .tasks import exit_notice_issue_task

    exit_notice_issue_task.delay(case_id=case_id, actor_id=actor_id)


@transaction.atomic
def exit_case_complete(
    *, case: ExitCase, actor, exited_on: datetime.date, opinion: str = "", inspection_result: str = "",
    inspection_notes: str = "", deposit_amount: Decimal = Decimal(0), deposit_deducted: Decimal = Decimal(0),
    deduction_reason: str = "",
) -> ExitCase:  # fmt: skip
    """已退出: a tenant vacates through tenancy's 腾退 (unit back in the stock, contract 终止); a subsidy
    agreement (租赁补贴协议) is terminated; the registry entry becomes 已退出; 骗取保障 writes 信用记录."""
    from admission.registry.services import registry_entry_exit

    from ..contracts.models import Contract, ContractKind, ContractState
    from ..contracts.services import contract_terminate
    from ..tenancy.services import move_out_register

    case = _lock(case)
    _require(actor, case.region_code)
    if exited_on is None:
        raise ValidationError({"exited_on": _("请填写退出日期。")})
    if exited_on > timezone.localdate():
        raise ValidationError({"exited_on": _("退出日期不能晚于今天。")})
    move_in = _active_move_in(case.registry_entry_id)
    allowed = (ExitState.NOTIFIED,) if move_in is not None else OPEN_STATES
    if case.state not in allowed:
        raise ValidationError(
            _("承租家庭须先发出退出通知。") if case.state == ExitState.PROPOSED
            else _("该退出案件当前为“%(s)s”，不能办结。") % {"s": case.get_state_display()}
        )  # fmt: skip
    if move_in is not None and case.notice_on and exited_on < case.notice_on:
        raise ValidationError({"exited_on": _("退出日期不能早于通知日期 %(d)s。") % {"d": case.notice_on}})
    reason = f"{case.get_trigger_display()}：{case.reason}"
    if move_in is not None:
        if not inspection_result:
            raise ValidationError({"inspection_result": _("承租家庭退出须填写验房结果。")})
        move_out_register(
            move_in=move_in, actor=actor, vacated_on=exited_on, inspection_result=inspection_result,
            inspection_notes=inspection_notes, deposit_amount=deposit_amount, deposit_deducted=deposit_deducted,
            deduction_reason=deduction_reason,
        )  # fmt: skip
        case.move_in = move_in
    for agreement in Contract.objects.filter(
        registry_entry_id=case.registry_entry_id, kind=ContractKind.RENT_SUBSIDY, state=ContractState.SIGNED
    ):
        contract_terminate(contract=agreement, actor=actor, reason=_("保障退出：%(r)s") % {"r": reason},
                           terminated_on=exited_on)  # fmt: skip
    registry_entry_exit(entry=case.registry_entry, actor=actor, reason=reason)
    previous = case.state
    case.state = ExitState.EXITED
    case.exited_on = exited_on
    case.save()
    if case.trigger == ExitTrigger.FRAUD:
        _credit_record(case, actor=actor)
    _event(case, from_state=previous, to_state=ExitState.EXITED, actor=actor,
           opinion=(opinion or "").strip() or _("退出办结"))  # fmt: skip
    return case


def _credit_record(case: ExitCase, *, actor) -> CreditEntry:
    from housing.accounts.identity import mask_name

    entry = case.registry_entry
    return CreditEntry.objects.create(
        region_code=case.region_code, id_number_digest=entry.id_number_digest,
        id_number_masked=entry.id_number_masked, name_masked=mask_name(entry.applicant_name),
        reason=_("骗取住房保障：%(r)s") % {"r": case.reason}, exit_case=case, recorded_on=case.exited_on,
        barred_until=case.exited_on + relativedelta(years=setting_int("EXIT_CREDIT_BAR_YEARS", 5)),
        created_by=actor,
    )  # fmt: skip


@transaction.atomic
def exit_case_cancel(*, case: ExitCase, actor, reason: str) -> ExitCase:
    """已撤销 with a reason (the facts did not hold, or the arrears were paid)."""
    case = _lock(case)
    _require(actor, case.region_code)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤销原因。")})
    if not case.is_open:
        raise ValidationError(_("该退出案件当前为“%(s)s”，不能撤销。") % {"s": case.get_state_display()})
    previous = case.state
    case.state = ExitState.CANCELLED
    case.cancel_reason = reason[:500]
    case.save()
    _event(case, from_state=previous, to_state=ExitState.CANCELLED, actor=actor, opinion=reason)
    return case
