"""Writes of department checks (issue 4 part 5) and of the automatic path (part 6).

- ``application_checks_after_transition`` is called by ``admission.applications.application_transition``
  after each step and schedules, after commit, the Celery job the step calls for: the checks on submission
  and resubmission, and the next automatic review level when a publicity of an automatic case closes.
- ``check_run_execute`` asks every dataset the rule set needs about every active member through the
  exchange adapters and stores one ``DepartmentCheck`` per member × dataset; runs are kept, never replaced.
- ``application_submission_process`` is the automatic path: 自动受理 → 核查 → 自动审核通过 by the system actor
  through the same transitions, or the case stays in the manual queue with the failing checks in an opinion.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.accounts.scope import code_in_scope
from housing.accounts.system import SYSTEM_USERNAME, system_actor
from housing.exchange.adapters import AdapterError, MirrorAdapter, adapter_for
from housing.exchange.models import Dataset, ImportBatch, ImportStatus, MirrorRecord
from housing.workflow.services import workflow_record_transition

from ..models import (
    LEVEL_PERMISSION,
    Application,
    ApplicationAsset,
    ApplicationState,
    FamilyMember,
    MemberStatus,
    ReviewLevel,
)
from .compare import FamilyContext, Lookup, compare
from .facts import department_facts, facts_as_json
from .mapping import (
    DATASET_ORDER,
    datasets_for_factors,
    factors_of_mode,
    guarantee_mode_for,
    mode_is_automatic,
    tolerances,
)
from .models import (
    BLOCKING_OUTCOMES,
    AutoDecision,
    CheckOutcome,
    CheckRun,
    CheckRunStatus,
    CheckTrigger,
    DepartmentCheck,
)

logger = logging.getLogger(__name__)
S = ApplicationState

# The review decision the system takes at each level on the automatic path.
APPROVE_AT = {
    S.STREET_REVIEW: "street_approve",
    S.DISTRICT_REVIEW: "district_approve",
    S.CITY_REVIEW: "city_approve",
}
REVIEWER_OF = {
    S.STREET_REVIEW: (),
    S.DISTRICT_REVIEW: ("street_reviewer",),
    S.CITY_REVIEW: ("street_reviewer", "district_reviewer"),
}
# The transition recorded (办理记录) when the automatic review hands a case to people.
AUTO_REVIEW_FAILED = "auto_review_failed"


def is_system(user) -> bool:
    return user is not None and user.get_username() == SYSTEM_USERNAME


# --- which datasets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckPlan:
    """What one run asks: the datasets (in display order) and the rule set they come from."""

    codes: list[str]
    datasets: dict[str, Dataset]
    ruleset: dict
    special_group: str
    note: str = ""


def application_check_plan(application: Application, *, on_date: datetime.date) -> CheckPlan:
    """The active datasets the rule set in force needs (``mapping.FACTOR_DATASETS``).

    Without a rule set in force every active dataset is asked, so reviewers still see the departments' data.
    """
    from rules.engine import compiled_in_force

    mode = guarantee_mode_for(
        project_code=application.project_code,
        mode_code=application.mode_code,
        region_code=application.region_code,
    )
    special_group = mode.project.special_group if mode is not None else ""
    active = {d.code: d for d in Dataset.objects.filter(is_active=True)}
    try:
        compiled = compiled_in_force(
            project_code=application.project_code, region_code=application.region_code, on_date=on_date
        )
        compiled_mode = compiled.modes.get(application.mode_code)
        if compiled_mode is None:
            raise ValidationError(_("规则模版没有该保障方式。"))
    except ValidationError as exc:
        order = {code: i for i, code in enumerate(DATASET_ORDER)}
        codes = sorted(active, key=lambda c: (order.get(c, len(order)), c))
        note = _("%(why)s已核查全部数据集。") % {"why": "；".join(exc.messages)}
        return CheckPlan(codes, active, {}, special_group, note)
    needed = datasets_for_factors(factors_of_mode(compiled_mode), special_group=special_group)
    codes = [c for c in needed if c in active]
    info = {"id": compiled.info.id, "version": compiled.info.version, "name": compiled.info.name}
    return CheckPlan(codes, {c: active[c] for c in codes}, info, special_group)


# --- asking the departments -------------------------------------------------------------------------


def _mirror_lookups(codes: list[str], members: list[FamilyMember], now) -> dict[tuple[int, str], Lookup]:
    """``MirrorAdapter.lookup`` for many people and datasets in one query: per person and dataset, the
    newest extract only (an older extract is superseded by the department's newer statement)."""
    by_digest: dict[str, list[FamilyMember]] = {}
    for member in members:
        by_digest.setdefault(member.id_number_digest, []).append(member)
    rows = (
        MirrorRecord.objects.filter(dataset__code__in=codes, id_number_digest__in=list(by_digest))
        .order_by("-source_date", "-id")
        .values_list("dataset__code", "id_number_digest", "values", "source", "source_date")
    )
    found: dict[tuple[str, str], list[dict]] = {}
    for code, digest, values, source, source_date in rows:
        records = found.setdefault((digest, code), [])
        if records and records[0]["source_date"] != source_date:
            continue
        records.append({"values": values, "source": source, "source_date": source_date})
    # "No record" is stated as of the newest file imported for the dataset.
    as_of = dict(
        ImportBatch.objects.filter(
            dataset__code__in=codes, status__in=[ImportStatus.IMPORTED, ImportStatus.PARTIAL]
        )
        .values("dataset__code")
        .annotate(newest=Max("source_date"))
        .values_list("dataset__code", "newest")
    )
    result = {}
    for member in members:
        for code in codes:
            records = found.get((member.id_number_digest, code), [])
            source = records[0]["source"] if records else _("本地镜像")
            date = records[0]["source_date"] if records else as_of.get(code)
            result[(member.pk, code)] = Lookup(
                records=records,
                adapter=MirrorAdapter.source_name,
                source=source,
                checked_at=now,
                source_date=date,
            )
    return result


def _adapter_lookups(code: str, adapter, members: list[FamilyMember]) -> dict[tuple[int, str], Lookup]:
    result = {}
    for member in members:
        checked_at = timezone.now()
        try:
            records = adapter.lookup(code, member.id_number)
        except AdapterError as exc:
            result[(member.pk, code)] = Lookup(
                records=[],
                adapter=adapter.source_name,
                source=getattr(adapter, "url", ""),
                checked_at=checked_at,
                error=str(exc),
            )
            continue
        except Exception as exc:  # a misconfigured adapter must not hide the other departments' answers
            logger.exception("department adapter %s failed", code)
            result[(member.pk, code)] = Lookup(
                records=[],
                adapter=adapter.source_name,
                source=getattr(adapter, "url", ""),
                checked_at=checked_at,
                error=_("部门接口出错：%(error)s") % {"error": type(exc).__name__},
            )
            continue
        result[(member.pk, code)] = Lookup(
            records=records,
            adapter=adapter.source_name,
            source=(records[0].get("source") if records else "") or getattr(adapter, "url", ""),
            checked_at=checked_at,
            source_date=records[0].get("source_date") if records else None,
        )
    return result


def department_lookups(codes: list[str], members: list[FamilyMember]) -> dict[tuple[int, str], Lookup]:
    """Every member in every dataset, through the adapter configured for the dataset (``adapter_for``)."""
    now = timezone.now()
    adapters = {code: adapter_for(code) for code in codes}
    mirrored = [code for code in codes if type(adapters[code]) is MirrorAdapter]
    lookups = _mirror_lookups(mirrored, members, now) if mirrored and members else {}
    for code in codes:
        if code not in mirrored:
            lookups.update(_adapter_lookups(code, adapters[code], members))
    return lookups


def _jsonable_records(records: list[dict]) -> list[dict]:
    return [
        {
            "values": r.get("values") or {},
            "source": r.get("source") or "",
            "source_date": r["source_date"].isoformat()
            if isinstance(r.get("source_date"), datetime.date)
            else r.get("source_date"),
        }
        for r in records
    ]


# --- runs -------------------------------------------------------------------------------------------


@transaction.atomic
def check_run_create(
    *, application: Application, trigger: str, actor, is_automatic: bool = False
) -> CheckRun:
    """A new, pending run numbered after the application's last one (the application row is locked, so two
    runs never take one number)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    last = application.check_runs.aggregate(n=Max("number"))["n"] or 0
    run = CheckRun(
        application=application,
        number=last + 1,
        trigger=trigger,
        stage=application.state,
        requested_by=actor,
        is_automatic=is_automatic,
    )
    run.full_clean()
    run.save()
    return run


def check_run_execute(*, run: CheckRun, on_date: datetime.date | None = None) -> CheckRun:
    """Ask, compare and store. The departments are asked outside any transaction (a live API may be slow);
    the results are written in one. Running a finished run again changes nothing."""
    run = CheckRun.objects.select_related("application__family").get(pk=run.pk)
    if run.is_done:
        return run
    on_date = on_date or timezone.localdate()
    application = run.application
    family = application.family
    plan = application_check_plan(application, on_date=on_date)
    codes, datasets, info, note = plan.codes, plan.datasets, plan.ruleset, plan.note
    members = FamilyMember.objects.filter(family=family, status=MemberStatus.ACTIVE).order_by("pk")
    if all(type(adapter_for(code)) is MirrorAdapter for code in codes):
        members = members.defer("id_number")  # the mirror is read by keyed hash: no need to decrypt
    members = list(members)
    lookups = department_lookups(codes, members)
    context = FamilyContext(
        family=family,
        members=members,
        assets=list(ApplicationAsset.objects.filter(application=application)),
        lookups=lookups,
        datasets=datasets,
        special_group=plan.special_group,
        on_date=on_date,
        tolerances=tolerances(),
    )
    checks = []
    for member in members:
        for code in codes:
            lookup = lookups[(member.pk, code)]
            result = compare(context, member, code, lookup)
            checks.append(
                DepartmentCheck(
                    run=run,
                    application=application,
                    member=member,
                    member_name=member.name,
                    member_relation=member.relation,
                    member_id_masked=member.id_number_masked,
                    dataset_code=code,
                    dataset_name=datasets[code].name if code in datasets else code,
                    adapter=lookup.adapter,
                    source=(lookup.source or "")[:200],
                    source_date=lookup.source_date,
                    checked_at=lookup.checked_at,
                    declared_value=result.declared[:300],
                    department_value=result.department,
                    department_records=_jsonable_records(lookup.records),
                    outcome=result.outcome,
                    note=result.note[:500],
                )
            )
    facts = department_facts(family=family, members=members, checks=checks, on_date=on_date)
    _evaluate(run, application=application, facts=facts, on_date=on_date)
    counts = {outcome: 0 for outcome in CheckOutcome.values}
    for check in checks:
        counts[check.outcome] += 1
    with transaction.atomic():
        locked = CheckRun.objects.select_for_update().get(pk=run.pk)
        if locked.is_done:  # a second delivery of the same job finished first
            return locked
        DepartmentCheck.objects.bulk_create(checks, batch_size=500)
        run.datasets = codes
        run.ruleset_id, run.ruleset_version, run.ruleset_name = (
            info.get("id"),
            info.get("version"),
            info.get("name", ""),
        )
        run.match_count = counts[CheckOutcome.MATCH]
        run.mismatch_count = counts[CheckOutcome.MISMATCH]
        run.no_record_count = counts[CheckOutcome.NO_RECORD]
        run.failed_count = counts[CheckOutcome.FAILED]
        run.error = "；".join(part for part in (note, run.error) if part)
        run.status = CheckRunStatus.DONE
        run.finished_at = timezone.now()
        run.save()
    return run


def _evaluate(run: CheckRun, *, application: Application, facts: dict, on_date: datetime.date) -> None:
    """The rule set evaluated on department data; facts no department holds are the family's declaration."""
    from rules.engine import evaluate
    from rules.factors import providers_all

    from .facts import DepartmentFactsProvider

    # facts_collect without this part's own provider: it would read the previous run, which this one replaces.
    declared: dict = {}
    for provider in providers_all().values():
        if provider.code != DepartmentFactsProvider.code and provider.accepts(application):
            for code, value in provider.facts(application, on_date=on_date).items():
                declared.setdefault(code, value)
    merged = {**declared, **facts}
    run.facts = facts_as_json(merged)
    try:
        result = evaluate(
            facts=merged,
            project_code=application.project_code,
            mode_code=application.mode_code,
            on_date=on_date,
            region_code=application.region_code,
        )
    except ValidationError as exc:
        run.eligible = None
        run.evaluation = {}
        run.error = "；".join(exc.messages)
        return
    run.eligible = result.eligible
    run.evaluation = result.as_dict()


def check_run_request(*, application: Application, actor) -> CheckRun:
    """重新核查: a reviewer of the case's level asks the departments again; the run is done by a Celery job."""
    application = Application.objects.get(pk=application.pk)  # its state now, not when the page was drawn
    level = application.level  # a returned or frozen case: the level it left; a closed case: none
    if not code_in_scope(actor, application.region_code):
        raise PermissionDenied
    if not level:
        raise ValidationError(
            _("本案当前处于“%(state)s”，不能重新核查。") % {"state": application.get_state_display()}
        )
    if not actor.has_perm(LEVEL_PERMISSION[level]):
        raise PermissionDenied(_("只有本案所处层级的审核人员可以重新核查。"))
    pending = application.check_runs.filter(status=CheckRunStatus.PENDING).order_by("-number").first()
    if pending is not None:
        raise ValidationError(_("第 %(n)s 次核查尚在进行，请稍后刷新。") % {"n": pending.number})
    with transaction.atomic():
        run = check_run_create(application=application, trigger=CheckTrigger.MANUAL, actor=actor)
        transaction.on_commit(partial(_enqueue, "run", run.pk), robust=True)
    return run


# --- scheduling (called from application_transition) ---------------------------------------------------


def _enqueue(kind: str, pk: int) -> None:
    from . import tasks

    task = {
        "submission": tasks.application_checks_on_submission,
        "resubmission": tasks.application_checks_on_resubmission,
        "level": tasks.application_automatic_level,
        "run": tasks.check_run_execute_task,
    }[kind]
    task.delay(pk)


def application_checks_after_transition(*, application: Application, name: str) -> None:
    """Schedule, after commit, what a step calls for (no Celery job is sent if the step rolls back).

    ``robust``: where tasks run in-process (the demo, no broker), a failing check is logged and must not turn
    the step, already committed, into an error page.
    """
    if name == "submit":
        transaction.on_commit(partial(_enqueue, "submission", application.pk), robust=True)
    elif name == "resubmit":
        transaction.on_commit(partial(_enqueue, "resubmission", application.pk), robust=True)
    elif application.state in (S.DISTRICT_REVIEW, S.CITY_REVIEW) and name.endswith("_publicity_close"):
        if _on_automatic_path(application):
            transaction.on_commit(partial(_enqueue, "level", application.pk), robust=True)


def _on_automatic_path(application: Application) -> bool:
    """Still automatic: an automatic mode, and every level so far approved by the system (a case a person
    has reviewed stays with people)."""
    fields = REVIEWER_OF.get(application.state)
    if fields is None:
        return False
    for field in fields:
        reviewer = getattr(application, field)
        if not is_system(reviewer):
            return False
    mode = guarantee_mode_for(
        project_code=application.project_code,
        mode_code=application.mode_code,
        region_code=application.region_code,
    )
    return mode_is_automatic(mode)


# --- the automatic path -----------------------------------------------------------------------------


def _run_since(application: Application, *, trigger: str, since, is_automatic: bool, actor) -> CheckRun:
    """The run this job makes, or the one an earlier delivery of the same job made (Celery may deliver a
    job twice): a run of ``trigger`` requested at or after ``since``."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        existing = (
            locked.check_runs.filter(trigger=trigger, requested_at__gte=since).order_by("-number").first()
        )
        if existing is not None:
            return existing
        return check_run_create(application=locked, trigger=trigger, actor=actor, is_automatic=is_automatic)


def application_submission_process(
    *, application_id: int, on_date: datetime.date | None = None
) -> CheckRun | None:
    """On submission: the checks, and for an automatic mode 自动受理 first and the automatic review after."""
    from ..applications import application_transition

    application = Application.objects.filter(pk=application_id).first()
    if application is None or application.state in (S.DRAFT, S.WITHDRAWN):
        return None
    system = system_actor()
    mode = guarantee_mode_for(
        project_code=application.project_code,
        mode_code=application.mode_code,
        region_code=application.region_code,
    )
    automatic = mode_is_automatic(mode) and application.state == S.SUBMITTED
    if automatic:
        try:
            application = application_transition(
                application=application,
                actor=system,
                name="accept",
                opinion=_("系统自动受理（“%(mode)s”为自动审批的保障方式）。") % {"mode": _mode_label(mode)},
                on_date=on_date,
            )
        except (ValidationError, PermissionDenied):
            # Someone took the case in by hand first: it is theirs, the checks are still run.
            automatic = False
    run = _run_since(
        application,
        trigger=CheckTrigger.SUBMISSION,
        since=application.submitted_at or timezone.now(),
        is_automatic=automatic,
        actor=system,
    )
    run = check_run_execute(run=run, on_date=on_date)
    if run.is_automatic and not run.decision:
        automatic_review_decide(run=run, on_date=on_date)
    return run


def application_resubmission_checks(
    *, application_id: int, on_date: datetime.date | None = None
) -> CheckRun | None:
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        return None
    # Each 补件 round is checked anew (the family record may have been corrected): no de-duplication here.
    run = check_run_create(application=application, trigger=CheckTrigger.RESUBMISSION, actor=system_actor())
    return check_run_execute(run=run, on_date=on_date)


def application_automatic_level(
    *, application_id: int, on_date: datetime.date | None = None
) -> CheckRun | None:
    """An automatic case whose publicity closed: check again (the data may have changed during the
    publicity) and review this level the same way."""
    application = Application.objects.filter(pk=application_id).first()
    if application is None or not _on_automatic_path(application):
        return None
    level_field = {S.DISTRICT_REVIEW: "district_reviewer", S.CITY_REVIEW: "city_reviewer"}[application.state]
    if getattr(application, f"{level_field}_id"):
        return None
    run = _run_since(
        application,
        trigger=CheckTrigger.AUTOMATIC,
        since=application.stage_entered_at,
        is_automatic=True,
        actor=system_actor(),
    )
    run = check_run_execute(run=run, on_date=on_date)
    if not run.decision:
        automatic_review_decide(run=run, on_date=on_date)
    return run


def _mode_label(mode) -> str:
    if mode is None:
        return ""
    return f"{mode.project.name}·{mode}"


def automatic_review_problems(run: CheckRun) -> list[str]:
    """Why a run does not allow automatic approval, one line each (empty: it does)."""
    problems = []
    for check in run.checks.filter(outcome__in=BLOCKING_OUTCOMES).order_by("pk"):
        problems.append(
            _("%(member)s·%(dataset)s：%(outcome)s（%(note)s）")
            % {
                "member": check.member_name,
                "dataset": check.dataset_name,
                "outcome": check.get_outcome_display(),
                "note": check.note or check.department_value,
            }
        )
    if run.eligible is not True:
        if run.error and not run.evaluation:
            problems.append(_("规则判断：%(error)s") % {"error": run.error})
        for item in run.evaluation.get("trace", []):
            if item.get("outcome") in ("fail", "unknown"):
                problems.append(
                    _("条件“%(name)s”%(outcome)s：%(why)s")
                    % {
                        "name": item.get("condition"),
                        "outcome": _("不符合") if item["outcome"] == "fail" else _("无法判断"),
                        "why": item.get("explanation"),
                    }
                )
        if not problems:
            problems.append(
                _("按部门数据判断：%(label)s") % {"label": run.evaluation.get("eligible_label") or "—"}
            )
    return problems


def automatic_review_decide(*, run: CheckRun, on_date: datetime.date | None = None) -> CheckRun:
    """自动审核: approve the level as the system actor, or leave the case in the level's manual queue with the
    reasons recorded as an opinion (办理记录) and on the run (部门核查 tab). The system never refuses."""
    from ..applications import PROCESS_CODE, STATE_NODE, application_transition

    system = system_actor()
    application = Application.objects.get(pk=run.application_id)
    approve = APPROVE_AT.get(application.state)
    if approve is None or not run.is_done or run.decision:
        return run
    problems = automatic_review_problems(run)
    level = ReviewLevel(application.level).label
    if not problems:
        opinion = _(
            "系统自动审核通过（%(level)s）：第 %(n)s 次部门核查 %(count)s 项，无不一致或查询失败；"
            "按部门数据，规则“%(ruleset)s”（第 %(version)s 版）的条件全部符合。"
        ) % {
            "level": level,
            "n": run.number,
            "count": run.match_count + run.no_record_count,
            "ruleset": run.ruleset_name,
            "version": run.ruleset_version,
        }
        try:
            application_transition(
                application=application, actor=system, name=approve, opinion=opinion, on_date=on_date
            )
        except (ValidationError, PermissionDenied) as exc:
            # The case moved on by hand meanwhile (or the step is not allowed): it stays with people.
            problems = [
                _("自动审核未能办理：%(why)s") % {"why": "；".join(getattr(exc, "messages", [str(exc)]))}
            ]
        else:
            CheckRun.objects.filter(pk=run.pk).update(
                decision=AutoDecision.APPROVED, decision_opinion=opinion
            )
            run.decision, run.decision_opinion = AutoDecision.APPROVED, opinion
            return run
    opinion = _("系统自动审核未通过（%(level)s），转人工审核。未通过项：\n%(items)s") % {
        "level": level,
        "items": "\n".join(f"{i}. {p}" for i, p in enumerate(problems, start=1)),
    }
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.state == application.state:
            # Recorded on the level's node and reopened for people: the queue's due date is unchanged in days.
            workflow_record_transition(
                obj=locked,
                actor=system,
                transition=AUTO_REVIEW_FAILED,
                from_state=locked.state,
                to_state=locked.state,
                opinion=opinion,
                process_code=PROCESS_CODE,
                next_node_code=STATE_NODE[locked.state],
            )
        CheckRun.objects.filter(pk=run.pk).update(decision=AutoDecision.MANUAL, decision_opinion=opinion)
    run.decision, run.decision_opinion = AutoDecision.MANUAL, opinion
    return run
