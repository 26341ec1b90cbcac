"""Models of 年审 (A.8.8 保障对象年审): one row per family in guarantee and year, with the automatic mirror
checks, the caseworker's decision (继续保障 / 变更标准 / 退出) and 逾期未审 after the deadline."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from housing.regions.models import RegionScoped

from ..common import ProgressRun, user_fk

__all__ = [
    "AnnualReview",
    "AnnualReviewDecision",
    "AnnualReviewEvent",
    "AnnualReviewRun",
    "AnnualReviewState",
]

MONEY = {"max_digits": 14, "decimal_places": 2}
RUN_PERMISSION = "allocation.run_annual_review"
DECIDE_PERMISSION = "allocation.decide_annual_review"


class AnnualReviewState(models.TextChoices):
    PENDING = "pending", _("待审核")
    DECIDED = "decided", _("已审核")
    OVERDUE = "overdue", _("逾期未审")


class AnnualReviewDecision(models.TextChoices):
    CONTINUE = "continue", _("继续保障")
    CHANGE_STANDARD = "change_standard", _("变更标准")
    EXIT = "exit", _("退出")


class AnnualReview(RegionScoped):
    """保障对象年审 (A.8.8): one family in guarantee reviewed for one year.

    Unique per registry entry and year, so a second run of the same year adds nothing. A decision of
    变更标准 is stored here with its effective date and does not rewrite the contract; 退出 is recorded
    here only (the exit process is another part).
    """

    # --- the standard's fields (A.8.8), in its order ---
    number = models.CharField(_("年审编号"), max_length=32, unique=True)
    year = models.PositiveSmallIntegerField(_("年审年度"))
    deadline = models.DateField(_("年审范围时间节点"))
    # region_code (行政区划代码) comes from RegionScoped: the registry entry's.
    # --- kept beside them ---
    registry_entry = models.ForeignKey(
        "admission.RegistryEntry", verbose_name=_("保障对象"), on_delete=models.PROTECT,
        related_name="annual_reviews",
    )  # fmt: skip
    project_code = models.CharField(_("保障项目类别"), max_length=32)
    mode_code = models.CharField(_("保障方式"), max_length=32)
    state = models.CharField(
        _("年审状态"), max_length=12, choices=AnnualReviewState.choices, default=AnnualReviewState.PENDING
    )
    check_results = models.JSONField(_("自动核查结果"), default=list, blank=True)
    check_problems = models.JSONField(_("核查发现的问题"), default=list, blank=True)
    decision = models.CharField(
        _("年审结论"), max_length=16, choices=AnnualReviewDecision.choices, blank=True, default=""
    )
    opinion = models.CharField(_("审核意见"), max_length=500, blank=True, default="")
    new_monthly_rent = models.DecimalField(
        _("变更后月租金"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    new_subsidy_amount = models.DecimalField(
        _("变更后月补贴金额"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    effective_on = models.DateField(_("变更生效日期"), null=True, blank=True)
    exit_reason = models.CharField(_("退出原因"), max_length=200, blank=True, default="")
    decided_by = user_fk(_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("逾期时间"), null=True, blank=True)
    # 逾期未审: the subsidy stops from the month after the deadline, without back-pay, and starts again
    # from the month after a late decision (继续保障 or 变更标准).
    suspended_from = models.DateField(_("暂停补贴起始月"), null=True, blank=True)
    resumes_on = models.DateField(_("恢复补贴起始月"), null=True, blank=True)
    created_at = models.DateTimeField(_("增加时间"), auto_now_add=True)
    created_by = user_fk(_("增加人"))
    updated_at = models.DateTimeField(_("最后更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("保障对象年审")
        verbose_name_plural = _("保障对象年审")
        indexes = [
            *RegionScoped.Meta.indexes,
            models.Index(fields=["year", "state"], name="allocation_annualreview_run"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["registry_entry", "year"], name="allocation_annualreview_once"),
        ]
        permissions = [
            ("run_annual_review", _("可以发起保障对象年审")),
            ("decide_annual_review", _("可以作出年审结论")),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("allocation:annual_review_detail", args=[self.pk])

    @property
    def check_rows(self) -> list[dict]:
        from ..subsidies.checks import CHECK_LABELS

        return [
            {**row, "label": CHECK_LABELS.get(row.get("code"), row.get("code"))} for row in self.check_results
        ]

    @property
    def check_problem_text(self) -> str:
        return "；".join(self.check_problems)

    @property
    def can_decide(self) -> bool:
        return self.state in (AnnualReviewState.PENDING, AnnualReviewState.OVERDUE)


class AnnualReviewEvent(models.Model):
    """One state change of a review: who, when, from, to, and the opinion."""

    review = models.ForeignKey(AnnualReview, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("原状态"), max_length=12, choices=AnnualReviewState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, choices=AnnualReviewState.choices)
    opinion = models.CharField(_("意见"), max_length=500, blank=True, default="")
    actor = user_fk(_("办理人"))
    created_at = models.DateTimeField(_("办理时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("保障对象年审办理记录")
        verbose_name_plural = _("保障对象年审办理记录")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.review_id} {self.from_state}→{self.to_state}"


class AnnualReviewRun(ProgressRun, RegionScoped):
    """发起年审 once pressed (or queued by beat): year, region and mode, with its progress and counts.

    ``region_code`` is the region the run covers, so the page shows each caseworker the runs of their own
    area. 继续 re-queues the same record; the review's unique (family, year) constraint makes that safe.
    """

    stale_setting = "ANNUAL_REVIEW_RUN_STALE_MINUTES"

    year = models.PositiveSmallIntegerField(_("年审年度"))
    mode_code = models.CharField(_("保障方式"), max_length=32, blank=True, default="")
    created = models.PositiveIntegerField(_("新增年审"), default=0)
    flagged = models.PositiveIntegerField(_("核查发现问题"), default=0)
    overdue = models.PositiveIntegerField(_("转为逾期未审"), default=0)

    class Meta:
        verbose_name = _("年审生成记录")
        verbose_name_plural = _("年审生成记录")
        ordering = ["-started_at", "-pk"]
        indexes = [*RegionScoped.Meta.indexes]

    def __str__(self) -> str:
        return f"{self.year} {self.region_code} {self.get_state_display()}"
