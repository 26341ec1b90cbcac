"""家庭档案时间线 (issue 4 part 11): every document, check, opinion and state change of a family across all
its applications, in time order, on one page.

The events come from a small registry of sources, so each part of admission adds its own without this
module knowing it::

    from admission.casework.timeline import TimelineEvent, timeline_source_register

    @timeline_source_register
    def publicity_events(family):  # one or two queries, whatever the family's size
        for record in PublicityRecord.objects.filter(application__family=family):
            yield TimelineEvent(at=record.started_on, kind="publicity", title="街道公示开始", ...)

Register from the part's ``hooks.ready()``. A source takes the family (already fetched inside the
user's scope) and returns or yields ``TimelineEvent``s; ``at`` may be a date (read as the start of that day).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Labels of the kinds of event; a source may use a kind of its own (its code is shown then).
KIND_LABELS = {
    "family": gettext_lazy("家庭档案"),
    "application": gettext_lazy("申请"),
    "state": gettext_lazy("办理"),
    "plan": gettext_lazy("资格核算"),
    "document": gettext_lazy("档案"),
    "inspection": gettext_lazy("入户核查"),
    "check": gettext_lazy("部门核查"),
    "publicity": gettext_lazy("公示"),
    "objection": gettext_lazy("异议"),
    "notice": gettext_lazy("通知书"),
    "registry": gettext_lazy("登记簿"),
}
# Past this many events per source a family's page shows the most recent ones only.
SOURCE_LIMIT = 1000


@dataclass(frozen=True)
class TimelineEvent:
    """One line of the timeline.

    ``kind`` a code (see ``KIND_LABELS``); ``title`` what happened; ``detail`` the opinion, finding or
    reason; ``actor`` who did it (a name); ``application`` the 申请编号 it belongs to, if any; ``url`` a page
    with more; ``tone`` a Bootstrap colour for the marker (``success``, ``warning``, ``danger`` …).
    """

    at: datetime.datetime | datetime.date
    kind: str
    title: str
    detail: str = ""
    actor: str = ""
    application: str = ""
    url: str = ""
    tone: str = "secondary"

    @property
    def moment(self) -> datetime.datetime:
        """``at`` as an aware datetime (a date is the start of that day), for sorting and display."""
        at = self.at
        if not isinstance(at, datetime.datetime):
            at = datetime.datetime.combine(at, datetime.time.min)
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
        return at

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))


TimelineSource = Callable[..., Iterable[TimelineEvent]]
_SOURCES: dict[str, TimelineSource] = {}


def timeline_source_register(fn: TimelineSource) -> TimelineSource:
    """Add (or replace, on a second ``ready()``) one source; usable as a decorator."""
    _SOURCES[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn


def timeline_sources() -> list[TimelineSource]:
    return list(_SOURCES.values())


def family_timeline(*, family) -> list[TimelineEvent]:
    """Every registered source's events for ``family``, oldest first (ties keep the sources' order)."""
    events: list[TimelineEvent] = []
    for source in _SOURCES.values():
        events.extend(list(source(family))[:SOURCE_LIMIT])
    events.sort(key=lambda event: event.moment)
    return events


def _name(user) -> str:
    return user.display_name if user is not None else str(_("系统"))


# --- the sources of this part (registered in casework.hooks.ready) -----------------------------------


def family_events(family) -> Iterable[TimelineEvent]:
    """建档, members registered after it, members removed."""
    from ..models import Relation

    yield TimelineEvent(
        at=family.created_at,
        kind="family",
        title=_("建立家庭档案"),
        detail=family.applicant_name,
        actor=_name(family.created_by),
        url=family.get_absolute_url(),
    )
    for member in family.members.select_related("removed_by").order_by("created_at", "pk"):
        if member.relation != Relation.SELF:
            yield TimelineEvent(
                at=member.created_at,
                kind="family",
                title=_("登记家庭成员：%(name)s") % {"name": member.name},
                detail=member.get_relation_display(),
            )
        if member.removed_at is not None:
            yield TimelineEvent(
                at=member.removed_at,
                kind="family",
                title=_("移除家庭成员：%(name)s") % {"name": member.name},
                detail=member.removal_reason,
                actor=_name(member.removed_by),
                tone="warning",
            )


def application_events(family) -> Iterable[TimelineEvent]:
    """Each application's creation, every step of its review (opinion, from → to) and its proposed plans."""
    from housing.workflow.models import NodeInstance, NodeState

    from ..applications import PROCESS_CODE, TRANSITIONS
    from ..models import Application, ApplicationState, ProposedPlan

    applications = {
        str(a.pk): a for a in Application.objects.filter(family=family).select_related("created_by")
    }
    if not applications:
        return
    for application in applications.values():
        yield TimelineEvent(
            at=application.created_at,
            kind="application",
            title=_("发起申请"),
            detail=f"{application.project_code} · {application.mode_code}",
            actor=_name(application.created_by),
            application=application.receipt_number,
            url=application.get_absolute_url(),
        )
    nodes = (
        NodeInstance.objects.filter(
            process__content_type=ContentType.objects.get_for_model(Application),
            process__object_id__in=list(applications),
            process__process_code=PROCESS_CODE,
            state=NodeState.DONE,
        )
        .exclude(transition="")
        .select_related("actor", "process")
        .order_by("finished_at", "pk")
    )
    labels = dict(ApplicationState.choices)
    tones = {ApplicationState.REFUSED: "danger", ApplicationState.RETURNED: "warning"}
    for node in nodes[:SOURCE_LIMIT]:
        application = applications[node.process.object_id]
        spec = TRANSITIONS.get(node.transition)
        moved = node.from_state != node.to_state
        detail = node.opinion
        if moved:
            change = _("办理阶段：%(before)s → %(after)s") % {
                "before": labels.get(node.from_state, node.from_state),
                "after": labels.get(node.to_state, node.to_state),
            }
            detail = f"{change}。{detail}" if detail else change
        yield TimelineEvent(
            at=node.finished_at or node.created_at,
            kind="state",
            title=str(spec.label)
            if spec
            else (node.name if node.transition == "register" else node.transition),
            detail=detail,
            actor=_name(node.actor),
            application=application.receipt_number,
            url=application.get_absolute_url(),
            tone=tones.get(
                node.to_state, "success" if node.to_state == ApplicationState.REGISTERED else "primary"
            ),
        )
    plans = ProposedPlan.objects.filter(application__family=family).select_related("reviewer")
    for plan in plans.order_by("reviewed_at", "pk")[:SOURCE_LIMIT]:
        application = applications.get(str(plan.application_id))
        if plan.error:
            verdict, tone = _("核算失败：%(error)s") % {"error": plan.error}, "warning"
        elif plan.eligible:
            verdict, tone = _("符合条件"), "success"
        else:
            verdict, tone = _("不符合条件"), "danger"
        rules = f"（{plan.ruleset_name} 第{plan.ruleset_version}版）" if plan.ruleset_version else ""
        yield TimelineEvent(
            at=plan.reviewed_at,
            kind="plan",
            title=_("资格核算（拟保障方案 %(number)s）") % {"number": plan.plan_number},
            detail=f"{verdict}{rules}",
            actor=_name(plan.reviewer),
            application=application.receipt_number if application else "",
            url=application.get_absolute_url() if application else "",
            tone=tone,
        )


def document_events(family) -> Iterable[TimelineEvent]:
    """Documents filed for the family (一户一档) or for any of its applications (一事一档), each version."""
    from housing.archive.models import Document

    from ..models import Application, Family

    applications = Application.objects.filter(family=family)
    condition = (
        Q(owner_content_type=ContentType.objects.get_for_model(Family), owner_object_id=str(family.pk))
        | Q(
            owner_content_type=ContentType.objects.get_for_model(Application),
            owner_object_id__in=Subquery(applications.annotate(key=Cast("pk", CharField())).values("key")),
        )
        | Q(application_number__in=Subquery(applications.values("receipt_number")), application_number__gt="")
    )
    documents = (
        Document.objects.filter(condition)
        .select_related("uploaded_by", "withdrawn_by")
        .defer("content_text", "search_text", "search_vector")
        .order_by("-uploaded_at", "-pk")
    )
    for document in documents[:SOURCE_LIMIT]:
        version = _("（第%(v)s版）") % {"v": document.version} if document.version > 1 else ""
        yield TimelineEvent(
            at=document.uploaded_at,
            kind="document",
            title=_("上传档案：%(name)s%(version)s") % {"name": document.name, "version": version},
            detail=f"{document.get_category_display()} · {document.archive_number}"
            + (f" · {document.version_note}" if document.version_note else ""),
            actor=_name(document.uploaded_by),
            application=document.application_number,
            url=document.get_absolute_url(),
        )
        if document.withdrawn_at is not None:
            yield TimelineEvent(
                at=document.withdrawn_at,
                kind="document",
                title=_("撤回档案：%(name)s") % {"name": document.name},
                detail=document.withdrawn_reason,
                actor=_name(document.withdrawn_by),
                application=document.application_number,
                url=document.get_absolute_url(),
                tone="warning",
            )


def inspection_events(family) -> Iterable[TimelineEvent]:
    """核查指派, the finding (date, people met, living situation, match) and any revocation."""
    from .models import HomeInspection

    inspections = (
        HomeInspection.objects.filter(application__family=family)
        .select_related("application", "inspector", "assigned_by", "revoked_by")
        .order_by("assigned_at", "pk")
    )
    for inspection in inspections[:SOURCE_LIMIT]:
        number = inspection.application.receipt_number
        url = inspection.get_absolute_url()
        yield TimelineEvent(
            at=inspection.assigned_at,
            kind="inspection",
            title=_("指派入户核查：%(name)s") % {"name": inspection.inspector.display_name},
            detail=inspection.instructions,
            actor=_name(inspection.assigned_by),
            application=number,
            url=url,
        )
        if inspection.completed_at is not None:
            matches = inspection.matches_declaration
            yield TimelineEvent(
                at=inspection.completed_at,
                kind="inspection",
                title=_("入户核查完成：%(verdict)s")
                % {"verdict": _("与申报一致") if matches else _("与申报不一致")},
                detail=_("核查日期 %(date)s；见到 %(people)s；实际居住情况：%(living)s；%(findings)s")
                % {
                    "date": f"{inspection.visited_on:%Y-%m-%d}" if inspection.visited_on else "—",
                    "people": inspection.persons_met,
                    "living": inspection.living_situation,
                    "findings": inspection.findings,
                },
                actor=_name(inspection.inspector),
                application=number,
                url=url,
                tone="success" if matches else "danger",
            )
        if inspection.revoked_at is not None:
            yield TimelineEvent(
                at=inspection.revoked_at,
                kind="inspection",
                title=_("撤销入户核查"),
                detail=inspection.revoke_reason,
                actor=_name(inspection.revoked_by),
                application=number,
                url=url,
                tone="warning",
            )


def timeline_register_defaults() -> None:
    for source in (family_events, application_events, document_events, inspection_events):
        timeline_source_register(source)
