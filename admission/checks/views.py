"""Back-office pages of department checks: the runs list, one run, an application's runs, 重新核查. Thin views."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.backoffice.access import staff_permission_required
from housing.backoffice.listing import Column, ScopedListView

from ..application_selectors import application_get_for_user
from ..models import LEVEL_PERMISSION
from .models import AutoDecision, CheckRun, CheckTrigger
from .selectors import check_run_get_for_user, check_run_list, checks_by_member, problem_q
from .services import check_run_request

VIEW = "admission.view_departmentcheck"
SELECT = {"class": "form-select form-select-sm"}


def may_rerun(user, application) -> bool:
    level = application.level
    return bool(level) and user.has_perm(LEVEL_PERMISSION[level])


class CheckRunFilter(django_filters.FilterSet):
    problem = django_filters.ChoiceFilter(
        label=gettext_lazy("核查结果"),
        choices=[
            ("mismatch", gettext_lazy("有不一致")),
            ("failed", gettext_lazy("有查询失败")),
            ("clean", gettext_lazy("无不一致、无查询失败")),
        ],
        method="filter_problem",
        empty_label=gettext_lazy("全部"),
        widget=forms.Select(attrs=SELECT),
    )
    trigger = django_filters.ChoiceFilter(
        label=gettext_lazy("核查起因"),
        choices=CheckTrigger.choices,
        empty_label=gettext_lazy("全部"),
        widget=forms.Select(attrs=SELECT),
    )
    decision = django_filters.ChoiceFilter(
        label=gettext_lazy("自动审核结论"),
        choices=AutoDecision.choices,
        empty_label=gettext_lazy("全部"),
        widget=forms.Select(attrs=SELECT),
    )

    class Meta:
        model = CheckRun
        fields: list[str] = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)

    def filter_problem(self, queryset, name, value):
        condition = problem_q(value)
        return queryset.filter(condition) if condition is not None else queryset


COLUMNS = [
    Column(gettext_lazy("申请编号"), "application.receipt_number", link=True),
    Column(gettext_lazy("申请人姓名"), "application.family.applicant_name"),
    Column(gettext_lazy("核查序号"), "number"),
    Column(gettext_lazy("核查起因"), "trigger"),
    Column(gettext_lazy("发起时间"), "requested_at", sort="requested_at"),
    Column(gettext_lazy("核查状态"), "status"),
    Column(gettext_lazy("一致"), "match_count"),
    Column(gettext_lazy("不一致"), "mismatch_count", sort="mismatch_count"),
    Column(gettext_lazy("无记录"), "no_record_count"),
    Column(gettext_lazy("查询失败"), "failed_count", sort="failed_count"),
    Column(gettext_lazy("自动审核结论"), lambda run: run.get_decision_display() if run.decision else "—"),
]


class CheckRunListView(ScopedListView):
    """部门核查: every run in the user's scope, the newest first; filter for the flawed ones."""

    title = gettext_lazy("部门核查")
    permission_required = VIEW
    columns = COLUMNS
    filterset_class = CheckRunFilter
    search_fields = ("application__receipt_number__iexact",)
    search_placeholder = gettext_lazy("申请编号")
    default_ordering = ("-requested_at", "-pk")
    export_filename = "部门核查"

    def get_base_queryset(self):
        return check_run_list(user=self.request.user)


class ApplicationCheckRunListView(CheckRunListView):
    """One application's runs (全部核查记录): runs are kept, never replaced."""

    export_filename = "部门核查记录"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(VIEW) and not request.user.is_applicant:
            self.application = application_get_for_user(
                user=request.user, pk=kwargs["pk"]
            )  # 404 out of scope
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return check_run_list(user=self.request.user, filters={"application": self.application.pk})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        number = self.application.receipt_number
        context["title"] = _("部门核查记录：%(number)s") % {"number": number}
        context["breadcrumbs"] = [
            (number, self.application.get_absolute_url()),
            (_("部门核查记录"), None),
        ]
        return context


@staff_permission_required(VIEW)
def check_run_detail(request, pk: int):
    run = check_run_get_for_user(user=request.user, pk=pk)
    application = run.application
    return render(
        request,
        "admission/checks/run_detail.html",
        {
            "run": run,
            "application": application,
            "members": checks_by_member(run),
            "title": _("部门核查：%(number)s 第 %(n)s 次")
            % {"number": application.receipt_number, "n": run.number},
            "breadcrumbs": [
                (application.receipt_number, application.get_absolute_url()),
                (_("部门核查记录"), reverse("admission:checks_application_runs", args=[application.pk])),
                (_("第 %(n)s 次") % {"n": run.number}, None),
            ],
            "may_rerun": may_rerun(request.user, application),
        },
    )


@staff_permission_required(VIEW)
def check_rerun(request, pk: int):
    """重新核查: GET asks for confirmation, POST starts a new run (a Celery job) and returns to the case."""
    application = application_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            run = check_run_request(application=application, actor=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(
                request, _("已发起第 %(n)s 次部门核查，结果见“部门核查”页签。") % {"n": run.number}
            )
        return redirect(application.get_absolute_url())
    return render(
        request,
        "admission/checks/rerun.html",
        {
            "application": application,
            "title": _("重新核查部门数据"),
            "breadcrumbs": [
                (application.receipt_number, application.get_absolute_url()),
                (_("重新核查"), None),
            ],
            "may_rerun": may_rerun(request.user, application),
        },
    )
