"""Back-office pages of the construction subsystem (thin: scope, call, render); the public ones are in
``public_views.py``."""

from __future__ import annotations

import django_filters
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from housing.archive.views import documents_panel_context
from housing.audit.services import AuditAction, audit_record
from housing.backoffice.access import require_staff_permission as _staff_with
from housing.backoffice.forms import add_service_errors
from housing.backoffice.listing import Column, ScopedListView
from housing.documents.excel import xlsx_response
from housing.regions.models import Region

from . import selectors, services
from .forms import (
    CertificateForm,
    HandoverForm,
    ImportForm,
    ProgressFilterForm,
    UnitChangeForm,
    UnitTransferForm,
)
from .importing import import_file, template_headers
from .models import (
    BuildingStatus,
    ConstructionMode,
    GuaranteeMode,
    ProjectParticipation,
    ProjectType,
    Unit,
    UnitSource,
    UnitState,
)

VIEWER_ROLES = ("project_officer", "city_centre", "district_reviewer")


def _region_names(codes) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=set(codes)).values_list("code", "name"))


# --- projects ----------------------------------------------------------------------------------


class ProjectFilter(django_filters.FilterSet):
    project_type = django_filters.ChoiceFilter(label=gettext_lazy("项目类别"), choices=ProjectType.choices)
    construction_mode = django_filters.ChoiceFilter(
        label=gettext_lazy("建设方式"), choices=ConstructionMode.choices
    )
    year = django_filters.NumberFilter(
        label=gettext_lazy("计划开工年度"), field_name="planned_start_date__year"
    )


class ProjectListView(ScopedListView):
    permission_required = "projects.view_project"
    title = gettext_lazy("建设项目")
    filterset_class = ProjectFilter
    columns = [
        Column(gettext_lazy("项目编号"), "number", sort="number", link=True),
        Column(gettext_lazy("项目立项名称"), "name", sort="name"),
        Column(gettext_lazy("项目类别"), "project_type", sort="project_type"),
        Column(gettext_lazy("建设方式"), "construction_mode"),
        Column(gettext_lazy("行政区划代码"), "region_code", sort="region_code"),
        Column(gettext_lazy("规划建设住宅套数"), "planned_units", sort="planned_units"),
        Column(gettext_lazy("计划开工时间"), "planned_start_date", sort="planned_start_date"),
        Column(gettext_lazy("实际竣工时间"), "actual_completion_date", sort="actual_completion_date"),
    ]
    search_fields = ("number__icontains", "name__icontains", "address__icontains")
    search_placeholder = gettext_lazy("项目编号、名称或地址")
    export_filename = "建设项目"
    template_name = "projects/list.html"

    def get_base_queryset(self):
        return selectors.project_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perm("projects.add_project"):
            context.update(add_url=reverse("projects:project_create"), add_label=_("新建项目"))
        return context


# Groups of the project's 105 fields as the 基本信息 tab shows them (empty values are left out).
PROJECT_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        gettext_lazy("项目基本信息"),
        (
            "number",
            "proposed_name",
            "name",
            "region_code",
            "project_type",
            "construction_mode",
            "planning_location",
            "shanty_owner_kind",
            "shanty_owner_name",
            "developer",
            "address",
            "boundaries",
            "land_area",
            "building_count",
            "land_reserve",
            "latitude",
            "longitude",
        ),
    ),
    (
        gettext_lazy("进度时间与移交"),
        (
            "planned_start_date",
            "planned_completion_date",
            "actual_start_date",
            "actual_completion_date",
            "handover_batch_number",
            "is_handed_over",
            "handed_over_at",
            "handed_over_by",
        ),
    ),
    (
        gettext_lazy("规划计划"),
        (
            "year",
            "plan_start_date",
            "plan_end_date",
            "plan_year_kind",
            "plan_number",
            "planned_floor_area",
            "planned_residential_area",
            "planned_units",
        ),
    ),
    (gettext_lazy("建设进度（房屋、住宅、配套公建）"), ()),  # filled below from the model's field order
    (
        gettext_lazy("投资"),
        ("total_investment", "residential_investment", "fund_source", "investment_kind", "year_investment"),
    ),
    (gettext_lazy("拆迁安置"), ()),
    (gettext_lazy("供地"), ("land_supplied_total", "land_acquisition_mode", "land_supplied_area")),
)


def _project_field_groups(project) -> list[tuple[str, list[tuple[str, object]]]]:
    from .models import Project

    names = [f.name for f in Project._meta.concrete_fields]
    progress = names[names.index("building_started_area") : names.index("total_investment")]
    relocation = names[names.index("relocated_households_total") : names.index("land_supplied_total")]
    groups = []
    for title, group_fields in PROJECT_GROUPS:
        if not group_fields:
            group_fields = progress if "进度" in str(title) else relocation
        rows = []
        for name in group_fields:
            model_field = Project._meta.get_field(name)
            display = getattr(project, f"get_{name}_display", None)
            value = display() if display else getattr(project, name)
            if isinstance(value, bool):
                value = _("是") if value else _("否")
            if value in (None, ""):
                continue
            rows.append((model_field.verbose_name, value))
        groups.append((title, rows))
    return groups


def project_detail(request, pk: int):
    _staff_with(request, "projects.view_project")
    project = selectors.project_get(user=request.user, pk=pk)
    buildings = list(selectors.building_list(user=request.user).filter(project=project))
    context = {
        "object": project,
        "project": project,
        "title": str(project),
        "breadcrumbs": [(_("建设项目"), reverse("projects:project_list")), (project.number, None)],
        "field_groups": _project_field_groups(project),
        "buildings": buildings,
        "progress_logs": project.progress_logs.select_related("building")[:100],
        "certificates": project.certificates.prefetch_related("scans__document"),
        "construction_contracts": project.construction_contracts.select_related(
            "party_a", "party_b", "building"
        ),
        "relocation_contracts": project.relocation_contracts.all(),
        "participations": ProjectParticipation.objects.filter(project=project)
        .select_related("company")
        .order_by("company__number", "role"),
        "people": project.people.select_related("company").order_by("number"),
        "handover_batches": project.handover_batches.all(),
        "can_handover": request.user.has_perm("projects.handover_unit")
        and any(not b.is_handed_over for b in buildings),
        "can_add_certificate": request.user.has_perm("projects.add_approvalcertificate"),
        "tabs": [
            ("info", _("基本信息"), "projects/_project_info.html"),
            ("buildings", _("单体工程"), "projects/_project_buildings.html"),
            ("progress", _("进度"), "projects/_project_progress.html"),
            ("certificates", _("证件"), "projects/_project_certificates.html"),
            ("contracts", _("合同"), "projects/_project_contracts.html"),
            ("parties", _("参与单位与人员"), "projects/_project_parties.html"),
            ("archive", _("档案"), "archive/_documents_panel.html"),
        ],
        "transitions": [],
        **documents_panel_context(user=request.user, owner=project, owner_kind="case"),
    }
    return render(request, "projects/project_detail.html", context)


def certificate_add(request, pk: int):
    """登记审批证件; the scan goes into the archive with the certificate as its owner."""
    _staff_with(request, "projects.add_approvalcertificate")
    project = selectors.project_get(user=request.user, pk=pk)
    form = CertificateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        scan = data.pop("scan")
        try:
            services.certificate_register(project=project, actor=request.user, upload=scan, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("证件已登记。"))
            return redirect(reverse("projects:project_detail", args=[project.pk]) + "#pane-certificates")
    return render(
        request,
        "projects/form.html",
        {
            "form": form,
            "title": _("登记审批证件"),
            "multipart": True,
            "breadcrumbs": [
                (_("建设项目"), reverse("projects:project_list")),
                (project.number, project.get_absolute_url()),
                (_("登记审批证件"), None),
            ],
        },
    )


# --- handover ----------------------------------------------------------------------------------


def handover_create(request, pk: int):
    _staff_with(request, "projects.handover_unit")
    project = selectors.project_get(user=request.user, pk=pk)
    form = HandoverForm(
        request.POST or None, project=project, initial={"handed_over_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.handover_batch_create(
                project=project,
                buildings=list(form.cleaned_data["buildings"]),
                number=form.cleaned_data["number"],
                handed_over_by=form.cleaned_data["handed_over_by"],
                handed_over_on=form.cleaned_data["handed_over_on"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("移交批次 %(n)s 已登记，%(c)s 套住房转为已交付。")
                % {"n": batch.number, "c": batch.unit_count},
            )
            return redirect(project)
    return render(
        request,
        "projects/form.html",
        {
            "form": form,
            "title": _("竣工移交：%(p)s") % {"p": project.name},
            "breadcrumbs": [
                (_("建设项目"), reverse("projects:project_list")),
                (project.number, project.get_absolute_url()),
                (_("竣工移交"), None),
            ],
        },
    )


class HandoverListView(ScopedListView):
    permission_required = "projects.view_handoverbatch"
    title = gettext_lazy("竣工移交批次")
    columns = [
        Column(gettext_lazy("移交批次编号"), "number", sort="number"),
        Column(gettext_lazy("建设项目"), "project.name"),
        Column(gettext_lazy("移交人"), "handed_over_by"),
        Column(gettext_lazy("移交时间"), "handed_over_on", sort="handed_over_on"),
        Column(gettext_lazy("移交套数"), "unit_count", sort="unit_count"),
        Column(gettext_lazy("登记人"), "created_by.display_name"),
    ]
    search_fields = ("number__icontains", "project__name__icontains")
    search_placeholder = gettext_lazy("批次编号或项目名称")
    export_filename = "竣工移交批次"

    def get_base_queryset(self):
        return selectors.handover_batch_list(user=self.request.user)


# --- buildings and the 楼盘表 --------------------------------------------------------------------


class BuildingFilter(django_filters.FilterSet):
    construction_status = django_filters.ChoiceFilter(
        label=gettext_lazy("建设状态"), choices=BuildingStatus.choices
    )
    is_handed_over = django_filters.BooleanFilter(label=gettext_lazy("是否已移交"))


class BuildingListView(ScopedListView):
    permission_required = "projects.view_building"
    title = gettext_lazy("单体工程")
    filterset_class = BuildingFilter
    columns = [
        Column(gettext_lazy("单体工程编号"), "number", sort="number", link=True),
        Column(gettext_lazy("单体工程名称"), "name", sort="name"),
        Column(gettext_lazy("所属项目"), "project.name"),
        Column(gettext_lazy("总层数"), "total_floors", sort="total_floors"),
        Column(gettext_lazy("住宅套数"), "unit_total"),
        Column(gettext_lazy("建设状态"), "construction_status"),
        Column(gettext_lazy("是否已移交"), lambda b: _("是") if b.is_handed_over else _("否")),
    ]
    search_fields = ("number__icontains", "name__icontains", "project__name__icontains")
    search_placeholder = gettext_lazy("编号、名称或项目")
    export_filename = "单体工程"

    def get_base_queryset(self):
        return selectors.building_list(user=self.request.user)


def building_detail(request, pk: int):
    """单体工程 with its 楼盘表; an htmx request for a state filter gets only the table."""
    _staff_with(request, "projects.view_building")
    building = selectors.building_get(user=request.user, pk=pk)
    table = selectors.building_table(building=building, state=request.GET.get("state", ""))
    # One prefix instead of 396 {% url %} reversals: the 楼盘表 of a large building stays fast.
    unit_url_prefix = reverse("projects:unit_detail", args=[0]).removesuffix("0/")
    context = {"table": table, "public": False, "legend": _legend(table), "unit_url_prefix": unit_url_prefix}
    if request.htmx and not request.htmx.boosted:
        response = render(request, "projects/_building_table.html", context)
    else:
        context.update(
            object=building,
            title=str(building),
            breadcrumbs=[
                (_("单体工程"), reverse("projects:building_list")),
                (building.project.number, building.project.get_absolute_url()),
                (building.number, None),
            ],
            fields=[
                (_("单体工程编号"), building.number),
                (_("所属项目"), building.project.name),
                (_("楼号"), building.building_number),
                (_("总层数"), building.total_floors),
                (_("建筑面积"), building.floor_area),
                (_("建筑结构"), building.structure),
                (_("建设状态"), building.get_construction_status_display()),
                (_("移交批次编号"), building.handover_batch_number),
            ],
        )
        response = render(request, "projects/building_detail.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _legend(table) -> list[dict]:
    """The legend of figure 3 with counts; 维修中/注销 only when present."""
    labels = dict(UnitState.choices)
    return [
        {"state": state, "label": labels[state], "count": table.counts[state]}
        for state in selectors.LEGEND_STATES
        if state not in (UnitState.REPAIRING, UnitState.CANCELLED) or table.counts[state]
    ]


# --- units -------------------------------------------------------------------------------------


class UnitFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=gettext_lazy("房屋交付状态"), choices=UnitState.choices)
    guarantee_mode = django_filters.ChoiceFilter(
        label=gettext_lazy("保障方式"), choices=GuaranteeMode.choices
    )
    source = django_filters.ChoiceFilter(label=gettext_lazy("房屋来源"), choices=UnitSource.choices)


class UnitListView(ScopedListView):
    permission_required = "projects.view_unit"
    title = gettext_lazy("住房")
    filterset_class = UnitFilter
    columns = [
        Column(gettext_lazy("房屋编号"), "number", sort="number", link=True),
        Column(gettext_lazy("所属项目"), "building.project.name"),
        Column(gettext_lazy("单体工程"), "building.name"),
        Column(gettext_lazy("单元"), "unit_label"),
        Column(gettext_lazy("房号"), "room_number"),
        Column(gettext_lazy("建筑面积"), "floor_area", sort="floor_area"),
        Column(gettext_lazy("保障方式"), "guarantee_mode"),
        Column(gettext_lazy("房屋交付状态"), "state", sort="state"),
    ]
    search_fields = ("number__icontains", "building__name__icontains", "room_number")
    search_placeholder = gettext_lazy("房屋编号、楼栋或房号")
    export_filename = "住房"

    def get_base_queryset(self):
        return selectors.unit_list(user=self.request.user)


def unit_detail(request, pk: int):
    _staff_with(request, "projects.view_unit")
    unit = selectors.unit_get(user=request.user, pk=pk)
    labels = dict(services.UNIT_TRANSITIONS)
    transitions = [
        {
            "name": t.name,
            "label": labels[t.name],
            "url": reverse("projects:unit_transition", args=[unit.pk]),
            "style": "danger" if t.name == "cancel" else "primary",
            "needs_opinion": t.name == "cancel",
        }
        for t in unit.get_available_user_state_transitions(request.user)
        if t.name in labels
    ]
    can_transfer = request.user.has_perm("projects.transfer_unit")
    context = {
        "object": unit,
        "unit": unit,
        "title": _("住房 %(n)s") % {"n": unit.number},
        "breadcrumbs": [
            (_("单体工程"), reverse("projects:building_list")),
            (unit.building.number, unit.building.get_absolute_url()),
            (unit.number, None),
        ],
        "fields": [
            (_("房屋编号"), unit.number),
            (_("房屋交付状态"), unit.get_state_display()),
            (_("所属项目"), unit.building.project.name),
            (_("所属单体工程"), unit.building.name),
            (_("单元"), unit.unit_label),
            (_("房号"), unit.room_number),
            (_("所在起始层"), unit.start_floor),
            (_("建筑面积"), unit.floor_area),
            (_("套内建筑面积"), unit.inner_area),
            (_("户型"), unit.layout),
            (_("朝向"), unit.orientation),
            (_("房屋来源"), unit.get_source_display()),
            (_("保障方式"), unit.get_guarantee_mode_display()),
            (_("租金标准（元/平方米·月）"), unit.rent_standard),
            (_("售价标准（元/平方米）"), unit.price_standard),
            (_("行政区划代码"), unit.region_code),
            (_("移交批次编号"), unit.handover_batch_number),
            (_("移交时间"), unit.handed_over_at),
            (_("入住人"), unit.occupant_name),
        ],
        "history": selectors.unit_history(unit=unit),
        "transfers": unit.transfers.select_related("actor"),
        "changes": unit.changes.select_related("actor"),
        "transfer_form": UnitTransferForm() if can_transfer else None,
        "change_form": UnitChangeForm(instance=unit) if can_transfer else None,
        "tabs": [
            ("info", _("基本信息"), "backoffice/_fields.html"),
            ("history", _("历史"), "projects/_unit_history.html"),
            ("archive", _("档案"), "archive/_documents_panel.html"),
        ],
        "transitions": transitions,
        **documents_panel_context(user=request.user, owner=unit, owner_kind="unit"),
    }
    if can_transfer:
        context["tabs"].insert(2, ("manage", _("调剂与变更"), "projects/_unit_manage.html"))
    return render(request, "projects/unit_detail.html", context)


@require_POST
def unit_transition(request, pk: int):
    _staff_with(request, "projects.view_unit")
    unit = selectors.unit_get(user=request.user, pk=pk)
    try:
        services.unit_transition(
            unit=unit,
            transition=request.POST.get("transition", ""),
            actor=request.user,
            opinion=request.POST.get("opinion", "")[:500],
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("您没有执行该操作的权限。"))
    else:
        messages.success(request, _("操作成功。"))
    return redirect(unit)


@require_POST
def unit_transfer(request, pk: int):
    _staff_with(request, "projects.transfer_unit")
    unit = selectors.unit_get(user=request.user, pk=pk)
    form = UnitTransferForm(request.POST)
    if form.is_valid():
        try:
            services.unit_transfer(unit=unit, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("调剂已登记。"))
            unit.refresh_from_db(fields=["region_code"])
            if not selectors.unit_list(user=request.user).filter(pk=unit.pk).exists():
                return redirect("projects:unit_list")  # transferred out of the user's own district
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect(unit)


@require_POST
def unit_change(request, pk: int):
    _staff_with(request, "projects.transfer_unit")
    unit = selectors.unit_get(user=request.user, pk=pk)
    form = UnitChangeForm(request.POST, instance=Unit.objects.get(pk=unit.pk))
    if form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            change = services.unit_change(unit=unit, changes=data, reason=reason, actor=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("变更已登记。") if change else _("没有需要变更的内容。"))
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect(unit)


# --- import ------------------------------------------------------------------------------------


def import_page(request):
    """楼盘导入 (back office, not only the admin)."""
    user = request.user
    if not user.is_authenticated or user.is_applicant:
        raise PermissionDenied
    if not (user.has_perm("projects.add_unit") or user.has_perm("projects.add_building")):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        if not user.has_perm("projects.add_unit" if kind == "units" else "projects.add_building"):
            raise PermissionDenied
        try:
            report = import_file(
                upload=form.cleaned_data["file"],
                kind=kind,
                user=user,
                import_valid_rows=form.cleaned_data["import_valid_rows"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            audit_record(
                action=AuditAction.CREATE,
                object_type="projects.unit" if kind == "units" else "projects.building",
                actor=user,
                description=_("楼盘导入：%(name)s，%(rows)s 行，错误 %(errors)s 行，%(done)s")
                % {
                    "name": form.cleaned_data["file"].name,
                    "rows": report.total_rows,
                    "errors": len(report.errors),
                    "done": _("已导入") if report.imported else _("未导入"),
                },
            )
    return render(
        request,
        "projects/import.html",
        {
            "form": form,
            "report": report,
            "title": _("楼盘导入"),
            "breadcrumbs": [(_("楼盘导入"), None)],
            "unit_headers": template_headers("units"),
            "building_headers": template_headers("buildings"),
        },
    )


def import_template(request, kind: str):
    """An empty workbook with the right headers and one example row."""
    _staff_with(request, "projects.view_building")
    if kind not in ("units", "buildings"):
        raise PermissionDenied
    examples = {
        "units": ["B-0001", "1", "101", 1, "65.50", "50.20", "两室一厅", "南", 2, "新建", "公租房", "12.50"],
        "buildings": ["XM-0001", "B-0001", "1号楼", "1", 33, 33, 1, "20000.00", "框架剪力墙", 396, "在建"],
    }
    return xlsx_response(
        filename=f"{'住房' if kind == 'units' else '单体工程'}导入模板.xlsx",
        headers=template_headers(kind),
        rows=[examples[kind]],
        sheet_title=_("导入"),
    )


# --- map and progress ----------------------------------------------------------------------------


def project_map(request):
    _staff_with(request, "projects.view_project")
    return render(
        request,
        "projects/map.html",
        {
            "title": _("项目地图"),
            "breadcrumbs": [(_("项目地图"), None)],
            "points": selectors.project_map_points(user=request.user),
            "tile_url": getattr(settings, "MAP_TILE_URL", ""),
        },
    )


STAGE_LABELS = (
    ("planned", gettext_lazy("计划")),
    ("started", gettext_lazy("开工")),
    ("completed", gettext_lazy("竣工")),
)


def progress(request):
    """建设进度: planned vs started vs completed per year × district × type; table, chart, Excel."""
    _staff_with(request, "projects.view_project")
    form = ProgressFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.progress_table(
        user=request.user,
        year=filters.get("year"),
        project_type=filters.get("project_type", ""),
        region_code=filters.get("region_code", ""),
    )
    names = _region_names(f"{r.region_code}000000" for r in rows)
    types = dict(ProjectType.choices)
    for row in rows:
        row.region_name = names.get(f"{row.region_code}000000", row.region_code)
        row.type_label = types.get(row.project_type, row.project_type)
    if request.GET.get("export") == "xlsx":
        headers = [_("年度"), _("区县"), _("项目类别")]
        for _stage, label in STAGE_LABELS:
            headers += [
                f"{label}{_('项目数')}",
                f"{label}{_('套数')}",
                f"{label}{_('面积（㎡）')}",
                f"{label}{_('投资（元）')}",
            ]
        data = [
            [
                r.year,
                r.region_name,
                str(r.type_label),
                *(v for stage, _l in STAGE_LABELS for v in r.figures[stage].values()),
            ]
            for r in rows
        ]
        audit_record(action=AuditAction.EXPORT, object_type="projects.project", description=_("导出建设进度"))
        return xlsx_response(
            filename=f"建设进度-{timezone.localtime().strftime('%Y%m%d%H%M')}.xlsx",
            headers=headers,
            rows=data,
            sheet_title=_("建设进度"),
        )
    chart = selectors.progress_chart(rows)
    return render(
        request,
        "projects/progress.html",
        {
            "title": _("建设进度"),
            "breadcrumbs": [(_("建设进度"), None)],
            "form": form,
            "rows": rows,
            "stages": STAGE_LABELS,
            "chart": chart,
            "querystring": request.GET.urlencode(),
        },
    )
