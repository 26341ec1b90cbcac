"""Writes of 规划计划: plans and indicators, the annual plan lifecycle, the project reserve,
subsidy standards, 以奖代补 factors, allocations, the annual-plan workflow and its exports."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

import django_fsm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from housing.accounts.scope import code_in_scope
from housing.audit.services import AuditAction, audit_record
from housing.documents.excel import excel_safe
from housing.regions.codes import Level, level_of

from .models import (
    PROCESS_CODE,
    AnnualPlan,
    AnnualPlanState,
    HousingPlan,
    PlanHouseholdTarget,
    PlanMacroIndicator,
)

ISSUE_DOCUMENT_CODE = "annual_plan_issue"

# --- generic create/update for the plain reference tables --------------------------------------


def _check_region(*, user, region_code: str) -> None:
    """A user writes rows only inside their own scope (DESIGN §4 rule 2)."""
    if not code_in_scope(user, region_code):
        raise ValidationError({"region_code": _("只能在本人管辖的行政区划内登记。")})


def _changes(instance: models.Model, data: dict[str, Any]) -> dict[str, list[str]]:
    changes = {}
    for field, value in data.items():
        before = getattr(instance, field)
        if before != value:
            changes[field] = [str(before)[:200], str(value)[:200]]
            setattr(instance, field, value)
    return changes


@transaction.atomic
def scoped_record_save(*, instance: models.Model, data: dict[str, Any], actor) -> models.Model:
    """Create or update a region-owned reference row (规划, 补助标准, 以奖代补因素值, 资金分配).

    The row's region must be in the actor's scope before and after the change, so an edit can
    never move a row out of the editor's own reach.
    """
    is_new = instance.pk is None
    if not is_new:
        _check_region(user=actor, region_code=instance.region_code)
    changes = _changes(instance, data)
    _check_region(user=actor, region_code=instance.region_code)
    instance.full_clean()
    instance.save()
    audit_record(
        action=AuditAction.CREATE if is_new else AuditAction.UPDATE,
        obj=instance,
        actor=actor,
        changes={} if is_new else changes,
    )
    return instance


# --- plans and indicators --------------------------------------------------------------------------


def housing_plan_save(*, plan: HousingPlan, data: dict[str, Any], actor) -> HousingPlan:
    """规划制定: a plan of any composition (总体 / 专项 / 子规划).

    The parent may be a plan of a region above the actor's (a district's 子规划 under the city's
    总体规划); ``HousingPlan.clean`` checks that the plan lies inside its parent's region and period.
    """
    return scoped_record_save(instance=plan, data=data, actor=actor)


@transaction.atomic
def household_target_save(
    *, plan: HousingPlan, target: PlanHouseholdTarget | None, data: dict[str, Any], actor
) -> PlanHouseholdTarget:
    """A.9.2: one (保障项目, 保障方式, 收入层次) row of a plan; the combination is unique per plan."""
    _check_region(user=actor, region_code=plan.region_code)
    target = target or PlanHouseholdTarget(plan=plan)
    is_new = target.pk is None
    changes = _changes(target, data)
    duplicate = (
        PlanHouseholdTarget.objects.filter(
            plan=plan,
            guarantee_project=target.guarantee_project,
            guarantee_mode=target.guarantee_mode,
            income_level=target.income_level,
        )
        .exclude(pk=target.pk)
        .exists()
    )
    if duplicate:
        raise ValidationError(_("本规划已有相同保障项目、保障方式和收入层次的指标，请直接修改该行。"))
    target.full_clean()
    target.save()
    audit_record(
        action=AuditAction.CREATE if is_new else AuditAction.UPDATE, obj=target, actor=actor, changes=changes
    )
    return target


@transaction.atomic
def household_target_delete(*, target: PlanHouseholdTarget, actor) -> None:
    _check_region(user=actor, region_code=target.plan.region_code)
    audit_record(action=AuditAction.DELETE, obj=target, actor=actor, description=str(target))
    target.delete()


@transaction.atomic
def macro_indicator_save(*, plan: HousingPlan, data: dict[str, Any], actor) -> PlanMacroIndicator:
    """A.9.3: the plan's one set of macro indicators (created on first save)."""
    _check_region(user=actor, region_code=plan.region_code)
    indicator, created = PlanMacroIndicator.objects.select_for_update().get_or_create(plan=plan)
    changes = _changes(indicator, data)
    indicator.full_clean()
    indicator.save()
    audit_record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=indicator,
        actor=actor,
        changes=changes,
    )
    return indicator


# --- annual plans -------------------------------------------------------------------------------


def annual_plan_number(*, region_code: str, year: int) -> str:
    """计划编号: stable and readable, e.g. ``NDJH-2027-440402`` (one plan per district and year)."""
    return f"NDJH-{year}-{region_code[:6]}"


@transaction.atomic
def annual_plan_create(*, region_code: str, year: int, data: dict[str, Any], actor) -> AnnualPlan:
    """A district drafts its annual plan (编制中)."""
    _check_region(user=actor, region_code=region_code)
    if level_of(region_code) != Level.DISTRICT:
        raise ValidationError({"region_code": _("年度计划由区县编制，请选择区县。")})
    if AnnualPlan.objects.filter(region_code=region_code, year=year).exists():
        raise ValidationError({"year": _("本区县该年度的年度计划已存在。")})
    plan = AnnualPlan(
        region_code=region_code,
        year=year,
        number=annual_plan_number(region_code=region_code, year=year),
        created_by=actor,
    )
    for field, value in data.items():
        setattr(plan, field, value)
    # FSM-protected: the state is set only by transitions, so clean_fields must not re-assign it.
    plan.full_clean(exclude=["state"])
    plan.save()
    audit_record(action=AuditAction.CREATE, obj=plan, actor=actor)
    return plan


@transaction.atomic
def annual_plan_update(*, annual_plan: AnnualPlan, data: dict[str, Any], actor) -> AnnualPlan:
    """Edit the figures of a plan being drafted (or returned for revision)."""
    annual_plan = AnnualPlan.objects.select_for_update().get(pk=annual_plan.pk)
    _check_region(user=actor, region_code=annual_plan.region_code)
    if not annual_plan.is_editable:
        raise ValidationError(_("年度计划已上报，不能修改；如需修改请由市级退回。"))
    changes = _changes(annual_plan, data)
    annual_plan.full_clean(exclude=["state"])
    annual_plan.save()
    audit_record(action=AuditAction.UPDATE, obj=annual_plan, actor=actor, changes=changes)
    return annual_plan


# Which timestamp each transition stamps; the workflow node records the full history.
_TRANSITION_STAMPS = {"submit": "submitted_at", "approve": "approved_at", "issue": "issued_at"}
OPINION_REQUIRED = {"return_for_revision"}


@transaction.atomic
def annual_plan_transition(*, annual_plan: AnnualPlan, name: str, actor, opinion: str = "") -> AnnualPlan:
    """上报 / 审批通过 / 下达 / 退回修改: check the state and the actor's permission, then record it.

    The row is locked first so two reviewers clicking at once cannot both move it.
    """
    if name not in _TRANSITION_STAMPS and name not in OPINION_REQUIRED:
        raise ValidationError(_("未知的操作。"))
    annual_plan = AnnualPlan.objects.select_for_update().get(pk=annual_plan.pk)
    _check_region(user=actor, region_code=annual_plan.region_code)
    method = getattr(annual_plan, name)
    if not django_fsm.can_proceed(method):
        raise ValidationError(
            _("年度计划当前状态为“%(state)s”，不能执行此操作。") % {"state": annual_plan.get_state_display()}
        )
    if not django_fsm.has_transition_perm(method, actor):
        raise PermissionDenied(_("您没有办理此操作的权限。"))
    opinion = (opinion or "").strip()
    if name in OPINION_REQUIRED and not opinion:
        raise ValidationError({"opinion": _("退回时必须填写退回意见。")})
    method(actor=actor, opinion=opinion)
    stamp = _TRANSITION_STAMPS.get(name)
    if stamp:
        setattr(annual_plan, stamp, timezone.now())
    annual_plan.last_opinion = opinion
    annual_plan.save()
    return annual_plan


# --- annual project reserve (A.9.4) -------------------------------------------------------------


def _reserve_figures(project) -> dict[str, Any]:
    """Figures copied from the project library when a project enters the reserve (editable after)."""
    from .reserve import project_reserve_defaults

    return project_reserve_defaults(project)


@transaction.atomic
def reserve_add_projects(*, annual_plan: AnnualPlan, projects: Iterable, actor) -> int:
    """年度建设项目储备库: add the chosen projects to a draft plan's reserve; already chosen ones are skipped.

    ``projects`` must come from ``reserve_candidates`` (scoped to the actor and the plan's district).
    """
    from .models import AnnualProjectReserve

    annual_plan = AnnualPlan.objects.select_for_update().get(pk=annual_plan.pk)
    _check_region(user=actor, region_code=annual_plan.region_code)
    if not annual_plan.is_editable:
        raise ValidationError(_("年度计划已上报，不能调整项目储备。"))
    chosen = set(annual_plan.reserve_items.values_list("project_id", flat=True))
    added = 0
    for project in projects:
        if project.pk in chosen:
            continue
        if not project.region_code.startswith(annual_plan.region_code[:6]):
            raise ValidationError(_("只能选入本区县的建设项目。"))
        item = AnnualProjectReserve(
            annual_plan=annual_plan,
            plan=annual_plan.plan,
            project=project,
            region_code=project.region_code,
            **_reserve_figures(project),
        )
        item.full_clean()
        item.save()
        audit_record(action=AuditAction.CREATE, obj=item, actor=actor)
        added += 1
    return added


@transaction.atomic
def reserve_item_update(*, item, data: dict[str, Any], actor):
    """Adjust the yearly figures of one reserved project while the plan is a draft."""
    _check_region(user=actor, region_code=item.region_code)
    if not item.annual_plan.is_editable:
        raise ValidationError(_("年度计划已上报，不能调整项目储备。"))
    changes = _changes(item, data)
    item.full_clean()
    item.save()
    audit_record(action=AuditAction.UPDATE, obj=item, actor=actor, changes=changes)
    return item


@transaction.atomic
def reserve_item_remove(*, item, actor) -> None:
    _check_region(user=actor, region_code=item.region_code)
    if not item.annual_plan.is_editable:
        raise ValidationError(_("年度计划已上报，不能调整项目储备。"))
    audit_record(action=AuditAction.DELETE, obj=item, actor=actor, description=str(item))
    item.delete()


# --- exports for the province -------------------------------------------------------------------


def _write_sheet(workbook: Workbook, *, title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> None:
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=excel_safe(str(header)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([excel_safe(value) for value in row])


def _require_issued(annual_plan: AnnualPlan) -> None:
    if annual_plan.state != AnnualPlanState.ISSUED:
        raise ValidationError(_("只有已下达的年度计划才能导出上报省级。"))


def annual_plan_export_xlsx(*, annual_plan: AnnualPlan, actor):
    """The issued plan for the province: sheet 年度计划 (the targets) and sheet 年度计划建设项目储备 (A.9.4).

    Streamed through openpyxl's write-only mode with the platform's formula escaping.
    """
    from .selectors import annual_plan_figures, reserve_export_rows

    _require_issued(annual_plan)
    buffer = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    workbook = Workbook(write_only=True)
    figures = annual_plan_figures(annual_plan)
    _write_sheet(
        workbook,
        title=_("年度计划"),
        headers=[label for label, _value in figures],
        rows=[[value for _label, value in figures]],
    )
    headers, rows = reserve_export_rows(annual_plan)
    _write_sheet(workbook, title=_("年度计划建设项目储备"), headers=headers, rows=rows)
    workbook.save(buffer)
    buffer.seek(0)
    audit_record(
        action=AuditAction.EXPORT,
        obj=annual_plan,
        actor=actor,
        description=_("导出年度计划（Excel）报省级"),
    )
    return buffer


ISSUE_DOCUMENT_BODY = """<h2 style="text-align:center">{{ region_name }}{{ year }}年度住房保障计划</h2>
<p>计划编号：{{ number }}　　所属规划：{{ plan_name|default:"—" }}　　状态：{{ state }}</p>
<table>
  <tr><th>指标</th><th>计划数</th></tr>
  {% for label, value in figures %}<tr><td>{{ label }}</td><td>{{ value }}</td></tr>{% endfor %}
</table>
{% if projects %}<h3>年度计划建设项目储备</h3>
<table>
  <tr><th>项目编号</th><th>建设项目名称</th><th>新开工住宅套数</th><th>竣工住宅套数</th><th>完成投资（万元）</th></tr>
  {% for p in projects %}<tr><td>{{ p.number }}</td><td>{{ p.name }}</td><td>{{ p.new_start_units }}</td><td>{{ p.completed_units }}</td><td>{{ p.investment }}</td></tr>{% endfor %}
</table>{% endif %}
<p>{{ opinion }}</p>
<p style="text-align:right">{{ issuer }}<br>{{ issued_on }}</p>"""


def annual_plan_document_template_ensure(*, region_code: str) -> None:
    """The active 「年度住房保障计划下达通知」 document template; created on first use (reference data)."""
    from housing.documents.models import DocumentTemplate, TemplateState
    from housing.documents.services import document_template_create

    if DocumentTemplate.objects.filter(code=ISSUE_DOCUMENT_CODE, state=TemplateState.ACTIVE).exists():
        return
    if DocumentTemplate.objects.filter(code=ISSUE_DOCUMENT_CODE).exists():
        # An administrator keeps (retired or draft) versions: leave the choice of version to them.
        return
    template = document_template_create(
        code=ISSUE_DOCUMENT_CODE,
        name="年度住房保障计划下达通知",
        body=ISSUE_DOCUMENT_BODY,
        region_code=region_code,
        sample_context={"region_name": "香洲区", "year": 2027, "number": "NDJH-2027-440402", "figures": []},
        actor=None,
    )
    # Reference data, not a user's decision: no workflow record, so the FSM method is called directly.
    template.activate()
    template.save()


@transaction.atomic
def annual_plan_issue_pdf(*, annual_plan: AnnualPlan, actor) -> tuple[Any, bytes]:
    """The issued plan as a numbered, verifiable PDF (文书) for the province."""
    from housing.documents.services import document_issue
    from housing.regions.codes import parent_code
    from housing.regions.models import Region

    from .selectors import annual_plan_figures

    _require_issued(annual_plan)
    city_code = parent_code(annual_plan.region_code) or annual_plan.region_code
    annual_plan_document_template_ensure(region_code=city_code)
    names = dict(
        Region.objects.filter(code__in=[annual_plan.region_code, city_code]).values_list("code", "name")
    )
    projects = [
        {
            "number": item.project_number,
            "name": item.project_name,
            "new_start_units": item.new_start_units,
            "completed_units": item.completed_units,
            "investment": item.investment,
        }
        for item in annual_plan.reserve_items.order_by("project_number")
    ]
    context = {
        "region_name": names.get(annual_plan.region_code, annual_plan.region_code),
        "year": annual_plan.year,
        "number": annual_plan.number,
        "plan_name": annual_plan.plan.name if annual_plan.plan_id else "",
        "state": annual_plan.get_state_display(),
        "figures": [(label, value) for label, value in annual_plan_figures(annual_plan)[4:]],
        "projects": projects,
        "opinion": annual_plan.last_opinion,
        "issuer": _("%(city)s住房保障主管部门") % {"city": names.get(city_code, "")},
        "issued_on": f"{timezone.localtime(annual_plan.issued_at or timezone.now()):%Y年%m月%d日}",
    }
    return document_issue(
        template_code=ISSUE_DOCUMENT_CODE,
        context=context,
        title=_("%(year)s年度住房保障计划（%(number)s）")
        % {"year": annual_plan.year, "number": annual_plan.number},
        region_code=annual_plan.region_code,
        actor=actor,
        owner=annual_plan,
    )


# --- the workflow process (reference data) ------------------------------------------------------

# (code, name, kind, handler role, time limit in working days)
ANNUAL_PLAN_NODES = (
    ("draft", "区县编制上报", "start", "district_reviewer", None),
    ("city_review", "市级审批", "task", "city_centre", 10),
    ("issue", "市级下达", "task", "city_centre", 5),
    ("issued", "已下达", "end", "", None),
)
# (from, to, name, priority): forward links win; 退回 is taken only by name.
ANNUAL_PLAN_LINKS = (
    ("draft", "city_review", "上报", 1),
    ("city_review", "issue", "审批通过", 1),
    ("city_review", "draft", "退回修改", 0),
    ("issue", "issued", "下达", 1),
    ("issue", "draft", "退回修改", 0),
)


def annual_plan_process_sync(**kwargs) -> None:
    """The 「年度计划申报下达」 process template with its nodes and roles; idempotent (post_migrate)."""
    from housing.workflow.models import NodeLink, NodeParticipant, NodeTemplate, ProcessTemplate

    if ProcessTemplate.objects.filter(code=PROCESS_CODE, is_active=True).exists():
        return
    with transaction.atomic():
        version = (
            ProcessTemplate.objects.filter(code=PROCESS_CODE).aggregate(v=models.Max("version"))["v"] or 0
        ) + 1
        process = ProcessTemplate.objects.create(
            code=PROCESS_CODE,
            name="年度计划申报下达",
            description="区县编制并上报年度计划，市级审批、下达，或退回修改（CJJ/T 196 §12.2.2）。",
            category="规划计划",
            version=version,
            is_active=True,
        )
        nodes = {}
        for order, (code, name, kind, role, limit) in enumerate(ANNUAL_PLAN_NODES):
            node = NodeTemplate.objects.create(
                process=process, code=code, name=name, kind=kind, order=order, time_limit_days=limit
            )
            if role:
                NodeParticipant.objects.create(node=node, role_code=role)
            nodes[code] = node
        for source, target, name, priority in ANNUAL_PLAN_LINKS:
            NodeLink.objects.create(
                process=process, from_node=nodes[source], to_node=nodes[target], name=name, priority=priority
            )
