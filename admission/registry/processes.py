"""Workflow templates recording the transitions of this part (DESIGN §4 rule 3); reference data.

- ``admission_registry`` 保障对象登记簿: 登记 → 轮候中 → 保障中 → 已退出 (of a registry entry).
- ``admission_appeal`` 复核申请: 申请登记 → the refusing level's 复核 (街道 / 区级 / 市级) → 办结.

Created after every migrate (and on first use); an administrator may add versions in the admin.
"""

from __future__ import annotations

from django.db import models, transaction

from housing.workflow.models import NodeKind, NodeLink, NodeParticipant, NodeTemplate, ProcessTemplate

REGISTRY_PROCESS = "admission_registry"
APPEAL_PROCESS = "admission_appeal"
# A reviewer decides an appeal within this many working days (the issue is silent; documented).
APPEAL_REVIEW_DAYS = 10

# (code, name, kind, handler role, time limit in working days)
REGISTRY_NODES = (
    ("register", "准予登记", NodeKind.START, "", None),
    ("waiting", "轮候中", NodeKind.TASK, "", None),
    ("guaranteed", "保障中", NodeKind.TASK, "", None),
    ("exited", "已退出", NodeKind.END, "", None),
)
# (from, to, priority): the forward link wins; 轮候中 → 已退出 only by name.
REGISTRY_LINKS = (
    ("register", "waiting", 10),
    ("waiting", "guaranteed", 10),
    ("waiting", "exited", 0),
    ("guaranteed", "exited", 10),
)
APPEAL_NODES = (
    ("submit", "复核申请登记", NodeKind.START, "", None),
    ("street", "街道复核", NodeKind.TASK, "street_caseworker", APPEAL_REVIEW_DAYS),
    ("district", "区级复核", NodeKind.TASK, "district_reviewer", APPEAL_REVIEW_DAYS),
    ("city", "市级复核", NodeKind.TASK, "city_centre", APPEAL_REVIEW_DAYS),
    ("decided", "复核办结", NodeKind.END, "", None),
)
APPEAL_LINKS = (
    ("submit", "street", 0),
    ("submit", "district", 0),
    ("submit", "city", 0),
    ("street", "decided", 10),
    ("district", "decided", 10),
    ("city", "decided", 10),
)


def _ensure(*, code: str, name: str, description: str, nodes, links) -> ProcessTemplate:
    template = ProcessTemplate.objects.filter(code=code, is_active=True).first()
    if template is not None:
        return template
    with transaction.atomic():
        version = (ProcessTemplate.objects.filter(code=code).aggregate(v=models.Max("version"))["v"] or 0) + 1
        template = ProcessTemplate.objects.create(
            code=code,
            name=name,
            description=description,
            category="准入登记",
            version=version,
            is_active=True,
        )
        created = {}
        for order, (node_code, node_name, kind, role, limit) in enumerate(nodes):
            created[node_code] = NodeTemplate.objects.create(
                process=template,
                code=node_code,
                name=node_name,
                kind=kind,
                time_limit_days=limit,
                order=order * 10,
            )
            if role:
                NodeParticipant.objects.create(node=created[node_code], role_code=role)
        for before, after, priority in links:
            NodeLink.objects.create(
                process=template, from_node=created[before], to_node=created[after], priority=priority
            )
    return template


def registry_processes_sync(**kwargs) -> None:
    """Both templates; idempotent (post_migrate receiver and called before first use)."""
    _ensure(
        code=REGISTRY_PROCESS,
        name="保障对象登记簿",
        description="准予登记后记入登记簿：轮候中、保障中、已退出（CJJ/T 196 A.3.16 保障状态）。",
        nodes=REGISTRY_NODES,
        links=REGISTRY_LINKS,
    )
    _ensure(
        code=APPEAL_PROCESS,
        name="不予登记复核申请",
        description="申请人收到不予登记通知书后申请复核，由原决定层级的其他审核人员复核。",
        nodes=APPEAL_NODES,
        links=APPEAL_LINKS,
    )
