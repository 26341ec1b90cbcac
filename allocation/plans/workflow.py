"""The process templates of allocation plans: every plan transition is a node record (DESIGN §4 rule 3)."""

from __future__ import annotations

from housing.workflow.models import NodeKind, NodeLink, NodeParticipant, NodeTemplate, ProcessTemplate

PLAN_PROCESS_CODE = "allocation_plan"
SUPPORT_PLAN_PROCESS_CODE = "allocation_support_plan"

# (code, name, kind, handler role or "" for an end node nobody handles: reaching it finishes the case)
PLAN_NODES = [
    ("draft", "编制方案", NodeKind.START, "city_centre"),
    ("implement", "组织配置", NodeKind.TASK, "city_centre"),
    ("completed", "配置完成", NodeKind.END, ""),
    ("withdrawn", "方案撤销", NodeKind.END, ""),
]
PLAN_LINKS = [
    ("draft", "implement"),
    ("implement", "completed"),
    ("draft", "withdrawn"),
    ("implement", "withdrawn"),
]

SUPPORT_PLAN_NODES = [
    ("draft", "编制方案", NodeKind.START, "city_centre"),
    ("published", "方案发布", NodeKind.END, ""),
]
SUPPORT_PLAN_LINKS = [("draft", "published")]

_TEMPLATES = {
    PLAN_PROCESS_CODE: (
        "保障项目资源配置方案",
        "编制方案（房源与邀请家庭）、发布后组织摇号或选房、完成或撤销。",
        PLAN_NODES,
        PLAN_LINKS,
    ),
    SUPPORT_PLAN_PROCESS_CODE: (
        "支持项目资源配置方案",
        "编制支持对象的土地与补贴配置方案并发布。",
        SUPPORT_PLAN_NODES,
        SUPPORT_PLAN_LINKS,
    ),
}


def ensure_plan_templates() -> None:
    """Create the two templates once (idempotent); an administrator's later versions are left alone."""
    for code, (name, description, nodes, links) in _TEMPLATES.items():
        if ProcessTemplate.objects.filter(code=code, is_active=True).exists():
            continue
        template, created = ProcessTemplate.objects.get_or_create(
            code=code,
            version=1,
            defaults={"name": name, "description": description, "category": "配给管理", "is_active": True},
        )
        if not created:
            continue
        by_code = {}
        for order, (node_code, node_name, kind, role) in enumerate(nodes):
            by_code[node_code] = NodeTemplate.objects.create(
                process=template, code=node_code, name=node_name, kind=kind, order=order * 10
            )
            if role:
                NodeParticipant.objects.create(node=by_code[node_code], role_code=role)
        for before, after in links:
            NodeLink.objects.create(
                process=template, from_node=by_code[before], to_node=by_code[after], priority=10
            )
