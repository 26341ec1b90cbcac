"""Back-office pages of the registry (登记簿), waitlist (轮候名册), notices and appeals (复核申请). Thin views."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from housing.archive.services import document_open_verified
from housing.archive.storage import StorageIntegrityError
from housing.backoffice.access import staff_permission_required
from housing.backoffice.forms import add_service_errors
from housing.backoffice.listing import Column, ScopedListView

from ..application_selectors import application_get_for_user
from ..models import LEVEL_PERMISSION, ReviewLevel
from .appeals import appeal_create, appeal_decide, appeal_refusal_notice
from .filters import AppealFilter, RegistryFilter, WaitlistFilter
from .forms import AppealDecisionForm, AppealForm
from .models import DecisionNoticeKind, RegistryEntry, WaitlistStatus
from .notices import appeal_days, appeal_deadline, notice_issue
from .selectors import (
    appeal_get_for_user,
    appeal_list,
    notice_get_for_user,
    registry_entry_get_for_user,
    registry_entry_list,
    waitlist_choices,
    waitlist_entry_position,
    waitlist_list,
    waitlist_positions,
)

VIEW_REGISTRY = "admission.view_registryentry"
VIEW_WAITLIST = "admission.view_waitlistentry"
VIEW_APPEAL = "admission.view_reviewappeal"
ADD_APPEAL = "admission.add_reviewappeal"
VIEW_APPLICATION = "admission.view_application"


def _registry_crumb() -> tuple[str, str]:
    return (_("登记簿"), reverse("admission:registry_list"))


def _appeals_crumb() -> tuple[str, str]:
    return (_("复核申请"), reverse("admission:registry_appeal_list"))


# --- 登记簿 ------------------------------------------------------------------------------------------


class RegistryListView(ScopedListView):
    """登记簿 (A.3.16): scoped, filtered by status, mode and street; exported to Excel."""

    title = gettext_lazy("保障对象登记簿")
    permission_required = VIEW_REGISTRY
    filterset_class = RegistryFilter
    columns = [
        Column(gettext_lazy("申请编号"), "application_number", sort="application_number", link=True),
        Column(gettext_lazy("申请人姓名"), "applicant_name", sort="applicant_name"),
        Column(gettext_lazy("证件号码"), "id_number_masked"),
        Column(gettext_lazy("家庭人口数"), "household_size", sort="household_size"),
        Column(gettext_lazy("区划"), lambda e: e.region_name or e.region_code, sort="region_code"),
        Column(
            gettext_lazy("申请保障项目类别"), lambda e: e.project_name or e.project_code, sort="project_code"
        ),
        Column(gettext_lazy("申请保障方式"), "mode_kind", sort="mode_kind"),
        Column(gettext_lazy("保障状态"), "status", sort="status"),
        Column(gettext_lazy("登记时间"), "registered_at", sort="registered_at"),
        Column(gettext_lazy("最后年审年度"), "last_annual_review_year"),
    ]
    search_fields = ("application_number__iexact", "applicant_name__icontains")
    search_placeholder = gettext_lazy("申请编号或申请人姓名")
    default_ordering = ("-registered_at", "-pk")
    export_filename = "保障对象登记簿"

    def get_base_queryset(self):
        return registry_entry_list(user=self.request.user)


def _registry_fields(entry: RegistryEntry) -> list[tuple]:
    """Every A.3.16 field by its standard name, in the standard's order (number masked)."""
    shown = []
    for name in (
        "application_number", "survey_number", "applicant_name", "id_type", "id_number_masked", "phone",
        "hukou_county", "hukou_street", "hukou_community", "hukou_road", "hukou_number", "hukou_building",
        "hukou_room", "household_size", "per_capita_income", "total_income", "per_capita_assets",
        "total_assets", "per_capita_floor_area", "total_floor_area", "lives_in_shantytown",
        "is_subsistence_allowance_family", "subsistence_certificate_number", "applied_at", "income_class",
        "special_group", "project_code", "mode_code", "registered_at", "guarantee_started_at",
        "implemented_mode", "exited_at", "status", "last_annual_review_year",
    ):  # fmt: skip
        field = RegistryEntry._meta.get_field(name)
        label = _("证件号码") if name == "id_number_masked" else field.verbose_name
        display = getattr(entry, f"get_{name}_display", None)
        value = display() if display and getattr(entry, name) else getattr(entry, name)
        if name == "phone":
            from housing.accounts.identity import mask_phone

            value = mask_phone(value)
        if isinstance(value, bool):
            value = _("是") if value else _("否")
        shown.append((label, value if value not in ("", None) else None))
    return shown


@staff_permission_required(VIEW_REGISTRY)
def registry_detail(request, pk: int):
    entry = registry_entry_get_for_user(user=request.user, pk=pk)
    waitlist = getattr(entry, "waitlist_entry", None)
    can_view_application = request.user.has_perm(VIEW_APPLICATION)
    context = {
        "object": entry,
        "entry": entry,
        "title": _("登记簿：%(number)s %(name)s")
        % {"number": entry.application_number, "name": entry.applicant_name},
        "breadcrumbs": [_registry_crumb(), (entry.application_number, None)],
        "fields": _registry_fields(entry),
        "waitlist": waitlist,
        "waitlist_position": waitlist_entry_position(waitlist) if waitlist else None,
        "application_url": entry.application.get_absolute_url() if can_view_application else "",
        "tabs": [
            ("registry", _("登记簿信息"), "backoffice/_fields.html"),
            ("waitlist", _("轮候"), "admission/registry/_waitlist.html"),
        ],
        "transitions": [],
    }
    return render(request, "admission/registry/registry_detail.html", context)


# --- 轮候名册 ----------------------------------------------------------------------------------------


def _position(entry) -> int | str:
    position = getattr(entry, "position", None)
    return position if entry.status == WaitlistStatus.WAITING and position else "—"


class WaitlistView(ScopedListView):
    """轮候名册: one waitlist (project · housing mode) in waitlist order, with each family's position."""

    title = gettext_lazy("轮候名册")
    permission_required = VIEW_WAITLIST
    columns = [
        Column(gettext_lazy("轮候位次"), _position),
        Column(gettext_lazy("轮候编号"), "waitlist_number", link=True),
        Column(gettext_lazy("申请编号"), "registry_entry.application_number"),
        Column(gettext_lazy("申请人姓名"), "registry_entry.applicant_name"),
        Column(gettext_lazy("家庭人口数"), "registry_entry.household_size"),
        Column(gettext_lazy("区划"), lambda w: w.region_name or w.region_code),
        Column(
            gettext_lazy("排序依据"),
            lambda w: "；".join(f"{label}：{value}" for label, value in w.sort_values) or w.sort_error or "—",
        ),
        Column(gettext_lazy("登记时间"), "registered_at"),
        Column(gettext_lazy("轮候状态"), "status"),
    ]
    default_ordering = ("sort_key", "pk")
    export_filename = "轮候名册"

    @property
    def filterset_class(self):
        return functools.partial(WaitlistFilter, waitlists=self.waitlists)

    def get_base_queryset(self):
        self.waitlists = waitlist_choices()
        chosen = self.request.GET.get("waitlist", "")
        valid = {key for key, _label in self.waitlists}
        if chosen not in valid:
            chosen = self.waitlists[0][0] if self.waitlists else ":"
        project_code, _sep, mode_code = chosen.partition(":")
        # The page computes positions for its 20 rows only (paginate_queryset); an export, for every row.
        return waitlist_list(
            user=self.request.user,
            project_code=project_code,
            mode_code=mode_code,
            with_position=self.request.GET.get("export") == "xlsx",
        )

    def paginate_queryset(self, queryset, page_size):
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        rows = list(rows)
        positions = waitlist_positions([row.pk for row in rows])
        for row in rows:
            row.position = positions.get(row.pk)
        page.object_list = rows
        return paginator, page, rows, is_paginated

    def get_ordering_fields(self):
        return self.default_ordering  # a waitlist has one order: its own


# --- 复核申请 ---------------------------------------------------------------------------------------


class AppealListView(ScopedListView):
    title = gettext_lazy("复核申请")
    permission_required = VIEW_APPEAL
    filterset_class = AppealFilter
    columns = [
        Column(gettext_lazy("复核申请编号"), "number", sort="number", link=True),
        Column(gettext_lazy("申请编号"), "application.receipt_number"),
        Column(gettext_lazy("申请人姓名"), "application.family.applicant_name"),
        Column(gettext_lazy("区划"), lambda a: a.region_name or a.region_code, sort="region_code"),
        Column(gettext_lazy("原决定层级"), "level", sort="level"),
        Column(gettext_lazy("申请日期"), "received_on", sort="received_on"),
        Column(gettext_lazy("复核状态"), "state", sort="state"),
    ]
    search_fields = ("number__iexact", "application__receipt_number__iexact")
    search_placeholder = gettext_lazy("复核申请编号或申请编号")
    default_ordering = ("-received_on", "-pk")
    export_filename = "复核申请"

    def get_base_queryset(self):
        return appeal_list(user=self.request.user)


def _may_decide(user, appeal) -> bool:
    return (
        appeal.is_pending
        and user.has_perm(LEVEL_PERMISSION[appeal.level])
        and appeal.refused_by_id != user.pk
    )


@staff_permission_required(VIEW_APPEAL)
def appeal_detail(request, pk: int):
    appeal = appeal_get_for_user(user=request.user, pk=pk)
    form = AppealDecisionForm() if _may_decide(request.user, appeal) else None
    return _appeal_page(request, appeal, form)


def _appeal_page(request, appeal, form, status: int = 200):
    application = appeal.application
    fields = [
        (_("复核申请编号"), appeal.number),
        (_("申请编号"), application.receipt_number),
        (_("申请人姓名"), application.family.applicant_name),
        (_("复核申请人"), appeal.appellant_name),
        (_("不予登记通知书"), appeal.notice.number or appeal.notice.get_issue_status_display()),
        (_("不予登记原因"), appeal.notice.get_refusal_reason_display()),
        (_("不予登记说明"), appeal.notice.refusal_text),
        (_("原决定层级"), appeal.get_level_display()),
        (_("原决定人"), appeal.refused_by),
        (_("申请日期"), appeal.received_on),
        (_("复核申请期限"), appeal.deadline),
        (_("复核理由"), appeal.reason),
        (_("登记人"), appeal.recorded_by),
        (_("复核状态"), appeal.get_state_display()),
        (_("复核人"), appeal.decided_by),
        (_("复核时间"), appeal.decided_at),
        (_("复核意见"), appeal.decision_opinion or None),
    ]
    context = {
        "object": appeal,
        "appeal": appeal,
        "title": _("复核申请：%(number)s") % {"number": appeal.number},
        "breadcrumbs": [_appeals_crumb(), (appeal.number, None)],
        "fields": fields,
        "form": form,
        "application_url": application.get_absolute_url() if request.user.has_perm(VIEW_APPLICATION) else "",
        "decide_url": reverse("admission:registry_appeal_decide", args=[appeal.pk]),
    }
    return render(request, "admission/registry/appeal_detail.html", context, status=status)


@require_POST
@staff_permission_required(VIEW_APPEAL)
def appeal_decide_view(request, pk: int):
    appeal = appeal_get_for_user(user=request.user, pk=pk)
    form = AppealDecisionForm(request.POST)
    if form.is_valid():
        try:
            appeal_decide(
                appeal=appeal,
                actor=request.user,
                upheld=form.cleaned_data["decision"] == "upheld",
                opinion=form.cleaned_data["opinion"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("复核申请已办结。"))
            return redirect(appeal.get_absolute_url())
    return _appeal_page(request, appeal, form, status=200)


@staff_permission_required(ADD_APPEAL)
def appeal_create_view(request, application_pk: int):
    application = application_get_for_user(user=request.user, pk=application_pk)
    notice = appeal_refusal_notice(application)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal = appeal_create(application=application, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("复核申请已登记：%(number)s。") % {"number": appeal.number})
            return redirect(appeal.get_absolute_url())
    if notice is None:
        intro = _("本案不是不予登记状态，不能申请复核。")
    else:
        intro = _(
            "不予登记通知书 %(number)s 出具于 %(issued)s；复核申请须在 %(days)s 日内（%(deadline)s 前，含当日）提出。"
        ) % {
            "number": notice.number or "—",
            "issued": f"{(notice.issued_at or notice.decision_at):%Y-%m-%d}",
            "days": appeal_days(),
            "deadline": f"{appeal_deadline(notice):%Y-%m-%d}",
        }
    return render(
        request,
        "admission/form.html",
        {
            "form": form,
            "title": _("登记复核申请：%(number)s") % {"number": application.receipt_number},
            "breadcrumbs": [
                (_("申请"), reverse("admission:application_list")),
                (application.receipt_number, application.get_absolute_url()),
                (_("登记复核申请"), None),
            ],
            "cancel_url": application.get_absolute_url(),
            "submit_label": _("登记复核申请"),
            "intro": intro,
        },
    )


# --- notices -----------------------------------------------------------------------------------------


@staff_permission_required(VIEW_APPLICATION)
def notice_download(request, pk: int):
    """The archived PDF (checked against its SHA-256 on the way out; the download is audited)."""
    notice = notice_get_for_user(user=request.user, pk=pk)
    if not notice.is_issued or notice.archive_document is None:
        raise Http404
    try:
        handle = document_open_verified(actor=request.user, document=notice.archive_document)
    except StorageIntegrityError as error:
        messages.error(request, str(error))
        return redirect(notice.application.get_absolute_url())
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{notice.get_kind_display()}-{notice.number}.pdf",
        content_type="application/pdf",
    )


@require_POST
@staff_permission_required(VIEW_APPLICATION)
def notice_reissue(request, pk: int):
    """重新出具 a notice whose PDF failed (e.g. no active template then)."""
    notice = notice_get_for_user(user=request.user, pk=pk)
    level = notice.level if notice.kind == DecisionNoticeKind.REFUSED else ReviewLevel.CITY
    if not request.user.has_perm(LEVEL_PERMISSION[level]):
        raise PermissionDenied
    notice = notice_issue(notice_id=notice.pk, actor=request.user)
    if notice.is_issued:
        messages.success(
            request,
            _("%(kind)s已出具：%(number)s。") % {"kind": notice.get_kind_display(), "number": notice.number},
        )
    else:
        messages.error(request, _("出具失败：%(error)s") % {"error": notice.error})
    return redirect(notice.application.get_absolute_url())
