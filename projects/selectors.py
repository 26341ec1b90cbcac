"""Reads of the construction subsystem; every selector scopes by the user (DESIGN §4 rule 2)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear, Substr
from django.utils.translation import gettext_lazy as _

from housing.accounts.scope import get_in_scope_or_404, scope_queryset
from housing.regions.codes import scope_prefix

from .models import Building, HandoverBatch, Project, ProjectType, Unit, UnitState

# 图3 楼盘表 legend order of the standard, then the two states the figure does not show.
LEGEND_STATES: tuple[str, ...] = (
    UnitState.OCCUPIED,
    UnitState.ALLOCATED,
    UnitState.DELIVERED,
    UnitState.UNDELIVERED,
    UnitState.REPAIRING,
    UnitState.CANCELLED,
)


def project_list(*, user) -> QuerySet[Project]:
    return scope_queryset(Project.objects.all(), user)


def project_get(*, user, pk: int) -> Project:
    return get_in_scope_or_404(Project.objects.select_related("land_reserve"), user, pk=pk)


def building_list(*, user) -> QuerySet[Building]:
    """Buildings in scope, each with ``unit_total`` and ``delivered_total`` (one grouped query)."""
    return scope_queryset(Building.objects.select_related("project"), user).annotate(
        unit_total=Count("units"),
        delivered_total=Count("units", filter=~Q(units__state=UnitState.UNDELIVERED)),
    )


def building_get(*, user, pk: int) -> Building:
    return get_in_scope_or_404(Building.objects.select_related("project"), user, pk=pk)


def unit_list(*, user) -> QuerySet[Unit]:
    return scope_queryset(Unit.objects.select_related("building", "building__project"), user)


def unit_get(*, user, pk: int) -> Unit:
    return get_in_scope_or_404(
        Unit.objects.select_related("building", "building__project", "handover_batch"), user, pk=pk
    )


def handover_batch_list(*, user) -> QuerySet[HandoverBatch]:
    return scope_queryset(HandoverBatch.objects.select_related("project", "created_by"), user)


def state_counts(units) -> dict[str, int]:
    counter = Counter(u.state for u in units)
    return {state: counter.get(state, 0) for state in LEGEND_STATES}


# --- 楼盘表 --------------------------------------------------------------------------------------


@dataclass
class FloorRow:
    floor: int
    units: list = field(default_factory=list)


@dataclass
class BuildingTable:
    """The grid of figure 3: floors top-down, each floor's units left to right."""

    building: Building
    rows: list[FloorRow]
    counts: dict[str, int]
    total: int
    selected_state: str
    width: int


_TABLE_FIELDS = (
    "pk",
    "number",
    "state",
    "start_floor",
    "unit_label",
    "room_number",
    "floor_area",
    "layout",
    "guarantee_mode",
)


def building_table(*, building: Building, state: str = "", public: bool = False) -> BuildingTable:
    """One query for the units whatever the building's size; counts are taken in Python.

    The public variant never loads occupant data (seed 001: 房源展示 without personal data).
    """
    fields = _TABLE_FIELDS if public else (*_TABLE_FIELDS, "occupant_name")
    units = list(
        Unit.objects.filter(building=building)
        .only(*fields)
        .order_by("-start_floor", "unit_label", "room_number")
    )
    rows: list[FloorRow] = []
    for unit in units:
        if not rows or rows[-1].floor != unit.start_floor:
            rows.append(FloorRow(floor=unit.start_floor))
        rows[-1].units.append(unit)
    selected = state if state in UnitState.values else ""
    return BuildingTable(
        building=building,
        rows=rows,
        counts=state_counts(units),
        total=len(units),
        selected_state=selected,
        width=max((len(r.units) for r in rows), default=0),
    )


def public_buildings() -> QuerySet[Building]:
    """楼盘 shown on the portal: buildings with at least one handed-over unit, with state counts."""
    return (
        Building.objects.filter(is_handed_over=True)
        .select_related("project")
        .annotate(
            unit_total=Count("units"),
            available=Count("units", filter=Q(units__state=UnitState.DELIVERED)),
        )
        .order_by("project__name", "number")
    )


# --- map ---------------------------------------------------------------------------------------


def project_map_points(*, user) -> list[dict]:
    rows = (
        project_list(user=user)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .values("pk", "number", "name", "project_type", "latitude", "longitude", "planned_units")
    )
    labels = dict(ProjectType.choices)
    return [
        {
            "id": r["pk"],
            "number": r["number"],
            "name": r["name"],
            "type": str(labels.get(r["project_type"], r["project_type"])),
            "lat": float(r["latitude"]),  # display coordinates only, never money or area
            "lng": float(r["longitude"]),
            "units": r["planned_units"] or 0,
        }
        for r in rows
    ]


# --- 建设进度 ------------------------------------------------------------------------------------

PROGRESS_STAGES: tuple[tuple[str, str], ...] = (
    ("planned", "planned_start_date"),
    ("started", "actual_start_date"),
    ("completed", "actual_completion_date"),
)


@dataclass
class ProgressRow:
    year: int
    region_code: str
    project_type: str
    figures: dict[str, dict[str, Decimal | int]] = field(default_factory=dict)


def progress_table(
    *, user, year: int | None = None, project_type: str = "", region_code: str = ""
) -> list[ProgressRow]:
    """计划 vs 开工 vs 竣工 per year × district × project type (units, area, investment).

    A project counts as planned in the year of its 计划开工时间, started in the year of its 实际开工
    时间 and completed in the year of its 实际竣工时间, each with its planned size and investment.
    Three grouped queries, merged here.
    """
    base = project_list(user=user)
    if project_type:
        base = base.filter(project_type=project_type)
    if region_code:
        base = base.filter(region_code__startswith=scope_prefix(region_code))
    rows: dict[tuple[int, str, str], ProgressRow] = {}
    for stage, date_field in PROGRESS_STAGES:
        queryset = base.filter(**{f"{date_field}__isnull": False}).annotate(
            y=ExtractYear(date_field), district=Substr("region_code", 1, 6)
        )
        if year:
            queryset = queryset.filter(y=year)
        grouped = (
            queryset.values("y", "district", "project_type")
            .annotate(
                projects=Count("pk"),
                units=Sum("planned_units"),
                area=Sum("planned_floor_area"),
                investment=Sum("total_investment"),
            )
            .order_by()
        )
        for g in grouped:
            key = (g["y"], g["district"], g["project_type"])
            row = rows.setdefault(
                key, ProgressRow(year=g["y"], region_code=g["district"], project_type=g["project_type"])
            )
            row.figures[stage] = {
                "projects": g["projects"],
                "units": g["units"] or 0,
                "area": g["area"] or Decimal("0.00"),
                "investment": g["investment"] or Decimal("0.00"),
            }
    empty = {"projects": 0, "units": 0, "area": Decimal("0.00"), "investment": Decimal("0.00")}
    for row in rows.values():
        for stage, _field in PROGRESS_STAGES:
            row.figures.setdefault(stage, dict(empty))
    return sorted(rows.values(), key=lambda r: (-r.year, r.region_code, r.project_type))


# --- one unit's history (一套一档) ------------------------------------------------------------------


@dataclass
class HistoryEntry:
    when: object
    who: str
    what: str
    reason: str


def unit_history(*, unit: Unit) -> list[HistoryEntry]:
    """Every saved version of the unit, newest first, with what changed against the one before."""
    records = list(unit.history.select_related("history_user").order_by("-history_date", "-history_id")[:200])
    labels = {f.name: str(f.verbose_name) for f in Unit._meta.concrete_fields}
    state_labels = dict(UnitState.choices)
    entries = []
    for index, record in enumerate(records):
        older = records[index + 1] if index + 1 < len(records) else None
        if older is None:
            what = str(_("登记入库（%(state)s）")) % {"state": state_labels.get(record.state, record.state)}
        else:
            parts = []
            for change in record.diff_against(older, excluded_fields=["updated_at"]).changes:
                old, new = change.old, change.new
                if change.field == "state":
                    old, new = state_labels.get(old, old), state_labels.get(new, new)
                parts.append(f"{labels.get(change.field, change.field)}：{old or '—'} → {new or '—'}")
            what = "；".join(parts) or str(_("无字段变化"))
        who = record.history_user.display_name if record.history_user else ""
        entries.append(HistoryEntry(record.history_date, who, what, record.history_change_reason or ""))
    return entries


def progress_chart(rows: list[ProgressRow]) -> dict:
    """ECharts data: units planned / started / completed per year (all regions and types summed)."""
    years = sorted({r.year for r in rows})
    series = {stage: [0] * len(years) for stage, _f in PROGRESS_STAGES}
    for row in rows:
        i = years.index(row.year)
        for stage, _f in PROGRESS_STAGES:
            series[stage][i] += int(row.figures[stage]["units"])
    return {"years": years, **series}
