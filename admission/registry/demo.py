"""Demo data of this part: registry entries, waitlist places and notices for the demo cases already decided
(准予登记 / 不予登记), and one pending appeal. Idempotent: a second run adds nothing.

Works on whatever demo applications exist (the applications seeder runs first); with none decided, it only
seeds the notice templates and wordings.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from housing.workflow.models import NodeInstance

from ..models import STATE_LEVEL, Application, ApplicationState, ReviewLevel
from .models import DecisionNotice, DecisionNoticeStatus, RegistryEntry, ReviewAppeal, ReviewAppealState

DEMO_APPEAL_REASON = "家庭成员已于上月失业，收入证明未及时更新，现补交失业登记证明，请求复核。"


def _decision(application: Application) -> tuple[str, object]:
    """(level, actor) of the case's decision, read from its workflow record."""
    content_type = ContentType.objects.get_for_model(Application)
    transition = "refuse" if application.state == ApplicationState.REFUSED else "city_publicity_close"
    node = (
        NodeInstance.objects.filter(
            process__content_type=content_type,
            process__object_id=str(application.pk),
            process__process_code="admission_review",
            transition=transition,
        )
        .select_related("actor")
        .order_by("-finished_at", "-pk")
        .first()
    )
    if application.state == ApplicationState.REGISTERED:
        return ReviewLevel.CITY, (node.actor if node else application.city_reviewer)
    state = node.from_state if node else ""
    if state == ApplicationState.FROZEN:
        state = application.frozen_from
    return STATE_LEVEL.get(state, ReviewLevel.STREET), (node.actor if node else None)


def seed_demo_registry() -> list:
    from housing.accounts.models import User
    from housing.accounts.system import system_actor

    from .appeals import appeal_create, appeal_refusal_notice
    from .notices import appeal_deadline, notice_issue, notice_prepare, notice_templates_seed_demo
    from .services import registry_entry_create

    notice_templates_seed_demo()
    decided = (
        Application.objects.filter(state__in=[ApplicationState.REGISTERED, ApplicationState.REFUSED])
        .select_related("family", "city_reviewer")
        .order_by("pk")
    )
    for application in decided:
        if application.decided_at is None:
            continue  # a case put in a final state without the lifecycle: nothing to notify
        level, actor = _decision(application)
        actor = actor or system_actor()
        if (
            application.state == ApplicationState.REGISTERED
            and not RegistryEntry.objects.filter(application=application).exists()
        ):
            registry_entry_create(application=application, actor=actor)
        notice_prepare(application=application, actor=actor, level=level)
    for notice in DecisionNotice.objects.exclude(issue_status=DecisionNoticeStatus.ISSUED).select_related(
        "decided_by"
    ):
        notice_issue(notice_id=notice.pk, actor=notice.decided_by)

    if not ReviewAppeal.objects.filter(state=ReviewAppealState.PENDING).exists():
        refused = (
            Application.objects.filter(state=ApplicationState.REFUSED, decided_at__isnull=False)
            .exclude(appeals__isnull=False)
            .order_by("-decided_at", "-pk")
            .first()
        )
        notice = appeal_refusal_notice(refused) if refused is not None else None
        # Only within the appeal period (a re-run weeks later does not make a late appeal).
        if notice is not None and timezone.localdate() <= appeal_deadline(notice):
            clerk = User.objects.filter(username="city").first() or system_actor()
            appeal_create(application=refused, actor=clerk, reason=DEMO_APPEAL_REASON)
    return []
