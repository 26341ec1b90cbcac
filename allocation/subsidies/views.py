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
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from housing.backoffice.access import staff_permission_required
from housing.backoffice.forms import add_service_errors
from housing.backoffice.listing import Column, ScopedListView

from . import selectors
from .filters import PaymentBatchFilter, SubsidyDueFilter
from .forms import (
    BatchCreateForm,
    DueRunForm,
    ObjectionReplyForm,
    ReconciliationForm,
    RecoveryForm,
    RecoveryReceiveForm,
    ReissueForm,
    ResultUploadForm,
    ReviewForm,
    WriteOffForm,
)
from .models import (
    PaymentBatchState,
    PaymentStatus,
    SubsidyDueState,
    SubsidyObjectionState,
    SubsidyRecoveryState,
)
from .objections import objection_evidence, subsidy_objection_answer
from .recoveries import (
    overpaid_amount,
    recoverable_amount,
    subsidy_recovery_create,
    subsidy_recovery_receive,
    subsidy_recovery_write_off,
)
from .services import (
    bank_result_import,
    payment_batch_create,
    payment_batch_export,
    subsidy_due_cancel,
    subsidy_due_release,
    subsidy_due_run_resume,
    subsidy_due_run_start,
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
        context.update(_runs_context(self.request))
        return context


def _runs_context(request) -> dict:
    runs = selectors.subsidy_due_run_recent(user=request.user) if request.user.has_perm(RUN) else []
    return {"runs": runs, "run_in_progress": any(r.state == "running" and not r.is_interrupted for r in runs)}


@staff_permission_required(RUN)
def subsidy_due_runs_fragment(request):
    """The 生成记录 card alone, polled by htmx every 2 s while a run is in progress."""
    response = render(request, "allocation/subsidies/_runs.html", _runs_context(request))
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_POST
@staff_permission_required(RUN)
def subsidy_due_run_resume_view(request, pk: int):
    """继续: a failed or interrupted run queued again (it only adds the rows still missing)."""
    run = selectors.subsidy_due_run_get(pk=pk)
    try:
        subsidy_due_run_resume(run=run, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已继续生成 %(p)s 的补贴应发。") % {"p": run.period})
    return redirect("allocation:subsidies_due_list")


@require_POST
@staff_permission_required(RUN)
def subsidy_due_run_view(request):
    """生成补贴应发: a run record, the Celery job queued; the list shows its progress."""
    form = DueRunForm(request.POST)
    if form.is_valid():
        try:
            run = subsidy_due_run_start(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已开始生成 %(p)s 的补贴应发，进度见下方“生成记录”（重复生成不会新增）。")
                             % {"p": run.period})  # fmt: skip
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
    action = request.POST.get("action", "review") if request.method == "POST" else ""
    form = ReviewForm(request.POST if action == "review" else None) if can_review else None
    if action == "review" and form is not None and form.is_valid():
        service = subsidy_due_release if form.cleaned_data["decision"] == "release" else subsidy_due_cancel
        try:
            service(due=due, actor=request.user, opinion=form.cleaned_data["opinion"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("复核结果已保存。"))
            return redirect(due.get_absolute_url())
    objections = list(due.objections.select_related("applicant", "replied_by"))
    for objection in objections:
        if objection.state == SubsidyObjectionState.PENDING and request.user.has_perm(REVIEW):
            bound = action == "reply" and request.POST.get("objection") == str(objection.pk)
            reply_form = ObjectionReplyForm(request.POST if bound else None, prefix=f"o{objection.pk}")
            if bound and reply_form.is_valid():
                try:
                    subsidy_objection_answer(
                        objection=objection, actor=request.user, **reply_form.cleaned_data
                    )
                except ValidationError as exc:
                    add_service_errors(reply_form, exc)
                else:
                    messages.success(request, _("已答复，申请人可在门户“我的补贴”中查看。"))
                    return redirect(due.get_absolute_url())
            objection.reply_form = reply_form
        objection.evidence = list(objection_evidence(objection))
    return render(request, "allocation/subsidies/due_detail.html", {
        "due": due, "title": str(due), "form": form, "objections": objections,
        "events": due.events.select_related("actor"),
        "payments": due.payments.select_related("batch").defer("bank_account").order_by("pk"),
        "recoveries": due.recoveries.order_by("pk"), "can_run": request.user.has_perm(RUN),
        "breadcrumbs": [_crumb(), (str(due), None)],
    })  # fmt: skip


def _batch_outcome(batch) -> str:
    """已发放 / 发放失败 / 金额不符 line counts once the bank's result is in, so a failed line stands out."""
    parts = [
        (PaymentStatus.PAID.label, batch.paid_lines),
        (PaymentStatus.FAILED.label, batch.failed_lines),
        (PaymentStatus.MISMATCH.label, batch.mismatch_lines),
    ]
    return "，".join(f"{label} {n}" for label, n in parts if n) or "—"


class PaymentBatchListView(ScopedListView):
    title = gettext_lazy("补贴发放批次")
    permission_required = "allocation.view_paymentbatch"
    filterset_class = PaymentBatchFilter
    columns = [
        Column(gettext_lazy("批次编号"), "number", sort="number", link=True),
        Column(gettext_lazy("补贴期间"), "period", sort="period"),
        Column(gettext_lazy("补贴项目"), lambda b: b.project_name or b.project_code),
        Column(gettext_lazy("行政区划"), lambda b: b.region_name or b.region_code),
        Column(gettext_lazy("笔数"), "payment_count"),
        Column(gettext_lazy("总金额"), "total_amount"),
        Column(gettext_lazy("批次状态"), lambda b: b.get_state_display(), sort="state"),
        Column(gettext_lazy("银行回执"), _batch_outcome),
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
    form = BatchCreateForm(request.POST or None, initial=initial, user=user)
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
    open_lines = can_run and batch.state != PaymentBatchState.RECONCILED  # reconciled: nothing left to import
    form = ResultUploadForm(request.POST or None, request.FILES or None) if open_lines else None
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


# --- 追回 -------------------------------------------------------------------------------------------------


def _recovery_crumb():
    return (_("补贴追回"), reverse("allocation:subsidies_recovery_list"))


class SubsidyRecoveryListView(ScopedListView):
    title = gettext_lazy("补贴追回")
    permission_required = VIEW
    columns = [
        Column(gettext_lazy("追回编号"), "number", sort="number", link=True),
        Column(gettext_lazy("应发编号"), "due.number"),
        Column(gettext_lazy("补贴期间"), "due.period"),
        Column(gettext_lazy("申请人姓名"), "due.registry_entry.applicant_name"),
        Column(gettext_lazy("追回金额"), "amount", sort="amount"),
        Column(gettext_lazy("追回原因类型"), lambda r: r.get_reason_kind_display()),
        Column(gettext_lazy("应退回日期"), "due_date", sort="due_date"),
        Column(gettext_lazy("追回状态"), lambda r: r.get_state_display(), sort="state"),
    ]
    search_fields = ("number__iexact", "due__number__iexact", "due__registry_entry__applicant_name")
    search_placeholder = gettext_lazy("追回编号、应发编号或姓名")
    default_ordering = ("-created_at", "-pk")
    export_filename = "补贴追回"

    def get_base_queryset(self):
        return selectors.subsidy_recovery_list(user=self.request.user)


@staff_permission_required(RUN)
def subsidy_recovery_new(request, pk: int):
    """登记追回 on one paid payment; the amount offered is the bank's excess when it paid more."""
    payment = selectors.subsidy_payment_get_for_user(user=request.user, pk=pk)
    excess = overpaid_amount(payment)
    initial = {"amount": excess or recoverable_amount(payment), "due_date": timezone.localdate(),
               "reason_kind": "bank_overpaid" if excess else "not_eligible"}  # fmt: skip
    form = RecoveryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            recovery = subsidy_recovery_create(payment=payment, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记追回 %(n)s。") % {"n": recovery.number})
            return redirect(recovery.get_absolute_url())
    return render(request, "admission/form.html", {
        "form": form, "title": _("登记追回"), "submit_label": _("登记"),
        "intro": _("实发 %(n)s：应付 %(a)s 元，银行实付 %(p)s 元，尚可追回 %(r)s 元。") % {
            "n": payment.number, "a": payment.amount, "p": payment.paid_amount if payment.paid_amount is not None else "—",
            "r": recoverable_amount(payment)},
        "cancel_url": payment.due.get_absolute_url(),
        "breadcrumbs": [_recovery_crumb(), (_("登记"), None)],
    })  # fmt: skip


@staff_permission_required(VIEW)
def subsidy_recovery_detail(request, pk: int):
    recovery = selectors.subsidy_recovery_get_for_user(user=request.user, pk=pk)
    pending = recovery.state == SubsidyRecoveryState.PENDING
    action = request.POST.get("action") if request.method == "POST" else ""
    receive = RecoveryReceiveForm(request.POST if action == "receive" else None,
                                  initial={"received_on": timezone.localdate()}) if pending and request.user.has_perm(RUN) else None  # fmt: skip
    write_off = WriteOffForm(request.POST if action == "write_off" else None) if pending and request.user.has_perm(REVIEW) else None  # fmt: skip
    bound = {"receive": receive, "write_off": write_off}.get(action)
    if bound is not None and bound.is_valid():
        service = subsidy_recovery_receive if action == "receive" else subsidy_recovery_write_off
        try:
            service(recovery=recovery, actor=request.user, **bound.cleaned_data)
        except ValidationError as exc:
            add_service_errors(bound, exc)
        else:
            messages.success(request, _("追回记录已更新。"))
            return redirect(recovery.get_absolute_url())
    return render(request, "allocation/subsidies/recovery_detail.html", {
        "recovery": recovery, "title": str(recovery), "receive_form": receive, "write_off_form": write_off,
        "events": recovery.events.select_related("actor"),
        "breadcrumbs": [_recovery_crumb(), (str(recovery), None)],
    })  # fmt: skip


# --- 对账汇总 ---------------------------------------------------------------------------------------------


@staff_permission_required(VIEW)
def subsidy_reconciliation_view(request):
    """对账汇总 per period and project, the equations checked, an imbalance in red with its rows; Excel."""
    from rules.models import GuaranteeProject

    from .reconciliation import subsidy_reconciliation

    projects = sorted(set(GuaranteeProject.objects.values_list("code", "name")))
    form = ReconciliationForm(request.GET or None, projects=projects,
                              initial={"period": timezone.localdate().strftime("%Y-%m")})  # fmt: skip
    summary = None
    if form.is_bound and form.is_valid():
        try:
            summary = subsidy_reconciliation(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
    if summary is not None and request.GET.get("export") == "xlsx":
        return _reconciliation_xlsx(summary)
    return render(request, "allocation/subsidies/reconciliation.html", {
        "form": form, "summary": summary, "title": _("补贴对账汇总"),
        "project_name": dict(projects).get(summary.project_code, summary.project_code) if summary else "",
        "export_query": request.GET.urlencode(), "breadcrumbs": [_crumb(), (_("对账汇总"), None)],
    })  # fmt: skip


def _reconciliation_xlsx(summary) -> HttpResponse:
    import io

    from housing.documents.excel import xlsx_write

    rows = [
        [label, count if count is not None else "", amount] for _c, label, count, amount in summary.lines()
    ]
    rows.append([])
    rows += [[c["label"], _("平衡") if c["ok"] else _("不平衡"), c["difference"]] for c in summary.checks]
    for p in summary.problems:
        rows.append([p["kind"], p["due"].number if "due" in p else p["batch"].number, p["amount"]])
    buffer = io.BytesIO()
    xlsx_write(
        file=buffer,
        headers=[_("项目"), _("笔数/结果"), _("金额（元）")],
        rows=rows,
        sheet_title=_("对账汇总"),
    )
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"补贴对账汇总-{summary.project_code}-{summary.period}.xlsx"
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
