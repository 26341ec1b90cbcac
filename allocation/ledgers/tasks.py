"""Celery entry points of 资源台账 (scheduled in ``settings.CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .services import ledgers_build_recent


@shared_task
def build_recent_ledgers() -> dict[str, int]:
    """Daily: the current and the previous month, quarter and year (idempotent, so daily is safe)."""
    return ledgers_build_recent(today=timezone.localdate())
