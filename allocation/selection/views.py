"""Back-office pages of 选房: list, create, detail, the operator desk (叫号、选房、缺席/放弃), review. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from housing.backoffice.access import staff_permission_required
from housing.backoffice.forms import add_service_errors
from housing.backoffice.listing import Column, ScopedListView
from projects.models import Unit, UnitState

from . import selectors, services
from .forms import WAITLIST, CancelPickForm, OpinionForm, PassForm, PickForm, SessionCreateForm, VoidForm
from .models import OrderStatus, SelectionState

VIEW, RUN, REVIEW = "allocation.view_selectionsession", services.RUN, services.REVIEW


def _crumb():
    return (_("选房"), reverse("allocation:selection_session_list"))


def _errors(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


class SessionListView(ScopedListView):
    title = gettext_lazy("选房")
    permission_required = VIEW
    columns = [
        Column(gettext_lazy("选房活动编号"), "number", sort="number", link=True),
        Column(gettext_lazy("选房活动名称"), "name"),
        Column(gettext_lazy("区划"), "region_code", sort="region_code"),
        Column(gettext_lazy("户数"), "family_count"),
        Column(gettext_lazy("房源套数"), "unit_count"),
        Column(gettext_lazy("状态"), "state", sort="state"),
        Column(gettext_lazy("开始时间"), "starts_at", sort="starts_at"),
    ]
    search_fields = ("number", "name")
    search_placeholder = gettext_lazy("选房活动编号或名称")
    export_filename = "选房活动"

    def get_base_queryset(self):
        return selectors.selection_session_list(user=self.request.user)


def _form_page(request, *, form, title, session=None, submit_label, intro=""):
    crumbs = [_crumb()]
    if session is not None:
        crumbs.append((session.number, session.get_absolute_url()))
    crumbs.append((title, None))
    return render(
        request,
        "admission/form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": crumbs,
            "cancel_url": session.get_absolute_url()
            if session
            else reverse("allocation:selection_session_list"),
            "submit_label": submit_label,
            "intro": intro,
        },
    )


@staff_permission_required(RUN)
def session_create(request):
    form = SessionCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        units = list(
            Unit.objects.filter(building__in=data["buildings"], state=UnitState.DELIVERED).order_by("number")
        )
        limit = data["family_limit"] or len(units)
        if data["source"] == WAITLIST:
            families = services.selection_families_from_waitlist(
                project_code=data["project_code"],
                mode_code=data["mode_code"],
                region_code=data["region_code"],
                limit=limit,
            )
            source = _("轮候顺序")
        else:
            from allocation.models import Lottery

            lottery = Lottery.objects.get(pk=int(data["source"].split(":", 1)[1]))
            families = services.selection_families_from_lottery(lottery)[:limit]
            source = _("摇号 %(n)s") % {"n": lottery.number}
        try:
            session = services.selection_session_create(
                name=data["name"],
                region_code=data["region_code"],
                project_code=data["project_code"],
                mode_code=data["mode_code"],
                units=units,
                families=families,
                actor=request.user,
                starts_at=data["starts_at"],
                slot_minutes=data["slot_minutes"],
                families_per_slot=data["families_per_slot"],
                place=data["place"],
                source=source,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "units" in exc.error_dict:
                exc.error_dict["buildings"] = exc.error_dict.pop("units")
            if hasattr(exc, "error_dict") and "families" in exc.error_dict:
                exc.error_dict["source"] = exc.error_dict.pop("families")
            add_service_errors(form, exc)
        else:
            messages.success(request, _("选房活动已建立。"))
            return redirect(session.get_absolute_url())
    return _form_page(request, form=form, title=_("新建选房活动"), submit_label=_("建立"))


@staff_permission_required(VIEW)
def session_detail(request, pk: int):
    session = selectors.selection_session_get_for_user(user=request.user, pk=pk)
    orders = Paginator(selectors.selection_orders(session=session), 50).get_page(request.GET.get("page"))
    picks_by_order = selectors.selection_live_picks(orders=list(orders.object_list))
    order_rows = [(o, picks_by_order.get(o.pk)) for o in orders]
    units = Paginator(selectors.selection_offered_units(session=session), 100).get_page(
        request.GET.get("upage")
    )
    picks = Paginator(selectors.selection_pick_list(session=session), 50).get_page(request.GET.get("ppage"))
    user = request.user
    context = {
        "object": session,
        "session": session,
        "title": f"{session.number} {session.name}",
        "breadcrumbs": [_crumb(), (session.number, None)],
        "orders_page": orders,
        "order_rows": order_rows,
        "units_page": units,
        "picks_page": picks,
        "can_run": user.has_perm(RUN),
        "can_review": user.has_perm(REVIEW),
        "tabs": [
            ("info", _("活动信息"), "allocation/selection/_info.html"),
            ("orders", _("配给顺序"), "allocation/selection/_orders.html"),
            ("units", _("房源"), "allocation/selection/_units.html"),
            ("picks", _("选房结果"), "allocation/selection/_picks.html"),
        ],
    }
    return render(request, "allocation/selection/detail.html", context)


def _session_step(request, pk, *, service, done, form_class=OpinionForm, title, submit_label, **kwargs):
    session = selectors.selection_session_get_for_user(user=request.user, pk=pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(session=session, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(session.get_absolute_url())
    return _form_page(request, form=form, title=title, session=session, submit_label=submit_label)


@staff_permission_required(RUN)
def session_start(request, pk: int):
    return _session_step(
        request, pk, service=services.selection_session_start, done=_("选房已开始。"), title=_("开始选房"),
        submit_label=_("开始"),
    )  # fmt: skip


@staff_permission_required(RUN)
def session_end(request, pk: int):
    return _session_step(
        request, pk, service=services.selection_session_end, done=_("选房已结束。"), title=_("结束选房"),
        submit_label=_("结束"),
    )  # fmt: skip


@staff_permission_required(RUN)
def session_void(request, pk: int):
    return _session_step(
        request, pk, service=services.selection_session_void, done=_("选房活动已作废。"), form_class=VoidForm,
        title=_("作废选房活动"), submit_label=_("作废"),
    )  # fmt: skip


# --- the operator desk -------------------------------------------------------------------------------


@staff_permission_required(RUN)
def desk(request, pk: int):
    """选房操作台: call the next family; for each family choosing, the fitting units only."""
    session = selectors.selection_session_get_for_user(user=request.user, pk=pk)
    choosing = selectors.selection_choosing(session=session)
    families = [(order, list(selectors.selection_fitting_units(order=order)[:200])) for order in choosing]
    context = {
        "session": session,
        "title": _("选房操作台：%(n)s") % {"n": session.name},
        "breadcrumbs": [_crumb(), (session.number, session.get_absolute_url()), (_("选房操作台"), None)],
        "families": families,
        "is_running": session.state == SelectionState.RUNNING,
        "pass_form": PassForm(),
        "board": selectors.selection_board(session=session),
    }
    return render(request, "allocation/selection/desk.html", context)


def _back_to_desk(session_pk: int):
    return redirect(reverse("allocation:selection_desk", args=[session_pk]))


@require_POST
@staff_permission_required(RUN)
def call_next(request, pk: int):
    session = selectors.selection_session_get_for_user(user=request.user, pk=pk)
    try:
        order = services.selection_call_next(session=session, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(
            request,
            _("请第%(n)s号 %(name)s 家庭选房。") % {"n": order.order_number, "name": order.masked_name},
        )
    return _back_to_desk(session.pk)


@require_POST
@staff_permission_required(RUN)
def order_pick(request, pk: int):
    order = selectors.selection_order_get_for_user(user=request.user, pk=pk)
    form = PickForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择一套房源。"))
        return _back_to_desk(order.session_id)
    unit = Unit.objects.filter(pk=form.cleaned_data["unit"]).first()
    if unit is None:
        messages.error(request, _("该房源不在本次选房活动中。"))
        return _back_to_desk(order.session_id)
    try:
        services.selection_pick(order=order, unit=unit, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(
            request, _("第%(n)s号家庭已选定 %(u)s。") % {"n": order.order_number, "u": unit.number}
        )
    return _back_to_desk(order.session_id)


@require_POST
@staff_permission_required(RUN)
def order_pass(request, pk: int):
    order = selectors.selection_order_get_for_user(user=request.user, pk=pk)
    form = PassForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择缺席或放弃。"))
        return _back_to_desk(order.session_id)
    try:
        order = services.selection_pass(order=order, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        kind = OrderStatus(form.cleaned_data["kind"]).label
        messages.success(request, _("第%(n)s号家庭已登记为%(k)s。") % {"n": order.order_number, "k": kind})
    return _back_to_desk(order.session_id)


@require_POST
@staff_permission_required(REVIEW)
def pick_review(request, pk: int):
    pick = selectors.selection_pick_get_for_user(user=request.user, pk=pk)
    try:
        services.selection_pick_review(pick=pick, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("选房结果已审核，入住通知书正在出具。"))
    return redirect(pick.session.get_absolute_url() + "#pane-picks")


@staff_permission_required(REVIEW)
def pick_cancel(request, pk: int):
    pick = selectors.selection_pick_get_for_user(user=request.user, pk=pk)
    form = CancelPickForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.selection_pick_cancel(pick=pick, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("选房结果已取消，房源已释放。"))
            return redirect(pick.session.get_absolute_url())
    return _form_page(
        request,
        form=form,
        title=_("取消选房结果：%(u)s") % {"u": pick.unit.number},
        session=pick.session,
        submit_label=_("取消选房结果"),
    )


@staff_permission_required(VIEW)
def pick_notice(request, pk: int):
    from .notices import entry_notice_pdf

    pick = selectors.selection_pick_get_for_user(user=request.user, pk=pk)
    pdf = entry_notice_pdf(pick=pick, actor=request.user)
    if pdf is None:
        messages.error(request, _("入住通知书尚未出具。"))
        return redirect(pick.session.get_absolute_url())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pick.notice_number}.pdf"'
    return response


@require_POST
@staff_permission_required(RUN)
def session_from_plan(request, plan_pk: int):
    """按摇号结果建立选房活动 from a published lottery plan (a waitlist plan's starts when it is published)."""
    from allocation.plans.selectors import plan_get_for_user

    from .plan_rounds import selection_session_for_plan

    plan = plan_get_for_user(user=request.user, pk=plan_pk)
    try:
        session = selection_session_for_plan(plan=plan, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(plan.get_absolute_url())
    messages.success(request, _("选房活动已建立：方案的房源，按摇号顺序叫号。"))
    return redirect(session.get_absolute_url())
