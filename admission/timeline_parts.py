"""The family timeline's events from department checks, publicity, objections, notices and the registry.

Each source is one or two queries whatever the family's size; registered from ``AdmissionConfig.ready``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .casework.timeline import TimelineEvent, timeline_source_register
from .checks.models import CheckRun
from .publicity.models import Objection, ObjectionState, PublicityEntry
from .registry.models import DecisionNotice, RegistryEntry


def check_events(family):
    runs = CheckRun.objects.filter(application__family=family, finished_at__isnull=False).select_related(
        "application"
    )
    for run in runs:
        yield TimelineEvent(
            at=run.finished_at,
            kind="check",
            title=_("部门核查第%(n)s次") % {"n": run.number},
            detail=_("一致 %(m)s，不一致 %(x)s，无记录 %(r)s，查询失败 %(f)s")
            % {
                "m": run.match_count,
                "x": run.mismatch_count,
                "r": run.no_record_count,
                "f": run.failed_count,
            },
            application=run.application.receipt_number,
            url=run.get_absolute_url(),
            tone="danger" if run.mismatch_count or run.failed_count else "success",
        )


def publicity_events(family):
    entries = PublicityEntry.objects.filter(application__family=family).select_related("batch", "application")
    for entry in entries:
        batch = entry.batch
        if batch.start_date is None:
            continue
        yield TimelineEvent(
            at=batch.start_date,
            kind="publicity",
            title=_("%(level)s公示：%(start)s 至 %(end)s")
            % {"level": entry.get_level_display(), "start": batch.start_date, "end": batch.end_date},
            detail=_("公示结果：%(result)s") % {"result": entry.passed_display},
            application=entry.application.receipt_number,
            url=batch.get_absolute_url(),
        )


def objection_events(family):
    for objection in Objection.objects.filter(application__family=family).select_related("application"):
        number = objection.application.receipt_number
        yield TimelineEvent(
            at=objection.received_at,
            kind="objection",
            title=_("收到公示期间举报（%(channel)s）") % {"channel": objection.get_channel_display()},
            detail=objection.content,
            application=number,
            url=objection.get_absolute_url(),
            tone="warning",
        )
        if objection.decided_at is not None:
            yield TimelineEvent(
                at=objection.decided_at,
                kind="objection",
                title=objection.get_state_display(),
                detail=objection.verification_result,
                application=number,
                url=objection.get_absolute_url(),
                tone="danger" if objection.state == ObjectionState.UPHELD else "success",
            )


def notice_events(family):
    notices = DecisionNotice.objects.filter(
        application__family=family, issued_at__isnull=False
    ).select_related("application")
    for notice in notices:
        yield TimelineEvent(
            at=notice.issued_at,
            kind="notice",
            title=_("出具%(kind)s %(number)s") % {"kind": notice.get_kind_display(), "number": notice.number},
            application=notice.application.receipt_number,
            url=notice.application.get_absolute_url(),
        )


def registry_events(family):
    for entry in RegistryEntry.objects.filter(family=family):
        yield TimelineEvent(
            at=entry.registered_at,
            kind="registry",
            title=_("记入登记簿（%(status)s）") % {"status": entry.get_status_display()},
            application=entry.application_number,
            url=entry.get_absolute_url(),
            tone="success",
        )


def register() -> None:
    for source in (check_events, publicity_events, objection_events, notice_events, registry_events):
        timeline_source_register(source)
