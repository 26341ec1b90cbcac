"""Demo workflow: the 「保障资格申请审核」 template and a handful of demo cases at different nodes.

Idempotent (runs again without duplicating anything). The cases carry no business object yet —
admission arrives in a later issue — so they are titled 「演示：…」 and flagged ``is_demo``.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from .calendar import WorkingCalendar
from .models import NodeKind, NodeLink, NodeParticipant, NodeTemplate, ProcessInstance, ProcessTemplate
from .services import process_instance_advance, process_instance_start

ADMISSION_REVIEW_CODE = "admission_review"

# (code, name, kind, handler role, time limit in working days, publicity days)
# Defaults of the admission issue: reviews street 20, district 15, city 15 working days; each
# publicity 7 working days (not counted in the review limits). A region changes them in the admin.
ADMISSION_REVIEW_NODES = [
    ("submit", "申请提交", NodeKind.START, "", None, None),
    ("accept", "受理", NodeKind.TASK, "street_caseworker", 5, None),
    ("street_review", "街道审核", NodeKind.TASK, "street_caseworker", 20, None),
    ("street_publicity", "街道公示", NodeKind.PUBLICITY, "street_caseworker", None, 7),
    ("district_review", "区审核", NodeKind.TASK, "district_reviewer", 15, None),
    ("district_publicity", "区公示", NodeKind.PUBLICITY, "district_reviewer", None, 7),
    ("city_review", "市审核", NodeKind.TASK, "city_centre", 15, None),
    ("city_publicity", "市公示", NodeKind.PUBLICITY, "city_centre", None, 7),
    ("register", "登记", NodeKind.END, "city_centre", 7, None),
]
# Returns for correction (退回): lower priority than the forward links, so only taken by name.
ADMISSION_REVIEW_RETURNS = [
    ("street_review", "accept", "退回补正"),
    ("district_review", "street_review", "退回街道复核"),
    ("city_review", "district_review", "退回区复核"),
]

# (title, region code, current node code or "" when finished, working days since it was received)
DEMO_CASES = [
    ("演示：张*明家庭申请", "440402001001", "accept", 1),
    ("演示：李*华家庭申请", "440402001002", "street_review", 22),
    ("演示：王*芳家庭申请", "440402001003", "street_publicity", 2),
    ("演示：陈*强家庭申请", "440402002001", "street_review", 1),
    ("演示：刘*英家庭申请", "440402002002", "district_review", 3),
    ("演示：赵*军家庭申请", "440403001001", "district_review", 6),
    ("演示：周*红家庭申请", "440402001001", "city_review", 2),
    ("演示：孙*丽家庭申请", "440402001002", "", 4),
]

# Who handles a role over which region prefix in the demo city (accounts from housing.accounts.demo).
DEMO_HANDLERS = {
    ("street_caseworker", "440402001"): "cuixiang",
    ("street_caseworker", "440402002"): "meihua",
    ("district_reviewer", "440402"): "xiangzhou",
    ("district_reviewer", "440403"): "doumen",
    ("city_centre", "4404"): "city",
}

OPINIONS = {
    NodeKind.START: "网上提交申请",
    NodeKind.TASK: "经审核，符合条件，同意。",
    NodeKind.PUBLICITY: "公示期满，无异议。",
    NodeKind.END: "予以登记。",
}


def ensure_admission_review_template() -> ProcessTemplate:
    """The active 「保障资格申请审核」 template (version 1 created if no version exists)."""
    template = ProcessTemplate.objects.filter(code=ADMISSION_REVIEW_CODE, is_active=True).first()
    if template is not None:
        return template
    template, created = ProcessTemplate.objects.get_or_create(
        code=ADMISSION_REVIEW_CODE,
        version=1,
        defaults={
            "name": "保障资格申请审核",
            "description": "申请、受理、街道审核与公示、区审核与公示、市审核与公示、登记（三级审核两级公示）。",
            "category": "准入登记",
            "is_active": True,
        },
    )
    if created:
        nodes = {}
        for order, (code, name, kind, role, limit, publicity) in enumerate(ADMISSION_REVIEW_NODES):
            nodes[code] = NodeTemplate.objects.create(
                process=template,
                code=code,
                name=name,
                kind=kind,
                time_limit_days=limit,
                publicity_days=publicity,
                order=order * 10,
            )
            if role:
                NodeParticipant.objects.create(node=nodes[code], role_code=role)
        codes = [row[0] for row in ADMISSION_REVIEW_NODES]
        for before, after in zip(codes, codes[1:], strict=False):
            NodeLink.objects.create(
                process=template, from_node=nodes[before], to_node=nodes[after], priority=10
            )
        for before, after, name in ADMISSION_REVIEW_RETURNS:
            NodeLink.objects.create(
                process=template, from_node=nodes[before], to_node=nodes[after], priority=0, name=name
            )
    elif not template.is_active:
        template.is_active = True
        template.save(update_fields=["is_active"])
    return template


def _handler(role: str, region_code: str, users: dict):
    for (role_code, prefix), username in DEMO_HANDLERS.items():
        if role_code == role and region_code.startswith(prefix):
            return users.get(username)
    return None


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 30)))


def seed_demo_workflow() -> list:
    """Seed the template and the demo cases; returns [] (nothing for seed_demo to print)."""
    from housing.accounts.models import User

    template = ensure_admission_review_template()
    users = {u.username: u for u in User.objects.filter(username__in=set(DEMO_HANDLERS.values()))}
    nodes = list(template.nodes.prefetch_related("participants").order_by("order"))
    codes = [n.code for n in nodes]
    calendar = WorkingCalendar()
    today = timezone.localdate()
    for title, region_code, current_code, received_ago in DEMO_CASES:
        if ProcessInstance.objects.filter(is_demo=True, title=title).exists():
            continue
        # Steps to take: close every node before the current one (all of them for a finished case).
        steps = codes.index(current_code) if current_code else len(codes)
        with transaction.atomic():
            received = calendar.add_working_days(today, -received_ago)
            times = [
                _at(calendar.add_working_days(received, -3 * (steps - 1 - i)), 9 + i % 7)
                for i in range(steps)
            ]
            instance = process_instance_start(
                process_code=template.code, region_code=region_code, title=title, is_demo=True, now=times[0]
            )
            for i in range(steps):
                node = nodes[i]
                role = next((p.role_code for p in node.participants.all()), "")
                process_instance_advance(
                    instance=instance,
                    actor=_handler(role, region_code, users),
                    transition=f"demo_{node.code}",
                    from_state=node.code,
                    to_state=codes[i + 1] if i + 1 < len(codes) else "registered",
                    opinion=OPINIONS[node.kind],
                    next_node_code=codes[i + 1] if i + 1 < len(codes) else None,
                    now=times[i],
                )
    return []
