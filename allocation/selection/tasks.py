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


@shared_task
def record_unit_allocation(unit_id: int, actor_id: int, opinion: str) -> None:
    """The unit's 配给 workflow node, written after the pick commits."""
    from django.contrib.auth import get_user_model

    from .services import unit_allocation_record

    actor = get_user_model().objects.get(pk=actor_id)
    unit_allocation_record(unit_id=unit_id, actor=actor, opinion=opinion)
