"""Land, projects, buildings (单体工程) and units (住房): CJJ/T 196 A.5.1–A.5.3 and A.5.11."""

from __future__ import annotations

import django_fsm
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from housing.regions.models import RegionScoped

from ._fields import area, choice, count, date, money, text
from .choices import (
    BuildingStatus,
    CompensationMode,
    ConstructionMode,
    FundSource,
    GuaranteeMode,
    IncomeLevel,
    InvestmentKind,
    LandAcquisitionMode,
    ProjectType,
    UnitSource,
    UnitState,
)

# Permissions of the unit lifecycle; the project_officer role holds them (accounts/roles.py).
PERM_HANDOVER = "projects.handover_unit"
PERM_ALLOCATE = "projects.allocate_unit"
PERM_OCCUPY = "projects.occupy_unit"
PERM_REPAIR = "projects.repair_unit"
PERM_CANCEL = "projects.cancel_unit"
PERM_TRANSFER = "projects.transfer_unit"


class LandReserve(RegionScoped):
    """土地储备交换信息 (A.5.11): a plot reserved for housing under the annual plan (§8.2.1-1)."""

    number = models.CharField(_("地块编号"), max_length=40, unique=True)
    name = models.CharField(_("宗地名称"), max_length=200)
    location = text(_("宗地位置"), 300)
    land_area = area(_("土地面积"))
    construction_land_area = area(_("建设用地面积"))
    levy_area = area(_("代征地面积"))
    planned_floor_area = area(_("规划建筑面积"))
    planned_use = choice(_("规划用途"), ProjectType.choices)
    development_level = text(_("开发程度"), 50, help_text=_("如：生地、熟地、三通一平、七通一平"))
    reserved_on = date(_("储备时间"))

    class Meta(RegionScoped.Meta):
        verbose_name = _("土地储备")
        verbose_name_plural = _("土地储备")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.name}（{self.number}）"

    def get_absolute_url(self) -> str:
        return reverse("projects:land_detail", args=[self.pk])


class Project(RegionScoped):
    """项目交换信息 (A.5.1): a housing project in the project library (项目储备库), all 105 fields.

    The standard lists the project's identity, plan, progress statistics (by 房屋/住宅/配套公建 and
    by planned housing type), investment, relocation/resettlement and land supply in one record;
    they are kept here grouped in that order, all optional except the identity.
    ``latitude``/``longitude`` are not in the standard: the map (seed 001) needs them.
    """

    # --- 项目基本信息 ------------------------------------------------------------------------
    number = models.CharField(_("项目编号"), max_length=40, unique=True)
    proposed_name = text(_("项目提出名称"), 200)
    name = models.CharField(_("项目立项名称"), max_length=200)
    project_type = models.CharField(_("项目类别"), max_length=32, choices=ProjectType.choices)
    construction_mode = models.CharField(
        _("建设方式"), max_length=32, choices=ConstructionMode.choices, default=ConstructionMode.NEW_BUILD
    )
    planning_location = text(_("规划区位"), 200)
    shanty_owner_kind = text(_("棚户区区片原归属单位类别"), 50)
    shanty_owner_name = text(_("棚户区区片原归属单位名称"), 200)
    developer = text(_("开发建设单位"), 200)
    address = text(_("项目地址"), 300)
    boundaries = text(_("四至范围"), 300)
    land_area = area(_("占地面积"))
    building_count = count(_("单体个数"))
    land_reserve = models.ForeignKey(
        LandReserve,
        verbose_name=_("储备地块"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)

    # --- 进度时间 ----------------------------------------------------------------------------
    planned_start_date = date(_("计划开工时间"))
    planned_completion_date = date(_("计划竣工时间"))
    actual_start_date = date(_("实际开工时间"))
    actual_completion_date = date(_("实际竣工时间"))

    # --- 竣工移交 ----------------------------------------------------------------------------
    handover_batch_number = text(_("移交批次编号"), 40)
    is_handed_over = models.BooleanField(_("是否已移交"), default=False)
    handed_over_at = date(_("移交时间"))
    handed_over_by = text(_("移交人"), 50)

    # --- 规划计划 ----------------------------------------------------------------------------
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    plan_start_date = date(_("规划起始时间"))
    plan_end_date = date(_("规划终止时间"))
    plan_year_kind = text(_("规划计划年度类别"), 50)
    plan_number = text(_("规划编号"), 40)
    planned_floor_area = area(_("规划建设房屋建筑面积"))
    planned_residential_area = area(_("规划建设住宅建筑面积"))
    planned_units = count(_("规划建设住宅套数"))

    # --- 建设进度：房屋面积 ----------------------------------------------------------------------
    building_started_area = area(_("房屋已开工面积"))
    building_completed_area = area(_("房屋已竣工面积"))
    building_suspended_area = area(_("房屋已停工面积"))
    building_in_progress_area = area(_("房屋在建面积"))
    building_year_started_area = area(_("房屋年度新开工面积"))
    building_year_completed_area = area(_("房屋年度竣工面积"))
    # --- 建设进度：住宅面积 ----------------------------------------------------------------------
    residential_started_area = area(_("住宅已开工面积"))
    residential_completed_area = area(_("住宅已竣工面积"))
    residential_suspended_area = area(_("住宅已停工面积"))
    residential_in_progress_area = area(_("住宅在建面积"))
    residential_year_started_area = area(_("住宅年度新开工面积"))
    residential_year_completed_area = area(_("住宅年度竣工面积"))
    # --- 建设进度：配套公建面积 --------------------------------------------------------------------
    facility_started_area = area(_("配套公建已开工面积"))
    facility_completed_area = area(_("配套公建已竣工面积"))
    facility_suspended_area = area(_("配套公建已停工面积"))
    facility_in_progress_area = area(_("配套公建在建面积"))
    facility_year_started_area = area(_("配套公建年度新开工面积"))
    facility_year_completed_area = area(_("配套公建年度竣工面积"))
    # --- 建设进度：住宅套数 ----------------------------------------------------------------------
    residential_started_units = count(_("住宅已开工套数"))
    residential_completed_units = count(_("住宅已竣工套数"))
    residential_suspended_units = count(_("住宅已停工套数"))
    residential_in_progress_units = count(_("住宅在建套数"))
    residential_year_started_units = count(_("住宅年度新开工套数"))
    residential_year_completed_units = count(_("住宅年度竣工套数"))
    # --- 建设进度：配套公建套数 --------------------------------------------------------------------
    facility_started_units = count(_("配套公建已开工套数"))
    facility_completed_units = count(_("配套公建已竣工套数"))
    facility_suspended_units = count(_("配套公建已停工套数"))
    facility_in_progress_units = count(_("配套公建在建套数"))
    facility_year_started_units = count(_("配套公建年度新开工套数"))
    facility_year_completed_units = count(_("配套公建年度竣工套数"))
    # --- 建设进度：按规划建设房屋类型 ----------------------------------------------------------------
    planned_housing_type = choice(_("规划建设房屋类型"), GuaranteeMode.choices)
    started_area = area(_("已开工面积"))
    completed_area = area(_("已竣工面积"))
    suspended_area = area(_("已停工面积"))
    in_progress_area = area(_("在建面积"))
    year_started_area = area(_("年度新开工面积"))
    year_completed_area = area(_("年度竣工面积"))
    started_units = count(_("已开工套数"))
    completed_units = count(_("已竣工套数"))
    suspended_units = count(_("已停工套数"))
    in_progress_units = count(_("在建套数"))
    year_started_units = count(_("年度新开工套数"))
    year_completed_units = count(_("年度竣工套数"))
    type_planned_start_date = date(_("计划开工日期"))
    type_planned_completion_date = date(_("计划竣工日期"))
    type_actual_start_date = date(_("实际开工日期"))
    type_actual_completion_date = date(_("实际竣工日期"))

    # --- 投资 -------------------------------------------------------------------------------
    total_investment = money(_("建设总投资"))
    residential_investment = money(_("住宅总投资"))
    fund_source = choice(_("资金来源渠道类别"), FundSource.choices)
    investment_kind = choice(_("投资构成类别"), InvestmentKind.choices)
    year_investment = money(_("年度投资量"))

    # --- 拆迁 -------------------------------------------------------------------------------
    relocated_households_total = count(_("拆迁居民总户数"))
    income_level = choice(_("收入层次类别"), IncomeLevel.choices)
    guarantee_mode = choice(_("保障方式类别"), GuaranteeMode.choices)
    relocated_households = count(_("拆迁居民户数"))
    relocated_floor_area_total = area(_("拆迁房屋总面积"))
    relocated_residential_area_total = area(_("拆迁住宅总面积"))
    relocated_units_total = count(_("拆迁住宅总套数"))
    relocated_floor_area = area(_("拆迁房屋面积"))
    relocated_residential_area = area(_("拆迁住宅面积"))
    relocated_units = count(_("拆迁住宅套数"))

    # --- 安置 -------------------------------------------------------------------------------
    resettled_households_total = count(_("安置居民总户数"))
    compensation_mode = choice(_("安置补偿方式类别"), CompensationMode.choices)
    cash_compensation = money(_("货币补偿金额"))
    resettled_households = count(_("安置居民户数"))
    resettled_floor_area_total = area(_("安置房屋总面积"))
    resettled_residential_area_total = area(_("安置住宅总面积"))
    resettled_units_total = count(_("安置住宅总套数"))
    resettled_floor_area = area(_("安置房屋面积"))
    resettled_residential_area = area(_("安置住宅面积"))
    resettled_units = count(_("安置住宅套数"))

    # --- 供地 -------------------------------------------------------------------------------
    land_supplied_total = area(_("供地总面积"))
    land_acquisition_mode = choice(_("土地取得方式"), LandAcquisitionMode.choices)
    land_supplied_area = area(_("供地面积"))

    is_demo = models.BooleanField(_("演示数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("项目历史"), verbose_name_plural=_("项目历史"))

    class Meta(RegionScoped.Meta):
        verbose_name = _("建设项目")
        verbose_name_plural = _("建设项目")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.number}）"

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", args=[self.pk])


class Building(RegionScoped):
    """单体工程信息 (A.5.2): one building of a project; its units make the 楼盘表."""

    number = models.CharField(_("单体工程编号"), max_length=40, unique=True)
    project = models.ForeignKey(
        Project, verbose_name=_("所属项目编号"), on_delete=models.PROTECT, related_name="buildings"
    )
    category = text(_("单体工程类别"), 50)
    name = models.CharField(_("单体工程名称"), max_length=200)
    street = text(_("路街巷"), 100)
    compound_number = text(_("小区/院门牌号"), 100)
    building_number = text(_("楼号"), 20)
    block_number = text(_("幢号"), 20)
    floor_area = area(_("建筑面积"))
    structure = text(_("建筑结构"), 50)
    total_floors = models.PositiveSmallIntegerField(_("总层数"), default=1)
    floors_above = models.PositiveSmallIntegerField(_("地上层数"), null=True, blank=True)
    floors_below = models.PositiveSmallIntegerField(_("地下层数"), null=True, blank=True)
    area_above = area(_("地上面积"))
    area_below = area(_("地下面积"))
    shared_land_area = area(_("共有土地使用权面积"))
    residential_units = count(_("住宅套数"))
    residential_area = area(_("住宅面积"))
    construction_status = models.CharField(
        _("建设状态"), max_length=32, choices=BuildingStatus.choices, default=BuildingStatus.PLANNED
    )
    handover_batch_number = text(_("移交批次编号"), 40)
    is_handed_over = models.BooleanField(_("是否已移交"), default=False)
    handed_over_at = date(_("移交时间"))
    handed_over_by = text(_("移交人"), 50)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    history = HistoricalRecords(verbose_name=_("单体工程历史"), verbose_name_plural=_("单体工程历史"))

    class Meta(RegionScoped.Meta):
        verbose_name = _("单体工程")
        verbose_name_plural = _("单体工程")
        ordering = ["project_id", "number"]

    def __str__(self) -> str:
        return f"{self.name}（{self.number}）"

    def get_absolute_url(self) -> str:
        return reverse("projects:building_detail", args=[self.pk])


class HandoverBatch(RegionScoped):
    """竣工移交批次: completed units enter the housing stock together (§8.2.1-6).

    The batch, not each unit, carries the workflow record (see docs/projects.md): a batch of tens of
    thousands of units is one decision by one person on one date.
    """

    number = models.CharField(_("移交批次编号"), max_length=40, unique=True)
    project = models.ForeignKey(
        Project, verbose_name=_("建设项目"), on_delete=models.PROTECT, related_name="handover_batches"
    )
    handed_over_by = models.CharField(_("移交人"), max_length=50)
    handed_over_on = models.DateField(_("移交时间"))
    unit_count = models.PositiveIntegerField(_("移交套数"), default=0)
    note = models.TextField(_("备注"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta(RegionScoped.Meta):
        verbose_name = _("竣工移交批次")
        verbose_name_plural = _("竣工移交批次")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{_('移交批次')} {self.number}"


class Unit(django_fsm.FSMModelMixin, RegionScoped):
    """住房信息 (A.5.3): one dwelling in the housing stock, whatever its source (一套一档).

    ``region_code`` is the district that manages the unit in the stock; 调剂 (a transfer between
    districts) changes it and leaves a ``UnitTransfer`` row and a history row.
    """

    number = models.CharField(_("房屋编号"), max_length=60, unique=True)
    building = models.ForeignKey(
        Building, verbose_name=_("所属单体工程编号"), on_delete=models.PROTECT, related_name="units"
    )
    source = models.CharField(
        _("房屋来源"), max_length=32, choices=UnitSource.choices, default=UnitSource.NEW_BUILD
    )
    initial_nature = choice(_("初始房屋性质"), GuaranteeMode.choices)
    planned_category = text(_("规划建设房屋分类"), 50)
    start_floor = models.SmallIntegerField(_("所在起始层"))
    end_floor = models.SmallIntegerField(_("所在终止层"), null=True, blank=True)
    nominal_floor = text(_("名义楼层"), 10)
    unit_label = models.CharField(_("单元"), max_length=20, blank=True, default="")
    room_number = models.CharField(_("房号"), max_length=20)
    floor_area = area(_("建筑面积"))
    inner_area = area(_("套内建筑面积"))
    shared_area = area(_("共用分摊面积"))
    balcony_area = area(_("阳台面积"))
    orientation = text(_("朝向"), 20)
    rooms = models.PositiveSmallIntegerField(_("间数"), null=True, blank=True)
    layout = text(_("户型"), 50)
    shared_facilities = text(_("共有或共用设施及部位"), 200)
    storey_height = models.DecimalField(_("层高"), max_digits=4, decimal_places=2, null=True, blank=True)
    decoration = text(_("建成时装修程度"), 50)
    is_registered = models.BooleanField(_("是否已登记"), default=False)
    handover_batch = models.ForeignKey(
        HandoverBatch,
        verbose_name=_("移交批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    handover_batch_number = text(_("移交批次编号"), 40)
    is_handed_over = models.BooleanField(_("是否已移交"), default=False)
    handed_over_at = date(_("移交时间"))
    handed_over_by = text(_("移交人"), 50)

    # --- 房源 (the stock): not in A.5.3, needed by allocation (seed 000/001) ----------------------
    guarantee_mode = models.CharField(
        _("保障方式"), max_length=32, choices=GuaranteeMode.choices, default=GuaranteeMode.PUBLIC_RENTAL
    )
    rent_standard = models.DecimalField(
        _("租金标准（元/平方米·月）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    price_standard = models.DecimalField(
        _("售价标准（元/平方米）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    state = django_fsm.FSMField(
        _("房屋交付状态"),
        max_length=16,
        choices=UnitState.choices,
        default=UnitState.UNDELIVERED,
        protected=True,
    )
    occupant_name = text(_("入住人"), 50)
    is_demo = models.BooleanField(_("演示数据"), default=False)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("住房历史"), verbose_name_plural=_("住房历史"))

    class Meta(RegionScoped.Meta):
        verbose_name = _("住房")
        verbose_name_plural = _("住房")
        ordering = ["building_id", "-start_floor", "unit_label", "room_number"]
        constraints = [
            # The import's natural key: the same file imported twice updates, never duplicates.
            models.UniqueConstraint(
                fields=["building", "unit_label", "room_number"], name="projects_unit_natural_key"
            )
        ]
        indexes = [
            *RegionScoped.Meta.indexes,
            models.Index(fields=["building", "state"], name="projects_unit_bldg_state"),
        ]
        permissions = [
            ("handover_unit", _("可以办理竣工移交")),
            ("allocate_unit", _("可以配给住房")),
            ("occupy_unit", _("可以登记入住与腾退")),
            ("repair_unit", _("可以登记维修")),
            ("cancel_unit", _("可以注销住房")),
            ("transfer_unit", _("可以调剂与变更住房")),
        ]

    def __str__(self) -> str:
        label = f"{self.unit_label}单元" if self.unit_label else ""
        return f"{label}{self.room_number}（{self.number}）"

    def get_absolute_url(self) -> str:
        return reverse("projects:unit_detail", args=[self.pk])

    def clean_fields(self, exclude=None):
        # Cleaning re-assigns every field, which the protected FSM field refuses; the state is
        # only ever set by a transition or the handover batch, so it needs no cleaning here.
        super().clean_fields(exclude={*(exclude or ()), "state"})

    @property
    def is_allocatable(self) -> bool:
        """可配给: only a handed-over, vacant unit goes to allocation."""
        return self.state == UnitState.DELIVERED

    # --- lifecycle (django-fsm-2). 未交付 → 已交付 happens only in a handover batch (services). ----
    @django_fsm.transition(
        field=state, source=UnitState.DELIVERED, target=UnitState.ALLOCATED, permission=PERM_ALLOCATE
    )
    def allocate(self, *, actor=None, opinion: str = "") -> None:
        """配给: the unit is given to a household (the allocation subsystem calls this)."""

    @django_fsm.transition(
        field=state, source=UnitState.ALLOCATED, target=UnitState.DELIVERED, permission=PERM_ALLOCATE
    )
    def release(self, *, actor=None, opinion: str = "") -> None:
        """取消配给: the household declined or the allocation was revoked; back to allocatable."""

    @django_fsm.transition(
        field=state, source=UnitState.ALLOCATED, target=UnitState.OCCUPIED, permission=PERM_OCCUPY
    )
    def move_in(self, *, actor=None, opinion: str = "") -> None:
        """入住."""

    @django_fsm.transition(
        field=state, source=UnitState.OCCUPIED, target=UnitState.DELIVERED, permission=PERM_OCCUPY
    )
    def vacate(self, *, actor=None, opinion: str = "") -> None:
        """腾退: the household left; the unit is allocatable again."""
        self.occupant_name = ""

    @django_fsm.transition(
        field=state,
        source=[UnitState.ALLOCATED, UnitState.OCCUPIED],
        target=UnitState.DELIVERED,
        permission=PERM_ALLOCATE,
    )
    def take_back(self, *, actor=None, opinion: str = "") -> None:
        """收回入库: a sold 经适房 bought back by the government or returned (已配售房源退回, A.8.1).

        Only allocation's resale services take it (not offered on the unit page): the sale contract and
        the A.8.1 row are written in the same transaction.
        """
        self.occupant_name = ""

    @django_fsm.transition(
        field=state,
        source=[UnitState.ALLOCATED, UnitState.OCCUPIED],
        target=UnitState.CANCELLED,
        permission=PERM_ALLOCATE,
    )
    def sell_off(self, *, actor=None, opinion: str = "") -> None:
        """上市交易: a 经适房 resold on the market after 5 years is ordinary housing now and leaves the
        guaranteed stock (注销; the row stays, DESIGN §4 rule 7). Only allocation's resale services take it."""
        self.occupant_name = ""

    @django_fsm.transition(
        field=state,
        source=[UnitState.DELIVERED, UnitState.OCCUPIED],
        target=UnitState.REPAIRING,
        permission=PERM_REPAIR,
    )
    def start_repair(self, *, actor=None, opinion: str = "") -> None:
        """维修: an occupied unit under repair is vacated first by the household's move."""
        self.occupant_name = ""

    @django_fsm.transition(
        field=state, source=UnitState.REPAIRING, target=UnitState.DELIVERED, permission=PERM_REPAIR
    )
    def finish_repair(self, *, actor=None, opinion: str = "") -> None:
        """维修完成."""

    @django_fsm.transition(
        field=state,
        source=[UnitState.UNDELIVERED, UnitState.DELIVERED, UnitState.REPAIRING],
        target=UnitState.CANCELLED,
        permission=PERM_CANCEL,
    )
    def cancel(self, *, actor=None, opinion: str = "") -> None:
        """注销: demolished, sold or returned to its owner; the row stays (DESIGN §4 rule 7)."""


class UnitTransfer(RegionScoped):
    """调剂: a unit moved from one district's stock to another's. ``region_code`` is the receiver."""

    unit = models.ForeignKey(Unit, verbose_name=_("住房"), on_delete=models.PROTECT, related_name="transfers")
    from_region_code = models.CharField(_("调出区划"), max_length=12)
    reason = models.TextField(_("调剂理由"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("调剂时间"), auto_now_add=True)

    class Meta(RegionScoped.Meta):
        verbose_name = _("住房调剂")
        verbose_name_plural = _("住房调剂")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.unit.number} {self.from_region_code} → {self.region_code}"


class UnitChange(RegionScoped):
    """变更: a change of a unit's stock facts (保障方式, 租金标准, 面积 …) with its reason."""

    unit = models.ForeignKey(Unit, verbose_name=_("住房"), on_delete=models.PROTECT, related_name="changes")
    changes = models.JSONField(_("变更内容"), default=dict)
    reason = models.TextField(_("变更理由"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("变更时间"), auto_now_add=True)

    class Meta(RegionScoped.Meta):
        verbose_name = _("住房变更")
        verbose_name_plural = _("住房变更")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.unit.number} {_('变更')}"
