"""Writes of applications (申请) and their review lifecycle (三审核三公示, issue 4 parts 2, 3 and 7).

Every lifecycle step is one django-fsm transition on ``Application`` (its ``permission=`` names the
level's reviewer role), one service here that checks the business rules, and one record through
``housing.workflow.services.workflow_record_transition`` in process ``admission_review``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import django_fsm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.accounts.scope import code_in_scope
from housing.accounts.system import SYSTEM_USERNAME
from housing.regions.codes import scope_prefix
from housing.regions.models import Region
from housing.workflow.models import NodeInstance, NodeState, ProcessInstance, ProcessState
from housing.workflow.services import process_instance_cancel, workflow_record_transition

from .models import (
    INACTIVE_STATES,
    LEVEL_PERMISSION,
    Application,
    ApplicationState,
    Family,
    FamilyMember,
    MemberStatus,
    ProposedPlan,
    RefusalReason,
    ReviewLevel,
)

S = ApplicationState
PROCESS_CODE = "admission_review"
CENT = Decimal("0.01")

# The node of the 「保障资格申请审核」 template (housing.workflow.demo) that handles each state.
STATE_NODE = {
    S.SUBMITTED: "accept",
    S.RETURNED: "accept",  # 补件 is handed in at the street window
    S.STREET_REVIEW: "street_review",
    S.STREET_PUBLICITY: "street_publicity",
    S.DISTRICT_REVIEW: "district_review",
    S.DISTRICT_PUBLICITY: "district_publicity",
    S.CITY_REVIEW: "city_review",
    S.CITY_PUBLICITY: "city_publicity",
    S.REGISTERED: "register",
}
REVIEWER_FIELD = {
    ReviewLevel.STREET: "street_reviewer",
    ReviewLevel.DISTRICT: "district_reviewer",
    ReviewLevel.CITY: "city_reviewer",
}


@dataclass(frozen=True)
class TransitionSpec:
    name: str
    label: Any
    style: str = "primary"
    is_review: bool = False  # a review decision: counts for 同一人不得审核两级


TRANSITIONS: dict[str, TransitionSpec] = {
    spec.name: spec
    for spec in (
        TransitionSpec("submit", gettext_lazy("提交申请")),
        TransitionSpec("accept", gettext_lazy("受理")),
        TransitionSpec("street_approve", gettext_lazy("街道审核通过"), "success", True),
        TransitionSpec("street_publicity_close", gettext_lazy("街道公示期满")),
        TransitionSpec("district_approve", gettext_lazy("区级审核通过"), "success", True),
        TransitionSpec("district_publicity_close", gettext_lazy("区级公示期满")),
        TransitionSpec("city_approve", gettext_lazy("市级审核通过"), "success", True),
        TransitionSpec("city_publicity_close", gettext_lazy("市级公示期满，准予登记")),
        TransitionSpec("request_supplement", gettext_lazy("退回补件"), "warning", True),
        TransitionSpec("resubmit", gettext_lazy("补件后重新提交")),
        TransitionSpec("freeze", gettext_lazy("异议冻结"), "warning"),
        TransitionSpec("release", gettext_lazy("异议不成立，解除冻结")),
        TransitionSpec("withdraw", gettext_lazy("申请人撤回"), "secondary"),
        TransitionSpec("refuse", gettext_lazy("不予登记"), "danger", True),
    )
}


def _region_name(code: str) -> str:
    region = Region.objects.filter(code=code).first()
    return region.full_name() if region is not None else code


def application_family_digests(family: Family) -> set[str]:
    digests = set(
        FamilyMember.objects.filter(family=family, status=MemberStatus.ACTIVE).values_list(
            "id_number_digest", flat=True
        )
    )
    digests.add(family.id_number_digest)
    digests.discard("")
    return digests


def _check_no_double_application(application: Application) -> None:
    """One ID number in at most one active application, as applicant or member, in ANY region.

    The message names the other case's region and stage only: its people may lie outside the
    caseworker's scope (issue 4 part 2, 异地重复申请).
    """
    digests = application_family_digests(application.family)
    clash = (
        Application.objects.exclude(pk=application.pk)
        .exclude(state__in=INACTIVE_STATES)
        .filter(
            Q(family__id_number_digest__in=digests)
            | (
                # A member who left the family after the application was filed still belongs to it.
                Q(family__members__id_number_digest__in=digests)
                & (
                    Q(family__members__status=MemberStatus.ACTIVE)
                    | Q(family__members__removed_at__gt=F("submitted_at"))
                )
            )
        )
        .only("region_code", "state")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            _("本户有人已在%(region)s的一宗申请中（当前阶段：%(stage)s），不能重复申请。")
            % {"region": _region_name(clash.region_code), "stage": clash.get_state_display()}
        )


def _check_project_and_mode(*, project_code: str, mode_code: str, region_code: str) -> None:
    from rules.models import GuaranteeMode, GuaranteeProject

    projects = [
        p
        for p in GuaranteeProject.objects.filter(code=project_code)
        if region_code.startswith(scope_prefix(p.region_code))
    ]
    if not projects:
        raise ValidationError({"project_code": _("本区划没有该保障项目。")})
    if not GuaranteeMode.objects.filter(project__in=projects, code=mode_code).exists():
        raise ValidationError({"mode_code": _("该保障项目没有此保障方式。")})


def _next_receipt_number(region_code: str) -> str:
    """申请编号 SQ-<区县代码>-<年度>-<6位顺序号>, readable over the phone."""
    prefix = f"SQ-{region_code[:6]}-{timezone.localdate().year}-"
    last = (
        Application.objects.filter(receipt_number__startswith=prefix)
        .order_by("-receipt_number")
        .values_list("receipt_number", flat=True)
        .first()
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


def application_create(*, family: Family, project_code: str, mode_code: str, actor) -> Application:
    """发起申请: a draft application of a family for one project and mode (申请编号 given now)."""
    if not code_in_scope(actor, family.region_code):
        raise PermissionDenied
    _check_project_and_mode(project_code=project_code, mode_code=mode_code, region_code=family.region_code)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                application = Application(
                    family=family,
                    region_code=family.region_code,
                    project_code=project_code,
                    mode_code=mode_code,
                    receipt_number=_next_receipt_number(family.region_code),
                    created_by=actor,
                )
                application.full_clean(exclude=["state"])
                application.save()
                return application
        except IntegrityError:
            # Two intakes took the same sequence number at once: take the next one.
            continue
    raise ValidationError(_("申请编号生成冲突，请重试。"))


def application_available_transitions(*, application: Application, user) -> list[TransitionSpec]:
    """The transitions ``user`` may take now, in a stable order (the detail page's buttons)."""
    allowed = {
        t.name
        for t in application.get_available_user_state_transitions(user)  # type: ignore[attr-defined]
    }
    if allowed and not code_in_scope(user, application.region_code):
        return []
    return [spec for name, spec in TRANSITIONS.items() if name in allowed]


def _check_one_level_per_reviewer(application: Application, *, actor) -> None:
    """同一人不得在两级审核同一案件 (issue 4 part 3)."""
    if actor.get_username() == SYSTEM_USERNAME:
        return  # the automatic path approves every level as the system actor (issue 4 part 6)
    level = application.level
    for other_level, field in REVIEWER_FIELD.items():
        if other_level == level:
            continue
        if getattr(application, f"{field}_id") == actor.pk:
            raise ValidationError(
                _("您已在%(level)s审核过本案，不能再参与其他层级的审核。")
                % {"level": ReviewLevel(other_level).label}
            )


def _record(application: Application, *, actor, name: str, from_state: str, opinion: str) -> None:
    to_state = application.state
    if to_state in (S.REFUSED, S.WITHDRAWN):
        workflow_record_transition(
            obj=application,
            actor=actor,
            transition=name,
            from_state=from_state,
            to_state=to_state,
            opinion=opinion,
            process_code=PROCESS_CODE,
            next_node_code=STATE_NODE.get(from_state, "accept"),
        )
        # The case ends here: the node just opened for it is cancelled, its history kept.
        for instance in ProcessInstance.objects.filter(
            process_code=PROCESS_CODE, object_id=str(application.pk), state=ProcessState.RUNNING
        ):
            process_instance_cancel(instance=instance, actor=actor, reason=opinion)
        return
    next_node = STATE_NODE[application.frozen_from if to_state == S.FROZEN else to_state]
    if to_state == S.RETURNED:
        next_node = STATE_NODE[S.RETURNED]
    workflow_record_transition(
        obj=application,
        actor=actor,
        transition=name,
        from_state=from_state,
        to_state=to_state,
        opinion=opinion,
        process_code=PROCESS_CODE,
        next_node_code=next_node,
    )
    if to_state == S.REGISTERED:
        # 登记: the city's decision closes the case's last node at once.
        workflow_record_transition(
            obj=application,
            actor=actor,
            transition="register",
            from_state=to_state,
            to_state=to_state,
            opinion=opinion,
            process_code=PROCESS_CODE,
        )


@transaction.atomic
def application_transition(
    *,
    application: Application,
    actor,
    name: str,
    opinion: str,
    refusal_reason: str = "",
    supplement_items: str = "",
    on_date: datetime.date | None = None,
) -> Application:
    """Take one lifecycle step with the actor's opinion (办理意见, required for every step)."""
    if name not in TRANSITIONS:
        raise ValidationError(_("未知的办理操作。"))
    application = Application.objects.select_for_update().select_related("family").get(pk=application.pk)
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationError({"opinion": _("请填写办理意见。")})
    if not code_in_scope(actor, application.region_code):
        raise PermissionDenied
    method = getattr(application, name)
    if not django_fsm.can_proceed(method):
        raise ValidationError(
            _("本案当前处于“%(state)s”，不能执行“%(action)s”。")
            % {"state": application.get_state_display(), "action": TRANSITIONS[name].label}
        )
    if not django_fsm.has_transition_perm(method, actor):
        raise PermissionDenied(_("您没有在本阶段办理此操作的权限。"))
    if name.endswith("_publicity_close"):
        # Once a case is in a publicity batch, the batch ends its publicity (system actor, Celery beat).
        from .publicity.services import publicity_close_check

        publicity_close_check(application=application, actor=actor)
    spec = TRANSITIONS[name]
    level = application.level
    if spec.is_review:
        _check_one_level_per_reviewer(application, actor=actor)
    if name == "refuse":
        if refusal_reason not in RefusalReason.values:
            raise ValidationError({"refusal_reason": _("请选择不予登记原因。")})
        application.refusal_reason = refusal_reason
        application.refusal_text = opinion
    if name == "request_supplement":
        supplement_items = (supplement_items or "").strip() or opinion
        application.supplement_items = supplement_items
        application.returned_from = application.state
    if name == "freeze":
        application.frozen_from = application.state
    if name == "submit":
        _check_no_double_application(application)
        application.submitted_at = timezone.now()
    if name == "resubmit":
        # People may have been added while the case was out for 补件.
        _check_no_double_application(application)

    from_state = application.state
    method()
    now = timezone.now()
    if spec.is_review and level:
        setattr(application, REVIEWER_FIELD[ReviewLevel(level)], actor)
    if name == "resubmit":
        application.returned_from = ""
    if name == "release":
        application.frozen_from = ""
    if application.state in (S.REGISTERED, S.REFUSED, S.WITHDRAWN):
        application.decided_at = now
    application.stage_entered_at = now
    application.full_clean(exclude=["state"])  # protected FSM field: set by transitions only
    application.save()
    _record(application, actor=actor, name=name, from_state=from_state, opinion=opinion)
    application_due_date_refresh(application=application)
    if application.state in (S.REGISTERED, S.REFUSED):
        # 登记簿 and 轮候 in this transaction; the notice (PDF, SMS) after commit (issue 4 parts 9–10).
        from .registry.services import registry_on_decision

        registry_on_decision(application=application, actor=actor, level=level)
    if name == "street_approve":
        application_plan_propose(application=application, actor=actor, on_date=on_date)
    elif name in ("district_approve", "city_approve"):
        application_plan_confirm(application=application, actor=actor, level=level)
    # 部门核查 on submission, and an automatic case's next level, as Celery jobs after commit (parts 5–6).
    from .checks.services import application_checks_after_transition

    application_checks_after_transition(application=application, name=name)
    return application


def application_due_date_refresh(*, application: Application) -> None:
    """Copy the open node's due date (working days, from the workflow template) onto the case."""
    due = (
        NodeInstance.objects.filter(
            process__process_code=PROCESS_CODE,
            process__object_id=str(application.pk),
            process__state=ProcessState.RUNNING,
            state=NodeState.OPEN,
        )
        .values_list("due_date", flat=True)
        .first()
    )
    Application.objects.filter(pk=application.pk).update(due_date=due)
    application.due_date = due


# --- the proposed plan (拟保障实施方案, issue 4 part 7) ------------------------------------------------


def family_facts(family: Family, *, on_date: datetime.date) -> dict[str, Any]:
    """The facts a family record establishes for the rules engine (admission is their owner)."""
    facts: dict[str, Any] = {
        "household_size": family.household_size,
        "per_capita_annual_income": family.per_capita_income,
        "per_capita_monthly_income": (family.per_capita_income / 12).quantize(CENT, ROUND_HALF_UP),
        "per_capita_floor_area": family.per_capita_floor_area,
        "is_dibao": family.is_subsistence_allowance_family,
        "is_low_income": family.is_low_income,
        "enjoys_housing_security": family.has_received_housing_support,
    }
    applicant = family.members.filter(relation="self", status=MemberStatus.ACTIVE).first()
    if applicant is not None and applicant.birth_date:
        born = applicant.birth_date
        facts["applicant_birth_date"] = born
        facts["applicant_age"] = (
            on_date.year - born.year - ((on_date.month, on_date.day) < (born.month, born.day))
        )
    return facts


class FamilyFactsProvider:
    """Registered with ``rules.factors.provider_register`` from ``AdmissionConfig.ready()``."""

    code = "admission.family"

    def accepts(self, subject: Any) -> bool:
        return isinstance(subject, Family | Application)

    def facts(self, subject: Any, *, on_date: datetime.date) -> dict[str, Any]:
        family = subject.family if isinstance(subject, Application) else subject
        facts = family_facts(family, on_date=on_date)
        if isinstance(subject, Application):
            facts["receipt_number"] = subject.receipt_number
        return facts


def _amount(amounts: dict[str, Any], *codes: str) -> Decimal | None:
    for code in codes:
        value = amounts.get(code)
        if isinstance(value, Decimal):
            return value.quantize(CENT, ROUND_HALF_UP)
    return None


def application_plan_propose(
    *, application: Application, actor, on_date: datetime.date | None = None
) -> ProposedPlan:
    """Ask the rules engine for eligibility and amounts; store the version and the trace."""
    from rules.engine import evaluate
    from rules.factors import facts_collect

    on_date = on_date or timezone.localdate()
    facts = facts_collect(application, on_date=on_date)
    plan = ProposedPlan(
        application=application,
        stage=application.state,
        project_code=application.project_code,
        mode_code=application.mode_code,
        reviewer=actor,
        facts={k: str(v) for k, v in facts.items()},
    )
    try:
        result = evaluate(
            facts=facts,
            project_code=application.project_code,
            mode_code=application.mode_code,
            on_date=on_date,
            region_code=application.region_code,
        )
    except ValidationError as exc:
        # No rule set in force, or a fact of the wrong type: the reviewers see why, in Chinese.
        plan.error = "；".join(exc.messages)
    else:
        plan.eligible = result.eligible
        plan.ruleset_id = result.version.id
        plan.ruleset_version = result.version.version
        plan.ruleset_name = result.version.name
        plan.evaluation = result.as_dict()
        plan.subsidy_amount = _amount(result.amounts, "monthly_subsidy", "subsidy", "quarterly_payment")
        plan.standard_amount = _amount(result.amounts, "monthly_rent", "subsidy_price", "standard")
        plan.allotted_area = _amount(result.amounts, "guaranteed_area", "area")
    plan.plan_number = f"{application.receipt_number}-{application.plans.count() + 1:02d}"
    plan.full_clean()
    plan.save()
    return plan


PLAN_FIELDS = ("subsidy_amount", "standard_amount", "allotted_area", "allotted_layout")


def _plan_copy(
    plan: ProposedPlan, *, application: Application, actor, change_reason: str = ""
) -> ProposedPlan:
    copy = ProposedPlan(
        application=application,
        stage=application.state,
        project_code=plan.project_code,
        mode_code=plan.mode_code,
        ruleset_id=plan.ruleset_id,
        ruleset_version=plan.ruleset_version,
        ruleset_name=plan.ruleset_name,
        eligible=plan.eligible,
        facts=plan.facts,
        evaluation=plan.evaluation,
        error=plan.error,
        reviewer=actor,
        change_reason=change_reason,
        **{field: getattr(plan, field) for field in PLAN_FIELDS},
    )
    copy.plan_number = f"{application.receipt_number}-{application.plans.count() + 1:02d}"
    return copy


@transaction.atomic
def application_plan_revise(*, application: Application, actor, reason: str, **values: Any) -> ProposedPlan:
    """区、市审核确认或调整拟保障方案: a new plan row with the changed amounts; a change needs a reason.

    Only the reviewer of the level the case is at (district or city review) may revise; the street's
    proposal and every earlier row stay as they were.
    """
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.state not in (S.DISTRICT_REVIEW, S.CITY_REVIEW):
        raise ValidationError(_("只有区级、市级审核阶段可以调整拟保障方案。"))
    if not code_in_scope(actor, application.region_code) or not actor.has_perm(
        LEVEL_PERMISSION[application.level]
    ):
        raise PermissionDenied(_("您没有在本阶段调整方案的权限。"))
    latest = application.plans.first()
    if latest is None:
        raise ValidationError(_("本案还没有拟保障方案，不能调整。"))
    plan = _plan_copy(latest, application=application, actor=actor, change_reason=(reason or "").strip())
    for field in PLAN_FIELDS:
        if field in values:
            setattr(plan, field, values[field] if values[field] not in ("", None) else getattr(latest, field))
    changed = [field for field in PLAN_FIELDS if getattr(plan, field) != getattr(latest, field)]
    if not changed:
        raise ValidationError(_("方案没有变化：审核通过即视为确认原方案。"))
    if not plan.change_reason:
        raise ValidationError({"reason": _("调整拟保障方案须填写调整理由。")})
    plan.full_clean()
    plan.save()
    return plan


def application_plan_confirm(*, application: Application, actor, level: str) -> ProposedPlan | None:
    """A district or city approval confirms the plan in force unless that level already revised it."""
    latest = application.plans.first()
    if latest is None or latest.stage == f"{level}_review":
        return None
    plan = _plan_copy(latest, application=application, actor=actor)
    plan.stage = f"{level}_review"
    plan.full_clean()
    plan.save()
    return plan
