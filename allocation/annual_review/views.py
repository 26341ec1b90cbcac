"""Back-office pages of 年审: the list with the run button, and a review with its checks and the decision.
Thin: forms → services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from housing.backoffice.access import staff_permission_required
from housing.backoffice.forms import add_service_errors
from housing.backoffice.listing import Column, ScopedListView
from rules.names import mode_names

from . import selectors
from .filters import AnnualReviewFilter
from .forms import DecisionForm, RunForm
from .models import DECIDE_PERMISSION, RUN_PERMISSION
from .runs import annual_review_run_resume, annual_review_run_start
from .services import annual_review_decide

VIEW = "allocation.view_annualreview"


def _crumb():
    return (_("保障对象年审"), reverse("allocation:annual_review_list"))


def _default_region(user) -> str:
    prefixes = user.scope_prefixes
    return prefixes[0].ljust(12, "0") if prefixes else "440400000000"


class AnnualReviewListView(ScopedListView):
    title = gettext_lazy("保障对象年审")
    permission_required = VIEW
    filterset_class = AnnualReviewFilter
    columns = [
        Column(gettext_lazy("年审编号"), "number", sort="number", link=True),
        Column(gettext_lazy("年审年度"), "year", sort="year"),
        Column(gettext_lazy("申请编号"), "registry_entry.application_number"),
        Column(gettext_lazy("申请人姓名"), "registry_entry.applicant_name"),
        Column(gettext_lazy("保障方式"), "mode_code"),  # named per page in get_base_queryset
        Column(gettext_lazy("年审范围时间节点"), "deadline", sort="deadline"),
        Column(gettext_lazy("年审状态"), lambda r: r.get_state_display(), sort="state"),
        Column(gettext_lazy("年审结论"), lambda r: r.get_decision_display() or "—"),
        Column(gettext_lazy("核查发现的问题"), lambda r: r.check_problem_text or "—"),
    ]
    search_fields = (
        "number__iexact",
        "registry_entry__application_number__iexact",
        "registry_entry__applicant_name",
    )
    search_placeholder = gettext_lazy("年审编号、申请编号或姓名")
    default_ordering = ("-year", "-pk")
    export_filename = "保障对象年审"
    template_name = "allocation/annual_review/list.html"

    def get_base_queryset(self):
        # One lookup of the mode names for the whole page instead of one per row.
        names = mode_names()
        self.columns = [
            Column(c.label, lambda r, names=names: names.get(r.mode_code, r.mode_code))
            if c.accessor == "mode_code"
            else c
            for c in type(self).columns
        ]
        return selectors.annual_review_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perm(RUN_PERMISSION):
            context["run_form"] = RunForm(
                user=self.request.user,
                initial={
                    "year": timezone.localdate().year,
                    "region_code": _default_region(self.request.user),
                },
            )
        context.update(_runs_context(self.request.user))
        return context


def _runs_context(user) -> dict:
    runs = selectors.annual_review_runs_recent(user=user)
    return {"runs": runs, "run_in_progress": any(run.is_live for run in runs),
            "can_run": user.has_perm(RUN_PERMISSION)}  # fmt: skip


@require_GET
@staff_permission_required(VIEW)
@vary_on_headers("HX-Request")
def annual_review_runs_fragment(request):
    """生成记录 with each run's progress; the list page polls it every 2 s while a run is live."""
    return render(request, "allocation/annual_review/_runs.html", _runs_context(request.user))


@require_POST
@staff_permission_required(RUN_PERMISSION)
def annual_review_run_resume_view(request, pk: int):
    """继续 an interrupted or failed run: the same record re-queued; only missing reviews are added."""
    run = selectors.annual_review_run_get_for_user(user=request.user, pk=pk)
    try:
        annual_review_run_resume(run=run, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.info(request, _("已继续生成 %(y)s 年度的年审。") % {"y": run.year})
    return redirect("allocation:annual_review_list")


@require_POST
@staff_permission_required(RUN_PERMISSION)
def annual_review_run_view(request):
    """发起年审: a run record, the Celery task queued; the list shows its progress under 生成记录."""
    form = RunForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            annual_review_run_start(
                year=data["year"], region_code=data["region_code"], mode_code=data["mode_code"],
                actor=request.user,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已开始生成 %(y)s 年度的年审，进度见下方“生成记录”（重复生成不会新增）。")
                             % {"y": data["year"]})  # fmt: skip
            return redirect("allocation:annual_review_list")
    return render(request, "admission/form.html", {
        "form": form, "title": _("发起年审"), "submit_label": _("生成"),
        "cancel_url": reverse("allocation:annual_review_list"), "breadcrumbs": [_crumb(), (_("发起"), None)],
    })  # fmt: skip


@staff_permission_required(VIEW)
def annual_review_detail(request, pk: int):
    review = selectors.annual_review_get_for_user(user=request.user, pk=pk)
    can_decide = review.can_decide and request.user.has_perm(DECIDE_PERMISSION)
    form = DecisionForm(request.POST or None) if can_decide else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            annual_review_decide(review=review, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("年审结论已保存。"))
            return redirect(review.get_absolute_url())
    return render(request, "allocation/annual_review/detail.html", {
        "review": review, "title": str(review), "form": form,
        "events": review.events.select_related("actor"),
        "breadcrumbs": [_crumb(), (str(review), None)],
    })  # fmt: skip
