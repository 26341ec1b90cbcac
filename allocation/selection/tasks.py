"""Celery entry points of 选房: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task


@shared_task
def issue_entry_notice(pick_id: int, actor_id: int | None = None) -> str:
    """Render, archive and announce one 入住通知书 (queued after the review commits)."""
    from django.contrib.auth import get_user_model

    from .notices import entry_notice_issue

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return entry_notice_issue(pick_id=pick_id, actor=actor).notice_number


@shared_task(acks_late=True)
def record_selection_pick(pick_id: int, actor_id: int, ip: str | None = None, request_id: str = "") -> None:
    """The history, audit and workflow rows of one pick, written after it commits (idempotent)."""
    from django.contrib.auth import get_user_model

    from .services import selection_pick_record

    actor = get_user_model().objects.get(pk=actor_id)
    selection_pick_record(pick_id=pick_id, actor=actor, ip=ip, request_id=request_id)
