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
    "SubsidyPayment",
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
