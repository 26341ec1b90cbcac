"""Celery entry points of 保障退出 (the scan is scheduled in ``settings.CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def exit_scan_daily(actor_id: int | None = None) -> dict[str, int]:
    """Daily (beat) and the list page's 扫描 button: 拟退出 cases for 欠租, 已购房 and 年审退出 (idempotent)."""
    from django.contrib.auth import get_user_model

    from .services import exit_scan

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return exit_scan(actor=actor)


@shared_task(acks_late=True)
def exit_notice_issue_task(case_id: int, actor_id: int | None = None) -> int:
    from django.contrib.auth import get_user_model

    from .documents import exit_notice_issue

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return exit_notice_issue(case_id=case_id, actor=actor).pk
