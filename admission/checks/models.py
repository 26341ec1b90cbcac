"""部门数据核查 (issue 4 part 5): what each department said about each member when the case was checked.

A **run** (``CheckRun``, 核查批次) asks every dataset the application's rule set needs about every active
member; each answer is one ``DepartmentCheck`` row with the family's declared value beside the department's,
the source and date of the department's data, and an outcome. Runs are never replaced: re-running the checks
makes a new run, numbered within the application, and pages show the latest one (DESIGN §4 rule 7).

Imported at the end of ``admission/models.py`` so Django registers the models under the ``admission`` label;
foreign keys name admission's models by string for that reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["CheckOutcome", "CheckRun", "CheckRunStatus", "CheckTrigger", "AutoDecision", "DepartmentCheck"]


class CheckOutcome(models.TextChoices):
    """核查结果 of one member in one dataset."""

    MATCH = "match", _("一致")
    MISMATCH = "mismatch", _("不一致")
    NO_RECORD = "no_record", _("无记录")
    FAILED = "failed", _("查询失败")


# Outcomes that keep a case out of the automatic path (issue 4 part 6).
BLOCKING_OUTCOMES = (CheckOutcome.MISMATCH, CheckOutcome.FAILED)


class CheckTrigger(models.TextChoices):
    """核查起因."""

    SUBMISSION = "submission", _("提交申请")
    RESUBMISSION = "resubmission", _("补件后重新提交")
    AUTOMATIC = "automatic", _("自动审核")
    MANUAL = "manual", _("人工重新核查")


class CheckRunStatus(models.TextChoices):
    PENDING = "pending", _("核查中")
    DONE = "done", _("已完成")


class AutoDecision(models.TextChoices):
    """自动审核结论 of a run made on the automatic path."""

    APPROVED = "approved", _("自动审核通过")
    MANUAL = "manual", _("转人工审核")


class CheckRun(models.Model):
    """部门核查批次: one pass over every member × dataset of one application."""

    application = models.ForeignKey(
        "admission.Application",
        verbose_name=_("申请编号"),
        on_delete=models.PROTECT,
        related_name="check_runs",
    )
    number = models.PositiveIntegerField(_("核查序号"))
    trigger = models.CharField(_("核查起因"), max_length=16, choices=CheckTrigger.choices)
    stage = models.CharField(_("核查时办理阶段"), max_length=20, blank=True, default="")
    status = models.CharField(
        _("核查状态"), max_length=10, choices=CheckRunStatus.choices, default=CheckRunStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    datasets = models.JSONField(_("核查数据集"), default=list, blank=True)
    ruleset_id = models.PositiveIntegerField(_("规则模版编号"), null=True, blank=True)
    ruleset_version = models.PositiveIntegerField(_("规则模版版本"), null=True, blank=True)
    ruleset_name = models.CharField(_("规则模版名称"), max_length=200, blank=True, default="")
    match_count = models.PositiveIntegerField(_("一致"), default=0)
    mismatch_count = models.PositiveIntegerField(_("不一致"), default=0)
    no_record_count = models.PositiveIntegerField(_("无记录"), default=0)
    failed_count = models.PositiveIntegerField(_("查询失败"), default=0)
    # The rule set evaluated on department data (declared facts where no department has the fact).
    facts = models.JSONField(_("核查所得事实"), default=dict, blank=True)
    evaluation = models.JSONField(_("按部门数据判断"), default=dict, blank=True)
    eligible = models.BooleanField(_("是否符合条件"), null=True, blank=True)
    error = models.TextField(_("核查说明"), blank=True, default="")
    is_automatic = models.BooleanField(_("自动审核"), default=False)
    decision = models.CharField(
        _("自动审核结论"), max_length=10, choices=AutoDecision.choices, blank=True, default=""
    )
    decision_opinion = models.TextField(_("自动审核意见"), blank=True, default="")

    class Meta:
        verbose_name = _("部门核查批次")
        verbose_name_plural = _("部门核查批次")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="admission_checkrun_number")
        ]

    def __str__(self) -> str:
        return f"{self.application_id}-{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("admission:checks_run_detail", args=[self.pk])

    @property
    def is_done(self) -> bool:
        return self.status == CheckRunStatus.DONE

    @property
    def problem_count(self) -> int:
        return self.mismatch_count + self.failed_count

    def stage_display(self) -> str:
        from ..models import ApplicationState

        return ApplicationState(self.stage).label if self.stage in ApplicationState.values else self.stage


class DepartmentCheck(models.Model):
    """部门数据核查: one member asked in one dataset — declared value, department value, source, outcome."""

    run = models.ForeignKey(
        CheckRun, verbose_name=_("核查批次"), on_delete=models.CASCADE, related_name="checks"
    )
    application = models.ForeignKey(
        "admission.Application",
        verbose_name=_("申请编号"),
        on_delete=models.PROTECT,
        related_name="department_checks",
    )
    member = models.ForeignKey(
        "admission.FamilyMember",
        verbose_name=_("家庭成员"),
        on_delete=models.PROTECT,
        related_name="department_checks",
    )
    # Copies taken when checked: the member may be renamed or removed later, the check stays as it was.
    member_name = models.CharField(_("家庭成员姓名"), max_length=50)
    member_relation = models.CharField(_("与户主关系"), max_length=16, blank=True, default="")
    member_id_masked = models.CharField(_("身份证件号码"), max_length=18, blank=True, default="")
    dataset_code = models.CharField(_("数据集编码"), max_length=40)
    dataset_name = models.CharField(_("数据集"), max_length=60)
    adapter = models.CharField(_("核查渠道"), max_length=20, blank=True, default="")
    source = models.CharField(_("数据来源"), max_length=200, blank=True, default="")
    source_date = models.DateField(_("数据日期"), null=True, blank=True)
    checked_at = models.DateTimeField(_("核查时间"), default=timezone.now)
    declared_value = models.CharField(_("申报值"), max_length=300, blank=True, default="")
    department_value = models.TextField(_("部门数据"), blank=True, default="")
    department_records = models.JSONField(_("部门原始记录"), default=list, blank=True)
    outcome = models.CharField(_("核查结果"), max_length=10, choices=CheckOutcome.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True, default="")

    class Meta:
        verbose_name = _("部门数据核查")
        verbose_name_plural = _("部门数据核查")
        ordering = ["run", "pk"]
        indexes = [models.Index(fields=["application", "outcome"], name="admission_deptcheck_app_out")]

    def __str__(self) -> str:
        return f"{self.member_name} {self.dataset_name} {self.get_outcome_display()}"

    @property
    def is_problem(self) -> bool:
        return self.outcome in BLOCKING_OUTCOMES
