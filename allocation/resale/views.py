"""Back-office pages of 经适房退回与再上市: lists, the request and return forms, the detail pages with the
computation and the actions, the notice PDF. Thin: forms → services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.backoffice.access import staff_permission_required
from housing.backoffice.forms import add_service_errors
from housing.backoffice.listing import Column, ScopedListView

from . import selectors
from .filters import ResaleFilter, SaleReturnFilter
from .forms import (
    ResaleCompleteForm,
    ResaleDecisionForm,
    ResaleRequestForm,
    SaleReturnCompleteForm,
    SaleReturnForm,
)
from .models import RESALE_MANAGE_PERMISSION, ResaleRoute, ResaleState, SaleReturnState
from .services import (
    resale_complete,
    resale_decide,
    resale_request,
    sale_return_complete,
    sale_return_register,
)

VIEW = "allocation.view_resale"
VIEW_RETURN = "allocation.view_salereturn"


def _crumb(name: str = "resale"):
    if name == "returns":
        return (_("已配售房源退回"), reverse("allocation:resale_returns"))
    return (_("经适房退回与上市"), reverse("allocation:resale_list"))


def _form_page(request, *, form, title, crumbs, submit_label, cancel_url, intro=""):
    return render(request, "admission/form.html", {
        "form": form, "title": title, "breadcrumbs": [*crumbs, (title, None)], "cancel_url": cancel_url,
        "submit_label": submit_label, "intro": intro,
    })  # fmt: skip


def _amount(resale):
    if resale.route == ResaleRoute.MARKET and not resale.is_preemption:
        return _("土地收益 %(a)s") % {"a": resale.land_revenue}
    return _("回购价 %(a)s") % {"a": resale.buy_back_price} if resale.buy_back_price is not None else "—"


class ResaleListView(ScopedListView):
    title = gettext_lazy("经适房再上市")
    permission_required = VIEW
    filterset_class = ResaleFilter
    columns = [
        Column(gettext_lazy("申请编号"), "number", sort="number", link=True),
        Column(gettext_lazy("申请人编号"), "registry_entry.application_number"),
        Column(gettext_lazy("申请人"), "registry_entry.applicant_name"),
        Column(gettext_lazy("房源编号"), "unit.number"),
        Column(gettext_lazy("再上市申请时间"), "requested_on", sort="requested_on"),
        Column(gettext_lazy("满限制年限日期"), "lock_ends_on"),
        Column(gettext_lazy("申请处置方式"), "route"),
        Column(gettext_lazy("原购房价款"), "original_price"),
        Column(gettext_lazy("计算金额"), _amount),
        Column(gettext_lazy("办理状态"), "state", sort="state"),
    ]
    search_fields = ("number__iexact", "registry_entry__application_number__iexact", "unit__number__iexact")
    search_placeholder = gettext_lazy("申请编号、申请人编号或房源编号")
    default_ordering = ("-requested_on", "-pk")
    export_filename = "已配售房源再上市"
    template_name = "allocation/resale/list.html"

    def get_base_queryset(self):
        return selectors.resale_list(user=self.request.user)


@staff_permission_required(RESALE_MANAGE_PERMISSION)
def resale_new(request):
    form = ResaleRequestForm(request.POST or None, initial={"contract": request.GET.get("contract", "")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        contract = selectors.sale_contract_for_user(user=request.user, number=data.pop("contract"))
        if contract is None:
            form.add_error("contract", _("本辖区内没有这个经济适用住房买卖合同编号。"))
        else:
            try:
                resale = resale_request(contract=contract, actor=request.user, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied:
                form.add_error(None, _("您没有办理此业务的权限。"))
            else:
                messages.success(request, _("已受理再上市申请 %(n)s。") % {"n": resale.number})
                return redirect(resale.get_absolute_url())
    return _form_page(
        request, form=form, title=_("受理再上市申请"), crumbs=[_crumb()], submit_label=_("受理"),
        cancel_url=reverse("allocation:resale_list"),
        intro=_("购房取得日期取房屋所有权证日期与契税完税凭证日期中较早者；满5年前只能由政府回购。"),
    )  # fmt: skip


def _decision_choices(resale):
    if resale.route == ResaleRoute.MARKET:
        return [
            ("approve", _("准予上市（放弃优先回购）")),
            ("buy_back", _("政府优先回购")),
            ("refuse", _("不予")),
        ]
    return [("buy_back", _("政府回购")), ("refuse", _("不予"))]


@staff_permission_required(VIEW)
def resale_detail(request, pk: int):
    resale = selectors.resale_get_for_user(user=request.user, pk=pk)
    can_manage = request.user.has_perm(RESALE_MANAGE_PERMISSION)
    decision_form = complete_form = None
    if can_manage and resale.state == ResaleState.REQUESTED:
        decision_form = ResaleDecisionForm(
            request.POST if request.POST.get("action") == "decide" else None,
            choices=_decision_choices(resale),
        )
    if can_manage and resale.state in (ResaleState.BUY_BACK, ResaleState.APPROVED):
        complete_form = ResaleCompleteForm(
            request.POST if request.POST.get("action") == "complete" else None,
            needs_amount=resale.state == ResaleState.APPROVED,
        )
    if request.method == "POST":
        form = decision_form if request.POST.get("action") == "decide" else complete_form
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                if form is decision_form:
                    resale_decide(resale=resale, actor=request.user, **form.cleaned_data)
                    done = _("审批结论已保存，通知书生成后将短信通知申请人。")
                else:
                    resale_complete(resale=resale, actor=request.user, **form.cleaned_data)
                    done = _("已办结。")
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied:
                form.add_error(None, _("您没有办理此业务的权限。"))
            else:
                messages.success(request, done)
                return redirect(resale.get_absolute_url())
    return render(request, "allocation/resale/detail.html", {
        "resale": resale, "title": _("再上市申请 %(n)s") % {"n": resale.number},
        "decision_form": decision_form, "complete_form": complete_form,
        "condition_factor": _condition_factor(resale),
        "events": selectors.resale_events(resale=resale),
        "breadcrumbs": [_crumb(), (resale.number, None)],
    })  # fmt: skip


def _condition_factor(resale):
    from decimal import ROUND_HALF_UP, Decimal

    if resale.months_held is None or resale.depreciation_rate is None:
        return None
    value = max(1 - resale.depreciation_rate * resale.months_held / 12, resale.depreciation_floor or 0)
    return Decimal(value).quantize(Decimal("0.0001"), ROUND_HALF_UP)


@staff_permission_required(VIEW)
def resale_notice_pdf(request, pk: int):
    """The archived notice, re-hashed before it is sent (the archive service audits the download)."""
    from housing.archive.services import document_open_verified

    resale = selectors.resale_get_for_user(user=request.user, pk=pk)
    if resale.notice_document is None:
        raise Http404
    handle = document_open_verified(actor=request.user, document=resale.notice_document)
    return FileResponse(
        handle, as_attachment=True, filename=f"{resale.number}.pdf", content_type="application/pdf"
    )


# --- 退回 (A.8.1) ------------------------------------------------------------------------------------------


class SaleReturnListView(ScopedListView):
    title = gettext_lazy("已配售房源退回")
    permission_required = VIEW_RETURN
    filterset_class = SaleReturnFilter
    columns = [
        Column(gettext_lazy("购房合同"), "contract.number", link=True),
        Column(gettext_lazy("申请人编号"), "registry_entry.application_number"),
        Column(gettext_lazy("申请人"), "registry_entry.applicant_name"),
        Column(gettext_lazy("房源编号"), "unit.number"),
        Column(gettext_lazy("回退原因"), "reason"),
        Column(gettext_lazy("应回退时间"), "due_on", sort="due_on"),
        Column(gettext_lazy("实回退时间"), lambda r: r.returned_on or "—", sort="returned_on"),
        Column(gettext_lazy("退回状态"), "state", sort="state"),
    ]
    search_fields = ("contract__number__iexact", "registry_entry__application_number__iexact",
                     "unit__number__iexact")  # fmt: skip
    search_placeholder = gettext_lazy("合同编号、申请人编号或房源编号")
    default_ordering = ("-due_on", "-pk")
    export_filename = "已配售房源退回"
    template_name = "allocation/resale/return_list.html"

    def get_base_queryset(self):
        return selectors.sale_return_list(user=self.request.user)


@staff_permission_required(RESALE_MANAGE_PERMISSION)
def sale_return_new(request):
    form = SaleReturnForm(request.POST or None, initial={"contract": request.GET.get("contract", "")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        contract = selectors.sale_contract_for_user(user=request.user, number=data.pop("contract"))
        if contract is None:
            form.add_error("contract", _("本辖区内没有这个经济适用住房买卖合同编号。"))
        else:
            try:
                sale_return = sale_return_register(contract=contract, actor=request.user, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied:
                form.add_error(None, _("您没有办理此业务的权限。"))
            else:
                messages.success(request, _("已登记退回，待实际退回后办结。"))
                return redirect(sale_return.get_absolute_url())
    return _form_page(
        request, form=form, title=_("登记房源退回"), crumbs=[_crumb(), _crumb("returns")], submit_label=_("登记"),
        cancel_url=reverse("allocation:resale_returns"),
        intro=_("已配售的经济适用住房因合同解除等原因退回房源库；办结时房源变为“已交付”，购房合同终止。"),
    )  # fmt: skip


@staff_permission_required(VIEW_RETURN)
def sale_return_detail(request, pk: int):
    sale_return = selectors.sale_return_get_for_user(user=request.user, pk=pk)
    form = None
    if sale_return.state == SaleReturnState.PENDING and request.user.has_perm(RESALE_MANAGE_PERMISSION):
        form = SaleReturnCompleteForm(request.POST or None)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                sale_return_complete(sale_return=sale_return, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied:
                form.add_error(None, _("您没有办理此业务的权限。"))
            else:
                messages.success(request, _("已办结退回：房源回到房源库（已交付），购房合同已终止。"))
                return redirect(sale_return.get_absolute_url())
    resale = getattr(sale_return, "resale", None)
    return render(request, "allocation/resale/return_detail.html", {
        "sale_return": sale_return, "resale": resale, "form": form,
        "title": _("房源退回 %(u)s") % {"u": sale_return.unit.number},
        "events": selectors.sale_return_events(sale_return=sale_return),
        "breadcrumbs": [_crumb(), _crumb("returns"), (sale_return.unit.number, None)],
    })  # fmt: skip
