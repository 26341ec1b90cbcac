"""Pages of the workflow: my tasks, one task, case monitoring (flow picture) and statistics."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from housing.accounts.models import Role
from housing.backoffice.listing import Column, ScopedListView

from .calendar import WorkingCalendar
from .filters import ProcessInstanceFilter, TaskFilter
from .flowchart import build_flowchart
from .models import NodeState, ProcessInstance
from .selectors import (
    process_instance_get_for_user,
    process_instance_list,
    process_node_history,
    process_template_codes,
    task_get_for_user,
    task_inbox,
    workflow_statistics,
)


def _overdue_badge(node) -> str:
    if getattr(node, "overdue", False):
        return format_html('<span class="badge text-bg-danger">{}</span>', _("已超期"))
    return ""


class TaskListView(ScopedListView):
    """我的待办: every open node for my roles within my scope."""

    title = _("我的待办")
    columns = [
        Column(_("案件"), "process.title", sort="process__title"),
        Column(_("业务流程"), "process.template.name"),
        Column(_("办理环节"), "name", sort="name"),
        Column(_("接收时间"), "created_at", sort="created_at"),
        Column(_("办理期限"), "due_date", sort="due_date"),
        Column(_("剩余工作日"), "days_left"),
        Column(_("状态"), _overdue_badge),
    ]
    search_fields = ("process__title__icontains",)
    search_placeholder = _("案件名称")
    filterset_class = TaskFilter
    default_ordering = ("due_date", "created_at", "pk")

    def get_base_queryset(self):
        return task_inbox(user=self.request.user).select_related("process__template")

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        rows = list(object_list)
        calendar, today = WorkingCalendar(), timezone.localdate()
        for row in rows:
            row.days_left = calendar.working_days_between(today, row.due_date) if row.due_date else None
        page.object_list = rows
        return paginator, page, rows, is_paginated


def _flow_context(instance: ProcessInstance) -> dict:
    history = process_node_history(instance=instance)
    calendar, today = WorkingCalendar(), timezone.localdate()
    role_names = dict(Role.objects.values_list("code", "name"))
    for node in history:
        node.role_name = role_names.get(node.assigned_role_code, node.assigned_role_code)
        if node.working_days_taken is None and node.state == NodeState.OPEN:
            node.days_so_far = calendar.working_days_between(
                timezone.localtime(node.created_at).date(), today
            )
        else:
            node.days_so_far = node.working_days_taken
    subject = instance.subject if instance.content_type_id else None
    return {
        "instance": instance,
        "history": history,
        "chart": build_flowchart(instance=instance, history=history),
        "subject_url": getattr(subject, "get_absolute_url", lambda: "")() if subject is not None else "",
        "subject": subject,
    }


@login_required
def task_detail(request, pk: int):
    """One task (node instance) in my scope, with its case's flow; another region's task is a 404."""
    if request.user.is_applicant:
        return redirect("portal:home")
    node = task_get_for_user(user=request.user, pk=pk)
    instance = node.process
    context = _flow_context(instance)
    context.update(
        object=node,
        title=f"{instance.title} · {node.name}",
        breadcrumbs=[(_("我的待办"), reverse("workflow:tasks")), (node.name, None)],
        fields=[
            (_("案件"), instance.title),
            (_("业务流程"), f"{instance.template.name}（第 {instance.template.version} 版）"),
            (_("办理环节"), node.name),
            (_("当前状态"), node.get_state_display()),
            (_("接收时间"), timezone.localtime(node.created_at).strftime("%Y-%m-%d %H:%M")),
            (_("办理期限"), node.due_date),
            (_("办理人"), node.actor.display_name if node.actor else None),
            (_("办理意见"), node.opinion or None),
        ],
        task=node,
        tabs=[
            ("task", _("办理信息"), "workflow/_task_info.html"),
            ("flow", _("流程图"), "workflow/_flow.html"),
            ("history", _("办理记录"), "workflow/_node_history.html"),
        ],
        transitions=[],
    )
    return render(request, "workflow/detail.html", context)


class ProcessInstanceListView(ScopedListView):
    """流程监控: cases in my scope, by process and state."""

    title = _("流程监控")
    permission_required = "workflow.view_processinstance"
    columns = [
        Column(_("流程实例名称"), "title", sort="title"),
        Column(_("业务流程"), "template.name"),
        Column(_("流程版本号"), "template.version"),
        Column(_("当前节点"), lambda p: p.current_node.name if p.current_node else ""),
        Column(_("当前状态"), "state", sort="state"),
        Column(_("启动时间"), "started_at", sort="started_at"),
        Column(_("完成时间"), "finished_at", sort="finished_at"),
        Column(_("行政区划代码"), "region_code", sort="region_code"),
    ]
    search_fields = ("title__icontains",)
    search_placeholder = _("流程实例名称")
    filterset_class = ProcessInstanceFilter
    default_ordering = ("-started_at", "-pk")
    export_filename = "业务流程实例"

    def get_base_queryset(self):
        return process_instance_list(user=self.request.user)


@login_required
@permission_required("workflow.view_processinstance", raise_exception=True)
def instance_detail(request, pk: int):
    """One case's flow as a picture plus who did what when (§16.1.4-2)."""
    instance = process_instance_get_for_user(user=request.user, pk=pk)
    context = _flow_context(instance)
    context.update(
        object=instance,
        title=instance.title,
        breadcrumbs=[(_("流程监控"), reverse("workflow:instances")), (instance.title, None)],
        fields=[
            (_("业务流程"), f"{instance.template.name}（第 {instance.template.version} 版）"),
            (_("业务分类"), instance.category or None),
            (_("当前状态"), instance.get_state_display()),
            (_("当前节点"), instance.current_node.name if instance.current_node else None),
            (_("启动时间"), timezone.localtime(instance.started_at).strftime("%Y-%m-%d %H:%M")),
            (
                _("完成时间"),
                timezone.localtime(instance.finished_at).strftime("%Y-%m-%d %H:%M")
                if instance.finished_at
                else None,
            ),
            (_("行政区划代码"), instance.region_code),
        ],
        tabs=[
            ("flow", _("流程图"), "workflow/_flow.html"),
            ("history", _("办理记录"), "workflow/_node_history.html"),
            ("info", _("基本信息"), "workflow/_task_info.html"),
        ],
        transitions=[],
    )
    return render(request, "workflow/detail.html", context)


@login_required
@permission_required("workflow.view_processinstance", raise_exception=True)
def statistics(request):
    """流程统计: counts, average working days and overdue counts by process, node and handler."""
    choices = process_template_codes()
    process_code = request.GET.get("process", "")
    if process_code not in {code for code, _name in choices}:
        process_code = ""
    context = {
        "title": _("流程统计"),
        "breadcrumbs": [(_("流程统计"), None)],
        "process_choices": choices,
        "process_code": process_code,
        **workflow_statistics(user=request.user, process_code=process_code),
    }
    return render(request, "workflow/statistics.html", context)
