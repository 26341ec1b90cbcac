"""Celery entry points of publicity (scheduled in ``settings.CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

from celery import shared_task

from .services import publicity_batches_close_due


@shared_task
def close_due_publicity_batches() -> dict[str, int]:
    """Hourly: close published batches whose end date has passed and move their cases on (idempotent)."""
    result = publicity_batches_close_due()
    return {"batches": result.batches, "cases": result.cases}
