"""Writes of the registry (登记簿, A.3.16) and the waitlist (轮候): issue 4 part 10.

``registry_on_decision`` is the hook ``admission.applications.application_transition`` calls when a case
reaches 准予登记 or 不予登记: the registry entry (and, for a housing mode, the waitlist entry) is written in
the same transaction; the notice is prepared now and rendered after commit (``notices.py``).
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import django_fsm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.accounts.scope import code_in_scope
from housing.audit.services import AuditAction, audit_record
from housing.documents.services import document_number_next
from housing.regions.codes import scope_prefix
from housing.workflow.services import workflow_record_transition

from ..models import Application, ApplicationState
from .models import GuaranteeStatus, RegistryEntry, WaitlistEntry, WaitlistStatus
from .processes import REGISTRY_PROCESS, registry_processes_sync
from .sortkey import waitlist_sort_key

CENT = Decimal("0.01")


def registry_on_decision(*, application: Application, actor, level: str | None) -> None:
    """The decision hook (inside ``application_transition``'s transaction)."""
    from .notices import notice_prepare

    if application.state == ApplicationState.REGISTERED:
        registry_entry_create(application=application, actor=actor)
    notice_prepare(application=application, actor=actor, level=level)


def project_and_mode(*, project_code: str, mode_code: str, region_code: str):
    """The rules' GuaranteeProject covering ``region_code`` (the most local one) and its mode, or Nones."""
    from rules.models import GuaranteeMode, GuaranteeProject

    projects = [
        p
        for p in GuaranteeProject.objects.filter(code=project_code)
        if region_code.startswith(scope_prefix(p.region_code))
    ]
    if not projects:
        return None, None
    project = max(projects, key=lambda p: len(scope_prefix(p.region_code)))
    mode = GuaranteeMode.objects.filter(project=project, code=mode_code).first()
    return project, mode


def _divide(total: Decimal, count: int) -> Decimal:
    if not count:
        return Decimal("0.00")
    return (Decimal(total) / count).quantize(CENT, ROUND_HALF_UP)


@transaction.atomic
def registry_entry_create(*, application: Application, actor) -> RegistryEntry:
    """准予登记 → 登记簿: one entry per application, written once (a second call returns the first)."""
    existing = RegistryEntry.objects.filter(application=application).first()
    if existing is not None:
        return existing
    if application.state != ApplicationState.REGISTERED:
        raise ValidationError(_("只有准予登记的申请才能记入登记簿。"))
    family = application.family
    project, mode = project_and_mode(
        project_code=application.project_code,
        mode_code=application.mode_code,
        region_code=application.region_code,
    )
    total_assets = application.assets.aggregate(total=Sum("total_value"))["total"] or Decimal("0.00")
    entry = RegistryEntry(
        application=application,
        family=family,
        region_code=application.region_code,
        application_number=application.receipt_number,
        applicant_name=family.applicant_name,
        id_type=family.id_type,
        id_number=family.id_number,
        id_number_digest=family.id_number_digest,
        id_number_masked=family.id_number_masked,
        phone=family.phone,
        hukou_county=family.hukou_county,
        hukou_street=family.hukou_street,
        hukou_community=family.hukou_community,
        hukou_road=family.hukou_road,
        hukou_number=family.hukou_number,
        hukou_building=family.hukou_building,
        hukou_room=family.hukou_room,
        household_size=family.household_size,
        per_capita_income=family.per_capita_income,
        total_income=family.total_income,
        total_assets=Decimal(total_assets).quantize(CENT, ROUND_HALF_UP),
        per_capita_assets=_divide(total_assets, family.household_size),
        per_capita_floor_area=family.per_capita_floor_area,
        total_floor_area=family.total_floor_area,
        lives_in_shantytown=family.lives_in_shantytown,
        is_subsistence_allowance_family=family.is_subsistence_allowance_family,
        subsistence_certificate_number=family.subsistence_certificate_number,
        applied_at=application.submitted_at,
        income_class=project.income_class if project else "",
        special_group=project.special_group if project else "",
        project_code=application.project_code,
        project_name=project.name if project else "",
        mode_code=application.mode_code,
        mode_kind=mode.kind if mode else "",
        registered_at=application.decided_at or timezone.now(),
        created_by=actor,
    )
    entry.full_clean(exclude=["status"])  # protected FSM field: set by transitions only
    entry.save()
    registry_processes_sync()
    workflow_record_transition(
        obj=entry,
        actor=actor,
        transition="register",
        from_state="",
        to_state=entry.status,
        opinion=_("准予登记，记入登记簿。"),
        process_code=REGISTRY_PROCESS,
        next_node_code="waiting",
    )
    if entry.is_housing_mode:
        waitlist_entry_create(entry=entry, project=project)
    return entry


# --- the waitlist -------------------------------------------------------------------------------------


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def waitlist_rule_key(*, application: Application, on_date: datetime.date) -> dict[str, Any]:
    """The ordering rule of the version in force (rules/ordering.py) applied to the family's facts.

    Returns ``key`` (the rule's tuple, or None), ``values`` ([label, shown value] per criterion), the
    rule set's id and version, and ``error`` (why no key: no rule set in force, a fact of the wrong type).
    """
    from rules.engine import compiled_in_force
    from rules.factors import facts_collect
    from rules.ordering import ordering_rule_for

    try:
        compiled = compiled_in_force(
            project_code=application.project_code, region_code=application.region_code, on_date=on_date
        )
        facts = facts_collect(application, on_date=on_date)
        rule = ordering_rule_for(compiled)
        key = rule.key(facts)
        values = [[str(label), _shown(value)] for label, value in rule.explain(facts)]
    except ValidationError as exc:
        return {
            "key": None,
            "values": [],
            "ruleset_id": None,
            "ruleset_version": None,
            "error": "；".join(exc.messages),
        }
    return {
        "key": key,
        "values": values,
        "ruleset_id": compiled.info.id,
        "ruleset_version": compiled.info.version,
        "error": "",
    }


def waitlist_entry_create(*, entry: RegistryEntry, project=None) -> WaitlistEntry:
    """轮候: the family's place, its sort key computed now by the project's ordering rule."""
    existing = WaitlistEntry.objects.filter(registry_entry=entry).first()
    if existing is not None:
        return existing
    application = entry.application
    registered_at = entry.registered_at
    waitlist_region = project.region_code if project is not None else application.region_code[:4] + "00000000"
    result = waitlist_rule_key(application=application, on_date=timezone.localtime(registered_at).date())
    error = result["error"]
    try:
        sort_key = waitlist_sort_key(result["key"], registered_at=registered_at)
    except ValueError:
        error = _("排序依据的取值无法排序，已排在本轮候名册末尾。")
        sort_key = waitlist_sort_key(None, registered_at=registered_at)
    year = timezone.localtime(registered_at).year
    waitlist = WaitlistEntry(
        registry_entry=entry,
        region_code=entry.region_code,
        waitlist_number=document_number_next(prefix=f"LH-{waitlist_region[:6]}", year=year),
        project_code=entry.project_code,
        mode_code=entry.mode_code,
        waitlist_region_code=waitlist_region,
        sort_key=sort_key,
        sort_values=result["values"],
        ruleset_id=result["ruleset_id"],
        ruleset_version=result["ruleset_version"],
        sort_error=error[:500],
        registered_at=registered_at,
    )
    waitlist.full_clean()
    waitlist.save()
    return waitlist


# --- guarantee status (called by allocation, subsidies and exit) ----------------------------------------


def _transition(entry: RegistryEntry, name: str, actor) -> str:
    if not code_in_scope(actor, entry.region_code):
        raise PermissionDenied
    method = getattr(entry, name)
    if not django_fsm.can_proceed(method):
        raise ValidationError(
            _("登记簿记录当前为“%(status)s”，不能执行此操作。") % {"status": entry.get_status_display()}
        )
    if not django_fsm.has_transition_perm(method, actor):
        raise PermissionDenied(_("您没有变更保障状态的权限。"))
    before = entry.status
    method()
    return before


def _waitlist_follow(entry: RegistryEntry, status: str, now) -> None:
    WaitlistEntry.objects.filter(registry_entry=entry, status=WaitlistStatus.WAITING).update(
        status=status, status_changed_at=now
    )


@transaction.atomic
def registry_entry_start_guarantee(
    *, entry: RegistryEntry, actor, implemented_mode: str = "", opinion: str = "", started_at=None
) -> RegistryEntry:
    """实施保障: 轮候中 → 保障中 (配租配售签约入住, 补贴开始发放); the waitlist place is used up."""
    entry = RegistryEntry.objects.select_for_update().get(pk=entry.pk)
    before = _transition(entry, "start_guarantee", actor)
    entry.guarantee_started_at = started_at or timezone.now()
    entry.implemented_mode = implemented_mode or entry.mode_kind
    entry.full_clean(exclude=["status"])
    entry.save()
    _waitlist_follow(entry, WaitlistStatus.ALLOCATED, entry.guarantee_started_at)
    registry_processes_sync()
    workflow_record_transition(
        obj=entry,
        actor=actor,
        transition="start_guarantee",
        from_state=before,
        to_state=entry.status,
        opinion=opinion or _("实施保障。"),
        process_code=REGISTRY_PROCESS,
        next_node_code="guaranteed",
    )
    return entry


@transaction.atomic
def registry_entry_exit(*, entry: RegistryEntry, actor, reason: str, exited_at=None) -> RegistryEntry:
    """保障退出: from 轮候中 or 保障中; a waiting family leaves the waitlist."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"exit_reason": _("请填写退出原因。")})
    entry = RegistryEntry.objects.select_for_update().get(pk=entry.pk)
    before = _transition(entry, "exit", actor)
    entry.exited_at = exited_at or timezone.now()
    entry.exit_reason = reason[:200]
    entry.full_clean(exclude=["status"])
    entry.save()
    _waitlist_follow(entry, WaitlistStatus.LEFT, entry.exited_at)
    registry_processes_sync()
    workflow_record_transition(
        obj=entry,
        actor=actor,
        transition="exit",
        from_state=before,
        to_state=entry.status,
        opinion=reason,
        process_code=REGISTRY_PROCESS,
        next_node_code="exited",
    )
    return entry


@transaction.atomic
def registry_entry_record_annual_review(*, entry: RegistryEntry, actor, year: int) -> RegistryEntry:
    """最后年审年度: the annual review (配后管理) reports the year it checked the family."""
    if not actor.has_perm("admission.change_registryentry"):
        raise PermissionDenied(_("您没有变更登记簿的权限。"))
    if not code_in_scope(actor, entry.region_code):
        raise PermissionDenied
    entry = RegistryEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status == GuaranteeStatus.EXITED:
        raise ValidationError(_("已退出保障的家庭不再年审。"))
    registered_year = timezone.localtime(entry.registered_at).year
    if year < registered_year or year > timezone.localdate().year:
        raise ValidationError({"last_annual_review_year": _("年审年度须在登记年度与今年之间。")})
    before = entry.last_annual_review_year
    entry.last_annual_review_year = max(year, before or 0)
    entry.full_clean(exclude=["status"])
    entry.save(update_fields=["last_annual_review_year"])
    audit_record(
        action=AuditAction.UPDATE,
        obj=entry,
        actor=actor,
        changes={"last_annual_review_year": [before, entry.last_annual_review_year]},
    )
    return entry
