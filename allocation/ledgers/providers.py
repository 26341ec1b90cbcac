"""The movement sources this part knows of (registered in ``hooks.ready()``).

Each reads one owner of the facts with a few set-based queries and yields movement specs:

- 住房移交 (``projects.Unit`` handed over): +1 套, +建筑面积 to the ledger of the unit's 保障方式;
- 住房注销 (the unit's history row that turned it 注销): −1 套, −建筑面积;
- 住房调剂 (``projects.UnitTransfer`` after handover): − in the district giving, + in the one receiving;
- 住房变更 (``projects.UnitChange`` of 保障方式 or 建筑面积 after handover): − old ledger, + new; ± area;
- 实施保障 / 保障退出 (``admission.RegistryEntry``): ±1 户, ±家庭人口数 人;
- 补助资金到位 (``projects.plans.SubsidyAllocation`` with 到位时间): + 金额;
- 土地供应 (A.7.8) and 支持对象拨付计划 (A.7.7): the support ledgers' + 土地面积 and + 金额.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Direction, LedgerClass, ResourceCategory, SupportClass
from .sources import GUARANTEE, SUPPORT, MovementSource, MovementSpec, register_source

# 保障项目编号 of the rules (A.1.1) → the guarantee ledger it is kept in.
PROJECT_CODE_CLASS = {
    "lianzu": LedgerClass.LOW_RENT,
    "gongzu": LedgerClass.PUBLIC_RENTAL,
    "jingshi": LedgerClass.AFFORDABLE,
    "rencai": LedgerClass.TALENT,
    "xianjia": LedgerClass.PRICE_CAPPED,
    "gongyou": LedgerClass.SHARED_OWNERSHIP,
    "penggai": LedgerClass.SHANTYTOWN,
}
# 资金用途 of a central/provincial subsidy allocation (A.9.7) → guarantee ledger.
SUBSIDY_PURPOSE_CLASS = {
    "public_rental": LedgerClass.PUBLIC_RENTAL,
    "shantytown": LedgerClass.SHANTYTOWN,
    "rent_subsidy": LedgerClass.LOW_RENT,
}


def unit_ledger_class(guarantee_mode: str) -> str:
    """A unit's 保障方式 (projects) uses the same codes as the ledger classes."""
    return guarantee_mode if guarantee_mode in LedgerClass.values else LedgerClass.OTHER


def project_ledger_class(project_code: str) -> str:
    return PROJECT_CODE_CLASS.get(project_code, LedgerClass.OTHER)


def _in_range(day: datetime.date | None, date_from, date_to) -> bool:
    return day is not None and (date_from is None or day >= date_from) and day <= date_to


def _local_date(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def _date_filter(field: str, date_from, date_to) -> dict:
    lookup = {f"{field}__lte": date_to}
    if date_from is not None:
        lookup[f"{field}__gte"] = date_from
    return lookup


# --- the stock (projects) ----------------------------------------------------------------------


@dataclass
class _Timeline:
    """What happened to one handed-over unit after its handover: 调剂 and 变更 of 保障方式 or 面积."""

    region: str  # as at handover
    mode: str
    area: Decimal
    events: list[tuple] = field(default_factory=list)  # (when, kind, pk, before, after), oldest first


def _decimal(value) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal("0")
    except ArithmeticError:
        return Decimal("0")


def _unit_timelines() -> dict[int, _Timeline]:
    """Timelines of the units that were transferred or changed after handover (few; read in two queries).

    The unit row holds today's region, mode and area; walking the events back gives the values at
    handover, walking them forward gives each movement its region and ledger class at the time.
    """
    from projects.models import Unit, UnitChange, UnitTransfer

    events: dict[int, list[tuple]] = {}
    transfers = UnitTransfer.objects.filter(unit__is_handed_over=True).values(
        "pk", "unit_id", "from_region_code", "region_code", "created_at", "unit__handed_over_at"
    )
    for row in transfers:
        handed = row["unit__handed_over_at"]
        if handed is None or _local_date(row["created_at"]) >= handed:
            events.setdefault(row["unit_id"], []).append(
                (row["created_at"], "transfer", row["pk"], row["from_region_code"], row["region_code"])
            )
    changes = UnitChange.objects.filter(unit__is_handed_over=True).values(
        "pk", "unit_id", "changes", "created_at", "unit__handed_over_at"
    )
    for row in changes:
        handed = row["unit__handed_over_at"]
        if handed is not None and _local_date(row["created_at"]) < handed:
            continue
        diff = row["changes"] or {}
        for key, kind in (("guarantee_mode", "mode"), ("floor_area", "area")):
            if key in diff:
                before, after = diff[key]
                events.setdefault(row["unit_id"], []).append(
                    (row["created_at"], kind, row["pk"], before, after)
                )
    if not events:
        return {}
    units = Unit.objects.filter(pk__in=list(events)).values(
        "pk", "region_code", "guarantee_mode", "floor_area"
    )
    result = {}
    for unit in units:
        unit_events = sorted(events[unit["pk"]], key=lambda e: (e[0], e[2]))
        region, mode, area = unit["region_code"], unit["guarantee_mode"], unit["floor_area"] or Decimal("0")
        for _when, kind, _pk, before, _after in reversed(unit_events):
            if kind == "transfer":
                region = before
            elif kind == "mode":
                mode = before or mode
            else:
                area = _decimal(before)
        result[unit["pk"]] = _Timeline(region, mode, area, unit_events)
    return result


def _handover_movements(date_from, date_to) -> Iterator[MovementSpec]:
    from projects.models import Unit

    timelines = _unit_timelines()
    first_history = (
        Unit.history.model.objects.filter(id=OuterRef("pk"))
        .order_by("history_date")
        .values("history_date")[:1]
    )
    units = (
        Unit.objects.filter(is_handed_over=True)
        .annotate(on=Coalesce(F("handed_over_at"), F("handover_batch__handed_over_on")))
        .values(
            "pk",
            "number",
            "region_code",
            "guarantee_mode",
            "floor_area",
            "on",
            "handover_batch_number",
            "handed_over_by",
            "handover_batch__created_by__real_name",
            "handover_batch__created_by__username",
        )
    )
    # Units recorded as handed over without a date (imported stock) take the date they were entered.
    dated = units.filter(**_date_filter("on", date_from, date_to))
    undated = units.filter(on__isnull=True).annotate(first_seen=Subquery(first_history))
    for row in [*dated.iterator(chunk_size=2000), *undated]:
        on = row["on"] or _local_date(row.get("first_seen"))
        if not _in_range(on, date_from, date_to):
            continue
        timeline = timelines.get(row["pk"])
        region, mode, area = (
            (timeline.region, timeline.mode, timeline.area)
            if timeline
            else (row["region_code"], row["guarantee_mode"], row["floor_area"] or Decimal("0"))
        )
        yield MovementSpec(
            ledger=GUARANTEE,
            source_kind="unit_handover",
            source_key=str(row["pk"]),
            ledger_class=unit_ledger_class(mode),
            region_code=region,
            direction=Direction.INCOME,
            resource_category=ResourceCategory.HOUSING,
            received_on=on,
            units=1,
            floor_area=area,
            batch_number=row["handover_batch_number"],
            handed_over_by=row["handed_over_by"][:50],
            received_by=(
                row["handover_batch__created_by__real_name"]
                or row["handover_batch__created_by__username"]
                or ""
            )[:50],
        )


def _unit_change_movements(date_from, date_to) -> Iterator[MovementSpec]:
    """调剂 moves a unit between districts; 变更 of 保障方式 between ledgers; 变更 of 面积 adjusts the area."""
    for timeline in _unit_timelines().values():
        region, mode, area = timeline.region, timeline.mode, timeline.area
        for when, kind, pk, before, after in timeline.events:
            on = _local_date(when)
            emit = _in_range(on, date_from, date_to)
            common = {"ledger": GUARANTEE, "resource_category": ResourceCategory.HOUSING, "received_on": on}
            if kind == "transfer":
                if emit:
                    yield MovementSpec(
                        source_kind="unit_transfer_out",
                        source_key=str(pk),
                        region_code=region,
                        ledger_class=unit_ledger_class(mode),
                        direction=Direction.EXPENSE,
                        units=1,
                        floor_area=area,
                        **common,
                    )
                    yield MovementSpec(
                        source_kind="unit_transfer_in",
                        source_key=str(pk),
                        region_code=after,
                        ledger_class=unit_ledger_class(mode),
                        direction=Direction.INCOME,
                        units=1,
                        floor_area=area,
                        **common,
                    )
                region = after
            elif kind == "mode":
                if emit and unit_ledger_class(before or mode) != unit_ledger_class(after):
                    yield MovementSpec(
                        source_kind="unit_mode_out",
                        source_key=str(pk),
                        region_code=region,
                        ledger_class=unit_ledger_class(before or mode),
                        direction=Direction.EXPENSE,
                        units=1,
                        floor_area=area,
                        **common,
                    )
                    yield MovementSpec(
                        source_kind="unit_mode_in",
                        source_key=str(pk),
                        region_code=region,
                        ledger_class=unit_ledger_class(after),
                        direction=Direction.INCOME,
                        units=1,
                        floor_area=area,
                        **common,
                    )
                mode = after
            else:
                new_area = _decimal(after)
                if emit and new_area != area:
                    yield MovementSpec(
                        source_kind="unit_area_change",
                        source_key=str(pk),
                        region_code=region,
                        ledger_class=unit_ledger_class(mode),
                        direction=Direction.INCOME if new_area > area else Direction.EXPENSE,
                        floor_area=abs(new_area - area),
                        **common,
                    )
                area = new_area


def _cancel_movements(date_from, date_to) -> Iterator[MovementSpec]:
    from projects.models import Unit, UnitState

    cancelled_at = (
        Unit.history.model.objects.filter(id=OuterRef("pk"), state=UnitState.CANCELLED)
        .order_by("history_date")
        .values("history_date")[:1]
    )
    rows = (
        Unit.objects.filter(is_handed_over=True, state=UnitState.CANCELLED)
        .annotate(at=Coalesce(Subquery(cancelled_at), F("updated_at")))
        .values("pk", "region_code", "guarantee_mode", "floor_area", "at", "handover_batch_number")
    )
    for row in rows:
        on = _local_date(row["at"])
        if not _in_range(on, date_from, date_to):
            continue
        yield MovementSpec(
            ledger=GUARANTEE,
            source_kind="unit_cancel",
            source_key=str(row["pk"]),
            ledger_class=unit_ledger_class(row["guarantee_mode"]),
            region_code=row["region_code"],
            direction=Direction.EXPENSE,
            resource_category=ResourceCategory.HOUSING,
            received_on=on,
            units=1,
            floor_area=row["floor_area"] or Decimal("0"),
            batch_number=row["handover_batch_number"],
        )


# --- families (admission registry) ------------------------------------------------------------------


def _registry_movements(date_from, date_to) -> Iterator[MovementSpec]:
    from admission.registry.models import RegistryEntry

    rows = RegistryEntry.objects.filter(guarantee_started_at__isnull=False).values(
        "pk", "region_code", "project_code", "household_size", "guarantee_started_at", "exited_at"
    )
    for row in rows.iterator(chunk_size=2000):
        common = {
            "ledger": GUARANTEE,
            "source_key": str(row["pk"]),
            "ledger_class": project_ledger_class(row["project_code"]),
            "region_code": row["region_code"],
            "resource_category": ResourceCategory.HOUSEHOLD,
            "households": 1,
            "persons": row["household_size"] or 0,
        }
        started = _local_date(row["guarantee_started_at"])
        if _in_range(started, date_from, date_to):
            yield MovementSpec(
                source_kind="guarantee_start", direction=Direction.INCOME, received_on=started, **common
            )
        exited = _local_date(row["exited_at"])
        if _in_range(exited, date_from, date_to):
            yield MovementSpec(
                source_kind="guarantee_exit", direction=Direction.EXPENSE, received_on=exited, **common
            )


# --- money ----------------------------------------------------------------------------------------


def _subsidy_allocation_movements(date_from, date_to) -> Iterator[MovementSpec]:
    from projects.plans.models import SubsidyAllocation

    rows = SubsidyAllocation.objects.filter(**_date_filter("received_on", date_from, date_to)).values(
        "pk", "number", "region_code", "purpose", "amount", "received_on"
    )
    for row in rows:
        yield MovementSpec(
            ledger=GUARANTEE,
            source_kind="subsidy_allocation",
            source_key=str(row["pk"]),
            ledger_class=SUBSIDY_PURPOSE_CLASS.get(row["purpose"], LedgerClass.OTHER),
            region_code=row["region_code"],
            direction=Direction.INCOME,
            resource_category=ResourceCategory.MONEY,
            received_on=row["received_on"],
            amount=row["amount"],
            batch_number=row["number"][:40],
        )


# --- the support side (A.7.7, A.7.8) ----------------------------------------------------------------


def _land_supply_movements(date_from, date_to) -> Iterator[MovementSpec]:
    from .models import LandSupplyRecord

    rows = LandSupplyRecord.objects.filter(**_date_filter("approved_on", date_from, date_to)).values(
        "pk", "number", "region_code", "land_area", "approved_on", "approval_document_number"
    )
    for row in rows:
        yield MovementSpec(
            ledger=SUPPORT,
            source_kind="land_supply",
            source_key=str(row["pk"]),
            ledger_class=SupportClass.LAND,
            region_code=row["region_code"],
            direction=Direction.INCOME,
            resource_category=ResourceCategory.LAND,
            received_on=row["approved_on"],
            land_area=row["land_area"],
            batch_number=row["number"],
        )


def _payment_plan_movements(date_from, date_to) -> Iterator[MovementSpec]:
    from .models import SupportPaymentPlan

    rows = SupportPaymentPlan.objects.filter(**_date_filter("starts_on", date_from, date_to)).values(
        "pk", "number", "region_code", "total_amount", "starts_on", "supplier_name"
    )
    for row in rows:
        yield MovementSpec(
            ledger=SUPPORT,
            source_kind="support_payment_plan",
            source_key=str(row["pk"]),
            ledger_class=SupportClass.FUNDS,
            region_code=row["region_code"],
            direction=Direction.INCOME,
            resource_category=ResourceCategory.MONEY,
            received_on=row["starts_on"],
            amount=row["total_amount"],
            batch_number=row["number"],
            received_by=row["supplier_name"][:50],
        )


def register_builtin_sources() -> None:
    for kind, label, movements in (
        ("unit_handover", _("住房竣工移交"), _handover_movements),
        ("unit_change", _("住房调剂与变更"), _unit_change_movements),
        ("unit_cancel", _("住房注销"), _cancel_movements),
        ("guarantee", _("实施保障与保障退出"), _registry_movements),
        ("subsidy_allocation", _("补助资金到位"), _subsidy_allocation_movements),
        ("land_supply", _("土地供应"), _land_supply_movements),
        ("support_payment_plan", _("支持对象拨付计划"), _payment_plan_movements),
    ):
        register_source(MovementSource(kind=kind, label=label, movements=movements))
