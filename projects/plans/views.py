"""Back-office pages of 规划计划: thin views over the selectors (reads) and services (writes)."""

from __future__ import annotations

from typing import Any

import django_filters
import django_fsm
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from housing.backoffice.access import require_staff_permission as _staff_with
from housing.backoffice.forms import add_service_errors as _show_errors
from housing.backoffice.listing import Column, ScopedListView
from housing.documents.excel import XLSX_CONTENT_TYPE

from . import selectors, services
from .forms import (
    AnnualPlanCreateForm,
    AnnualPlanEditForm,
    HouseholdTargetForm,
    HousingPlanForm,
    MacroIndicatorForm,
    ReserveFilterForm,
    ReserveItemForm,
    RewardFactorForm,
    SubsidyAllocationForm,
    SubsidyStandardForm,
)
from .models import (
    TRANSITION_LABELS,
    AnnualPlan,
    AnnualPlanState,
    HousingPlan,
    PlanComposition,
    PlanLevel,
    PlanMacroIndicator,
    RewardFactor,
    SubsidyAllocation,
    SubsidyMethod,
    SubsidyStandard,
    SubsidyTier,
)

RESERVE_PAGE_SIZE = 50


def _form_data(form, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form.Meta.fields if name not in exclude}


def _form_page(request, *, form, title: str, breadcrumbs, cancel_url: str):
    return render(
        request,
        "plans/form.html",
        {"form": form, "title": title, "breadcrumbs": breadcrumbs, "cancel_url": cancel_url},
    )


class _PlansListView(ScopedListView):
    """A scoped list with a 新建 button for users who may add rows."""

    template_name = "plans/list.html"
    create_url_name = ""
    add_permission = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.create_url_name and self.request.user.has_perm(self.add_permission):
            context["create_url"] = reverse(self.create_url_name)
        return context


# --- 住房建设规划 -----------------------------------------------------------------------------------


class HousingPlanFilter(django_filters.FilterSet):
    composition = django_filters.ChoiceFilter(
        label=gettext_lazy("规划组成分类"), choices=PlanComposition.choices
    )
    level = django_filters.ChoiceFilter(label=gettext_lazy("规划级别分类"), choices=PlanLevel.choices)
    is_active = django_filters.BooleanFilter(label=gettext_lazy("是否启用"))

    class Meta:
        model = HousingPlan
        fields = ["composition", "level", "is_active"]


class HousingPlanListView(_PlansListView):
    permission_required = "plans.view_housingplan"
    title = gettext_lazy("住房建设规划")
    columns = [
        Column(gettext_lazy("规划编号"), "number", sort="number", link=True),
        Column(gettext_lazy("规划名称"), "name", sort="name"),
        Column(gettext_lazy("规划组成分类"), "composition", sort="composition"),
        Column(gettext_lazy("规划级别分类"), "level", sort="level"),
        Column(gettext_lazy("规划期限类别"), "period_kind"),
        Column(gettext_lazy("规划期"), "period_label", sort="start_year"),
        Column(gettext_lazy("父级规划编号"), lambda p: p.parent.number if p.parent_id else ""),
        Column(gettext_lazy("子规划数"), "children_count"),
        Column(gettext_lazy("行政区划代码"), "region_code", sort="region_code"),
        Column(gettext_lazy("是否启用"), "is_active"),
    ]
    search_fields = ("number__icontains", "name__icontains")
    search_placeholder = gettext_lazy("规划编号或名称")
    filterset_class = HousingPlanFilter
    default_ordering = ("-start_year", "number")
    export_filename = "住房建设规划"
    create_url_name = "plans:plan_create"
    add_permission = "plans.add_housingplan"

    def get_base_queryset(self):
        return selectors.housing_plan_list(user=self.request.user)


def plan_detail(request, pk: int):
    _staff_with(request, "plans.view_housingplan")
    plan = selectors.housing_plan_get_for_user(user=request.user, pk=pk)
    can_change = request.user.has_perm("plans.change_housingplan")
    context = {
        "object": plan,
        "title": str(plan),
        "breadcrumbs": [(_("住房建设规划"), reverse("plans:plans")), (plan.number, None)],
        "fields": [
            (_("规划编号"), plan.number),
            (_("规划名称"), plan.name),
            (_("规划期限类别"), plan.get_period_kind_display()),
            (_("规划级别分类"), plan.get_level_display()),
            (_("规划组成分类"), plan.get_composition_display()),
            (_("行政区划代码"), plan.region_code),
            (_("父级规划编号"), f"{plan.parent.number} {plan.parent.name}" if plan.parent_id else None),
            (_("起始时间"), plan.start_year),
            (_("终止时间"), plan.end_year),
            (_("规划年度"), plan.plan_year),
            (_("是否启用"), _("是") if plan.is_active else _("否")),
            (_("规划文本摘要"), plan.summary),
        ],
        "targets": selectors.household_targets(plan=plan),
        "macro_rows": selectors.macro_indicator_rows(plan=plan),
        "children": selectors.plan_children(user=request.user, plan=plan),
        "tabs": [
            ("info", _("基本信息"), "backoffice/_fields.html"),
            ("indicators", _("指标"), "plans/_plan_indicators.html"),
            ("children", _("子规划"), "plans/_plan_children.html"),
        ],
        "transitions": [],
        "can_change": can_change,
    }
    return render(request, "plans/plan_detail.html", context)


def plan_create(request):
    _staff_with(request, "plans.add_housingplan")
    form = HousingPlanForm(request.POST or None, user=request.user, initial=request.GET.dict() or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.housing_plan_save(plan=HousingPlan(), data=_form_data(form), actor=request.user)
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("规划已保存。"))
            return redirect(plan)
    return _form_page(
        request,
        form=form,
        title=_("新建住房建设规划"),
        breadcrumbs=[(_("住房建设规划"), reverse("plans:plans")), (_("新建"), None)],
        cancel_url=reverse("plans:plans"),
    )


def plan_edit(request, pk: int):
    _staff_with(request, "plans.change_housingplan")
    plan = selectors.housing_plan_get_for_user(user=request.user, pk=pk)
    form = HousingPlanForm(request.POST or None, instance=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.housing_plan_save(
                plan=HousingPlan.objects.get(pk=plan.pk), data=_form_data(form), actor=request.user
            )
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("规划已保存。"))
            return redirect("plans:plan_detail", pk=plan.pk)
    return _form_page(
        request,
        form=form,
        title=_("编辑 %(plan)s") % {"plan": plan.number},
        breadcrumbs=[
            (_("住房建设规划"), reverse("plans:plans")),
            (plan.number, reverse("plans:plan_detail", args=[plan.pk])),
            (_("编辑"), None),
        ],
        cancel_url=reverse("plans:plan_detail", args=[plan.pk]),
    )


def household_target_edit(request, plan_pk: int, pk: int | None = None):
    """A.9.2: add (pk None) or change one household-target row of a plan."""
    _staff_with(request, "plans.change_housingplan")
    plan = selectors.housing_plan_get_for_user(user=request.user, pk=plan_pk)
    target = (
        selectors.household_target_get_for_user(user=request.user, plan_pk=plan.pk, pk=pk) if pk else None
    )
    form = HouseholdTargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        fresh = type(target).objects.get(pk=target.pk) if target else None
        try:
            services.household_target_save(plan=plan, target=fresh, data=_form_data(form), actor=request.user)
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("保障户数规划指标已保存。"))
            return redirect(reverse("plans:plan_detail", args=[plan.pk]) + "#indicators")
    detail_url = reverse("plans:plan_detail", args=[plan.pk])
    return _form_page(
        request,
        form=form,
        title=_("保障户数规划指标 · %(plan)s") % {"plan": plan.name},
        breadcrumbs=[
            (_("住房建设规划"), reverse("plans:plans")),
            (plan.number, detail_url),
            (_("指标"), None),
        ],
        cancel_url=detail_url,
    )


@require_POST
def household_target_delete(request, plan_pk: int, pk: int):
    _staff_with(request, "plans.change_housingplan")
    target = selectors.household_target_get_for_user(user=request.user, plan_pk=plan_pk, pk=pk)
    services.household_target_delete(target=target, actor=request.user)
    messages.success(request, _("已删除该指标。"))
    return redirect("plans:plan_detail", pk=plan_pk)


def macro_indicator_edit(request, plan_pk: int):
    """A.9.3: the 26 macro indicators of a plan in one form."""
    _staff_with(request, "plans.change_housingplan")
    plan = selectors.housing_plan_get_for_user(user=request.user, pk=plan_pk)
    instance = PlanMacroIndicator.objects.filter(plan=plan).first() or PlanMacroIndicator(plan=plan)
    form = MacroIndicatorForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = {f.name: form.cleaned_data[f.name] for f in PlanMacroIndicator.indicator_fields()}
        try:
            services.macro_indicator_save(plan=plan, data=data, actor=request.user)
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("宏观指标已保存。"))
            return redirect("plans:plan_detail", pk=plan.pk)
    detail_url = reverse("plans:plan_detail", args=[plan.pk])
    return _form_page(
        request,
        form=form,
        title=_("住房保障规划宏观指标 · %(plan)s") % {"plan": plan.name},
        breadcrumbs=[
            (_("住房建设规划"), reverse("plans:plans")),
            (plan.number, detail_url),
            (_("宏观指标"), None),
        ],
        cancel_url=detail_url,
    )


# --- 年度计划 --------------------------------------------------------------------------------------


class AnnualPlanFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=gettext_lazy("计划年度"))
    state = django_filters.ChoiceFilter(label=gettext_lazy("状态"), choices=AnnualPlanState.choices)

    class Meta:
        model = AnnualPlan
        fields = ["year", "state"]


class AnnualPlanListView(_PlansListView):
    permission_required = "plans.view_annualplan"
    title = gettext_lazy("年度计划")
    columns = [
        Column(gettext_lazy("计划编号"), "number", sort="number", link=True),
        Column(gettext_lazy("计划名称"), "name"),
        Column(gettext_lazy("计划年度"), "year", sort="year"),
        Column(gettext_lazy("行政区划代码"), "region_code", sort="region_code"),
        Column(gettext_lazy("状态"), "state", sort="state"),
        Column(gettext_lazy("新开工住宅套数"), "new_start_units", sort="new_start_units"),
        Column(gettext_lazy("竣工住宅套数"), "completed_units", sort="completed_units"),
        Column(gettext_lazy("计划完成投资（万元）"), "planned_investment"),
        Column(gettext_lazy("储备项目数"), "reserve_count"),
        Column(gettext_lazy("规划编号"), lambda p: p.plan.number if p.plan_id else ""),
    ]
    search_fields = ("number__icontains", "name__icontains")
    search_placeholder = gettext_lazy("计划编号或名称")
    filterset_class = AnnualPlanFilter
    default_ordering = ("-year", "region_code")
    export_filename = "年度计划"
    create_url_name = "plans:annual_create"
    add_permission = "plans.add_annualplan"

    def get_base_queryset(self):
        return selectors.annual_plan_list(user=self.request.user)


def _transition_buttons(request, annual_plan: AnnualPlan) -> list[dict]:
    url = reverse("plans:annual_transition", args=[annual_plan.pk])
    return [
        {
            "name": t.name,
            "label": TRANSITION_LABELS.get(t.name, t.name),
            "url": url,
            "needs_opinion": t.name in services.OPINION_REQUIRED,
            "style": "warning" if t.name == "return_for_revision" else "primary",
        }
        for t in annual_plan.get_available_user_state_transitions(request.user)
    ]


def annual_detail(request, pk: int):
    from housing.workflow.models import ProcessInstance
    from housing.workflow.selectors import process_node_history

    _staff_with(request, "plans.view_annualplan")
    annual_plan = selectors.annual_plan_get_for_user(user=request.user, pk=pk)
    instances = ProcessInstance.objects.filter(
        process_code=services.PROCESS_CODE,
        content_type=ContentType.objects.get_for_model(AnnualPlan),
        object_id=str(annual_plan.pk),
    ).order_by("started_at")
    states = dict(AnnualPlanState.choices)
    history = [
        {
            "node": node,
            "transition": TRANSITION_LABELS.get(node.transition, node.transition),
            "from_state": states.get(node.from_state, node.from_state),
            "to_state": states.get(node.to_state, node.to_state),
        }
        for instance in instances
        for node in process_node_history(instance=instance)
    ]
    fields = [(label, value) for label, value in selectors.annual_plan_figures(annual_plan)] + [
        (
            _("规划编号"),
            f"{annual_plan.plan.number} {annual_plan.plan.name}" if annual_plan.plan_id else None,
        ),
        (_("状态"), annual_plan.get_state_display()),
        (_("最近办理意见"), annual_plan.last_opinion),
        (_("上报时间"), annual_plan.submitted_at),
        (_("审批时间"), annual_plan.approved_at),
        (_("下达时间"), annual_plan.issued_at),
        (_("编制说明"), annual_plan.remarks),
    ]
    context = {
        "object": annual_plan,
        "title": str(annual_plan),
        "breadcrumbs": [(_("年度计划"), reverse("plans:annual_plans")), (annual_plan.number, None)],
        "fields": fields,
        "reserve": selectors.reserve_items(annual_plan=annual_plan),
        "history": history,
        "tabs": [
            ("info", _("基本信息"), "backoffice/_fields.html"),
            ("reserve", _("年度项目储备"), "plans/_annual_reserve.html"),
            ("history", _("办理记录"), "plans/_annual_history.html"),
        ],
        "transitions": _transition_buttons(request, annual_plan),
        "can_change": annual_plan.is_editable and request.user.has_perm("plans.change_annualplan"),
        "can_export": annual_plan.state == AnnualPlanState.ISSUED,
    }
    return render(request, "plans/annual_detail.html", context)


def annual_create(request):
    _staff_with(request, "plans.add_annualplan")
    form = AnnualPlanCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            annual_plan = services.annual_plan_create(
                region_code=form.cleaned_data["region_code"],
                year=form.cleaned_data["year"],
                data=_form_data(form, exclude=("region_code", "year")),
                actor=request.user,
            )
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("年度计划已创建，可选入年度项目储备后上报。"))
            return redirect(annual_plan)
    return _form_page(
        request,
        form=form,
        title=_("编制年度计划"),
        breadcrumbs=[(_("年度计划"), reverse("plans:annual_plans")), (_("新建"), None)],
        cancel_url=reverse("plans:annual_plans"),
    )


def annual_edit(request, pk: int):
    _staff_with(request, "plans.change_annualplan")
    annual_plan = selectors.annual_plan_get_for_user(user=request.user, pk=pk)
    if not annual_plan.is_editable:
        messages.error(request, _("年度计划已上报，不能修改；如需修改请由市级退回。"))
        return redirect(annual_plan)
    form = AnnualPlanEditForm(request.POST or None, instance=annual_plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.annual_plan_update(annual_plan=annual_plan, data=_form_data(form), actor=request.user)
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("年度计划已保存。"))
            return redirect("plans:annual_detail", pk=annual_plan.pk)
    detail_url = reverse("plans:annual_detail", args=[annual_plan.pk])
    return _form_page(
        request,
        form=form,
        title=_("编辑 %(plan)s") % {"plan": annual_plan.name},
        breadcrumbs=[
            (_("年度计划"), reverse("plans:annual_plans")),
            (annual_plan.number, detail_url),
            (_("编辑"), None),
        ],
        cancel_url=detail_url,
    )


@require_POST
def annual_transition(request, pk: int):
    _staff_with(request, "plans.view_annualplan")
    annual_plan = selectors.annual_plan_get_for_user(user=request.user, pk=pk)
    name = request.POST.get("transition", "")
    try:
        services.annual_plan_transition(
            annual_plan=annual_plan,
            name=name,
            actor=request.user,
            opinion=request.POST.get("opinion", "")[:1000],
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except django_fsm.TransitionNotAllowed:
        messages.error(request, _("当前状态不允许此操作，请刷新后重试。"))
    else:
        messages.success(request, _("已%(action)s。") % {"action": TRANSITION_LABELS.get(name, name)})
    return redirect("plans:annual_detail", pk=annual_plan.pk)


def annual_export_xlsx(request, pk: int):
    _staff_with(request, "plans.view_annualplan")
    annual_plan = selectors.annual_plan_get_for_user(user=request.user, pk=pk)
    try:
        buffer = services.annual_plan_export_xlsx(annual_plan=annual_plan, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(annual_plan)
    return FileResponse(
        buffer, as_attachment=True, filename=f"{annual_plan.number}.xlsx", content_type=XLSX_CONTENT_TYPE
    )


@require_POST
def annual_export_pdf(request, pk: int):
    """Issue the numbered PDF (a document record is written each time, so it is a POST)."""
    _staff_with(request, "plans.view_annualplan")
    annual_plan = selectors.annual_plan_get_for_user(user=request.user, pk=pk)
    try:
        document, pdf = services.annual_plan_issue_pdf(annual_plan=annual_plan, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(annual_plan)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.number}.pdf"'
    return response


# --- 年度计划建设项目储备 -------------------------------------------------------------------------------


def reserve_select(request, pk: int):
    """Choose projects from the project library into a draft annual plan, by filters."""
    _staff_with(request, "plans.change_annualplan")
    annual_plan = selectors.annual_plan_get_for_user(user=request.user, pk=pk)
    detail_url = reverse("plans:annual_detail", args=[annual_plan.pk])
    if not annual_plan.is_editable:
        messages.error(request, _("年度计划已上报，不能调整项目储备。"))
        return redirect(annual_plan)
    filters = ReserveFilterForm(request.GET or None, user=request.user, annual_plan=annual_plan)
    criteria = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    candidates = selectors.reserve_candidates(
        user=request.user,
        annual_plan=annual_plan,
        project_type=criteria.get("project_type", ""),
        construction_mode=criteria.get("construction_mode", ""),
        region_code=criteria.get("region_code", ""),
        start_year=criteria.get("start_year"),
    )
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("project") if v.isdigit()]
        chosen = list(candidates.filter(pk__in=ids))
        try:
            added = services.reserve_add_projects(
                annual_plan=annual_plan, projects=chosen, actor=request.user
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已选入 %(n)s 个项目。") % {"n": added})
            return redirect(detail_url + "#reserve")
    context = {
        "object": annual_plan,
        "title": _("选入年度项目储备 · %(plan)s") % {"plan": annual_plan.name},
        "breadcrumbs": [
            (_("年度计划"), reverse("plans:annual_plans")),
            (annual_plan.number, detail_url),
            (_("选入项目"), None),
        ],
        "filters": filters,
        "candidates": candidates.only(
            "pk", "number", "name", "project_type", "construction_mode", "region_code", "planned_start_date"
        )[:RESERVE_PAGE_SIZE],
        "page_size": RESERVE_PAGE_SIZE,
        "detail_url": detail_url,
    }
    return render(request, "plans/reserve_select.html", context)


def reserve_item_edit(request, pk: int, item_pk: int):
    _staff_with(request, "plans.change_annualplan")
    item = selectors.reserve_item_get_for_user(user=request.user, annual_plan_pk=pk, pk=item_pk)
    detail_url = reverse("plans:annual_detail", args=[pk])
    if not item.annual_plan.is_editable:
        messages.error(request, _("年度计划已上报，不能调整项目储备。"))
        return redirect(detail_url)
    form = ReserveItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.reserve_item_update(
                item=type(item).objects.select_related("annual_plan").get(pk=item.pk),
                data=_form_data(form),
                actor=request.user,
            )
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("项目储备已保存。"))
            return redirect(detail_url + "#reserve")
    return _form_page(
        request,
        form=form,
        title=str(item),
        breadcrumbs=[
            (_("年度计划"), reverse("plans:annual_plans")),
            (item.annual_plan.number, detail_url),
            (str(item), None),
        ],
        cancel_url=detail_url,
    )


@require_POST
def reserve_item_remove(request, pk: int, item_pk: int):
    _staff_with(request, "plans.change_annualplan")
    item = selectors.reserve_item_get_for_user(user=request.user, annual_plan_pk=pk, pk=item_pk)
    try:
        services.reserve_item_remove(item=item, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已移出项目储备。"))
    return redirect(reverse("plans:annual_detail", args=[pk]) + "#reserve")


# --- 补助标准、以奖代补因素值、中央省级补助资金分配 ----------------------------------------------------------


class SubsidyStandardListView(_PlansListView):
    permission_required = "plans.view_subsidystandard"
    title = gettext_lazy("补助标准")
    columns = [
        Column(gettext_lazy("补助标准编号"), "number", sort="number", link=True),
        Column(gettext_lazy("标准名称"), "name"),
        Column(gettext_lazy("补助方式"), "method", sort="method"),
        Column(gettext_lazy("标准值"), "value", sort="value"),
        Column(gettext_lazy("适用年度"), "year", sort="year"),
        Column(gettext_lazy("行政区划代码"), "region_code", sort="region_code"),
        Column(gettext_lazy("是否启用"), "is_active"),
    ]
    search_fields = ("number__icontains", "name__icontains")
    search_placeholder = gettext_lazy("编号或名称")
    default_ordering = ("number",)
    export_filename = "补助标准"
    create_url_name = "plans:standard_create"
    add_permission = "plans.add_subsidystandard"

    class filterset_class(django_filters.FilterSet):  # noqa: N801 - the attribute ScopedListView reads
        method = django_filters.ChoiceFilter(label=gettext_lazy("补助方式"), choices=SubsidyMethod.choices)

        class Meta:
            model = SubsidyStandard
            fields = ["method"]

    def get_base_queryset(self):
        return selectors.subsidy_standard_list(user=self.request.user)


class RewardFactorListView(_PlansListView):
    permission_required = "plans.view_rewardfactor"
    title = gettext_lazy("以奖代补因素值")
    columns = [
        Column(gettext_lazy("因素编号"), "code", sort="code", link=True),
        Column(gettext_lazy("因素名称"), "name"),
        Column(gettext_lazy("因素统计量"), "statistic", sort="statistic"),
        Column(gettext_lazy("公式"), "formula"),
        Column(gettext_lazy("计算结果"), "evaluate"),
        Column(gettext_lazy("适用年度"), "year", sort="year"),
        Column(gettext_lazy("行政区划代码"), "region_code", sort="region_code"),
    ]
    search_fields = ("code__icontains", "name__icontains")
    search_placeholder = gettext_lazy("编号或名称")
    default_ordering = ("code",)
    export_filename = "以奖代补因素值"
    create_url_name = "plans:factor_create"
    add_permission = "plans.add_rewardfactor"

    def get_base_queryset(self):
        return selectors.reward_factor_list(user=self.request.user)


class SubsidyAllocationListView(_PlansListView):
    permission_required = "plans.view_subsidyallocation"
    title = gettext_lazy("中央省级补助资金分配")
    columns = [
        Column(gettext_lazy("资金分配编号"), "number", sort="number", link=True),
        Column(gettext_lazy("建设项目名称"), "project_name"),
        Column(gettext_lazy("补助层级"), "tier", sort="tier"),
        Column(gettext_lazy("资金用途"), "purpose"),
        Column(gettext_lazy("补助年度"), "year", sort="year"),
        Column(gettext_lazy("补助套数"), "units"),
        Column(gettext_lazy("补助户数"), "households"),
        Column(gettext_lazy("补助金额（元）"), "amount", sort="amount"),
        Column(gettext_lazy("到位时间"), "received_on", sort="received_on"),
        Column(gettext_lazy("行政区划代码"), "region_code", sort="region_code"),
    ]
    search_fields = ("number__icontains", "project_name__icontains")
    search_placeholder = gettext_lazy("编号或项目名称")
    default_ordering = ("-year", "number")
    export_filename = "中央省级补助资金分配"
    create_url_name = "plans:allocation_create"
    add_permission = "plans.add_subsidyallocation"

    class filterset_class(django_filters.FilterSet):  # noqa: N801 - the attribute ScopedListView reads
        tier = django_filters.ChoiceFilter(label=gettext_lazy("补助层级"), choices=SubsidyTier.choices)
        year = django_filters.NumberFilter(label=gettext_lazy("补助年度"))

        class Meta:
            model = SubsidyAllocation
            fields = ["tier", "year"]

    def get_base_queryset(self):
        return selectors.subsidy_allocation_list(user=self.request.user)


# (model, form, list url name, list title, getter) of the reference tables edited through one view.
_REFERENCE = {
    "standard": (SubsidyStandard, SubsidyStandardForm, "plans:standards", gettext_lazy("补助标准"),
                 selectors.subsidy_standard_get_for_user),
    "factor": (RewardFactor, RewardFactorForm, "plans:factors", gettext_lazy("以奖代补因素值"),
               selectors.reward_factor_get_for_user),
    "allocation": (SubsidyAllocation, SubsidyAllocationForm, "plans:allocations",
                   gettext_lazy("中央省级补助资金分配"), selectors.subsidy_allocation_get_for_user),
}  # fmt: skip


def reference_edit(request, kind: str, pk: int | None = None):
    """Create (pk None) or edit one row of 补助标准 / 以奖代补因素值 / 资金分配, in the user's scope."""
    model, form_class, list_url_name, list_title, getter = _REFERENCE[kind]
    meta = model._meta
    _staff_with(request, f"plans.{'change' if pk else 'add'}_{meta.model_name}")
    instance: models.Model | None = getter(user=request.user, pk=pk) if pk else None
    form = form_class(request.POST or None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        target = model.objects.get(pk=instance.pk) if instance else model()
        try:
            services.scoped_record_save(instance=target, data=_form_data(form), actor=request.user)
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(list_url_name)
    list_url = reverse(list_url_name)
    return _form_page(
        request,
        form=form,
        title=(_("编辑 %(obj)s") % {"obj": instance})
        if instance
        else _("新建%(title)s") % {"title": list_title},
        breadcrumbs=[(list_title, list_url), (str(instance) if instance else _("新建"), None)],
        cancel_url=list_url,
    )
