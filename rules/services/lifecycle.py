"""Writes of rule sets: projects and modes, drafts and their contents, validation, activation, retirement."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import django_fsm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.audit.services import AuditAction, audit_record
from housing.regions.codes import scope_prefix

from ..engine import rules_cache_bump
from ..factors import factors_all
from ..formulas import formula_check, to_formula_value
from ..models import (
    PROCESS_CODE,
    ConditionGroup,
    GuaranteeMode,
    GuaranteeProject,
    OrderingCriterion,
    OrderingKind,
    QualitativeCondition,
    QuantitativeCondition,
    RuleSet,
    RuleSetState,
    Standard,
)

#: The rows a version contains, in the order they must be copied (groups before conditions).
ITEM_MODELS = (ConditionGroup, QuantitativeCondition, QualitativeCondition, Standard, OrderingCriterion)


# --- reference data -------------------------------------------------------------------------------


def ruleset_process_sync() -> None:
    """The workflow process recording rule-set transitions (草稿 → 已启用 → 已停止); idempotent."""
    from housing.workflow.models import NodeKind, NodeLink, NodeTemplate, ProcessTemplate

    if ProcessTemplate.objects.filter(code=PROCESS_CODE, is_active=True).exists():
        return
    process = ProcessTemplate.objects.create(
        code=PROCESS_CODE,
        name=_("保障规则模版发布"),
        category=_("保障规则"),
        version=(
            ProcessTemplate.objects.filter(code=PROCESS_CODE).aggregate(v=models.Max("version"))["v"] or 0
        )
        + 1,
        is_active=True,
    )
    draft, active, retired = (
        NodeTemplate.objects.create(process=process, code=code, name=name, kind=kind, order=order)
        for order, (code, name, kind) in enumerate(
            (
                (RuleSetState.DRAFT, _("编辑草稿"), NodeKind.START),
                (RuleSetState.ACTIVE, _("已启用"), NodeKind.TASK),
                (RuleSetState.RETIRED, _("已停止"), NodeKind.END),
            )
        )
    )
    NodeLink.objects.create(process=process, from_node=draft, to_node=active, name=_("启用"))
    NodeLink.objects.create(process=process, from_node=active, to_node=retired, name=_("停止"))


@transaction.atomic
def guarantee_project_create(
    *,
    code: str,
    name: str,
    region_code: str,
    actor,
    income_class: str = "any",
    special_group: str = "none",
    enabled_on: datetime.date | None = None,
) -> GuaranteeProject:
    """保障项目定制 (§4.2.2-1)."""
    project = GuaranteeProject(
        code=code,
        name=name,
        region_code=region_code,
        income_class=income_class,
        special_group=special_group,
        enabled_on=enabled_on,
    )
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def guarantee_mode_create(
    *, project: GuaranteeProject, code: str, kind: str, actor, name: str = ""
) -> GuaranteeMode:
    """保障方式组合定制 (§4.2.2-2)."""
    mode = GuaranteeMode(project=project, code=code, kind=kind, name=name)
    mode.full_clean()
    mode.save()
    return mode


# --- drafts ---------------------------------------------------------------------------------------


def _next_version(project: GuaranteeProject, region_code: str) -> int:
    latest = RuleSet.objects.filter(project=project, region_code=region_code).aggregate(
        v=models.Max("version")
    )
    return (latest["v"] or 0) + 1


def _require_draft(ruleset: RuleSet) -> None:
    if ruleset.state != RuleSetState.DRAFT:
        raise ValidationError(_("已启用或已停止的规则模版不能修改，请使用“复制为新草稿”后修改草稿。"))


@transaction.atomic
def ruleset_create(
    *,
    project: GuaranteeProject,
    region_code: str,
    name: str,
    actor,
    policy_title: str = "",
    policy_number: str = "",
    notes: str = "",
    effective_from: datetime.date | None = None,
) -> RuleSet:
    """A new, empty draft version (the next version number for this project and region)."""
    # Lock the project row so two drafts created at once cannot take the same version number.
    GuaranteeProject.objects.select_for_update().get(pk=project.pk)
    ruleset = RuleSet(
        project=project,
        region_code=region_code,
        version=_next_version(project, region_code),
        name=name,
        policy_title=policy_title,
        policy_number=policy_number,
        notes=notes,
        effective_from=effective_from,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    ruleset.full_clean(exclude=["state"])
    ruleset.save()
    return ruleset


EDITABLE_FIELDS = ("name", "policy_title", "policy_number", "notes", "effective_from", "effective_to")


@transaction.atomic
def ruleset_update(*, ruleset: RuleSet, actor, **fields: Any) -> RuleSet:
    """Change a draft's own fields (``EDITABLE_FIELDS``); an active or retired version is refused."""
    ruleset = RuleSet.objects.select_for_update().get(pk=ruleset.pk)
    _require_draft(ruleset)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(ruleset, name, value)
    ruleset.full_clean(exclude=["state"])
    ruleset.save()
    return ruleset


@transaction.atomic
def ruleset_item_save(*, item: models.Model, actor) -> models.Model:
    """Create or change one row of a draft (group, condition, standard, ordering criterion).

    The back office binds a ModelForm, calls ``form.save(commit=False)`` and passes the instance
    here. A standard's formula is checked at once (unknown names, types, division by zero), so a
    broken formula is reported next to the field, not discovered at activation.
    """
    if not isinstance(item, ITEM_MODELS):
        raise TypeError(f"not a rule-set item: {type(item).__name__}")
    ruleset = RuleSet.objects.select_for_update().get(pk=item.rule_set_id)
    _require_draft(ruleset)
    item.full_clean()
    if isinstance(item, Standard | OrderingCriterion):
        errors = _item_formula_errors(ruleset, item)
        if errors:
            field = "formula" if isinstance(item, Standard) else "expression"
            raise ValidationError({field: errors})
    item.save()
    return item


@transaction.atomic
def ruleset_item_delete(*, item: models.Model, actor) -> None:
    """Remove one row of a draft (a group takes its sub-groups and conditions with it)."""
    if not isinstance(item, ITEM_MODELS):
        raise TypeError(f"not a rule-set item: {type(item).__name__}")
    ruleset = RuleSet.objects.select_for_update().get(pk=item.rule_set_id)
    _require_draft(ruleset)
    audit_record(action=AuditAction.DELETE, obj=item, actor=actor, description=str(item))
    item.delete()


# --- validation -----------------------------------------------------------------------------------


def _factor_samples() -> dict[str, list[Any]]:
    return {
        code: [to_formula_value(v) for v in factor.sample_values()] for code, factor in factors_all().items()
    }


def _standards_problems(standards: list[Standard]) -> dict[int, list[str]]:
    """Check one mode's standards in evaluation order; errors by standard pk (or id())."""
    samples = _factor_samples()
    problems: dict[int, list[str]] = {}
    for standard in standards:
        key = standard.pk or id(standard)
        if not standard.formula:
            if standard.value is not None:
                samples[standard.code] = [standard.value]
            continue
        errors, result = formula_check(standard.formula, samples=samples, expect="value")
        if standard.formula_if_unknown.strip():
            fallback_errors, fallback_result = formula_check(
                standard.formula_if_unknown, samples=samples, expect="value"
            )
            errors += [_("缺项时公式：%(e)s") % {"e": e} for e in fallback_errors]
            result = result if result is not None else fallback_result
        if errors:
            problems[key] = errors
        samples[standard.code] = [result if result is not None else Decimal("1")]
    return problems


def _ordering_problems(criterion: OrderingCriterion) -> list[str]:
    samples = _factor_samples()
    errors: list[str] = []
    if criterion.kind == OrderingKind.PRIORITY_GROUP:
        for group in criterion.priority_groups or []:
            found, _value = formula_check(str(group.get("expression", "")), samples=samples, expect="boolean")
            errors += [f"{group.get('label', '')}：{e}" for e in found]
    else:
        for line in criterion.expression.splitlines():
            if line.strip():
                found, _value = formula_check(line, samples=samples, expect="any")
                errors += found
    return errors


def _item_formula_errors(ruleset: RuleSet, item: models.Model) -> list[str]:
    if isinstance(item, OrderingCriterion):
        return _ordering_problems(item)
    # The standard is checked in its place among the mode's other standards.
    siblings = [
        s
        for s in Standard.objects.filter(rule_set=ruleset, mode_id=item.mode_id, is_enabled=True).order_by(
            "order", "code", "pk"
        )
        if s.pk != item.pk
    ]
    siblings.append(item)
    siblings.sort(key=lambda s: (s.order, s.code, s.pk or 0))
    return _standards_problems(siblings).get(item.pk or id(item), [])


def ruleset_validate(*, ruleset: RuleSet) -> list[str]:
    """Every problem that keeps a version from being activated, as Chinese sentences."""
    problems: list[str] = []
    for item_model in ITEM_MODELS:
        for item in item_model.objects.filter(rule_set=ruleset):
            try:
                item.clean()
            except ValidationError as exc:
                if any("不能修改" in m for m in exc.messages):
                    continue  # the frozen-version guard is not a problem of the content
                problems += [f"{item}：{m}" for m in exc.messages]
    for mode in ruleset.project.modes.all():
        standards = list(
            Standard.objects.filter(rule_set=ruleset, mode=mode, is_enabled=True).order_by(
                "order", "code", "pk"
            )
        )
        by_pk = {s.pk: s for s in standards}
        for pk, errors in _standards_problems(standards).items():
            problems += [
                _("%(mode)s · 标准“%(name)s”：%(e)s") % {"mode": mode, "name": by_pk[pk].name, "e": e}
                for e in errors
            ]
    for criterion in OrderingCriterion.objects.filter(rule_set=ruleset):
        problems += [
            _("轮候排队规则“%(label)s”：%(e)s") % {"label": criterion.label, "e": e}
            for e in _ordering_problems(criterion)
        ]
    return problems


# --- copy, activate, retire -----------------------------------------------------------------------


@transaction.atomic
def ruleset_copy_to_draft(*, ruleset: RuleSet, actor, region_code: str | None = None) -> RuleSet:
    """“修改”: a new draft version with the same content, to edit instead of the original.

    ``region_code`` (a region inside the project's) makes a district's own version from the city's.
    """
    source = RuleSet.objects.select_related("project").get(pk=ruleset.pk)
    region = region_code or source.region_code
    if not region.startswith(scope_prefix(source.region_code)):
        # A version applies to its region and the regions inside it; a copy can only narrow that.
        raise ValidationError(
            {
                "region_code": _("只能复制到本版本所在区划或其下级区划（%(code)s）。")
                % {"code": source.region_code}
            }
        )
    draft = ruleset_create(
        project=source.project,
        region_code=region,
        name=source.name,
        actor=actor,
        policy_title=source.policy_title,
        policy_number=source.policy_number,
        notes=source.notes,
    )
    draft.copied_from = source
    draft.save(update_fields=["copied_from"])
    _copy_items(source=source, target=draft)
    return draft


def _copy_items(*, source: RuleSet, target: RuleSet) -> None:
    group_map: dict[int, ConditionGroup] = {}
    pending = list(ConditionGroup.objects.filter(rule_set=source).order_by("pk"))
    # Parents first, whatever the primary keys say.
    while pending:
        progressed = False
        for group in list(pending):
            if group.parent_id is None or group.parent_id in group_map:
                old_pk = group.pk
                group.pk = None
                group.rule_set = target
                group.parent = group_map.get(group.parent_id)
                group.save()
                group_map[old_pk] = group
                pending.remove(group)
                progressed = True
        if not progressed:
            raise ValidationError(_("条件组合存在循环引用，无法复制。"))
    for model in (QuantitativeCondition, QualitativeCondition):
        for condition in model.objects.filter(rule_set=source).order_by("pk"):
            condition.pk = None
            condition.rule_set = target
            condition.group = group_map.get(condition.group_id)
            condition.save()
    for model in (Standard, OrderingCriterion):
        for row in model.objects.filter(rule_set=source).order_by("pk"):
            row.pk = None
            row.rule_set = target
            row.save()


def _check_transition(ruleset: RuleSet, name: str, actor) -> None:
    method = getattr(ruleset, name)
    if not django_fsm.can_proceed(method):
        raise ValidationError(
            _("“%(r)s”当前状态为%(s)s，不能执行此操作。") % {"r": ruleset, "s": ruleset.get_state_display()}
        )
    # actor None is the system itself (seeding reference data); people need the permission.
    if actor is not None and not django_fsm.has_transition_perm(method, actor):
        raise PermissionDenied(_("您没有启用或停止规则模版的权限。"))


def _period_text(start: datetime.date, end: datetime.date | None) -> str:
    return f"{start.isoformat()} 至 {end.isoformat() if end else '长期'}"


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    return (a_end is None or b_start <= a_end) and (b_end is None or a_start <= b_end)


@transaction.atomic
def ruleset_activate(
    *,
    ruleset: RuleSet,
    actor,
    effective_from: datetime.date,
    policy_title: str | None = None,
    policy_number: str | None = None,
    effective_to: datetime.date | None = None,
    opinion: str = "",
) -> RuleSet:
    """启用: the draft takes effect on ``effective_from``, citing its policy document.

    Refused when a formula or condition does not validate, or when its period would overlap
    another version of the same project and region. The one exception: a version in force
    without an end date and starting earlier is closed the day before (the usual "自某日起施行"
    replacement); its rules stay untouched, so families evaluated for earlier dates keep its result.
    """
    from ..models import GuaranteeProject

    ruleset = RuleSet.objects.select_related("project").get(pk=ruleset.pk)
    # Serialise activations of one project: the overlap check below must see committed periods.
    GuaranteeProject.objects.select_for_update().get(pk=ruleset.project_id)
    ruleset = RuleSet.objects.select_for_update().select_related("project").get(pk=ruleset.pk)
    _check_transition(ruleset, "activate", actor)
    if effective_from is None:
        raise ValidationError({"effective_from": _("请填写生效日期。")})
    if effective_to is not None and effective_to < effective_from:
        raise ValidationError({"effective_to": _("失效日期不能早于生效日期。")})
    title = ruleset.policy_title if policy_title is None else policy_title
    number = ruleset.policy_number if policy_number is None else policy_number
    if not title.strip() or not number.strip():
        raise ValidationError(_("启用规则模版须注明所依据的政策文件名称和文号。"))
    problems = ruleset_validate(ruleset=ruleset)
    if problems:
        raise ValidationError(problems)

    others = list(
        RuleSet.objects.select_for_update()
        .filter(
            project=ruleset.project,
            region_code=ruleset.region_code,
            state__in=[RuleSetState.ACTIVE, RuleSetState.RETIRED],
            effective_from__isnull=False,
        )
        .exclude(pk=ruleset.pk)
    )
    to_close: list[RuleSet] = []
    for other in others:
        other_end = other.effective_to
        if other.state == RuleSetState.ACTIVE and other_end is None and other.effective_from < effective_from:
            to_close.append(other)
            other_end = effective_from - datetime.timedelta(days=1)
        if _overlaps(other.effective_from, other_end, effective_from, effective_to):
            raise ValidationError(
                _("生效期 %(new)s 与“%(other)s”的生效期 %(old)s 重叠，请调整生效日期。")
                % {
                    "new": _period_text(effective_from, effective_to),
                    "other": other,
                    "old": _period_text(other.effective_from, other.effective_to),
                }
            )
    ruleset.effective_from = effective_from
    ruleset.effective_to = effective_to
    ruleset.policy_title = title
    ruleset.policy_number = number
    ruleset.full_clean(exclude=["state"])
    ruleset.save()  # still a draft: the frozen-field guard allows these last edits
    ruleset_process_sync()
    ruleset.activate(actor=actor, opinion=opinion or _("自 %(d)s 起施行") % {"d": effective_from.isoformat()})
    ruleset.save()
    for other in to_close:
        other.effective_to = effective_from - datetime.timedelta(days=1)
        other.save(update_fields=["effective_to", "updated_at"])
        audit_record(
            action=AuditAction.UPDATE,
            obj=other,
            actor=actor,
            changes={"effective_to": [None, other.effective_to.isoformat()]},
            description=_("由第%(v)s版取代，失效日期定为 %(d)s")
            % {"v": ruleset.version, "d": other.effective_to.isoformat()},
        )
    transaction.on_commit(rules_cache_bump)
    rules_cache_bump()
    return ruleset


@transaction.atomic
def ruleset_retire(
    *, ruleset: RuleSet, actor, effective_to: datetime.date | None = None, opinion: str = ""
) -> RuleSet:
    """停止: the version no longer applies after ``effective_to`` (default: today).

    It still decides dates inside its period, so a family's earlier result stays reproducible.
    Stopping a version before it took effect leaves it an empty period.
    """
    ruleset = RuleSet.objects.select_for_update().get(pk=ruleset.pk)
    _check_transition(ruleset, "retire", actor)
    end = effective_to or timezone.localdate()
    if ruleset.effective_to is not None and ruleset.effective_to < end:
        end = ruleset.effective_to
    if end < ruleset.effective_from:
        end = ruleset.effective_from - datetime.timedelta(days=1)
    ruleset_process_sync()
    ruleset.retire(actor=actor, opinion=opinion or _("停止执行，失效日期 %(d)s") % {"d": end.isoformat()})
    ruleset.effective_to = end
    ruleset.save()
    transaction.on_commit(rules_cache_bump)
    rules_cache_bump()
    return ruleset
