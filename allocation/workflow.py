"""The 「摇号」 process template: every lottery step is a node record (who, when, opinion), DESIGN §4 rule 3."""

from __future__ import annotations

from housing.workflow.models import NodeKind, NodeLink, NodeParticipant, NodeTemplate, ProcessTemplate

LOTTERY_PROCESS_CODE = "allocation_lottery"

# (code, name, kind, handler role)
LOTTERY_NODES = [
    ("prepare", "准备名单", NodeKind.START, "city_centre"),
    ("draw", "现场摇号", NodeKind.TASK, "city_centre"),
    ("published", "公布结果", NodeKind.TASK, "city_centre"),
    ("voided", "作废", NodeKind.END, "city_centre"),
]


def ensure_lottery_template() -> ProcessTemplate:
    template = ProcessTemplate.objects.filter(code=LOTTERY_PROCESS_CODE, is_active=True).first()
    if template is not None:
        return template
    template, created = ProcessTemplate.objects.get_or_create(
        code=LOTTERY_PROCESS_CODE,
        version=1,
        defaults={
            "name": "摇号",
            "description": "锁定参加人名单并公布校验值、现场输入种子摇号、公布结果；作废须两人。",
            "category": "配给管理",
            "is_active": True,
        },
    )
    if created:
        nodes = {}
        for order, (code, name, kind, role) in enumerate(LOTTERY_NODES):
            nodes[code] = NodeTemplate.objects.create(
                process=template, code=code, name=name, kind=kind, order=order * 10
            )
            NodeParticipant.objects.create(node=nodes[code], role_code=role)
        for before, after in (("prepare", "draw"), ("draw", "published"), ("published", "voided")):
            NodeLink.objects.create(
                process=template, from_node=nodes[before], to_node=nodes[after], priority=10
            )
    return template
