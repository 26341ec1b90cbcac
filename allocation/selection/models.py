"""Models of 选房 (A.7.1–A.7.2): sessions in time slots, the call order, picks that never give a unit twice.

A session (选房活动) offers a set of units to families called in order (A.7.1 保障对象配给顺序); each
family picks one unit (A.7.2 保障对象选房). PostgreSQL decides races: a partial unique constraint allows
one live pick per unit and one per family and session, and the pick locks the unit row first.
"""

from __future__ import annotations

import django_fsm
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from housing.accounts.identity import mask_name
from housing.regions.models import RegionScoped

from ..common import user_fk

__all__ = [
    "AllocationOrder",
    "OrderStatus",
    "PickState",
    "SelectionEvent",
    "SelectionPick",
    "SelectionSession",
    "SelectionSlot",
    "SelectionState",
    "SelectionUnit",
]


class SelectionState(models.TextChoices):
    PREPARING = "preparing", _("准备中")
    RUNNING = "running", _("进行中")
    ENDED = "ended", _("已结束")
    VOIDED = "voided", _("已作废")


class SelectionSession(django_fsm.FSMModelMixin, RegionScoped):
    """选房活动: one selection event over a set of units, families called slot by slot."""

    number = models.CharField(_("选房活动编号"), max_length=32, unique=True, editable=False)
    name = models.CharField(_("选房活动名称"), max_length=100)
    project_code = models.CharField(_("保障项目类别"), max_length=32, blank=True, default="")
    mode_code = models.CharField(_("保障方式"), max_length=32, blank=True, default="")
    place = models.CharField(_("选房地点"), max_length=200, blank=True, default="")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    slot_minutes = models.PositiveSmallIntegerField(_("每时段分钟数"), default=30)
    families_per_slot = models.PositiveSmallIntegerField(_("每时段户数"), default=10)
    source = models.CharField(_("顺序来源"), max_length=100, blank=True, default="")
    # 配置方案 whose round this session is (a published plan starts it); empty for a session set up by hand.
    allocation_plan = models.ForeignKey(
        "allocation.AllocationPlan",
        verbose_name=_("配置方案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="selection_sessions",
    )
    has_rooms_rule = models.BooleanField(
        _("按户型标准限制"),
        default=True,
        help_text=_("规则模版中有“可配户型（居室数）”标准时，家庭只能选择居室数不超过标准的房源。"),
    )
    state = django_fsm.FSMField(
        _("状态"),
        max_length=12,
        choices=SelectionState.choices,
        default=SelectionState.PREPARING,
        protected=True,
    )
    started_at = models.DateTimeField(_("实际开始时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("实际结束时间"), null=True, blank=True)
    void_reason = models.TextField(_("作废原因"), blank=True, default="")
    created_at = models.DateTimeField(_("增加时间"), auto_now_add=True)
    created_by = user_fk(_("增加人"))
    updated_at = models.DateTimeField(_("最后更新时间"), auto_now=True)
    updated_by = user_fk(_("最后更新人"))

    class Meta:
        verbose_name = _("选房活动")
        verbose_name_plural = _("选房活动")
        ordering = ["-pk"]
        indexes = [
            models.Index(
                fields=["region_code"], name="allocation_selsession_rgn", opclasses=["varchar_pattern_ops"]
            )
        ]
        permissions = [
            ("run_selection", _("可以组织和主持选房")),
            ("review_selection", _("可以审核选房结果")),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("allocation:selection_session_detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        """The board and the results are public once the session has started."""
        return self.state in (SelectionState.RUNNING, SelectionState.ENDED)

    @django_fsm.transition(field=state, source=SelectionState.PREPARING, target=SelectionState.RUNNING)
    def start(self) -> None:
        pass

    @django_fsm.transition(field=state, source=SelectionState.RUNNING, target=SelectionState.ENDED)
    def end(self) -> None:
        pass

    @django_fsm.transition(field=state, source=SelectionState.PREPARING, target=SelectionState.VOIDED)
    def void(self) -> None:
        pass


class SelectionSlot(models.Model):
    """选房时段 = 配给分组: a time window in which ``families_per_slot`` families are called."""

    session = models.ForeignKey(
        SelectionSession, verbose_name=_("选房活动"), on_delete=models.CASCADE, related_name="slots"
    )
    number = models.PositiveSmallIntegerField(_("分组序号"))
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))

    class Meta:
        verbose_name = _("选房时段")
        verbose_name_plural = _("选房时段")
        ordering = ["session", "number"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="allocation_selslot_once"),
        ]

    def __str__(self) -> str:
        return _("第%(n)s组") % {"n": self.number}


class OrderStatus(models.TextChoices):
    WAITING = "waiting", _("待选")
    CHOOSING = "choosing", _("选房中")
    PICKED = "picked", _("已选")
    ABSENT = "absent", _("缺席")
    REFUSED = "refused", _("放弃")


class AllocationOrder(django_fsm.FSMModelMixin, models.Model):
    """保障对象配给顺序 (A.7.1): a family's place in a session's call order, and where it stands now.

    ``order_number`` (配给顺序) is the place given at creation and never changes; ``call_position`` is the
    place in the queue, moved to the end when the family is absent or refuses (顺延).
    """

    session = models.ForeignKey(
        SelectionSession, verbose_name=_("选房活动"), on_delete=models.CASCADE, related_name="orders"
    )
    registry_entry = models.ForeignKey(
        "admission.RegistryEntry",
        verbose_name=_("申请人编号"),
        on_delete=models.PROTECT,
        related_name="allocation_orders",
    )
    order_number = models.PositiveIntegerField(_("配给顺序"))
    slot = models.ForeignKey(
        SelectionSlot, verbose_name=_("配给分组"), on_delete=models.PROTECT, related_name="orders"
    )
    call_position = models.PositiveIntegerField(_("叫号位置"))
    status = django_fsm.FSMField(
        _("选房状态"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.WAITING, protected=True
    )
    household_size = models.PositiveSmallIntegerField(_("家庭人口数"), default=0)
    allowed_rooms = models.PositiveSmallIntegerField(_("可配户型（居室数）"), null=True, blank=True)
    rule_version = models.CharField(_("户型标准依据"), max_length=200, blank=True, default="")
    pass_count = models.PositiveSmallIntegerField(_("顺延次数"), default=0)
    called_at = models.DateTimeField(_("叫号时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("增加时间"), auto_now_add=True)
    created_by = user_fk(_("增加人"))
    updated_at = models.DateTimeField(_("最后更新时间"), auto_now=True)
    updated_by = user_fk(_("最后更新人"))

    class Meta:
        verbose_name = _("保障对象配给顺序")
        verbose_name_plural = _("保障对象配给顺序")
        ordering = ["session", "order_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "registry_entry"], name="allocation_selorder_family_once"
            ),
            models.UniqueConstraint(
                fields=["session", "order_number"], name="allocation_selorder_number_once"
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status", "call_position"], name="allocation_selorder_queue")
        ]

    def __str__(self) -> str:
        return f"{self.order_number} {self.registry_entry_id}"

    @property
    def masked_name(self) -> str:
        return mask_name(self.registry_entry.applicant_name)

    def fits(self, unit) -> bool:
        """A unit fits when its rooms do not exceed the family's standard (no standard: every unit)."""
        if self.allowed_rooms is None:
            return True
        return unit.rooms is not None and unit.rooms <= self.allowed_rooms

    @django_fsm.transition(field=status, source=OrderStatus.WAITING, target=OrderStatus.CHOOSING)
    def call(self) -> None:
        pass

    @django_fsm.transition(field=status, source=OrderStatus.CHOOSING, target=OrderStatus.PICKED)
    def pick(self) -> None:
        pass

    @django_fsm.transition(field=status, source=OrderStatus.CHOOSING, target=OrderStatus.WAITING)
    def move_down(self) -> None:
        """顺延: absent or refusing, called again after everyone else."""

    @django_fsm.transition(field=status, source=OrderStatus.CHOOSING, target=OrderStatus.ABSENT)
    def mark_absent(self) -> None:
        pass

    @django_fsm.transition(
        field=status, source=[OrderStatus.CHOOSING, OrderStatus.PICKED], target=OrderStatus.REFUSED
    )
    def mark_refused(self) -> None:
        pass

    @django_fsm.transition(field=status, source=OrderStatus.PICKED, target=OrderStatus.CHOOSING)
    def reopen(self) -> None:
        """审核不通过: the family chooses again."""


class SelectionUnit(models.Model):
    """A unit offered in a session (房源); whether it is still free is the unit's own state."""

    session = models.ForeignKey(
        SelectionSession, verbose_name=_("选房活动"), on_delete=models.CASCADE, related_name="offered"
    )
    unit = models.ForeignKey(
        "projects.Unit", verbose_name=_("房屋编号"), on_delete=models.PROTECT, related_name="selection_offers"
    )

    class Meta:
        verbose_name = _("选房房源")
        verbose_name_plural = _("选房房源")
        constraints = [
            models.UniqueConstraint(fields=["session", "unit"], name="allocation_selunit_once"),
        ]

    def __str__(self) -> str:
        return str(self.unit_id)


class PickState(models.TextChoices):
    ACTIVE = "active", _("有效")
    CANCELLED = "cancelled", _("已取消")


class SelectionPick(models.Model):
    """保障对象选房 (A.7.2): the unit a family chose. Cancelled picks stay (nothing is deleted)."""

    session = models.ForeignKey(
        SelectionSession, verbose_name=_("选房活动"), on_delete=models.PROTECT, related_name="picks"
    )
    order = models.ForeignKey(
        AllocationOrder, verbose_name=_("配给顺序"), on_delete=models.PROTECT, related_name="picks"
    )
    registry_entry = models.ForeignKey(
        "admission.RegistryEntry", verbose_name=_("申请人编号"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "projects.Unit", verbose_name=_("房屋编号"), on_delete=models.PROTECT, related_name="selection_picks"
    )
    is_reviewed = models.BooleanField(_("是否已审核"), default=False)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = user_fk(_("审核人"))
    state = models.CharField(
        _("选房结果状态"), max_length=12, choices=PickState.choices, default=PickState.ACTIVE
    )
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True, default="")
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    notice_number = models.CharField(_("入住通知书编号"), max_length=32, blank=True, default="")
    notice_document = models.ForeignKey(
        "documents.IssuedDocument",
        verbose_name=_("入住通知书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    archive_document = models.ForeignKey(
        "archive.Document",
        verbose_name=_("档案"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notice_error = models.TextField(_("出具失败原因"), blank=True, default="")
    created_at = models.DateTimeField(_("增加时间"), auto_now_add=True)
    created_by = user_fk(_("增加人"))
    updated_at = models.DateTimeField(_("最后更新时间"), auto_now=True)
    updated_by = user_fk(_("最后更新人"))

    class Meta:
        verbose_name = _("保障对象选房")
        verbose_name_plural = _("保障对象选房")
        ordering = ["session", "created_at", "pk"]
        constraints = [
            # The race is decided here: however many pick at once, one live pick per unit …
            models.UniqueConstraint(
                fields=["unit"], condition=Q(state="active"), name="allocation_selpick_unit_once"
            ),
            # … and one per family in a session.
            models.UniqueConstraint(
                fields=["session", "registry_entry"],
                condition=Q(state="active"),
                name="allocation_selpick_family_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.registry_entry_id} → {self.unit_id}"

    @property
    def is_active(self) -> bool:
        return self.state == PickState.ACTIVE


class EventKind(models.TextChoices):
    START = "start", _("开始选房")
    CALL = "call", _("叫号")
    PICK = "pick", _("选定房源")
    ABSENT = "absent", _("缺席")
    REFUSED = "refused", _("放弃")
    REVIEW = "review", _("审核通过")
    CANCEL = "cancel", _("取消选房结果")
    END = "end", _("结束选房")


class SelectionEvent(models.Model):
    """One row per action in a session (who, when, what): the session's log."""

    Kind = EventKind

    session = models.ForeignKey(
        SelectionSession, verbose_name=_("选房活动"), on_delete=models.CASCADE, related_name="events"
    )
    order = models.ForeignKey(
        AllocationOrder,
        verbose_name=_("配给顺序"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("操作"), max_length=12, choices=EventKind.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True, default="")
    actor = user_fk(_("操作人"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("选房记录")
        verbose_name_plural = _("选房记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.note}"
