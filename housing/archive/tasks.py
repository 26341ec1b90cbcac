"""Celery entry points of the archive: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task

from .services import document_extract_text


@shared_task(name="housing.archive.tasks.extract_document_text", acks_late=True)
def extract_document_text(document_id: int) -> str:
    document = document_extract_text(document_id=document_id)
    return document.extraction_status if document else "missing"
