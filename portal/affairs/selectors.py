"""Reads of 我的办事: the signed-in applicant's own applications, their public progress and messages.

Everything here starts from ``admission.selectors.applications_of_applicant`` (the family's applicant is
this account, matched by the ID-number digest), so another person's case is a 404, never a 403.

The progress timeline is built from the same records as the back office's family timeline (the
``admission_review`` workflow nodes, publicity entries, notices, appeals, the registry) but shows only
what the applicant is told anyway: each stage and its date, the 需补正材料 of a return and the reason
printed on a refusal notice. Review opinions (办理意见), department check results, home-visit findings,
objections and the reviewers' names are never read into these pages.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from admission.models import (
    STATE_LEVEL,
    Application,
    ApplicationState,
    RefusalReason,
    ReviewLevel,
)
from admission.selectors import applications_of_applicant

S = ApplicationState

# 办理阶段 in the applicant's words (the list and the detail page's header).
PLAIN_STAGE = {
    S.DRAFT: gettext_lazy("草稿，尚未提交"),
    S.SUBMITTED: gettext_lazy("已提交，等待街道受理"),
    S.STREET_REVIEW: gettext_lazy("街道审核中"),
    S.STREET_PUBLICITY: gettext_lazy("街道公示中"),
    S.DISTRICT_REVIEW: gettext_lazy("区级审核中"),
    S.DISTRICT_PUBLICITY: gettext_lazy("区级公示中"),
    S.CITY_REVIEW: gettext_lazy("市级审核中"),
    S.CITY_PUBLICITY: gettext_lazy("市级公示中"),
    S.REGISTERED: gettext_lazy("准予登记"),
    S.REFUSED: gettext_lazy("不予登记"),
    S.RETURNED: gettext_lazy("退回补件，请补交材料"),
    S.WITHDRAWN: gettext_lazy("已撤回"),
    S.FROZEN: gettext_lazy("公示期间收到反映，正在核实"),
}
STAGE_TONE = {
    S.REGISTERED: "success",
    S.REFUSED: "danger",
    S.RETURNED: "warning",
    S.WITHDRAWN: "secondary",
    S.FROZEN: "warning",
    S.DRAFT: "secondary",
}

# What each recorded step is called on the public timeline. A step not listed here (an automatic check's
# hand-over, the registry's closing node …) is internal and is not shown.
PUBLIC_STEP = {
    "submit": gettext_lazy("提交申请"),
    "accept": gettext_lazy("街道受理"),
    "street_approve": gettext_lazy("街道审核通过，进入街道公示"),
    "street_publicity_close": gettext_lazy("街道公示期满，转区级审核"),
    "district_approve": gettext_lazy("区级审核通过，进入区级公示"),
    "district_publicity_close": gettext_lazy("区级公示期满，转市级审核"),
    "city_approve": gettext_lazy("市级审核通过，进入市级公示"),
    "city_publicity_close": gettext_lazy("市级公示期满，准予登记"),
    "request_supplement": gettext_lazy("退回补件"),
    "resubmit": gettext_lazy("补交材料后重新提交"),
    "freeze": gettext_lazy("公示期间收到反映，暂停办理并核实"),
    "release": gettext_lazy("核实完毕，恢复办理"),
    "withdraw": gettext_lazy("撤回申请"),
    "refuse": gettext_lazy("不予登记"),
    "reopen": gettext_lazy("复核成立，恢复审核"),
}
STEP_TONE = {
    "refuse": "danger",
    "request_supplement": "warning",
    "freeze": "warning",
    "withdraw": "secondary",
    "city_publicity_close": "success",
}

# The main road of a case (三审核三公示), for the progress bar.
MAIN_STAGES = (
    (S.SUBMITTED, gettext_lazy("提交")),
    (S.STREET_REVIEW, gettext_lazy("街道审核")),
    (S.STREET_PUBLICITY, gettext_lazy("街道公示")),
    (S.DISTRICT_REVIEW, gettext_lazy("区级审核")),
    (S.DISTRICT_PUBLICITY, gettext_lazy("区级公示")),
    (S.CITY_REVIEW, gettext_lazy("市级审核")),
    (S.CITY_PUBLICITY, gettext_lazy("市级公示")),
    (S.REGISTERED, gettext_lazy("准予登记")),
)
NEXT_STEP = {
    S.DRAFT: gettext_lazy("提交申请。提交后由街道受理。"),
    S.SUBMITTED: gettext_lazy("街道受理：核对您的申请材料。"),
    S.STREET_REVIEW: gettext_lazy("街道审核（可能入户核查）；审核通过后在街道公示。"),
    S.STREET_PUBLICITY: gettext_lazy("街道公示期满后转区级审核。"),
    S.DISTRICT_REVIEW: gettext_lazy("区级审核；审核通过后在区级公示。"),
    S.DISTRICT_PUBLICITY: gettext_lazy("区级公示期满后转市级审核。"),
    S.CITY_REVIEW: gettext_lazy("市级审核；审核通过后在市级公示。"),
    S.CITY_PUBLICITY: gettext_lazy("市级公示期满后准予登记，记入保障对象登记簿。"),
    S.FROZEN: gettext_lazy("核实公示期间收到的反映；核实后继续办理或作出决定，结果会通知您。"),
    S.WITHDRAWN: gettext_lazy("办理已结束。如仍需住房保障，可以重新申请。"),
}

# 需补正材料 is free text; one line (or one “；”-separated part) is one item to upload for.
_ITEM_SPLIT = re.compile(r"[\n\r；;]+")
MAX_ITEMS = 10


def supplement_item_list(text: str) -> list[str]:
    """The items of a supplement request, in order, without numbering (“1. 收入证明” → “收入证明”)."""
    items = []
    for part in _ITEM_SPLIT.split(text or ""):
        item = re.sub(r"^\s*(?:\d+|[一二三四五六七八九十]+)\s*[.、．)）]\s*", "", part).strip(" \t。")
        if item and item not in items:
            items.append(item)
    if len(items) > MAX_ITEMS:
        items = [*items[: MAX_ITEMS - 1], "；".join(items[MAX_ITEMS - 1 :])]
    return items


# --- the list ---------------------------------------------------------------------------------------------


def affair_list(*, user) -> QuerySet[Application]:
    """我的申请, newest first; the family's encrypted numbers are never loaded."""
    return applications_of_applicant(user=user).only(
        "pk",
        "receipt_number",
        "project_code",
        "mode_code",
        "state",
        "region_code",
        "returned_from",
        "submitted_at",
        "stage_entered_at",
        "decided_at",
        "created_at",
    )


def mode_names(applications) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(project name, mode name) of each application's project and mode, in one query for a page.

    The project of the most local region that covers the application wins, as in admission.
    """
    from housing.regions.codes import scope_prefix
    from rules.models import GuaranteeMode

    applications = list(applications)
    codes = {a.project_code for a in applications}
    if not codes:
        return {}
    modes = list(GuaranteeMode.objects.filter(project__code__in=codes).select_related("project"))
    names: dict[tuple[str, str, str], tuple[str, str]] = {}
    for application in applications:
        best = None
        for mode in modes:
            if mode.project.code != application.project_code or mode.code != application.mode_code:
                continue
            prefix = scope_prefix(mode.project.region_code)
            if application.region_code.startswith(prefix) and (
                best is None or len(prefix) > len(scope_prefix(best.project.region_code))
            ):
                best = mode
        key = (application.project_code, application.mode_code, application.region_code)
        if best is None:
            names[key] = (application.project_code, application.mode_code)
        else:
            names[key] = (best.project.name, best.name or best.get_kind_display())
    return names


@dataclass
class AppealStatus:
    """Whether the applicant may ask for 复核 now, and if not, why (for the page and the badge)."""

    notice: object | None = None
    appeal: object | None = None
    deadline: datetime.date | None = None
    is_open: bool = False
    closed_reason: str = ""


def _appeal_status(application: Application, notice, appeal) -> AppealStatus:
    from admission.registry.notices import appeal_days, chinese_date
    from admission.registry.notices import appeal_deadline as deadline_of

    status = AppealStatus(notice=notice, appeal=appeal)
    if application.state != S.REFUSED:
        return status
    if notice is None:
        status.closed_reason = _("不予登记通知书尚未出具，出具后可申请复核。")
        return status
    status.deadline = deadline_of(notice)
    if appeal is not None:
        status.closed_reason = _(
            "您已就本次决定申请复核（%(number)s，%(state)s），每次决定只能申请一次。"
        ) % {
            "number": appeal.number,
            "state": appeal.get_state_display(),
        }
        return status
    if timezone.localdate() > status.deadline:
        status.closed_reason = _(
            "复核申请期限已过：不予登记通知书于%(issued)s出具，复核申请须在%(days)s日内"
            "（%(deadline)s前，含当日）提出。"
        ) % {
            "issued": chinese_date(notice.issued_at or notice.decision_at),
            "days": appeal_days(),
            "deadline": chinese_date(status.deadline),
        }
        return status
    status.is_open = True
    return status


def appeal_statuses(applications) -> dict[int, AppealStatus]:
    """The appeal status of each refused application of a page, in two queries whatever its size."""
    from admission.registry.models import DecisionNotice, DecisionNoticeKind, ReviewAppeal

    refused = [a for a in applications if a.state == S.REFUSED]
    if not refused:
        return {}
    notices: dict[int, DecisionNotice] = {}
    for notice in DecisionNotice.objects.filter(
        application__in=[a.pk for a in refused], kind=DecisionNoticeKind.REFUSED
    ).order_by("application_id", "-decision_at", "-pk"):
        notices.setdefault(notice.application_id, notice)
    appeals = {
        appeal.notice_id: appeal
        for appeal in ReviewAppeal.objects.filter(notice__in=[n.pk for n in notices.values()])
    }
    statuses = {}
    for application in refused:
        notice = notices.get(application.pk)
        statuses[application.pk] = _appeal_status(
            application, notice, appeals.get(notice.pk) if notice is not None else None
        )
    return statuses


def needs_action(application: Application, appeal: AppealStatus | None) -> str:
    """Why the applicant has something to do on this case (empty: nothing)."""
    if application.state == S.RETURNED:
        return str(_("请补交材料"))
    if appeal is not None and appeal.is_open:
        return str(_("可申请复核"))
    return ""


@dataclass
class AffairRow:
    application: Application
    project_name: str
    mode_name: str
    stage: str
    tone: str
    action: str


def affair_rows(applications) -> list[AffairRow]:
    """The rows of one page of the list (a constant number of queries)."""
    applications = list(applications)
    names = mode_names(applications)
    appeals = appeal_statuses(applications)
    rows = []
    for application in applications:
        project, mode = names.get(
            (application.project_code, application.mode_code, application.region_code),
            (application.project_code, application.mode_code),
        )
        rows.append(
            AffairRow(
                application=application,
                project_name=project,
                mode_name=mode,
                stage=str(PLAIN_STAGE.get(application.state, application.get_state_display())),
                tone=STAGE_TONE.get(application.state, "primary"),
                action=needs_action(application, appeals.get(application.pk)),
            )
        )
    return rows


def affairs_summary(*, user) -> dict[str, int]:
    """For the 「我的」 card: how many applications, how many wait for the applicant."""
    from housing.notify.selectors import unread_site_message_count

    # An applicant has a handful of applications in a lifetime: reading them all is one small query.
    applications = list(affair_list(user=user))
    appeals = appeal_statuses(applications)
    pending = sum(1 for a in applications if needs_action(a, appeals.get(a.pk)))
    return {
        "total": len(applications),
        "pending": pending,
        "unread": unread_site_message_count(user=user),
    }


# --- one application ----------------------------------------------------------------------------------


def affair_get(*, user, pk) -> Application:
    """One of my applications; anyone else's (or a number that is none) is a 404."""
    try:
        return get_object_or_404(applications_of_applicant(user=user).select_related("family"), pk=pk)
    except (ValueError, TypeError) as exc:
        raise Http404 from exc


@dataclass(frozen=True)
class PublicEvent:
    """One line of the public timeline: when, what, and the text the applicant was given (if any)."""

    at: datetime.datetime | datetime.date
    title: str
    detail: str = ""
    tone: str = "primary"
    link: str = ""
    link_label: str = ""
    # Among events of the same second, the order things follow from each other (a decision, then the
    # registry entry written in its transaction, then the waitlist entry, then the notice).
    rank: int = 0

    @property
    def sort_key(self) -> tuple:
        return (self.moment.replace(microsecond=0), self.rank, self.moment)

    @property
    def moment(self) -> datetime.datetime:
        at = self.at
        if not isinstance(at, datetime.datetime):
            at = timezone.make_aware(datetime.datetime.combine(at, datetime.time.min))
        return at

    @property
    def is_date_only(self) -> bool:
        return not isinstance(self.at, datetime.datetime)


def _review_nodes(application: Application):
    from housing.workflow.models import NodeInstance, NodeState

    return (
        NodeInstance.objects.filter(
            process__content_type=ContentType.objects.get_for_model(Application),
            process__object_id=str(application.pk),
            process__process_code="admission_review",
            state=NodeState.DONE,
            transition__in=list(PUBLIC_STEP),
        )
        .only("transition", "from_state", "to_state", "finished_at", "created_at")
        .order_by("finished_at", "pk")
    )


def _refusal_text(notice) -> str:
    if notice is None:
        return ""
    reason = (
        RefusalReason(notice.refusal_reason).label if notice.refusal_reason in RefusalReason.values else ""
    )
    parts = [str(_("原因：%(reason)s") % {"reason": reason})] if reason else []
    if notice.refusal_text:
        parts.append(notice.refusal_text)
    return "。".join(p.rstrip("。") for p in parts) + ("。" if parts else "")


@dataclass
class AffairDetail:
    application: Application
    project_name: str
    mode_name: str
    stage: str
    tone: str
    events: list[PublicEvent]
    progress: list[tuple[str, str]]  # (label, "done" | "current" | "todo")
    next_step: str
    appeal: AppealStatus
    supplement_items: list[str] = field(default_factory=list)
    notices: list = field(default_factory=list)
    registry_entry: object | None = None
    waitlist_entry: object | None = None
    can_withdraw: bool = False
    can_download_certificate: bool = False
    certificate_reason: str = ""


def _progress(application: Application, reached: set[str]) -> list[tuple[str, str]]:
    state = application.state
    current = {S.RETURNED: application.returned_from, S.FROZEN: application.frozen_from}.get(state, state)
    if state == S.REFUSED or state == S.WITHDRAWN:
        current = ""
    steps = []
    for code, label in MAIN_STAGES:
        if code == current and state != S.REGISTERED:
            steps.append((str(label), "current"))
        elif code in reached or (state == S.REGISTERED):
            steps.append((str(label), "done"))
        else:
            steps.append((str(label), "todo"))
    return steps


def _next_step(application: Application, appeal: AppealStatus, waitlist_entry) -> str:
    from admission.registry.notices import chinese_date

    state = application.state
    if state == S.RETURNED:
        level = STATE_LEVEL.get(application.returned_from)
        return _("按要求补交材料并重新提交；补件后回到%(level)s审核。") % {
            "level": ReviewLevel(level).label if level else _("原")
        }
    if state == S.REFUSED:
        if appeal.is_open:
            return _("如对决定有异议，可在%(deadline)s前（含当日）申请复核。") % {
                "deadline": chinese_date(appeal.deadline)
            }
        if appeal.appeal is not None and appeal.appeal.state == "pending":
            return _("等待复核结果（由作出决定的层级另行指派人员复核），结果会通知您。")
        return _("办理已结束。家庭情况变化后符合条件的，可以重新申请。")
    if state == S.REGISTERED:
        if waitlist_entry is not None:
            return _("进入轮候（轮候编号 %(number)s），请留意配租、配售通知。") % {
                "number": waitlist_entry.waitlist_number
            }
        return _("按通知办理保障待遇的后续手续；家庭情况变化请及时向街道申报。")
    return str(NEXT_STEP.get(state, ""))


def affair_detail(*, application: Application) -> AffairDetail:
    """Everything the detail page shows of one of my applications (a dozen queries at most)."""
    from django.urls import reverse

    from admission.publicity.models import PublicityEntry
    from admission.registry.models import (
        DecisionNotice,
        DecisionNoticeKind,
        RegistryEntry,
        ReviewAppeal,
    )

    from .certificate import certificate_refusal

    names = mode_names([application])
    project_name, mode_name = names.get(
        (application.project_code, application.mode_code, application.region_code),
        (application.project_code, application.mode_code),
    )
    notices = list(DecisionNotice.objects.filter(application=application).order_by("decision_at", "pk"))
    appeals = list(ReviewAppeal.objects.filter(application=application).order_by("recorded_at", "pk"))
    refused_notices = [n for n in notices if n.kind == DecisionNoticeKind.REFUSED]
    latest_refusal = refused_notices[-1] if refused_notices else None
    appeal = _appeal_status(
        application,
        latest_refusal,
        next((a for a in appeals if latest_refusal and a.notice_id == latest_refusal.pk), None),
    )
    registry_entry = (
        RegistryEntry.objects.filter(application=application)
        .defer("id_number")
        .select_related("waitlist_entry")
        .first()
    )
    waitlist_entry = getattr(registry_entry, "waitlist_entry", None) if registry_entry else None

    events: list[PublicEvent] = []
    reached: set[str] = set()
    nodes = list(_review_nodes(application))
    last_return = max((i for i, n in enumerate(nodes) if n.transition == "request_supplement"), default=None)
    refusals = iter(refused_notices)
    for index, node in enumerate(nodes):
        reached.add(node.to_state)
        if node.from_state:
            reached.add(node.from_state)
        detail = ""
        if node.transition == "request_supplement" and index == last_return and application.supplement_items:
            detail = _("需补正材料：%(items)s") % {"items": application.supplement_items}
        elif node.transition == "refuse":
            detail = _refusal_text(next(refusals, None))
        events.append(
            PublicEvent(
                at=node.finished_at or node.created_at,
                title=str(PUBLIC_STEP[node.transition]),
                detail=detail,
                tone=STEP_TONE.get(node.transition, "primary"),
            )
        )
    if application.submitted_at and "submit" not in {n.transition for n in nodes}:
        events.append(PublicEvent(at=application.submitted_at, title=str(PUBLIC_STEP["submit"])))
    if application.submitted_at:
        reached.add(S.SUBMITTED)

    entries = PublicityEntry.objects.filter(application=application).select_related("batch")
    for entry in entries:
        batch = entry.batch
        if batch.start_date is None:
            continue
        events.append(
            PublicEvent(
                at=batch.start_date,
                title=_("%(level)s公示：%(start)s 至 %(end)s")
                % {
                    "level": entry.get_level_display(),
                    "start": f"{batch.start_date:%Y-%m-%d}",
                    "end": f"{batch.end_date:%Y-%m-%d}" if batch.end_date else "—",
                },
                detail=_("公示结果：%(result)s") % {"result": entry.passed_display},
                tone="info",
                link=reverse("portal:publicity_detail", args=[batch.number]),
                link_label=_("查看公示"),
            )
        )
    for notice in notices:
        if not notice.is_issued:
            continue
        events.append(
            PublicEvent(
                at=notice.issued_at,
                title=_("出具%(kind)s（编号 %(number)s）")
                % {"kind": notice.get_kind_display(), "number": notice.number},
                tone="success" if notice.kind == DecisionNoticeKind.REGISTERED else "danger",
                link=reverse("portal:affairs_notice", args=[application.pk, notice.pk]),
                link_label=_("下载通知书"),
                rank=4,
            )
        )
    for item in appeals:
        events.append(
            PublicEvent(
                at=item.recorded_at,
                title=_("申请复核（%(number)s）") % {"number": item.number},
                detail=_("复核理由：%(reason)s") % {"reason": item.reason},
            )
        )
        if item.decided_at is not None:
            events.append(
                PublicEvent(
                    at=item.decided_at,
                    title=_("复核结果：%(state)s") % {"state": item.get_state_display()},
                    # The opinion is sent to the applicant in the 复核结果通知 (admission.appeal_decided).
                    detail=_("复核意见：%(opinion)s") % {"opinion": item.decision_opinion},
                    tone="success" if item.state == "upheld" else "secondary",
                )
            )
    if registry_entry is not None:
        events.append(
            PublicEvent(
                at=registry_entry.registered_at,
                title=_("记入住房保障对象登记簿（%(status)s）")
                % {"status": registry_entry.get_status_display()},
                tone="success",
                rank=2,
            )
        )
        if waitlist_entry is not None:
            events.append(
                PublicEvent(
                    at=waitlist_entry.registered_at,
                    title=_("进入轮候，轮候编号 %(number)s") % {"number": waitlist_entry.waitlist_number},
                    detail=_("当前状态：%(status)s") % {"status": waitlist_entry.get_status_display()},
                    tone="success",
                    link=reverse("portal:waitlist_mine"),
                    link_label=_("查看轮候位次"),
                    rank=3,
                )
            )
    events.sort(key=lambda event: event.sort_key)

    from django_fsm import can_proceed

    certificate_reason = certificate_refusal(application, registry_entry)
    return AffairDetail(
        application=application,
        project_name=project_name,
        mode_name=mode_name,
        stage=str(PLAIN_STAGE.get(application.state, application.get_state_display())),
        tone=STAGE_TONE.get(application.state, "primary"),
        events=events,
        progress=_progress(application, reached),
        next_step=_next_step(application, appeal, waitlist_entry),
        appeal=appeal,
        supplement_items=supplement_item_list(application.supplement_items)
        if application.state == S.RETURNED
        else [],
        notices=[n for n in notices if n.is_issued],
        registry_entry=registry_entry,
        waitlist_entry=waitlist_entry,
        can_withdraw=can_proceed(application.withdraw),
        can_download_certificate=application.state == S.REGISTERED and not certificate_reason,
        certificate_reason=certificate_reason if application.state == S.REGISTERED else "",
    )


def notice_of_affair(*, application: Application, pk) -> object:
    """One issued notice of my application (its archived PDF is what I download)."""
    from admission.registry.models import DecisionNotice

    try:
        return get_object_or_404(
            DecisionNotice.objects.select_related("archive_document").filter(
                application=application, archive_document__isnull=False
            ),
            pk=pk,
        )
    except (ValueError, TypeError) as exc:
        raise Http404 from exc


# --- in-site messages ---------------------------------------------------------------------------------


def my_messages(*, user):
    """My 站内信: unread first, then newest first."""
    from housing.notify.selectors import site_message_list

    return site_message_list(user=user).order_by(
        Case(When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()),
        "-created_at",
        "-id",
    )


def my_message_get(*, user, pk):
    from housing.notify.selectors import site_message_get_for_user

    return site_message_get_for_user(user=user, pk=pk)
