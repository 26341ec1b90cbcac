"""Writes of 选房: create a session from a call order, start, call, pick, pass over, review, cancel, end.

The one race that matters — many families choosing at once — is decided by PostgreSQL: a pick locks the
family's order row, then the unit row (``SELECT … FOR UPDATE``), re-reads the unit's state under the lock,
and inserts the pick under two partial unique constraints (one live pick per unit, one per family and
session). The loser gets “该房源已被选定，请重新选择” and its transaction changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from contextlib import nullcontext

import django_fsm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from admission.registry.models import GuaranteeStatus, RegistryEntry, WaitlistEntry, WaitlistStatus
from housing.accounts.scope import code_in_scope
from housing.audit.middleware import current_context
from housing.regions.codes import scope_prefix
from housing.workflow.services import workflow_record_transition
from projects.models import Unit, UnitState
from projects.models.construction import PERM_ALLOCATE

from .models import (
    AllocationOrder,
    EventKind,
    OrderStatus,
    PickState,
    SelectionEvent,
    SelectionPick,
    SelectionSession,
    SelectionSlot,
    SelectionState,
    SelectionUnit,
)

RUN, REVIEW = "allocation.run_selection", "allocation.review_selection"
PROCESS_CODE = "allocation_selection"
ROOMS_STANDARD = "allowed_rooms"
# A family passed over (缺席/放弃) goes to the end of the session's queue this many times at most;
# the next pass is final for this session. Every pass counts as a refusal on the waitlist.
MAX_MOVES_DOWN = 1
UNIT_TAKEN = "该房源已被选定，请重新选择"


# --- helpers ----------------------------------------------------------------------------------------


def _require(actor, permission: str, region_code: str) -> None:
    if not actor.has_perm(permission) or not code_in_scope(actor, region_code):
        raise PermissionDenied(_("您没有办理此选房活动的权限。"))


def _event(
    session: SelectionSession, kind: str, actor, *, order: AllocationOrder | None = None, note: str = ""
):
    SelectionEvent.objects.create(session=session, order=order, kind=kind, actor=actor, note=note[:300])


def selection_process_sync() -> None:
    """The workflow process 「选房活动」 (准备 → 选房 → 结束/作废); idempotent."""
    from housing.workflow.models import NodeKind, NodeLink, NodeParticipant, NodeTemplate, ProcessTemplate

    if ProcessTemplate.objects.filter(code=PROCESS_CODE, is_active=True).exists():
        return
    template, created = ProcessTemplate.objects.get_or_create(
        code=PROCESS_CODE,
        version=1,
        defaults={
            "name": "选房活动",
            "description": "按配给顺序分时段叫号选房，结果审核后出具入住通知书。",
            "category": "配给管理",
            "is_active": True,
        },
    )
    if not created:
        return
    nodes = {}
    for order, (code, name, kind) in enumerate(
        (
            ("prepare", "准备选房", NodeKind.START),
            ("running", "现场选房", NodeKind.TASK),
            ("ended", "选房结束", NodeKind.END),
            ("voided", "作废", NodeKind.END),
        )
    ):
        nodes[code] = NodeTemplate.objects.create(
            process=template, code=code, name=name, kind=kind, order=order
        )
        NodeParticipant.objects.create(node=nodes[code], role_code="city_centre")
    NodeLink.objects.create(
        process=template, from_node=nodes["prepare"], to_node=nodes["running"], priority=10
    )
    NodeLink.objects.create(process=template, from_node=nodes["prepare"], to_node=nodes["voided"])
    NodeLink.objects.create(process=template, from_node=nodes["running"], to_node=nodes["ended"], priority=10)


def _record(
    session: SelectionSession, *, actor, name: str, from_state: str, opinion: str, next_node: str | None
):
    selection_process_sync()
    workflow_record_transition(
        obj=session,
        actor=actor,
        transition=name,
        from_state=from_state,
        to_state=session.state,
        opinion=opinion,
        process_code=PROCESS_CODE,
        next_node_code=next_node,
    )


def _next_number(region_code: str) -> str:
    year = timezone.localdate().year
    prefix = f"XF-{region_code[:6]}-{year}-"
    last = (
        SelectionSession.objects.select_for_update()
        .filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"{prefix}{int(last.rsplit('-', 1)[1]) + 1 if last else 1:04d}"


def allowed_rooms_for(
    *, project_code: str, mode_code: str, region_code: str, household_size: int, on_date: datetime.date
) -> tuple[int | None, str]:
    """可配户型（居室数） of a household from the rule set in force, and the version that said so.

    The standard reads only the household size, so it is evaluated on that one fact (the eligibility
    conditions are then unknown, not failed, and the standards are computed). ``(None, "")`` when the
    rule set has no such standard: the session then does not restrict the unit type.
    """
    from rules.engine import evaluate

    try:
        evaluation = evaluate(
            facts={"household_size": household_size},
            project_code=project_code,
            mode_code=mode_code,
            on_date=on_date,
            region_code=region_code,
        )
    except ValidationError:
        return None, ""
    value = evaluation.amounts.get(ROOMS_STANDARD)
    if value is None:
        return None, ""
    info = evaluation.version
    return int(value), _("%(name)s 第%(v)s版") % {"name": info.name, "v": info.version}


# --- where the call order comes from ------------------------------------------------------------------


def selection_families_from_lottery(lottery) -> list[RegistryEntry]:
    """The families of a drawn lottery in rank order (still waiting; others are left out)."""
    from allocation.models import LotteryResult

    if (
        lottery.result_rows_at is None
        and not type(lottery).objects.filter(pk=lottery.pk, result_rows_at__isnull=False).exists()
    ):
        raise ValidationError(_("摇号结果明细正在写入（摇号后约数秒），请稍后再建立选房活动。"))
    receipts = list(
        LotteryResult.objects.filter(lottery=lottery)
        .order_by("rank")
        .values_list("receipt_number", flat=True)
    )
    entries = RegistryEntry.objects.filter(application_number__in=receipts, status=GuaranteeStatus.WAITING)
    by_receipt = {entry.application_number: entry for entry in entries}
    return [by_receipt[r] for r in receipts if r in by_receipt]


def selection_families_from_waitlist(
    *, project_code: str, mode_code: str, region_code: str, limit: int | None = None
) -> list[RegistryEntry]:
    """The waiting families of a waitlist in waitlist order (``sort_key``)."""
    entries = (
        WaitlistEntry.objects.filter(
            status=WaitlistStatus.WAITING,
            project_code=project_code,
            region_code__startswith=scope_prefix(region_code),
        )
        .select_related("registry_entry")
        .order_by("sort_key", "pk")
    )
    if mode_code:
        entries = entries.filter(mode_code=mode_code)
    if limit:
        entries = entries[:limit]
    return [w.registry_entry for w in entries]


# --- the session -------------------------------------------------------------------------------------


@transaction.atomic
def selection_session_create(
    *,
    name: str,
    region_code: str,
    project_code: str,
    mode_code: str,
    units: Iterable[Unit],
    families: Sequence[RegistryEntry],
    actor,
    starts_at: datetime.datetime,
    slot_minutes: int = 30,
    families_per_slot: int = 10,
    place: str = "",
    source: str = "",
) -> SelectionSession:
    """A session in preparation: the units offered and the families in call order, in time slots.

    ``families`` is the call order (a lottery's ranks or the waitlist order). Each family's 可配户型 is
    evaluated now from the rule set in force and kept on its order row with the version used.
    """
    _require(actor, RUN, region_code)
    units = list(units)
    families = list(families)
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors.setdefault("name", []).append(_("请填写选房活动名称。"))
    if slot_minutes < 1:
        errors.setdefault("slot_minutes", []).append(_("每时段分钟数至少为1。"))
    if families_per_slot < 1:
        errors.setdefault("families_per_slot", []).append(_("每时段户数至少为1。"))
    if not units:
        errors.setdefault("units", []).append(_("请至少选择一套房源。"))
    if not families:
        errors.setdefault("families", []).append(_("没有参加选房的家庭。"))
    prefix = scope_prefix(region_code)
    bad_units = [
        u.number for u in units if u.state != UnitState.DELIVERED or not u.region_code.startswith(prefix)
    ]
    if bad_units:
        errors.setdefault("units", []).append(
            _("以下房源不是本区划内的已交付空置房源，不能参加选房：%(n)s") % {"n": "、".join(bad_units[:10])}
        )
    seen: set[int] = set()
    for entry in families:
        if entry.pk in seen:
            errors.setdefault("families", []).append(
                _("家庭 %(n)s 在顺序中出现了两次。") % {"n": entry.application_number}
            )
        seen.add(entry.pk)
        if entry.status != GuaranteeStatus.WAITING:
            errors.setdefault("families", []).append(
                _("家庭 %(n)s 当前为“%(s)s”，不在轮候中。")
                % {"n": entry.application_number, "s": entry.get_status_display()}
            )
    if errors:
        raise ValidationError(errors)

    session = SelectionSession(
        number=_next_number(region_code),
        name=name.strip(),
        region_code=region_code,
        project_code=project_code,
        mode_code=mode_code,
        place=place.strip(),
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=slot_minutes * -(-len(families) // families_per_slot)),
        slot_minutes=slot_minutes,
        families_per_slot=families_per_slot,
        source=source[:100],
        created_by=actor,
        updated_by=actor,
    )
    session.full_clean(exclude=["state"])
    session.save()
    slot_count = -(-len(families) // families_per_slot)
    slots = SelectionSlot.objects.bulk_create(
        SelectionSlot(
            session=session,
            number=i + 1,
            starts_at=starts_at + datetime.timedelta(minutes=slot_minutes * i),
            ends_at=starts_at + datetime.timedelta(minutes=slot_minutes * (i + 1)),
        )
        for i in range(slot_count)
    )
    on_date = timezone.localdate()
    cache: dict[tuple, tuple[int | None, str]] = {}
    orders = []
    for index, entry in enumerate(families):
        key = (
            entry.project_code or project_code,
            entry.mode_code or mode_code,
            entry.region_code,
            entry.household_size,
        )
        if key not in cache:
            cache[key] = allowed_rooms_for(
                project_code=key[0],
                mode_code=key[1],
                region_code=key[2],
                household_size=key[3],
                on_date=on_date,
            )
        rooms, version = cache[key]
        orders.append(
            AllocationOrder(
                session=session,
                registry_entry=entry,
                order_number=index + 1,
                call_position=index + 1,
                slot=slots[index // families_per_slot],
                household_size=entry.household_size,
                allowed_rooms=rooms,
                rule_version=version,
                created_by=actor,
                updated_by=actor,
            )
        )
    AllocationOrder.objects.bulk_create(orders)
    SelectionUnit.objects.bulk_create(SelectionUnit(session=session, unit=unit) for unit in units)
    has_rule = all(order.allowed_rooms is not None for order in orders)
    if not has_rule:
        session.has_rooms_rule = False
        session.save(update_fields=["has_rooms_rule"])
    _record(
        session,
        actor=actor,
        name="create",
        from_state="",
        opinion=_("建立选房活动：%(f)s 户、%(u)s 套房源、%(s)s 个时段。")
        % {"f": len(orders), "u": len(units), "s": slot_count},
        next_node="prepare",
    )
    return session


def _locked_session(session: SelectionSession) -> SelectionSession:
    return SelectionSession.objects.select_for_update().get(pk=session.pk)


@transaction.atomic
def selection_session_start(*, session: SelectionSession, actor, opinion: str = "") -> SelectionSession:
    session = _locked_session(session)
    _require(actor, RUN, session.region_code)
    if not django_fsm.can_proceed(session.start):
        raise ValidationError(_("选房活动当前为“%(s)s”，不能开始。") % {"s": session.get_state_display()})
    before = session.state
    session.start()
    session.started_at = timezone.now()
    session.updated_by = actor
    session.save()
    _event(session, EventKind.START, actor)
    _record(
        session,
        actor=actor,
        name="start",
        from_state=before,
        opinion=opinion or _("开始选房。"),
        next_node="running",
    )
    return session


@transaction.atomic
def selection_session_end(*, session: SelectionSession, actor, opinion: str = "") -> SelectionSession:
    """结束选房: families still waiting or choosing stay as they are (not counted as refusals)."""
    session = _locked_session(session)
    _require(actor, RUN, session.region_code)
    if not django_fsm.can_proceed(session.end):
        raise ValidationError(_("选房活动当前为“%(s)s”，不能结束。") % {"s": session.get_state_display()})
    before = session.state
    session.end()
    session.ended_at = timezone.now()
    session.updated_by = actor
    session.save()
    _event(session, EventKind.END, actor, note=opinion)
    _record(
        session,
        actor=actor,
        name="end",
        from_state=before,
        opinion=opinion or _("选房结束。"),
        next_node="ended",
    )
    return session


@transaction.atomic
def selection_session_void(*, session: SelectionSession, actor, reason: str) -> SelectionSession:
    session = _locked_session(session)
    _require(actor, RUN, session.region_code)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写作废原因。")})
    if not django_fsm.can_proceed(session.void):
        raise ValidationError(_("只有准备中的选房活动可以作废。"))
    before = session.state
    session.void()
    session.void_reason = reason.strip()
    session.updated_by = actor
    session.save()
    _record(session, actor=actor, name="void", from_state=before, opinion=reason.strip(), next_node="voided")
    return session


def _require_running(session: SelectionSession) -> None:
    if session.state != SelectionState.RUNNING:
        raise ValidationError(_("选房活动当前为“%(s)s”，不在进行中。") % {"s": session.get_state_display()})


# --- calling families --------------------------------------------------------------------------------


@transaction.atomic
def selection_call_next(*, session: SelectionSession, actor) -> AllocationOrder:
    """叫号: the first waiting family in the queue starts choosing. Several desks may call at once:
    a row another desk is calling is skipped (``SKIP LOCKED``), so no family is called twice."""
    _require(actor, RUN, session.region_code)
    session = SelectionSession.objects.get(pk=session.pk)
    _require_running(session)
    order = (
        AllocationOrder.objects.select_for_update(skip_locked=True)
        .filter(session=session, status=OrderStatus.WAITING)
        .order_by("call_position", "pk")
        .first()
    )
    if order is None:
        raise ValidationError(_("没有待叫号的家庭了。"))
    order.call()
    order.called_at = timezone.now()
    order.updated_by = actor
    order.save(update_fields=["status", "called_at", "updated_by", "updated_at"])
    _event(session, EventKind.CALL, actor, order=order, note=_("第%(n)s号") % {"n": order.order_number})
    return order


def _locked_order(order: AllocationOrder) -> AllocationOrder:
    return (
        AllocationOrder.objects.select_for_update(of=("self",))
        .select_related("session", "registry_entry")
        .get(pk=order.pk)
    )


def selection_pick(*, order: AllocationOrder, unit: Unit, actor) -> SelectionPick:
    """选定房源: the family being called takes one offered unit that fits its household.

    The unit moves 已交付 → 已配给 only if it is still free, offered in this session and of an allowed
    type, and only while the family is being called in a running session; the family's order moves
    选房中 → 已选房 and the pick row is inserted with it. Of many families choosing one unit at once
    exactly one wins: PostgreSQL re-checks the unit's state after waiting for a concurrent writer, and
    the two partial unique constraints on the pick (one live pick per unit, one per family) reject
    anything else. The others change nothing and hear why (“该房源已被选定，请重新选择”).

    On PostgreSQL it is one statement (``_PICK_SQL``), so the unit's row lock lasts well under a
    millisecond; the history, audit and workflow rows of the pick are written after commit by a job
    (``record_selection_pick``). docs/allocation_selection.md §并发 explains the choice.
    """
    session = order.session
    _require(actor, RUN, session.region_code)
    if not actor.has_perm(PERM_ALLOCATE):
        raise PermissionDenied(_("您没有配给住房的权限。"))
    write = _pick_in_one_statement if connection.vendor == "postgresql" else _pick_in_steps
    try:
        pick, refusal = write(order=order, unit_id=unit.pk, actor=actor, now=timezone.now())
    except IntegrityError:
        pick, refusal = None, None  # the family picked at another desk meanwhile, or the unit was taken
    if pick is None:
        raise refusal or _pick_refusal(order, unit)
    pick_id, actor_id, context = pick.pk, actor.pk, current_context()
    ip, request_id = (context.ip, context.request_id) if context else (None, "")
    transaction.on_commit(lambda: _queue_pick_record(pick_id, actor_id, ip, request_id))
    return pick


# The unit is taken first, and only if the family is being called; then the order and the pick follow
# from it. The order's update has no status condition on purpose: were two desks to pick two units for
# one family at once, the second insert breaks ``allocation_selpick_family_once`` and the whole
# statement — its unit included — is undone, instead of leaving a unit allocated without a pick.
_PICK_SQL = """
WITH taken AS (
    UPDATE {unit} SET state = %(allocated)s, updated_at = %(now)s
    WHERE id = %(unit_id)s AND state = %(delivered)s
      AND (%(rooms)s::integer IS NULL OR rooms <= %(rooms)s::integer)
      AND EXISTS (SELECT 1 FROM {offer} WHERE session_id = %(session_id)s AND unit_id = %(unit_id)s)
      AND EXISTS (
          SELECT 1 FROM {order} o JOIN {session} s ON s.id = o.session_id
          WHERE o.id = %(order_id)s AND o.status = %(choosing)s AND s.state = %(running)s
      )
    RETURNING id
), called AS (
    UPDATE {order} SET status = %(picked)s, updated_by_id = %(actor_id)s, updated_at = %(now)s
    WHERE id = %(order_id)s AND EXISTS (SELECT 1 FROM taken)
    RETURNING id, session_id, registry_entry_id
), picked AS (
    INSERT INTO {pick} (
        session_id, order_id, registry_entry_id, unit_id, is_reviewed, state, cancel_reason,
        notice_number, notice_error, created_at, created_by_id, updated_at, updated_by_id
    )
    SELECT called.session_id, called.id, called.registry_entry_id, taken.id, false, %(active)s, '',
           '', '', %(now)s, %(actor_id)s, %(now)s, %(actor_id)s
    FROM taken, called
    RETURNING id
)
-- The pick's id, or what the refusal needs to say why (as the statement found the rows).
SELECT (SELECT id FROM picked), s.state, o.status, u.state, u.rooms,
       EXISTS (SELECT 1 FROM {offer} WHERE session_id = %(session_id)s AND unit_id = %(unit_id)s)
FROM {order} o JOIN {session} s ON s.id = o.session_id LEFT JOIN {unit} u ON u.id = %(unit_id)s
WHERE o.id = %(order_id)s
"""


def _pick_in_one_statement(
    *, order: AllocationOrder, unit_id: int, actor, now
) -> tuple[SelectionPick | None, ValidationError | None]:
    sql = _PICK_SQL.format(
        unit=Unit._meta.db_table,
        offer=SelectionUnit._meta.db_table,
        order=AllocationOrder._meta.db_table,
        session=SelectionSession._meta.db_table,
        pick=SelectionPick._meta.db_table,
    )
    params = {
        "unit_id": unit_id,
        "order_id": order.pk,
        "session_id": order.session_id,
        "actor_id": actor.pk,
        "rooms": order.allowed_rooms,
        "now": now,
        "allocated": UnitState.ALLOCATED,
        "delivered": UnitState.DELIVERED,
        "choosing": OrderStatus.CHOOSING,
        "running": SelectionState.RUNNING,
        "picked": OrderStatus.PICKED,
        "active": PickState.ACTIVE,
    }
    # Outside a caller's transaction the statement commits by itself, in one round trip, and the unit's
    # row lock ends with it; inside one, a savepoint keeps a constraint error from aborting the caller's.
    with transaction.atomic() if connection.in_atomic_block else nullcontext(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    pick_id, session_state, order_status, unit_state, rooms, offered = row
    if pick_id is None:
        refusal = _refusal_message(
            order=order,
            session_state=session_state,
            order_status=order_status,
            unit_state=unit_state,
            rooms=rooms,
            offered=offered,
        )
        return None, refusal
    return SelectionPick(
        pk=row[0],
        session_id=order.session_id,
        order_id=order.pk,
        registry_entry_id=order.registry_entry_id,
        unit_id=unit_id,
        created_at=now,
        updated_at=now,
        created_by=actor,
        updated_by=actor,
    ), None


def _pick_in_steps(*, order: AllocationOrder, unit_id: int, actor, now) -> tuple[SelectionPick | None, None]:
    """The same writes through the ORM, for databases without data-modifying CTEs (the SQLite demo)."""
    fits = Q() if order.allowed_rooms is None else Q(rooms__lte=order.allowed_rooms)
    with transaction.atomic():
        # Exists() rather than a join: Django turns a joined filter into ``pk IN (subquery)``.
        called = AllocationOrder.objects.filter(
            Exists(SelectionSession.objects.filter(pk=OuterRef("session_id"), state=SelectionState.RUNNING)),
            pk=order.pk,
            status=OrderStatus.CHOOSING,
        ).update(status=OrderStatus.PICKED, updated_by=actor, updated_at=now)
        taken = called and Unit.objects.filter(
            Exists(SelectionUnit.objects.filter(session_id=order.session_id, unit_id=OuterRef("pk"))),
            fits,
            pk=unit_id,
            state=UnitState.DELIVERED,
        ).update(state=UnitState.ALLOCATED, updated_at=now)
        if not taken:
            transaction.set_rollback(True)
            return None, None  # ``_pick_refusal`` reads why
        pick = SelectionPick(
            session_id=order.session_id,
            order_id=order.pk,
            registry_entry_id=order.registry_entry_id,
            unit_id=unit_id,
            created_by=actor,
            updated_by=actor,
        )
        SelectionPick.objects.bulk_create([pick])  # no per-row signals: recorded after commit
    return pick, None


def _pick_refusal(order: AllocationOrder, unit: Unit) -> ValidationError:
    """Why a pick matched nothing, read after the fact (the clear answer each family gets)."""
    order = AllocationOrder.objects.select_related("session").get(pk=order.pk)
    row = (
        Unit.objects.filter(pk=unit.pk)
        .annotate(
            offered=Exists(SelectionUnit.objects.filter(session_id=order.session_id, unit_id=OuterRef("pk")))
        )
        .values("state", "rooms", "offered")
        .first()
    ) or {"state": None, "rooms": None, "offered": False}
    return _refusal_message(
        order=order, session_state=order.session.state, order_status=order.status, unit_state=row["state"],
        rooms=row["rooms"], offered=row["offered"],
    )  # fmt: skip


def _refusal_message(
    *, order: AllocationOrder, session_state: str, order_status: str, unit_state, rooms, offered: bool
) -> ValidationError:
    if session_state != SelectionState.RUNNING:
        return ValidationError(
            _("选房活动当前为“%(s)s”，不在进行中。") % {"s": SelectionState(session_state).label}
        )
    if order_status != OrderStatus.CHOOSING:
        return ValidationError(
            _("该家庭当前为“%(s)s”，不在选房中，请先叫号。") % {"s": OrderStatus(order_status).label}
        )
    if not offered:
        return ValidationError({"unit": _("该房源不在本次选房活动中。")})
    if unit_state == UnitState.DELIVERED and not order.fits(Unit(rooms=rooms)):
        return ValidationError(
            {
                "unit": _("该房源为%(r)s居室，超出该家庭可选户型（不超过%(a)s居室），请重新选择。")
                % {"r": rooms if rooms is not None else "—", "a": order.allowed_rooms}
            }
        )
    # Free, offered and fitting as the statement began, yet not taken: another family won it meanwhile.
    return ValidationError({"unit": _(UNIT_TAKEN)})


def _queue_pick_record(pick_id: int, actor_id: int, ip: str | None, request_id: str) -> None:
    from .tasks import record_selection_pick

    record_selection_pick.delay(pick_id, actor_id, ip, request_id)


def selection_pick_record(*, pick_id: int, actor, ip: str | None = None, request_id: str = "") -> None:
    """What a pick leaves besides its own row: the unit's history row (who, when, why), the audit events
    of the pick, the unit and the order, and the unit's 配给 node in its workflow. Idempotent: a re-run
    job (a worker that crashed half-way) adds nothing already written.
    """
    from simple_history.utils import get_history_manager_for_model

    from housing.audit.middleware import request_context
    from housing.audit.models import AuditAction, AuditEvent
    from housing.audit.services import audit_record
    from projects.services import NODE_STOCK
    from projects.services import PROCESS_CODE as UNIT_PROCESS

    pick = SelectionPick.objects.select_related("session", "order", "unit", "registry_entry").get(pk=pick_id)
    session, order, unit = pick.session, pick.order, pick.unit
    opinion = _("选房活动 %(s)s：第%(n)s号家庭 %(a)s 选定。") % {
        "s": session.number,
        "n": order.order_number,
        "a": pick.registry_entry.application_number,
    }
    history = get_history_manager_for_model(Unit)
    if not history.filter(id=unit.pk, history_change_reason=opinion).exists():
        history.bulk_history_create(
            [unit],
            update=True,
            default_user=actor,
            default_change_reason=opinion,
            default_date=pick.created_at,
        )
    pick_type = SelectionPick._meta.label_lower
    if not AuditEvent.objects.filter(object_type=pick_type, object_id=str(pick.pk)).exists():
        with request_context(request_id=request_id, ip=ip):
            audit_record(action=AuditAction.CREATE, obj=pick, actor=actor, description=opinion)
            audit_record(
                action=AuditAction.UPDATE,
                obj=unit,
                actor=actor,
                changes={"state": [UnitState.DELIVERED, UnitState.ALLOCATED]},
                description=opinion,
            )
            audit_record(
                action=AuditAction.UPDATE,
                obj=order,
                actor=actor,
                changes={"status": [OrderStatus.CHOOSING, OrderStatus.PICKED]},
                description=opinion,
            )
    from housing.workflow.models import NodeInstance

    if not NodeInstance.objects.filter(
        process__object_id=str(unit.pk), transition="allocate", opinion=opinion
    ).exists():
        workflow_record_transition(
            obj=unit,
            actor=actor,
            transition="allocate",
            from_state=UnitState.DELIVERED,
            to_state=UnitState.ALLOCATED,
            opinion=opinion,
            process_code=UNIT_PROCESS,
            next_node_code=NODE_STOCK,
        )


def _count_refusal(order: AllocationOrder, *, actor, kind: str, reason: str) -> bool:
    """Count the pass on the waitlist (allocation.waitlist); True when it removed the family."""
    from allocation.waitlist.services import waitlist_refusal_record

    entry = WaitlistEntry.objects.filter(registry_entry_id=order.registry_entry_id).first()
    if entry is None or entry.status != WaitlistStatus.WAITING:
        return False
    refusal = waitlist_refusal_record(
        entry=entry, actor=actor, reason=reason, kind=kind, source=order.session.number
    )
    return bool(refusal.caused_removal)


@transaction.atomic
def selection_pass(*, order: AllocationOrder, actor, kind: str, reason: str = "") -> AllocationOrder:
    """缺席 / 放弃: the called family does not choose. The pass counts as a refusal on the waitlist; the
    family moves to the end of the session's queue once (顺延), the next pass is final for this session.
    """
    if kind not in (OrderStatus.ABSENT, OrderStatus.REFUSED):
        raise ValidationError({"kind": _("请选择缺席或放弃。")})
    order = _locked_order(order)
    session = order.session
    _require(actor, RUN, session.region_code)
    _require_running(session)
    if order.status != OrderStatus.CHOOSING:
        raise ValidationError(
            _("只有正在选房的家庭可以登记缺席或放弃（当前：%(s)s）。") % {"s": order.get_status_display()}
        )
    label = OrderStatus(kind).label
    reason = reason.strip() or _("选房活动 %(s)s %(k)s") % {"s": session.number, "k": label}
    removed = _count_refusal(order, actor=actor, kind=kind, reason=reason)
    order.pass_count += 1
    if removed or order.pass_count > MAX_MOVES_DOWN:
        (order.mark_absent if kind == OrderStatus.ABSENT else order.mark_refused)()
        note = _("%(k)s，不再顺延") % {"k": label}
    else:
        order.move_down()
        last = AllocationOrder.objects.filter(session=session).aggregate(m=Max("call_position"))["m"] or 0
        order.call_position = last + 1
        note = _("%(k)s，顺延至最后") % {"k": label}
    order.updated_by = actor
    order.save(update_fields=["status", "pass_count", "call_position", "updated_by", "updated_at"])
    _event(session, kind, actor, order=order, note=f"{note}：{reason}")
    return order


# --- after the pick ----------------------------------------------------------------------------------


def _locked_pick(pick: SelectionPick) -> SelectionPick:
    return SelectionPick.objects.select_for_update(of=("self",)).select_related("session").get(pk=pick.pk)


@transaction.atomic
def selection_pick_review(*, pick: SelectionPick, actor, opinion: str = "") -> SelectionPick:
    """审核 (A.7.2 是否已审核): confirms the pick; the 入住通知书 is issued after commit."""
    pick = _locked_pick(pick)
    _require(actor, REVIEW, pick.session.region_code)
    if not pick.is_active:
        raise ValidationError(_("该选房结果已取消，不能审核。"))
    if pick.is_reviewed:
        raise ValidationError(_("该选房结果已审核。"))
    pick.is_reviewed = True
    pick.reviewed_at = timezone.now()
    pick.reviewed_by = actor
    pick.updated_by = actor
    pick.save()
    _event(pick.session, EventKind.REVIEW, actor, order=pick.order, note=opinion)
    pick_id, actor_id = pick.pk, actor.pk
    transaction.on_commit(lambda: _queue_notice(pick_id, actor_id))
    return pick


def _queue_notice(pick_id: int, actor_id: int | None) -> None:
    from .tasks import issue_entry_notice

    issue_entry_notice.delay(pick_id, actor_id)


@transaction.atomic
def selection_pick_cancel(*, pick: SelectionPick, actor, reason: str, family_gives_up: bool) -> SelectionPick:
    """取消选房结果 (审核不通过, or the family gives up before the contract): the unit is released.

    ``family_gives_up``: the family refuses the unit (counted as a refusal, order 放弃); otherwise the
    pick was wrong (审核不通过) and the family chooses again.
    """
    pick = _locked_pick(pick)
    session = pick.session
    _require(actor, REVIEW, session.region_code)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写取消原因。")})
    if not pick.is_active:
        raise ValidationError(_("该选房结果已取消。"))
    from projects.services import unit_transition

    unit = Unit.objects.select_for_update().get(pk=pick.unit_id)
    if unit.state == UnitState.ALLOCATED:
        unit_transition(
            unit=unit,
            transition="release",
            actor=actor,
            opinion=_("选房活动 %(s)s 取消选房结果：%(r)s") % {"s": session.number, "r": reason.strip()},
        )
    elif unit.state != UnitState.DELIVERED:
        raise ValidationError(
            _("房源当前为“%(s)s”（可能已签约入住），不能取消选房结果。") % {"s": unit.get_state_display()}
        )
    pick.state = PickState.CANCELLED
    pick.cancel_reason = reason.strip()[:200]
    pick.cancelled_at = timezone.now()
    pick.updated_by = actor
    pick.save()
    order = _locked_order(pick.order)
    if family_gives_up:
        _count_refusal(order, actor=actor, kind="refused", reason=reason.strip())
        order.mark_refused()
    else:
        order.reopen()
    order.updated_by = actor
    order.save(update_fields=["status", "updated_by", "updated_at"])
    _event(session, EventKind.CANCEL, actor, order=order, note=reason.strip())
    return pick
