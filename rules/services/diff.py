"""差异比较: what changed between two versions (the diff page renders this)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..models import RuleSet
from .exchange import ruleset_data

#: Labels of the fields a reader cares about, for rendering the changes.
FIELD_LABELS = {
    "name": "名称",
    "effective_from": "生效日期",
    "effective_to": "失效日期",
    "policy_title": "政策文件名称",
    "policy_number": "政策文件文号",
    "notes": "说明",
    "lower": "条件起始值",
    "lower_operator": "与起始值逻辑关系",
    "upper": "条件终止值",
    "upper_operator": "与终止值逻辑关系",
    "household_size_min": "适用人户数下限",
    "household_size_max": "适用人户数上限",
    "values": "申请条件逻辑因素值",
    "factor": "条件因素",
    "group": "组合",
    "category": "分类",
    "measure": "计量方式",
    "value": "因素值现有标准",
    "formula": "公式",
    "formula_if_unknown": "缺项时公式",
    "is_result": "列入测算结果",
    "is_enabled": "是否启用",
    "logic": "逻辑关系",
    "parent": "上级组合",
    "order": "排序",
    "kind": "排序依据",
    "label": "名称",
    "expression": "取值公式",
    "direction": "排序方向",
    "priority_groups": "优先群体",
}


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: Any
    after: Any


@dataclass(frozen=True)
class ItemChange:
    """One condition / standard / group / ordering criterion added, removed or changed."""

    kind: str  # "quantitative" | "qualitative" | "standard" | "group" | "ordering"
    mode: str  # mode code ("" for ordering)
    code: str
    name: str
    before: dict | None
    after: dict | None
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class RuleSetDiff:
    a: RuleSet
    b: RuleSet
    fields: tuple[FieldChange, ...]
    added: tuple[ItemChange, ...]
    removed: tuple[ItemChange, ...]
    changed: tuple[ItemChange, ...]
    conditions: dict[str, list[ItemChange]] = field(default_factory=dict)
    standards: dict[str, list[ItemChange]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.fields or self.added or self.removed or self.changed)


def _field_changes(before: dict, after: dict, *, skip: tuple[str, ...] = ()) -> tuple[FieldChange, ...]:
    keys = sorted(
        set(before) | set(after), key=lambda k: list(FIELD_LABELS).index(k) if k in FIELD_LABELS else 99
    )
    return tuple(
        FieldChange(field=k, label=FIELD_LABELS.get(k, k), before=before.get(k), after=after.get(k))
        for k in keys
        if k not in skip and before.get(k) != after.get(k)
    )


def _items(data: dict) -> dict[tuple, tuple[str, str, dict]]:
    items: dict[tuple, tuple[str, str, dict]] = {}
    for mode in data["modes"]:
        for kind, key in (
            ("group", "groups"),
            ("quantitative", "quantitative"),
            ("qualitative", "qualitative"),
        ):
            for row in mode[key]:
                items[(kind, mode["code"], row["code"])] = (row["code"], row["name"], row)
        for row in mode["standards"]:
            suffix = f"@{row['household_size']}人" if row["household_size"] is not None else ""
            items[("standard", mode["code"], row["code"] + suffix)] = (row["code"] + suffix, row["name"], row)
    for row in data["ordering"]:
        items[("ordering", "", str(row["position"]))] = (str(row["position"]), row["label"], row)
    return items


def ruleset_diff(a: RuleSet, b: RuleSet) -> RuleSetDiff:
    """Changes from version ``a`` to version ``b`` (usually an older and a newer one)."""
    data_a, data_b = ruleset_data(a), ruleset_data(b)
    fields = _field_changes(data_a["rule_set"], data_b["rule_set"], skip=("version", "state", "region_code"))
    items_a, items_b = _items(data_a), _items(data_b)
    added, removed, changed = [], [], []
    for key in sorted(set(items_a) | set(items_b)):
        kind, mode, _code = key
        if key not in items_a:
            code, name, row = items_b[key]
            added.append(ItemChange(kind=kind, mode=mode, code=code, name=name, before=None, after=row))
        elif key not in items_b:
            code, name, row = items_a[key]
            removed.append(ItemChange(kind=kind, mode=mode, code=code, name=name, before=row, after=None))
        else:
            code, name, before = items_a[key]
            _c, new_name, after = items_b[key]
            changes = _field_changes(before, after, skip=("code",))
            if changes:
                changed.append(
                    ItemChange(
                        kind=kind,
                        mode=mode,
                        code=code,
                        name=new_name,
                        before=before,
                        after=after,
                        changes=changes,
                    )
                )
    conditions: dict[str, list[ItemChange]] = {"added": [], "removed": [], "changed": []}
    standards: dict[str, list[ItemChange]] = {"added": [], "removed": [], "changed": []}
    for bucket, entries in (("added", added), ("removed", removed), ("changed", changed)):
        for entry in entries:
            if entry.kind in ("quantitative", "qualitative"):
                conditions[bucket].append(entry)
            elif entry.kind == "standard":
                standards[bucket].append(entry)
    return RuleSetDiff(
        a=a,
        b=b,
        fields=fields,
        added=tuple(added),
        removed=tuple(removed),
        changed=tuple(changed),
        conditions=conditions,
        standards=standards,
    )
