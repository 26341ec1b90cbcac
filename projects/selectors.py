"""Reads of the construction subsystem; every selector scopes by the user (DESIGN §4 rule 2)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Concat, ExtractYear, Substr
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from housing.accounts.scope import get_in_scope_or_404, scope_queryset
from housing.regions.codes import scope_prefix
from housing.regions.models import Region

from .models import Building, HandoverBatch, Project, ProjectPhoto, ProjectType, Unit, UnitState

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


# --- 房源展示 (the public portal: no login, never an occupant's or applicant's data) ---------------------

# Units a citizen is shown: those of handed-over buildings, less the 注销 ones (demolished, sold, returned).
PUBLIC_ROOM_CHOICES: tuple[tuple[str, str], ...] = (
    ("1", _("一室")),
    ("2", _("两室")),
    ("3", _("三室")),
    ("4", _("四室及以上")),
)
_CENTS = Decimal("0.01")


def _public_units() -> QuerySet[Unit]:
    return Unit.objects.filter(building__is_handed_over=True).exclude(state=UnitState.CANCELLED)


def _district_name() -> Subquery:
    """The name of the project's 区县 (the first six digits of its code), as one correlated subquery."""
    return Subquery(
        Region.objects.filter(code=Concat(Substr(OuterRef("region_code"), 1, 6), Value("000000"))).values(
            "name"
        )[:1]
    )


def public_projects() -> QuerySet[Project]:
    """Projects on the portal: those with at least one handed-over building (a partly handed-over
    project shows its handed-over buildings only)."""
    return Project.objects.filter(
        Exists(Building.objects.filter(project=OuterRef("pk"), is_handed_over=True))
    )


def public_project_list(*, district: str = "", rooms: str = "") -> QuerySet[Project]:
    """The portal's project cards, filtered by 区县 code and by 间数 ("4" = four rooms or more).

    Each row carries ``district_name`` and ``cover_photo_id`` (the first photo) as subqueries, so a page
    costs one query whatever its size; the unit figures come from ``public_unit_types``.
    """
    queryset = public_projects()
    if district:
        queryset = queryset.filter(region_code__startswith=district[:6])
    if rooms in dict(PUBLIC_ROOM_CHOICES):
        room_filter = Q(rooms__gte=4) if rooms == "4" else Q(rooms=int(rooms))
        queryset = queryset.filter(
            Exists(_public_units().filter(room_filter, building__project=OuterRef("pk")))
        )
    cover = ProjectPhoto.objects.filter(project=OuterRef("pk")).order_by("order", "pk").values("pk")[:1]
    return (
        queryset.only(
            "pk", "number", "name", "address", "region_code", "project_type", "latitude", "longitude"
        )
        .annotate(district_name=_district_name(), cover_photo_id=Subquery(cover))
        .order_by("region_code", "name", "pk")
    )


def public_project_get(*, pk: int) -> Project:
    """One public project (404 when it has no handed-over building), with ``district_name``."""
    project = public_projects().annotate(district_name=_district_name()).filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


def public_districts() -> list[tuple[str, str]]:
    """(code, name) of every 区县 with a public project, for the filter (one query)."""
    codes = public_projects().annotate(d=Concat(Substr("region_code", 1, 6), Value("000000"))).values("d")
    return list(Region.objects.filter(code__in=Subquery(codes)).order_by("code").values_list("code", "name"))


def public_map_points(projects: QuerySet[Project]) -> list[dict]:
    """Name, address and position of each project of the (filtered, unpaginated) list: the map's markers
    and the text address list beside it. One query of a few columns."""
    rows = projects.values("pk", "name", "address", "district_name", "latitude", "longitude")
    return [
        {
            "id": r["pk"],
            "name": r["name"],
            "address": r["address"],
            "district": r["district_name"] or "",
            # display coordinates only, never money or area
            "lat": float(r["latitude"]) if r["latitude"] is not None else None,
            "lng": float(r["longitude"]) if r["longitude"] is not None else None,
        }
        for r in rows
    ]


def _range(low, high, *, places: Decimal = _CENTS) -> tuple[Decimal, Decimal] | None:
    if low is None or high is None:
        return None
    return (
        Decimal(low).quantize(places, rounding=ROUND_HALF_UP),
        Decimal(high).quantize(places, rounding=ROUND_HALF_UP),
    )


def _number(value: Decimal) -> str:
    return f"{value:,.2f}"


def _span_text(span, unit: str = "") -> str:
    """``45.00–76.50 ㎡``, or one figure when the range is a single value."""
    if span is None:
        return ""
    low, high = span
    text = _number(low) if low == high else f"{_number(low)}–{_number(high)}"
    return f"{text} {unit}".strip()


def _ten_thousands(span):
    if span is None:
        return None
    return tuple((v / 10000).quantize(_CENTS, rounding=ROUND_HALF_UP) for v in span)


class _PriceTexts:
    """Display texts shared by one 户型 and a whole project (both have the five ranges)."""

    @property
    def area_text(self) -> str:
        return _span_text(self.area, "㎡")

    @property
    def rent_text(self) -> str:
        """``12.50 元/㎡·月，约 562.50–956.25 元/月`` (月租金 = 租金标准 × 建筑面积)."""
        if self.rent_standard is None:
            return ""
        text = _span_text(self.rent_standard, str(_("元/㎡·月")))
        if self.rent is not None:
            text += str(_("，月租金约 %(r)s")) % {"r": _span_text(self.rent, str(_("元")))}
        return text

    @property
    def price_text(self) -> str:
        """``9,800.00 元/㎡，总价约 44.10–74.97 万元`` (总价 = 售价标准 × 建筑面积)."""
        if self.price_standard is None:
            return ""
        text = _span_text(self.price_standard, str(_("元/㎡")))
        if self.price is not None:
            text += str(_("，总价约 %(p)s")) % {"p": _span_text(_ten_thousands(self.price), str(_("万元")))}
        return text


@dataclass
class UnitType(_PriceTexts):
    """One 户型 (by 间数) of a project: how many units, how many free, area and rent or price ranges.

    ``rent_standard``: 租金标准 元/㎡·月; ``rent``: the monthly rent of one unit (standard × 建筑面积);
    ``price_standard``: 售价标准 元/㎡; ``price``: the price of one unit. ``None`` where no unit has one.
    """

    rooms: int | None
    count: int
    available: int
    area: tuple[Decimal, Decimal] | None
    rent_standard: tuple[Decimal, Decimal] | None
    rent: tuple[Decimal, Decimal] | None
    price_standard: tuple[Decimal, Decimal] | None
    price: tuple[Decimal, Decimal] | None

    @property
    def rooms_text(self) -> str:
        return str(_("%(n)s 室")) % {"n": self.rooms} if self.rooms else str(_("未注明"))


@dataclass
class ProjectUnitSummary(_PriceTexts):
    """What a listing card says of a project's units, merged from its ``UnitType`` rows."""

    types: list[UnitType] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(t.count for t in self.types)

    @property
    def available(self) -> int:
        return sum(t.available for t in self.types)

    def _span(self, name: str) -> tuple[Decimal, Decimal] | None:
        spans = [getattr(t, name) for t in self.types if getattr(t, name) is not None]
        if not spans:
            return None
        return (min(s[0] for s in spans), max(s[1] for s in spans))

    @property
    def area(self):
        return self._span("area")

    @property
    def rent_standard(self):
        return self._span("rent_standard")

    @property
    def rent(self):
        return self._span("rent")

    @property
    def price_standard(self):
        return self._span("price_standard")

    @property
    def price(self):
        return self._span("price")

    @property
    def rooms_text(self) -> str:
        """``1 室 × 40、2 室 × 96`` for the listing card."""
        return "、".join(f"{t.rooms_text} × {t.count}" for t in self.types)


def public_unit_types(*, project_ids) -> dict[int, ProjectUnitSummary]:
    """Units of the given projects grouped by project × 间数, in one GROUP BY query.

    Only counts, ranges and standards leave the database: no unit row, and nothing of its occupant.
    """
    amount = DecimalField(max_digits=24, decimal_places=4)
    rows = (
        _public_units()
        .filter(building__project_id__in=list(project_ids))
        .values("building__project_id", "rooms")
        .annotate(
            n=Count("pk"),
            free=Count("pk", filter=Q(state=UnitState.DELIVERED)),
            area_min=Min("floor_area"),
            area_max=Max("floor_area"),
            rent_std_min=Min("rent_standard"),
            rent_std_max=Max("rent_standard"),
            rent_min=Min(ExpressionWrapper(F("rent_standard") * F("floor_area"), output_field=amount)),
            rent_max=Max(ExpressionWrapper(F("rent_standard") * F("floor_area"), output_field=amount)),
            price_std_min=Min("price_standard"),
            price_std_max=Max("price_standard"),
            price_min=Min(ExpressionWrapper(F("price_standard") * F("floor_area"), output_field=amount)),
            price_max=Max(ExpressionWrapper(F("price_standard") * F("floor_area"), output_field=amount)),
        )
        .order_by("building__project_id", "rooms")
    )
    summaries: dict[int, ProjectUnitSummary] = {pk: ProjectUnitSummary() for pk in project_ids}
    for r in rows:
        summaries.setdefault(r["building__project_id"], ProjectUnitSummary()).types.append(
            UnitType(
                rooms=r["rooms"],
                count=r["n"],
                available=r["free"],
                area=_range(r["area_min"], r["area_max"]),
                rent_standard=_range(r["rent_std_min"], r["rent_std_max"]),
                rent=_range(r["rent_min"], r["rent_max"]),
                price_standard=_range(r["price_std_min"], r["price_std_max"]),
                price=_range(r["price_min"], r["price_max"]),
            )
        )
    for summary in summaries.values():  # 间数 not recorded: last
        summary.types.sort(key=lambda t: (t.rooms is None, t.rooms or 0))
    return summaries


def public_project_buildings(*, project: Project) -> QuerySet[Building]:
    """The project's handed-over buildings with ``unit_total`` and ``available`` (one grouped query)."""
    return (
        Building.objects.filter(project=project, is_handed_over=True)
        .only("pk", "name", "number", "total_floors", "project_id")
        .annotate(
            unit_total=Count("units", filter=~Q(units__state=UnitState.CANCELLED)),
            available=Count("units", filter=Q(units__state=UnitState.DELIVERED)),
        )
        .order_by("number")
    )


def public_project_photos(*, project: Project) -> list[ProjectPhoto]:
    return list(project.photos.only("pk", "caption", "order", "project_id").order_by("order", "pk"))


def public_photo_get(*, pk: int) -> ProjectPhoto:
    """A photo whose project is public; any other id is a 404."""
    photo = (
        ProjectPhoto.objects.filter(pk=pk, project__in=public_projects()).only("image", "thumbnail").first()
    )
    if photo is None:
        raise Http404
    return photo
