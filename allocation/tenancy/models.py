"""Models of 已配租房源 after signing (A.8.3–A.8.6): move-in, vacating, monthly rent due and rent received."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from housing.regions.models import RegionScoped

from ..common import user_fk

__all__ = [
    "InspectionResult",
    "MoveIn",
    "PaymentMethod",
    "RentReceipt",
    "RentReceivable",
    "RentRun",
    "RentRunState",
    "Vacating",
]

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}
TENANCY_MANAGE_PERMISSION = "allocation.manage_tenancy"
RENT_COLLECT_PERMISSION = "allocation.collect_rent"


class MoveIn(RegionScoped):
    """已配租房源入住管理 (A.8.3): one family moved into the unit of its signed rental contract.

    ``region_code`` is the contract's. The rent is the contract's 月租金 at move-in; 租金减免金额 is a
    monthly amount taken off it. Vacating (A.8.4) is its own row; a move-in with one is no longer active.
    """

    registry_entry = models.ForeignKey(
        "admission.RegistryEntry", verbose_name=_("申请人编号"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "projects.Unit", verbose_name=_("房源编号"), on_delete=models.PROTECT, related_name="move_ins"
    )
    moved_in_on = models.DateField(_("入住时间"))
    monthly_rent = models.DecimalField(_("租金"), **MONEY)
    is_rent_reduced = models.BooleanField(_("租金是否减免"), default=False)
    rent_reduction = models.DecimalField(_("租金减免金额"), default=0, **MONEY)
    is_printed = models.BooleanField(_("是否打印单据"), default=False)
    created_at = models.DateTimeField(_("增加时间"), auto_now_add=True)
    created_by = user_fk(_("增加人"))
    updated_at = models.DateTimeField(_("最后更新时间"), auto_now=True)
    updated_by = user_fk(_("最后更新人"))
    # --- kept beside them ---
    contract = models.OneToOneField(
        "allocation.Contract", verbose_name=_("合同编号"), on_delete=models.PROTECT, related_name="move_in"
    )
    reduction_reason = models.CharField(_("租金减免原因"), max_length=200, blank=True, default="")
    vacated_on = models.DateField(_("腾退时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("已配租房源入住管理")
        verbose_name_plural = _("已配租房源入住管理")
        indexes = [
            *RegionScoped.Meta.indexes,
            models.Index(fields=["moved_in_on", "vacated_on"], name="allocation_movein_dates"),
        ]
        permissions = [
            ("manage_tenancy", _("可以登记入住与腾退")),
            ("collect_rent", _("可以生成租金应收、登记租金实收")),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id and self.contract.number} {self.moved_in_on:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.vacated_on is None

    @property
    def net_monthly_rent(self):
        return max(self.monthly_rent - self.rent_reduction, 0)


class InspectionResult(models.TextChoices):
    """验房结果."""

    INTACT = "intact", _("完好")
    DAMAGED = "damaged", _("有损坏")
    MISSING = "missing", _("设施缺失")


class Vacating(RegionScoped):
    """已配租房源腾退管理 (A.8.4): the family left; the unit is back in the stock, the contract ended."""

    registry_entry = models.ForeignKey(
        "admission.RegistryEntry", verbose_name=_("申请人编号"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "projects.Unit", verbose_name=_("房源编号"), on_delete=models.PROTECT, related_name="vacatings"
    )
    vacated_on = models.DateField(_("腾退时间"))
    is_printed = models.BooleanField(_("是否打印单据"), default=False)
    created_at = models.DateTimeField(_("增加时间"), auto_now_add=True)
    created_by = user_fk(_("增加人"))
    updated_at = models.DateTimeField(_("最后更新时间"), auto_now=True)
    updated_by = user_fk(_("最后更新人"))
    # --- kept beside them ---
    move_in = models.OneToOneField(
        MoveIn, verbose_name=_("入住记录"), on_delete=models.PROTECT, related_name="vacating"
    )
    inspection_result = models.CharField(_("验房结果"), max_length=12, choices=InspectionResult.choices)
    inspection_notes = models.CharField(_("验房说明"), max_length=500, blank=True, default="")
    deposit_amount = models.DecimalField(_("押金金额"), default=0, **MONEY)
    deposit_returned = models.DecimalField(_("退还押金"), default=0, **MONEY)
    deposit_deducted = models.DecimalField(_("扣除押金"), default=0, **MONEY)
    deduction_reason = models.CharField(_("扣除原因"), max_length=500, blank=True, default="")

    class Meta:
        verbose_name = _("已配租房源腾退管理")
        verbose_name_plural = _("已配租房源腾退管理")
        indexes = [*RegionScoped.Meta.indexes]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.vacated_on:%Y-%m-%d}"


class RentReceivable(RegionScoped):
    """已配租房源租金应收 (A.8.5): one move-in's rent for one month (unique per move-in and month)."""

    number = models.CharField(_("应收编号"), max_length=32, unique=True)
    registry_entry = models.ForeignKey(
        "admission.RegistryEntry", verbose_name=_("申请人编号"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "projects.Unit", verbose_name=_("房源编号"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("租金金额"), **MONEY)
    year = models.PositiveSmallIntegerField(_("租金年度"))
    month = models.PositiveSmallIntegerField(_("租金月份"))
    due_on = models.DateField(_("应收时间"))
    created_at = models.DateTimeField(_("增加时间"), auto_now_add=True)
    created_by = user_fk(_("增加人"))
    updated_at = models.DateTimeField(_("最后更新时间"), auto_now=True)
    updated_by = user_fk(_("最后更新人"))
    # --- kept beside them ---
    move_in = models.ForeignKey(
        MoveIn, verbose_name=_("入住记录"), on_delete=models.PROTECT, related_name="receivables"
    )
    days = models.PositiveSmallIntegerField(_("计租天数"))
    days_in_month = models.PositiveSmallIntegerField(_("当月天数"))
    monthly_rent = models.DecimalField(_("月租金"), **MONEY)
    rent_reduction = models.DecimalField(_("租金减免金额"), default=0, **MONEY)
    paid_amount = models.DecimalField(_("已收金额"), default=0, **MONEY)
    outstanding_amount = models.DecimalField(_("未收金额"), **MONEY)

    class Meta:
        verbose_name = _("已配租房源租金应收")
        verbose_name_plural = _("已配租房源租金应收")
        indexes = [
            *RegionScoped.Meta.indexes,
            models.Index(fields=["year", "month"], name="allocation_rentrecv_period"),
            models.Index(fields=["registry_entry", "due_on"], name="allocation_rentrecv_entry"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["move_in", "year", "month"], name="allocation_rentrecv_once"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def period(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


class PaymentMethod(models.TextChoices):
    """实收方式."""

    CASH = "cash", _("现金")
    CARD = "card", _("银行卡（POS）")
    TRANSFER = "transfer", _("银行转账")
    WITHHOLDING = "withholding", _("银行代扣")
    MOBILE = "mobile", _("移动支付")


class RentReceipt(RegionScoped):
    """已配租房源租金实收 (A.8.6): one payment against a receivable; partial payments carry a reason."""

    number = models.CharField(_("实收编号"), max_length=32, unique=True)
    receivable = models.ForeignKey(
        RentReceivable, verbose_name=_("应收编号"), on_delete=models.PROTECT, related_name="receipts"
    )
    registry_entry = models.ForeignKey(
        "admission.RegistryEntry", verbose_name=_("申请人编号"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "projects.Unit", verbose_name=_("房源编号"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("实收金额"), max_digits=14, decimal_places=2)
    year = models.PositiveSmallIntegerField(_("租金年度"))
    month = models.PositiveSmallIntegerField(_("租金月份"))
    is_full = models.BooleanField(_("是否足额收取"))
    shortfall_reason = models.CharField(_("未足额收取原因"), max_length=500, blank=True, default="")
    received_on = models.DateField(_("实收时间"))
    method = models.CharField(_("实收方式"), max_length=16, choices=PaymentMethod.choices)
    created_at = models.DateTimeField(_("增加时间"), auto_now_add=True)
    created_by = user_fk(_("增加人"))
    updated_at = models.DateTimeField(_("最后更新时间"), auto_now=True)
    updated_by = user_fk(_("最后更新人"))

    class Meta:
        verbose_name = _("已配租房源租金实收")
        verbose_name_plural = _("已配租房源租金实收")
        indexes = [*RegionScoped.Meta.indexes]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="allocation_rentreceipt_positive")
        ]

    def __str__(self) -> str:
        return self.number


class RentRunState(models.TextChoices):
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class RentRun(models.Model):
    """生成租金应收 once started from the back office or beat: its progress and counts (re-runnable)."""

    year = models.PositiveSmallIntegerField(_("租金年度"))
    month = models.PositiveSmallIntegerField(_("租金月份"))
    state = models.CharField(
        _("状态"), max_length=12, choices=RentRunState.choices, default=RentRunState.RUNNING
    )
    created = models.PositiveIntegerField(_("新增应收"), default=0)
    existing = models.PositiveIntegerField(_("已有应收"), default=0)
    error = models.CharField(_("错误信息"), max_length=1000, blank=True, default="")
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    started_by = user_fk(_("发起人"))

    class Meta:
        verbose_name = _("租金应收生成记录")
        verbose_name_plural = _("租金应收生成记录")

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d} {self.get_state_display()}"

    @property
    def period(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
