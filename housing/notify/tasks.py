"""Celery entry points of the outbox: thin wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from .backends import DeliveryError
from .services import message_deliver, messages_requeue_pending


@shared_task(
    bind=True,
    autoretry_for=(DeliveryError,),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def send_message(self, message_id: int) -> str:
    """Deliver one message; a ``DeliveryError`` retries with exponential backoff, the last marks it failed."""
    message = message_deliver(message_id=message_id, final_attempt=self.request.retries >= self.max_retries)
    return message.status if message is not None else "skipped"


@shared_task
def send_pending_messages() -> int:
    """Beat: queue again the messages left pending (lost between commit and a worker)."""
    return messages_requeue_pending()
