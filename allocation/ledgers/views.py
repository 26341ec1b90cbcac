"""Back-office pages of 资源台账, 支持对象拨付计划 and 土地供应记录. Thin: check, bind, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from housing.backoffice.access import staff_permission_required
from housing.backoffice.forms import add_service_errors
from housing.backoffice.listing import Column, ScopedListView

from . import selectors
from .forms import (
    GuaranteeLedgerFilter,
    LandSupplyForm,
    LedgerRebuildForm,
    PaymentPlanForm,
    SupportLedgerFilter,
)
from .services import (
    PERM_LAND_ADD,
    PERM_PLAN_ADD,
    PERM_PLAN_CHANGE,
    PERM_REBUILD,
    land_supply_create,
    ledger_rebuild,
    payment_plan_create,
    payment_plan_update,
)

VIEW_GUARANTEE = "allocation.view_guaranteeledger"
VIEW_SUPPORT = "allocation.view_supportledger"
VIEW_PLAN = "allocation.view_supportpaymentplan"
VIEW_LAND = "allocation.view_landsupplyrecord"
LIST_TEMPLATE = "allocation/ledgers/ledger_list.html"


def _c(label, accessor, sort=None, link=False):
    return Column(gettext_lazy(label), accessor, sort=sort, link=link)


class _LedgerListView(ScopedListView):
    template_name = LIST_TEMPLATE
    default_ordering = ("-period", "ledger_class", "region_code")
    kind = "guarantee"

    def get_base_queryset(self):
        return selectors.ledger_list(user=self.request.user, kind=self.kind)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            kind=self.kind,
            can_rebuild=self.request.user.has_perm(PERM_REBUILD),
            rebuild_form=LedgerRebuildForm(user=self.request.user),
        )
        return context


class GuaranteeLedgerListView(_LedgerListView):
    """A.6.1 保障项目台账."""

    title = gettext_lazy("资源台账：保障项目台账")
    permission_required = VIEW_GUARANTEE
    filterset_class = GuaranteeLedgerFilter
    export_filename = "保障项目台账"
    # The page shows the closing balances; the export (and each ledger's page) every A.6.1 figure.
    columns = [
        _c("台账编号", "number", link=True),
        _c("台账分类", "ledger_class", sort="ledger_class"),
        _c("周期类型", "period_kind"),
        _c("统计周期", "period", sort="period"),
        _c("行政区划代码", "region_code", sort="region_code"),
        _c("期末资金余额", "closing_money"),
        _c("期末住房套数余额", "closing_units", sort="closing_units"),
        _c("期末住房面积余额", "closing_area"),
        _c("期末保障户数余额", "closing_households", sort="closing_households"),
        _c("期末保障人数余额", "closing_persons"),
    ]
    export_columns = [
        _c("台账编号", "number", link=True),
        _c("台账分类", "ledger_class", sort="ledger_class"),
        _c("周期类型", "period_kind"),
        _c("统计周期", "period", sort="period"),
        _c("行政区划代码", "region_code", sort="region_code"),
        _c("期初资金余额", "opening_money"),
        _c("本期资金增加额", "increase_money"),
        _c("本期资金减少额", "decrease_money"),
        _c("期末资金余额", "closing_money"),
        _c("期初住房套数余额", "opening_units"),
        _c("本期住房增加套数", "increase_units"),
        _c("本期住房减少套数", "decrease_units"),
        _c("期末住房套数余额", "closing_units", sort="closing_units"),
        _c("期初住房面积余额", "opening_area"),
        _c("本期住房增加面积", "increase_area"),
        _c("本期住房减少面积", "decrease_area"),
        _c("期末住房面积余额", "closing_area"),
        _c("期初保障户数余额", "opening_households"),
        _c("本期新增保障户数", "increase_households"),
        _c("本期减少保障户数", "decrease_households"),
        _c("期末保障户数余额", "closing_households", sort="closing_households"),
        _c("期初保障人数余额", "opening_persons"),
        _c("本期新增保障人数", "increase_persons"),
        _c("本期减少保障人数", "decrease_persons"),
        _c("期末保障人数余额", "closing_persons"),
        _c("统计日期", "stat_date"),
    ]


class SupportLedgerListView(_LedgerListView):
    """A.6.3 支持项目台账."""

    title = gettext_lazy("资源台账：支持项目台账")
    permission_required = VIEW_SUPPORT
    filterset_class = SupportLedgerFilter
    export_filename = "支持项目台账"
    kind = "support"
    columns = [
        _c("台账编号", "number", link=True),
        _c("台账分类", "ledger_class", sort="ledger_class"),
        _c("周期类型", "period_kind"),
        _c("上报周期", "period", sort="period"),
        _c("行政区划代码", "region_code", sort="region_code"),
        _c("收支类型", "direction"),
        _c("期初资金余额", "opening_money"),
        _c("本期资金增加额", "increase_money"),
        _c("本期资金减少额", "decrease_money"),
        _c("期末资金余额", "closing_money"),
        _c("期初土地面积余额", "opening_land"),
        _c("本期土地增加面积", "increase_land"),
        _c("本期土地减少面积", "decrease_land"),
        _c("期末土地面积余额", "closing_land"),
        _c("统计日期", "stat_date"),
    ]


def _ledger_fields(ledger) -> list[tuple]:
    skip = {"id", "built_at"}
    return [
        (
            field.verbose_name,
            ledger._get_FIELD_display(field) if field.choices else getattr(ledger, field.attname),
        )
        for field in ledger._meta.concrete_fields
        if field.name not in skip
    ]


def _ledger_detail(request, *, kind: str, pk: int):
    ledger = selectors.ledger_get_for_user(user=request.user, kind=kind, pk=pk)
    page = Paginator(selectors.ledger_movements(ledger=ledger), 50).get_page(request.GET.get("page"))
    list_url = reverse(f"allocation:ledgers_{kind}_list")
    return render(
        request,
        "allocation/ledgers/ledger_detail.html",
        {
            "object": ledger,
            "ledger": ledger,
            "kind": kind,
            "title": f"{ledger.get_ledger_class_display()} {ledger.period}",
            "breadcrumbs": [(_("资源台账"), list_url), (ledger.number, None)],
            "fields": _ledger_fields(ledger),
            "page_obj": page,
            "can_rebuild": request.user.has_perm(PERM_REBUILD),
            "tabs": [
                ("ledger", _("台账"), "backoffice/_fields.html"),
                ("movements", _("收支明细"), "allocation/ledgers/_movements.html"),
            ],
        },
    )


@staff_permission_required(VIEW_GUARANTEE)
def guarantee_ledger_detail(request, pk: int):
    return _ledger_detail(request, kind="guarantee", pk=pk)


@staff_permission_required(VIEW_SUPPORT)
def support_ledger_detail(request, pk: int):
    return _ledger_detail(request, kind="support", pk=pk)


@require_POST
@staff_permission_required(PERM_REBUILD)
def ledger_rebuild_view(request):
    """重新计算: rebuild one period (and region); back to the list filtered on it."""
    form = LedgerRebuildForm(request.POST, user=request.user)
    kind = request.POST.get("kind") if request.POST.get("kind") in ("guarantee", "support") else "guarantee"
    target = reverse(f"allocation:ledgers_{kind}_list")
    if form.is_valid():
        try:
            result = ledger_rebuild(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "已重新计算 %(period)s：保障项目台账 %(g)s 条，支持项目台账 %(s)s 条，新记收支明细 %(m)s 条。"
                )
                % {
                    "period": result.period.label,
                    "g": result.guarantee_ledgers,
                    "s": result.support_ledgers,
                    "m": result.movements_created,
                },
            )
            return redirect(f"{target}?period_kind={result.period.kind}&period={result.period.label}")
    return _form_page(
        request,
        form=form,
        title=_("重新计算台账"),
        submit_label=_("重新计算"),
        cancel_url=target,
        extra={"kind": kind},
    )


def _form_page(request, *, form, title, submit_label, cancel_url, extra=None, intro=""):
    return render(
        request,
        "allocation/ledgers/form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": [(_("资源台账"), reverse("allocation:ledgers_guarantee_list")), (title, None)],
            "cancel_url": cancel_url,
            "submit_label": submit_label,
            "intro": intro,
            "extra": extra or {},
        },
    )


@staff_permission_required(PERM_REBUILD)
def ledger_rebuild_form(request):
    form = LedgerRebuildForm(user=request.user, initial={"period_kind": "month"})
    kind = request.GET.get("kind") if request.GET.get("kind") in ("guarantee", "support") else "guarantee"
    return _form_page(
        request,
        form=form,
        title=_("重新计算台账"),
        submit_label=_("重新计算"),
        cancel_url=reverse(f"allocation:ledgers_{kind}_list"),
        extra={"kind": kind},
        intro=_("按收支明细重新计算该周期的期初、本期增减和期末余额；重复计算结果不变。"),
    )


# --- A.7.7 支持对象资金拨付配置计划 ---------------------------------------------------------------------


class PaymentPlanListView(ScopedListView):
    title = gettext_lazy("支持对象拨付计划")
    template_name = "allocation/ledgers/plan_list.html"
    permission_required = VIEW_PLAN
    columns = [
        _c("支持对象拨付计划编号", "number", sort="number", link=True),
        _c("支持对象编号", "supplier_number"),
        _c("支持对象名称", "supplier_name"),
        _c("拨付总金额", "total_amount", sort="total_amount"),
        _c("期别类型", "period_kind"),
        _c("计划发放周期", "cycles"),
        _c("开始发放时间", "starts_on", sort="starts_on"),
        _c("增加人", "created_by"),
    ]
    search_fields = ("number__iexact", "supplier_number__iexact", "supplier_name__icontains")
    search_placeholder = gettext_lazy("计划编号、支持对象编号或名称")
    default_ordering = ("-starts_on", "-pk")
    export_filename = "支持对象拨付计划"

    def get_base_queryset(self):
        return selectors.payment_plan_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm(PERM_PLAN_ADD)
        context["add_url"] = reverse("allocation:ledgers_payment_plan_create")
        context["add_label"] = _("新建拨付计划")
        return context


def _plan_crumb():
    return (_("支持对象拨付计划"), reverse("allocation:ledgers_payment_plan_list"))


@staff_permission_required(PERM_PLAN_ADD)
def payment_plan_create_view(request):
    form = PaymentPlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            plan = payment_plan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("拨付计划已建立。"))
            return redirect(plan.get_absolute_url())
    page = _form_page(
        request,
        form=form,
        title=_("新建拨付计划"),
        submit_label=_("保存"),
        cancel_url=reverse("allocation:ledgers_payment_plan_list"),
    )
    return page


@staff_permission_required(PERM_PLAN_CHANGE)
def payment_plan_edit_view(request, pk: int):
    plan = selectors.payment_plan_get_for_user(user=request.user, pk=pk)
    initial = {f: getattr(plan, f) for f in ("total_amount", "period_kind", "cycles", "starts_on")}
    form = PaymentPlanForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            payment_plan_update(plan=plan, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("拨付计划已修改。"))
            return redirect(plan.get_absolute_url())
    return _form_page(
        request,
        form=form,
        title=_("修改拨付计划"),
        submit_label=_("保存"),
        cancel_url=plan.get_absolute_url(),
    )


@staff_permission_required(VIEW_PLAN)
def payment_plan_detail(request, pk: int):
    plan = selectors.payment_plan_get_for_user(user=request.user, pk=pk)
    fields = [
        (field.verbose_name, plan._get_FIELD_display(field) if field.choices else getattr(plan, field.name))
        for field in plan._meta.concrete_fields
        if field.name not in ("id",)
    ]
    fields.append((_("每期发放金额"), plan.instalment))
    return render(
        request,
        "allocation/ledgers/record_detail.html",
        {
            "object": plan,
            "title": f"{plan.number} {plan.supplier_name}",
            "breadcrumbs": [_plan_crumb(), (plan.number, None)],
            "fields": fields,
            "edit_url": reverse("allocation:ledgers_payment_plan_edit", args=[plan.pk])
            if request.user.has_perm(PERM_PLAN_CHANGE)
            else "",
            "tabs": [("info", _("计划信息"), "backoffice/_fields.html")],
        },
    )


# --- A.7.8 土地供应记录信息 ---------------------------------------------------------------------------


class LandSupplyListView(ScopedListView):
    title = gettext_lazy("土地供应记录")
    template_name = "allocation/ledgers/plan_list.html"
    permission_required = VIEW_LAND
    columns = [
        _c("记录编号", "number", sort="number", link=True),
        _c("宗地编号", "parcel_number"),
        _c("宗地名称", "parcel_name"),
        _c("项目编号", "project_number"),
        _c("用地批准文号", "approval_document_number"),
        _c("用地批准日期", "approved_on", sort="approved_on"),
        _c("取得方式", "acquisition_mode"),
        _c("土地面积", "land_area", sort="land_area"),
        _c("行政区划代码", "region_code", sort="region_code"),
    ]
    search_fields = ("number__iexact", "parcel_number__iexact", "parcel_name__icontains")
    search_placeholder = gettext_lazy("记录编号、宗地编号或名称")
    default_ordering = ("-approved_on", "-pk")
    export_filename = "土地供应记录"

    def get_base_queryset(self):
        return selectors.land_supply_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm(PERM_LAND_ADD)
        context["add_url"] = reverse("allocation:ledgers_land_supply_create")
        context["add_label"] = _("登记土地供应")
        return context


@staff_permission_required(PERM_LAND_ADD)
def land_supply_create_view(request):
    form = LandSupplyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            record = land_supply_create(actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("土地供应记录已登记。"))
            return redirect(record.get_absolute_url())
    return _form_page(
        request,
        form=form,
        title=_("登记土地供应"),
        submit_label=_("保存"),
        cancel_url=reverse("allocation:ledgers_land_supply_list"),
    )


@staff_permission_required(VIEW_LAND)
def land_supply_detail(request, pk: int):
    record = selectors.land_supply_get_for_user(user=request.user, pk=pk)
    fields = [
        (
            field.verbose_name,
            record._get_FIELD_display(field) if field.choices else getattr(record, field.name),
        )
        for field in record._meta.concrete_fields
        if field.name not in ("id",)
    ]
    return render(
        request,
        "allocation/ledgers/record_detail.html",
        {
            "object": record,
            "title": f"{record.number} {record.parcel_name}",
            "breadcrumbs": [
                (_("土地供应记录"), reverse("allocation:ledgers_land_supply_list")),
                (record.number, None),
            ],
            "fields": fields,
            "links": [
                (_("储备地块"), record.land_reserve.get_absolute_url()) if record.land_reserve_id else None,
                (_("建设项目"), record.project.get_absolute_url()) if record.project_id else None,
            ],
            "tabs": [("info", _("土地供应信息"), "backoffice/_fields.html")],
        },
    )
