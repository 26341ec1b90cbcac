"""Celery entry points of 经适房退回与再上市: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task


@shared_task
def issue_resale_notice(resale_id: int, actor_id: int | None = None) -> str:
    """Render and archive the decision's notice, then SMS the family (queued after the decision commits)."""
    from django.contrib.auth import get_user_model

    from .documents import resale_notice_issue

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    resale = resale_notice_issue(resale_id=resale_id, actor=actor)
    return "ok" if resale.issued_document_id else resale.pdf_error
