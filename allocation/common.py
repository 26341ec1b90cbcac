"""Small pieces the allocation parts' models share."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def user_fk(verbose_name, **extra) -> models.ForeignKey:
    """Who did it (增加人, 审核人 …): a user kept even if the account is later disabled."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        **extra,
    )


class PeriodKind(models.TextChoices):
    """周期类型 / 期别类型 (台账, 配置方案)."""

    MONTH = "month", _("月")
    QUARTER = "quarter", _("季")
    YEAR = "year", _("年")


class RunState(models.TextChoices):
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ProgressRun(models.Model):
    """A run started from a page or by beat (生成记录): its progress, heartbeat and outcome.

    A worker that dies leaves the run 进行中 with an old heartbeat; the page shows it as 中断 and 继续
    queues the same record again. That is safe only because the run it records is idempotent (unique
    constraints on object and period), so resuming adds exactly the rows still missing.
    ``stale_setting`` names the setting (minutes) after which a silent run counts as 中断.
    """

    stale_setting = "RUN_STALE_MINUTES"

    state = models.CharField(_("状态"), max_length=12, choices=RunState.choices, default=RunState.RUNNING)
    total = models.PositiveIntegerField(_("待处理数"), default=0)
    processed = models.PositiveIntegerField(_("已处理数"), default=0)
    error = models.CharField(_("错误信息"), max_length=1000, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    heartbeat_at = models.DateTimeField(_("最近进度时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    started_by = user_fk(_("发起人"))

    class Meta:
        abstract = True

    @property
    def is_interrupted(self) -> bool:
        """进行中, but no chunk finished for longer than the stale limit: the worker died (中断)."""
        import datetime

        from django.utils import timezone

        if self.state != RunState.RUNNING:
            return False
        minutes = getattr(settings, self.stale_setting, 10)
        last = self.heartbeat_at or self.started_at
        return last is not None and timezone.now() - last > datetime.timedelta(minutes=minutes)

    @property
    def is_live(self) -> bool:
        return self.state == RunState.RUNNING and not self.is_interrupted

    @property
    def can_resume(self) -> bool:
        return self.state == RunState.FAILED or self.is_interrupted

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.processed * 100 // self.total)
