"""业务流程 (CJJ/T 196 A.3.2–A.3.7, §16.1.4): versioned process templates and the instances
every state transition of every business object writes, plus the working-day calendar.

Templates are data (DESIGN §4 rule 3): which roles handle a node, its time limit and publicity
days come from these rows, not from code. A running case keeps the template version it started on.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from housing.regions.models import RegionScoped


class ProcessTemplate(models.Model):
    """A.3.2 业务流程模板. An active version is never edited: a change is a new version."""

    code = models.CharField(_("流程模板编号"), max_length=32)
    name = models.CharField(_("流程名称"), max_length=100)
    description = models.TextField(_("流程描述"), blank=True)
    category = models.CharField(_("业务分类"), max_length=50, blank=True)
    version = models.PositiveIntegerField(_("流程模板版本"), default=1)
    is_active = models.BooleanField(_("是否激活"), default=False)
    defined_at = models.DateTimeField(_("定义时间"), default=timezone.now)
    precondition = models.CharField(_("前置条件"), max_length=500, blank=True)
    postcondition = models.CharField(_("后置条件"), max_length=500, blank=True)
    extra = models.JSONField(_("扩展属性"), default=dict, blank=True)

    class Meta:
        verbose_name = _("业务流程模板")
        verbose_name_plural = _("业务流程模板")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="workflow_template_code_version"),
            # Exactly one version of a process is used for new cases.
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(is_active=True), name="workflow_template_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code} v{self.version}）"

    @property
    def start_node(self) -> NodeTemplate | None:
        """开始节点: the first node of kind start (or the first node) in order."""
        nodes = sorted(self.nodes.all(), key=lambda n: (n.kind != NodeKind.START, n.order, n.pk))
        return nodes[0] if nodes else None


class NodeKind(models.TextChoices):
    START = "start", _("开始")
    TASK = "task", _("办理")
    PUBLICITY = "publicity", _("公示")
    END = "end", _("结束")


class NodeTemplate(models.Model):
    """A.3.3 业务节点模板."""

    process = models.ForeignKey(
        ProcessTemplate, verbose_name=_("流程模板编号"), on_delete=models.CASCADE, related_name="nodes"
    )
    code = models.CharField(
        _("节点模板编号"), max_length=32, help_text=_("流程内唯一的稳定编号，业务代码按此编号指定下一节点。")
    )
    name = models.CharField(_("节点名称"), max_length=100)
    description = models.CharField(_("节点描述"), max_length=500, blank=True)
    kind = models.CharField(_("节点类型"), max_length=16, choices=NodeKind.choices, default=NodeKind.TASK)
    time_limit_days = models.PositiveSmallIntegerField(
        _("办理时限（工作日）"), null=True, blank=True, help_text=_("为空表示不限时。")
    )
    publicity_days = models.PositiveSmallIntegerField(
        _("公示天数（工作日）"), null=True, blank=True, help_text=_("公示节点的公示期，按工作日计算。")
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("业务节点模板")
        verbose_name_plural = _("业务节点模板")
        ordering = ["process", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["process", "code"], name="workflow_node_code_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def limit_days(self) -> int | None:
        """Working days a node instance has: the publicity period for 公示, else the time limit."""
        if self.kind == NodeKind.PUBLICITY and self.publicity_days:
            return self.publicity_days
        return self.time_limit_days


class ParticipantKind(models.TextChoices):
    HANDLER = "handler", _("承办")
    INFORMED = "informed", _("知会")


class NodeParticipant(models.Model):
    """A.3.4 节点参与者模板: a role that handles (or is informed of) a node."""

    node = models.ForeignKey(
        NodeTemplate, verbose_name=_("节点模板编号"), on_delete=models.CASCADE, related_name="participants"
    )
    role_code = models.CharField(_("参与者角色编号"), max_length=32)
    kind = models.CharField(
        _("参与者角色类型"), max_length=16, choices=ParticipantKind.choices, default=ParticipantKind.HANDLER
    )

    class Meta:
        verbose_name = _("节点参与者模板")
        verbose_name_plural = _("节点参与者模板")
        ordering = ["node", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["node", "role_code"], name="workflow_participant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.node} · {self.role_code}"


class NodeLink(models.Model):
    """A.3.5 节点关联模板: an arrow from one node to the next; the highest priority wins by default."""

    process = models.ForeignKey(
        ProcessTemplate, verbose_name=_("流程模板编号"), on_delete=models.CASCADE, related_name="links"
    )
    from_node = models.ForeignKey(
        NodeTemplate, verbose_name=_("前导节点编号"), on_delete=models.CASCADE, related_name="outgoing"
    )
    to_node = models.ForeignKey(
        NodeTemplate, verbose_name=_("后继节点编号"), on_delete=models.CASCADE, related_name="incoming"
    )
    priority = models.SmallIntegerField(_("优先级"), default=0, help_text=_("数值大者优先。"))
    condition = models.CharField(_("条件"), max_length=500, blank=True)
    name = models.CharField(_("节点关联名称"), max_length=100, blank=True)
    description = models.CharField(_("节点关联描述"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("节点关联模板")
        verbose_name_plural = _("节点关联模板")
        ordering = ["process", "-priority", "pk"]

    def __str__(self) -> str:
        return self.name or f"{self.from_node} → {self.to_node}"


class ProcessState(models.TextChoices):
    RUNNING = "running", _("办理中")
    FINISHED = "finished", _("已办结")
    CANCELLED = "cancelled", _("已撤销")


class ProcessInstance(RegionScoped):
    """A.3.6 业务流程实例: one case (一事) running through one template version."""

    template = models.ForeignKey(
        ProcessTemplate, verbose_name=_("流程模板编号"), on_delete=models.PROTECT, related_name="instances"
    )
    process_code = models.CharField(_("流程编号"), max_length=32, editable=False)
    title = models.CharField(_("流程实例名称"), max_length=200)
    priority = models.SmallIntegerField(_("优先级"), default=0)
    description = models.CharField(_("描述"), max_length=500, blank=True)
    category = models.CharField(_("业务分类"), max_length=50, blank=True)
    state = models.CharField(
        _("当前状态"), max_length=16, choices=ProcessState.choices, default=ProcessState.RUNNING
    )
    started_at = models.DateTimeField(_("启动时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("业务对象类型"), null=True, blank=True, on_delete=models.PROTECT
    )
    object_id = models.CharField(_("业务对象编号"), max_length=64, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    current_node = models.ForeignKey(
        "NodeInstance",
        verbose_name=_("当前节点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("业务流程实例")
        verbose_name_plural = _("业务流程实例")
        ordering = ["-started_at", "-pk"]
        indexes = [
            *RegionScoped.Meta.indexes,
            models.Index(fields=["content_type", "object_id"], name="workflow_pi_subject"),
        ]
        constraints = [
            # One running case per business object and process: the transition helper relies on it.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "process_code"],
                condition=models.Q(state="running") & ~models.Q(object_id=""),
                name="workflow_pi_one_running_per_subject",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workflow:instance_detail", args=[self.pk])


class NodeState(models.TextChoices):
    OPEN = "open", _("待办")
    DONE = "done", _("已办")
    CANCELLED = "cancelled", _("已撤销")


class NodeInstance(RegionScoped):
    """A.3.7 业务节点实例: one visit of a case to a node — who handled it, when, from/to state, opinion."""

    process = models.ForeignKey(
        ProcessInstance, verbose_name=_("流程实例编号"), on_delete=models.CASCADE, related_name="nodes"
    )
    previous = models.ForeignKey(
        "self", verbose_name=_("前一节点实例编号"), null=True, blank=True, on_delete=models.SET_NULL
    )
    node_template = models.ForeignKey(
        NodeTemplate, verbose_name=_("节点模板编号"), on_delete=models.PROTECT, related_name="instances"
    )
    name = models.CharField(_("实例名称"), max_length=100)
    kind = models.CharField(_("实例类型"), max_length=16, choices=NodeKind.choices)
    state = models.CharField(_("当前状态"), max_length=16, choices=NodeState.choices, default=NodeState.OPEN)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    priority = models.SmallIntegerField(_("优先级"), default=0)
    description = models.CharField(_("描述"), max_length=500, blank=True)
    assigned_role_code = models.CharField(_("承办角色"), max_length=32, blank=True)
    due_date = models.DateField(_("办理期限"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    transition = models.CharField(_("办理动作"), max_length=64, blank=True)
    from_state = models.CharField(_("办理前状态"), max_length=32, blank=True)
    to_state = models.CharField(_("办理后状态"), max_length=32, blank=True)
    opinion = models.TextField(_("办理意见"), blank=True)
    working_days_taken = models.PositiveIntegerField(_("办理用时（工作日）"), null=True, blank=True)
    due_reminded_at = models.DateTimeField(_("到期提醒时间"), null=True, blank=True)
    overdue_reminded_at = models.DateTimeField(_("超期提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("业务节点实例")
        verbose_name_plural = _("业务节点实例")
        ordering = ["process", "created_at", "pk"]
        indexes = [
            *RegionScoped.Meta.indexes,
            # The inbox: open nodes of a role, by due date.
            models.Index(
                fields=["assigned_role_code", "due_date"],
                condition=models.Q(state="open"),
                name="workflow_ni_open_inbox",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process.title} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("workflow:task_detail", args=[self.pk])

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """超期: still open after its due date, or finished after it. The due date itself is on time."""
        if self.due_date is None:
            return False
        if self.state == NodeState.OPEN:
            return (today or timezone.localdate()) > self.due_date
        if self.finished_at is not None:
            return timezone.localtime(self.finished_at).date() > self.due_date
        return False


class CalendarSource(models.TextChoices):
    LIBRARY = "library", _("节假日库导入")
    MANUAL = "manual", _("人工录入")


class CalendarDay(models.Model):
    """工作日历: a day that differs from (or confirms) the library — a holiday or a make-up working day.

    A row always wins over the library; days without a row follow ``chinese_calendar`` and, for
    years it does not know, Monday–Friday.
    """

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("名称"), max_length=50, blank=True, help_text=_("如：国庆节、国庆节调休上班。"))
    source = models.CharField(
        _("来源"), max_length=16, choices=CalendarSource.choices, default=CalendarSource.MANUAL
    )

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        ordering = ["date"]

    def __str__(self) -> str:
        kind = _("工作日") if self.is_working_day else _("休息日")
        return f"{self.date:%Y-%m-%d} {kind} {self.name}".strip()


class ProcessInstanceUserObjectPermission(UserObjectPermissionBase):
    """核查指派: one case granted to one user outside their region (django-guardian, direct FK)."""

    content_object = models.ForeignKey(
        ProcessInstance, verbose_name=_("业务流程实例"), on_delete=models.CASCADE
    )

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("案件授权")
        verbose_name_plural = _("案件授权")
