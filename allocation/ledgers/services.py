"""Writes of 资源台账: recording movements, building ledgers, payment plans and land supply records."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q, Sum, Value
from django.db.models.functions import Coalesce, Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.accounts.scope import code_in_scope
from housing.regions.codes import Level, level_of, scope_prefix, validate_code

from .models import (
    Direction,
    GuaranteeLedger,
    GuaranteeMovement,
    LandSupplyRecord,
    SupportLedger,
    SupportMovement,
    SupportPaymentPlan,
)
from .periods import Period, period_parse
from .sources import GUARANTEE, SUPPORT, MovementSpec, registered_sources

PERM_REBUILD = "allocation.rebuild_ledger"
PERM_PLAN_ADD = "allocation.add_supportpaymentplan"
PERM_PLAN_CHANGE = "allocation.change_supportpaymentplan"
PERM_LAND_ADD = "allocation.add_landsupplyrecord"
PERM_LAND_CHANGE = "allocation.change_landsupplyrecord"

ZERO = Decimal("0")


@dataclass(frozen=True)
class _Spec:
    """What differs between the guarantee (A.6.1/A.6.2) and the support (A.6.3/A.6.4) ledgers."""

    ledger_model: type
    movement_model: type
    number_prefix: str
    # ledger quantity name → movement field
    quantities: tuple[tuple[str, str], ...]


LEDGERS = {
    GUARANTEE: _Spec(
        GuaranteeLedger,
        GuaranteeMovement,
        "BZ",
        (
            ("money", "amount"),
            ("units", "units"),
            ("area", "floor_area"),
            ("households", "households"),
            ("persons", "persons"),
        ),
    ),
    SUPPORT: _Spec(SupportLedger, SupportMovement, "ZC", (("money", "amount"), ("land", "land_area"))),
}


def movement_number(spec: MovementSpec) -> str:
    """明细账编号: derived from the source, so the same fact always gets the same number."""
    digest = hashlib.sha1(f"{spec.source_kind}:{spec.source_key}".encode()).hexdigest()[:16].upper()
    return f"{LEDGERS[spec.ledger].number_prefix}MX{digest}"


def _movement_row(spec: MovementSpec):
    model = LEDGERS[spec.ledger].movement_model
    fields = {
        "number": movement_number(spec),
        "batch_number": spec.batch_number[:40],
        "resource_category": spec.resource_category,
        "ledger_class": spec.ledger_class,
        "region_code": spec.region_code,
        "direction": spec.direction,
        "amount": spec.amount,
        "received_on": spec.received_on,
        "handed_over_by": spec.handed_over_by[:50],
        "received_by": spec.received_by[:50],
        "source_kind": spec.source_kind,
        "source_key": spec.source_key,
    }
    if spec.ledger == GUARANTEE:
        fields.update(
            units=spec.units, floor_area=spec.floor_area, households=spec.households, persons=spec.persons
        )
    else:
        fields.update(land_area=spec.land_area)
    return model(**fields)


def movements_sync(*, date_to: datetime.date, date_from: datetime.date | None = None) -> int:
    """Record every registered source's movements dated in the range; returns how many were new.

    Idempotent: a movement already recorded (same source and key) is left alone, so syncing twice, or
    after a crash half-way, records each fact once.
    """
    created = 0
    for source in registered_sources():
        batch: dict[str, list] = {GUARANTEE: [], SUPPORT: []}
        for spec in source.movements(date_from, date_to):
            batch[spec.ledger].append(_movement_row(spec))
            if len(batch[spec.ledger]) >= 2000:
                created += _insert(spec.ledger, batch[spec.ledger])
                batch[spec.ledger] = []
        for ledger, rows in batch.items():
            created += _insert(ledger, rows)
    return created


def _insert(ledger: str, rows: list) -> int:
    if not rows:
        return 0
    model = LEDGERS[ledger].movement_model
    keys = {(r.source_kind, r.source_key) for r in rows}
    existing = set(
        model.objects.filter(
            source_kind__in={k for k, _key in keys}, source_key__in={key for _k, key in keys}
        ).values_list("source_kind", "source_key")
    )
    fresh = [r for r in rows if (r.source_kind, r.source_key) not in existing]
    # ignore_conflicts: a concurrent build that recorded the same fact first wins, harmlessly.
    model.objects.bulk_create(fresh, ignore_conflicts=True, batch_size=1000)
    return len(fresh)


@dataclass(frozen=True)
class LedgerBuildResult:
    period: Period
    movements_created: int
    guarantee_ledgers: int
    support_ledgers: int


def _county_prefix(region_code: str | None) -> str:
    if not region_code:
        return ""
    try:
        validate_code(region_code)
    except ValidationError as exc:
        raise ValidationError({"region_code": exc.messages}) from exc
    if level_of(region_code) > Level.DISTRICT:
        raise ValidationError({"region_code": _("台账按区县计算，请选择区县或以上的区划。")})
    return scope_prefix(region_code)


def _county_expression():
    # Ledgers are kept per 区县: the movement's code cut to its first six digits, padded with zeros.
    return Concat(Substr("region_code", 1, 6), Value("000000"), output_field=models.CharField())


def _sums(queryset, quantities, *, split: bool) -> dict[tuple[str, str], dict[str, Decimal]]:
    """One GROUP BY (台账分类, 区县): net sums, or increase and decrease sums when ``split``."""
    aggregates = {}
    for name, field in quantities:
        output = models.DecimalField(max_digits=20, decimal_places=2)
        income = Coalesce(Sum(field, filter=Q(direction=Direction.INCOME)), Value(0), output_field=output)
        expense = Coalesce(Sum(field, filter=Q(direction=Direction.EXPENSE)), Value(0), output_field=output)
        if split:
            aggregates[f"inc_{name}"] = income
            aggregates[f"dec_{name}"] = expense
        else:
            aggregates[f"in_{name}"] = income
            aggregates[f"out_{name}"] = expense
    rows = (
        queryset.annotate(county=_county_expression())
        .values("ledger_class", "county")
        .annotate(**aggregates)
        .order_by()
    )
    result = {}
    for row in rows:
        key = (row["ledger_class"], row["county"])
        if split:
            result[key] = {k: Decimal(row[k] or 0) for k in aggregates}
        else:
            result[key] = {
                name: Decimal(row[f"in_{name}"] or 0) - Decimal(row[f"out_{name}"] or 0)
                for name, _f in quantities
            }
    return result


def _build_one(ledger: str, period: Period, prefix: str) -> int:
    spec = LEDGERS[ledger]
    movements = spec.movement_model.objects.all()
    if prefix:
        movements = movements.filter(region_code__startswith=prefix)
    opening = _sums(movements.filter(received_on__lt=period.start), spec.quantities, split=False)
    flows = _sums(
        movements.filter(received_on__gte=period.start, received_on__lte=period.end),
        spec.quantities,
        split=True,
    )
    count = 0
    for ledger_class, county in sorted(set(opening) | set(flows)):
        values: dict = {"stat_date": period.end}
        net = ZERO
        for name, _field in spec.quantities:
            start = opening.get((ledger_class, county), {}).get(name, ZERO)
            increase = flows.get((ledger_class, county), {}).get(f"inc_{name}", ZERO)
            decrease = flows.get((ledger_class, county), {}).get(f"dec_{name}", ZERO)
            close = start + increase - decrease
            as_int = name in ("units", "households", "persons")
            for prefix_name, value in (
                ("opening", start),
                ("increase", increase),
                ("decrease", decrease),
                ("closing", close),
            ):
                values[f"{prefix_name}_{name}"] = int(value) if as_int else value.quantize(Decimal("0.01"))
            net += increase - decrease
        if ledger == SUPPORT:
            values["direction"] = Direction.INCOME if net >= 0 else Direction.EXPENSE
        kind_letter = {"month": "M", "quarter": "Q", "year": "Y"}[period.kind]
        values["number"] = f"{spec.number_prefix}TZ-{kind_letter}{period.label}-{county[:6]}-{ledger_class}"
        spec.ledger_model.objects.update_or_create(
            ledger_class=ledger_class,
            region_code=county,
            period_kind=period.kind,
            period=period.label,
            defaults=values,
        )
        count += 1
    return count


def ledger_build(*, period_kind: str, period: str, region_code: str | None = None) -> LedgerBuildResult:
    """Compute the A.6.1 and A.6.3 ledgers of one period (one row per 台账分类 and 区县).

    Syncs the movements dated up to the period's end (idempotent), then takes the opening balance
    from every movement before the period and the increase and decrease from those in it:
    closing = opening + increase − decrease. Re-running changes nothing; ``region_code`` (a 区县 or
    above) limits the build to that region.
    """
    target = period_parse(period_kind, period)
    prefix = _county_prefix(region_code)
    created = movements_sync(date_to=target.end)
    with transaction.atomic():
        guarantee = _build_one(GUARANTEE, target, prefix)
        support = _build_one(SUPPORT, target, prefix)
    return LedgerBuildResult(target, created, guarantee, support)


def ledger_rebuild(
    *, actor, period_kind: str, period: str, region_code: str | None = None
) -> LedgerBuildResult:
    """重新计算 (the finance officer's button): the same build, checked against the actor's scope."""
    if not actor.has_perm(PERM_REBUILD):
        raise PermissionDenied(_("您没有重新计算台账的权限。"))
    if region_code:
        if not code_in_scope(actor, region_code):
            raise ValidationError({"region_code": _("该区划不在您的数据范围内。")})
    elif actor.scope_prefixes is not None and not any(len(p) <= 4 for p in actor.scope_prefixes):
        raise ValidationError({"region_code": _("请选择要重新计算的区县。")})
    return ledger_build(period_kind=period_kind, period=period, region_code=region_code or None)


# --- A.7.7 支持对象资金拨付配置计划 ---------------------------------------------------------------------


def _next_number(model, prefix: str, day: datetime.date) -> str:
    stem = f"{prefix}{day:%Y%m%d}"
    last = (
        model.objects.filter(number__startswith=stem)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last[len(stem) :]) + 1 if last else 1
    return f"{stem}{seq:04d}"


def approved_suppliers(*, user) -> list[tuple[str, str, str, str]]:
    """(审批编号, kind, 名称, 区划) of the suppliers whose application was 已核定, in the user's scope."""
    from admission.support_approvals import SupplierPersonApproval, SupplierUnitApproval, SupportApprovalState
    from housing.accounts.scope import scope_queryset

    result = []
    for model, kind, name_field in (
        (SupplierUnitApproval, "unit", "unit_name"),
        (SupplierPersonApproval, "person", "applicant_name"),
    ):
        rows = scope_queryset(model.objects.filter(state=SupportApprovalState.APPROVED), user).values_list(
            "approval_number", name_field, "region_code"
        )
        result += [(number, kind, name, region) for number, name, region in rows.order_by("approval_number")]
    return result


@transaction.atomic
def payment_plan_create(
    *,
    actor,
    supplier_number: str,
    total_amount: Decimal,
    period_kind: str,
    cycles: int,
    starts_on: datetime.date,
) -> SupportPaymentPlan:
    if not actor.has_perm(PERM_PLAN_ADD):
        raise PermissionDenied(_("您没有编制拨付计划的权限。"))
    supplier = {row[0]: row for row in approved_suppliers(user=actor)}.get(supplier_number)
    if supplier is None:
        raise ValidationError({"supplier_number": _("请选择已核定的支持对象。")})
    _number, kind, name, region = supplier
    plan = SupportPaymentPlan(
        number=_next_number(SupportPaymentPlan, "BFJH", timezone.localdate()),
        supplier_number=supplier_number,
        supplier_kind=kind,
        supplier_name=name[:100],
        total_amount=total_amount,
        period_kind=period_kind,
        cycles=cycles,
        starts_on=starts_on,
        region_code=region,
        created_by=actor,
        updated_by=actor,
    )
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def payment_plan_update(
    *,
    plan: SupportPaymentPlan,
    actor,
    total_amount: Decimal,
    period_kind: str,
    cycles: int,
    starts_on: datetime.date,
) -> SupportPaymentPlan:
    """A plan may be corrected until its first instalment date; afterwards the ledger has recorded it."""
    if not actor.has_perm(PERM_PLAN_CHANGE):
        raise PermissionDenied(_("您没有修改拨付计划的权限。"))
    plan = SupportPaymentPlan.objects.select_for_update().get(pk=plan.pk)
    if SupportMovement.objects.filter(source_kind="support_payment_plan", source_key=str(plan.pk)).exists():
        raise ValidationError(_("该计划已记入支持项目台账，不能修改。"))
    plan.total_amount, plan.period_kind, plan.cycles, plan.starts_on = (
        total_amount,
        period_kind,
        cycles,
        starts_on,
    )
    plan.updated_by = actor
    plan.full_clean()
    plan.save()
    return plan


# --- A.7.8 土地供应记录信息 ---------------------------------------------------------------------------


@transaction.atomic
def land_supply_create(
    *, actor, region_code: str | None = None, land_reserve=None, project=None, **fields
) -> LandSupplyRecord:
    """登记土地供应; a reserved plot or project fills in its numbers and region where they exist."""
    if not actor.has_perm(PERM_LAND_ADD):
        raise PermissionDenied(_("您没有登记土地供应的权限。"))
    if land_reserve is not None:
        fields["parcel_number"] = land_reserve.number
        if not fields.get("parcel_name"):
            fields["parcel_name"] = land_reserve.name
        region_code = region_code or land_reserve.region_code
    if project is not None:
        fields["project_number"] = project.number
        region_code = region_code or project.region_code
    if not region_code:
        raise ValidationError({"region_code": _("请选择行政区划。")})
    if not code_in_scope(actor, region_code):
        raise ValidationError({"region_code": _("该区划不在您的数据范围内。")})
    record = LandSupplyRecord(
        number=_next_number(LandSupplyRecord, "TDGY", timezone.localdate()),
        land_reserve=land_reserve,
        project=project,
        region_code=region_code,
        created_by=actor,
        **fields,
    )
    record.full_clean()
    record.save()
    return record


def ledgers_build_recent(*, today: datetime.date) -> dict[str, int]:
    """The scheduled build: this and the previous month, quarter and year (late facts land in both)."""
    from .periods import period_containing

    built = {"guarantee": 0, "support": 0, "movements": 0}
    for kind in ("month", "quarter", "year"):
        current = period_containing(kind, today)
        for target in (current.previous(), current):
            result = ledger_build(period_kind=kind, period=target.label)
            built["guarantee"] += result.guarantee_ledgers
            built["support"] += result.support_ledgers
            built["movements"] += result.movements_created
    return built
