"""Back-office pages of applications: work queue, list, detail (tabs), 发起申请, transitions. Thin views."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.archive.models import OwnerKind
from housing.archive.views import documents_panel_context
from housing.backoffice.access import staff_permission_required
from housing.backoffice.forms import BootstrapFormMixin, add_service_errors
from housing.backoffice.listing import Column, ScopedListView
from housing.regions.codes import scope_prefix

from .application_selectors import (
    application_get_for_user,
    application_list,
    application_nodes,
    application_queue,
)
from .applications import (
    TRANSITIONS,
    application_available_transitions,
    application_create,
    application_plan_revise,
    application_transition,
)
from .casework.filters import ApplicationFilter
from .models import RefusalReason
from .panels import application_panels
from .selectors import family_get_for_user

VIEW, ADD = "admission.view_application", "admission.add_application"
# 公示期满 is taken by the publicity batches (Celery beat, system actor) and 冻结/解除冻结 by recording and
# deciding an objection (admission/publicity, docs/admission_publicity.md): no button for people here.
NOT_FOR_PEOPLE = frozenset(
    ("street_publicity_close", "district_publicity_close", "city_publicity_close", "freeze", "release")
)


def _list_crumb() -> tuple[str, str]:
    return (_("申请"), reverse("admission:application_list"))


COLUMNS = [
    Column(gettext_lazy("申请编号"), "receipt_number", sort="receipt_number", link=True),
    Column(gettext_lazy("申请人姓名"), "family.applicant_name"),
    Column(gettext_lazy("证件号码"), "family.id_number_masked"),
    Column(gettext_lazy("区划"), lambda a: a.region_name or a.region_code, sort="region_code"),
    Column(gettext_lazy("保障项目"), lambda a: getattr(a, "project_name", None) or a.project_code),
    Column(gettext_lazy("办理阶段"), "state", sort="state"),
    Column(gettext_lazy("进入本阶段"), "stage_entered_at", sort="stage_entered_at"),
]


class ApplicationListView(ScopedListView):
    """申请查询: by 申请编号, 申请人姓名, or a full ID number (exact, through the keyed hash)."""

    title = gettext_lazy("申请查询")
    permission_required = VIEW
    columns = COLUMNS
    filterset_class = ApplicationFilter  # 办理阶段, 区划, 提交日期 (admission.casework)
    search_fields = ("receipt_number",)  # the search itself is the selector's (below)
    search_placeholder = gettext_lazy("申请编号、申请人姓名或完整证件号码")
    default_ordering = ("-pk",)
    export_filename = "申请"

    def get_base_queryset(self):
        return application_list(user=self.request.user, filters={"q": self.request.GET.get("q", "")[:100]})

    def get_queryset(self):
        fields, self.search_fields = self.search_fields, ()
        try:
            return super().get_queryset()
        finally:
            self.search_fields = fields


class ApplicationQueueView(ApplicationListView):
    """待办申请: cases at the levels the user's roles handle, the earliest due (overdue) first."""

    title = gettext_lazy("待办申请")
    export_filename = "待办申请"
    columns = [*COLUMNS, Column(gettext_lazy("办理期限"), "due_date", sort="due_date")]
    # Earliest due date first: overdue cases head the queue (DESIGN: 超期优先).
    default_ordering = (F("due_date").asc(nulls_last=True), "stage_entered_at", "pk")

    def get_base_queryset(self):
        return application_queue(user=self.request.user, filters={"q": self.request.GET.get("q", "")[:100]})


@staff_permission_required(VIEW)
def application_detail(request, pk: int):
    application = application_get_for_user(user=request.user, pk=pk)
    family = application.family
    transitions = [
        {
            "name": spec.name,
            "label": spec.label,
            "url": reverse("admission:application_transition", args=[application.pk, spec.name]),
            "needs_opinion": True,
            "style": spec.style,
        }
        for spec in application_available_transitions(application=application, user=request.user)
        # 不予登记 and 退回补件 need more than an opinion: their own form page.
        if spec.name not in ("refuse", "request_supplement") and spec.name not in NOT_FOR_PEOPLE
    ]
    special = [
        spec
        for spec in application_available_transitions(application=application, user=request.user)
        if spec.name in ("refuse", "request_supplement")
        # A frozen case is refused only by deciding its objection (公示与异议), never around it.
        and not (spec.name == "refuse" and application.state == "frozen")
    ]
    panel_tabs, panel_context, panel_actions = application_panels(request=request, application=application)
    context = {
        "object": application,
        "application": application,
        "family": family,
        "title": _("申请：%(number)s") % {"number": application.receipt_number},
        "breadcrumbs": [_list_crumb(), (application.receipt_number, None)],
        "plan": application.plans.first(),
        "can_revise_plan": application.state in ("district_review", "city_review")
        and request.user.has_perm(f"admission.review_{application.level}"),
        "nodes": list(application_nodes(application=application)),
        "transitions": transitions,
        "special_transitions": special,
        "tabs": [
            ("info", _("基本信息"), "admission/_application_info.html"),
            ("family", _("家庭"), "admission/_application_family.html"),
            ("plan", _("拟保障方案"), "admission/_application_plan.html"),
            ("records", _("办理记录"), "admission/_application_records.html"),
            ("archive", _("档案"), "archive/_documents_panel.html"),
            *panel_tabs,
        ],
        "panel_actions": panel_actions,
        **panel_context,
        **documents_panel_context(user=request.user, owner=application, owner_kind=OwnerKind.CASE),
    }
    return render(request, "admission/application_detail.html", context)


class TransitionForm(BootstrapFormMixin, forms.Form):
    opinion = forms.CharField(label=gettext_lazy("办理意见"), widget=forms.Textarea(attrs={"rows": 3}))
    refusal_reason = forms.ChoiceField(
        label=gettext_lazy("不予登记原因"), choices=RefusalReason.choices, required=False
    )
    supplement_items = forms.CharField(
        label=gettext_lazy("需补正材料"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, name: str, **kwargs):
        super().__init__(*args, **kwargs)
        if name != "refuse":
            del self.fields["refusal_reason"]
        else:
            self.fields["refusal_reason"].required = True
        if name != "request_supplement":
            del self.fields["supplement_items"]
        else:
            self.fields["supplement_items"].required = True


@staff_permission_required(VIEW)
def application_transition_view(request, pk: int, name: str):
    application = application_get_for_user(user=request.user, pk=pk)
    if name not in TRANSITIONS or name in NOT_FOR_PEOPLE:
        raise Http404
    form = TransitionForm(request.POST or None, name=name)
    # The one-field buttons on the detail page post here directly.
    if request.method == "POST" and form.is_valid():
        try:
            application_transition(
                application=application, actor=request.user, name=name, **form.cleaned_data
            )
        except PermissionDenied:
            raise
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已办理：%(action)s。") % {"action": TRANSITIONS[name].label})
        return redirect(application.get_absolute_url())
    if request.method == "POST":
        messages.error(request, _("请填写办理意见。"))
        if name not in ("refuse", "request_supplement"):
            return redirect(application.get_absolute_url())
    return render(
        request,
        "admission/form.html",
        {
            "form": form,
            "title": TRANSITIONS[name].label,
            "breadcrumbs": [
                _list_crumb(),
                (application.receipt_number, application.get_absolute_url()),
                (TRANSITIONS[name].label, None),
            ],
            "cancel_url": application.get_absolute_url(),
            "submit_label": TRANSITIONS[name].label,
            "intro": "",
        },
    )


class ApplicationCreateForm(BootstrapFormMixin, forms.Form):
    project_code = forms.ChoiceField(label=gettext_lazy("保障项目"))
    mode_code = forms.ChoiceField(label=gettext_lazy("保障方式"))

    def __init__(self, *args, region_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        from rules.models import GuaranteeMode, GuaranteeProject

        projects = [
            p
            for p in GuaranteeProject.objects.order_by("code")
            if region_code.startswith(scope_prefix(p.region_code))
        ]
        self.fields["project_code"].choices = [(p.code, p.name) for p in projects]
        modes = (
            GuaranteeMode.objects.filter(project__in=projects)
            .select_related("project")
            .order_by("project__code")
        )
        self.fields["mode_code"].choices = sorted(
            {(m.code, m.get_kind_display()) for m in modes}, key=lambda choice: choice[0]
        )


@staff_permission_required(ADD)
def application_create_view(request, family_pk: int):
    family = family_get_for_user(user=request.user, pk=family_pk)
    form = ApplicationCreateForm(request.POST or None, region_code=family.region_code)
    if request.method == "POST" and form.is_valid():
        try:
            application = application_create(family=family, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("申请已建立（草稿），请核对后提交。"))
            return redirect(application.get_absolute_url())
    return render(
        request,
        "admission/form.html",
        {
            "form": form,
            "title": _("发起申请：%(name)s") % {"name": family.applicant_name},
            "breadcrumbs": [(family.applicant_name, family.get_absolute_url()), (_("发起申请"), None)],
            "cancel_url": family.get_absolute_url(),
            "submit_label": _("建立申请"),
            "intro": "",
        },
    )


class PlanReviseForm(BootstrapFormMixin, forms.Form):
    subsidy_amount = forms.DecimalField(
        label=gettext_lazy("拟补贴额度"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    standard_amount = forms.DecimalField(
        label=gettext_lazy("标准额度"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    allotted_area = forms.DecimalField(
        label=gettext_lazy("拟配给房屋面积"), max_digits=8, decimal_places=2, min_value=0, required=False
    )
    allotted_layout = forms.CharField(label=gettext_lazy("拟配给房屋户型"), max_length=50, required=False)
    reason = forms.CharField(label=gettext_lazy("调整理由"), widget=forms.Textarea(attrs={"rows": 3}))


@staff_permission_required(VIEW)
def application_plan_revise_view(request, pk: int):
    """区、市审核调整拟保障方案（须填理由）; an approval without a change confirms the plan."""
    application = application_get_for_user(user=request.user, pk=pk)
    latest = application.plans.first()
    initial = {
        f: getattr(latest, f)
        for f in ("subsidy_amount", "standard_amount", "allotted_area", "allotted_layout")
    }
    form = PlanReviseForm(request.POST or None, initial=initial if latest else None)
    if request.method == "POST" and form.is_valid():
        try:
            application_plan_revise(application=application, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("拟保障方案已调整。"))
            return redirect(application.get_absolute_url())
    return render(
        request,
        "admission/form.html",
        {
            "form": form,
            "title": _("调整拟保障方案"),
            "breadcrumbs": [
                _list_crumb(),
                (application.receipt_number, application.get_absolute_url()),
                (_("调整拟保障方案"), None),
            ],
            "cancel_url": application.get_absolute_url(),
            "submit_label": _("保存调整"),
            "intro": _(
                "审核通过即确认街道提出的方案；只有需要改变额度、面积或户型时才在此调整，并写明理由。"
            ),
        },
    )
