"""发起年审 as a run record (生成记录): started from the list page or by beat, executed by Celery, its
progress polled by the page, and 继续 after a crash. The run itself is ``services.annual_review_run``."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.accounts.scope import code_in_scope

from ..runs import progress_run_execute, progress_run_resume
from .models import RUN_PERMISSION, AnnualReviewRun
from .services import annual_review_deadline, annual_review_mark_overdue, annual_review_run


def _check(actor, region_code: str) -> None:
    if actor is not None and not actor.has_perm(RUN_PERMISSION):
        raise PermissionDenied(_("您没有办理此业务的权限。"))
    if actor is not None and not code_in_scope(actor, region_code):
        raise ValidationError({"region_code": _("该区划不在您的管辖范围内。")})


def annual_review_run_start(*, year: int, region_code: str, mode_code: str = "", actor) -> AnnualReviewRun:
    """A run record for year, region and mode; the Celery task is queued once the record is committed."""
    _check(actor, region_code)
    annual_review_deadline(int(year))  # a readable error for a bad year or deadline setting
    run = AnnualReviewRun.objects.create(
        year=int(year), region_code=region_code, mode_code=mode_code or "", started_by=actor,
        heartbeat_at=timezone.now(),
    )  # fmt: skip
    transaction.on_commit(lambda: _queue(run.pk))
    return run


def annual_review_run_resume(*, run: AnnualReviewRun, actor) -> AnnualReviewRun:
    """继续: the same record queued again; only the families still without a review are added."""
    _check(actor, run.region_code)
    return progress_run_resume(run, _queue)


def annual_review_run_execute(*, run_id: int) -> AnnualReviewRun:
    """The task's body: the yearly run with progress on the record, then 逾期未审 for past deadlines."""

    def body(run: AnnualReviewRun) -> dict:
        annual_review_run(
            year=run.year, region_code=run.region_code, mode_code=run.mode_code, actor=run.started_by, run=run
        )
        return {"overdue": annual_review_mark_overdue()}

    return progress_run_execute(AnnualReviewRun, run_id, body)


def annual_review_run_scheduled(*, today=None) -> AnnualReviewRun | None:
    """Beat: from ``ANNUAL_REVIEW_AUTO_START`` (月-日; empty: off) of each year, one city-wide run of that
    year, unless one exists already (a caseworker's earlier run of a district does not count)."""
    start = getattr(settings, "ANNUAL_REVIEW_AUTO_START", "")
    if not start:
        return None
    today = today or timezone.localdate()
    month, day = (int(part) for part in start.split("-"))
    city = settings.PORTAL_CITY_CODE
    if (today.month, today.day) < (month, day):
        return None
    if AnnualReviewRun.objects.filter(year=today.year, region_code=city, mode_code="").exists():
        return None
    with transaction.atomic():
        return annual_review_run_start(year=today.year, region_code=city, actor=None)


def _queue(run_id: int) -> None:
    from .tasks import annual_review_run_record_task

    annual_review_run_record_task.delay(run_id)
