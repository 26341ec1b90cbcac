"""Models of 资源配置方案 (A.6.5–A.6.9): demand against supply, plans, invited families and offered units.

A plan (A.6.5) fixes, for one period and one guarantee mode, the families invited (A.6.6) and the
resources offered (A.6.9: units, or subsidy lines for a subsidy mode). Its totals are computed from those
detail rows by the services, never typed in. A support plan (A.6.7) lists the approved support objects
(A.6.8, from the A.3.17/A.3.18 approvals) with their land area and subsidy.
"""

from __future__ import annotations

import django_fsm
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from housing.regions.models import RegionScoped
from projects.models import GuaranteeMode as UnitGuaranteeMode
from rules.models import SupplierType, SupportModeKind

from ..common import PeriodKind, user_fk
from ..models.lottery import Lottery

__all__ = [
    "AllocationMethod",
    "AllocationPlan",
    "AllocationPlanFamily",
    "AllocationPlanResource",
    "AllocationPlanState",
    "FamilyAllocationStatus",
    "PeriodKind",
    "ResourceAllocationStatus",
    "ResourceCategory",
    "SupportAllocationPlan",
    "SupportAllocationPlanObject",
    "SupportAllocationPlanState",
    "SupportObjectStatus",
]

MONEY = {"max_digits": 16, "decimal_places": 2}
AREA = {"max_digits": 14, "decimal_places": 2}


class AllocationMethod(models.TextChoices):
    """配置方式: who of the waiting families is invited."""

    WAITLIST = "waitlist", _("按轮候顺序")
    LOTTERY = "lottery", _("摇号")


class AllocationPlanState(models.TextChoices):
    DRAFT = "draft", _("草拟")
    PUBLISHED = "published", _("已发布")
    COMPLETED = "completed", _("已完成")
    WITHDRAWN = "withdrawn", _("已撤销")


class FamilyAllocationStatus(models.TextChoices):
    """配置状态 of an invited family (A.6.6)."""

    INVITED = "invited", _("已邀请")
    IN_PROGRESS = "in_progress", _("配置中")
    ALLOCATED = "allocated", _("已配置")
    NOT_ALLOCATED = "not_allocated", _("未配置")


class ResourceAllocationStatus(models.TextChoices):
    """配置状态 of an offered resource (A.6.9)."""

    OFFERED = "offered", _("待配置")
    IN_PROGRESS = "in_progress", _("配置中")
    ALLOCATED = "allocated", _("已配置")
    NOT_ALLOCATED = "not_allocated", _("未配置")


class ResourceCategory(models.TextChoices):
    """资源类别 (A.6.9)."""

    HOUSING = "housing", _("住房")
    SUBSIDY = "subsidy", _("补贴资金")


class AllocationPlan(django_fsm.FSMModelMixin, RegionScoped):
    """保障项目资源配置方案 (A.6.5). ``region_code`` is the region whose families and units it covers."""

    # --- the standard's fields (A.6.5), in its order ---
    number = models.CharField(_("方案编号"), max_length=32, unique=True, editable=False)
    mode_code = models.CharField(_("保障方式"), max_length=32)
    project_code = models.CharField(_("保障项目编号"), max_length=32)
    name = models.CharField(_("方案名称"), max_length=100)
    period_kind = models.CharField(_("期别类型"), max_length=8, choices=PeriodKind.choices)
    period = models.CharField(_("方案周期"), max_length=10, help_text=_("月：2026-05；季：2026Q2；年：2026"))
    object_type = models.CharField(_("保障对象类型"), max_length=50, blank=True, default="")
    household_count = models.PositiveIntegerField(_("本期保障总户数"), default=0, editable=False)
    unit_count = models.PositiveIntegerField(_("本期住房分配总套数"), default=0, editable=False)
    total_area = models.DecimalField(_("本期住房分配总面积"), default=0, editable=False, **AREA)
    subsidy_total = models.DecimalField(_("本期补贴总金额"), default=0, editable=False, **MONEY)
    # --- kept beside them ---
    method = models.CharField(
        _("配置方式"), max_length=12, choices=AllocationMethod.choices, default=AllocationMethod.WAITLIST
    )
    unit_guarantee_mode = models.CharField(
        _("房源保障方式"), max_length=32, choices=UnitGuaranteeMode.choices, blank=True, default=""
    )
    household_target = models.PositiveIntegerField(
        _("计划保障户数"),
        null=True,
        blank=True,
        help_text=_("仅摇号方案：本期拟保障的户数（参加摇号的家庭通常多于房源）；不填则等于房源套数。"),
    )
    subsidy_per_household = models.DecimalField(
        _("每户补贴金额"), null=True, blank=True, help_text=_("补贴方式的方案：每户本期补贴（元）"), **MONEY
    )
    subsidy_budget = models.DecimalField(_("补贴预算"), null=True, blank=True, **MONEY)
    invited_count = models.PositiveIntegerField(_("邀请家庭数"), default=0, editable=False)
    description = models.TextField(_("说明"), blank=True, default="")
    state = django_fsm.FSMField(
        _("方案状态"),
        max_length=12,
        choices=AllocationPlanState.choices,
        default=AllocationPlanState.DRAFT,
        protected=True,
    )
    lottery = models.OneToOneField(
        Lottery,
        verbose_name=_("摇号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocation_plan",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = user_fk(_("编制人"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = user_fk(_("发布人"))
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    withdrawn_by = user_fk(_("撤销人"))
    withdraw_reason = models.TextField(_("撤销原因"), blank=True, default="")

    class Meta:
        verbose_name = _("保障项目资源配置方案")
        verbose_name_plural = _("保障项目资源配置方案")
        ordering = ["-pk"]
        indexes = [
            models.Index(
                fields=["region_code"], name="allocation_plan_rgn", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["project_code", "mode_code", "period"], name="allocation_plan_period"),
        ]
        permissions = [("run_allocationplan", _("可以编制、发布、撤销配置方案"))]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("allocation:plans_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state == AllocationPlanState.DRAFT

    @property
    def is_lottery(self) -> bool:
        return self.method == AllocationMethod.LOTTERY

    @django_fsm.transition(
        field=state, source=AllocationPlanState.DRAFT, target=AllocationPlanState.PUBLISHED
    )
    def publish(self) -> None:
        pass

    @django_fsm.transition(
        field=state, source=AllocationPlanState.PUBLISHED, target=AllocationPlanState.COMPLETED
    )
    def complete(self) -> None:
        pass

    @django_fsm.transition(
        field=state,
        source=[AllocationPlanState.DRAFT, AllocationPlanState.PUBLISHED],
        target=AllocationPlanState.WITHDRAWN,
    )
    def withdraw(self) -> None:
        pass


class AllocationPlanFamily(models.Model):
    """保障项目配置方案保障对象明细 (A.6.6): one invited family, in invitation (waitlist) order."""

    registry_entry = models.ForeignKey(
        "admission.RegistryEntry", verbose_name=_("家庭编号"), on_delete=models.PROTECT, related_name="+"
    )
    project_code = models.CharField(_("保障项目编号"), max_length=32)
    mode_code = models.CharField(_("保障方式"), max_length=32)
    plan = models.ForeignKey(
        AllocationPlan, verbose_name=_("方案编号"), on_delete=models.CASCADE, related_name="families"
    )
    status = models.CharField(
        _("配置状态"),
        max_length=16,
        choices=FamilyAllocationStatus.choices,
        default=FamilyAllocationStatus.INVITED,
    )
    allocated_at = models.DateTimeField(_("分配时间"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("邀请顺序"))

    class Meta:
        verbose_name = _("保障项目配置方案保障对象明细")
        verbose_name_plural = _("保障项目配置方案保障对象明细")
        ordering = ["plan", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "registry_entry"], name="allocation_planfamily_once"),
        ]
        indexes = [models.Index(fields=["plan", "sequence"], name="allocation_planfamily_seq")]

    def __str__(self) -> str:
        return f"{self.plan_id}#{self.sequence}"


class AllocationPlanResource(models.Model):
    """资源配置方案明细 (A.6.9): one offered unit, or one subsidy line of a subsidy-mode plan."""

    resource_number = models.CharField(_("资源编号"), max_length=60)
    category = models.CharField(
        _("资源类别"), max_length=12, choices=ResourceCategory.choices, default=ResourceCategory.HOUSING
    )
    plan = models.ForeignKey(
        AllocationPlan, verbose_name=_("方案编号"), on_delete=models.CASCADE, related_name="resources"
    )
    status = models.CharField(
        _("配置状态"),
        max_length=16,
        choices=ResourceAllocationStatus.choices,
        default=ResourceAllocationStatus.OFFERED,
    )
    allocated_on = models.DateField(_("分配日期"), null=True, blank=True)
    unit = models.ForeignKey(
        "projects.Unit",
        verbose_name=_("住房"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    area = models.DecimalField(_("建筑面积"), default=0, **AREA)
    amount = models.DecimalField(_("补贴金额"), default=0, **MONEY)

    class Meta:
        verbose_name = _("资源配置方案明细")
        verbose_name_plural = _("资源配置方案明细")
        ordering = ["plan", "resource_number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "resource_number"], name="allocation_planresource_once"),
        ]

    def __str__(self) -> str:
        return self.resource_number


class SupportAllocationPlanState(models.TextChoices):
    DRAFT = "draft", _("草拟")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤销")


class SupportObjectStatus(models.TextChoices):
    """配置状态 of a support object (A.6.8)."""

    PLANNED = "planned", _("待配置")
    ALLOCATED = "allocated", _("已配置")
    NOT_ALLOCATED = "not_allocated", _("未配置")


class SupportAllocationPlan(django_fsm.FSMModelMixin, RegionScoped):
    """支持项目资源配置方案 (A.6.7): land and subsidies for approved suppliers of affordable housing."""

    number = models.CharField(_("方案编号"), max_length=32, unique=True, editable=False)
    name = models.CharField(_("方案名称"), max_length=100)
    support_project_code = models.CharField(_("支持项目编号"), max_length=32)
    period_kind = models.CharField(_("期别类型"), max_length=8, choices=PeriodKind.choices)
    period = models.CharField(_("方案周期"), max_length=10, help_text=_("月：2026-05；季：2026Q2；年：2026"))
    support_mode = models.CharField(_("支持方式"), max_length=16, choices=SupportModeKind.choices)
    object_type = models.CharField(_("支持对象类型"), max_length=16, choices=SupplierType.choices)
    object_count = models.PositiveIntegerField(_("本期支持对象数量"), default=0, editable=False)
    land_area_total = models.DecimalField(_("本期土地分配总面积"), default=0, editable=False, **AREA)
    subsidy_total = models.DecimalField(_("本期补贴总金额"), default=0, editable=False, **MONEY)
    description = models.TextField(_("说明"), blank=True, default="")
    state = django_fsm.FSMField(
        _("方案状态"),
        max_length=12,
        choices=SupportAllocationPlanState.choices,
        default=SupportAllocationPlanState.DRAFT,
        protected=True,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = user_fk(_("编制人"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = user_fk(_("发布人"))

    class Meta:
        verbose_name = _("支持项目资源配置方案")
        verbose_name_plural = _("支持项目资源配置方案")
        ordering = ["-pk"]
        indexes = [
            models.Index(
                fields=["region_code"], name="allocation_supplan_rgn", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("allocation:plans_support_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state == SupportAllocationPlanState.DRAFT

    @django_fsm.transition(
        field=state, source=SupportAllocationPlanState.DRAFT, target=SupportAllocationPlanState.PUBLISHED
    )
    def publish(self) -> None:
        pass


class SupportAllocationPlanObject(models.Model):
    """支持项目配置方案支持对象明细 (A.6.8): one approved supplier (A.3.17 unit or A.3.18 person)."""

    object_number = models.CharField(_("支持对象编号"), max_length=32)
    support_project_code = models.CharField(_("支持项目编号"), max_length=32)
    support_mode = models.CharField(_("支持方式"), max_length=16, choices=SupportModeKind.choices)
    plan = models.ForeignKey(
        SupportAllocationPlan,
        verbose_name=_("方案编号"),
        on_delete=models.CASCADE,
        related_name="objects_set",
    )
    status = models.CharField(
        _("配置状态"), max_length=16, choices=SupportObjectStatus.choices, default=SupportObjectStatus.PLANNED
    )
    allocated_at = models.DateTimeField(_("分配时间"), null=True, blank=True)
    unit_approval = models.ForeignKey(
        "admission.SupplierUnitApproval",
        verbose_name=_("供给单位审批"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person_approval = models.ForeignKey(
        "admission.SupplierPersonApproval",
        verbose_name=_("供给个人审批"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    object_name = models.CharField(_("支持对象名称"), max_length=100, blank=True, default="")
    land_area = models.DecimalField(_("土地分配面积"), default=0, **AREA)
    amount = models.DecimalField(_("补贴金额"), default=0, **MONEY)

    class Meta:
        verbose_name = _("支持项目配置方案支持对象明细")
        verbose_name_plural = _("支持项目配置方案支持对象明细")
        ordering = ["plan", "object_number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "object_number"], name="allocation_supplanobj_once"),
        ]

    def __str__(self) -> str:
        return f"{self.object_number} {self.object_name}"
