"""Back-office pages of casework: 入户核查, 住房与资产 entry, the family timeline, 超期 and 统计. Thin views."""

from __future__ import annotations

from functools import wraps

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.accounts.scope import code_in_scope
from housing.archive.services import document_open_verified
from housing.archive.storage import StorageIntegrityError
from housing.audit.services import AuditAction, audit_record
from housing.backoffice.access import staff_permission_required
from housing.backoffice.forms import add_service_errors
from housing.backoffice.listing import Column, ScopedListView
from housing.documents.excel import xlsx_response
from housing.workflow.calendar import WorkingCalendar

from ..application_selectors import application_get_for_user
from ..models import MemberStatus
from ..selectors import family_get_for_user
from .filters import DATE, ApplicationFilter, scope_region_choices
from .forms import (
    AssetForm,
    HousingForm,
    InspectionAssignForm,
    InspectionPhotoForm,
    InspectionRecordForm,
    InspectionRevokeForm,
)
from .models import InspectionState
from .selectors import (
    application_asset_get,
    application_holdings,
    application_housing_get,
    application_overdue_list,
    application_stage_counts,
    inspection_get_for_user,
    inspection_inspector_candidates,
    inspection_list,
    inspection_mine,
    inspection_photo_get,
    inspection_photos,
)
from .services import (
    INSPECTOR_PERMISSION,
    application_asset_add,
    application_asset_remove,
    application_asset_update,
    application_housing_add,
    application_housing_remove,
    application_housing_update,
    holdings_editable,
    inspection_assign,
    inspection_may_assign,
    inspection_may_revoke,
    inspection_photo_add,
    inspection_record,
    inspection_revoke,
)
from .timeline import KIND_LABELS, family_timeline

VIEW_APPLICATION = "admission.view_application"
CHANGE_APPLICATION = "admission.change_application"


def staff_required(view):
    """Any staff user: the visit assigned to them is their authority (the selector decides, 404 otherwise)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated or request.user.is_applicant:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def _form_page(request, *, form, title, breadcrumbs, cancel_url, submit_label, intro="", **extra):
    return render(
        request,
        "admission/casework/form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": breadcrumbs,
            "cancel_url": cancel_url,
            "submit_label": submit_label,
            "intro": intro,
            **extra,
        },
    )


def _application_crumbs(application) -> list:
    return [
        (_("申请"), reverse("admission:application_list")),
        (application.receipt_number, application.get_absolute_url()),
    ]


# --- 入户核查 ------------------------------------------------------------------------------------------


def _yes_no(value) -> str:
    if value is None:
        return ""
    return _("一致") if value else _("不一致")


INSPECTION_COLUMNS = [
    Column(gettext_lazy("申请编号"), "application.receipt_number", link=True),
    Column(gettext_lazy("申请人姓名"), "application.family.applicant_name"),
    Column(gettext_lazy("核查人"), "inspector.display_name"),
    Column(gettext_lazy("指派人"), "assigned_by.display_name"),
    Column(gettext_lazy("指派时间"), "assigned_at", sort="assigned_at"),
    Column(gettext_lazy("核查期限"), "due_date", sort="due_date"),
    Column(gettext_lazy("核查状态"), "state", sort="state"),
    Column(gettext_lazy("核查日期"), "visited_on", sort="visited_on"),
    Column(gettext_lazy("是否与申报一致"), lambda i: _yes_no(i.matches_declaration)),
]


class InspectionFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=gettext_lazy("核查状态"),
        choices=InspectionState.choices,
        empty_label=gettext_lazy("全部"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    class Meta:
        fields: list[str] = []


class InspectionListView(ScopedListView):
    """核查指派: the home visits of cases in my region."""

    title = gettext_lazy("入户核查")
    permission_required = INSPECTOR_PERMISSION
    columns = INSPECTION_COLUMNS
    filterset_class = InspectionFilter
    search_fields = ("application__receipt_number__iexact", "application__family__applicant_name__icontains")
    search_placeholder = gettext_lazy("申请编号或申请人姓名")
    default_ordering = (F("due_date").asc(nulls_last=True), "-pk")
    export_filename = "入户核查"

    def get_base_queryset(self):
        return inspection_list(user=self.request.user)


class MyInspectionListView(InspectionListView):
    """我的核查任务: visits assigned to me (outstanding first, the earliest due first)."""

    title = gettext_lazy("我的核查任务")
    export_filename = "我的核查任务"
    default_ordering = ("-state", F("due_date").asc(nulls_last=True), "-pk")  # 待核查 before 已核查

    def get_base_queryset(self):
        return inspection_mine(user=self.request.user)


@staff_permission_required(VIEW_APPLICATION)
def inspection_assign_view(request, pk: int):
    application = application_get_for_user(user=request.user, pk=pk)
    if not inspection_may_assign(application=application, user=request.user):
        raise PermissionDenied
    form = InspectionAssignForm(
        request.POST or None, inspectors=inspection_inspector_candidates(application=application)
    )
    if request.method == "POST" and form.is_valid():
        try:
            inspection_assign(application=application, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已指派%(name)s入户核查。") % {"name": form.cleaned_data["inspector"].display_name},
            )
            return redirect(f"{application.get_absolute_url()}#casework_inspections")
    return _form_page(
        request,
        form=form,
        title=_("指派入户核查：%(number)s") % {"number": application.receipt_number},
        breadcrumbs=[*_application_crumbs(application), (_("指派入户核查"), None)],
        cancel_url=application.get_absolute_url(),
        submit_label=_("指派"),
        intro=_("申请人：%(name)s；%(region)s")
        % {
            "name": application.family.applicant_name,
            "region": application.region_name or application.region_code,
        },
    )


def _inspection_page(request, inspection, *, record_form=None, photo_form=None, status=200):
    user = request.user
    application = inspection.application
    is_inspector = user.pk == inspection.inspector_id and inspection.is_open
    context = {
        "title": _("入户核查：%(number)s") % {"number": application.receipt_number},
        "breadcrumbs": [
            (
                _("我的核查任务") if user.pk == inspection.inspector_id else _("入户核查"),
                reverse(
                    "admission:casework_my_inspections"
                    if user.pk == inspection.inspector_id
                    else "admission:casework_inspection_list"
                ),
            ),
            (application.receipt_number, None),
        ],
        "inspection": inspection,
        "application": application,
        "family": application.family,
        "holdings": application_holdings(application=application),
        "photos": inspection_photos(inspection=inspection),
        "is_inspector": is_inspector,
        "record_form": record_form or (InspectionRecordForm() if is_inspector else None),
        "photo_form": photo_form or (InspectionPhotoForm() if is_inspector else None),
        "can_revoke": inspection_may_revoke(inspection=inspection, user=user),
        # The case page opens in the user's region, or for the inspector while the visit is outstanding.
        "can_open_case": user.has_perm(VIEW_APPLICATION)
        and (is_inspector or code_in_scope(user, application.region_code)),
        "is_overdue": inspection.is_overdue(),
    }
    return render(request, "admission/casework/inspection_detail.html", context, status=status)


@staff_required
def inspection_detail(request, pk: int):
    return _inspection_page(request, inspection_get_for_user(user=request.user, pk=pk))


@staff_required
def inspection_record_view(request, pk: int):
    inspection = inspection_get_for_user(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect(inspection.get_absolute_url())
    form = InspectionRecordForm(request.POST)
    if form.is_valid():
        try:
            inspection_record(inspection=inspection, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("核查结果已提交。"))
            return redirect(inspection.get_absolute_url())
    return _inspection_page(request, inspection, record_form=form, status=400)


@staff_required
def inspection_photo_add_view(request, pk: int):
    inspection = inspection_get_for_user(user=request.user, pk=pk)
    if request.method != "POST":
        return redirect(inspection.get_absolute_url())
    form = InspectionPhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            inspection_photo_add(
                inspection=inspection,
                actor=request.user,
                upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("照片已上传。"))
            return redirect(f"{inspection.get_absolute_url()}#photos")
    return _inspection_page(request, inspection, photo_form=form, status=400)


@staff_required
def inspection_photo_view(request, pk: int, photo_pk: int):
    """A photo shown inline to whoever may see the visit (re-hashed and audited by the archive)."""
    inspection = inspection_get_for_user(user=request.user, pk=pk)
    document = inspection_photo_get(inspection=inspection, pk=photo_pk)
    try:
        handle = document_open_verified(actor=request.user, document=document, inline=True)
    except StorageIntegrityError as error:
        messages.error(request, str(error))
        return redirect(inspection.get_absolute_url())
    response = FileResponse(handle, content_type=document.mime_type, filename=document.original_filename)
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def inspection_revoke_view(request, pk: int):
    inspection = inspection_get_for_user(user=request.user, pk=pk)
    form = InspectionRevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inspection_revoke(inspection=inspection, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已撤销入户核查，核查人不再能查看本案。"))
            return redirect(f"{inspection.application.get_absolute_url()}#casework_inspections")
    return _form_page(
        request,
        form=form,
        title=_("撤销入户核查"),
        breadcrumbs=[
            *_application_crumbs(inspection.application),
            (_("撤销入户核查"), None),
        ],
        cancel_url=inspection.get_absolute_url(),
        submit_label=_("确认撤销"),
        intro=_("核查人：%(name)s。撤销后核查人不再能查看本案。")
        % {"name": inspection.inspector.display_name},
    )


# --- 住房 (A.3.9) and 资产 (A.3.11) ---------------------------------------------------------------------


def _editable_application(request, pk: int):
    application = application_get_for_user(user=request.user, pk=pk)
    if not holdings_editable(application=application, user=request.user):
        raise PermissionDenied
    return application


def _holdings_url(application) -> str:
    return f"{application.get_absolute_url()}#casework_holdings"


def _row_form_view(request, *, application, form, save, done: str, title):
    """Add or edit one housing or asset row: ``save(data)`` calls the service; errors beside the fields."""
    if request.method == "POST" and form.is_valid():
        response = _save(request, form, lambda: save(form.cleaned_data), done, application)
        if response:
            return response
    return _form_page(
        request,
        form=form,
        title=title,
        breadcrumbs=[*_application_crumbs(application), (title, None)],
        cancel_url=_holdings_url(application),
        submit_label=_("保存"),
        sections=form.sections,
    )


def _save(request, form, call, success: str, application):
    try:
        call()
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, success)
    return redirect(_holdings_url(application))


@staff_permission_required(CHANGE_APPLICATION)
def housing_add(request, pk: int):
    application = _editable_application(request, pk)
    return _row_form_view(
        request,
        application=application,
        form=HousingForm(request.POST or None),
        save=lambda data: application_housing_add(application=application, data=data, actor=request.user),
        done=_("住房信息已登记。"),
        title=_("登记住房信息"),
    )


@staff_permission_required(CHANGE_APPLICATION)
def housing_edit(request, pk: int, row_pk: int):
    application = _editable_application(request, pk)
    housing = application_housing_get(application=application, pk=row_pk)
    return _row_form_view(
        request,
        application=application,
        form=HousingForm(request.POST or None, instance=housing),
        save=lambda data: application_housing_update(housing=housing, data=data, actor=request.user),
        done=_("住房信息已保存。"),
        title=_("修改住房信息"),
    )


class RemoveForm(forms.Form):
    pass


def _row_remove_page(request, *, application, remove, title, done, intro):
    """The confirmation page and POST of removing one housing or asset row."""
    form = RemoveForm(request.POST or None)
    if request.method == "POST":
        response = _save(request, form, remove, done, application)
        if response:
            return response
    return _form_page(
        request,
        form=form,
        title=title,
        breadcrumbs=[*_application_crumbs(application), (title, None)],
        cancel_url=_holdings_url(application),
        submit_label=_("确认删除"),
        intro=intro,
        danger=True,
    )


@staff_permission_required(CHANGE_APPLICATION)
def housing_remove(request, pk: int, row_pk: int):
    application = _editable_application(request, pk)
    housing = application_housing_get(application=application, pk=row_pk)
    return _row_remove_page(
        request,
        application=application,
        remove=lambda: application_housing_remove(housing=housing, actor=request.user),
        title=_("删除住房信息"),
        done=_("住房信息已删除。"),
        intro=_("删除“%(row)s”（%(area)s 平方米）？修改历史中仍保留这条记录。")
        % {"row": str(housing) or _("住房"), "area": housing.floor_area},
    )


def _member_names(application) -> list[str]:
    return list(
        application.family.members.filter(status=MemberStatus.ACTIVE)
        .order_by("pk")
        .values_list("name", flat=True)
    )


@staff_permission_required(CHANGE_APPLICATION)
def asset_add(request, pk: int):
    application = _editable_application(request, pk)
    return _row_form_view(
        request,
        application=application,
        form=AssetForm(request.POST or None, member_names=_member_names(application)),
        save=lambda data: application_asset_add(application=application, data=data, actor=request.user),
        done=_("资产信息已登记。"),
        title=_("登记资产信息"),
    )


@staff_permission_required(CHANGE_APPLICATION)
def asset_edit(request, pk: int, row_pk: int):
    application = _editable_application(request, pk)
    asset = application_asset_get(application=application, pk=row_pk)
    return _row_form_view(
        request,
        application=application,
        form=AssetForm(request.POST or None, instance=asset, member_names=_member_names(application)),
        save=lambda data: application_asset_update(asset=asset, data=data, actor=request.user),
        done=_("资产信息已保存。"),
        title=_("修改资产信息"),
    )


@staff_permission_required(CHANGE_APPLICATION)
def asset_remove(request, pk: int, row_pk: int):
    application = _editable_application(request, pk)
    asset = application_asset_get(application=application, pk=row_pk)
    return _row_remove_page(
        request,
        application=application,
        remove=lambda: application_asset_remove(asset=asset, actor=request.user),
        title=_("删除资产信息"),
        done=_("资产信息已删除。"),
        intro=_("删除“%(row)s”（总价值 %(value)s 元）？修改历史中仍保留这条记录。")
        % {"row": str(asset), "value": asset.total_value},
    )


# --- 家庭档案时间线 ------------------------------------------------------------------------------------


@staff_permission_required("admission.view_family")
def family_timeline_view(request, pk: int):
    family = family_get_for_user(user=request.user, pk=pk)
    events = family_timeline(family=family)
    present = list(dict.fromkeys(event.kind for event in events))
    kind = request.GET.get("kind", "")
    shown = [event for event in events if event.kind == kind] if kind in present else events
    return render(
        request,
        "admission/casework/family_timeline.html",
        {
            "title": _("家庭档案时间线：%(name)s") % {"name": family.applicant_name},
            "breadcrumbs": [
                (_("家庭档案"), reverse("admission:family_list")),
                (family.applicant_name, family.get_absolute_url()),
                (_("时间线"), None),
            ],
            "family": family,
            "events": shown,
            "kinds": [(code, KIND_LABELS.get(code, code)) for code in present],
            "current_kind": kind if kind in present else "",
        },
    )


# --- 超期案件 and 申请统计 -------------------------------------------------------------------------------


class OverdueListView(ScopedListView):
    """超期案件: open review or publicity nodes past their due date (working days), the oldest first."""

    title = gettext_lazy("超期案件")
    permission_required = VIEW_APPLICATION
    filterset_class = ApplicationFilter
    search_fields = ("receipt_number",)  # the search itself is the selector's
    search_placeholder = gettext_lazy("申请编号、申请人姓名或完整证件号码")
    default_ordering = ("due_date", "pk")
    export_filename = "超期案件"

    @cached_property
    def today(self):
        return timezone.localdate()

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar()  # one per request: one query per calendar year touched

    @property
    def columns(self):
        return [
            Column(gettext_lazy("申请编号"), "receipt_number", sort="receipt_number", link=True),
            Column(gettext_lazy("申请人姓名"), "family.applicant_name"),
            Column(gettext_lazy("证件号码"), "family.id_number_masked"),
            Column(gettext_lazy("区划"), lambda a: a.region_name or a.region_code, sort="region_code"),
            Column(gettext_lazy("办理阶段"), "state", sort="state"),
            Column(gettext_lazy("当前节点"), "node_name"),
            Column(gettext_lazy("办理期限"), "due_date", sort="due_date"),
            Column(
                gettext_lazy("超期（工作日）"),
                lambda a: self.calendar.working_days_between(a.due_date, self.today),
            ),
        ]

    def get_base_queryset(self):
        return application_overdue_list(
            user=self.request.user, filters={"q": self.request.GET.get("q", "")[:100]}, today=self.today
        )

    def get_queryset(self):
        fields, self.search_fields = self.search_fields, ()
        try:
            return super().get_queryset()
        finally:
            self.search_fields = fields


class StageReportForm(forms.Form):
    district = forms.ChoiceField(
        label=gettext_lazy("区县"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    submitted_from = forms.DateField(
        label=gettext_lazy("提交日期起"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    submitted_to = forms.DateField(
        label=gettext_lazy("提交日期止"), required=False, widget=forms.DateInput(attrs=DATE)
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        districts = [(code, name) for code, name in scope_region_choices(user) if code.endswith("000000")]
        self.fields["district"].choices = [("", gettext_lazy("全部区县")), *districts]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("submitted_from"), cleaned.get("submitted_to")
        if since and until and until < since:
            self.add_error("submitted_to", _("结束日期不能早于开始日期。"))
        return cleaned


@staff_permission_required(VIEW_APPLICATION)
def stage_report_view(request):
    """申请统计: counts by region (district rows, or a district's streets) and stage; scoped; Excel."""
    form = StageReportForm(request.GET or None, user=request.user)
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    district = cleaned.get("district") or ""
    filters = {k: cleaned.get(k) for k in ("submitted_from", "submitted_to")}
    report = application_stage_counts(user=request.user, filters=filters, district=district)
    title = _("申请统计（阶段×区划）")
    if request.GET.get("export") == "xlsx":
        audit_record(
            action=AuditAction.EXPORT,
            object_type="admission.application",
            description=_("导出“%(title)s”：%(query)s") % {"title": title, "query": request.GET.urlencode()},
        )
        headers = [_("区划代码"), _("区划"), *[s.label for s in report.states], _("合计")]
        rows = [[row["code"], row["name"], *row["counts"], row["total"]] for row in report.rows]
        rows.append(["", _("合计"), *report.total_counts, report.total])
        stamp = timezone.localtime().strftime("%Y%m%d%H%M")
        return xlsx_response(
            filename=f"申请统计-{stamp}.xlsx", headers=headers, rows=rows, sheet_title=_("申请统计")
        )
    query = request.GET.copy()
    query.pop("export", None)
    return render(
        request,
        "admission/casework/stage_report.html",
        {
            "title": title,
            "breadcrumbs": [(title, None)],
            "form": form,
            "report": report,
            "querystring": query.urlencode(),
            "district": district,
        },
    )
