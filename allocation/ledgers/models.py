"""Models of 资源台账 (A.6.1–A.6.4) and the support side's payment plans and land supply (A.7.7–A.7.8).

Movements (收支明细, A.6.2/A.6.4) are derived from the records that own the facts (units handed over
or cancelled, families entering or leaving guarantee, subsidy money, land supplied, payment plans);
ledgers (台账, A.6.1/A.6.3) are computed from the movements. Nobody types a balance.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from housing.regions.models import RegionScoped
from projects.models.choices import LandAcquisitionMode

from ..common import PeriodKind, user_fk

__all__ = [
    "Direction",
    "GuaranteeLedger",
    "GuaranteeMovement",
    "LandSupplyRecord",
    "LedgerClass",
    "PeriodKind",
    "ResourceCategory",
    "SupportClass",
    "SupportLedger",
    "SupportMovement",
    "SupportPaymentPlan",
    "SupplierKind",
]

NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


def _money(label, **kwargs):
    return models.DecimalField(label, max_digits=16, decimal_places=2, default=Decimal("0"), **kwargs)


def _area(label, **kwargs):
    return models.DecimalField(label, max_digits=14, decimal_places=2, default=Decimal("0"), **kwargs)


def _rgn(name: str) -> models.Index:
    # RegionScoped's prefix index under a short name (index names stop at 30 characters).
    return models.Index(fields=["region_code"], name=name, opclasses=["varchar_pattern_ops"])


class LedgerClass(models.TextChoices):
    """台账分类 of the guarantee ledgers: one ledger per guarantee project (保障项目)."""

    LOW_RENT = "low_rent", _("廉租住房")
    PUBLIC_RENTAL = "public_rental", _("公共租赁住房")
    AFFORDABLE = "affordable", _("经济适用住房")
    PRICE_CAPPED = "price_capped", _("限价商品住房")
    TALENT = "talent", _("人才住房")
    SHARED_OWNERSHIP = "shared_ownership", _("共有产权住房")
    SHANTYTOWN = "shantytown", _("棚户区改造")
    OTHER = "other", _("其他")


class SupportClass(models.TextChoices):
    """台账分类 of the support ledgers (支持项目): land supplied and money planned for suppliers."""

    LAND = "land", _("土地供应")
    FUNDS = "funds", _("支持对象资金")


class ResourceCategory(models.TextChoices):
    """资源类别 of a movement."""

    MONEY = "money", _("资金")
    HOUSING = "housing", _("住房")
    HOUSEHOLD = "household", _("保障对象")
    LAND = "land", _("土地")


class Direction(models.TextChoices):
    """收支类型: 收入 adds to the ledger's balance, 支出 takes from it."""

    INCOME = "income", _("收入")
    EXPENSE = "expense", _("支出")


class _Movement(RegionScoped):
    """The fields A.6.2 and A.6.4 share, plus where the movement came from (idempotent recording)."""

    number = models.CharField(_("明细账编号"), max_length=40, unique=True)
    batch_number = models.CharField(_("交接批次编号"), max_length=40, blank=True, default="")
    resource_category = models.CharField(_("资源类别"), max_length=16, choices=ResourceCategory.choices)
    direction = models.CharField(_("收支类型"), max_length=8, choices=Direction.choices)
    amount = _money(_("金额"), help_text=_("元"))
    received_on = models.DateField(_("接收日期"))
    handed_over_by = models.CharField(_("移交人"), max_length=50, blank=True, default="")
    received_by = models.CharField(_("接收人"), max_length=50, blank=True, default="")
    # Not in the standard: which record this movement was derived from. The pair is unique, so a
    # source synced twice records its movement once (DESIGN §4 rule 6).
    source_kind = models.CharField(_("来源类别"), max_length=32)
    source_key = models.CharField(_("来源记录"), max_length=64)
    recorded_at = models.DateTimeField(_("记账时间"), auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def sign(self) -> int:
        return 1 if self.direction == Direction.INCOME else -1


class GuaranteeMovement(_Movement):
    """A.6.2 保障项目台账收支明细交换: one movement of money, units, area, households or persons."""

    ledger_class = models.CharField(_("台账分类"), max_length=32, choices=LedgerClass.choices)
    households = models.IntegerField(_("保障户数"), default=0)
    persons = models.IntegerField(_("保障人数"), default=0)
    units = models.IntegerField(_("套数"), default=0)
    floor_area = _area(_("建筑面积"), help_text=_("平方米"))

    class Meta:
        verbose_name = _("保障项目台账收支明细")
        verbose_name_plural = _("保障项目台账收支明细")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["source_kind", "source_key"], name="ledgers_gmove_source_uniq")
        ]
        indexes = [
            _rgn("ledgers_gmove_rgn"),
            models.Index(fields=["received_on"], name="ledgers_gmove_date"),
        ]

    def __str__(self) -> str:
        return self.number


class SupportMovement(_Movement):
    """A.6.4 支持项目台账收支明细交换: money for suppliers or land supplied."""

    ledger_class = models.CharField(_("台账分类"), max_length=32, choices=SupportClass.choices)
    land_area = _area(_("土地面积"), help_text=_("平方米"))

    class Meta:
        verbose_name = _("支持项目台账收支明细")
        verbose_name_plural = _("支持项目台账收支明细")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["source_kind", "source_key"], name="ledgers_smove_source_uniq")
        ]
        indexes = [
            _rgn("ledgers_smove_rgn"),
            models.Index(fields=["received_on"], name="ledgers_smove_date"),
        ]

    def __str__(self) -> str:
        return self.number


class _Ledger(RegionScoped):
    number = models.CharField(_("台账编号"), max_length=60, unique=True)
    period_kind = models.CharField(_("周期类型"), max_length=8, choices=PeriodKind.choices)
    opening_money = _money(_("期初资金余额"))
    increase_money = _money(_("本期资金增加额"))
    decrease_money = _money(_("本期资金减少额"))
    closing_money = _money(_("期末资金余额"))
    stat_date = models.DateField(_("统计日期"))
    built_at = models.DateTimeField(_("计算时间"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.number


class GuaranteeLedger(_Ledger):
    """A.6.1 保障项目台账: balances of one guarantee project in one district for one period.

    The standard lists 期初保障户数余额 twice; the second stands before the persons' columns and
    is 期初保障人数余额 (see docs/allocation_ledgers.md).
    """

    ledger_class = models.CharField(_("台账分类"), max_length=32, choices=LedgerClass.choices)
    period = models.CharField(_("统计周期"), max_length=8)
    opening_units = models.IntegerField(_("期初住房套数余额"), default=0)
    increase_units = models.IntegerField(_("本期住房增加套数"), default=0)
    decrease_units = models.IntegerField(_("本期住房减少套数"), default=0)
    closing_units = models.IntegerField(_("期末住房套数余额"), default=0)
    opening_area = _area(_("期初住房面积余额"))
    increase_area = _area(_("本期住房增加面积"))
    decrease_area = _area(_("本期住房减少面积"))
    closing_area = _area(_("期末住房面积余额"))
    opening_households = models.IntegerField(_("期初保障户数余额"), default=0)
    increase_households = models.IntegerField(_("本期新增保障户数"), default=0)
    decrease_households = models.IntegerField(_("本期减少保障户数"), default=0)
    closing_households = models.IntegerField(_("期末保障户数余额"), default=0)
    opening_persons = models.IntegerField(_("期初保障人数余额"), default=0)
    increase_persons = models.IntegerField(_("本期新增保障人数"), default=0)
    decrease_persons = models.IntegerField(_("本期减少保障人数"), default=0)
    closing_persons = models.IntegerField(_("期末保障人数余额"), default=0)

    class Meta:
        verbose_name = _("保障项目台账")
        verbose_name_plural = _("保障项目台账")
        ordering = ["-period", "ledger_class", "region_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["ledger_class", "region_code", "period_kind", "period"], name="ledgers_gledger_uniq"
            )
        ]
        indexes = [_rgn("ledgers_gledger_rgn")]
        permissions = [("rebuild_ledger", _("可以重新计算资源台账"))]

    def get_absolute_url(self) -> str:
        return reverse("allocation:ledgers_guarantee_detail", args=[self.pk])


class SupportLedger(_Ledger):
    """A.6.3 支持项目台账: money and land of the support side in one district for one period."""

    ledger_class = models.CharField(_("台账分类"), max_length=32, choices=SupportClass.choices)
    period = models.CharField(_("上报周期"), max_length=8)
    opening_land = _area(_("期初土地面积余额"))
    increase_land = _area(_("本期土地增加面积"))
    decrease_land = _area(_("本期土地减少面积"))
    closing_land = _area(_("期末土地面积余额"))
    # 收支类型 on a ledger row: whether the period's net change was an income or an expense.
    direction = models.CharField(_("收支类型"), max_length=8, choices=Direction.choices)

    class Meta:
        verbose_name = _("支持项目台账")
        verbose_name_plural = _("支持项目台账")
        ordering = ["-period", "ledger_class", "region_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["ledger_class", "region_code", "period_kind", "period"], name="ledgers_sledger_uniq"
            )
        ]
        indexes = [_rgn("ledgers_sledger_rgn")]

    def get_absolute_url(self) -> str:
        return reverse("allocation:ledgers_support_detail", args=[self.pk])


class SupplierKind(models.TextChoices):
    UNIT = "unit", _("供给单位")
    PERSON = "person", _("供给个人")


class SupportPaymentPlan(RegionScoped):
    """A.7.7 支持对象资金拨付配置计划: money planned for an approved supplier (单位 or 个人)."""

    number = models.CharField(_("支持对象拨付计划编号"), max_length=32, unique=True, editable=False)
    supplier_number = models.CharField(
        _("支持对象编号"), max_length=32, help_text=_("支持对象登记审批信息的审批编号")
    )
    supplier_kind = models.CharField(_("支持对象类别"), max_length=8, choices=SupplierKind.choices)
    supplier_name = models.CharField(_("支持对象名称"), max_length=100)
    total_amount = models.DecimalField(
        _("拨付总金额"), max_digits=16, decimal_places=2, validators=NON_NEGATIVE, help_text=_("元")
    )
    period_kind = models.CharField(_("期别类型"), max_length=8, choices=PeriodKind.choices)
    cycles = models.PositiveSmallIntegerField(
        _("计划发放周期"), validators=[MinValueValidator(1)], help_text=_("分几期发放")
    )
    starts_on = models.DateField(_("开始发放时间"))
    created_at = models.DateTimeField(_("增加时间"), auto_now_add=True)
    created_by = user_fk(_("增加人"))
    updated_at = models.DateTimeField(_("最后更新时间"), auto_now=True)
    updated_by = user_fk(_("最后更新人"))

    class Meta:
        verbose_name = _("支持对象资金拨付配置计划")
        verbose_name_plural = _("支持对象资金拨付配置计划")
        ordering = ["-starts_on", "-pk"]
        indexes = [_rgn("ledgers_payplan_rgn")]

    def __str__(self) -> str:
        return f"{self.number} {self.supplier_name}"

    def get_absolute_url(self) -> str:
        return reverse("allocation:ledgers_payment_plan_detail", args=[self.pk])

    @property
    def instalment(self) -> Decimal:
        """每期发放金额 (the last instalment takes the rounding remainder)."""
        return (self.total_amount / self.cycles).quantize(Decimal("0.01")) if self.cycles else Decimal("0")


class LandSupplyRecord(RegionScoped):
    """A.7.8 土地供应记录信息: land supplied for guarantee housing, with its approval."""

    number = models.CharField(_("记录编号"), max_length=32, unique=True, editable=False)
    land_reserve = models.ForeignKey(
        "projects.LandReserve",
        verbose_name=_("储备地块"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    parcel_number = models.CharField(_("宗地编号"), max_length=40)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("建设项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    project_number = models.CharField(_("项目编号"), max_length=40, blank=True, default="")
    parcel_name = models.CharField(_("宗地名称"), max_length=200)
    approval_document_name = models.CharField(_("用地批准文件名称"), max_length=200)
    approval_document_number = models.CharField(_("用地批准文号"), max_length=100)
    approved_on = models.DateField(_("用地批准日期"))
    acquisition_mode = models.CharField(
        _("取得方式"),
        max_length=16,
        choices=LandAcquisitionMode.choices,
    )
    land_area = models.DecimalField(
        _("土地面积"), max_digits=14, decimal_places=2, validators=NON_NEGATIVE, help_text=_("平方米")
    )
    land_value = models.DecimalField(
        _("土地估值"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text=_("元"),
    )
    use_years = models.PositiveSmallIntegerField(_("土地使用年限"), null=True, blank=True, help_text=_("年"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = user_fk(_("登记人"))

    class Meta:
        verbose_name = _("土地供应记录信息")
        verbose_name_plural = _("土地供应记录信息")
        ordering = ["-approved_on", "-pk"]
        indexes = [_rgn("ledgers_landsup_rgn")]

    def __str__(self) -> str:
        return f"{self.number} {self.parcel_name}"

    def get_absolute_url(self) -> str:
        return reverse("allocation:ledgers_land_supply_detail", args=[self.pk])
