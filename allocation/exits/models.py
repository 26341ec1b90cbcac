"""Models of 保障退出 (issue part 6): an exit case per registry entry (拟退出 → 已通知 → 已退出 / 已撤销),
its event rows, and 信用记录 written when a 骗取保障 case is completed."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from housing.regions.models import RegionScoped

from ..common import user_fk

__all__ = ["CreditEntry", "ExitCase", "ExitCaseEvent", "ExitState", "ExitTrigger"]

MONEY = {"max_digits": 14, "decimal_places": 2}
MANAGE_PERMISSION = "allocation.manage_exit"


class ExitTrigger(models.TextChoices):
    INELIGIBLE = "ineligible", _("不再符合条件")
    BOUGHT_HOME = "bought_home", _("已购房")
    VACANT = "vacant", _("空置")
    ARREARS = "arrears", _("欠租")
    SUBLET = "sublet", _("转租或改变用途")
    FRAUD = "fraud", _("骗取保障")


class ExitState(models.TextChoices):
    PROPOSED = "proposed", _("拟退出")
    NOTIFIED = "notified", _("已通知")
    EXITED = "exited", _("已退出")
    CANCELLED = "cancelled", _("已撤销")


OPEN_STATES = (ExitState.PROPOSED, ExitState.NOTIFIED)


class ExitCase(RegionScoped):
    """保障退出: one family's exit, from the trigger to the unit back in the stock and 已退出 on the registry.

    At most one open case (拟退出 or 已通知) per registry entry, so a daily scan never proposes twice.
    """

    number = models.CharField(_("退出编号"), max_length=32, unique=True)
    registry_entry = models.ForeignKey(
        "admission.RegistryEntry", verbose_name=_("保障对象"), on_delete=models.PROTECT,
        related_name="exit_cases",
    )  # fmt: skip
    trigger = models.CharField(_("退出情形"), max_length=16, choices=ExitTrigger.choices)
    reason = models.CharField(_("退出原因"), max_length=500)
    evidence_on = models.DateField(_("事实发生日期"), null=True, blank=True)
    evidence = models.JSONField(_("事实依据"), default=dict, blank=True)
    state = models.CharField(
        _("退出状态"), max_length=12, choices=ExitState.choices, default=ExitState.PROPOSED
    )
    annual_review = models.ForeignKey(
        "allocation.AnnualReview", verbose_name=_("年审"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    move_in = models.ForeignKey(
        "allocation.MoveIn", verbose_name=_("入住记录"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="exit_cases",
    )  # fmt: skip
    notice_on = models.DateField(_("通知日期"), null=True, blank=True)
    move_out_deadline = models.DateField(_("腾退期限"), null=True, blank=True)
    market_monthly_rent = models.DecimalField(
        _("逾期市场月租金"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    notice_document = models.ForeignKey(
        "archive.Document", verbose_name=_("退出通知书"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    pdf_error = models.TextField(_("通知书生成错误"), blank=True, default="")
    exited_on = models.DateField(_("退出日期"), null=True, blank=True)
    cancel_reason = models.CharField(_("撤销原因"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(_("增加时间"), auto_now_add=True)
    created_by = user_fk(_("增加人"))
    updated_at = models.DateTimeField(_("最后更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("保障退出")
        verbose_name_plural = _("保障退出")
        indexes = [
            *RegionScoped.Meta.indexes,
            models.Index(fields=["state", "move_out_deadline"], name="allocation_exitcase_state"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["registry_entry"], condition=Q(state__in=["proposed", "notified"]),
                name="allocation_exitcase_one_open",
            ),
        ]  # fmt: skip
        permissions = [("manage_exit", _("可以办理保障退出"))]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("allocation:exit_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class ExitCaseEvent(models.Model):
    """One state change of an exit case: who, when, from, to, and the opinion."""

    case = models.ForeignKey(ExitCase, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("原状态"), max_length=12, choices=ExitState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, choices=ExitState.choices)
    opinion = models.CharField(_("意见"), max_length=500, blank=True, default="")
    actor = user_fk(_("办理人"))
    created_at = models.DateTimeField(_("办理时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("保障退出办理记录")
        verbose_name_plural = _("保障退出办理记录")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.from_state}→{self.to_state}"


class CreditEntry(RegionScoped):
    """信用记录: a person who obtained the guarantee by fraud, barred from applying until ``barred_until``.

    Kept here until the supervision part owns credit records; the rules engine's ``on_credit_blacklist``
    factor reads it by the same ID-number digest admission stores.
    """

    id_number_digest = models.CharField(_("证件号码检索码"), max_length=64, db_index=True)
    id_number_masked = models.CharField(_("证件号码（脱敏）"), max_length=18, blank=True, default="")
    name_masked = models.CharField(_("姓名（脱敏）"), max_length=50)
    reason = models.CharField(_("失信原因"), max_length=500)
    exit_case = models.OneToOneField(
        ExitCase, verbose_name=_("退出编号"), on_delete=models.PROTECT, related_name="credit_entry"
    )
    recorded_on = models.DateField(_("记录日期"))
    barred_until = models.DateField(_("禁止申请截止日期"))
    created_at = models.DateTimeField(_("增加时间"), auto_now_add=True)
    created_by = user_fk(_("增加人"))

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        indexes = [*RegionScoped.Meta.indexes]

    def __str__(self) -> str:
        return f"{self.name_masked} {self.barred_until}"
