"""Models of 补贴发放 (A.7.5 补贴应发, A.7.6 补贴实发): the monthly due rows of rent-subsidy agreements,
payment batches sent to the bank, each payment, and every line of the bank's result file."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from admission.fields import EncryptedCharField
from housing.regions.models import RegionScoped

from ..common import user_fk

__all__ = [
    "BankResultImport",
    "BankResultLine",
    "BankResultOutcome",
    "PaymentBatch",
    "PaymentBatchState",
    "PaymentStatus",
    "SubsidyDue",
    "SubsidyDueEvent",
    "SubsidyDueState",
    "SubsidyDueRun",
    "SubsidyDueRunState",
    "SubsidyObjection",
    "SubsidyObjectionEvent",
    "SubsidyObjectionState",
    "SubsidyPayment",
    "SubsidyRecovery",
    "SubsidyRecoveryEvent",
    "SubsidyRecoveryMethod",
    "SubsidyRecoveryReason",
    "SubsidyRecoveryState",
]

MONEY = {"max_digits": 14, "decimal_places": 2}
RUN_PERMISSION = "allocation.run_subsidy"
REVIEW_PERMISSION = "allocation.review_subsidy"


class SubsidyDueState(models.TextChoices):
    PAYABLE = "payable", _("待发放")
    HELD = "held", _("待复核")
    CANCELLED = "cancelled", _("已取消")
    IN_BATCH = "in_batch", _("发放中")
    PAID = "paid", _("已发放")
    FAILED = "failed", _("发放失败")


class SubsidyDue(RegionScoped):
    """补贴应发 (A.7.5): what one rent-subsidy agreement is due for one month.

    Unique per agreement and month, so a second run of the same month adds nothing.
    """

    # --- the standard's fields (A.7.5), in its order ---
    number = models.CharField(_("应发编号"), max_length=32, unique=True)
    registry_entry = models.ForeignKey(
        "admission.RegistryEntry", verbose_name=_("对象编号"), on_delete=models.PROTECT, related_name="+"
    )
    object_type = models.CharField(_("对象类型"), max_length=16, default="family")
    project_code = models.CharField(_("补贴项目编号"), max_length=32)
    subsidy_type = models.CharField(_("补贴类型"), max_length=24, default="rent_subsidy")
    standard_amount = models.DecimalField(_("原标准金额"), **MONEY)
    amount = models.DecimalField(_("补贴金额"), validators=[MinValueValidator(0)], **MONEY)
    year = models.PositiveSmallIntegerField(_("补贴年度"))
    month = models.PositiveSmallIntegerField(_("补贴月份"))
    due_on = models.DateField(_("应发时间"))
    created_at = models.DateTimeField(_("增加时间"), auto_now_add=True)
    created_by = user_fk(_("增加人"))
    updated_at = models.DateTimeField(_("最后更新时间"), auto_now=True)
    updated_by = user_fk(_("最后更新人"))
    is_receipt_printed = models.BooleanField(_("是否已打印单据"), default=False)
    # --- kept beside them ---
    agreement = models.ForeignKey(
        "allocation.Contract", verbose_name=_("租赁补贴协议"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("补贴期间"), max_length=7, help_text=_("YYYY-MM"))
    days_covered = models.PositiveSmallIntegerField(_("计发天数"))
    days_in_month = models.PositiveSmallIntegerField(_("当月天数"))
    state = models.CharField(
        _("发放状态"), max_length=12, choices=SubsidyDueState.choices, default=SubsidyDueState.PAYABLE
    )
    hold_reasons = models.JSONField(_("暂缓发放原因"), default=list, blank=True)
    check_results = models.JSONField(_("自动核查结果"), default=list, blank=True)
    review_opinion = models.CharField(_("复核意见"), max_length=500, blank=True, default="")
    reviewed_by = user_fk(_("复核人"))
    reviewed_at = models.DateTimeField(_("复核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("补贴应发")
        verbose_name_plural = _("补贴应发")
        indexes = [
            *RegionScoped.Meta.indexes,
            models.Index(fields=["period", "project_code", "state"], name="allocation_subsidydue_run"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "period"], name="allocation_subsidydue_once"),
        ]
        permissions = [
            ("run_subsidy", _("可以生成补贴应发、发放批次并导入银行结果")),
            ("review_subsidy", _("可以复核暂缓发放的补贴")),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("allocation:subsidies_due_detail", args=[self.pk])

    @property
    def check_rows(self) -> list[dict]:
        from .checks import CHECK_LABELS

        return [
            {**row, "label": CHECK_LABELS.get(row.get("code"), row.get("code"))} for row in self.check_results
        ]

    @property
    def hold_reason_text(self) -> str:
        return "；".join(self.hold_reasons)


class SubsidyDueEvent(models.Model):
    """One state change of a due row: who, when, from, to, and the opinion."""

    due = models.ForeignKey(SubsidyDue, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("原状态"), max_length=12, choices=SubsidyDueState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, choices=SubsidyDueState.choices)
    opinion = models.CharField(_("意见"), max_length=500, blank=True, default="")
    actor = user_fk(_("办理人"))
    created_at = models.DateTimeField(_("办理时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("补贴应发办理记录")
        verbose_name_plural = _("补贴应发办理记录")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.due_id} {self.from_state}→{self.to_state}"


class PaymentBatchState(models.TextChoices):
    CREATED = "created", _("已生成")
    EXPORTED = "exported", _("已导出")
    RECONCILED = "reconciled", _("已对账")


class PaymentBatch(RegionScoped):
    """批次: the payable due rows of one month sent to the bank in one bulk-payment file."""

    number = models.CharField(_("批次编号"), max_length=32, unique=True)
    period = models.CharField(_("补贴期间"), max_length=7)
    project_code = models.CharField(_("补贴项目编号"), max_length=32)
    layout = models.CharField(_("银行文件格式"), max_length=32, default="default")
    state = models.CharField(
        _("批次状态"), max_length=12, choices=PaymentBatchState.choices, default=PaymentBatchState.CREATED
    )
    payment_count = models.PositiveIntegerField(_("笔数"), default=0)
    total_amount = models.DecimalField(_("总金额"), default=0, **MONEY)
    created_at = models.DateTimeField(_("增加时间"), auto_now_add=True)
    created_by = user_fk(_("增加人"))
    exported_at = models.DateTimeField(_("导出时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("补贴发放批次")
        verbose_name_plural = _("补贴发放批次")
        indexes = [*RegionScoped.Meta.indexes]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("allocation:subsidies_batch_detail", args=[self.pk])


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("待银行回执")
    PAID = "paid", _("已发放")
    FAILED = "failed", _("发放失败")
    MISMATCH = "mismatch", _("金额不符")


class SubsidyPayment(RegionScoped):
    """补贴实发 (A.7.6): one due row sent to the bank in one batch.

    A due row has at most one payment that is not 发放失败: it can join a second batch only after the
    bank reported the first one failed (the failed payment stays as history).
    """

    # --- the standard's fields (A.7.6), in its order ---
    number = models.CharField(_("实发编号"), max_length=32, unique=True)
    due = models.ForeignKey(
        SubsidyDue, verbose_name=_("应发编号"), on_delete=models.PROTECT, related_name="payments"
    )
    status = models.CharField(
        _("发放状态"), max_length=12, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    shortfall_amount = models.DecimalField(_("不足金额"), null=True, blank=True, **MONEY)
    shortfall_reason = models.CharField(_("不足额原因"), max_length=500, blank=True, default="")
    paid_at = models.DateTimeField(_("实发时间"), null=True, blank=True)
    method = models.CharField(_("实发方式"), max_length=24, default="bank_batch")
    created_at = models.DateTimeField(_("增加时间"), auto_now_add=True)
    created_by = user_fk(_("增加人"))
    updated_at = models.DateTimeField(_("最后更新时间"), auto_now=True)
    updated_by = user_fk(_("最后更新人"))
    # --- kept beside them ---
    batch = models.ForeignKey(
        PaymentBatch, verbose_name=_("批次"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("发放金额"), **MONEY)
    paid_amount = models.DecimalField(_("银行实付金额"), null=True, blank=True, **MONEY)
    account_name = models.CharField(_("户名"), max_length=50)
    bank_name = models.CharField(_("开户银行"), max_length=60, blank=True, default="")
    bank_account = EncryptedCharField(_("银行账号"), clear_max_length=32, blank=True, default="")
    bank_account_masked = models.CharField(_("银行账号（脱敏）"), max_length=36, blank=True, default="")
    bank_reason = models.CharField(_("银行反馈"), max_length=500, blank=True, default="")

    class Meta:
        verbose_name = _("补贴实发")
        verbose_name_plural = _("补贴实发")
        indexes = [*RegionScoped.Meta.indexes]
        constraints = [
            models.UniqueConstraint(
                fields=["due"], condition=~models.Q(status="failed"), name="allocation_subsidypayment_once"
            )
        ]

    def __str__(self) -> str:
        return self.number


class BankResultImport(models.Model):
    """One bank result file imported into a batch (the file's digest refuses a second import)."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="result_imports")
    file_name = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(_("文件SHA-256"), max_length=64)
    line_count = models.PositiveIntegerField(_("行数"), default=0)
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    imported_by = user_fk(_("导入人"))

    class Meta:
        verbose_name = _("银行回执导入")
        verbose_name_plural = _("银行回执导入")
        constraints = [
            models.UniqueConstraint(fields=["batch", "sha256"], name="allocation_bankresult_file_once")
        ]

    def __str__(self) -> str:
        return self.file_name


class BankResultOutcome(models.TextChoices):
    PAID = "paid", _("已发放")
    FAILED = "failed", _("发放失败")
    MISMATCH = "mismatch", _("金额不符")
    UNMATCHED = "unmatched", _("无法匹配")


class BankResultLine(models.Model):
    """Every line the bank reported, matched or not: nothing the bank says is dropped."""

    result_import = models.ForeignKey(BankResultImport, on_delete=models.PROTECT, related_name="lines")
    line_number = models.PositiveIntegerField(_("行号"))
    reference = models.CharField(_("业务编号"), max_length=64, blank=True, default="")
    amount = models.DecimalField(_("银行金额"), null=True, blank=True, **MONEY)
    bank_status = models.CharField(_("银行处理结果"), max_length=50, blank=True, default="")
    bank_reason = models.CharField(_("银行反馈"), max_length=500, blank=True, default="")
    raw = models.JSONField(_("原始内容"), default=list)
    outcome = models.CharField(_("对账结果"), max_length=12, choices=BankResultOutcome.choices)
    payment = models.ForeignKey(
        SubsidyPayment, null=True, blank=True, on_delete=models.PROTECT, related_name="result_lines"
    )
    note = models.CharField(_("说明"), max_length=500, blank=True, default="")

    class Meta:
        verbose_name = _("银行回执明细")
        verbose_name_plural = _("银行回执明细")
        ordering = ["result_import", "line_number"]

    def __str__(self) -> str:
        return f"{self.line_number} {self.reference}"


class SubsidyDueRunState(models.TextChoices):
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class SubsidyDueRun(models.Model):
    """生成补贴应发 once started (page or beat): its progress, counts and heartbeat.

    A run whose worker died stays 进行中 with an old heartbeat; the page shows it as 中断 and 继续 runs it
    again — the run itself is idempotent, so resuming only adds the rows still missing.
    """

    period = models.CharField(_("补贴期间"), max_length=7, help_text=_("YYYY-MM 或 YYYY-Qn"))
    project_code = models.CharField(_("补贴项目编号"), max_length=32)
    state = models.CharField(
        _("状态"), max_length=12, choices=SubsidyDueRunState.choices, default=SubsidyDueRunState.RUNNING
    )
    total = models.PositiveIntegerField(_("协议数"), default=0)
    processed = models.PositiveIntegerField(_("已处理协议数"), default=0)
    created = models.PositiveIntegerField(_("新增应发"), default=0)
    existing = models.PositiveIntegerField(_("已有应发的协议"), default=0)
    held = models.PositiveIntegerField(_("待复核"), default=0)
    error = models.CharField(_("错误信息"), max_length=1000, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    started_by = user_fk(_("发起人"))

    class Meta:
        verbose_name = _("补贴应发生成记录")
        verbose_name_plural = _("补贴应发生成记录")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.period} {self.project_code} {self.get_state_display()}"

    @property
    def is_interrupted(self) -> bool:
        """进行中 but no heartbeat for longer than a chunk can take: the worker died (中断)."""
        import datetime

        from django.conf import settings
        from django.utils import timezone

        if self.state != SubsidyDueRunState.RUNNING:
            return False
        seconds = getattr(settings, "SUBSIDY_RUN_STALE_SECONDS", 300)
        last = self.heartbeat_at or self.started_at
        return last is not None and timezone.now() - last > datetime.timedelta(seconds=seconds)

    @property
    def can_resume(self) -> bool:
        return self.state == SubsidyDueRunState.FAILED or self.is_interrupted

    @property
    def state_label(self) -> str:
        return str(_("中断")) if self.is_interrupted else self.get_state_display()

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.state == SubsidyDueRunState.DONE else 0
        return min(100, int(self.processed * 100 / self.total))


class SubsidyRecoveryReason(models.TextChoices):
    BANK_OVERPAID = "bank_overpaid", _("银行多付")
    NOT_ELIGIBLE = "not_eligible", _("当月不符合补贴条件")
    DUPLICATE = "duplicate", _("重复发放")
    OTHER = "other", _("其他")


class SubsidyRecoveryState(models.TextChoices):
    PENDING = "pending", _("待追回")
    RECOVERED = "recovered", _("已追回")
    WRITTEN_OFF = "written_off", _("核销")


class SubsidyRecoveryMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("银行转账退回")
    CASH = "cash", _("现金缴回")
    BANK_REVERSAL = "bank_reversal", _("银行冲正")


class SubsidyRecovery(RegionScoped):
    """追回（退回）: money paid in excess on one payment, to be returned; never more than was paid."""

    number = models.CharField(_("追回编号"), max_length=32, unique=True)
    payment = models.ForeignKey(
        SubsidyPayment, verbose_name=_("实发编号"), on_delete=models.PROTECT, related_name="recoveries"
    )
    due = models.ForeignKey(
        SubsidyDue, verbose_name=_("应发编号"), on_delete=models.PROTECT, related_name="recoveries"
    )
    amount = models.DecimalField(_("追回金额"), validators=[MinValueValidator(0)], **MONEY)
    reason_kind = models.CharField(_("追回原因类型"), max_length=16, choices=SubsidyRecoveryReason.choices)
    reason = models.CharField(_("追回原因"), max_length=500)
    due_date = models.DateField(_("应退回日期"))
    state = models.CharField(
        _("追回状态"),
        max_length=12,
        choices=SubsidyRecoveryState.choices,
        default=SubsidyRecoveryState.PENDING,
    )
    received_on = models.DateField(_("退回日期"), null=True, blank=True)
    method = models.CharField(
        _("退回方式"), max_length=16, choices=SubsidyRecoveryMethod.choices, blank=True, default=""
    )
    receipt_number = models.CharField(_("收款凭证号"), max_length=64, blank=True, default="")
    approval_opinion = models.CharField(_("核销审批意见"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(_("增加时间"), auto_now_add=True)
    created_by = user_fk(_("增加人"))
    updated_at = models.DateTimeField(_("最后更新时间"), auto_now=True)
    updated_by = user_fk(_("最后更新人"))

    class Meta:
        verbose_name = _("补贴追回")
        verbose_name_plural = _("补贴追回")
        indexes = [*RegionScoped.Meta.indexes]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("allocation:subsidies_recovery_detail", args=[self.pk])


class SubsidyRecoveryEvent(models.Model):
    recovery = models.ForeignKey(SubsidyRecovery, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(
        _("原状态"), max_length=12, choices=SubsidyRecoveryState.choices, blank=True
    )
    to_state = models.CharField(_("新状态"), max_length=12, choices=SubsidyRecoveryState.choices)
    opinion = models.CharField(_("意见"), max_length=500, blank=True, default="")
    actor = user_fk(_("办理人"))
    created_at = models.DateTimeField(_("办理时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("补贴追回办理记录")
        verbose_name_plural = _("补贴追回办理记录")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.recovery_id} {self.from_state}→{self.to_state}"


class SubsidyObjectionState(models.TextChoices):
    PENDING = "pending", _("待处理")
    ANSWERED = "answered", _("已答复")


class SubsidyObjection(RegionScoped):
    """异议: an applicant disputes one month's subsidy from the portal; the back office answers it."""

    number = models.CharField(_("异议编号"), max_length=32, unique=True)
    due = models.ForeignKey(
        SubsidyDue, verbose_name=_("应发编号"), on_delete=models.PROTECT, related_name="objections"
    )
    applicant = models.ForeignKey(
        "accounts.User", verbose_name=_("提出人账号"), on_delete=models.PROTECT, related_name="+"
    )
    content = models.TextField(_("异议内容"), max_length=2000)
    state = models.CharField(
        _("处理状态"),
        max_length=12,
        choices=SubsidyObjectionState.choices,
        default=SubsidyObjectionState.PENDING,
    )
    reply = models.TextField(_("答复内容"), max_length=2000, blank=True, default="")
    replied_by = user_fk(_("答复人"))
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("补贴异议")
        verbose_name_plural = _("补贴异议")
        indexes = [
            models.Index(
                fields=["region_code"], name="allocation_subsidyobj_rgn", opclasses=["varchar_pattern_ops"]
            )
        ]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.number


class SubsidyObjectionEvent(models.Model):
    objection = models.ForeignKey(SubsidyObjection, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(
        _("原状态"), max_length=12, choices=SubsidyObjectionState.choices, blank=True
    )
    to_state = models.CharField(_("新状态"), max_length=12, choices=SubsidyObjectionState.choices)
    opinion = models.CharField(_("意见"), max_length=500, blank=True, default="")
    actor = user_fk(_("办理人"))
    created_at = models.DateTimeField(_("办理时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("补贴异议办理记录")
        verbose_name_plural = _("补贴异议办理记录")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.objection_id} {self.from_state}→{self.to_state}"
