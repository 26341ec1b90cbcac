"""摇号 (issue 7 part 4): a frozen, hashed entrant list, a recorded seed and a deterministic draw.

The draw's inputs are all stored, so anybody can recompute it (``allocation.lottery_algorithm``,
``docs/lottery.md``). A lottery never goes back: after the draw it can only be voided, by two people.
"""

from __future__ import annotations

import django_fsm
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from housing.regions.models import RegionScoped

from ..common import user_fk


class LotteryState(models.TextChoices):
    DRAFT = "draft", _("准备中")
    FROZEN = "frozen", _("名单已锁定")
    DRAWN = "drawn", _("已摇号")
    VOIDED = "voided", _("已作废")


class Lottery(django_fsm.FSMModelMixin, RegionScoped):
    """摇号: one draw among the families invited by an allocation plan (or a waitlist group)."""

    number = models.CharField(_("摇号编号"), max_length=32, unique=True, editable=False)
    name = models.CharField(_("摇号名称"), max_length=100)
    project_code = models.CharField(_("保障项目类别"), max_length=32, blank=True, default="")
    mode_code = models.CharField(_("保障方式"), max_length=32, blank=True, default="")
    description = models.TextField(_("说明"), blank=True, default="")
    scheduled_at = models.DateTimeField(_("摇号时间"), null=True, blank=True)
    state = django_fsm.FSMField(
        _("状态"), max_length=12, choices=LotteryState.choices, default=LotteryState.DRAFT, protected=True
    )
    public_value = models.CharField(
        _("公开参数"),
        max_length=64,
        blank=True,
        default="",
        help_text=_("摇号前公布、与现场种子合成最终种子的值（可不填），例如某日公开的指数收盘值。"),
    )
    entrant_count = models.PositiveIntegerField(_("参加户数"), default=0)
    entrant_sha256 = models.CharField(_("名单SHA-256"), max_length=64, blank=True, default="")
    entrant_file = models.TextField(_("参加人名单文件"), blank=True, default="", editable=False)
    # Each entrant's masked name and family id, one line per entrant in the entrant file's order: what
    # the entrant rows need besides the file, kept in the freeze so they can be written after it.
    entrant_details = models.TextField(_("参加人明细"), blank=True, default="", editable=False)
    entrant_rows_at = models.DateTimeField(_("名单明细写入时间"), null=True, blank=True)
    result_rows_at = models.DateTimeField(_("结果明细写入时间"), null=True, blank=True)
    frozen_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)
    frozen_by = user_fk(_("锁定人"))
    event_seed = models.CharField(_("现场种子"), max_length=64, blank=True, default="")
    seed = models.CharField(_("最终种子"), max_length=130, blank=True, default="")
    algorithm_version = models.CharField(_("算法版本"), max_length=32, blank=True, default="")
    result_sha256 = models.CharField(_("结果SHA-256"), max_length=64, blank=True, default="")
    drawn_at = models.DateTimeField(_("摇号完成时间"), null=True, blank=True)
    drawn_by = user_fk(_("摇号操作人"))
    void_reason = models.TextField(_("作废原因"), blank=True, default="")
    void_requested_at = models.DateTimeField(_("作废申请时间"), null=True, blank=True)
    void_requested_by = user_fk(_("作废申请人"))
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_by = user_fk(_("作废复核人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = user_fk(_("创建人"))

    class Meta:
        verbose_name = _("摇号")
        verbose_name_plural = _("摇号")
        ordering = ["-pk"]
        indexes = [*RegionScoped.Meta.indexes]
        permissions = [
            ("run_lottery", _("可以锁定名单和主持摇号")),
            ("void_lottery", _("可以申请或复核作废摇号")),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("allocation:lottery_detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        """Shown on the portal once its list is frozen (hash and count published before the draw)."""
        return self.state != LotteryState.DRAFT

    @property
    def rows_pending(self) -> bool:
        """The entrant or result rows (the lists' pages) are still being written after the freeze or draw;
        the files, hashes and seed are already final."""
        return (self.frozen_at is not None and self.entrant_rows_at is None) or (
            self.drawn_at is not None and self.result_rows_at is None
        )

    @property
    def void_pending(self) -> bool:
        return self.state == LotteryState.DRAWN and self.void_requested_by_id is not None

    @django_fsm.transition(field=state, source=LotteryState.DRAFT, target=LotteryState.FROZEN)
    def freeze(self) -> None:
        pass

    @django_fsm.transition(field=state, source=LotteryState.FROZEN, target=LotteryState.DRAWN)
    def draw(self) -> None:
        pass

    @django_fsm.transition(field=state, source=LotteryState.DRAWN, target=LotteryState.VOIDED)
    def void(self) -> None:
        pass


# LOTTERY_ROWS_FK: the 200,000 entrant and result rows of a lottery are written in one COPY each, only by
# the freeze and draw services, inside the transaction that holds the lottery row locked, and never
# deleted (a lottery is voided, not deleted). A database foreign-key check on every row would cost about
# two seconds at commit and an index on ``lottery_id`` alone repeats the unique indexes that start with
# it, so both are left out (bench/lottery.py; docs/lottery.md).


class LotteryEntrant(models.Model):
    """参加摇号的家庭: the frozen list, one row per receipt number (never changed after freezing)."""

    # No foreign-key constraint or index of its own (LOTTERY_ROWS_FK): see the note above LotteryEntrant.
    lottery = models.ForeignKey(
        Lottery,
        verbose_name=_("摇号"),
        on_delete=models.CASCADE,
        related_name="entrants",
        db_constraint=False,
        db_index=False,
    )
    receipt_number = models.CharField(_("申请编号"), max_length=64)
    priority_round = models.PositiveSmallIntegerField(_("优先轮次"), default=1)
    masked_name = models.CharField(_("申请人（脱敏）"), max_length=50, blank=True, default="")
    family_id = models.PositiveBigIntegerField(_("家庭编号"), null=True, blank=True)

    class Meta:
        verbose_name = _("摇号参加人")
        verbose_name_plural = _("摇号参加人")
        constraints = [
            models.UniqueConstraint(fields=["lottery", "receipt_number"], name="allocation_entrant_once"),
        ]

    def __str__(self) -> str:
        return self.receipt_number


class LotteryResult(models.Model):
    """摇号结果: one row per entrant in rank order, written once by the draw (a separate table, so the
    draw inserts 200,000 rows with COPY instead of updating them: bench/lottery.py). The masked name is
    the entrant row's (joined by receipt number for the page shown)."""

    # No foreign-key constraint or index of its own (LOTTERY_ROWS_FK): see the note above LotteryEntrant.
    lottery = models.ForeignKey(
        Lottery,
        verbose_name=_("摇号"),
        on_delete=models.CASCADE,
        related_name="results",
        db_constraint=False,
        db_index=False,
    )
    rank = models.PositiveIntegerField(_("摇号顺序号"))
    priority_round = models.PositiveSmallIntegerField(_("优先轮次"))
    receipt_number = models.CharField(_("申请编号"), max_length=64)
    score = models.CharField(_("摇号值"), max_length=64)

    class Meta:
        verbose_name = _("摇号结果")
        verbose_name_plural = _("摇号结果")
        constraints = [
            models.UniqueConstraint(fields=["lottery", "rank"], name="allocation_result_rank_once"),
        ]
        indexes = [
            # A family's row is found by its round and recomputed score; rows are written in rank order,
            # which is this index's order, so the draw appends to it instead of inserting at random
            # (a receipt-number index costs a third of the draw's storing: bench/lottery.py). Each
            # receipt number appears once because the entrant list allows it once.
            models.Index(fields=["lottery", "priority_round", "score"], name="allocation_result_order"),
        ]

    def __str__(self) -> str:
        return f"{self.rank} {self.receipt_number}"
