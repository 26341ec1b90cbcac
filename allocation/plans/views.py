"""Back-office pages of 资源配置方案: list, demand and supply, create/edit a draft, units, invitation,
publish, withdraw, complete; support plans. Thin: check access, bind a form, call a service or selector."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from housing.accounts.scope import code_in_scope
from housing.backoffice.access import staff_permission_required
from housing.backoffice.forms import add_service_errors
from housing.backoffice.listing import Column, ScopedListView

from . import selectors, support
from .filters import PlanFilter
from .forms import (
    InviteForm,
    OpinionForm,
    PlanForm,
    SupportObjectsAddForm,
    SupportPlanForm,
    UnitsAddForm,
    WithdrawForm,
)
from .models import AllocationMethod, AllocationPlanState
from .services import (
    allocatable_units,
    allocation_plan_complete,
    allocation_plan_create,
    allocation_plan_families_invite,
    allocation_plan_publish,
    allocation_plan_units_add,
    allocation_plan_units_remove,
    allocation_plan_update,
    allocation_plan_withdraw,
    is_subsidy_mode,
)

VIEW, RUN = "allocation.view_allocationplan", "allocation.run_allocationplan"
SUPPORT_VIEW = "allocation.view_supportallocationplan"
PER_PAGE = 50


def _crumb():
    return (_("配置方案"), reverse("allocation:plans_list"))


def _form_page(request, *, form, title, plan=None, submit_label, intro="", crumb=None, cancel_url=None):
    crumbs = [crumb or _crumb()]
    if plan is not None:
        crumbs.append((plan.number, plan.get_absolute_url()))
    crumbs.append((title, None))
    return render(
        request,
        "admission/form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": crumbs,
            "cancel_url": cancel_url or (plan.get_absolute_url() if plan else crumbs[0][1]),
            "submit_label": submit_label,
            "intro": intro,
        },
    )


class PlanListView(ScopedListView):
    title = gettext_lazy("配置方案")
    permission_required = VIEW
    filterset_class = PlanFilter
    columns = [
        Column(gettext_lazy("方案编号"), "number", sort="number", link=True),
        Column(gettext_lazy("方案名称"), "name"),
        Column(gettext_lazy("保障项目编号"), "project_code", sort="project_code"),
        Column(gettext_lazy("保障方式"), "mode_code"),
        Column(gettext_lazy("方案周期"), "period", sort="period"),
        Column(gettext_lazy("配置方式"), "method"),
        Column(gettext_lazy("本期保障总户数"), "household_count"),
        Column(gettext_lazy("本期住房分配总套数"), "unit_count"),
        Column(gettext_lazy("区划"), "region_code", sort="region_code"),
        Column(gettext_lazy("方案状态"), "state", sort="state"),
    ]
    search_fields = ("number__icontains", "name__icontains")
    search_placeholder = gettext_lazy("方案编号或名称")
    export_filename = "配置方案"

    def get_base_queryset(self):
        return selectors.plan_list(user=self.request.user)


@staff_permission_required(VIEW)
def demand_view(request):
    """供需对比: waiting families against allocatable units and subsidy funds, per waitlist."""
    region = request.GET.get("region", "")
    choices = selectors.plan_region_choices(user=request.user)
    if region not in dict(choices):
        region = ""
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    tables = selectors.demand_supply(user=request.user, region_code=region, year=year)
    chart = {
        "labels": [t.title for t in tables],
        "families": [t.total.families for t in tables],
        "units": [t.total.units for t in tables],
    }
    return render(
        request,
        "allocation/plans/demand.html",
        {
            "title": _("供需对比"),
            "breadcrumbs": [_crumb(), (_("供需对比"), None)],
            "tables": tables,
            "chart": chart,
            "region": region,
            "region_choices": choices,
            "year": year,
            "can_create": request.user.has_perm(RUN),
        },
    )


@staff_permission_required(RUN)
def create_view(request):
    form = PlanForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        initial={"method": AllocationMethod.WAITLIST},
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = allocation_plan_create(actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("配置方案已建立（草拟），请添加房源并生成邀请名单。"))
            return redirect(plan.get_absolute_url())
    return _form_page(request, form=form, title=_("新建配置方案"), submit_label=_("建立"))


@staff_permission_required(RUN)
def edit_view(request, pk: int):
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    initial = {
        name: getattr(plan, name)
        for name in (
            "name",
            "period_kind",
            "period",
            "method",
            "unit_guarantee_mode",
            "object_type",
            "household_target",
            "subsidy_per_household",
            "subsidy_budget",
            "description",
        )
    }
    initial["waitlist"] = f"{plan.project_code}:{plan.mode_code}"
    form = PlanForm(
        request.POST if request.method == "POST" else None, user=request.user, editing=True, initial=initial
    )
    if not plan.is_editable:
        form.add_error(None, _("配置方案当前为“%(state)s”，不能修改。") % {"state": plan.get_state_display()})
    elif request.method == "POST" and form.is_valid():
        try:
            allocation_plan_update(plan=plan, actor=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("配置方案已保存。"))
            return redirect(plan.get_absolute_url())
    return _form_page(
        request,
        form=form,
        title=_("修改配置方案"),
        plan=plan,
        submit_label=_("保存"),
        intro=_("修改保障项目、保障方式、配置方式或房源保障方式会清空已选房源和邀请名单。"),
    )


@staff_permission_required(VIEW)
def detail_view(request, pk: int):
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    user = request.user
    can_run = user.has_perm(RUN) and code_in_scope(user, plan.region_code)
    families = Paginator(selectors.plan_families(plan=plan), PER_PAGE).get_page(request.GET.get("fpage"))
    resources = Paginator(selectors.plan_resources(plan=plan), PER_PAGE).get_page(request.GET.get("rpage"))
    context = {
        "object": plan,
        "plan": plan,
        "title": f"{plan.number} {plan.name}",
        "breadcrumbs": [_crumb(), (plan.number, None)],
        "families_page": families,
        "resources_page": resources,
        "history": selectors.plan_history(plan=plan),
        "is_subsidy": is_subsidy_mode(plan.mode_code),
        "can_edit": can_run and plan.is_editable,
        "can_publish": can_run and plan.is_editable,
        "can_withdraw": can_run and plan.state in (AllocationPlanState.DRAFT, AllocationPlanState.PUBLISHED),
        "can_complete": can_run and plan.state == AllocationPlanState.PUBLISHED,
        "tabs": [
            ("summary", _("概要"), "allocation/plans/_summary.html"),
            ("families", _("保障对象"), "allocation/plans/_families.html"),
            (
                "resources",
                _("房源") if not is_subsidy_mode(plan.mode_code) else _("补贴"),
                "allocation/plans/_resources.html",
            ),
            ("history", _("流转记录"), "workflow/_node_history.html"),
        ],
    }
    return render(request, "allocation/plans/detail.html", context)


@staff_permission_required(RUN)
def units_view(request, pk: int):
    """选择房源: the allocatable units of the plan's stock mode in its region (paginated); add all, a
    building, or the ticked ones."""
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    form = UnitsAddForm(
        request.POST if request.method == "POST" else None, buildings=selectors.plan_buildings(plan=plan)
    )
    if request.method == "POST" and form.is_valid():
        ids = [int(v) for v in request.POST.getlist("unit") if v.isdigit()]
        try:
            added = allocation_plan_units_add(
                plan=plan,
                actor=request.user,
                unit_ids=ids or None,
                building_id=None if ids else form.cleaned_data["building"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已添加 %(n)s 套房源。") % {"n": added})
            return redirect(reverse("allocation:plans_units", args=[plan.pk]))
    available = (
        allocatable_units(plan=plan)
        .exclude(pk__in=plan.resources.filter(unit__isnull=False).values("unit_id"))
        .select_related("building__project")
        .order_by("building__project__name", "building__name", "number")
    )
    rooms = request.GET.get("rooms", "")
    if rooms.isdigit():
        available = available.filter(rooms__gte=4) if rooms == "4" else available.filter(rooms=int(rooms))
    page = Paginator(available, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "allocation/plans/units.html",
        {
            "title": _("选择房源"),
            "breadcrumbs": [_crumb(), (plan.number, plan.get_absolute_url()), (_("选择房源"), None)],
            "plan": plan,
            "form": form,
            "page_obj": page,
            "editable": plan.is_editable,
            "rooms": rooms,
            "room_choices": [("1", _("一室")), ("2", _("二室")), ("3", _("三室")), ("4", _("四室及以上"))],
            "extra_query": f"rooms={rooms}&" if rooms.isdigit() else "",
        },
    )


@require_POST
@staff_permission_required(RUN)
def units_remove_view(request, pk: int):
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    ids = [int(v) for v in request.POST.getlist("resource") if v.isdigit()]
    try:
        removed = allocation_plan_units_remove(
            plan=plan, actor=request.user, resource_ids=None if request.POST.get("all") else ids
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已移除 %(n)s 套房源。") % {"n": removed})
    return redirect(plan.get_absolute_url() + "#resources")


@staff_permission_required(RUN)
def invite_view(request, pk: int):
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            n = allocation_plan_families_invite(
                plan=plan, actor=request.user, count=form.cleaned_data["count"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("邀请名单已生成：%(n)s 户。") % {"n": n})
            return redirect(plan.get_absolute_url())
    if plan.method == AllocationMethod.LOTTERY:
        intro = _("摇号方案：邀请本区划内全部轮候中的该保障项目和方式的家庭参加摇号，原名单将被替换。")
    else:
        intro = _("按轮候顺序：从轮候名册排名最前的家庭起邀请，原名单将被替换。当前房源 %(u)s 套。") % {
            "u": plan.unit_count
        }
    return _form_page(
        request, form=form, title=_("生成邀请名单"), plan=plan, submit_label=_("生成"), intro=intro
    )


@staff_permission_required(RUN)
def publish_view(request, pk: int):
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    form = OpinionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = allocation_plan_publish(
                plan=plan, actor=request.user, opinion=form.cleaned_data["opinion"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if plan.lottery_id:
                messages.success(request, _("方案已发布，摇号已建立（准备中），请锁定名单。"))
            else:
                messages.success(request, _("方案已发布，房源和邀请名单已锁定。"))
            return redirect(plan.get_absolute_url())
    intro = _("发布后房源和邀请名单不能再修改。邀请 %(f)s 户，房源 %(u)s 套。") % {
        "f": plan.invited_count,
        "u": plan.unit_count,
    }
    if plan.method == AllocationMethod.LOTTERY:
        intro += _("发布时将建立摇号，参加家庭即本方案的邀请家庭。")
    return _form_page(request, form=form, title=_("发布方案"), plan=plan, submit_label=_("发布"), intro=intro)


@staff_permission_required(RUN)
def withdraw_view(request, pk: int):
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            allocation_plan_withdraw(plan=plan, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("方案已撤销。"))
            return redirect(plan.get_absolute_url())
    return _form_page(request, form=form, title=_("撤销方案"), plan=plan, submit_label=_("撤销"))


@staff_permission_required(RUN)
def complete_view(request, pk: int):
    plan = selectors.plan_get_for_user(user=request.user, pk=pk)
    form = OpinionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            allocation_plan_complete(plan=plan, actor=request.user, opinion=form.cleaned_data["opinion"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("方案已完成。"))
            return redirect(plan.get_absolute_url())
    return _form_page(
        request,
        form=form,
        title=_("完成方案"),
        plan=plan,
        submit_label=_("完成"),
        intro=_("未配置的家庭和房源将标记为“未配置”。"),
    )


# --- support plans ---------------------------------------------------------------------------------------


def _support_crumb():
    return (_("支持项目配置方案"), reverse("allocation:plans_support_list"))


class SupportPlanListView(ScopedListView):
    title = gettext_lazy("支持项目配置方案")
    permission_required = SUPPORT_VIEW
    columns = [
        Column(gettext_lazy("方案编号"), "number", sort="number", link=True),
        Column(gettext_lazy("方案名称"), "name"),
        Column(gettext_lazy("支持项目编号"), "support_project_code"),
        Column(gettext_lazy("方案周期"), "period", sort="period"),
        Column(gettext_lazy("支持方式"), "support_mode"),
        Column(gettext_lazy("本期支持对象数量"), "object_count"),
        Column(gettext_lazy("本期土地分配总面积"), "land_area_total"),
        Column(gettext_lazy("本期补贴总金额"), "subsidy_total"),
        Column(gettext_lazy("方案状态"), "state", sort="state"),
    ]
    search_fields = ("number__icontains", "name__icontains")
    search_placeholder = gettext_lazy("方案编号或名称")
    export_filename = "支持项目配置方案"

    def get_base_queryset(self):
        return selectors.support_plan_list(user=self.request.user)


@staff_permission_required(RUN)
def support_create_view(request):
    form = SupportPlanForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            plan = support.support_plan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("支持项目配置方案已建立，请加入已核定的支持对象。"))
            return redirect(plan.get_absolute_url())
    return _form_page(
        request, form=form, title=_("新建支持项目配置方案"), submit_label=_("建立"), crumb=_support_crumb()
    )


@staff_permission_required(SUPPORT_VIEW)
def support_detail_view(request, pk: int):
    plan = selectors.support_plan_get_for_user(user=request.user, pk=pk)
    user = request.user
    can_run = user.has_perm(RUN) and code_in_scope(user, plan.region_code)
    objects = Paginator(selectors.support_plan_objects(plan=plan), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "allocation/plans/support_detail.html",
        {
            "object": plan,
            "plan": plan,
            "title": f"{plan.number} {plan.name}",
            "breadcrumbs": [_support_crumb(), (plan.number, None)],
            "objects_page": objects,
            "history": selectors.support_plan_history(plan=plan),
            "can_edit": can_run and plan.is_editable,
            "available": support.approved_support_objects(plan=plan).count()
            if can_run and plan.is_editable
            else 0,
            "tabs": [
                ("summary", _("概要"), "allocation/plans/_support_summary.html"),
                ("objects", _("支持对象"), "allocation/plans/_support_objects.html"),
                ("history", _("流转记录"), "workflow/_node_history.html"),
            ],
        },
    )


@staff_permission_required(RUN)
def support_objects_view(request, pk: int):
    plan = selectors.support_plan_get_for_user(user=request.user, pk=pk)
    form = SupportObjectsAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["approval_number"].strip()
        try:
            n = support.support_plan_objects_add(
                plan=plan,
                actor=request.user,
                approval_numbers=[number] if number else None,
                land_area=form.cleaned_data["land_area"] or 0,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已加入 %(n)s 个支持对象。") % {"n": n})
            return redirect(plan.get_absolute_url())
    return _form_page(
        request,
        form=form,
        title=_("加入支持对象"),
        plan=plan,
        submit_label=_("加入"),
        crumb=_support_crumb(),
        intro=_("可加入的已核定支持对象：%(n)s 个。")
        % {"n": support.approved_support_objects(plan=plan).count()},
    )


@require_POST
@staff_permission_required(RUN)
def support_objects_remove_view(request, pk: int):
    plan = selectors.support_plan_get_for_user(user=request.user, pk=pk)
    ids = [int(v) for v in request.POST.getlist("object") if v.isdigit()]
    try:
        n = support.support_plan_objects_remove(plan=plan, actor=request.user, object_ids=ids)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已移除 %(n)s 个支持对象。") % {"n": n})
    return redirect(plan.get_absolute_url())


@staff_permission_required(RUN)
def support_publish_view(request, pk: int):
    plan = selectors.support_plan_get_for_user(user=request.user, pk=pk)
    form = OpinionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            support.support_plan_publish(plan=plan, actor=request.user, opinion=form.cleaned_data["opinion"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("支持项目配置方案已发布。"))
            return redirect(plan.get_absolute_url())
    return _form_page(
        request,
        form=form,
        title=_("发布方案"),
        plan=plan,
        submit_label=_("发布"),
        crumb=_support_crumb(),
        intro=_("发布后支持对象不能再修改。"),
    )
