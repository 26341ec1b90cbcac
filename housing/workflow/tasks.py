"""Celery entry points of the workflow (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from .services import nodes_remind_due


@shared_task
def remind_due_nodes() -> dict[str, int]:
    """Hourly: remind handlers of nodes due within one working day and flag overdue ones (once each)."""
    result = nodes_remind_due()
    return {"due_soon": result.due_soon, "overdue": result.overdue}
