"""Celery entry points of this part: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task


@shared_task
def issue_decision_notice(notice_id: int, actor_id: int | None = None) -> str:
    """Render, archive and announce one 准予/不予登记通知书 (queued after the decision commits)."""
    from django.contrib.auth import get_user_model

    from .notices import notice_issue

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return notice_issue(notice_id=notice_id, actor=actor).issue_status
