"""Writes of casework: 核查指派 (home visits) and the housing (A.3.9) and asset (A.3.11) rows of an application.

Every inspection step is a django-fsm transition on ``HomeInspection`` recorded with
``workflow_record_transition`` in its own small process (``admission_inspection``: 指派 → 入户核查 → 完成),
so the visit has a due date in working days from the template, like every other node.
"""

from __future__ import annotations

import datetime
import logging
from pathlib import PurePath
from typing import Any

import django_fsm
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.accounts.identity import id_number_digest, mask_id_number, normalise_id_number
from housing.accounts.scope import code_in_scope
from housing.accounts.services import object_grant_view, object_revoke_view
from housing.archive.models import Category, Document, OwnerKind
from housing.archive.models import Stage as ArchiveStage
from housing.audit.services import AuditAction, audit_record
from housing.workflow.models import (
    NodeInstance,
    NodeKind,
    NodeLink,
    NodeState,
    NodeTemplate,
    ProcessInstance,
    ProcessState,
    ProcessTemplate,
)
from housing.workflow.services import workflow_record_transition

from ..applications import PROCESS_CODE as REVIEW_PROCESS_CODE
from ..models import (
    LEVEL_PERMISSION,
    Application,
    ApplicationAsset,
    ApplicationHousing,
    ApplicationState,
    FamilyMember,
    MemberStatus,
)
from .models import HomeInspection, InspectionState

logger = logging.getLogger(__name__)

S = ApplicationState
INSPECTION_PROCESS_CODE = "admission_inspection"
# (code, name, kind, time limit in working days). Nobody's role handles the visit: a named inspector does.
INSPECTION_NODES = [
    ("assign", "核查指派", NodeKind.START, None),
    ("inspect", "入户核查", NodeKind.TASK, 5),
    ("done", "核查完成", NodeKind.END, None),
]
ARCHIVE_STAGE = {
    "street": ArchiveStage.STREET_REVIEW,
    "district": ArchiveStage.DISTRICT_REVIEW,
    "city": ArchiveStage.CITY_REVIEW,
}
# 住房和资产 are entered at the window: on a draft, or while the case is back for 补件.
EDITABLE_STATES = (S.DRAFT, S.RETURNED)
# States at which a level has a reviewer who can send someone out (a frozen case: the objection's visit).
LEVEL_STATES = (
    S.SUBMITTED,
    S.STREET_REVIEW,
    S.STREET_PUBLICITY,
    S.DISTRICT_REVIEW,
    S.DISTRICT_PUBLICITY,
    S.CITY_REVIEW,
    S.CITY_PUBLICITY,
    S.RETURNED,
    S.FROZEN,
)
INSPECTOR_PERMISSION = "admission.view_homeinspection"


def ensure_inspection_template() -> ProcessTemplate:
    """The active 「入户核查」 process template (version 1 created if the process has no version yet)."""
    template = ProcessTemplate.objects.filter(code=INSPECTION_PROCESS_CODE, is_active=True).first()
    if template is not None:
        return template
    template, created = ProcessTemplate.objects.get_or_create(
        code=INSPECTION_PROCESS_CODE,
        version=1,
        defaults={
            "name": "入户核查",
            "description": "审核人指派核查人入户核查，核查人录入核查结果和照片。",
            "category": "准入登记",
            "is_active": True,
        },
    )
    if created:
        nodes = [
            NodeTemplate.objects.create(
                process=template, code=code, name=name, kind=kind, time_limit_days=limit, order=order * 10
            )
            for order, (code, name, kind, limit) in enumerate(INSPECTION_NODES)
        ]
        for before, after in zip(nodes, nodes[1:], strict=False):
            NodeLink.objects.create(process=template, from_node=before, to_node=after, priority=10)
    elif not template.is_active:
        template.is_active = True
        template.save(update_fields=["is_active"])
    return template


# --- the grant on the case ----------------------------------------------------------------------------


def _case_processes(application: Application):
    return ProcessInstance.objects.filter(
        content_type=ContentType.objects.get_for_model(Application),
        object_id=str(application.pk),
        process_code=REVIEW_PROCESS_CODE,
    )


def _grant_case(application: Application, *, inspector, actor) -> None:
    """核查指派: the inspector may open this case (and only it) outside their region."""
    instance = (
        _case_processes(application)
        .order_by(
            # The running case first; a finished one still stands for the application.
            "-started_at"
        )
        .exclude(state=ProcessState.CANCELLED)
        .first()
    )
    if instance is None:
        raise ValidationError(_("本案尚未进入办理流程，不能指派入户核查。"))
    object_grant_view(obj=instance, user=inspector, actor=actor)


def _revoke_case(application: Application, *, inspector, actor) -> None:
    still_open = HomeInspection.objects.filter(
        application=application, inspector=inspector, state=InspectionState.ASSIGNED
    ).exists()
    if still_open:
        return  # another outstanding visit of the same case still needs the grant
    for instance in _case_processes(application):
        object_revoke_view(obj=instance, user=inspector, actor=actor)


# --- 核查指派 --------------------------------------------------------------------------------------------


def inspection_may_assign(*, application: Application, user) -> bool:
    """A reviewer of the level the case is at, inside their region, while the case is open."""
    level = application.level
    return (
        bool(level)
        and user.has_perm(LEVEL_PERMISSION[level])
        and code_in_scope(user, application.region_code)
    )


def inspection_may_revoke(*, inspection: HomeInspection, user) -> bool:
    """A reviewer of the level that sent the inspector, inside their region, while the visit is outstanding."""
    return (
        inspection.is_open
        and code_in_scope(user, inspection.region_code)
        and django_fsm.has_transition_perm(inspection.revoke, user)
    )


def _record(inspection: HomeInspection, *, actor, transition: str, from_state: str, opinion: str):
    return workflow_record_transition(
        obj=inspection,
        actor=actor,
        transition=transition,
        from_state=from_state,
        to_state=inspection.state,
        opinion=opinion,
        process_code=INSPECTION_PROCESS_CODE,
    )


def _notify_inspector(inspection: HomeInspection) -> None:
    """A 新待办 in-site message to the inspector (stored with the assignment, sent after commit)."""
    from housing.notify.services import notify_send

    inspector = inspection.inspector
    try:
        notify_send(
            template_code="workflow.node_opened",
            recipient=inspector,
            context={
                "name": inspector.display_name,
                "case_title": str(inspection),
                "node_name": _("入户核查"),
                "due_date": f"{inspection.due_date:%Y-%m-%d}" if inspection.due_date else "",
                "url": inspection.get_absolute_url(),
            },
            channels=("site",),
        )
    except ValidationError:
        # The notice template is missing: the task still shows in 我的核查任务.
        logger.warning(
            "inspection %s: no workflow.node_opened template, inspector not messaged", inspection.pk
        )


@transaction.atomic
def inspection_assign(
    *, application: Application, inspector, instructions: str = "", actor
) -> HomeInspection:
    """指派入户核查: a named inspector visits the family; they may see this case until the visit ends."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not code_in_scope(actor, application.region_code):
        raise PermissionDenied
    level = application.level
    if not level or application.state not in LEVEL_STATES:
        raise ValidationError(
            _("本案当前处于“%(state)s”，不能指派入户核查。") % {"state": application.get_state_display()}
        )
    if not actor.has_perm(LEVEL_PERMISSION[level]):
        raise PermissionDenied(_("只有本案所在层级的审核人可以指派入户核查。"))
    if inspector is None or not inspector.is_active or inspector.is_applicant:
        raise ValidationError({"inspector": _("请选择在岗的工作人员作为核查人。")})
    if not inspector.has_perm(INSPECTOR_PERMISSION):
        raise ValidationError({"inspector": _("该工作人员没有入户核查的职责。")})
    if HomeInspection.objects.filter(
        application=application, inspector=inspector, state=InspectionState.ASSIGNED
    ).exists():
        raise ValidationError({"inspector": _("该核查人已有本案未完成的入户核查。")})
    inspection = HomeInspection(
        application=application,
        region_code=application.region_code,
        level=level,
        inspector=inspector,
        instructions=(instructions or "").strip(),
        assigned_by=actor,
        assigned_at=timezone.now(),
    )
    inspection.full_clean(exclude=["state"])
    inspection.save()
    ensure_inspection_template()
    _record(
        inspection,
        actor=actor,
        transition="assign",
        from_state="",
        opinion=_("指派%(name)s入户核查。%(text)s")
        % {"name": inspector.display_name, "text": inspection.instructions},
    )
    # 核查期限: the open 入户核查 node's due date, in working days from the process template.
    inspection.due_date = (
        NodeInstance.objects.filter(
            process__content_type=ContentType.objects.get_for_model(HomeInspection),
            process__object_id=str(inspection.pk),
            state=NodeState.OPEN,
        )
        .values_list("due_date", flat=True)
        .first()
    )
    inspection.save(update_fields=["due_date"])
    _grant_case(application, inspector=inspector, actor=actor)
    _notify_inspector(inspection)
    return inspection


def _locked(inspection: HomeInspection) -> HomeInspection:
    return (
        HomeInspection.objects.select_for_update(of=("self",))
        .select_related("application", "inspector")
        .get(pk=inspection.pk)
    )


@transaction.atomic
def inspection_record(
    *,
    inspection: HomeInspection,
    actor,
    visited_on: datetime.date,
    persons_met: str,
    living_situation: str,
    matches_declaration: bool | None,
    findings: str,
) -> HomeInspection:
    """录入核查结果: the inspector's findings; the visit is done and the case grant ends."""
    inspection = _locked(inspection)
    if not django_fsm.can_proceed(inspection.complete):
        raise ValidationError(
            _("本次核查当前为“%(state)s”，不能录入核查结果。") % {"state": inspection.get_state_display()}
        )
    if not django_fsm.has_transition_perm(inspection.complete, actor):
        raise PermissionDenied(_("只有被指派的核查人可以录入核查结果。"))
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if visited_on is None:
        errors["visited_on"] = _("请填写核查日期。")
    elif visited_on > today:
        errors["visited_on"] = _("核查日期不能晚于今天。")
    elif visited_on < timezone.localtime(inspection.assigned_at).date():
        errors["visited_on"] = _("核查日期不能早于指派日期。")
    for field, value, message in (
        ("persons_met", persons_met, _("请填写入户时见到的人员。")),
        ("living_situation", living_situation, _("请填写实际居住情况。")),
        ("findings", findings, _("请填写核查情况说明。")),
    ):
        if not (value or "").strip():
            errors[field] = message
    if matches_declaration is None:
        errors["matches_declaration"] = _("请选择核查情况是否与申报一致。")
    if errors:
        raise ValidationError(errors)
    inspection.visited_on = visited_on
    inspection.persons_met = persons_met.strip()
    inspection.living_situation = living_situation.strip()
    inspection.matches_declaration = matches_declaration
    inspection.findings = findings.strip()
    inspection.completed_at = timezone.now()
    inspection.complete()
    inspection.full_clean(exclude=["state"])
    inspection.save()
    verdict = _("与申报一致") if matches_declaration else _("与申报不一致")
    _record(
        inspection,
        actor=actor,
        transition="complete",
        from_state=InspectionState.ASSIGNED,
        opinion=f"{verdict}。{inspection.findings}",
    )
    _revoke_case(inspection.application, inspector=inspection.inspector, actor=actor)
    return inspection


@transaction.atomic
def inspection_revoke(*, inspection: HomeInspection, actor, reason: str) -> HomeInspection:
    """撤销指派: the visit is called off and the inspector no longer sees the case."""
    inspection = _locked(inspection)
    if not code_in_scope(actor, inspection.region_code):
        raise PermissionDenied
    if not django_fsm.can_proceed(inspection.revoke):
        raise ValidationError(
            _("本次核查当前为“%(state)s”，不能撤销。") % {"state": inspection.get_state_display()}
        )
    if not django_fsm.has_transition_perm(inspection.revoke, actor):
        raise PermissionDenied(_("只有本案所在层级的审核人可以撤销入户核查。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写撤销原因。")})
    inspection.revoke()
    inspection.revoked_by = actor
    inspection.revoked_at = timezone.now()
    inspection.revoke_reason = reason[:200]
    inspection.full_clean(exclude=["state"])
    inspection.save()
    _record(inspection, actor=actor, transition="revoke", from_state=InspectionState.ASSIGNED, opinion=reason)
    _revoke_case(inspection.application, inspector=inspection.inspector, actor=actor)
    return inspection


@transaction.atomic
def inspection_photo_add(*, inspection: HomeInspection, actor, upload, caption: str = "") -> Document:
    """核查照片: a JPEG or PNG checked by content, filed in the archive for the case (一事一档).

    The inspector may work outside their region (that is what the grant is for), so the archive's
    upload service, which requires the uploader's own scope, is not used: the assignment is the
    authority here. The rest is the archive's own path (content check, content-addressed blob,
    gap-free archive number, audit event).
    """
    from housing.archive.services import _next_archive_number, _store
    from housing.archive.validators import validate_upload

    inspection = _locked(inspection)
    if inspection.state != InspectionState.ASSIGNED:
        raise ValidationError(_("核查已结束，不能再添加照片。"))
    if actor.pk != inspection.inspector_id:
        raise PermissionDenied(_("只有被指派的核查人可以上传核查照片。"))
    fmt = validate_upload(upload)
    if fmt.kind not in ("jpeg", "png"):
        raise ValidationError({"file": _("核查照片只能是 JPEG 或 PNG 图片。")})
    application = inspection.application
    count = inspection.photos.count()
    caption = (caption or "").strip()
    name = _("入户核查照片%(n)s") % {"n": count + 1}
    if caption:
        name = f"{name}：{caption}"
    document = Document(
        region_code=application.region_code,
        name=name[:200],
        category=Category.PHOTO,
        stage=ARCHIVE_STAGE.get(inspection.level, ArchiveStage.OTHER),
        owner_kind=OwnerKind.CASE,
        application_number=application.receipt_number,
        owner_content_type=ContentType.objects.get_for_model(Application),
        owner_object_id=str(application.pk),
        archive_number=_next_archive_number(application.region_code),
    )
    document = _store(document=document, upload=upload, fmt=fmt, actor=actor)
    audit_record(
        action=AuditAction.CREATE,
        obj=document,
        actor=actor,
        changes={"sha256": document.sha256, "size": document.size, "inspection": inspection.pk},
        description=_("上传入户核查照片 %(number)s（%(file)s）")
        % {"number": document.archive_number, "file": PurePath(document.original_filename).name},
    )
    inspection.photos.add(document)
    return document


# --- 住房 (A.3.9) and 资产 (A.3.11) ------------------------------------------------------------------


def holdings_editable(*, application: Application, user) -> bool:
    return (
        application.state in EDITABLE_STATES
        and user.has_perm("admission.change_application")
        and code_in_scope(user, application.region_code)
    )


def _check_editable(application: Application, actor) -> None:
    if not code_in_scope(actor, application.region_code):
        raise PermissionDenied
    if not actor.has_perm("admission.change_application"):
        raise PermissionDenied(_("您没有修改申请的权限。"))
    if application.state not in EDITABLE_STATES:
        raise ValidationError(
            _("本案当前处于“%(state)s”，只有草稿或退回补件的申请可以修改住房和资产信息。")
            % {"state": application.get_state_display()}
        )


def _active_member_digests(application: Application) -> set[str]:
    return set(
        FamilyMember.objects.filter(family_id=application.family_id, status=MemberStatus.ACTIVE).values_list(
            "id_number_digest", flat=True
        )
    )


HOUSING_FIELDS = [
    f.name
    for f in ApplicationHousing._meta.concrete_fields
    if f.name not in ("id", "application", "registration_year", "owner_id_masked")
]
ASSET_FIELDS = ["asset_number", "owner_name", "category", "quantity", "total_value"]


def _housing_apply(housing: ApplicationHousing, *, application: Application, data: dict[str, Any]) -> None:
    # 产权人身份证 left blank on an edit keeps the number checked when it was entered.
    checked_member_id = housing.owner_is_member and bool(housing.owner_id_masked)
    for field in HOUSING_FIELDS:
        if field in data:
            setattr(housing, field, data[field])
    errors: dict[str, list[str]] = {}
    owner_id = (data.get("owner_id_number") or "").strip()
    if owner_id:
        try:
            owner_id = normalise_id_number(owner_id)
        except ValidationError as exc:
            errors["owner_id_number"] = exc.messages
        else:
            housing.owner_id_masked = mask_id_number(owner_id)
    if housing.owner_is_member:
        if not owner_id and not checked_member_id and "owner_id_number" not in errors:
            errors["owner_id_number"] = [_("产权人是家庭成员时须填写产权人身份证号码。")]
        elif owner_id and "owner_id_number" not in errors:
            if id_number_digest(owner_id) not in _active_member_digests(application):
                errors["owner_id_number"] = [_("该身份证号码不是本户在册成员，请核对。")]
    if not (housing.address_road or "").strip() and not (housing.housing_number or "").strip():
        errors["address_road"] = [_("请填写房屋地址（路、街、巷或小区），或房屋编号。")]
    if housing.floor_area is not None and housing.floor_area <= 0:
        errors["floor_area"] = [_("建筑面积须大于0。")]
    if housing.ownership_share is not None and housing.ownership_share > 100:
        errors["ownership_share"] = [_("产权比例不能超过100。")]
    if housing.built_year is not None and not 1900 <= housing.built_year <= timezone.localdate().year:
        errors["built_year"] = [_("建成年份应在1900年至今年之间。")]
    if errors:
        raise ValidationError(errors)
    housing.registration_year = application.family.registration_year
    housing.full_clean()


# Housing (A.3.9) and asset (A.3.11) rows share one way of being added, changed and removed: the application
# locked and editable, the row checked by its ``apply``, history and audit written with the case's number.
ROW_LABELS = {
    ApplicationHousing: gettext_lazy("申请家庭住房"),
    ApplicationAsset: gettext_lazy("申请家庭资产"),
}
ROW_APPLY = {}  # filled below: model → apply function


def _locked_application(pk: int, actor) -> Application:
    application = Application.objects.select_for_update(of=("self",)).select_related("family").get(pk=pk)
    _check_editable(application, actor)
    return application


def _row_audit(row, *, action: str, verb: str, application: Application, actor) -> None:
    audit_record(
        action=action,
        obj=row,
        actor=actor,
        region_code=application.region_code,
        description=_("%(verb)s%(label)s：%(number)s")
        % {"verb": verb, "label": ROW_LABELS[type(row)], "number": application.receipt_number},
    )


@transaction.atomic
def _row_save(row, *, application_pk: int, data: dict[str, Any], actor):
    """Add (``row`` unsaved) or change one row of an application on a draft or returned case."""
    application = _locked_application(application_pk, actor)
    is_new = row.pk is None
    if is_new:
        row.application = application
    else:
        row = type(row).objects.get(pk=row.pk)
    ROW_APPLY[type(row)](row, application=application, data=data)
    row._history_user = actor
    row.save()
    _row_audit(
        row,
        action=AuditAction.CREATE if is_new else AuditAction.UPDATE,
        verb=_("登记") if is_new else _("修改"),
        application=application,
        actor=actor,
    )
    return row


@transaction.atomic
def _row_remove(row, *, actor) -> None:
    """A row entered in error goes; its history (django-simple-history) keeps what it was."""
    application = _locked_application(row.application_id, actor)
    _row_audit(row, action=AuditAction.DELETE, verb=_("删除"), application=application, actor=actor)
    row._history_user = actor
    row.delete()


def application_housing_add(*, application: Application, data: dict[str, Any], actor) -> ApplicationHousing:
    """登记一处住房 (A.3.9) on a draft or returned application."""
    return _row_save(ApplicationHousing(), application_pk=application.pk, data=data, actor=actor)


def application_housing_update(
    *, housing: ApplicationHousing, data: dict[str, Any], actor
) -> ApplicationHousing:
    return _row_save(housing, application_pk=housing.application_id, data=data, actor=actor)


def application_housing_remove(*, housing: ApplicationHousing, actor) -> None:
    _row_remove(housing, actor=actor)


def _asset_apply(asset: ApplicationAsset, *, application: Application, data: dict[str, Any]) -> None:
    for field in ASSET_FIELDS:
        if field in data:
            setattr(asset, field, data[field])
    errors: dict[str, list[str]] = {}
    if asset.quantity is not None and asset.quantity < 1:
        errors["quantity"] = [_("数量至少为1。")]
    if errors:
        raise ValidationError(errors)
    asset.registration_year = application.family.registration_year
    asset.full_clean()


def application_asset_add(*, application: Application, data: dict[str, Any], actor) -> ApplicationAsset:
    """登记一项资产 (A.3.11) on a draft or returned application."""
    return _row_save(ApplicationAsset(), application_pk=application.pk, data=data, actor=actor)


def application_asset_update(*, asset: ApplicationAsset, data: dict[str, Any], actor) -> ApplicationAsset:
    return _row_save(asset, application_pk=asset.application_id, data=data, actor=actor)


def application_asset_remove(*, asset: ApplicationAsset, actor) -> None:
    _row_remove(asset, actor=actor)


ROW_APPLY.update({ApplicationHousing: _housing_apply, ApplicationAsset: _asset_apply})
