"""Celery entry points of 年审 (scheduled in ``settings.CELERY_BEAT_SCHEDULE``): thin wrappers of the services."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def annual_review_run_task(
    year: int, region_code: str, mode_code: str = "", actor_id: int | None = None
) -> dict[str, int]:
    """One yearly run without a record (scripts, the demo), then 逾期未审 for every review past its deadline."""
    from django.contrib.auth import get_user_model

    from .services import annual_review_mark_overdue, annual_review_run

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    result = annual_review_run(year=year, region_code=region_code, mode_code=mode_code, actor=actor)
    return {**result, "overdue": annual_review_mark_overdue()}


@shared_task(acks_late=True)
def annual_review_run_record_task(run_id: int) -> dict[str, int]:
    """A run started from the list page (or resumed with 继续): progress on its record; idempotent."""
    from .runs import annual_review_run_execute

    run = annual_review_run_execute(run_id=run_id)
    return {"created": run.created, "flagged": run.flagged, "overdue": run.overdue}


@shared_task(acks_late=True)
def annual_review_mark_overdue_daily() -> dict[str, int]:
    """Daily (beat): reviews still 待审核 after their deadline become 逾期未审 (idempotent), and the
    year's city-wide run once ``ANNUAL_REVIEW_AUTO_START`` has come (off by default)."""
    from .runs import annual_review_run_scheduled
    from .services import annual_review_mark_overdue

    started = annual_review_run_scheduled()
    return {"overdue": annual_review_mark_overdue(), "run_started": started.pk if started else 0}
