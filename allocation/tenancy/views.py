"""Back-office pages of 入住、腾退、租金: lists, move-in and vacating forms, the receivable run, receipts. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from housing.backoffice.access import staff_permission_required
from housing.backoffice.forms import add_service_errors
from housing.backoffice.listing import Column, ScopedListView

from . import selectors
from .charges import fixed_charge_create
from .collection import rent_collection_import
from .filters import ArrearsFilter, ReceivableFilter
from .forms import CollectionImportForm, FixedChargeForm, MoveInForm, ReceiptForm, RentRunForm, VacatingForm
from .models import RENT_COLLECT_PERMISSION, TENANCY_MANAGE_PERMISSION
from .services import (
    money,
    move_in_register,
    move_out_register,
    rent_receipt_record,
    rent_run_resume,
    rent_run_start,
)

VIEW_MOVE_IN = "allocation.view_movein"
VIEW_RECEIVABLE = "allocation.view_rentreceivable"
VIEW_FIXED_CHARGE = "allocation.view_monthlyfixedcharge"


def _crumb(name: str):
    titles = {"moveins": _("入住腾退"), "receivables": _("租金应收"), "arrears": _("欠租账龄"),
              "collections": _("银行代收导入"), "fixed_charges": _("每月固定款项")}  # fmt: skip
    return (titles[name], reverse(f"allocation:tenancy_{name}"))


def _form_page(request, *, form, title, crumbs, submit_label, cancel_url, intro=""):
    return render(
        request,
        "admission/form.html",
        {"form": form, "title": title, "breadcrumbs": [*crumbs, (title, None)], "cancel_url": cancel_url,
         "submit_label": submit_label, "intro": intro},
    )  # fmt: skip


# --- 入住 / 腾退 -----------------------------------------------------------------------------------------


def _vacate_link(move_in):
    if move_in.vacated_on:
        return _("已腾退")
    return format_html(
        '<a href="{}">{}</a>', reverse("allocation:tenancy_vacate", args=[move_in.pk]), _("腾退")
    )


def _receipt_link(receivable):
    if not receivable.outstanding_amount:
        return _("已结清")
    url = reverse("allocation:tenancy_receipt_new", args=[receivable.pk])
    return format_html('<a href="{}">{}</a>', url, _("登记实收"))


class MoveInListView(ScopedListView):
    title = gettext_lazy("入住腾退")
    permission_required = VIEW_MOVE_IN
    columns = [
        Column(gettext_lazy("合同编号"), "contract.number", sort="contract__number"),
        Column(gettext_lazy("申请人编号"), "registry_entry.application_number"),
        Column(gettext_lazy("申请人"), "registry_entry.applicant_name"),
        Column(gettext_lazy("房源编号"), "unit.number", sort="unit__number"),
        Column(gettext_lazy("入住时间"), "moved_in_on", sort="moved_in_on"),
        Column(gettext_lazy("租金"), "monthly_rent"),
        Column(gettext_lazy("租金减免金额"), "rent_reduction"),
        Column(gettext_lazy("腾退时间"), lambda m: m.vacated_on or "—", sort="vacated_on"),
    ]
    export_columns = list(columns)
    columns = [*columns, Column(gettext_lazy("操作"), _vacate_link)]
    search_fields = ("contract__number__iexact", "registry_entry__application_number__iexact",
                     "unit__number__iexact")  # fmt: skip
    search_placeholder = gettext_lazy("合同编号、申请编号或房源编号")
    default_ordering = ("-moved_in_on", "-pk")
    export_filename = "已配租房源入住管理"
    template_name = "allocation/tenancy/move_in_list.html"

    def get_base_queryset(self):
        return selectors.move_in_list(user=self.request.user)


@staff_permission_required(TENANCY_MANAGE_PERMISSION)
def move_in_new(request):
    form = MoveInForm(request.POST or None, initial={"contract": request.GET.get("contract", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contract = selectors.contract_for_move_in(user=request.user, number=data["contract"])
        if contract is None:
            form.add_error("contract", _("本辖区内没有这个合同编号。"))
        else:
            try:
                move_in_register(
                    contract=contract, actor=request.user, moved_in_on=data["moved_in_on"],
                    rent_reduction=data["rent_reduction"] or 0, reduction_reason=data["reduction_reason"],
                )  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied:
                form.add_error(None, _("您没有办理此业务的权限。"))
            else:
                messages.success(request, _("已登记入住，房源状态为“已入住”。"))
                return redirect("allocation:tenancy_moveins")
    return _form_page(
        request, form=form, title=_("登记入住"), crumbs=[_crumb("moveins")], submit_label=_("登记入住"),
        cancel_url=reverse("allocation:tenancy_moveins"),
        intro=_("租金取自合同月租金；房源由“已配给”变为“已入住”。"),
    )  # fmt: skip


@staff_permission_required(TENANCY_MANAGE_PERMISSION)
def vacating_new(request, pk: int):
    move_in = selectors.move_in_get_for_user(user=request.user, pk=pk)
    form = VacatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            move_out_register(
                move_in=move_in, actor=request.user, vacated_on=data["vacated_on"],
                inspection_result=data["inspection_result"], inspection_notes=data["inspection_notes"],
                deposit_amount=data["deposit_amount"] or 0, deposit_deducted=data["deposit_deducted"] or 0,
                deduction_reason=data["deduction_reason"],
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            form.add_error(None, _("您没有办理此业务的权限。"))
        else:
            messages.success(request, _("已办理腾退：房源回到房源库（已交付），合同已终止。"))
            return redirect("allocation:tenancy_moveins")
    intro = _("合同 %(c)s，房源 %(u)s，入住时间 %(d)s。") % {
        "c": move_in.contract.number, "u": move_in.unit.number, "d": move_in.moved_in_on,
    }  # fmt: skip
    return _form_page(
        request, form=form, title=_("办理腾退"), crumbs=[_crumb("moveins")], submit_label=_("办理腾退"),
        cancel_url=reverse("allocation:tenancy_moveins"), intro=intro,
    )  # fmt: skip


# --- 租金应收 / 实收 -------------------------------------------------------------------------------------


class ReceivableListView(ScopedListView):
    title = gettext_lazy("租金应收")
    permission_required = VIEW_RECEIVABLE
    filterset_class = ReceivableFilter
    columns = [
        Column(gettext_lazy("应收编号"), "number", sort="number"),
        Column(gettext_lazy("申请人编号"), "registry_entry.application_number"),
        Column(gettext_lazy("申请人"), "registry_entry.applicant_name"),
        Column(gettext_lazy("房源编号"), "unit.number"),
        Column(gettext_lazy("租金月份"), "period"),
        Column(gettext_lazy("计租天数"), lambda r: f"{r.days}/{r.days_in_month}"),
        Column(gettext_lazy("租金金额"), "amount", sort="amount"),
        Column(gettext_lazy("已收金额"), "paid_amount"),
        Column(gettext_lazy("未收金额"), "outstanding_amount", sort="outstanding_amount"),
        # Sums of an annotation: yuan to the cent on every database (SQLite returns them unrounded).
        Column(gettext_lazy("每月固定款项"), lambda r: money(r.fixed_charges)),
        Column(gettext_lazy("本月应缴合计"), lambda r: money(r.month_total)),
        Column(gettext_lazy("应收时间"), "due_on", sort="due_on"),
    ]
    export_columns = list(columns)
    columns = [*columns, Column(gettext_lazy("操作"), _receipt_link)]
    search_fields = ("number__iexact", "registry_entry__application_number__iexact", "unit__number__iexact")
    search_placeholder = gettext_lazy("应收编号、申请编号或房源编号")
    default_ordering = ("-year", "-month", "-pk")
    export_filename = "已配租房源租金应收"
    template_name = "allocation/tenancy/receivable_list.html"

    def get_base_queryset(self):
        return selectors.receivable_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_runs_context())
        context["this_month"] = timezone.localdate().strftime("%Y-%m")
        context["can_collect"] = self.request.user.has_perm(RENT_COLLECT_PERMISSION)
        return context


def _runs_context() -> dict:
    runs = selectors.rent_runs_recent()
    return {"runs": runs, "run_in_progress": any(run.is_live for run in runs)}


@require_GET
@staff_permission_required(VIEW_RECEIVABLE)
@vary_on_headers("HX-Request")
def rent_runs_fragment(request):
    """生成记录 with each run's progress; the receivables page polls it every 2 s while a run is live."""
    context = {**_runs_context(), "can_collect": request.user.has_perm(RENT_COLLECT_PERMISSION)}
    return render(request, "allocation/tenancy/_rent_runs.html", context)


@require_POST
@staff_permission_required(RENT_COLLECT_PERMISSION)
def rent_run_resume_view(request, pk: int):
    """继续 an interrupted or failed run: the same record re-queued; only missing rows are added."""
    run = selectors.rent_run_get(pk=pk)
    try:
        rent_run_resume(run=run, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.info(request, _("已继续生成 %(p)s 租金应收。") % {"p": run.period})
    return redirect("allocation:tenancy_receivables")


@require_POST
@staff_permission_required(RENT_COLLECT_PERMISSION)
def rent_run_view(request):
    """生成本月应收: a run record, the task queued; the list shows the run's progress and counts."""
    form = RentRunForm(request.POST)
    if form.is_valid():
        try:
            run = rent_run_start(period=form.cleaned_data["period"], actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.info(request, _("已开始生成 %(p)s 租金应收，结果见下方“生成记录”。") % {"p": run.period})
            return redirect("allocation:tenancy_receivables")
    for error in form.errors.get("period", []):
        messages.error(request, error)
    return redirect("allocation:tenancy_receivables")


@staff_permission_required(RENT_COLLECT_PERMISSION)
def receipt_new(request, pk: int):
    receivable = selectors.receivable_get_for_user(user=request.user, pk=pk)
    form = ReceiptForm(request.POST or None, initial={"amount": receivable.outstanding_amount})
    if request.method == "POST" and form.is_valid():
        try:
            receipt = rent_receipt_record(receivable=receivable, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            form.add_error(None, _("您没有办理此业务的权限。"))
        else:
            messages.success(request, _("已登记实收 %(a)s 元，实收编号 %(n)s。") % {"a": receipt.amount,
                                                                          "n": receipt.number})  # fmt: skip
            return redirect("allocation:tenancy_receivables")
    receipts = selectors.receivable_receipts(receivable=receivable)
    charges = selectors.receivable_fixed_charges(receivable=receivable)
    charges_total = sum((c.amount for c in charges), receivable.amount * 0)
    intro = _("应收 %(n)s（%(p)s）：租金 %(a)s 元，已收 %(paid)s 元，未收 %(o)s 元；已有实收 %(c)s 笔。") % {
        "n": receivable.number, "p": receivable.period, "a": receivable.amount, "paid": receivable.paid_amount,
        "o": receivable.outstanding_amount, "c": len(receipts),
    }  # fmt: skip
    return render(
        request,
        "allocation/tenancy/receipt_form.html",
        {"form": form, "title": _("登记租金实收"), "breadcrumbs": [_crumb("receivables"), (_("登记租金实收"), None)],
         "cancel_url": reverse("allocation:tenancy_receivables"), "submit_label": _("登记实收"), "intro": intro,
         "receivable": receivable, "receipts": receipts, "charges": charges, "charges_total": charges_total,
         "month_total": receivable.amount + charges_total,
         "reminders": selectors.receivable_reminders(receivable=receivable)},
    )  # fmt: skip


def _bucket(key):
    return lambda row: row[key]


def _bucket_money(key):
    # Sums of a grouped query: yuan to the cent on every database (SQLite returns them unrounded).
    return lambda row: money(row[key])


class ArrearsListView(ScopedListView):
    """欠租账龄: outstanding rent per family and region in four age buckets."""

    title = gettext_lazy("欠租账龄")
    permission_required = VIEW_RECEIVABLE
    filterset_class = ArrearsFilter
    columns = [
        Column(gettext_lazy("申请人编号"), _bucket("registry_entry__application_number")),
        Column(gettext_lazy("申请人"), _bucket("registry_entry__applicant_name")),
        Column(
            gettext_lazy("行政区划"), lambda row: row["region_name"] or row["registry_entry__region_code"]
        ),
        *[Column(label, _bucket_money(key)) for key, label, _low, _high in selectors.AGEING_BUCKETS],
        Column(gettext_lazy("欠租合计"), _bucket_money("total")),
    ]
    search_fields = ("registry_entry__application_number__iexact",)
    search_placeholder = gettext_lazy("申请编号")
    default_ordering = ("-total", "registry_entry_id")
    export_filename = "欠租账龄"

    def get_base_queryset(self):
        return selectors.arrears_by_family(user=self.request.user)


# --- 银行代收导入 ----------------------------------------------------------------------------------------


def _collection_link(row):
    url = reverse("allocation:tenancy_collection_detail", args=[row.pk])
    return format_html('<a href="{}">{}</a>', url, row.file_name)


class CollectionImportListView(ScopedListView):
    title = gettext_lazy("银行代收导入")
    permission_required = VIEW_RECEIVABLE
    columns = [
        Column(gettext_lazy("文件名"), _collection_link),
        Column(gettext_lazy("导入时间"), "imported_at", sort="imported_at"),
        Column(gettext_lazy("行数"), "line_count"),
        Column(gettext_lazy("已入账"), "posted_count"),
        Column(gettext_lazy("部分入账"), "partial_count"),
        Column(gettext_lazy("无法匹配"), "unmatched_count"),
        Column(gettext_lazy("金额超过未收"), "refused_count"),
        Column(gettext_lazy("入账金额"), "posted_amount"),
        Column(gettext_lazy("文件金额合计"), "file_amount"),
    ]
    search_fields = ("file_name__icontains",)
    search_placeholder = gettext_lazy("文件名")
    default_ordering = ("-imported_at", "-pk")
    template_name = "allocation/tenancy/collection_list.html"

    def get_base_queryset(self):
        return selectors.collection_import_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_collect"] = self.request.user.has_perm(RENT_COLLECT_PERMISSION)
        return context


@staff_permission_required(RENT_COLLECT_PERMISSION)
def collection_import_new(request):
    form = CollectionImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = rent_collection_import(layout=form.cleaned_data["layout"], file_name=upload.name,
                                            content=upload.read(), actor=request.user)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            form.add_error(None, _("您没有办理此业务的权限。"))
        else:
            messages.success(
                request,
                _("已导入 %(n)s 行：已入账 %(p)s，部分入账 %(q)s，无法匹配 %(u)s，金额超过未收 %(o)s。") % {
                    "n": result.line_count, "p": result.posted_count, "q": result.partial_count,
                    "u": result.unmatched_count, "o": result.refused_count,
                },
            )  # fmt: skip
            return redirect("allocation:tenancy_collection_detail", pk=result.pk)
    return render(
        request,
        "allocation/tenancy/collection_new.html",
        {"form": form, "title": _("导入银行代收文件"),
         "breadcrumbs": [_crumb("collections"), (_("导入银行代收文件"), None)]},
    )  # fmt: skip


@staff_permission_required(VIEW_RECEIVABLE)
def collection_import_detail(request, pk: int):
    result = selectors.collection_import_get_for_user(user=request.user, pk=pk)
    lines = Paginator(selectors.collection_lines(collection_import=result), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "allocation/tenancy/collection_detail.html",
        {"result": result, "lines": lines, "title": result.file_name,
         "breadcrumbs": [_crumb("collections"), (result.file_name, None)]},
    )  # fmt: skip


# --- 每月固定发生款项 ------------------------------------------------------------------------------------


class FixedChargeListView(ScopedListView):
    title = gettext_lazy("每月固定款项")
    permission_required = VIEW_FIXED_CHARGE
    columns = [
        Column(gettext_lazy("款项编号"), "number", sort="number"),
        Column(gettext_lazy("发生款项说明"), "description"),
        Column(gettext_lazy("发生年度"), "year", sort="year"),
        Column(gettext_lazy("发生月份"), "month", sort="month"),
        Column(gettext_lazy("款项金额"), "amount", sort="amount"),
        Column(gettext_lazy("合同编号"), "move_in.contract.number"),
        Column(gettext_lazy("申请人"), "registry_entry.applicant_name"),
        Column(gettext_lazy("房源编号"), "unit.number"),
        Column(gettext_lazy("增加时间"), "created_at"),
        Column(
            gettext_lazy("增加人"),
            lambda c: c.created_by and (c.created_by.real_name or c.created_by.username),
        ),
    ]
    export_columns = list(columns)
    search_fields = ("number__iexact", "move_in__contract__number__iexact", "unit__number__iexact")
    search_placeholder = gettext_lazy("款项编号、合同编号或房源编号")
    default_ordering = ("-year", "-month", "-pk")
    export_filename = "每月固定发生款项"
    template_name = "allocation/tenancy/fixed_charge_list.html"

    def get_base_queryset(self):
        return selectors.fixed_charge_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_collect"] = self.request.user.has_perm(RENT_COLLECT_PERMISSION)
        return context


@staff_permission_required(RENT_COLLECT_PERMISSION)
def fixed_charge_new(request):
    today = timezone.localdate()
    form = FixedChargeForm(request.POST or None, initial={"year": today.year, "month": today.month})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        move_in = selectors.move_in_for_contract(user=request.user, number=data["contract"])
        if move_in is None:
            form.add_error("contract", _("本辖区内没有这个合同的入住记录。"))
        else:
            try:
                charge = fixed_charge_create(
                    move_in=move_in, actor=request.user, description=data["description"], year=data["year"],
                    month=data["month"], amount=data["amount"],
                )  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied:
                form.add_error(None, _("您没有办理此业务的权限。"))
            else:
                messages.success(request, _("已登记固定款项 %(n)s。") % {"n": charge.number})
                return redirect("allocation:tenancy_fixed_charges")
    return _form_page(
        request, form=form, title=_("登记每月固定款项"), crumbs=[_crumb("fixed_charges")], submit_label=_("保存"),
        cancel_url=reverse("allocation:tenancy_fixed_charges"),
        intro=_("物业费、公摊水电等按户按月发生的固定款项；与租金分列，在应收页合计显示。"),
    )  # fmt: skip
