"""Writes of the construction subsystem: unit lifecycle, handover batches, transfers and changes;
the back-office editing of land, projects, buildings and records lives in ``editing.py``.

Every unit state change goes through ``unit_transition`` (one unit, recorded in the workflow) or
``handover_batch_create`` (a set-based batch, recorded once on the batch) — see docs/projects.md.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import django_fsm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.accounts.scope import code_in_scope
from housing.audit.services import AuditAction, audit_record
from housing.regions.models import Region
from housing.workflow.services import workflow_record_transition

from ..models import (
    ApprovalCertificate,
    Building,
    CertificateScan,
    HandoverBatch,
    Project,
    Unit,
    UnitChange,
    UnitState,
    UnitTransfer,
)
from ..models.construction import PERM_HANDOVER, PERM_TRANSFER

PROCESS_CODE = "housing_unit"
NODE_INTAKE, NODE_STOCK, NODE_HANDED_OVER, NODE_CANCELLED = "intake", "stock", "handed_over", "cancelled"

# The transitions a back-office user may take on one unit (the button order on the unit page).
UNIT_TRANSITIONS: tuple[tuple[str, object], ...] = (
    ("allocate", gettext_lazy("配给")),
    ("release", gettext_lazy("取消配给")),
    ("move_in", gettext_lazy("登记入住")),
    ("vacate", gettext_lazy("腾退")),
    ("start_repair", gettext_lazy("报修")),
    ("finish_repair", gettext_lazy("维修完成")),
    ("cancel", gettext_lazy("注销")),
)
# Taken only by allocation's resale services (经适房回购、退回、上市), never offered on the unit page.
UNIT_TRANSITIONS_BY_ALLOCATION: tuple[tuple[str, object], ...] = (
    ("take_back", gettext_lazy("收回入库")),
    ("sell_off", gettext_lazy("上市交易注销")),
)
_UNIT_TRANSITION_LABELS = dict((*UNIT_TRANSITIONS, *UNIT_TRANSITIONS_BY_ALLOCATION))
UNIT_TRANSITION_NAMES = set(_UNIT_TRANSITION_LABELS)


# --- reference data ----------------------------------------------------------------------------


def housing_unit_process_sync() -> None:
    """The workflow process ``housing_unit`` (房源管理): idempotent, run after migrate.

    入库 (start) → 在库管理 (repeats for every state change of a unit) → 注销 (end); a handover
    batch goes 入库 → 竣工移交完成 (end). No node has a handler role: nothing lands in an inbox,
    the nodes are the record of who changed what, when and why.
    """
    from housing.workflow.models import NodeKind, NodeLink, NodeTemplate, ProcessTemplate

    if ProcessTemplate.objects.filter(code=PROCESS_CODE, is_active=True).exists():
        return
    latest = ProcessTemplate.objects.filter(code=PROCESS_CODE).aggregate(v=models.Max("version"))["v"] or 0
    process = ProcessTemplate.objects.create(
        code=PROCESS_CODE, name=_("房源管理"), category=_("建设项目"), version=latest + 1, is_active=True
    )
    intake, stock, handed_over, cancelled = (
        NodeTemplate.objects.create(process=process, code=code, name=name, kind=kind, order=order)
        for order, (code, name, kind) in enumerate(
            (
                (NODE_INTAKE, _("房源入库"), NodeKind.START),
                (NODE_STOCK, _("在库管理"), NodeKind.TASK),
                (NODE_HANDED_OVER, _("竣工移交完成"), NodeKind.END),
                (NODE_CANCELLED, _("注销"), NodeKind.END),
            )
        )
    )
    NodeLink.objects.create(process=process, from_node=intake, to_node=stock, priority=1, name=_("入库"))
    NodeLink.objects.create(process=process, from_node=intake, to_node=handed_over, name=_("移交"))
    NodeLink.objects.create(process=process, from_node=stock, to_node=stock, priority=1, name=_("状态变更"))
    NodeLink.objects.create(process=process, from_node=stock, to_node=cancelled, name=_("注销"))


# --- one unit ----------------------------------------------------------------------------------


@transaction.atomic
def unit_transition(*, unit: Unit, transition: str, actor, opinion: str = "") -> Unit:
    """Take one lifecycle transition of a unit (配给, 入住, 腾退, 维修, 注销 …) and record it."""
    if transition not in UNIT_TRANSITION_NAMES:
        raise ValidationError(_("未知的住房操作。"))
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    method = getattr(unit, transition)
    if transition == "allocate" and unit.state == UnitState.UNDELIVERED:
        # 未竣工移交的房屋不进入房源库，不能配给 (CJJ/T 196 §8.2.1-6).
        raise ValidationError(_("该住房尚未竣工移交，不能配给。"))
    if not django_fsm.can_proceed(method):
        raise ValidationError(
            _("住房当前状态为“%(state)s”，不能执行该操作。") % {"state": unit.get_state_display()}
        )
    if not django_fsm.has_transition_perm(method, actor):
        raise PermissionDenied(_("您没有执行该操作的权限。"))
    before = unit.state
    method(actor=actor, opinion=opinion)
    unit._history_user = actor  # the history row names who, also outside a request
    unit._change_reason = opinion or str(_UNIT_TRANSITION_LABELS[transition])
    unit.save()
    workflow_record_transition(
        obj=unit,
        actor=actor,
        transition=transition,
        from_state=before,
        to_state=unit.state,
        opinion=opinion,
        process_code=PROCESS_CODE,
        next_node_code=NODE_CANCELLED if unit.state == UnitState.CANCELLED else NODE_STOCK,
    )
    return unit


def _require(actor, permission: str) -> None:
    if not actor.has_perm(permission):
        raise PermissionDenied(_("您没有执行该操作的权限。"))


@transaction.atomic
def unit_transfer(*, unit: Unit, to_region_code: str, reason: str, actor) -> UnitTransfer:
    """调剂: move a vacant unit to another district's stock; the unit's history keeps both."""
    _require(actor, PERM_TRANSFER)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写调剂理由。")})
    if unit.state not in (UnitState.UNDELIVERED, UnitState.DELIVERED, UnitState.REPAIRING):
        raise ValidationError(_("已配给、已入住或已注销的住房不能调剂。"))
    if to_region_code == unit.region_code:
        raise ValidationError({"to_region_code": _("调入区划与当前区划相同。")})
    if not Region.objects.filter(code=to_region_code, is_active=True).exists():
        raise ValidationError({"to_region_code": _("调入区划不存在。")})
    if not code_in_scope(actor, unit.region_code):
        raise PermissionDenied(_("该住房不在您的数据范围内。"))
    transfer = UnitTransfer(
        unit=unit,
        from_region_code=unit.region_code,
        region_code=to_region_code,
        reason=reason.strip(),
        actor=actor,
    )
    transfer.full_clean()
    transfer.save()
    unit.region_code = to_region_code
    unit._history_user = actor  # the history row names who, also outside a request
    unit._change_reason = _("调剂：%(reason)s") % {"reason": transfer.reason}
    unit.save(update_fields=["region_code", "updated_at"])
    audit_record(
        action=AuditAction.UPDATE,
        obj=unit,
        actor=actor,
        changes={"region_code": [transfer.from_region_code, to_region_code]},
        description=_("住房调剂"),
    )
    return transfer


# Facts of a unit a 变更 may touch; identity (building, room number) never changes.
CHANGEABLE_FIELDS = (
    "guarantee_mode",
    "rent_standard",
    "price_standard",
    "floor_area",
    "inner_area",
    "shared_area",
    "balcony_area",
    "orientation",
    "rooms",
    "layout",
    "decoration",
)


@transaction.atomic
def unit_change(*, unit: Unit, changes: dict, reason: str, actor) -> UnitChange | None:
    """变更: change a unit's stock facts with a reason; returns None when nothing differs."""
    _require(actor, PERM_TRANSFER)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写变更理由。")})
    diff: dict[str, list] = {}
    for field, value in changes.items():
        if field not in CHANGEABLE_FIELDS:
            raise ValidationError(_("字段“%(field)s”不能变更。") % {"field": field})
        old = getattr(unit, field)
        if old != value:
            diff[field] = [_plain(old), _plain(value)]
            setattr(unit, field, value)
    if not diff:
        return None
    unit.full_clean()
    unit._history_user = actor  # the history row names who, also outside a request
    unit._change_reason = _("变更：%(reason)s") % {"reason": reason.strip()}
    unit.save()
    change = UnitChange.objects.create(
        unit=unit, region_code=unit.region_code, changes=diff, reason=reason.strip(), actor=actor
    )
    return change


def _plain(value):
    return str(value) if isinstance(value, Decimal | datetime.date) else value


# --- handover (竣工移交) --------------------------------------------------------------------------


@transaction.atomic
def handover_batch_create(
    *,
    project: Project,
    buildings: list[Building],
    number: str,
    handed_over_by: str,
    handed_over_on: datetime.date,
    actor,
    note: str = "",
) -> HandoverBatch:
    """竣工移交: every 未交付 unit of the chosen buildings becomes 已交付 (allocatable) at once.

    Set-based: one UPDATE of the units, one INSERT … SELECT of their history rows, one workflow
    record on the batch — the cost does not grow with per-unit round trips however large the batch.
    """
    _require(actor, PERM_HANDOVER)
    if not code_in_scope(actor, project.region_code):
        raise PermissionDenied(_("该项目不在您的数据范围内。"))
    number = number.strip()
    if not number:
        raise ValidationError({"number": _("请填写移交批次编号。")})
    if HandoverBatch.objects.filter(number=number).exists():
        raise ValidationError({"number": _("移交批次编号“%(number)s”已存在。") % {"number": number}})
    if not buildings:
        raise ValidationError({"buildings": _("请选择要移交的单体工程。")})
    building_ids = [b.pk for b in buildings]
    if Building.objects.filter(pk__in=building_ids).exclude(project=project).exists():
        raise ValidationError({"buildings": _("所选单体工程不属于该项目。")})
    pending = Unit.objects.select_for_update().filter(
        building_id__in=building_ids, state=UnitState.UNDELIVERED
    )
    pending_ids = list(pending.values_list("pk", flat=True))
    if not pending_ids:
        raise ValidationError({"buildings": _("所选单体工程没有未交付的住房。")})

    batch = HandoverBatch(
        number=number,
        project=project,
        region_code=project.region_code,
        handed_over_by=handed_over_by.strip(),
        handed_over_on=handed_over_on,
        unit_count=len(pending_ids),
        note=note,
        created_by=actor,
    )
    batch.full_clean()
    batch.save()
    now = timezone.now()
    Unit.objects.filter(pk__in=pending_ids).update(
        state=UnitState.DELIVERED,
        handover_batch=batch,
        handover_batch_number=number,
        is_handed_over=True,
        handed_over_at=handed_over_on,
        handed_over_by=batch.handed_over_by,
        updated_at=now,
    )
    _history_snapshot(batch=batch, actor=actor, when=now, reason=_("竣工移交 %(n)s") % {"n": number})
    Building.objects.filter(pk__in=building_ids).update(
        is_handed_over=True,
        handover_batch_number=number,
        handed_over_at=handed_over_on,
        handed_over_by=batch.handed_over_by,
    )
    if not project.buildings.filter(is_handed_over=False).exists():
        project.is_handed_over = True
    project.handover_batch_number = number
    project.handed_over_at = handed_over_on
    project.handed_over_by = batch.handed_over_by
    project.save()
    workflow_record_transition(
        obj=batch,
        actor=actor,
        transition="handover",
        from_state=UnitState.UNDELIVERED,
        to_state=UnitState.DELIVERED,
        opinion=_("竣工移交 %(count)s 套") % {"count": len(pending_ids)},
        process_code=PROCESS_CODE,
        next_node_code=NODE_HANDED_OVER,
    )
    return batch


def _history_snapshot(*, batch: HandoverBatch, actor, when: datetime.datetime, reason: str) -> None:
    """One INSERT … SELECT writes the batch's units' history rows (simple-history's own table).

    ``QuerySet.update`` bypasses simple-history's signals; this keeps 一套一档's history complete
    without loading tens of thousands of rows into Python.
    """
    history_model = Unit.history.model
    quote = connection.ops.quote_name
    columns = [field.column for field in Unit._meta.concrete_fields]
    column_list = ", ".join(quote(c) for c in columns)
    sql = (
        f"INSERT INTO {quote(history_model._meta.db_table)} "
        f"({column_list}, history_date, history_type, history_change_reason, history_user_id) "
        f"SELECT {column_list}, %s, %s, %s, %s FROM {quote(Unit._meta.db_table)} WHERE handover_batch_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [when, "~", reason[:100], getattr(actor, "pk", None), batch.pk])


# --- approval certificates -----------------------------------------------------------------------


@transaction.atomic
def certificate_register(*, project: Project, actor, upload=None, **fields) -> ApprovalCertificate:
    """登记审批证件; its scan is archived (SHA-256, immutable) with the certificate as owner (A.5.7)."""
    from housing.archive.models import Category, OwnerKind, Stage
    from housing.archive.services import document_upload

    _require(actor, "projects.add_approvalcertificate")
    if not code_in_scope(actor, project.region_code):
        raise PermissionDenied(_("该项目不在您的数据范围内。"))
    certificate = ApprovalCertificate(project=project, region_code=project.region_code, **fields)
    certificate.full_clean()
    certificate.save()
    if upload is not None:
        document = document_upload(
            actor=actor,
            upload=upload,
            name=f"{certificate.name}（{certificate.number}）",
            category=Category.OTHER,
            stage=Stage.OTHER,
            region_code=project.region_code,
            owner_kind=OwnerKind.CASE,
            owner=certificate,
        )
        CertificateScan.objects.create(
            number=document.archive_number,
            certificate=certificate,
            region_code=project.region_code,
            image_name=getattr(upload, "name", "")[:200],
            image_start_page=1,
            document=document,
        )
    return certificate
