"""Celery entry points of contracts: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task


@shared_task
def issue_contract_pdf(contract_id: int, actor_id: int | None = None) -> str:
    """Render, number and archive one signed contract's PDF (queued after the signing commits)."""
    from django.contrib.auth import get_user_model

    from .documents import contract_pdf_issue

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    contract = contract_pdf_issue(contract_id=contract_id, actor=actor)
    return "ok" if contract.issued_document_id else contract.pdf_error


@shared_task
def expire_due_contracts() -> int:
    from .services import contracts_expire_due

    return contracts_expire_due()
