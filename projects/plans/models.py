"""规划计划 (CJJ/T 196 §12, Appendix A.9): housing plans and their indicators, annual plans with
their lifecycle, the annual project reserve, subsidy standards, 以奖代补 factors and the central and
provincial subsidy allocations.

Every table here is region-owned (DESIGN §4 rule 2): a district sees its own rows, the city all.
Indicator rows hang off a plan and are scoped through ``plan__region_code``.
"""

from __future__ import annotations

from decimal import Decimal

import django_fsm
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from housing.regions.codes import scope_prefix
from housing.regions.models import RegionScoped
from housing.workflow.fsm import records_workflow

PROCESS_CODE = "annual_plan"
SUBMIT_PERMISSION = "plans.submit_annualplan"
APPROVE_PERMISSION = "plans.approve_annualplan"

NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


def _money(verbose_name, *, help_text: str = "", null: bool = True):
    """万元 figures of plans and statistics (A.9.3/A.9.4 report in ten-thousand yuan)."""
    return models.DecimalField(
        verbose_name,
        max_digits=16,
        decimal_places=2,
        null=null,
        blank=null,
        validators=NON_NEGATIVE,
        help_text=help_text or _("万元"),
        **({} if null else {"default": Decimal("0")}),
    )


def _area(verbose_name, *, help_text: str = "", null: bool = True):
    """Areas in 万平方米 for plan statistics, m² for projects: the unit is in the help text."""
    return models.DecimalField(
        verbose_name,
        max_digits=16,
        decimal_places=2,
        null=null,
        blank=null,
        validators=NON_NEGATIVE,
        help_text=help_text or _("万平方米"),
        **({} if null else {"default": Decimal("0")}),
    )


def _count(verbose_name, *, help_text: str = "", null: bool = True):
    return models.PositiveIntegerField(
        verbose_name,
        null=null,
        blank=null,
        help_text=help_text or _("套"),
        **({} if null else {"default": 0}),
    )


def _within(code: str, ancestor: str) -> bool:
    """Is ``code`` the region ``ancestor`` or one under it? (False for malformed codes.)"""
    try:
        return code.startswith(scope_prefix(ancestor))
    except ValidationError:
        return False


# --- A.9.1 住房建设规划 ---------------------------------------------------------------------------


class PlanPeriodKind(models.TextChoices):
    """规划期限类别"""

    FIVE_YEAR = "five_year", _("五年规划")
    MEDIUM_LONG = "medium_long", _("中长期规划")
    THREE_YEAR = "three_year", _("三年规划")
    ANNUAL = "annual", _("年度规划")


class PlanLevel(models.TextChoices):
    """规划级别分类"""

    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    DISTRICT = "district", _("区县级")


class PlanComposition(models.TextChoices):
    """规划组成分类 (§12.2.1-1: 总体规划、专项规划、子规划)"""

    OVERALL = "overall", _("总体规划")
    SPECIAL = "special", _("专项规划")
    SUB = "sub", _("子规划")


class HousingPlan(RegionScoped):
    """A.9.1 住房建设规划."""

    number = models.CharField(_("规划编号"), max_length=32, unique=True)
    name = models.CharField(_("规划名称"), max_length=200)
    period_kind = models.CharField(
        _("规划期限类别"), max_length=16, choices=PlanPeriodKind.choices, default=PlanPeriodKind.FIVE_YEAR
    )
    level = models.CharField(
        _("规划级别分类"), max_length=16, choices=PlanLevel.choices, default=PlanLevel.CITY
    )
    composition = models.CharField(
        _("规划组成分类"), max_length=16, choices=PlanComposition.choices, default=PlanComposition.OVERALL
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("父级规划编号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    start_year = models.PositiveSmallIntegerField(_("起始时间"), help_text=_("规划期起始年份"))
    end_year = models.PositiveSmallIntegerField(_("终止时间"), help_text=_("规划期终止年份"))
    plan_year = models.PositiveSmallIntegerField(_("规划年度"), help_text=_("规划编制（批准）年度"))
    is_active = models.BooleanField(_("是否启用"), default=True)
    summary = models.TextField(_("规划文本摘要"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("住房建设规划历史"), verbose_name_plural=_("住房建设规划历史"))

    class Meta(RegionScoped.Meta):
        verbose_name = _("住房建设规划")
        verbose_name_plural = _("住房建设规划")
        ordering = ["-start_year", "number"]

    def __str__(self) -> str:
        return f"{self.name}（{self.start_year}—{self.end_year}）"

    def get_absolute_url(self) -> str:
        return reverse("plans:plan_detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        return f"{self.start_year}—{self.end_year}"

    def clean(self) -> None:
        errors = {}
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = _("终止时间不能早于起始时间。")
        if self.composition == PlanComposition.SUB and self.parent_id is None:
            errors["parent"] = _("子规划必须指定父级规划。")
        if self.parent_id is not None:
            parent = self.parent
            if self.pk and parent.pk == self.pk:
                errors["parent"] = _("父级规划不能是本规划。")
            elif (
                self.start_year
                and self.end_year
                and (self.start_year < parent.start_year or self.end_year > parent.end_year)
            ):
                # A sub-plan refines its parent: its period must lie inside the parent's.
                errors["parent"] = _("规划期限应在父级规划期限（%(period)s）之内。") % {
                    "period": parent.period_label
                }
            elif self.region_code and not _within(self.region_code, parent.region_code):
                errors["parent"] = _("父级规划应属于本规划所在区划或其上级区划。")
        if errors:
            raise ValidationError(errors)


# --- A.9.2 保障户数规划指标 --------------------------------------------------------------------------


class GuaranteeProject(models.TextChoices):
    """保障项目"""

    LOW_RENT = "low_rent", _("廉租住房")
    PUBLIC_RENTAL = "public_rental", _("公共租赁住房")
    AFFORDABLE = "affordable", _("经济适用住房")
    PRICE_CAPPED = "price_capped", _("限价商品住房")
    TALENT = "talent", _("人才住房")
    SHANTYTOWN = "shantytown", _("棚户区改造")


class GuaranteeMode(models.TextChoices):
    """保障方式"""

    RENTAL_IN_KIND = "rental_in_kind", _("实物配租")
    RENT_SUBSIDY = "rent_subsidy", _("租赁补贴")
    SALE_IN_KIND = "sale_in_kind", _("实物配售")
    RESETTLEMENT = "resettlement", _("安置")


class IncomeLevel(models.TextChoices):
    """收入层次"""

    LOWEST = "lowest", _("最低收入")
    LOW = "low", _("低收入")
    LOWER_MIDDLE = "lower_middle", _("中等偏下收入")
    MIDDLE = "middle", _("中等收入")
    NEW_EMPLOYEE = "new_employee", _("新就业无房职工")
    MIGRANT = "migrant", _("外来务工人员")


class PlanHouseholdTarget(models.Model):
    """A.9.2 保障户数规划指标: households to cover by project, mode and income level."""

    plan = models.ForeignKey(
        HousingPlan, verbose_name=_("规划编号"), on_delete=models.CASCADE, related_name="household_targets"
    )
    guarantee_project = models.CharField(_("保障项目"), max_length=16, choices=GuaranteeProject.choices)
    guarantee_mode = models.CharField(_("保障方式"), max_length=16, choices=GuaranteeMode.choices)
    income_level = models.CharField(_("收入层次"), max_length=16, choices=IncomeLevel.choices)
    households = models.PositiveIntegerField(_("保障户数"), help_text=_("户"))

    class Meta:
        verbose_name = _("保障户数规划指标")
        verbose_name_plural = _("保障户数规划指标")
        ordering = ["plan", "guarantee_project", "guarantee_mode", "income_level"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "guarantee_project", "guarantee_mode", "income_level"],
                name="plans_household_target_unique",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_guarantee_project_display()}·{self.get_guarantee_mode_display()}·"
            f"{self.get_income_level_display()}：{self.households}户"
        )

    @property
    def record_number(self) -> str:
        """记录编号"""
        return f"HT{self.pk:08d}" if self.pk else ""


# --- A.9.3 住房保障规划宏观指标 ----------------------------------------------------------------------


class PlanMacroIndicator(models.Model):
    """A.9.3 住房保障规划宏观指标: the city's economy and housing market the plan is sized against."""

    plan = models.OneToOneField(
        HousingPlan, verbose_name=_("规划编号"), on_delete=models.CASCADE, related_name="macro_indicator"
    )
    urban_disposable_income_per_capita = _money(_("城镇人均可支配收入"), help_text=_("元/人·年"))
    market_average_rent = _money(_("市场平均租金"), help_text=_("元/平方米·月"))
    urban_population = _count(_("城镇人口"), help_text=_("人"))
    urban_household_size = models.DecimalField(
        _("城镇户均家庭人数"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text=_("人/户"),
    )
    urban_registered_population = _count(_("城镇户籍人口数"), help_text=_("人"))
    urban_residential_under_construction_area = _area(_("城镇施工住宅房屋建筑面积"))
    urban_residential_under_construction_units = _count(_("城镇施工住宅套数"))
    urban_residential_new_start_area = _area(_("城镇新开工住宅房屋建筑面积"))
    urban_residential_new_start_units = _count(_("城镇新开工住宅套数"))
    urban_residential_completed_area = _area(_("城镇竣工住宅建筑面积"))
    urban_residential_completed_units = _count(_("城镇竣工住宅套数"))
    urban_residential_investment = _money(_("城镇住宅建设完成投资"))
    urban_residential_land_supply = _area(_("城镇住宅建设土地供应面积"), help_text=_("公顷"))
    developer_under_construction_area = _area(_("房地产开发施工住宅建筑面积"))
    developer_under_construction_units = _count(_("房地产开发施工住宅套数"))
    developer_new_start_area = _area(_("房地产开发新开工住宅建筑面积"))
    developer_new_start_units = _count(_("房地产开发新开工住宅套数"))
    developer_completed_area = _area(_("房地产开发竣工住宅建筑面积"))
    developer_completed_units = _count(_("房地产开发竣工住宅套数"))
    developer_investment = _money(_("房地产开发住宅建设完成投资"))
    developer_land_supply = _area(_("房地产开发住宅建设土地供应面积"), help_text=_("公顷"))
    fixed_asset_investment = _money(_("全社会固定资产投资"))
    fiscal_revenue = _money(_("财政收入"))
    fiscal_general_budget_revenue = _money(_("财政一般预算收入"))
    fiscal_expenditure = _money(_("财政支出"))
    fiscal_general_budget_expenditure = _money(_("财政一般预算支出"))

    class Meta:
        verbose_name = _("住房保障规划宏观指标")
        verbose_name_plural = _("住房保障规划宏观指标")

    def __str__(self) -> str:
        return f"{self.plan.name}·{_('宏观指标')}"

    @property
    def record_number(self) -> str:
        """记录编号"""
        return f"MI{self.pk:08d}" if self.pk else ""

    @classmethod
    def indicator_fields(cls) -> list[models.Field]:
        """The 26 figures of A.9.3 in the standard's order (记录编号 and 规划编号 excluded)."""
        return [f for f in cls._meta.concrete_fields if f.name not in ("id", "plan")]


# --- 年度计划 (§12.2.2) ------------------------------------------------------------------------------


class AnnualPlanState(models.TextChoices):
    DRAFT = "draft", _("编制中")
    SUBMITTED = "submitted", _("已上报")
    APPROVED = "approved", _("已审批")
    ISSUED = "issued", _("已下达")


class AnnualPlan(django_fsm.FSMModelMixin, RegionScoped):
    """年度计划: a district's yearly construction and guarantee targets, 逐级申报、逐级审批下达.

    The district drafts and submits (上报); the city approves (审批) and issues (下达) it, or returns
    it for revision (退回) with an opinion. Every transition writes a node of the ``annual_plan``
    workflow process, so the next handler finds the plan in their 我的待办.
    """

    number = models.CharField(_("计划编号"), max_length=32, unique=True)
    name = models.CharField(_("计划名称"), max_length=200)
    plan = models.ForeignKey(
        HousingPlan,
        verbose_name=_("规划编号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="annual_plans",
        help_text=_("本年度计划所落实的住房建设规划。"),
    )
    year = models.PositiveSmallIntegerField(_("计划年度"))
    new_start_units = _count(_("新开工住宅套数"), null=False)
    new_start_area = _area(_("新开工住宅建筑面积"), null=False, help_text=_("平方米"))
    completed_units = _count(_("竣工住宅套数"), null=False)
    completed_area = _area(_("竣工住宅建筑面积"), null=False, help_text=_("平方米"))
    rent_subsidy_households = _count(_("发放租赁补贴户数"), null=False, help_text=_("户"))
    allocation_households = _count(_("分配入住户数"), null=False, help_text=_("户"))
    land_supply_area = _area(_("土地供应面积"), null=False, help_text=_("公顷"))
    planned_investment = _money(_("计划完成投资"), null=False)
    remarks = models.TextField(_("编制说明"), blank=True)
    state = django_fsm.FSMField(
        _("状态"),
        max_length=16,
        choices=AnnualPlanState.choices,
        default=AnnualPlanState.DRAFT,
        protected=True,
    )
    last_opinion = models.TextField(_("最近办理意见"), blank=True)
    submitted_at = models.DateTimeField(_("上报时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    issued_at = models.DateTimeField(_("下达时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("编制人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    history = HistoricalRecords(
        verbose_name=_("年度计划历史"), verbose_name_plural=_("年度计划历史"), excluded_fields=["state"]
    )

    class Meta(RegionScoped.Meta):
        verbose_name = _("年度计划")
        verbose_name_plural = _("年度计划")
        ordering = ["-year", "region_code"]
        constraints = [
            # One annual plan per region and year: a re-submission revises the same plan.
            models.UniqueConstraint(fields=["region_code", "year"], name="plans_annual_plan_region_year")
        ]
        permissions = [
            ("submit_annualplan", _("可以上报本区年度计划")),
            ("approve_annualplan", _("可以审批、下达、退回年度计划")),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("plans:annual_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state == AnnualPlanState.DRAFT

    # Transitions: called only by services (which check permission and save); each records its
    # workflow node through ``records_workflow``. Nobody assigns ``state`` directly.
    @records_workflow(PROCESS_CODE, next_node="city_review")
    @django_fsm.transition(
        field=state,
        source=AnnualPlanState.DRAFT,
        target=AnnualPlanState.SUBMITTED,
        permission=SUBMIT_PERMISSION,
    )
    def submit(self, *, actor, opinion: str = "") -> None:
        """上报"""

    @records_workflow(PROCESS_CODE, next_node="issue")
    @django_fsm.transition(
        field=state,
        source=AnnualPlanState.SUBMITTED,
        target=AnnualPlanState.APPROVED,
        permission=APPROVE_PERMISSION,
    )
    def approve(self, *, actor, opinion: str = "") -> None:
        """审批通过"""

    @records_workflow(PROCESS_CODE, next_node="issued")
    @django_fsm.transition(
        field=state,
        source=AnnualPlanState.APPROVED,
        target=AnnualPlanState.ISSUED,
        permission=APPROVE_PERMISSION,
    )
    def issue(self, *, actor, opinion: str = "") -> None:
        """下达"""

    @records_workflow(PROCESS_CODE, next_node="draft")
    @django_fsm.transition(
        field=state,
        source=[AnnualPlanState.SUBMITTED, AnnualPlanState.APPROVED],
        target=AnnualPlanState.DRAFT,
        permission=APPROVE_PERMISSION,
    )
    def return_for_revision(self, *, actor, opinion: str = "") -> None:
        """退回修改"""


TRANSITION_LABELS = {
    "submit": _("上报"),
    "approve": _("审批通过"),
    "issue": _("下达"),
    "return_for_revision": _("退回修改"),
}


# --- A.9.4 年度计划建设项目储备 -----------------------------------------------------------------------


class AnnualProjectReserve(RegionScoped):
    """A.9.4 年度计划建设项目储备: a project of the library chosen into a district's annual plan.

    项目类别, 建设方式, 项目编号 and 名称 are copied from the project when it is chosen, so the
    plan as issued keeps what it said even if the project library changes later. Areas in m²,
    investment in 万元 (the annual plan's unit).
    """

    plan = models.ForeignKey(
        HousingPlan,
        verbose_name=_("规划编号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reserve_items",
    )
    annual_plan = models.ForeignKey(
        AnnualPlan, verbose_name=_("计划编号"), on_delete=models.CASCADE, related_name="reserve_items"
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目编号"), on_delete=models.PROTECT, related_name="+"
    )
    project_type = models.CharField(_("项目类别"), max_length=32, blank=True)
    construction_mode = models.CharField(_("项目建设方式"), max_length=32, blank=True)
    project_number = models.CharField(_("项目编号"), max_length=40)
    project_name = models.CharField(_("建设项目名称"), max_length=200)
    construction_floor_area = _area(_("施工房屋建筑面积"), help_text=_("平方米"))
    construction_residential_area = _area(_("施工住宅建筑面积"), help_text=_("平方米"))
    construction_units = _count(_("施工住宅套数"))
    new_start_floor_area = _area(_("新开工房屋建筑面积"), help_text=_("平方米"))
    new_start_residential_area = _area(_("新开工住宅建筑面积"), help_text=_("平方米"))
    new_start_units = _count(_("新开工住宅套数"))
    completed_floor_area = _area(_("竣工房屋建筑面积"), help_text=_("平方米"))
    completed_residential_area = _area(_("竣工住宅建筑面积"), help_text=_("平方米"))
    completed_units = _count(_("竣工住宅套数"))
    land_supply_area = _area(_("土地供应面积"), help_text=_("平方米"))
    investment = _money(_("完成投资"))

    class Meta(RegionScoped.Meta):
        verbose_name = _("年度计划建设项目储备")
        verbose_name_plural = _("年度计划建设项目储备")
        ordering = ["annual_plan", "project_number"]
        constraints = [
            models.UniqueConstraint(fields=["annual_plan", "project"], name="plans_reserve_plan_project")
        ]

    def __str__(self) -> str:
        return f"{self.project_number} {self.project_name}"

    @property
    def record_number(self) -> str:
        """记录编号"""
        return f"XM{self.pk:08d}" if self.pk else ""


# --- A.9.5 补助标准 --------------------------------------------------------------------------------


class SubsidyMethod(models.TextChoices):
    """补助方式"""

    PER_UNIT = "per_unit", _("按套补助")
    PER_AREA = "per_area", _("按面积补助")
    PER_HOUSEHOLD = "per_household", _("按户补助")
    REWARD = "reward", _("以奖代补")


class SubsidyStandard(RegionScoped):
    """A.9.5 补助标准."""

    number = models.CharField(_("补助标准编号"), max_length=32, unique=True)
    name = models.CharField(_("标准名称"), max_length=100)
    method = models.CharField(_("补助方式"), max_length=16, choices=SubsidyMethod.choices)
    value = models.DecimalField(
        _("标准值"),
        max_digits=14,
        decimal_places=2,
        validators=NON_NEGATIVE,
        help_text=_("元/套、元/平方米或元/户，按补助方式"),
    )
    year = models.PositiveSmallIntegerField(_("适用年度"), null=True, blank=True)
    is_active = models.BooleanField(_("是否启用"), default=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("补助标准历史"), verbose_name_plural=_("补助标准历史"))

    class Meta(RegionScoped.Meta):
        verbose_name = _("补助标准")
        verbose_name_plural = _("补助标准")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.name}（{self.number}）"

    def get_absolute_url(self) -> str:
        return reverse("plans:standard_edit", args=[self.pk])


# --- A.9.6 以奖代补因素值 -----------------------------------------------------------------------------


FORMULA_HELP = _("可用变量：x（因素统计量）；可用运算：+ - * / ( )、min、max、round。例如：x * 0.3")


class RewardFactor(RegionScoped):
    """A.9.6 以奖代补因素值: one factor of the reward-instead-of-subsidy allocation and its formula."""

    code = models.CharField(_("因素编号"), max_length=32, unique=True)
    name = models.CharField(_("因素名称"), max_length=100)
    statistic = models.DecimalField(_("因素统计量"), max_digits=16, decimal_places=4)
    formula = models.CharField(_("公式"), max_length=500, help_text=FORMULA_HELP)
    year = models.PositiveSmallIntegerField(_("适用年度"), null=True, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    history = HistoricalRecords(
        verbose_name=_("以奖代补因素值历史"), verbose_name_plural=_("以奖代补因素值历史")
    )

    class Meta(RegionScoped.Meta):
        verbose_name = _("以奖代补因素值")
        verbose_name_plural = _("以奖代补因素值")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self) -> str:
        return reverse("plans:factor_edit", args=[self.pk])

    def evaluate(self) -> Decimal:
        """The factor's score: the formula applied to the statistic, in Decimal, rounded half-up."""
        from .formula import formula_evaluate

        return formula_evaluate(self.formula, x=self.statistic)

    def clean(self) -> None:
        from .formula import FormulaError, formula_evaluate

        if self.formula and self.statistic is not None:
            try:
                formula_evaluate(self.formula, x=self.statistic)
            except FormulaError as exc:
                raise ValidationError({"formula": str(exc)}) from exc


# --- A.9.7 中央省级补助资金分配交换信息 -----------------------------------------------------------------


class SubsidyTier(models.TextChoices):
    """补助层级"""

    CENTRAL = "central", _("中央")
    PROVINCIAL = "provincial", _("省级")


class SubsidyPurpose(models.TextChoices):
    """资金用途"""

    PUBLIC_RENTAL = "public_rental", _("公共租赁住房建设")
    SHANTYTOWN = "shantytown", _("棚户区改造")
    RENT_SUBSIDY = "rent_subsidy", _("租赁补贴")
    INFRASTRUCTURE = "infrastructure", _("配套基础设施")
    OLD_ESTATE = "old_estate", _("老旧小区改造")


class SubsidyAllocation(RegionScoped):
    """A.9.7 中央省级补助资金分配交换信息."""

    number = models.CharField(_("资金分配编号"), max_length=32, unique=True)
    project_name = models.CharField(_("建设项目名称"), max_length=200)
    purpose = models.CharField(_("资金用途"), max_length=16, choices=SubsidyPurpose.choices)
    standard_value = models.DecimalField(
        _("补助标准"), max_digits=14, decimal_places=2, validators=NON_NEGATIVE, help_text=_("元")
    )
    units = models.PositiveIntegerField(_("补助套数"), default=0)
    area = models.DecimalField(
        _("补助面积"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=NON_NEGATIVE,
        help_text=_("平方米"),
    )
    amount = models.DecimalField(
        _("补助金额"), max_digits=16, decimal_places=2, validators=NON_NEGATIVE, help_text=_("元")
    )
    households = models.PositiveIntegerField(_("补助户数"), default=0)
    year = models.PositiveSmallIntegerField(_("补助年度"))
    tier = models.CharField(_("补助层级"), max_length=16, choices=SubsidyTier.choices)
    received_on = models.DateField(_("到位时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    history = HistoricalRecords(
        verbose_name=_("中央省级补助资金分配历史"), verbose_name_plural=_("中央省级补助资金分配历史")
    )

    class Meta(RegionScoped.Meta):
        verbose_name = _("中央省级补助资金分配交换信息")
        verbose_name_plural = _("中央省级补助资金分配交换信息")
        ordering = ["-year", "number"]

    def __str__(self) -> str:
        return f"{self.number} {self.project_name}"

    def get_absolute_url(self) -> str:
        return reverse("plans:allocation_edit", args=[self.pk])
