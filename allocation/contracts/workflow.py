"""The 「合同签约」 process template: every contract transition is a node record (DESIGN §4 rule 3)."""

from __future__ import annotations

from housing.workflow.models import NodeKind, NodeLink, NodeTemplate, ProcessTemplate

CONTRACT_PROCESS_CODE = "allocation_contract"

# (code = the contract state the node records, name, kind). No handler role: a contract in force is not
# anybody's 待办; the nodes are the record of who signed, renewed or ended it, when and why.
CONTRACT_NODES = [
    ("draft", "草拟合同", NodeKind.START),
    ("signed", "签订生效", NodeKind.TASK),
    ("terminated", "终止", NodeKind.END),
    ("expired", "到期", NodeKind.END),
]


def ensure_contract_process() -> ProcessTemplate:
    template = ProcessTemplate.objects.filter(code=CONTRACT_PROCESS_CODE, is_active=True).first()
    if template is not None:
        return template
    template, created = ProcessTemplate.objects.get_or_create(
        code=CONTRACT_PROCESS_CODE,
        version=1,
        defaults={
            "name": "合同签约",
            "description": "草拟合同（规则引擎计算租金、价款或补贴）、签订生效并归档、续签、终止或到期。",
            "category": "配给管理",
            "is_active": True,
        },
    )
    if created:
        nodes = {}
        for order, (code, name, kind) in enumerate(CONTRACT_NODES):
            nodes[code] = NodeTemplate.objects.create(
                process=template, code=code, name=name, kind=kind, order=order * 10
            )
        for before, after in (
            ("draft", "signed"),
            ("draft", "terminated"),
            ("signed", "terminated"),
            ("signed", "expired"),
        ):
            NodeLink.objects.create(
                process=template, from_node=nodes[before], to_node=nodes[after], priority=10
            )
    return template
