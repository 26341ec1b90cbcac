"""复核申请 (issue 4 part 9): a refused applicant asks, within the appeal period, for the refusal to be
looked at again by the level that refused — by a reviewer other than the one who refused.

Upheld (复核成立) → the case returns to that level's review (``Application.reopen``); not upheld (维持原
决定) → it stays refused. Both are recorded (process ``admission_appeal``) and the applicant is told.
"""

from __future__ import annotations

import django_fsm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.accounts.scope import code_in_scope
from housing.documents.services import document_number_next
from housing.workflow.services import workflow_record_transition

from ..applications import PROCESS_CODE as REVIEW_PROCESS
from ..applications import STATE_NODE, _check_no_double_application
from ..models import Application, ApplicationState, ReviewLevel
from .models import DecisionNotice, DecisionNoticeKind, ReviewAppeal
from .notices import appeal_days, appeal_deadline, chinese_date, notify_applicant
from .processes import APPEAL_PROCESS, registry_processes_sync

ADD_PERMISSION = "admission.add_reviewappeal"


def appeal_refusal_notice(application: Application) -> DecisionNotice | None:
    """The notice of the refusal in force (None unless the case is refused now)."""
    if application.state != ApplicationState.REFUSED:
        return None
    return (
        DecisionNotice.objects.filter(application=application, kind=DecisionNoticeKind.REFUSED)
        .order_by("-decision_at", "-pk")
        .first()
    )


def appeal_may_record(*, application: Application, user) -> bool:
    """Whether to offer 「登记复核申请」 on the case page (the service checks again, with reasons)."""
    if not user.has_perm(ADD_PERMISSION) or not code_in_scope(user, application.region_code):
        return False
    notice = appeal_refusal_notice(application)
    return (
        notice is not None
        and not ReviewAppeal.objects.filter(notice=notice).exists()
        and timezone.localdate() <= appeal_deadline(notice)
    )


@transaction.atomic
def appeal_create(*, application: Application, actor, reason: str, appellant_name: str = "") -> ReviewAppeal:
    """登记复核申请 on the day it is handed in; refused after the appeal period with the dates."""
    if not actor.has_perm(ADD_PERMISSION):
        raise PermissionDenied(_("您没有登记复核申请的权限。"))
    application = Application.objects.select_for_update().select_related("family").get(pk=application.pk)
    if not code_in_scope(actor, application.region_code):
        raise PermissionDenied
    notice = appeal_refusal_notice(application)
    if notice is None:
        raise ValidationError(_("只有不予登记的申请才能申请复核。"))
    earlier = ReviewAppeal.objects.filter(notice=notice).first()
    if earlier is not None:
        raise ValidationError(
            _("本次不予登记决定已登记过复核申请（%(number)s，%(state)s），不能重复申请。")
            % {"number": earlier.number, "state": earlier.get_state_display()}
        )
    today = timezone.localdate()
    deadline = appeal_deadline(notice)
    if today > deadline:
        raise ValidationError(
            _(
                "已超过复核申请期限：不予登记通知书于%(issued)s出具，复核申请须在%(days)s日内"
                "（%(deadline)s前，含当日）提出，不予受理。"
            )
            % {
                "issued": chinese_date(notice.issued_at or notice.decision_at),
                "days": appeal_days(),
                "deadline": chinese_date(deadline),
            }
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写复核理由。")})
    appeal = ReviewAppeal(
        number=document_number_next(prefix=f"FH-{application.region_code[:6]}", year=today.year),
        application=application,
        notice=notice,
        region_code=application.region_code,
        level=notice.level,
        refused_by=notice.decided_by,
        received_on=today,
        deadline=deadline,
        appellant_name=(appellant_name or "").strip() or application.family.applicant_name,
        reason=reason,
        recorded_by=actor,
    )
    appeal.full_clean(exclude=["state"])  # protected FSM field: set by transitions only
    appeal.save()
    registry_processes_sync()
    workflow_record_transition(
        obj=appeal,
        actor=actor,
        transition="submit",
        from_state="",
        to_state=appeal.state,
        opinion=reason,
        process_code=APPEAL_PROCESS,
        next_node_code=appeal.level,
    )
    return appeal


@transaction.atomic
def appeal_decide(*, appeal: ReviewAppeal, actor, upheld: bool, opinion: str) -> ReviewAppeal:
    """复核: upheld reopens the case at the refusing level's review; otherwise the refusal stands."""
    appeal = ReviewAppeal.objects.select_for_update().get(pk=appeal.pk)
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationError({"opinion": _("请填写复核意见。")})
    if not code_in_scope(actor, appeal.region_code):
        raise PermissionDenied
    name = "uphold" if upheld else "dismiss"
    method = getattr(appeal, name)
    if not django_fsm.can_proceed(method):
        raise ValidationError(
            _("该复核申请已办结（%(state)s），不能重复办理。") % {"state": appeal.get_state_display()}
        )
    if not django_fsm.has_transition_perm(method, actor):
        raise PermissionDenied(
            _("只有%(level)s审核人员可以办理本复核申请。") % {"level": ReviewLevel(appeal.level).label}
        )
    if appeal.refused_by_id and appeal.refused_by_id == actor.pk:
        raise ValidationError(_("复核须由原决定人以外的审核人员办理：您作出了本案的不予登记决定。"))
    before = appeal.state
    method()
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    appeal.decision_opinion = opinion
    appeal.full_clean(exclude=["state"])
    appeal.save()
    registry_processes_sync()
    workflow_record_transition(
        obj=appeal,
        actor=actor,
        transition=name,
        from_state=before,
        to_state=appeal.state,
        opinion=opinion,
        process_code=APPEAL_PROCESS,
    )
    application = _reopen(appeal, actor=actor, opinion=opinion) if upheld else appeal.application
    level = ReviewLevel(appeal.level).label
    decision = _("复核成立，本案恢复至%(level)s审核") % {"level": level} if upheld else _("维持不予登记决定")
    notify_applicant(
        family=application.family,
        template_code="admission.appeal_decided",
        context={
            "receipt_number": application.receipt_number,
            "appeal_number": appeal.number,
            "decision": decision,
            "opinion": opinion,
        },
    )
    return appeal


def _reopen(appeal: ReviewAppeal, *, actor, opinion: str) -> Application:
    application = (
        Application.objects.select_for_update().select_related("family").get(pk=appeal.application_id)
    )
    application.reopen_level = appeal.level
    if not django_fsm.can_proceed(application.reopen):
        raise ValidationError(
            _("本案当前处于“%(state)s”，不能恢复审核。") % {"state": application.get_state_display()}
        )
    if not django_fsm.has_transition_perm(application.reopen, actor):
        raise PermissionDenied(_("您没有在本阶段办理此操作的权限。"))
    # While refused the family's people were free to apply again: they may not be in two cases.
    _check_no_double_application(application)
    from_state = application.state
    application.reopen()
    application.refusal_reason = ""
    application.refusal_text = ""
    application.frozen_from = ""
    application.returned_from = ""
    application.decided_at = None
    application.stage_entered_at = timezone.now()
    application.full_clean(exclude=["state"])  # protected FSM field: set by transitions only
    application.save()
    workflow_record_transition(
        obj=application,
        actor=actor,
        transition="reopen",
        from_state=from_state,
        to_state=application.state,
        opinion=_("复核成立（%(number)s）：%(opinion)s") % {"number": appeal.number, "opinion": opinion},
        process_code=REVIEW_PROCESS,
        next_node_code=STATE_NODE[application.state],
    )
    return application
