"""Back-office pages of 补贴发放: due list with the run button, review of held rows, batches with the bank
file export and the result import, re-issue of failed payments. Thin: forms → services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from housing.backoffice.access import staff_permission_required
from housing.backoffice.forms import add_service_errors
from housing.backoffice.listing import Column, ScopedListView

from . import selectors
from .filters import PaymentBatchFilter, SubsidyDueFilter
from .forms import BatchCreateForm, DueRunForm, ReissueForm, ResultUploadForm, ReviewForm
from .models import PaymentStatus, SubsidyDueState
from .services import (
    bank_result_import,
    payment_batch_create,
    payment_batch_export,
    subsidy_due_cancel,
    subsidy_due_release,
    subsidy_payment_reissue,
)

VIEW, RUN, REVIEW = "allocation.view_subsidydue", "allocation.run_subsidy", "allocation.review_subsidy"


def _crumb():
    return (_("补贴应发"), reverse("allocation:subsidies_due_list"))


class SubsidyDueListView(ScopedListView):
    title = gettext_lazy("补贴应发")
    permission_required = VIEW
    filterset_class = SubsidyDueFilter
    columns = [
        Column(gettext_lazy("应发编号"), "number", sort="number", link=True),
        Column(gettext_lazy("补贴期间"), "period", sort="period"),
        Column(gettext_lazy("申请编号"), "registry_entry.application_number"),
        Column(gettext_lazy("申请人姓名"), "registry_entry.applicant_name"),
        Column(gettext_lazy("协议编号"), "agreement.number"),
        Column(gettext_lazy("原标准金额"), "standard_amount"),
        Column(gettext_lazy("补贴金额"), "amount", sort="amount"),
        Column(gettext_lazy("发放状态"), lambda d: d.get_state_display(), sort="state"),
        Column(gettext_lazy("暂缓发放原因"), lambda d: d.hold_reason_text or "—"),
    ]
    search_fields = (
        "number__iexact",
        "registry_entry__application_number__iexact",
        "registry_entry__applicant_name",
    )
    search_placeholder = gettext_lazy("应发编号、申请编号或姓名")
    default_ordering = ("-period", "-pk")
    export_filename = "补贴应发"
    template_name = "allocation/subsidies/due_list.html"

    def get_base_queryset(self):
        return selectors.subsidy_due_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        from rules.models import GuaranteeProject

        context["run_form"] = DueRunForm()
        # The run names a project; the officer picks it by name (the codes are the rules' own).
        context["run_projects"] = sorted(set(GuaranteeProject.objects.values_list("code", "name")))
        context["run_period"] = timezone.localdate().strftime("%Y-%m")
        return context


@require_POST
@staff_permission_required(RUN)
def subsidy_due_run_view(request):
    """生成补贴应发: queued as a Celery job (runs at once where Celery is eager)."""
    form = DueRunForm(request.POST)
    if form.is_valid():
        from .services import parse_period
        from .tasks import subsidy_due_run_task

        try:
            parse_period(form.cleaned_data["period"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            subsidy_due_run_task.delay(
                form.cleaned_data["period"], form.cleaned_data["project_code"], request.user.pk
            )
            messages.success(request, _("已开始生成 %(p)s 的补贴应发，完成后刷新本页查看（重复生成不会新增）。")
                             % {"p": form.cleaned_data["period"]})  # fmt: skip
            return redirect("allocation:subsidies_due_list")
    return render(request, "admission/form.html", {
        "form": form, "title": _("生成补贴应发"), "submit_label": _("生成"),
        "cancel_url": reverse("allocation:subsidies_due_list"), "breadcrumbs": [_crumb(), (_("生成"), None)],
    })  # fmt: skip


@staff_permission_required(VIEW)
def subsidy_due_detail(request, pk: int):
    due = selectors.subsidy_due_get_for_user(user=request.user, pk=pk)
    can_review = due.state in (SubsidyDueState.HELD, SubsidyDueState.PAYABLE) and request.user.has_perm(
        REVIEW
    )
    form = ReviewForm(request.POST or None) if can_review else None
    if request.method == "POST" and form is not None and form.is_valid():
        service = subsidy_due_release if form.cleaned_data["decision"] == "release" else subsidy_due_cancel
        try:
            service(due=due, actor=request.user, opinion=form.cleaned_data["opinion"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("复核结果已保存。"))
            return redirect(due.get_absolute_url())
    return render(request, "allocation/subsidies/due_detail.html", {
        "due": due, "title": str(due), "form": form,
        "events": due.events.select_related("actor"),
        "payments": due.payments.select_related("batch").defer("bank_account").order_by("pk"),
        "breadcrumbs": [_crumb(), (str(due), None)],
    })  # fmt: skip


class PaymentBatchListView(ScopedListView):
    title = gettext_lazy("补贴发放批次")
    permission_required = "allocation.view_paymentbatch"
    filterset_class = PaymentBatchFilter
    columns = [
        Column(gettext_lazy("批次编号"), "number", sort="number", link=True),
        Column(gettext_lazy("补贴期间"), "period", sort="period"),
        Column(gettext_lazy("补贴项目编号"), "project_code"),
        Column(gettext_lazy("行政区划代码"), "region_code"),
        Column(gettext_lazy("笔数"), "payment_count"),
        Column(gettext_lazy("总金额"), "total_amount"),
        Column(gettext_lazy("批次状态"), lambda b: b.get_state_display(), sort="state"),
        Column(gettext_lazy("增加时间"), "created_at", sort="created_at"),
    ]
    search_fields = ("number__iexact",)
    default_ordering = ("-created_at", "-pk")
    template_name = "allocation/subsidies/batch_list.html"

    def get_base_queryset(self):
        return selectors.payment_batch_list(user=self.request.user)


@staff_permission_required(RUN)
def payment_batch_new(request):
    user = request.user
    prefixes = user.scope_prefixes
    initial = {"region_code": (prefixes[0].ljust(12, "0") if prefixes else "440400000000")}
    form = BatchCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        from housing.accounts.scope import code_in_scope

        data = form.cleaned_data
        if not code_in_scope(user, data["region_code"]):
            form.add_error("region_code", _("该区划不在您的管辖范围内。"))
        else:
            try:
                batch = payment_batch_create(actor=user, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已生成发放批次，共 %(n)s 笔。") % {"n": batch.payment_count})
                return redirect(batch.get_absolute_url())
    return render(request, "admission/form.html", {
        "form": form, "title": _("生成发放批次"), "submit_label": _("生成批次"),
        "intro": _("收集该月该项目所有“待发放”的补贴应发；待复核的须先复核。每笔补贴只能进入一个批次。"),
        "cancel_url": reverse("allocation:subsidies_batch_list"),
        "breadcrumbs": [(_("补贴发放批次"), reverse("allocation:subsidies_batch_list")), (_("生成"), None)],
    })  # fmt: skip


@staff_permission_required("allocation.view_paymentbatch")
def payment_batch_detail(request, pk: int):
    batch = selectors.payment_batch_get_for_user(user=request.user, pk=pk)
    can_run = request.user.has_perm(RUN)
    form = ResultUploadForm(request.POST or None, request.FILES or None) if can_run else None
    if request.method == "POST" and form is not None and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = bank_result_import(
                batch=batch, file_name=upload.name, content=upload.read(), actor=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("银行回执已导入，共 %(n)s 行。") % {"n": result.line_count})
            return redirect(batch.get_absolute_url())
    payments = Paginator(selectors.batch_payments(batch=batch), 50).get_page(request.GET.get("page"))
    lines = Paginator(selectors.batch_result_lines(batch=batch), 50).get_page(request.GET.get("lines"))
    return render(request, "allocation/subsidies/batch_detail.html", {
        "batch": batch, "title": str(batch), "form": form, "can_run": can_run, "payments": payments,
        "lines": lines, "failed": PaymentStatus.FAILED,
        "breadcrumbs": [(_("补贴发放批次"), reverse("allocation:subsidies_batch_list")), (str(batch), None)],
    })  # fmt: skip


@staff_permission_required(RUN)
def payment_batch_export_view(request, pk: int, file_format: str):
    batch = selectors.payment_batch_get_for_user(user=request.user, pk=pk)
    name, content = payment_batch_export(batch=batch, actor=request.user, file_format=file_format)
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if file_format == "xlsx"
        else "text/csv"
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_permission_required(RUN)
def subsidy_payment_reissue_view(request, pk: int):
    payment = selectors.subsidy_payment_get_for_user(user=request.user, pk=pk)
    form = ReissueForm(request.POST or None, initial={"bank_name": payment.bank_name})
    if request.method == "POST" and form.is_valid():
        try:
            due = subsidy_payment_reissue(payment=payment, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("银行账号已更正，该笔补贴将进入下一个发放批次。"))
            return redirect(due.get_absolute_url())
    return render(request, "admission/form.html", {
        "form": form, "title": _("更正账号并重新发放"), "submit_label": _("保存"),
        "intro": _("原实发 %(n)s 银行反馈：%(r)s") % {"n": payment.number, "r": payment.bank_reason or "—"},
        "cancel_url": payment.batch.get_absolute_url(),
        "breadcrumbs": [(_("补贴发放批次"), reverse("allocation:subsidies_batch_list")),
                        (str(payment.batch), payment.batch.get_absolute_url()), (_("重新发放"), None)],
    })  # fmt: skip
