"""Back-office pages of 保障退出: the list with the 扫描 button, a manual case, and a case with its notice,
completion and cancellation forms. Thin: forms → services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from admission.registry.models import RegistryEntry
from housing.accounts.scope import scope_queryset
from housing.backoffice.access import staff_permission_required
from housing.backoffice.forms import add_service_errors
from housing.backoffice.listing import Column, ScopedListView

from . import selectors
from .filters import ExitCaseFilter
from .forms import CancelForm, CompleteForm, ExitCaseForm, NoticeForm
from .models import MANAGE_PERMISSION, ExitState
from .services import exit_case_cancel, exit_case_complete, exit_case_notify, exit_case_open

VIEW = "allocation.view_exitcase"


def _crumb():
    return (_("保障退出"), reverse("allocation:exit_list"))


class ExitCaseListView(ScopedListView):
    title = gettext_lazy("保障退出")
    permission_required = VIEW
    filterset_class = ExitCaseFilter
    columns = [
        Column(gettext_lazy("退出编号"), "number", sort="number", link=True),
        Column(gettext_lazy("申请编号"), "registry_entry.application_number"),
        Column(gettext_lazy("申请人姓名"), "registry_entry.applicant_name"),
        Column(gettext_lazy("退出情形"), lambda r: r.get_trigger_display(), sort="trigger"),
        Column(gettext_lazy("退出原因"), "reason"),
        Column(gettext_lazy("退出状态"), lambda r: r.get_state_display(), sort="state"),
        Column(gettext_lazy("腾退期限"), "move_out_deadline", sort="move_out_deadline"),
    ]
    search_fields = (
        "number__iexact",
        "registry_entry__application_number__iexact",
        "registry_entry__applicant_name",
    )
    search_placeholder = gettext_lazy("退出编号、申请编号或姓名")
    default_ordering = ("-pk",)
    export_filename = "保障退出"
    template_name = "allocation/exits/list.html"

    def get_base_queryset(self):
        return selectors.exit_case_list(user=self.request.user)


@require_POST
@staff_permission_required(MANAGE_PERMISSION)
def exit_scan_view(request):
    """扫描: queued as a Celery job (runs at once where Celery is eager); a repeat adds nothing."""
    from .tasks import exit_scan_daily

    exit_scan_daily.delay(request.user.pk)
    messages.success(request, _("已开始扫描退出情形，完成后刷新本页查看（重复扫描不会新增）。"))
    return redirect("allocation:exit_list")


@staff_permission_required(MANAGE_PERMISSION)
def exit_case_create_view(request):
    form = ExitCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        number = data.pop("application_number").strip()
        entry = (
            scope_queryset(RegistryEntry.objects.all(), request.user)
            .filter(application_number=number)
            .first()
        )
        if entry is None:
            form.add_error(
                "application_number", _("您的管辖范围内没有申请编号为“%(n)s”的登记簿记录。") % {"n": number}
            )
        else:
            try:
                case = exit_case_open(entry=entry, actor=request.user, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已登记拟退出。"))
                return redirect(case.get_absolute_url())
    return render(request, "admission/form.html", {
        "form": form, "title": _("登记拟退出"), "submit_label": _("保存"),
        "cancel_url": reverse("allocation:exit_list"), "breadcrumbs": [_crumb(), (_("登记"), None)],
    })  # fmt: skip


ACTIONS = {
    "notify": (NoticeForm, exit_case_notify, gettext_lazy("已发出退出通知，通知书生成后可在本页查看。")),
    "complete": (CompleteForm, exit_case_complete, gettext_lazy("退出已办结。")),
    "cancel": (CancelForm, exit_case_cancel, gettext_lazy("退出案件已撤销。")),
}


@staff_permission_required(VIEW)
def exit_case_detail(request, pk: int):
    case = selectors.exit_case_get_for_user(user=request.user, pk=pk)
    can_manage = case.is_open and request.user.has_perm(MANAGE_PERMISSION)
    forms = {}
    if can_manage:
        today = timezone.localdate().isoformat()
        action = request.POST.get("action") if request.method == "POST" else None
        for name, (form_class, _service, _msg) in ACTIONS.items():
            if name == "notify" and case.state != ExitState.PROPOSED:
                continue
            bound = action == name
            forms[name] = form_class(
                request.POST if bound else None, prefix=name,
                initial={"notice_on": today, "exited_on": today},
            )  # fmt: skip
        if action in forms and forms[action].is_valid():
            form_class, service, message = ACTIONS[action]
            try:
                service(case=case, actor=request.user, **forms[action].cleaned_data)
            except ValidationError as exc:
                add_service_errors(forms[action], exc)
            else:
                messages.success(request, message)
                return redirect(case.get_absolute_url())
    credit = getattr(case, "credit_entry", None) if case.state == ExitState.EXITED else None
    return render(request, "allocation/exits/detail.html", {
        "case": case, "title": str(case), "forms": forms, "credit": credit,
        "events": case.events.select_related("actor"),
        "breadcrumbs": [_crumb(), (str(case), None)],
    })  # fmt: skip
