"""Back-office create/edit pages: land reserve, projects, buildings and a project's records.

Thin: check the permission (403), find the row inside the user's scope (404), bind the form,
call one service, and either redirect to the project's tab or show the form again with each
error beside its field and every value kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import django_filters
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.accounts.scope import get_in_scope_or_404, scope_queryset
from housing.backoffice.access import require_staff_permission as _staff_with
from housing.backoffice.listing import Column, ScopedListView

from . import selectors
from .forms import (
    BuildingForm,
    CompanyParticipationForm,
    ConstructionContractForm,
    LandReserveForm,
    ParticipatingCompanyForm,
    ParticipatingPersonForm,
    ProgressLogForm,
    ProjectForm,
    RelocationContractForm,
    ServiceModelForm,
)
from .models import LandReserve, Project, ProjectType
from .services import editing as services

FORM_TEMPLATE = "projects/edit_form.html"


def _form_page(
    request,
    *,
    form: ServiceModelForm,
    save: Callable[[dict], object],
    success_url: Callable[[object], str],
    success_message: str,
    title: str,
    breadcrumbs: list[tuple[str, str | None]],
):
    """The one POST-redirect-GET cycle of these pages; nothing is saved when anything is wrong."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(dict(form.cleaned_data))
        except ValidationError as exc:
            form.apply_errors(exc)
        else:
            messages.success(request, success_message)
            return redirect(success_url(saved))
    return render(request, FORM_TEMPLATE, {"form": form, "title": title, "breadcrumbs": breadcrumbs})


def _project_crumbs(project: Project, label: str) -> list[tuple[str, str | None]]:
    return [
        (_("建设项目"), reverse("projects:project_list")),
        (project.number, project.get_absolute_url()),
        (label, None),
    ]


def _tab_url(project_pk: int, tab: str) -> str:
    return reverse("projects:project_detail", args=[project_pk]) + f"#pane-{tab}"


# --- projects -------------------------------------------------------------------------------------


def project_create(request):
    _staff_with(request, "projects.add_project")
    form = ProjectForm(request.POST or None, user=request.user)
    return _form_page(
        request,
        form=form,
        save=lambda data: services.project_create(actor=request.user, **data),
        success_url=lambda project: project.get_absolute_url(),
        success_message=_("项目已登记。"),
        title=_("新建项目"),
        breadcrumbs=[(_("建设项目"), reverse("projects:project_list")), (_("新建项目"), None)],
    )


def project_edit(request, pk: int):
    _staff_with(request, "projects.change_project")
    project = selectors.project_get(user=request.user, pk=pk)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    return _form_page(
        request,
        form=form,
        save=lambda data: services.project_update(project=project, actor=request.user, **data),
        success_url=lambda saved: saved.get_absolute_url(),
        success_message=_("项目已保存。"),
        title=_("修改项目：%(name)s") % {"name": project.name},
        breadcrumbs=_project_crumbs(project, _("修改")),
    )


# --- buildings ------------------------------------------------------------------------------------


def building_create(request, pk: int):
    _staff_with(request, "projects.add_building")
    project = selectors.project_get(user=request.user, pk=pk)
    form = BuildingForm(request.POST or None)
    return _form_page(
        request,
        form=form,
        save=lambda data: services.building_create(project=project, actor=request.user, **data),
        success_url=lambda _building: _tab_url(project.pk, "buildings"),
        success_message=_("单体工程已登记。"),
        title=_("新增单体工程：%(name)s") % {"name": project.name},
        breadcrumbs=_project_crumbs(project, _("新增单体工程")),
    )


def building_edit(request, pk: int):
    _staff_with(request, "projects.change_building")
    building = selectors.building_get(user=request.user, pk=pk)
    form = BuildingForm(request.POST or None, instance=building)
    return _form_page(
        request,
        form=form,
        save=lambda data: services.building_update(building=building, actor=request.user, **data),
        success_url=lambda saved: saved.get_absolute_url(),
        success_message=_("单体工程已保存。"),
        title=_("修改单体工程：%(name)s") % {"name": building.name},
        breadcrumbs=[
            (_("单体工程"), reverse("projects:building_list")),
            (building.number, building.get_absolute_url()),
            (_("修改"), None),
        ],
    )


# --- land reserve (土地储备) -------------------------------------------------------------------------


class LandReserveFilter(django_filters.FilterSet):
    planned_use = django_filters.ChoiceFilter(label=gettext_lazy("规划用途"), choices=ProjectType.choices)


class LandReserveListView(ScopedListView):
    permission_required = "projects.view_landreserve"
    template_name = "projects/list.html"
    title = gettext_lazy("土地储备")
    filterset_class = LandReserveFilter
    columns = [
        Column(gettext_lazy("地块编号"), "number", sort="number", link=True),
        Column(gettext_lazy("宗地名称"), "name", sort="name"),
        Column(gettext_lazy("宗地位置"), "location"),
        Column(gettext_lazy("行政区划代码"), "region_code", sort="region_code"),
        Column(gettext_lazy("土地面积"), "land_area", sort="land_area"),
        Column(gettext_lazy("规划用途"), "planned_use"),
        Column(gettext_lazy("开发程度"), "development_level"),
        Column(gettext_lazy("储备时间"), "reserved_on", sort="reserved_on"),
    ]
    search_fields = ("number__icontains", "name__icontains", "location__icontains")
    search_placeholder = gettext_lazy("地块编号、名称或位置")
    export_filename = "土地储备"

    def get_base_queryset(self):
        return scope_queryset(LandReserve.objects.all(), self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perm("projects.add_landreserve"):
            context["add_url"] = reverse("projects:land_create")
            context["add_label"] = _("登记储备地块")
        return context


def _land_get(request, pk: int) -> LandReserve:
    return get_in_scope_or_404(LandReserve.objects.all(), request.user, pk=pk)


def _display(obj, name: str):
    display = getattr(obj, f"get_{name}_display", None)
    return display() if display else getattr(obj, name)


def land_detail(request, pk: int):
    _staff_with(request, "projects.view_landreserve")
    land = _land_get(request, pk)
    fields = [
        (field.verbose_name, _display(land, field.name))
        for field in LandReserve._meta.concrete_fields
        if field.name != "id"
    ]
    return render(
        request,
        "projects/land_detail.html",
        {
            "object": land,
            "title": str(land),
            "fields": fields,
            "projects": selectors.project_list(user=request.user)
            .filter(land_reserve=land)
            .order_by("number"),
            "breadcrumbs": [(_("土地储备"), reverse("projects:land_list")), (land.number, None)],
        },
    )


def land_create(request):
    _staff_with(request, "projects.add_landreserve")
    form = LandReserveForm(request.POST or None, user=request.user)
    return _form_page(
        request,
        form=form,
        save=lambda data: services.land_reserve_create(actor=request.user, **data),
        success_url=lambda land: land.get_absolute_url(),
        success_message=_("储备地块已登记。"),
        title=_("登记储备地块"),
        breadcrumbs=[(_("土地储备"), reverse("projects:land_list")), (_("登记储备地块"), None)],
    )


def land_edit(request, pk: int):
    _staff_with(request, "projects.change_landreserve")
    land = _land_get(request, pk)
    form = LandReserveForm(request.POST or None, instance=land, user=request.user)
    return _form_page(
        request,
        form=form,
        save=lambda data: services.land_reserve_update(land_reserve=land, actor=request.user, **data),
        success_url=lambda saved: saved.get_absolute_url(),
        success_message=_("储备地块已保存。"),
        title=_("修改储备地块：%(name)s") % {"name": land.name},
        breadcrumbs=[
            (_("土地储备"), reverse("projects:land_list")),
            (land.number, land.get_absolute_url()),
            (_("修改"), None),
        ],
    )


# --- a project's records (参与单位, 参与人员, 进度日志, 施工合同, 拆迁安置合同) ----------------------------


@dataclass(frozen=True)
class RecordKind:
    """One kind of record added from a tab of the project page."""

    model_name: str  # for the add_/change_ permissions
    tab: str
    add_title: str
    edit_title: str
    add_form: type[ServiceModelForm]
    edit_form: type[ServiceModelForm]
    items: Callable[[Project], object]  # the project's records of this kind (edit looks up here)
    create: Callable[..., object]
    update: Callable[..., object]
    needs_user: bool = False


RECORD_KINDS: dict[str, RecordKind] = {
    "progress": RecordKind(
        "progresslog",
        "progress",
        gettext_lazy("登记进度日志"),
        gettext_lazy("修改进度日志"),
        ProgressLogForm,
        ProgressLogForm,
        lambda project: project.progress_logs.all(),
        lambda *, project, actor, data: services.progress_log_create(project=project, actor=actor, **data),
        lambda *, project, item, actor, data: services.progress_log_update(log=item, actor=actor, **data),
    ),
    "construction-contracts": RecordKind(
        "constructioncontract",
        "contracts",
        gettext_lazy("施工合同备案"),
        gettext_lazy("修改施工合同备案"),
        ConstructionContractForm,
        ConstructionContractForm,
        lambda project: project.construction_contracts.all(),
        lambda *, project, actor, data: services.construction_contract_create(
            project=project, actor=actor, **data
        ),
        lambda *, project, item, actor, data: services.construction_contract_update(
            contract=item, actor=actor, **data
        ),
    ),
    "relocation-contracts": RecordKind(
        "relocationcontract",
        "contracts",
        gettext_lazy("拆迁安置合同备案"),
        gettext_lazy("修改拆迁安置合同备案"),
        RelocationContractForm,
        RelocationContractForm,
        lambda project: project.relocation_contracts.all(),
        lambda *, project, actor, data: services.relocation_contract_create(
            project=project, actor=actor, **data
        ),
        lambda *, project, item, actor, data: services.relocation_contract_update(
            contract=item, actor=actor, **data
        ),
    ),
    "companies": RecordKind(
        "participatingcompany",
        "parties",
        gettext_lazy("添加参与单位"),
        gettext_lazy("修改参与单位"),
        CompanyParticipationForm,
        ParticipatingCompanyForm,
        lambda project: project.companies.distinct(),
        lambda *, project, actor, data: services.project_company_add(
            project=project, actor=actor, company=data.pop("existing"), **data
        ),
        lambda *, project, item, actor, data: services.participating_company_update(
            company=item, actor=actor, **data
        ),
        needs_user=True,
    ),
    "people": RecordKind(
        "participatingperson",
        "parties",
        gettext_lazy("添加参与人员"),
        gettext_lazy("修改参与人员"),
        ParticipatingPersonForm,
        ParticipatingPersonForm,
        lambda project: project.people.all(),
        lambda *, project, actor, data: services.project_person_add(project=project, actor=actor, **data),
        lambda *, project, item, actor, data: services.participating_person_update(
            person=item, project=project, actor=actor, **data
        ),
    ),
}


def _record_kind(kind: str) -> RecordKind:
    try:
        return RECORD_KINDS[kind]
    except KeyError as exc:
        raise Http404 from exc


def record_add(request, pk: int, kind: str):
    spec = _record_kind(kind)
    _staff_with(request, f"projects.add_{spec.model_name}")
    project = selectors.project_get(user=request.user, pk=pk)
    extra = {"user": request.user} if spec.needs_user else {}
    form = spec.add_form(request.POST or None, project=project, **extra)
    return _form_page(
        request,
        form=form,
        save=lambda data: spec.create(project=project, actor=request.user, data=data),
        success_url=lambda _saved: _tab_url(project.pk, spec.tab),
        success_message=_("%(what)s：已保存。") % {"what": spec.add_title},
        title=f"{spec.add_title}：{project.name}",
        breadcrumbs=_project_crumbs(project, str(spec.add_title)),
    )


def record_edit(request, pk: int, kind: str, item: int):
    spec = _record_kind(kind)
    _staff_with(request, f"projects.change_{spec.model_name}")
    project = selectors.project_get(user=request.user, pk=pk)
    # Only this project's records: another project's id (in scope or not) is a 404 here.
    instance = spec.items(project).filter(pk=item).first()
    if instance is None:
        raise Http404
    form = spec.edit_form(request.POST or None, instance=instance, project=project)
    return _form_page(
        request,
        form=form,
        save=lambda data: spec.update(project=project, item=instance, actor=request.user, data=data),
        success_url=lambda _saved: _tab_url(project.pk, spec.tab),
        success_message=_("%(what)s：已保存。") % {"what": spec.edit_title},
        title=f"{spec.edit_title}：{project.name}",
        breadcrumbs=_project_crumbs(project, str(spec.edit_title)),
    )
