"""Back-office pages of lotteries: list, create, detail with the entrants, draw, void (two people). Thin."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.backoffice.access import staff_permission_required
from housing.backoffice.forms import add_service_errors
from housing.backoffice.listing import Column, ScopedListView

from . import selectors
from .forms import LotteryCreateForm, LotteryDrawForm, LotteryVoidConfirmForm, LotteryVoidRequestForm
from .models import LotteryState
from .services import (
    lottery_create,
    lottery_draw,
    lottery_entrants_from_waitlist,
    lottery_freeze,
    lottery_void_confirm,
    lottery_void_request,
)

VIEW, RUN, VOID = "allocation.view_lottery", "allocation.run_lottery", "allocation.void_lottery"


def _list_crumb():
    return (_("摇号"), reverse("allocation:lottery_list"))


class LotteryListView(ScopedListView):
    title = gettext_lazy("摇号")
    permission_required = VIEW
    columns = [
        Column(gettext_lazy("摇号编号"), "number", sort="number", link=True),
        Column(gettext_lazy("摇号名称"), "name"),
        Column(gettext_lazy("区划"), "region_code", sort="region_code"),
        Column(gettext_lazy("参加户数"), "entrant_count"),
        Column(gettext_lazy("状态"), "state", sort="state"),
        Column(gettext_lazy("摇号时间"), "drawn_at", sort="drawn_at"),
    ]
    search_fields = ("number", "name")
    search_placeholder = gettext_lazy("摇号编号或名称")
    export_filename = "摇号"

    def get_base_queryset(self):
        return selectors.lottery_list(user=self.request.user)


def _form_page(request, *, form, title, lottery=None, submit_label, intro=""):
    crumbs = [_list_crumb()]
    if lottery is not None:
        crumbs.append((lottery.number, lottery.get_absolute_url()))
    crumbs.append((title, None))
    return render(
        request,
        "admission/form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": crumbs,
            "cancel_url": lottery.get_absolute_url() if lottery else reverse("allocation:lottery_list"),
            "submit_label": submit_label,
            "intro": intro,
        },
    )


@staff_permission_required(RUN)
def lottery_create_view(request):
    form = LotteryCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            lottery = lottery_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("摇号已建立，锁定参加人名单后公布名单校验值。"))
            return redirect(lottery.get_absolute_url())
    return _form_page(request, form=form, title=_("新建摇号"), submit_label=_("建立"))


@staff_permission_required(VIEW)
def lottery_detail(request, pk: int):
    lottery = selectors.lottery_get_for_user(user=request.user, pk=pk)
    page = Paginator(selectors.lottery_entrants(lottery=lottery), 50).get_page(request.GET.get("page"))
    user = request.user
    context = {
        "object": lottery,
        "lottery": lottery,
        "title": f"{lottery.number} {lottery.name}",
        "breadcrumbs": [_list_crumb(), (lottery.number, None)],
        "page_obj": page,
        "can_freeze": lottery.state == LotteryState.DRAFT and user.has_perm(RUN),
        "can_draw": lottery.state == LotteryState.FROZEN and user.has_perm(RUN),
        "can_request_void": lottery.state == LotteryState.DRAWN
        and not lottery.void_pending
        and user.has_perm(VOID),
        "can_confirm_void": lottery.void_pending
        and user.has_perm(VOID)
        and lottery.void_requested_by_id != user.pk,
        "tabs": [
            ("info", _("摇号信息"), "allocation/_lottery_info.html"),
            ("entrants", _("参加人与结果"), "allocation/_lottery_entrants.html"),
        ],
    }
    return render(request, "allocation/lottery_detail.html", context)


def _service_form(request, pk, *, form_class, service, title, submit_label, done, intro=""):
    lottery = selectors.lottery_get_for_user(user=request.user, pk=pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(lottery=lottery, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(lottery.get_absolute_url())
    return _form_page(
        request, form=form, title=title, lottery=lottery, submit_label=submit_label, intro=intro
    )


@staff_permission_required(RUN)
def lottery_freeze_view(request, pk: int):
    """锁定名单: the waiting families of the lottery's project, mode and region, shown before freezing."""
    lottery = selectors.lottery_get_for_user(user=request.user, pk=pk)
    # A plan's lottery enters exactly the plan's invited families (allocation/plans).
    plan = getattr(lottery, "allocation_plan", None)
    if plan is not None:
        from .plans.services import plan_lottery_entrants

        entrants = plan_lottery_entrants(plan)
    else:
        entrants = lottery_entrants_from_waitlist(lottery=lottery)
    form = LotteryVoidConfirmForm(request.POST or None, initial={"opinion": _("名单核对无误，锁定。")})
    if request.method == "POST" and form.is_valid():
        try:
            lottery_freeze(
                lottery=lottery, entrants=entrants, actor=request.user, opinion=form.cleaned_data["opinion"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("名单已锁定，参加户数和校验值已在门户公布。"))
            return redirect(lottery.get_absolute_url())
    rounds = {}
    for spec in entrants:
        rounds[spec.priority_round] = rounds.get(spec.priority_round, 0) + 1
    intro = _("将锁定 %(n)s 户（%(rounds)s）。锁定后名单不能再改，其校验值立即公布。") % {
        "n": len(entrants),
        "rounds": "，".join(_("第%(r)s轮 %(c)s 户") % {"r": r, "c": c} for r, c in sorted(rounds.items()))
        or "—",
    }
    return _form_page(
        request, form=form, title=_("锁定名单"), lottery=lottery, submit_label=_("锁定名单"), intro=intro
    )


@staff_permission_required(RUN)
def lottery_draw_view(request, pk: int):
    return _service_form(
        request,
        pk,
        form_class=LotteryDrawForm,
        service=lottery_draw,
        title=_("现场摇号"),
        submit_label=_("摇号"),
        done=_("摇号完成，结果已公布。"),
        intro=_("每次摇号只能进行一次：确认现场种子无误后再提交。"),
    )


@staff_permission_required(VOID)
def lottery_void_request_view(request, pk: int):
    return _service_form(
        request,
        pk,
        form_class=LotteryVoidRequestForm,
        service=lottery_void_request,
        title=_("申请作废"),
        submit_label=_("提交作废申请"),
        done=_("作废申请已提交，须由另一人复核。"),
    )


@staff_permission_required(VOID)
def lottery_void_confirm_view(request, pk: int):
    return _service_form(
        request,
        pk,
        form_class=LotteryVoidConfirmForm,
        service=lottery_void_confirm,
        title=_("复核作废"),
        submit_label=_("同意作废"),
        done=_("摇号已作废，门户公布作废公告。"),
    )


def entrant_file_response(lottery) -> HttpResponse:
    response = HttpResponse(lottery.entrant_file.encode("ascii"), content_type="text/plain; charset=us-ascii")
    response["Content-Disposition"] = f'attachment; filename="{lottery.number}-entrants.txt"'
    return response


def result_file_response(lottery) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        selectors.lottery_result_lines(lottery=lottery), content_type="text/plain; charset=us-ascii"
    )
    response["Content-Disposition"] = f'attachment; filename="{lottery.number}-result.txt"'
    return response
