"""Back-office writes of the construction records: land, projects, buildings and a project's records.

Each service checks the permission and the region scope itself (the view checks them too, but a
service may be called from elsewhere), applies the business rules of A.5 that a form cannot see
(date order, no negative areas or amounts, counts that must agree with the buildings already
registered), runs ``full_clean()`` and saves. Errors are ``ValidationError``s keyed by field, in
Chinese, so the form shows each one beside its field.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from housing.accounts.scope import code_in_scope
from housing.regions.models import Region

from ..models import (
    Building,
    ConstructionContract,
    LandReserve,
    ParticipatingCompany,
    ParticipatingPerson,
    ProgressLog,
    Project,
    ProjectParticipation,
    RelocationContract,
)

# Fields no back-office form may set: the handover service owns them (竣工移交), the rest are bookkeeping.
PROTECTED_FIELDS = frozenset(
    {
        "id",
        "region_code",
        "project",
        "is_handed_over",
        "handover_batch_number",
        "handed_over_at",
        "handed_over_by",
        "is_demo",
        "created_at",
        "updated_at",
    }
)
# Decimal fields that may be negative: coordinates west of Greenwich or south of the equator.
SIGNED_FIELDS = frozenset({"latitude", "longitude"})

# (start, end) pairs where the end may not come before the start.
PROJECT_DATE_PAIRS = (
    ("planned_start_date", "planned_completion_date"),
    ("actual_start_date", "actual_completion_date"),
    ("type_planned_start_date", "type_planned_completion_date"),
    ("type_actual_start_date", "type_actual_completion_date"),
    ("plan_start_date", "plan_end_date"),
)
# (part, whole): the part may not exceed the whole (住宅 is part of 房屋, 住宅投资 of 建设总投资 …).
PROJECT_PART_WHOLE = (
    ("planned_residential_area", "planned_floor_area"),
    ("residential_investment", "total_investment"),
    ("relocated_households", "relocated_households_total"),
    ("resettled_households", "resettled_households_total"),
    ("land_supplied_area", "land_supplied_total"),
)


# --- shared checks --------------------------------------------------------------------------------


def _require(actor, permission: str) -> None:
    if not actor.has_perm(permission):
        raise PermissionDenied(_("您没有执行该操作的权限。"))


def _require_scope(actor, region_code: str) -> None:
    if not code_in_scope(actor, region_code):
        raise PermissionDenied(_("该记录不在您的数据范围内。"))


def _label(obj: models.Model, name: str) -> str:
    return str(obj._meta.get_field(name).verbose_name)


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _assign(obj: models.Model, fields: dict) -> None:
    """Copy form values onto the row; a field the service owns is refused, not silently taken."""
    for name, value in fields.items():
        if name in PROTECTED_FIELDS:
            raise ValidationError(_("字段“%(field)s”不能在此修改。") % {"field": name})
        obj._meta.get_field(name)  # an unknown name is a programming error: FieldDoesNotExist
        setattr(obj, name, value)


def _check_non_negative(obj: models.Model, errors: dict[str, list[str]]) -> None:
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.DecimalField) and field.name not in SIGNED_FIELDS:
            value = getattr(obj, field.attname)
            if value is not None and value < Decimal("0"):
                _add(errors, field.name, _("%(label)s不能为负数。") % {"label": field.verbose_name})


def _check_dates(obj: models.Model, pairs: Iterable[tuple[str, str]], errors: dict[str, list[str]]) -> None:
    for start, end in pairs:
        first, last = getattr(obj, start), getattr(obj, end)
        if first and last and last < first:
            _add(
                errors,
                end,
                _("%(end)s不能早于%(start)s。") % {"end": _label(obj, end), "start": _label(obj, start)},
            )


def _check_part_whole(
    obj: models.Model, pairs: Iterable[tuple[str, str]], errors: dict[str, list[str]]
) -> None:
    for part, whole in pairs:
        small, big = getattr(obj, part), getattr(obj, whole)
        if small is not None and big is not None and small > big:
            _add(
                errors,
                part,
                _("%(part)s不能大于%(whole)s。") % {"part": _label(obj, part), "whole": _label(obj, whole)},
            )


def _finish(obj: models.Model, errors: dict[str, list[str]], *, exclude: Iterable[str] = ()) -> None:
    """Merge the business errors with ``full_clean``'s and raise them together, keyed by field."""
    try:
        obj.full_clean(exclude=list(exclude) or None)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                _add(errors, field, message)
    if errors:
        raise ValidationError(errors)


def _check_region(actor, region_code: str, errors: dict[str, list[str]]) -> None:
    """A new or moved row must sit in an existing region inside the actor's own scope."""
    if not region_code:
        _add(errors, "region_code", _("请选择行政区划。"))
    elif not code_in_scope(actor, region_code):
        _add(errors, "region_code", _("该区划不在您的数据范围内。"))
    elif not Region.objects.filter(code=region_code, is_active=True).exists():
        _add(errors, "region_code", _("该区划不存在或已停用。"))


def _save_with_history(obj: models.Model, actor) -> None:
    obj._history_user = actor  # simple-history names who, also outside a request
    obj.save()


# --- land reserve (A.5.11) ------------------------------------------------------------------------


def _land_reserve_validate(land: LandReserve, errors: dict[str, list[str]]) -> None:
    _check_non_negative(land, errors)
    _check_part_whole(land, (("construction_land_area", "land_area"),), errors)
    _finish(land, errors)


@transaction.atomic
def land_reserve_create(*, actor, region_code: str, **fields) -> LandReserve:
    """登记储备地块 in a region of the actor's scope."""
    _require(actor, "projects.add_landreserve")
    errors: dict[str, list[str]] = {}
    _check_region(actor, region_code, errors)
    land = LandReserve(region_code=region_code)
    _assign(land, fields)
    _land_reserve_validate(land, errors)
    land.save()
    return land


@transaction.atomic
def land_reserve_update(
    *, land_reserve: LandReserve, actor, region_code: str | None = None, **fields
) -> LandReserve:
    _require(actor, "projects.change_landreserve")
    _require_scope(actor, land_reserve.region_code)
    land = LandReserve.objects.select_for_update().get(pk=land_reserve.pk)
    errors: dict[str, list[str]] = {}
    if region_code is not None and region_code != land.region_code:
        _check_region(actor, region_code, errors)
        land.region_code = region_code
    _assign(land, fields)
    _land_reserve_validate(land, errors)
    land.save()
    return land


# --- projects (A.5.1) -----------------------------------------------------------------------------


def _project_validate(project: Project, actor, errors: dict[str, list[str]]) -> None:
    _check_non_negative(project, errors)
    _check_dates(project, PROJECT_DATE_PAIRS, errors)
    _check_part_whole(project, PROJECT_PART_WHOLE, errors)
    if project.latitude is not None and not -90 <= project.latitude <= 90:
        _add(errors, "latitude", _("纬度应在 -90 到 90 之间。"))
    if project.longitude is not None and not -180 <= project.longitude <= 180:
        _add(errors, "longitude", _("经度应在 -180 到 180 之间。"))
    if project.land_reserve_id and not code_in_scope(actor, project.land_reserve.region_code):
        _add(errors, "land_reserve", _("该储备地块不在您的数据范围内。"))
    if project.pk:
        # One COUNT, cheap: the figures may not fall below what is already registered.
        registered = project.buildings.count()
        if project.building_count is not None and project.building_count < registered:
            _add(
                errors,
                "building_count",
                _("单体个数不能少于已登记的单体工程数（%(n)s 个）。") % {"n": registered},
            )
    _finish(project, errors)


@transaction.atomic
def project_create(*, actor, region_code: str, **fields) -> Project:
    """新建项目 (项目储备库): identity required, every other A.5.1 field optional."""
    _require(actor, "projects.add_project")
    errors: dict[str, list[str]] = {}
    _check_region(actor, region_code, errors)
    project = Project(region_code=region_code)
    _assign(project, fields)
    _project_validate(project, actor, errors)
    _save_with_history(project, actor)
    return project


@transaction.atomic
def project_update(*, project: Project, actor, region_code: str | None = None, **fields) -> Project:
    """修改项目. A project that has buildings keeps its region: they and their units belong to it."""
    _require(actor, "projects.change_project")
    _require_scope(actor, project.region_code)
    project = Project.objects.select_for_update().get(pk=project.pk)
    errors: dict[str, list[str]] = {}
    if region_code is not None and region_code != project.region_code:
        if project.buildings.exists():
            _add(errors, "region_code", _("已有单体工程的项目不能更改行政区划。"))
        else:
            _check_region(actor, region_code, errors)
        project.region_code = region_code
    _assign(project, fields)
    _project_validate(project, actor, errors)
    _save_with_history(project, actor)
    return project


# --- buildings (A.5.2) ----------------------------------------------------------------------------


def _building_validate(building: Building, errors: dict[str, list[str]]) -> None:
    _check_non_negative(building, errors)
    above, below = building.floors_above, building.floors_below
    if above is not None and below is not None and above + below != building.total_floors:
        _add(
            errors,
            "total_floors",
            _("总层数（%(total)s）应等于地上层数与地下层数之和（%(sum)s）。")
            % {"total": building.total_floors, "sum": above + below},
        )
    elif above is not None and above > building.total_floors:
        _add(errors, "floors_above", _("地上层数不能大于总层数。"))
    if building.total_floors == 0:
        _add(errors, "total_floors", _("总层数至少为 1。"))
    _check_part_whole(building, (("residential_area", "floor_area"),), errors)
    if building.pk and building.residential_units is not None:
        registered = building.units.count()
        if building.residential_units < registered:
            _add(
                errors,
                "residential_units",
                _("住宅套数不能少于楼盘表中已登记的住房（%(n)s 套）。") % {"n": registered},
            )
    _finish(building, errors)


@transaction.atomic
def building_create(*, project: Project, actor, **fields) -> Building:
    """新增单体工程 of a project; it belongs to the project's region."""
    _require(actor, "projects.add_building")
    _require_scope(actor, project.region_code)
    project = Project.objects.select_for_update().get(pk=project.pk)
    errors: dict[str, list[str]] = {}
    registered = project.buildings.count()
    if project.building_count is not None and registered >= project.building_count:
        _add(
            errors,
            "__all__",
            _("项目的单体个数为 %(n)s，已登记 %(m)s 个单体工程；请先修改项目的单体个数。")
            % {"n": project.building_count, "m": registered},
        )
    building = Building(project=project, region_code=project.region_code)
    _assign(building, fields)
    _building_validate(building, errors)
    _save_with_history(building, actor)
    return building


@transaction.atomic
def building_update(*, building: Building, actor, **fields) -> Building:
    _require(actor, "projects.change_building")
    _require_scope(actor, building.region_code)
    building = Building.objects.select_for_update().get(pk=building.pk)
    errors: dict[str, list[str]] = {}
    _assign(building, fields)
    _building_validate(building, errors)
    _save_with_history(building, actor)
    return building


# --- a project's records: progress logs, contracts (A.5.6, A.5.9, A.5.10) -------------------------


def _project_record_save(
    *, model: type[models.Model], project: Project, actor, instance=None, checks=(), **fields
) -> models.Model:
    """Create (``instance`` None) or update one record owned by ``project``, in the project's region."""
    name = model._meta.model_name
    _require(actor, f"projects.{'change' if instance else 'add'}_{name}")
    _require_scope(actor, project.region_code)
    if instance is None:
        record = model(project=project, region_code=project.region_code)
    else:
        if instance.project_id != project.pk:
            raise PermissionDenied(_("该记录不属于此项目。"))
        record = model.objects.select_for_update().get(pk=instance.pk)
    _assign(record, fields)
    errors: dict[str, list[str]] = {}
    _check_non_negative(record, errors)
    building = getattr(record, "building", None)
    if building is not None and building.project_id != project.pk:
        _add(errors, "building", _("所选单体工程不属于该项目。"))
    for check in checks:
        check(record, errors)
    _finish(record, errors)
    record.save()
    return record


def _check_contract_parties(contract: ConstructionContract, errors: dict[str, list[str]]) -> None:
    for side in ("party_a", "party_b"):
        company = getattr(contract, side)
        if company is not None and not contract.project.companies.filter(pk=company.pk).exists():
            _add(errors, side, _("合同当事单位须是该项目的参与单位。"))
    if contract.party_a_id and contract.party_a_id == contract.party_b_id:
        _add(errors, "party_b", _("合同甲方与乙方不能是同一单位。"))
    _check_dates(
        contract,
        (("agreed_start_date", "agreed_completion_date"), ("valid_from", "valid_to")),
        errors,
    )


def _check_relocation_dates(contract: RelocationContract, errors: dict[str, list[str]]) -> None:
    _check_dates(contract, (("signed_on", "effective_on"),), errors)


def progress_log_create(*, project: Project, actor, **fields) -> ProgressLog:
    """登记项目进度日志 (A.5.6)."""
    with transaction.atomic():
        return _project_record_save(model=ProgressLog, project=project, actor=actor, **fields)


def progress_log_update(*, log: ProgressLog, actor, **fields) -> ProgressLog:
    with transaction.atomic():
        return _project_record_save(
            model=ProgressLog, project=log.project, actor=actor, instance=log, **fields
        )


def construction_contract_create(*, project: Project, actor, **fields) -> ConstructionContract:
    """施工合同备案 (A.5.9); both parties must take part in the project (A.5.4)."""
    with transaction.atomic():
        return _project_record_save(
            model=ConstructionContract,
            project=project,
            actor=actor,
            checks=(_check_contract_parties,),
            **fields,
        )


def construction_contract_update(*, contract: ConstructionContract, actor, **fields) -> ConstructionContract:
    with transaction.atomic():
        return _project_record_save(
            model=ConstructionContract,
            project=contract.project,
            actor=actor,
            instance=contract,
            checks=(_check_contract_parties,),
            **fields,
        )


def relocation_contract_create(*, project: Project, actor, **fields) -> RelocationContract:
    """拆迁安置合同备案 (A.5.10)."""
    with transaction.atomic():
        return _project_record_save(
            model=RelocationContract,
            project=project,
            actor=actor,
            checks=(_check_relocation_dates,),
            **fields,
        )


def relocation_contract_update(*, contract: RelocationContract, actor, **fields) -> RelocationContract:
    with transaction.atomic():
        return _project_record_save(
            model=RelocationContract,
            project=contract.project,
            actor=actor,
            instance=contract,
            checks=(_check_relocation_dates,),
            **fields,
        )


# --- participating companies and people (A.5.4, A.5.5) --------------------------------------------


def _company_validate(company: ParticipatingCompany, errors: dict[str, list[str]]) -> None:
    _check_non_negative(company, errors)
    _check_dates(
        company,
        (("qualification_from", "qualification_to"), ("licence_from", "licence_to")),
        errors,
    )
    _finish(company, errors, exclude=("projects",))


@transaction.atomic
def project_company_add(
    *, project: Project, actor, role: str, company: ParticipatingCompany | None = None, **company_fields
) -> ProjectParticipation:
    """参与单位: an existing company of the actor's scope, or a new one, takes part as ``role``."""
    _require(actor, "projects.add_participatingcompany")
    _require_scope(actor, project.region_code)
    errors: dict[str, list[str]] = {}
    if company is None:
        company = ParticipatingCompany(region_code=project.region_code, role=role)
        _assign(company, company_fields)
        if not company.number:
            _add(errors, "number", _("新增单位时请填写单位编号，或选择已有单位。"))
        if not company.name:
            _add(errors, "name", _("新增单位时请填写单位名称，或选择已有单位。"))
        _company_validate(company, errors)
        company.save()
    elif not code_in_scope(actor, company.region_code):
        raise PermissionDenied(_("该单位不在您的数据范围内。"))
    if ProjectParticipation.objects.filter(project=project, company=company, role=role).exists():
        raise ValidationError({"role": _("该单位已以此分类参与本项目。")})
    participation = ProjectParticipation(project=project, company=company, role=role)
    participation.full_clean()
    participation.save()
    return participation


@transaction.atomic
def participating_company_update(*, company: ParticipatingCompany, actor, **fields) -> ParticipatingCompany:
    _require(actor, "projects.change_participatingcompany")
    _require_scope(actor, company.region_code)
    company = ParticipatingCompany.objects.select_for_update().get(pk=company.pk)
    errors: dict[str, list[str]] = {}
    _assign(company, fields)
    _company_validate(company, errors)
    company.save()
    return company


def _person_validate(person: ParticipatingPerson, project: Project, errors: dict[str, list[str]]) -> None:
    if person.company_id and not project.companies.filter(pk=person.company_id).exists():
        _add(errors, "company", _("人员所在单位须是该项目的参与单位。"))
    _check_dates(person, (("qualification_from", "qualification_to"),), errors)
    _finish(person, errors, exclude=("projects",))


@transaction.atomic
def project_person_add(*, project: Project, actor, **fields) -> ParticipatingPerson:
    """参与人员 of one of the project's companies; the person's region follows the company."""
    _require(actor, "projects.add_participatingperson")
    _require_scope(actor, project.region_code)
    person = ParticipatingPerson()
    _assign(person, fields)
    person.region_code = person.company.region_code if person.company_id else project.region_code
    errors: dict[str, list[str]] = {}
    _person_validate(person, project, errors)
    person.save()
    person.projects.add(project)
    return person


@transaction.atomic
def participating_person_update(
    *, person: ParticipatingPerson, project: Project, actor, **fields
) -> ParticipatingPerson:
    _require(actor, "projects.change_participatingperson")
    _require_scope(actor, person.region_code)
    person = ParticipatingPerson.objects.select_for_update().get(pk=person.pk)
    _assign(person, fields)
    if person.company_id:
        person.region_code = person.company.region_code
    errors: dict[str, list[str]] = {}
    _person_validate(person, project, errors)
    person.save()
    return person
