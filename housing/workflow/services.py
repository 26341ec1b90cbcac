"""Writes of the workflow: template versions, the transition helper, reminders, calendar seeding.

``workflow_record_transition`` is THE helper every FSM transition of every business object calls
(DESIGN §4 rule 3, CJJ/T 196 A.3.6/A.3.7). Business code normally reaches it through the
``records_workflow`` decorator in ``housing.workflow.fsm``.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.audit.services import AuditAction, audit_record

from .calendar import WorkingCalendar, library_knows_year
from .models import (
    CalendarDay,
    CalendarSource,
    NodeInstance,
    NodeKind,
    NodeLink,
    NodeParticipant,
    NodeState,
    NodeTemplate,
    ParticipantKind,
    ProcessInstance,
    ProcessState,
    ProcessTemplate,
)

logger = logging.getLogger(__name__)

try:
    # housing.notify (the SMS / in-site outbox) is a sibling platform app; the workflow must not
    # fail to import if it is absent or broken. Reminders then only show as badges in the inbox.
    from housing.notify.services import notify_send
except ImportError:  # pragma: no cover - depends on which subsystems are installed
    notify_send = None


# --- templates ----------------------------------------------------------------------------------


@transaction.atomic
def process_template_new_version(*, template: ProcessTemplate, actor=None) -> ProcessTemplate:
    """复制为新版本: an inactive draft copy (nodes, participants, links) to edit instead of the active one."""
    source = ProcessTemplate.objects.select_for_update().get(pk=template.pk)
    latest = ProcessTemplate.objects.filter(code=source.code).aggregate(v=models.Max("version"))["v"]
    draft = ProcessTemplate.objects.create(
        code=source.code,
        name=source.name,
        description=source.description,
        category=source.category,
        version=latest + 1,
        is_active=False,
        precondition=source.precondition,
        postcondition=source.postcondition,
        extra=source.extra,
    )
    node_map: dict[int, NodeTemplate] = {}
    for node in source.nodes.prefetch_related("participants"):
        copy = NodeTemplate.objects.create(
            process=draft,
            code=node.code,
            name=node.name,
            description=node.description,
            kind=node.kind,
            time_limit_days=node.time_limit_days,
            publicity_days=node.publicity_days,
            order=node.order,
        )
        NodeParticipant.objects.bulk_create(
            NodeParticipant(node=copy, role_code=p.role_code, kind=p.kind) for p in node.participants.all()
        )
        node_map[node.pk] = copy
    NodeLink.objects.bulk_create(
        NodeLink(
            process=draft,
            from_node=node_map[link.from_node_id],
            to_node=node_map[link.to_node_id],
            priority=link.priority,
            condition=link.condition,
            name=link.name,
            description=link.description,
        )
        for link in source.links.all()
    )
    audit_record(action=AuditAction.CREATE, obj=draft, actor=actor, description=_("复制流程模板为新版本"))
    return draft


@transaction.atomic
def process_template_activate(*, template: ProcessTemplate, actor=None) -> ProcessTemplate:
    """激活: new cases use this version; running cases stay on the version they started with."""
    if not template.nodes.exists():
        raise ValidationError(_("流程模板没有任何节点，不能激活。"))
    # Lock every version of the process so two activations cannot both leave one active.
    list(ProcessTemplate.objects.select_for_update().filter(code=template.code))
    ProcessTemplate.objects.filter(code=template.code, is_active=True).exclude(pk=template.pk).update(
        is_active=False
    )
    template.is_active = True
    template.save(update_fields=["is_active"])
    audit_record(
        action=AuditAction.UPDATE,
        obj=template,
        actor=actor,
        changes={"is_active": True},
        description=_("激活流程模板版本 %(v)s") % {"v": template.version},
    )
    return template


# --- instances ----------------------------------------------------------------------------------


def _handler_role(node: NodeTemplate) -> str:
    for participant in node.participants.all():
        if participant.kind == ParticipantKind.HANDLER:
            return participant.role_code
    return ""


def _open_node(
    *,
    instance: ProcessInstance,
    node: NodeTemplate,
    previous: NodeInstance | None,
    now: datetime.datetime,
    calendar: WorkingCalendar,
) -> NodeInstance:
    limit = node.limit_days
    received = timezone.localtime(now).date()
    return NodeInstance.objects.create(
        process=instance,
        previous=previous,
        node_template=node,
        name=node.name,
        kind=node.kind,
        state=NodeState.OPEN,
        created_at=now,
        priority=instance.priority,
        assigned_role_code=_handler_role(node),
        region_code=instance.region_code,
        due_date=calendar.add_working_days(received, limit) if limit else None,
    )


def _close_node(
    *,
    node: NodeInstance,
    actor,
    transition: str,
    from_state: str,
    to_state: str,
    opinion: str,
    now: datetime.datetime,
    calendar: WorkingCalendar,
) -> NodeInstance:
    node.state = NodeState.DONE
    node.actor = actor
    node.transition = transition
    node.from_state = from_state
    node.to_state = to_state
    node.opinion = opinion
    node.finished_at = now
    node.working_days_taken = max(
        calendar.working_days_between(
            timezone.localtime(node.created_at).date(), timezone.localtime(now).date()
        ),
        0,
    )
    node.save(
        update_fields=[
            "state",
            "actor",
            "transition",
            "from_state",
            "to_state",
            "opinion",
            "finished_at",
            "working_days_taken",
        ]
    )
    return node


def _next_node(
    *, instance: ProcessInstance, current: NodeTemplate, next_node_code: str | None
) -> NodeTemplate | None:
    if next_node_code:
        try:
            return instance.template.nodes.prefetch_related("participants").get(code=next_node_code)
        except NodeTemplate.DoesNotExist as exc:
            raise ValidationError(
                _("流程“%(process)s”第 %(version)s 版没有编号为“%(code)s”的节点。")
                % {
                    "process": instance.template.name,
                    "version": instance.template.version,
                    "code": next_node_code,
                }
            ) from exc
    link = (
        NodeLink.objects.filter(from_node=current)
        .select_related("to_node")
        .prefetch_related("to_node__participants")
        .order_by("-priority", "pk")
        .first()
    )
    return link.to_node if link else None


def process_instance_start(
    *,
    process_code: str,
    region_code: str,
    title: str,
    subject=None,
    is_demo: bool = False,
    now: datetime.datetime | None = None,
) -> ProcessInstance:
    """Start a case on the active version of ``process_code`` (no node opened yet)."""
    template = ProcessTemplate.objects.filter(code=process_code, is_active=True).first()
    if template is None:
        raise ValidationError(_("流程“%(code)s”没有已激活的模板版本。") % {"code": process_code})
    instance = ProcessInstance(
        template=template,
        process_code=template.code,
        title=title[:200],
        category=template.category,
        region_code=region_code,
        started_at=now or timezone.now(),
        is_demo=is_demo,
    )
    if subject is not None:
        instance.content_type = ContentType.objects.get_for_model(subject, for_concrete_model=False)
        instance.object_id = str(subject.pk)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def process_instance_advance(
    *,
    instance: ProcessInstance,
    actor,
    transition: str,
    from_state: str,
    to_state: str,
    opinion: str = "",
    next_node_code: str | None = None,
    now: datetime.datetime | None = None,
) -> NodeInstance:
    """Close the case's current node with this transition and open the next one.

    A case with no node yet (just started) records the transition on its start node. When no
    next node follows (no link, or an end node nobody handles), the case is finished.
    Returns the node instance that records this transition.
    """
    now = now or timezone.now()
    calendar = WorkingCalendar()
    instance = ProcessInstance.objects.select_for_update().select_related("template").get(pk=instance.pk)
    if instance.state != ProcessState.RUNNING:
        raise ValidationError(_("流程“%(title)s”已结束，不能继续办理。") % {"title": instance.title})
    current = instance.current_node
    if current is None:
        start = instance.template.start_node
        if start is None:
            raise ValidationError(_("流程模板没有任何节点。"))
        current = _open_node(instance=instance, node=start, previous=None, now=now, calendar=calendar)
    elif current.state != NodeState.OPEN:
        raise ValidationError(_("当前节点已办理，请刷新后重试。"))
    closed = _close_node(
        node=current,
        actor=actor,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        opinion=opinion,
        now=now,
        calendar=calendar,
    )
    following = _next_node(instance=instance, current=current.node_template, next_node_code=next_node_code)
    opened = None
    if following is not None:
        opened = _open_node(instance=instance, node=following, previous=closed, now=now, calendar=calendar)
        if following.kind == NodeKind.END and not opened.assigned_role_code:
            # An end node nobody handles is reached, not worked on: the case is complete.
            _close_node(
                node=opened,
                actor=actor,
                transition="",
                from_state=to_state,
                to_state=to_state,
                opinion="",
                now=now,
                calendar=calendar,
            )
            opened = None
    if opened is None:
        instance.state = ProcessState.FINISHED
        instance.finished_at = now
        instance.current_node = None
    else:
        instance.current_node = opened
    instance.save(update_fields=["state", "finished_at", "current_node"])
    return closed


def workflow_record_transition(
    *,
    obj,
    actor,
    transition: str,
    from_state: str,
    to_state: str,
    opinion: str = "",
    process_code: str,
    next_node_code: str | None = None,
) -> NodeInstance:
    """Record one FSM transition of a business object in its process (A.3.6/A.3.7) and the audit log.

    Finds the object's running case of ``process_code`` (or starts one on the active template
    version), closes the current node with who/when/from/to/opinion, opens ``next_node_code`` or
    the highest-priority linked node with its due date in working days, and writes an audit event.
    The new node appears at once in its roles' inbox (我的待办) and its handlers get a 新待办
    message; ``remind_due_nodes`` messages them again before the due date and when overdue.
    ``obj`` needs ``pk`` and ``region_code``.
    Returns the node instance recording this transition.
    """
    region_code = getattr(obj, "region_code", "")
    if not region_code:
        raise ValidationError(_("业务对象没有行政区划代码，无法进入业务流程。"))
    with transaction.atomic():
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        instance = (
            ProcessInstance.objects.select_for_update()
            .filter(
                content_type=content_type,
                object_id=str(obj.pk),
                process_code=process_code,
                state=ProcessState.RUNNING,
            )
            .first()
        )
        if instance is None:
            instance = process_instance_start(
                process_code=process_code, region_code=region_code, title=str(obj), subject=obj
            )
        node = process_instance_advance(
            instance=instance,
            actor=actor,
            transition=transition,
            from_state=from_state,
            to_state=to_state,
            opinion=opinion,
            next_node_code=next_node_code,
        )
        audit_record(
            action=AuditAction.TRANSITION,
            obj=obj,
            actor=actor,
            changes={"from": from_state, "to": to_state},
            description=opinion,
        )
        instance.refresh_from_db(fields=["current_node"])
        if instance.current_node is not None and instance.current_node.state == NodeState.OPEN:
            # 新待办: the handlers of the new node hear of it at once (sent after commit).
            _send(instance.current_node, template_code="workflow.node_opened")
    return node


@transaction.atomic
def process_instance_cancel(*, instance: ProcessInstance, actor, reason: str) -> ProcessInstance:
    """撤销: the case stops (application withdrawn); its open node is cancelled, history kept."""
    instance = ProcessInstance.objects.select_for_update().get(pk=instance.pk)
    if instance.state != ProcessState.RUNNING:
        raise ValidationError(_("流程已结束，不能撤销。"))
    now = timezone.now()
    NodeInstance.objects.filter(process=instance, state=NodeState.OPEN).update(
        state=NodeState.CANCELLED, finished_at=now, actor=actor, opinion=reason
    )
    instance.state = ProcessState.CANCELLED
    instance.finished_at = now
    instance.current_node = None
    instance.save(update_fields=["state", "finished_at", "current_node"])
    audit_record(
        action=AuditAction.TRANSITION,
        obj=instance,
        actor=actor,
        changes={"from": ProcessState.RUNNING, "to": ProcessState.CANCELLED},
        description=reason,
    )
    return instance


# --- notifications and reminders ----------------------------------------------------------------


def node_recipients(node: NodeInstance) -> list:
    """Active staff who hold the node's role over a region containing the case."""
    from housing.accounts.models import RoleAssignment
    from housing.regions.codes import scope_prefix

    if not node.assigned_role_code:
        return []
    assignments = RoleAssignment.objects.filter(
        role__code=node.assigned_role_code, user__is_active=True
    ).select_related("user", "region")
    users = {}
    for assignment in assignments:
        if node.region_code.startswith(scope_prefix(assignment.region.code)):
            users[assignment.user_id] = assignment.user
    return list(users.values())


def _send(node: NodeInstance, *, template_code: str) -> int:
    """Store an in-site message per recipient in the notify outbox (sent by it after commit).

    Without ``housing.notify`` installed nothing is sent; the inbox still shows the overdue badge.
    """
    if notify_send is None:
        return 0
    recipients = node_recipients(node)
    for user in recipients:
        notify_send(
            template_code=template_code,
            recipient=user,
            context={
                "name": user.display_name,
                "case_title": node.process.title,
                "node_name": node.name,
                "due_date": f"{node.due_date:%Y-%m-%d}" if node.due_date else "",
                "url": node.get_absolute_url(),
            },
            channels=("site",),
        )
    return len(recipients)


@dataclass(frozen=True)
class ReminderResult:
    due_soon: int
    overdue: int


def nodes_remind_due(*, today: datetime.date | None = None) -> ReminderResult:
    """到期提醒与超期标记: once per node per kind, however often the hourly task runs.

    A node due within one working day gets a "due soon" reminder; a node past its due date gets
    an "overdue" one. The ``*_reminded_at`` stamp is set by a conditional UPDATE in the same
    transaction that stores the messages, so two overlapping runs cannot both send, and a failed
    send leaves the node unstamped for the next run.
    """
    today = today or timezone.localdate()
    soon = WorkingCalendar().add_working_days(today, 1)
    open_nodes = NodeInstance.objects.filter(state=NodeState.OPEN, due_date__isnull=False)
    kinds = [
        (
            "overdue",
            open_nodes.filter(due_date__lt=today, overdue_reminded_at__isnull=True),
            "overdue_reminded_at",
            "workflow.node_overdue",
        ),
        (
            "due_soon",
            open_nodes.filter(due_date__gte=today, due_date__lte=soon, due_reminded_at__isnull=True),
            "due_reminded_at",
            "workflow.node_due",
        ),
    ]
    counts = {}
    for kind, queryset, stamp_field, template_code in kinds:
        counts[kind] = 0
        for pk in list(queryset.order_by("due_date", "pk").values_list("pk", flat=True)[:5000]):
            try:
                with transaction.atomic():
                    claimed = NodeInstance.objects.filter(pk=pk, **{f"{stamp_field}__isnull": True}).update(
                        **{stamp_field: timezone.now()}
                    )
                    if not claimed:
                        continue
                    _send(
                        NodeInstance.objects.select_related("process").get(pk=pk), template_code=template_code
                    )
            except Exception:  # one broken node (or outbox) must not stop the reminders of the others
                logger.exception("workflow reminder %s failed for node %s", kind, pk)
                continue
            counts[kind] += 1
    return ReminderResult(due_soon=counts["due_soon"], overdue=counts["overdue"])


# --- calendar ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarSeedResult:
    created: int
    updated: int
    kept_manual: int


@transaction.atomic
def calendar_seed_year(*, year: int) -> CalendarSeedResult:
    """Copy the library's holidays and make-up working days of ``year`` into editable rows.

    Rows an administrator entered by hand (source=manual) are never overwritten. Running it again
    changes nothing that is already there.
    """
    import chinese_calendar

    if not library_knows_year(year):
        raise ValidationError(
            _("节假日库没有 %(year)s 年的数据，请在管理后台按国务院办公厅通知逐日录入。") % {"year": year}
        )
    wanted: dict[datetime.date, tuple[bool, str]] = {}
    for day, holiday in chinese_calendar.holidays.items():
        if day.year == year and day.weekday() < 5:
            wanted[day] = (False, _holiday_name(holiday))
    for day, holiday in chinese_calendar.workdays.items():
        if day.year == year and day.weekday() >= 5:
            wanted[day] = (True, _("%(name)s调休上班") % {"name": _holiday_name(holiday)})
    existing = {row.date: row for row in CalendarDay.objects.filter(date__year=year)}
    created = updated = kept = 0
    for day, (is_working, name) in sorted(wanted.items()):
        row = existing.get(day)
        if row is None:
            CalendarDay.objects.create(
                date=day, is_working_day=is_working, name=name, source=CalendarSource.LIBRARY
            )
            created += 1
        elif row.source == CalendarSource.MANUAL:
            kept += 1
        elif (row.is_working_day, row.name) != (is_working, name):
            row.is_working_day, row.name = is_working, name
            row.save(update_fields=["is_working_day", "name"])
            updated += 1
    return CalendarSeedResult(created=created, updated=updated, kept_manual=kept)


def _holiday_name(holiday) -> str:
    chinese = getattr(holiday, "chinese", None)
    if chinese:
        return chinese
    from chinese_calendar.constants import Holiday

    for member in Holiday:
        if member.value == holiday:
            return member.chinese
    return str(holiday)
