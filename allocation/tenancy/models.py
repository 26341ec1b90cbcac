"""Models of 已配租房源 after signing (A.8.3–A.8.6): move-in, vacating, monthly rent due and rent received."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from housing.regions.models import RegionScoped

from ..common import user_fk

__all__ = [
    "CollectionLineOutcome",
    "InspectionResult",
    "MonthlyFixedCharge",
    "MoveIn",
    "RentCollectionImport",
    "RentCollectionLine",
    "RentReminder",
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

    @property
    def is_interrupted(self) -> bool:
        """Running, but no chunk finished for longer than the stale limit: the worker died (中断)."""
        if self.state != RentRunState.RUNNING:
            return False
        last = self.heartbeat_at or self.started_at
        return last is not None and timezone.now() - last > rent_run_stale_after()

    @property
    def is_live(self) -> bool:
        return self.state == RentRunState.RUNNING and not self.is_interrupted

    @property
    def can_resume(self) -> bool:
        return self.state == RentRunState.FAILED or self.is_interrupted

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.processed * 100 // self.total)


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


def rent_run_stale_after() -> datetime.timedelta:
    """A running run whose last heartbeat is older than this lost its worker (shown as 中断)."""
    return datetime.timedelta(minutes=getattr(settings, "RENT_RUN_STALE_MINUTES", 10))


class RentRun(models.Model):
    """生成租金应收 once started from the back office or beat: its progress and counts (re-runnable)."""

    year = models.PositiveSmallIntegerField(_("租金年度"))
    month = models.PositiveSmallIntegerField(_("租金月份"))
    state = models.CharField(
        _("状态"), max_length=12, choices=RentRunState.choices, default=RentRunState.RUNNING
    )
    total = models.PositiveIntegerField(_("待处理户数"), default=0)
    processed = models.PositiveIntegerField(_("已处理户数"), default=0)
    created = models.PositiveIntegerField(_("新增应收"), default=0)
    existing = models.PositiveIntegerField(_("已有应收"), default=0)
    error = models.CharField(_("错误信息"), max_length=1000, blank=True, default="")
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    heartbeat_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
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

    @property
    def is_interrupted(self) -> bool:
        """Running, but no chunk finished for longer than the stale limit: the worker died (中断)."""
        if self.state != RentRunState.RUNNING:
            return False
        last = self.heartbeat_at or self.started_at
        return last is not None and timezone.now() - last > rent_run_stale_after()

    @property
    def is_live(self) -> bool:
        return self.state == RentRunState.RUNNING and not self.is_interrupted

    @property
    def can_resume(self) -> bool:
        return self.state == RentRunState.FAILED or self.is_interrupted

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.processed * 100 // self.total)


# --- 银行代收文件导入 ---------------------------------------------------------------------------------------


class RentCollectionImport(RegionScoped):
    """One bank collection file (银行代收文件): rent the bank withheld, entered as receipts line by line.

    ``region_code`` is the importer's scope (the first prefix padded to 12 digits): the page lists the
    imports of one's own region. The file's SHA-256 is unique: the same file is never entered twice.
    """

    layout = models.CharField(_("文件格式"), max_length=32)
    file_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(_("文件SHA-256"), max_length=64, unique=True)
    line_count = models.PositiveIntegerField(_("行数"), default=0)
    posted_count = models.PositiveIntegerField(_("已入账笔数"), default=0)
    partial_count = models.PositiveIntegerField(_("部分入账笔数"), default=0)
    unmatched_count = models.PositiveIntegerField(_("无法匹配笔数"), default=0)
    refused_count = models.PositiveIntegerField(_("金额超过未收笔数"), default=0)
    posted_amount = models.DecimalField(_("入账金额"), default=0, **MONEY)
    file_amount = models.DecimalField(_("文件金额合计"), default=0, **MONEY)
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    imported_by = user_fk(_("导入人"))

    class Meta:
        verbose_name = _("银行代收文件导入")
        verbose_name_plural = _("银行代收文件导入")
        # the inherited index's generated name would pass PostgreSQL's 30-character limit
        indexes = [
            models.Index(
                fields=["region_code"], name="allocation_rentcoll_rgn", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self) -> str:
        return self.file_name


class CollectionLineOutcome(models.TextChoices):
    POSTED = "posted", _("已入账")
    PARTIAL = "partial", _("部分入账")
    UNMATCHED = "unmatched", _("无法匹配")
    OVER = "over", _("金额超过未收")


class RentCollectionLine(models.Model):
    """Every line of the bank's file, matched or not: nothing the bank says is dropped."""

    collection_import = models.ForeignKey(
        RentCollectionImport, on_delete=models.PROTECT, related_name="lines", verbose_name=_("导入记录")
    )
    line_number = models.PositiveIntegerField(_("行号"))
    receivable_number = models.CharField(_("应收编号"), max_length=32, blank=True, default="")
    contract_number = models.CharField(_("合同编号"), max_length=32, blank=True, default="")
    amount = models.DecimalField(_("代扣金额"), **MONEY)
    collected_on = models.DateField(_("扣款日期"))
    bank_reason = models.CharField(_("银行说明"), max_length=500, blank=True, default="")
    raw = models.JSONField(_("原始内容"), default=list)
    outcome = models.CharField(_("对账结果"), max_length=12, choices=CollectionLineOutcome.choices)
    receivable = models.ForeignKey(
        RentReceivable, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("应收编号"),
    )  # fmt: skip
    receipt = models.OneToOneField(
        RentReceipt, null=True, blank=True, on_delete=models.PROTECT, related_name="collection_line",
        verbose_name=_("实收编号"),
    )  # fmt: skip
    note = models.CharField(_("说明"), max_length=500, blank=True, default="")

    class Meta:
        verbose_name = _("银行代收明细")
        verbose_name_plural = _("银行代收明细")
        ordering = ["collection_import", "line_number"]

    def __str__(self) -> str:
        return f"{self.line_number} {self.receivable_number or self.contract_number}"


# --- 催缴短信 --------------------------------------------------------------------------------------------


class RentReminder(RegionScoped):
    """催缴短信: one SMS per receivable and reminder round (unique), so a reminder is never sent twice."""

    receivable = models.ForeignKey(
        RentReceivable, verbose_name=_("应收编号"), on_delete=models.PROTECT, related_name="reminders"
    )
    registry_entry = models.ForeignKey(
        "admission.RegistryEntry", verbose_name=_("申请人编号"), on_delete=models.PROTECT, related_name="+"
    )
    round = models.PositiveSmallIntegerField(_("催缴次数"))
    sent_on = models.DateField(_("催缴日期"))
    outstanding_amount = models.DecimalField(_("催缴时未收金额"), **MONEY)
    phone_masked = models.CharField(_("手机号码"), max_length=20, blank=True, default="")
    message = models.ForeignKey(
        "notify.Message", verbose_name=_("短信"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("增加时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("租金催缴短信")
        verbose_name_plural = _("租金催缴短信")
        indexes = [*RegionScoped.Meta.indexes]
        constraints = [
            models.UniqueConstraint(fields=["receivable", "round"], name="allocation_rentreminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.receivable_id} #{self.round}"


# --- 每月固定发生款项 (A.8.7) -----------------------------------------------------------------------------


class MonthlyFixedCharge(RegionScoped):
    """每月固定发生款项 (A.8.7): a household's fixed charge for one month beside its rent (物业费、公摊水电 …).

    Kept beside the standard's fields: the move-in (and so unit and family) it is charged to; the
    ``region_code`` is the move-in's. Not a rent receivable: shown beside the rent in the month's total.
    """

    number = models.CharField(_("款项编号"), max_length=32, unique=True)
    description = models.CharField(_("发生款项说明"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("发生年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    month = models.PositiveSmallIntegerField(
        _("发生月份"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    amount = models.DecimalField(
        _("款项金额"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    created_at = models.DateTimeField(_("增加时间"), auto_now_add=True)
    created_by = user_fk(_("增加人"))
    updated_at = models.DateTimeField(_("最后更新时间"), auto_now=True)
    updated_by = user_fk(_("最后更新人"))
    # --- kept beside them ---
    move_in = models.ForeignKey(
        MoveIn, verbose_name=_("入住记录"), on_delete=models.PROTECT, related_name="fixed_charges"
    )
    unit = models.ForeignKey(
        "projects.Unit", verbose_name=_("房源编号"), on_delete=models.PROTECT, related_name="+"
    )
    registry_entry = models.ForeignKey(
        "admission.RegistryEntry", verbose_name=_("申请人编号"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("每月固定发生款项")
        verbose_name_plural = _("每月固定发生款项")
        indexes = [
            models.Index(
                fields=["region_code"], name="allocation_fixedchg_rgn", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["move_in", "year", "month"], name="allocation_fixedcharge_month"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["move_in", "year", "month", "description"], name="allocation_fixedcharge_once"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def period(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"
