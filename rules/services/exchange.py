"""保障规则交换信息 (A.1.12): a rule set as canonical JSON with its SHA-256, and back.

The city exports a version; a district (or the province node) imports it and checks the hash it
was told, so it can show it applies the city's rules unchanged. The hash is over a canonical
serialisation — keys sorted, no whitespace, UTF-8, Decimals as strings — so re-indenting the file
does not change it, while any change of content does.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.accounts.scope import code_in_scope

from ..models import (
    ConditionCategory,
    ConditionGroup,
    ExchangeDirection,
    GuaranteeMode,
    GuaranteeProject,
    OrderingCriterion,
    QualitativeCondition,
    QuantitativeCondition,
    RuleExchangeRecord,
    RuleSet,
    Standard,
)

FORMAT = "cjj196-a1.12-rule-set/1"


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _enabled(row) -> dict[str, Any]:
    return {
        "is_enabled": row.is_enabled,
        "enabled_on": row.enabled_on.isoformat() if row.enabled_on else None,
    }


def group_data(g: ConditionGroup) -> dict[str, Any]:
    return {
        "code": g.code,
        "name": g.name,
        "logic": g.logic,
        "parent": g.parent.code if g.parent_id else None,
        "order": g.order,
        **_enabled(g),
    }


def _condition_common(c) -> dict[str, Any]:
    return {
        "code": c.code,
        "name": c.name,
        "group": c.group.code if c.group_id else None,
        "category": c.category.code if c.category_id else None,
        "factor": c.factor,
        "order": c.order,
        **_enabled(c),
    }


def quantitative_data(c: QuantitativeCondition) -> dict[str, Any]:
    return {
        **_condition_common(c),
        "measure": c.measure,
        "lower": _dec(c.lower),
        "lower_operator": c.lower_operator,
        "upper": _dec(c.upper),
        "upper_operator": c.upper_operator,
        "household_size_min": c.household_size_min,
        "household_size_max": c.household_size_max,
    }


def qualitative_data(c: QualitativeCondition) -> dict[str, Any]:
    return {**_condition_common(c), "values": list(c.values)}


def standard_data(s: Standard) -> dict[str, Any]:
    return {
        "code": s.code,
        "name": s.name,
        "measure": s.measure,
        "household_size": s.household_size,
        "value": _dec(s.value),
        "formula": s.formula,
        "formula_if_unknown": s.formula_if_unknown,
        "is_result": s.is_result,
        "order": s.order,
        **_enabled(s),
    }


def criterion_data(c: OrderingCriterion) -> dict[str, Any]:
    return {
        "position": c.position,
        "kind": c.kind,
        "label": c.label,
        "expression": c.expression,
        "direction": c.direction,
        "priority_groups": c.priority_groups,
    }


def ruleset_data(ruleset: RuleSet) -> dict[str, Any]:
    """The whole version as plain data (also the basis of ``ruleset_diff``)."""
    project = ruleset.project
    modes = []
    categories: dict[str, ConditionCategory] = {}
    for mode in project.modes.order_by("code"):
        groups = ConditionGroup.objects.filter(rule_set=ruleset, mode=mode).select_related("parent")
        quantitative = QuantitativeCondition.objects.filter(rule_set=ruleset, mode=mode).select_related(
            "group", "category"
        )
        qualitative = QualitativeCondition.objects.filter(rule_set=ruleset, mode=mode).select_related(
            "group", "category"
        )
        for condition in [*quantitative, *qualitative]:
            if condition.category_id:
                node = condition.category
                while node is not None and node.code not in categories:
                    categories[node.code] = node
                    node = node.parent
        modes.append(
            {
                "code": mode.code,
                "kind": mode.kind,
                "name": mode.name,
                **_enabled(mode),
                "groups": [group_data(g) for g in groups.order_by("order", "code")],
                "quantitative": [quantitative_data(c) for c in quantitative.order_by("order", "code")],
                "qualitative": [qualitative_data(c) for c in qualitative.order_by("order", "code")],
                "standards": [
                    standard_data(s)
                    for s in Standard.objects.filter(rule_set=ruleset, mode=mode).order_by(
                        "order", "code", "household_size"
                    )
                ],
            }
        )
    return {
        "format": FORMAT,
        "project": {
            "code": project.code,
            "name": project.name,
            "region_code": project.region_code,
            "income_class": project.income_class,
            "special_group": project.special_group,
        },
        "rule_set": {
            "region_code": ruleset.region_code,
            "version": ruleset.version,
            "name": ruleset.name,
            "state": ruleset.state,
            "effective_from": ruleset.effective_from.isoformat() if ruleset.effective_from else None,
            "effective_to": ruleset.effective_to.isoformat() if ruleset.effective_to else None,
            "policy_title": ruleset.policy_title,
            "policy_number": ruleset.policy_number,
            "notes": ruleset.notes,
        },
        "categories": [
            {
                "code": c.code,
                "name": c.name,
                "parent": c.parent.code if c.parent_id else None,
                "order": c.order,
            }
            for c in sorted(categories.values(), key=lambda c: c.code)
        ],
        "modes": modes,
        "ordering": [criterion_data(c) for c in ruleset.ordering_criteria.order_by("position")],
    }


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _record(*, direction: str, ruleset: RuleSet, data: dict, digest: str, actor) -> RuleExchangeRecord:
    """The A.1.12 row: the exchanged content summarised in the standard's fields, with the hash."""
    modes = data["modes"]
    record = RuleExchangeRecord(
        direction=direction,
        region_code=ruleset.region_code,
        year=(ruleset.effective_from or timezone.localdate()).year,
        project_name=data["project"]["name"],
        income_class=data["project"]["income_class"],
        special_group=data["project"]["special_group"],
        rule_set=ruleset,
        modes=[m["kind"] for m in modes],
        condition_factors=sorted({c["factor"] for m in modes for c in m["quantitative"] + m["qualitative"]}),
        standard_factors=[s["code"] for m in modes for s in m["standards"]],
        condition_values=[
            {"mode": m["code"], "code": c["code"], "lower": c["lower"], "upper": c["upper"]}
            for m in modes
            for c in m["quantitative"]
        ]
        + [
            {"mode": m["code"], "code": c["code"], "values": c["values"]}
            for m in modes
            for c in m["qualitative"]
        ],
        standard_values=[
            {"mode": m["code"], "code": s["code"], "value": s["value"], "formula": s["formula"]}
            for m in modes
            for s in m["standards"]
        ],
        payload=data,
        sha256=digest,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def ruleset_export(*, ruleset: RuleSet, actor=None) -> tuple[str, str]:
    """The version as canonical JSON and its SHA-256; the exchange is recorded (A.1.12)."""
    ruleset = RuleSet.objects.select_related("project").get(pk=ruleset.pk)
    data = ruleset_data(ruleset)
    text = canonical_json(data)
    digest = sha256_of(text)
    _record(direction=ExchangeDirection.EXPORT, ruleset=ruleset, data=data, digest=digest, actor=actor)
    return text, digest


@transaction.atomic
def ruleset_import(*, json_text: str, expected_sha256: str, actor, region_code: str | None = None) -> RuleSet:
    """A draft made from an exported version, after checking its SHA-256.

    The project and its modes are found by code in the project's region (created when this node
    does not have them yet); ``region_code`` places the draft in a region inside the project's
    (default: the exported version's region). Activation stays a separate, deliberate step.
    """
    from .lifecycle import ruleset_create

    try:
        data = json.loads(json_text)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("导入的内容不是有效的 JSON。")) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationError(_("导入的内容不是本系统导出的规则模版（格式标识不符）。"))
    digest = sha256_of(canonical_json(data))
    if digest != (expected_sha256 or "").strip().lower():
        raise ValidationError(
            _(
                "SHA-256 校验值不符：收到的规则模版计算得 %(got)s，应为 %(want)s。内容可能在传输中被改动，已拒绝导入。"
            )
            % {"got": digest, "want": expected_sha256}
        )
    target_region = region_code or data["rule_set"]["region_code"]
    if actor is not None and not code_in_scope(actor, target_region):
        # A node may only receive rules into its own jurisdiction (DESIGN §4 rule 2).
        raise ValidationError(
            _("只能把规则模版导入到您管辖的区划（%(code)s 不在其内）。") % {"code": target_region}
        )
    project_data = data["project"]
    project, _created = GuaranteeProject.objects.get_or_create(
        code=project_data["code"],
        region_code=project_data["region_code"],
        defaults={
            "name": project_data["name"],
            "income_class": project_data["income_class"],
            "special_group": project_data["special_group"],
        },
    )
    categories: dict[str, ConditionCategory] = {}
    pending = list(data.get("categories", []))
    while pending:
        progressed = False
        for item in list(pending):
            if (
                item["parent"] is None
                or item["parent"] in categories
                or ConditionCategory.objects.filter(code=item["parent"]).exists()
            ):
                parent = (
                    categories.get(item["parent"])
                    or ConditionCategory.objects.filter(code=item["parent"]).first()
                )
                category, _c = ConditionCategory.objects.get_or_create(
                    code=item["code"],
                    defaults={"name": item["name"], "parent": parent, "order": item["order"]},
                )
                categories[item["code"]] = category
                pending.remove(item)
                progressed = True
        if not progressed:
            raise ValidationError(_("条件分类的上级关系有误，无法导入。"))
    meta = data["rule_set"]
    ruleset = ruleset_create(
        project=project,
        region_code=region_code or meta["region_code"],
        name=meta["name"],
        actor=actor,
        policy_title=meta["policy_title"],
        policy_number=meta["policy_number"],
        notes=meta["notes"],
    )
    for mode_data in data["modes"]:
        mode, _m = GuaranteeMode.objects.get_or_create(
            project=project,
            code=mode_data["code"],
            defaults={"kind": mode_data["kind"], "name": mode_data["name"]},
        )
        groups: dict[str, ConditionGroup] = {}
        pending_groups = list(mode_data["groups"])
        while pending_groups:
            progressed = False
            for item in list(pending_groups):
                if item["parent"] is None or item["parent"] in groups:
                    groups[item["code"]] = _save(
                        ConditionGroup(
                            rule_set=ruleset,
                            mode=mode,
                            code=item["code"],
                            name=item["name"],
                            logic=item["logic"],
                            parent=groups.get(item["parent"]),
                            order=item["order"],
                            **_enabled_fields(item),
                        )
                    )
                    pending_groups.remove(item)
                    progressed = True
            if not progressed:
                raise ValidationError(_("条件组合的上级关系有误，无法导入。"))
        for item in mode_data["quantitative"]:
            _save(
                QuantitativeCondition(
                    rule_set=ruleset,
                    mode=mode,
                    **_condition_fields(item, groups, categories),
                    measure=item["measure"],
                    lower=_to_dec(item["lower"]),
                    lower_operator=item["lower_operator"],
                    upper=_to_dec(item["upper"]),
                    upper_operator=item["upper_operator"],
                    household_size_min=item["household_size_min"],
                    household_size_max=item["household_size_max"],
                )
            )
        for item in mode_data["qualitative"]:
            _save(
                QualitativeCondition(
                    rule_set=ruleset,
                    mode=mode,
                    **_condition_fields(item, groups, categories),
                    values=item["values"],
                )
            )
        for item in mode_data["standards"]:
            _save(
                Standard(
                    rule_set=ruleset,
                    mode=mode,
                    code=item["code"],
                    name=item["name"],
                    measure=item["measure"],
                    household_size=item["household_size"],
                    value=_to_dec(item["value"]),
                    formula=item["formula"],
                    formula_if_unknown=item["formula_if_unknown"],
                    is_result=item["is_result"],
                    order=item["order"],
                    **_enabled_fields(item),
                )
            )
    for item in data.get("ordering", []):
        _save(OrderingCriterion(rule_set=ruleset, **item))
    _record(direction=ExchangeDirection.IMPORT, ruleset=ruleset, data=data, digest=digest, actor=actor)
    return ruleset


def _save(row):
    row.full_clean()
    row.save()
    return row


def _to_dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _enabled_fields(item: dict) -> dict[str, Any]:
    import datetime

    enabled_on = item.get("enabled_on")
    return {
        "is_enabled": item.get("is_enabled", True),
        "enabled_on": datetime.date.fromisoformat(enabled_on) if enabled_on else None,
    }


def _condition_fields(item: dict, groups: dict, categories: dict) -> dict[str, Any]:
    category = None
    if item["category"]:
        category = (
            categories.get(item["category"])
            or ConditionCategory.objects.filter(code=item["category"]).first()
        )
    return {
        "code": item["code"],
        "name": item["name"],
        "group": groups.get(item["group"]) if item["group"] else None,
        "category": category,
        "factor": item["factor"],
        "order": item["order"],
        **_enabled_fields(item),
    }
