"""Back-office pages of publicity batches and objections. Thin views: a selector or a service each."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from housing.accounts.scope import code_in_scope
from housing.archive.models import OwnerKind
from housing.archive.views import documents_panel_context
from housing.audit.services import AuditAction, audit_record
from housing.backoffice.access import require_staff_permission, staff_permission_required
from housing.backoffice.forms import add_service_errors
from housing.backoffice.listing import Column, ScopedListView
from housing.documents.excel import xlsx_response
from housing.documents.pdf import html_to_pdf

from ..application_selectors import application_get_for_user
from ..models import LEVEL_PERMISSION, ReviewLevel
from .forms import BatchCreateForm, ObjectionAssignForm, ObjectionDecideForm, ObjectionRecordForm
from .models import BatchState, Objection, ObjectionChannel, ObjectionState, PublicityBatch
from .selectors import (
    objection_get_for_user,
    objection_list,
    objection_recordable_entry,
    publicity_batch_entries,
    publicity_batch_get_for_user,
    publicity_batch_list,
    publicity_eligible,
    publicity_levels_for_user,
    publicity_regions_for_user,
    workflow_nodes,
)
from .services import (
    BATCH_PROCESS_CODE,
    OBJECTION_PROCESS_CODE,
    objection_assign,
    objection_decide,
    objection_investigator_candidates,
    objection_record,
    publicity_batch_create,
    publicity_batch_publish,
    publicity_period,
    publicity_working_days,
)

VIEW_BATCH, VIEW_OBJECTION = "admission.view_publicitybatch", "admission.view_objection"
ADD_OBJECTION = "admission.add_objection"
SELECT = {"class": "form-select form-select-sm"}


def _batch_crumb() -> tuple[str, str]:
    return (_("公示批次"), reverse("admission:publicity_batch_list"))


def _objection_crumb() -> tuple[str, str]:
    return (_("公示期间举报"), reverse("admission:publicity_objection_list"))


def _form_page(request, *, form, title, breadcrumbs, cancel_url, submit_label, intro="", template=None):
    return render(
        request,
        template or "admission/form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": breadcrumbs,
            "cancel_url": cancel_url,
            "submit_label": submit_label,
            "intro": intro,
        },
    )


# --- batches -------------------------------------------------------------------------------------


class BatchFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(
        label=gettext_lazy("公示层级"),
        choices=ReviewLevel.choices,
        empty_label=gettext_lazy("全部"),
        widget=forms.Select(attrs=SELECT),
    )
    state = django_filters.ChoiceFilter(
        label=gettext_lazy("状态"),
        choices=BatchState.choices,
        empty_label=gettext_lazy("全部"),
        widget=forms.Select(attrs=SELECT),
    )

    class Meta:
        model = PublicityBatch
        fields: list[str] = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)


class PublicityBatchListView(ScopedListView):
    title = gettext_lazy("公示批次")
    permission_required = VIEW_BATCH
    template_name = "admission/publicity/batch_list.html"
    filterset_class = BatchFilter
    columns = [
        Column(gettext_lazy("公示批次编号"), "number", sort="number", link=True),
        Column(gettext_lazy("公示标题"), "title"),
        Column(gettext_lazy("公示层级"), "level", sort="level"),
        Column(gettext_lazy("发布单位"), lambda b: b.region_name or b.region_code, sort="region_code"),
        Column(gettext_lazy("公示方式"), "method"),
        Column(gettext_lazy("公示开始时间"), "start_date", sort="start_date"),
        Column(gettext_lazy("公示截止时间"), "end_date", sort="end_date"),
        Column(gettext_lazy("户数"), "entry_count"),
        Column(gettext_lazy("状态"), "state", sort="state"),
    ]
    search_fields = ("number__icontains", "title__icontains")
    search_placeholder = gettext_lazy("公示批次编号或标题")
    default_ordering = ("-created_at", "-pk")
    export_filename = "公示批次"

    def get_base_queryset(self):
        return publicity_batch_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["create_links"] = [
            (
                _("新建%(level)s公示批次") % {"level": ReviewLevel(level).label},
                reverse("admission:publicity_batch_create", args=[level]),
            )
            for level in publicity_levels_for_user(user=self.request.user)
        ]
        return context


@staff_permission_required(VIEW_BATCH)
def publicity_batch_create_view(request, level: str):
    if level not in ReviewLevel.values:
        raise Http404
    require_staff_permission(request, LEVEL_PERMISSION[level])
    regions = list(publicity_regions_for_user(user=request.user, level=level))
    if not regions:
        raise Http404
    codes = {r.code for r in regions}
    region_code = request.POST.get("region_code") or request.GET.get("region") or regions[0].code
    if region_code not in codes:
        region_code = regions[0].code
    eligible = publicity_eligible(user=request.user, level=level, region_code=region_code)
    form = BatchCreateForm(
        request.POST or None,
        regions=regions,
        eligible=eligible,
        initial={
            "region_code": region_code,
            "applications": list(eligible),
            "location": _("%(name)s公告栏；本市住房保障服务平台")
            % {"name": next(r.name for r in regions if r.code == region_code)},
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = publicity_batch_create(
                level=level,
                region_code=data["region_code"],
                method=data["method"],
                location=data["location"],
                applications=list(data["applications"]),
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("公示批次已编制（草稿），核对名单后请发布。"))
            return redirect(batch.get_absolute_url())
    return render(
        request,
        "admission/publicity/batch_form.html",
        {
            "form": form,
            "title": _("新建%(level)s公示批次") % {"level": ReviewLevel(level).label},
            "breadcrumbs": [_batch_crumb(), (_("新建"), None)],
            "cancel_url": reverse("admission:publicity_batch_list"),
            "regions": regions,
            "region_code": region_code,
            "eligible_count": len(form.fields["applications"].queryset),
        },
    )


@staff_permission_required(VIEW_BATCH)
def publicity_batch_detail(request, pk: int):
    batch = publicity_batch_get_for_user(user=request.user, pk=pk)
    entries = list(publicity_batch_entries(batch=batch))
    user = request.user
    may_act = user.has_perm(LEVEL_PERMISSION[batch.level]) and code_in_scope(user, batch.region_code)
    transitions = []
    preview = None
    if batch.state == BatchState.DRAFT and may_act:
        transitions.append(
            {
                "name": "publish",
                "label": _("发布公示"),
                "url": reverse("admission:publicity_batch_publish", args=[batch.pk]),
                "needs_opinion": False,
                "style": "success",
            }
        )
        try:
            days = publicity_working_days(batch.level)
        except ValidationError:
            days = None
        if days:
            preview = (*publicity_period(published_on=timezone.localdate(), days=days), days)
    context = {
        "object": batch,
        "batch": batch,
        "title": batch.title,
        "breadcrumbs": [_batch_crumb(), (batch.number, None)],
        "entries": entries,
        "transitions": transitions,
        "preview": preview,
        "can_record_objection": batch.state == BatchState.PUBLISHED
        and may_act
        and user.has_perm(ADD_OBJECTION),
        "nodes": list(workflow_nodes(obj=batch, process_code=BATCH_PROCESS_CODE)),
        "tabs": [
            ("entries", _("公示名单"), "admission/publicity/_batch_entries.html"),
            ("info", _("公示信息"), "admission/publicity/_batch_info.html"),
            ("records", _("办理记录"), "admission/_application_records.html"),
        ],
    }
    return render(request, "admission/publicity/batch_detail.html", context)


@require_POST
@staff_permission_required(VIEW_BATCH)
def publicity_batch_publish_view(request, pk: int):
    batch = publicity_batch_get_for_user(user=request.user, pk=pk)
    try:
        batch = publicity_batch_publish(batch=batch, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request,
            _("已发布：公示期%(start)s至%(end)s。") % {"start": batch.start_date, "end": batch.end_date},
        )
    return redirect(batch.get_absolute_url())


@staff_permission_required(VIEW_BATCH)
def publicity_batch_pdf(request, pk: int):
    """The list for posting (张贴): numbered, Chinese, names and ID numbers masked."""
    batch = publicity_batch_get_for_user(user=request.user, pk=pk)
    html = render_to_string(
        "admission/publicity/batch_pdf.html",
        {"batch": batch, "entries": publicity_batch_entries(batch=batch), "today": timezone.localdate()},
    )
    pdf = html_to_pdf(html)
    audit_record(action=AuditAction.EXPORT, obj=batch, description=_("打印公示名单（PDF）"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{batch.number}.pdf"'
    return response


ENTRY_HEADERS = [
    gettext_lazy("序号"),
    gettext_lazy("公示编号"),
    gettext_lazy("申请编号"),
    gettext_lazy("办理阶段"),
    gettext_lazy("公示开始时间"),
    gettext_lazy("公示截止时间"),
    gettext_lazy("公示方式"),
    gettext_lazy("公示地点"),
    gettext_lazy("公示是否通过"),
    gettext_lazy("申请人"),
    gettext_lazy("证件号码"),
    gettext_lazy("家庭人口数"),
    gettext_lazy("所在地"),
    gettext_lazy("拟保障方式"),
]


@staff_permission_required(VIEW_BATCH)
def publicity_batch_xlsx(request, pk: int):
    """A.3.12 公示信息 of one batch (masked, like the posting)."""
    batch = publicity_batch_get_for_user(user=request.user, pk=pk)
    rows = (
        [
            e.sequence,
            e.publicity_number,
            e.receipt_number,
            e.get_stage_display(),
            batch.start_date,
            batch.end_date,
            batch.get_method_display(),
            batch.location,
            e.passed_display,
            e.applicant_name_masked,
            e.id_number_masked,
            e.household_size,
            e.address,
            e.mode_name,
        ]
        for e in publicity_batch_entries(batch=batch)
    )
    audit_record(action=AuditAction.EXPORT, obj=batch, description=_("导出公示名单（Excel）"))
    return xlsx_response(
        filename=f"{batch.number}.xlsx",
        headers=[str(h) for h in ENTRY_HEADERS],
        rows=rows,
        sheet_title="公示信息",
    )


# --- objections ----------------------------------------------------------------------------------


class ObjectionFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=gettext_lazy("状态"),
        choices=ObjectionState.choices,
        empty_label=gettext_lazy("全部"),
        widget=forms.Select(attrs=SELECT),
    )
    channel = django_filters.ChoiceFilter(
        label=gettext_lazy("举报方式"),
        choices=ObjectionChannel.choices,
        empty_label=gettext_lazy("全部"),
        widget=forms.Select(attrs=SELECT),
    )
    overdue = django_filters.BooleanFilter(
        label=gettext_lazy("查证超期"),
        method="filter_overdue",
        widget=forms.Select(
            attrs=SELECT, choices=[("", gettext_lazy("全部")), ("true", gettext_lazy("仅超期"))]
        ),
    )

    class Meta:
        model = Objection
        fields: list[str] = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.filter(state=ObjectionState.PENDING, due_date__lt=timezone.localdate())
        return queryset


class ObjectionListView(ScopedListView):
    title = gettext_lazy("公示期间举报")
    permission_required = VIEW_OBJECTION
    filterset_class = ObjectionFilter
    columns = [
        Column(gettext_lazy("举报编号"), "number", sort="number", link=True),
        Column(gettext_lazy("申请编号"), "application.receipt_number"),
        Column(gettext_lazy("公示编号"), "entry.publicity_number"),
        Column(gettext_lazy("举报时间"), "received_at", sort="received_at"),
        Column(gettext_lazy("举报方式"), "channel", sort="channel"),
        Column(gettext_lazy("查证人"), lambda o: o.investigator.display_name if o.investigator else "—"),
        Column(gettext_lazy("查证期限"), "due_date", sort="due_date"),
        Column(gettext_lazy("状态"), "progress_display", sort="state"),
        Column(gettext_lazy("是否超期"), lambda o: _("已超期") if o.is_overdue else ""),
    ]
    search_fields = ("number__iexact", "application__receipt_number__iexact")
    search_placeholder = gettext_lazy("举报编号或申请编号")
    default_ordering = ("due_date", "-pk")
    export_filename = "公示期间举报"

    def get_base_queryset(self):
        return objection_list(user=self.request.user)


@staff_permission_required(VIEW_OBJECTION)
def publicity_objection_detail(request, pk: int):
    objection = objection_get_for_user(user=request.user, pk=pk)
    user = request.user
    actions = []
    if objection.is_pending and user.has_perm(LEVEL_PERMISSION[objection.level]):
        actions.append(
            (
                _("改派查证人") if objection.investigator_id else _("指派查证人"),
                reverse("admission:publicity_objection_assign", args=[objection.pk]),
            )
        )
    if (
        objection.is_pending
        and objection.investigator_id
        and (objection.investigator_id == user.pk or user.is_superuser)
    ):
        actions.append(
            (_("录入查证结果"), reverse("admission:publicity_objection_decide", args=[objection.pk]))
        )
    context = {
        "object": objection,
        "objection": objection,
        "title": _("公示期间举报：%(number)s") % {"number": objection.number},
        "breadcrumbs": [_objection_crumb(), (objection.number, None)],
        "transitions": [],
        "actions": actions,
        "nodes": list(workflow_nodes(obj=objection, process_code=OBJECTION_PROCESS_CODE)),
        "tabs": [
            ("info", _("举报信息"), "admission/publicity/_objection_info.html"),
            ("archive", _("证据材料"), "archive/_documents_panel.html"),
            ("records", _("办理记录"), "admission/_application_records.html"),
        ],
        **documents_panel_context(user=user, owner=objection, owner_kind=OwnerKind.CASE),
    }
    return render(request, "admission/publicity/objection_detail.html", context)


@staff_permission_required(ADD_OBJECTION)
def publicity_objection_record(request, application_pk: int):
    application = application_get_for_user(user=request.user, pk=application_pk)
    entry = objection_recordable_entry(user=request.user, application=application)
    if entry is None:
        messages.error(request, _("本案当前不在公示期内，或您不是发布该公示的本级审核人员，不能登记举报。"))
        return redirect(application.get_absolute_url())
    form = ObjectionRecordForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        evidence = [data["evidence"]] if data.get("evidence") else []
        try:
            objection = objection_record(
                application=application,
                actor=request.user,
                channel=data["channel"],
                content=data["content"],
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
                received_at=data["received_at"],
                evidence=evidence,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("举报已登记，案件已冻结，待查证。"))
            return redirect(objection.get_absolute_url())
    return render(
        request,
        "admission/publicity/objection_form.html",
        {
            "form": form,
            "title": _("登记公示期间举报：%(number)s") % {"number": application.receipt_number},
            "breadcrumbs": [
                (application.receipt_number, application.get_absolute_url()),
                (_("登记举报"), None),
            ],
            "cancel_url": application.get_absolute_url(),
            "submit_label": _("登记举报"),
            "intro": _("公示编号 %(number)s，公示期 %(start)s 至 %(end)s。登记后案件即冻结，待查证结论。")
            % {
                "number": entry.publicity_number,
                "start": entry.batch.start_date,
                "end": entry.batch.end_date,
            },
        },
    )


@staff_permission_required(VIEW_OBJECTION)
def publicity_objection_assign(request, pk: int):
    objection = objection_get_for_user(user=request.user, pk=pk)
    require_staff_permission(request, LEVEL_PERMISSION[objection.level])
    form = ObjectionAssignForm(
        request.POST or None,
        candidates=objection_investigator_candidates(objection=objection),
        initial={"investigator": objection.investigator_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            objection_assign(
                objection=objection, investigator=form.cleaned_data["investigator"], actor=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已指派查证人。"))
            return redirect(objection.get_absolute_url())
    return _form_page(
        request,
        form=form,
        title=_("指派查证人：%(number)s") % {"number": objection.number},
        breadcrumbs=[_objection_crumb(), (objection.number, objection.get_absolute_url()), (_("指派"), None)],
        cancel_url=objection.get_absolute_url(),
        submit_label=_("指派"),
        intro=_("查证期限：%(due)s。") % {"due": objection.due_date},
    )


@staff_permission_required(VIEW_OBJECTION)
def publicity_objection_decide(request, pk: int):
    objection = objection_get_for_user(user=request.user, pk=pk)
    if not objection.is_pending or not (
        objection.investigator_id == request.user.pk or request.user.is_superuser
    ):
        messages.error(request, _("只有被指派的查证人可以录入待查证举报的查证结果。"))
        return redirect(objection.get_absolute_url())
    form = ObjectionDecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection_decide(objection=objection, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("查证结论已录入。"))
            return redirect(objection.get_absolute_url())
    return _form_page(
        request,
        form=form,
        title=_("录入查证结果：%(number)s") % {"number": objection.number},
        breadcrumbs=[
            _objection_crumb(),
            (objection.number, objection.get_absolute_url()),
            (_("查证结果"), None),
        ],
        cancel_url=objection.get_absolute_url(),
        submit_label=_("提交查证结论"),
        intro=_("举报属实：案件不予登记（原因：公示异议经核查属实）；举报不属实：解除冻结，案件继续办理。"),
    )
