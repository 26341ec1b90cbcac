"""Writes of publicity (公示, A.3.12) and objections during publicity (公示期间举报, A.3.13): issue 4 part 8.

* A reviewer of a level gathers the cases in that level's publicity state into a batch
  (``publicity_batch_create``) and publishes it (``publicity_batch_publish``): the period starts on the
  next working day and lasts the publicity days of the ``admission_review`` template's node.
* Celery beat runs ``publicity_batches_close_due`` hourly: a published batch whose end date has passed
  closes, and every case still in that publicity state moves on through ``application_transition`` as
  the system actor (公示期满无异议). Frozen cases wait for their objection.
* An objection (``objection_record``) freezes the case; the named investigator's finding
  (``objection_decide``) refuses it (举报属实) or releases it — and if its batch has closed meanwhile,
  the case then moves on as if its publicity had just ended.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import django_fsm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.accounts.identity import mask_name
from housing.accounts.scope import code_in_scope
from housing.accounts.system import SYSTEM_USERNAME, system_actor
from housing.audit.services import AuditAction, audit_record
from housing.regions.codes import Level, scope_prefix
from housing.regions.models import Region
from housing.workflow.calendar import WorkingCalendar
from housing.workflow.services import workflow_record_transition

from ..applications import PROCESS_CODE as REVIEW_PROCESS_CODE
from ..applications import STATE_NODE, application_transition
from ..models import LEVEL_PERMISSION, Application, ApplicationState, RefusalReason, ReviewLevel
from .models import (
    BatchState,
    Objection,
    ObjectionChannel,
    ObjectionState,
    PublicityBatch,
    PublicityEntry,
)

logger = logging.getLogger(__name__)

S = ApplicationState
BATCH_PROCESS_CODE = "admission_publicity"
OBJECTION_PROCESS_CODE = "admission_objection"
OBJECTION_NODE = "investigate"
# Only the first time the objection process is created; afterwards the template row is the authority.
DEFAULT_OBJECTION_DAYS = 10

LEVEL_STATE = {
    ReviewLevel.STREET: S.STREET_PUBLICITY,
    ReviewLevel.DISTRICT: S.DISTRICT_PUBLICITY,
    ReviewLevel.CITY: S.CITY_PUBLICITY,
}
STATE_LEVEL = {state: level for level, state in LEVEL_STATE.items()}
# The region level of the body that publishes a batch of each review level.
LEVEL_REGION_LEVEL = {
    ReviewLevel.STREET: Level.STREET,
    ReviewLevel.DISTRICT: Level.DISTRICT,
    ReviewLevel.CITY: Level.CITY,
}
CLOSE_TRANSITION = {level: f"{level}_publicity_close" for level in LEVEL_STATE}
OPINION_NO_OBJECTION = "公示期满无异议"


# --- reference data --------------------------------------------------------------------------------


def _process_sync(*, code: str, name: str, nodes: list[tuple[str, str, str, int | None]]) -> None:
    from housing.workflow.models import NodeLink, NodeTemplate, ProcessTemplate

    if ProcessTemplate.objects.filter(code=code, is_active=True).exists():
        return
    latest = ProcessTemplate.objects.filter(code=code).aggregate(v=models.Max("version"))["v"] or 0
    process = ProcessTemplate.objects.create(
        code=code, name=name, category=_("准入登记"), version=latest + 1, is_active=True
    )
    created = [
        NodeTemplate.objects.create(
            process=process, code=node_code, name=node_name, kind=kind, time_limit_days=limit, order=i * 10
        )
        for i, (node_code, node_name, kind, limit) in enumerate(nodes)
    ]
    for before, after in zip(created, created[1:], strict=False):
        NodeLink.objects.create(process=process, from_node=before, to_node=after, priority=10)


def publicity_processes_sync() -> None:
    """The workflow processes of batches and objections (idempotent; an administrator may edit them).

    No node names a handler role: the records say who did what and when; the objection's 查证 node
    carries the time limit (default 10 working days), which the objection's due date is read from.
    """
    from housing.workflow.models import NodeKind

    _process_sync(
        code=BATCH_PROCESS_CODE,
        name=_("公示批次"),
        nodes=[
            (BatchState.DRAFT, _("编制公示批次"), NodeKind.START, None),
            (BatchState.PUBLISHED, _("公示中"), NodeKind.PUBLICITY, None),
            (BatchState.CLOSED, _("公示结束"), NodeKind.END, None),
        ],
    )
    _process_sync(
        code=OBJECTION_PROCESS_CODE,
        name=_("公示期间举报查证"),
        nodes=[
            ("received", _("受理举报"), NodeKind.START, None),
            (OBJECTION_NODE, _("指派与查证"), NodeKind.TASK, DEFAULT_OBJECTION_DAYS),
            ("decided", _("查证办结"), NodeKind.END, None),
        ],
    )


def publicity_message_templates_sync() -> None:
    """The 站内信 the investigator receives on assignment; an administrator's rewording is kept."""
    from housing.notify.models import Channel, MessageTemplate

    MessageTemplate.objects.get_or_create(
        code="admission.objection_assigned",
        channel=Channel.SITE,
        defaults={
            "name": "公示举报查证指派",
            "subject": "【查证指派】{{ number }}",
            "body": "您被指派查证公示期间举报 {{ number }}（申请编号 {{ receipt_number }}），"
            "请于{{ due_date }}前录入查证方式和查证结果。",
        },
    )


def publicity_working_days(level: str) -> int:
    """公示天数 of the level, from the active 「保障资格申请审核」 template (default 7 working days)."""
    from housing.workflow.models import NodeTemplate

    node = NodeTemplate.objects.filter(
        process__code=REVIEW_PROCESS_CODE, process__is_active=True, code=STATE_NODE[LEVEL_STATE[level]]
    ).first()
    days = node.limit_days if node is not None else None
    if not days:
        raise ValidationError(
            _("流程模板“保障资格申请审核”没有配置%(level)s公示天数，请在系统管理中设置。")
            % {"level": ReviewLevel(level).label}
        )
    return days


def objection_time_limit() -> int:
    """查证时限 in working days, from the ``admission_objection`` template's 查证 node (default 10)."""
    from housing.workflow.models import NodeTemplate

    publicity_processes_sync()
    node = NodeTemplate.objects.filter(
        process__code=OBJECTION_PROCESS_CODE, process__is_active=True, code=OBJECTION_NODE
    ).first()
    return (node.time_limit_days if node is not None else None) or DEFAULT_OBJECTION_DAYS


def publicity_period(
    *, published_on: datetime.date, days: int, calendar: WorkingCalendar | None = None
) -> tuple[datetime.date, datetime.date]:
    """(start, end): the publicity runs from the working day after publishing for ``days`` working days,
    both ends included. The day after publishing is left for posting the printed list on the notice
    boards; the batch closes on the first run after the end date."""
    calendar = calendar or WorkingCalendar()
    start = calendar.add_working_days(published_on, 1)
    return start, calendar.add_working_days(start, days - 1)


# --- helpers ---------------------------------------------------------------------------------------


def _record(obj, *, actor, process_code: str, transition: str, from_state: str, opinion: str, node=None):
    publicity_processes_sync()
    workflow_record_transition(
        obj=obj,
        actor=actor,
        transition=transition,
        from_state=from_state,
        to_state=obj.state,
        opinion=opinion,
        process_code=process_code,
        next_node_code=node,
    )


def _check_transition(obj, name: str, actor, *, message: str) -> None:
    method = getattr(obj, name)
    if not django_fsm.can_proceed(method):
        raise ValidationError(
            _("“%(obj)s”当前状态为“%(state)s”，不能执行此操作。")
            % {"obj": obj, "state": obj.get_state_display()}
        )
    if not django_fsm.has_transition_perm(method, actor):
        raise PermissionDenied(message)


def _next_number(model, field: str, prefix: str) -> str:
    last = (
        model.objects.filter(**{f"{field}__startswith": prefix})
        .order_by(f"-{field}")
        .values_list(field, flat=True)
        .first()
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def _region_names(codes: Iterable[str]) -> dict[str, str]:
    wanted: set[str] = set()
    for code in codes:
        wanted.update({code[:4].ljust(12, "0"), code[:6].ljust(12, "0"), code[:9].ljust(12, "0")})
    return dict(Region.objects.filter(code__in=wanted).values_list("code", "name"))


def street_address(region_code: str, names: dict[str, str]) -> str:
    """所在地 down to the street only (珠海市香洲区翠香街道): never the community, road or number."""
    parts = []
    for code in (
        region_code[:4].ljust(12, "0"),
        region_code[:6].ljust(12, "0"),
        region_code[:9].ljust(12, "0"),
    ):
        name = names.get(code)
        if name and name not in parts:
            parts.append(name)
    return "".join(parts)


def _mode_names() -> dict[str, str]:
    from rules.models import GuaranteeMode

    return {
        m.code: m.name or m.get_kind_display() for m in GuaranteeMode.objects.only("code", "name", "kind")
    }


def _snapshot(entry: PublicityEntry, application: Application, names: dict, modes: dict) -> None:
    family = application.family
    entry.receipt_number = application.receipt_number
    entry.applicant_name_masked = mask_name(family.applicant_name)
    entry.id_number_masked = family.id_number_masked
    entry.household_size = family.household_size
    entry.address = street_address(application.region_code, names)
    entry.mode_name = modes.get(application.mode_code, application.mode_code)


def is_system_actor(actor) -> bool:
    return getattr(actor, "username", None) == SYSTEM_USERNAME


def publicity_close_check(*, application: Application, actor) -> None:
    """Called by ``application_transition`` for ``*_publicity_close``: once a case is in a publicity
    batch, the batch decides when its publicity ends (Celery beat, system actor) — nobody cuts it short."""
    if is_system_actor(actor):
        return
    level = STATE_LEVEL.get(application.state)
    if level and PublicityEntry.objects.filter(application=application, level=level).exists():
        raise ValidationError(_("本案已列入公示批次，公示期满后由系统自动转入下一环节。"))


# --- batches ---------------------------------------------------------------------------------------


def eligible_applications(*, level: str, region_code: str):
    """Cases in the level's publicity state under the publishing region, not yet in a batch of that level."""
    listed = PublicityEntry.objects.filter(application=models.OuterRef("pk"), level=level)
    return (
        Application.objects.filter(
            state=LEVEL_STATE[level], region_code__startswith=scope_prefix(region_code)
        )
        .exclude(models.Exists(listed))
        .select_related("family")
        .order_by("receipt_number")
    )


@transaction.atomic
def publicity_batch_create(
    *,
    level: str,
    region_code: str,
    method: str,
    location: str,
    actor,
    applications: Iterable[Application] | None = None,
) -> PublicityBatch:
    """编制公示批次: the chosen (default: every) eligible case of the publishing region, as a draft."""
    if level not in LEVEL_STATE:
        raise ValidationError(_("未知的公示层级。"))
    if not actor.has_perm(LEVEL_PERMISSION[level]):
        raise PermissionDenied(_("只有本级审核人员可以编制公示批次。"))
    region = Region.objects.filter(code=region_code, level=LEVEL_REGION_LEVEL[level]).first()
    if region is None or not code_in_scope(actor, region_code):
        raise ValidationError({"region_code": _("请选择您所辖的本级公示发布单位。")})
    eligible = {a.pk: a for a in eligible_applications(level=level, region_code=region_code)}
    if applications is not None:
        chosen = [a.pk for a in applications]
        if not chosen:
            raise ValidationError({"applications": _("请至少选择一宗案件。")})
        if any(pk not in eligible for pk in chosen):
            raise ValidationError(
                {"applications": _("所选案件中有不在本级公示阶段或已列入其他批次的，请刷新后重选。")}
            )
        cases = [eligible[pk] for pk in sorted(set(chosen), key=lambda pk: eligible[pk].receipt_number)]
    else:
        cases = list(eligible.values())
    if not cases:
        raise ValidationError(
            _("%(region)s暂无处于%(level)s公示阶段、尚未列入批次的案件。")
            % {"region": region.name, "level": ReviewLevel(level).label}
        )
    year = timezone.localdate().year
    batch_count = PublicityBatch.objects.filter(
        region_code=region_code, level=level, created_at__year=year
    ).count()
    batch = PublicityBatch(
        number=_next_number(PublicityBatch, "number", f"GS-{region_code}-{year}-"),
        level=level,
        region_code=region_code,
        title=_("%(region)s住房保障申请%(level)s审核结果公示（%(year)s年第%(n)s批）")
        % {"region": region.name, "level": ReviewLevel(level).label, "year": year, "n": batch_count + 1},
        method=method,
        location=(location or "").strip(),
        created_by=actor,
    )
    batch.full_clean(exclude=["state"])
    names, modes = _region_names(a.region_code for a in cases), _mode_names()
    entries = []
    for sequence, application in enumerate(cases, start=1):
        entry = PublicityEntry(
            batch=batch,
            application=application,
            level=level,
            sequence=sequence,
            publicity_number=f"{batch.number}-{sequence:03d}",
            stage=application.state,
        )
        _snapshot(entry, application, names, modes)
        entries.append(entry)
    try:
        with transaction.atomic():
            batch.save()
            PublicityEntry.objects.bulk_create(entries)
    except IntegrityError as exc:
        # Another reviewer listed one of these cases (or took this number) at the same moment.
        raise ValidationError(_("有案件刚被列入其他公示批次，请刷新后重试。")) from exc
    audit_record(
        action=AuditAction.CREATE,
        obj=batch,
        actor=actor,
        description=_("编制公示批次，共%(n)s户") % {"n": len(entries)},
    )
    return batch


@transaction.atomic
def publicity_batch_publish(
    *, batch: PublicityBatch, actor, now: datetime.datetime | None = None
) -> PublicityBatch:
    """发布: the period starts on the next working day and lasts the template's publicity days."""
    batch = PublicityBatch.objects.select_for_update().get(pk=batch.pk)
    if not code_in_scope(actor, batch.region_code):
        raise PermissionDenied
    _check_transition(batch, "publish", actor, message=_("只有本级审核人员可以发布公示。"))
    now = now or timezone.now()
    days = publicity_working_days(batch.level)
    start, end = publicity_period(published_on=timezone.localdate(now), days=days)
    # A draft is not yet public: a case withdrawn or refused meanwhile simply leaves it.
    batch.entries.exclude(application__state=batch.publicity_state).delete()
    entries = list(batch.entries.select_related("application__family"))
    if not entries:
        raise ValidationError(_("本批次已没有处于公示阶段的案件，不能发布。"))
    names, modes = _region_names(e.application.region_code for e in entries), _mode_names()
    for entry in entries:
        _snapshot(entry, entry.application, names, modes)  # what is posted is the record as of today
    PublicityEntry.objects.bulk_update(
        entries,
        [
            "receipt_number",
            "applicant_name_masked",
            "id_number_masked",
            "household_size",
            "address",
            "mode_name",
        ],
    )
    batch.working_days, batch.start_date, batch.end_date = days, start, end
    batch.published_at, batch.published_by = now, actor
    batch.publish()
    batch.full_clean(exclude=["state"])
    batch.save()
    _record(
        batch,
        actor=actor,
        process_code=BATCH_PROCESS_CODE,
        transition="publish",
        from_state=BatchState.DRAFT,
        opinion=_("发布公示：%(start)s至%(end)s，共%(days)s个工作日，%(n)s户")
        % {"start": start, "end": end, "days": days, "n": len(entries)},
        node=BatchState.PUBLISHED,
    )
    return batch


@dataclass(frozen=True)
class CloseResult:
    batches: int
    cases: int


def _entry_move_on(entry: PublicityEntry, *, opinion: str) -> bool:
    """The case of a closed batch leaves publicity (as the system actor); False if it is not in it."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=entry.application_id)
        if application.state != LEVEL_STATE[entry.level]:
            return False
        application_transition(
            application=application, actor=system_actor(), name=CLOSE_TRANSITION[entry.level], opinion=opinion
        )
        entry.passed, entry.decided_at = True, timezone.now()
        entry.save(update_fields=["passed", "decided_at"])
    return True


def publicity_batches_close_due(*, today: datetime.date | None = None) -> CloseResult:
    """Close every published batch whose end date has passed and move its cases on; idempotent.

    Each batch and each case is its own transaction: one case that cannot move (logged) holds up
    neither the others nor the next run, which tries it again.
    """
    today = today or timezone.localdate()
    actor = system_actor()
    closed = 0
    due = PublicityBatch.objects.filter(state=BatchState.PUBLISHED, end_date__lt=today).order_by(
        "end_date", "pk"
    )
    for batch_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            batch = PublicityBatch.objects.select_for_update().get(pk=batch_id)
            if batch.state != BatchState.PUBLISHED:
                continue
            batch.close()
            batch.closed_at = timezone.now()
            batch.save()
            _record(
                batch,
                actor=actor,
                process_code=BATCH_PROCESS_CODE,
                transition="close",
                from_state=BatchState.PUBLISHED,
                opinion=_("公示期满（%(end)s）") % {"end": batch.end_date},
                node=BatchState.CLOSED,
            )
        closed += 1
    moved = 0
    # Also sweeps a case released after its batch closed whose move was interrupted (self-healing).
    pending = PublicityEntry.objects.filter(
        batch__state=BatchState.CLOSED, passed__isnull=True
    ).select_related("application")
    for entry in pending.iterator(chunk_size=500):
        state = entry.application.state
        if state == S.FROZEN:
            continue  # 冻结的案件等待举报查证结论
        if state == LEVEL_STATE[entry.level]:
            try:
                moved += _entry_move_on(entry, opinion=OPINION_NO_OBJECTION)
            except (ValidationError, PermissionDenied):
                logger.exception("Publicity close of %s failed; the next run retries", entry.publicity_number)
            continue
        if state in (S.REFUSED, S.WITHDRAWN):
            # The case ended during its publicity (withdrawn, or refused on a finding).
            PublicityEntry.objects.filter(pk=entry.pk).update(passed=False, decided_at=timezone.now())
    return CloseResult(batches=closed, cases=moved)


# --- objections (公示期间举报) ------------------------------------------------------------------------


def objection_entry_for(application: Application) -> PublicityEntry | None:
    """The entry of the published batch during whose publicity an objection may be recorded, if any."""
    state = application.frozen_from if application.state == S.FROZEN else application.state
    level = STATE_LEVEL.get(state)
    if level is None:
        return None
    return (
        PublicityEntry.objects.select_related("batch")
        .filter(application=application, level=level, batch__state=BatchState.PUBLISHED)
        .first()
    )


def _evidence_upload(*, objection: Objection, uploads: Iterable, actor) -> None:
    from housing.archive.models import Category, OwnerKind, Stage
    from housing.archive.services import document_upload

    stage = {
        ReviewLevel.STREET: Stage.STREET_REVIEW,
        ReviewLevel.DISTRICT: Stage.DISTRICT_REVIEW,
        ReviewLevel.CITY: Stage.CITY_REVIEW,
    }[ReviewLevel(objection.level)]
    for upload in uploads:
        try:
            document_upload(
                actor=actor,
                upload=upload,
                name=_("举报证据：%(name)s") % {"name": upload.name},
                category=Category.OTHER,
                stage=stage,
                region_code=objection.region_code,
                owner_kind=OwnerKind.CASE,
                owner=objection,
                application_number=objection.application.receipt_number,
            )
        except ValidationError as exc:
            raise ValidationError({"evidence": exc.messages}) from exc


@transaction.atomic
def objection_record(
    *,
    application: Application,
    actor,
    channel: str,
    content: str,
    reporter_name: str,
    reporter_phone: str,
    received_at: datetime.datetime | None = None,
    evidence: Iterable = (),
) -> Objection:
    """登记公示期间举报: only while the case's batch is published; the case is frozen at once."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not code_in_scope(actor, application.region_code) or not actor.has_perm("admission.add_objection"):
        raise PermissionDenied
    entry = objection_entry_for(application)
    if entry is None:
        raise ValidationError(_("本案当前不在公示期内，不能登记公示期间举报。"))
    if not actor.has_perm(LEVEL_PERMISSION[entry.level]):
        raise PermissionDenied(_("公示期间举报由发布公示的本级审核人员登记。"))
    now = timezone.now()
    received_at = received_at or now
    batch = entry.batch
    if received_at > now:
        raise ValidationError({"received_at": _("举报时间不能晚于当前时间。")})
    if received_at < batch.published_at or timezone.localdate(received_at) > batch.end_date:
        raise ValidationError(
            {
                "received_at": _("举报时间不在本案公示期内（%(start)s至%(end)s）。")
                % {"start": timezone.localdate(batch.published_at), "end": batch.end_date}
            }
        )
    year = timezone.localdate(now).year
    objection = Objection(
        number=_next_number(Objection, "number", f"JB-{application.region_code[:6]}-{year}-"),
        entry=entry,
        application=application,
        level=entry.level,
        region_code=application.region_code,
        received_at=received_at,
        channel=channel,
        content=(content or "").strip(),
        reporter_name=(reporter_name or "").strip(),
        reporter_phone=(reporter_phone or "").strip(),
        due_date=WorkingCalendar().add_working_days(timezone.localdate(received_at), objection_time_limit()),
        recorded_by=actor,
        recorded_at=now,
    )
    objection.full_clean(exclude=["state"])
    try:
        with transaction.atomic():
            objection.save()
    except IntegrityError as exc:
        raise ValidationError(_("举报编号生成冲突，请重试。")) from exc
    _evidence_upload(objection=objection, uploads=evidence, actor=actor)
    _record(
        objection,
        actor=actor,
        process_code=OBJECTION_PROCESS_CODE,
        transition="record",
        from_state="",
        opinion=_("%(channel)s举报，查证期限%(due)s")
        % {"channel": objection.get_channel_display(), "due": objection.due_date},
        node=OBJECTION_NODE,
    )
    if application.state == LEVEL_STATE[entry.level]:
        application_transition(
            application=application,
            actor=actor,
            name="freeze",
            opinion=_("收到公示期间举报（%(number)s），暂停办理，待查证。") % {"number": objection.number},
        )
    return objection


def objection_investigator_candidates(*, objection: Objection) -> list:
    """查证人: active staff who review at the objection's level over a region containing the case."""
    from housing.accounts.models import RoleAssignment

    app_label, codename = LEVEL_PERMISSION[objection.level].split(".", 1)
    assignments = (
        RoleAssignment.objects.filter(
            role__group__permissions__codename=codename,
            role__group__permissions__content_type__app_label=app_label,
            user__is_active=True,
        )
        .select_related("user", "region")
        .order_by("user__username")
    )
    users = {}
    for assignment in assignments:
        if objection.region_code.startswith(scope_prefix(assignment.region.code)):
            users.setdefault(assignment.user_id, assignment.user)
    return list(users.values())


@transaction.atomic
def objection_assign(*, objection: Objection, investigator, actor) -> Objection:
    """指派查证人 (or re-assign while pending); the investigator gets a 站内信."""
    from housing.notify.services import notify_send

    objection = Objection.objects.select_for_update().select_related("application").get(pk=objection.pk)
    if not code_in_scope(actor, objection.region_code):
        raise PermissionDenied
    if not actor.has_perm(LEVEL_PERMISSION[objection.level]):
        raise PermissionDenied(_("只有本级审核人员可以指派查证人。"))
    if not objection.is_pending:
        raise ValidationError(_("本举报已有查证结论，不能再指派。"))
    if investigator is None or investigator.pk not in {
        u.pk for u in objection_investigator_candidates(objection=objection)
    }:
        raise ValidationError({"investigator": _("查证人须为本级在岗审核人员，且其管辖区划包含本案。")})
    before = objection.investigator.display_name if objection.investigator_id else ""
    objection.investigator, objection.assigned_by, objection.assigned_at = investigator, actor, timezone.now()
    objection.save(update_fields=["investigator", "assigned_by", "assigned_at"])
    audit_record(
        action=AuditAction.UPDATE,
        obj=objection,
        actor=actor,
        changes={"investigator": [before, investigator.display_name]},
        description=_("指派查证人"),
    )
    publicity_message_templates_sync()
    notify_send(
        template_code="admission.objection_assigned",
        recipient=investigator,
        context={
            "number": objection.number,
            "receipt_number": objection.application.receipt_number,
            "due_date": f"{objection.due_date:%Y-%m-%d}",
        },
    )
    return objection


@transaction.atomic
def objection_decide(
    *, objection: Objection, actor, upheld: bool, verification_method: str, verification_result: str
) -> Objection:
    """查证结论: 属实 → the case is refused (OBJECTION_UPHELD); 不属实 → released when no other report
    on it is pending, and moved on at once if its batch has closed meanwhile."""
    objection = Objection.objects.select_for_update().select_related("entry__batch").get(pk=objection.pk)
    if not code_in_scope(actor, objection.region_code):
        raise PermissionDenied
    if not objection.is_pending:
        raise ValidationError(_("本举报已有查证结论。"))
    if objection.investigator_id is None:
        raise ValidationError(_("请先指派查证人。"))
    if objection.investigator_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied(_("只有被指派的查证人可以录入查证结果。"))
    errors = {}
    verification_method, verification_result = (
        (verification_method or "").strip(),
        (verification_result or "").strip(),
    )
    if not verification_method:
        errors["verification_method"] = _("请填写查证方式。")
    if not verification_result:
        errors["verification_result"] = _("请填写查证结果。")
    if errors:
        raise ValidationError(errors)
    name = "uphold" if upheld else "dismiss"
    _check_transition(objection, name, actor, message=_("只有本级审核人员可以录入查证结论。"))
    getattr(objection, name)()
    objection.verification_method, objection.verification_result = verification_method, verification_result
    objection.decided_by, objection.decided_at = actor, timezone.now()
    objection.full_clean(exclude=["state"])
    objection.save()
    _record(
        objection,
        actor=actor,
        process_code=OBJECTION_PROCESS_CODE,
        transition=name,
        from_state=ObjectionState.PENDING,
        opinion=f"{objection.get_state_display()}：{verification_result}",
        node="decided",
    )
    entry = objection.entry
    application = Application.objects.select_for_update().get(pk=objection.application_id)
    publicity_state = LEVEL_STATE[objection.level]
    if upheld:
        if application.state == publicity_state:
            application = application_transition(
                application=application,
                actor=actor,
                name="freeze",
                opinion=_("公示期间举报（%(number)s）经查证属实。") % {"number": objection.number},
            )
        if application.state == S.FROZEN:
            application_transition(
                application=application,
                actor=actor,
                name="refuse",
                refusal_reason=RefusalReason.OBJECTION_UPHELD,
                opinion=_("公示期间举报（%(number)s）经查证属实：%(result)s")
                % {"number": objection.number, "result": verification_result},
            )
        PublicityEntry.objects.filter(pk=entry.pk).update(passed=False, decided_at=timezone.now())
        return objection
    others = Objection.objects.filter(application=application, state=ObjectionState.PENDING).exclude(
        pk=objection.pk
    )
    if application.state == S.FROZEN and application.frozen_from == publicity_state and not others.exists():
        application_transition(
            application=application,
            actor=actor,
            name="release",
            opinion=_("公示期间举报（%(number)s）经查证不属实，解除冻结：%(result)s")
            % {"number": objection.number, "result": verification_result},
        )
        if entry.batch.state == BatchState.CLOSED:
            # The publicity ended while the case was frozen: it continues as if it had just closed.
            _entry_move_on(entry, opinion=_("公示期满，异议经查证不成立"))
    return objection


ONLINE_OBJECTIONS_PER_DAY = 5


@transaction.atomic
def objection_submit_online(
    *, entry: PublicityEntry, reporter, content: str, evidence: Iterable = ()
) -> Objection:
    """网上举报: a citizen signed in with a real-name account objects to one posted case while its batch is
    in publicity. Recorded as channel 网络 by the system (the reporter is no caseworker), with the
    account's real name and phone as the reporter's; the case is frozen as for any objection."""
    from housing.accounts.system import system_actor

    if not getattr(reporter, "is_applicant", False) or not (reporter.real_name and reporter.phone):
        raise PermissionDenied(_("请使用实名注册的账号登录后举报。"))
    content = (content or "").strip()
    if len(content) < 10:
        raise ValidationError({"content": _("请写明举报的具体事实（至少 10 个字），以便查证。")})
    batch = entry.batch
    if batch.state != BatchState.PUBLISHED or timezone.localdate() > batch.end_date:
        raise ValidationError(_("该公示已不在公示期内，不能网上举报。"))
    since = timezone.now() - datetime.timedelta(days=1)
    if Objection.objects.filter(reporter_account=reporter, recorded_at__gte=since).count() >= (
        ONLINE_OBJECTIONS_PER_DAY
    ):
        raise ValidationError(
            _("同一账号 24 小时内最多网上举报 %(n)s 次，如有更多情况请到发布单位当面反映。")
            % {"n": ONLINE_OBJECTIONS_PER_DAY}
        )
    objection = objection_record(
        application=entry.application,
        actor=system_actor(),
        channel=ObjectionChannel.ONLINE,
        content=content,
        reporter_name=reporter.real_name,
        reporter_phone=reporter.phone,
        evidence=evidence,
    )
    if objection.entry_id != entry.pk:
        raise ValidationError(_("该公示已不在公示期内，不能网上举报。"))
    objection.reporter_account = reporter
    objection.save(update_fields=["reporter_account"])
    return objection
