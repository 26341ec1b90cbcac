"""Auditor pages (event list and detail) and the reveal endpoint for masked fields."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from housing.backoffice.listing import Column, ScopedListView

from .filters import AuditEventFilter
from .reveal import get_spec
from .selectors import audit_event_changes, audit_event_get_for_user, audit_event_list, object_type_label
from .services import sensitive_reveal

EXPORT_PERMISSION = "audit.export_auditevent"


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


class AuditEventListView(ScopedListView):
    """操作审计: nothing here deletes or changes an event; export needs its own permission."""

    title = _("操作审计")
    permission_required = "audit.view_auditevent"
    filterset_class = AuditEventFilter
    columns = [
        Column(_("发生时间"), lambda e: _local(e.occurred_at), sort="occurred_at"),
        Column(_("操作人"), lambda e: e.actor_name or _("系统"), sort="actor_name"),
        Column(_("操作类型"), "action", sort="action"),
        Column(_("对象类型"), lambda e: object_type_label(e.object_type), sort="object_type"),
        Column(_("对象"), "object_repr"),
        Column(_("说明"), "description"),
        Column(_("IP地址"), "ip_address"),
        Column(_("行政区划代码"), "region_code", sort="region_code"),
    ]
    search_fields = ("object_repr__icontains", "description__icontains")
    search_placeholder = _("对象或说明")
    default_ordering = ("-occurred_at", "-id")

    @property
    def export_filename(self) -> str | None:
        # ScopedListView exports (and shows the button) only when this is set.
        return "审计事件" if self.request.user.has_perm(EXPORT_PERMISSION) else None

    def get_base_queryset(self):
        return audit_event_list(user=self.request.user)


@login_required
@permission_required("audit.view_auditevent", raise_exception=True)
def audit_event_detail(request, pk: int):
    if request.user.is_applicant:
        return redirect("portal:home")
    event = audit_event_get_for_user(user=request.user, pk=pk)
    context = {
        "object": event,
        "title": _("审计事件 #%(pk)s") % {"pk": event.pk},
        "breadcrumbs": [(_("操作审计"), reverse("audit:events")), (f"#{event.pk}", None)],
        "fields": [
            (_("发生时间"), _local(event.occurred_at)),
            (_("操作人"), event.actor_name or _("系统")),
            (_("操作类型"), event.get_action_display()),
            (_("对象类型"), object_type_label(event.object_type)),
            (_("对象编号"), event.object_id),
            (_("对象"), event.object_repr),
            (_("说明"), event.description),
            (_("IP地址"), event.ip_address),
            (_("请求编号"), event.request_id),
            (_("行政区划代码"), event.region_code),
        ],
        "changes": audit_event_changes(event),
        "tabs": [
            ("changes", _("变更字段"), "audit/_changes.html"),
            ("info", _("基本信息"), "backoffice/_fields.html"),
        ],
        "transitions": [],
    }
    return render(request, "backoffice/detail.html", context)


@require_POST
@login_required
def reveal(request, model: str, pk: str, field: str):
    """htmx: swap a masked value for the clear one, and log that it was seen (VIEW_SENSITIVE)."""
    if request.user.is_applicant:
        raise PermissionDenied
    spec = get_spec(model, field)
    if spec is None:
        raise Http404
    if not spec.allowed(request.user):
        raise PermissionDenied
    obj = spec.get_object(user=request.user, pk=pk)
    value = sensitive_reveal(actor=request.user, obj=obj, field=field)
    response = render(request, "audit/_revealed.html", {"value": value})
    response["Cache-Control"] = "no-store"
    return response
