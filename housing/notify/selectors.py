"""Reads of the outbox, always narrowed to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Channel, Message


def site_message_list(*, user) -> QuerySet[Message]:
    """My 站内信, newest first; nobody reads another person's messages."""
    if not user.is_authenticated:
        return Message.objects.none()
    return Message.objects.filter(recipient=user, channel=Channel.SITE).order_by("-created_at", "-id")


def site_message_get_for_user(*, user, pk: int) -> Message:
    """One of my 站内信; another person's id is a 404, as if it did not exist."""
    return get_object_or_404(site_message_list(user=user), pk=pk)


def has_city_scope(user) -> bool:
    """The outbox holds every person's messages: only a user whose scope covers a whole city sees it."""
    prefixes = user.scope_prefixes if user.is_authenticated else []
    return prefixes is None or any(len(prefix) <= 4 for prefix in prefixes)


def outbox_list(*, user) -> QuerySet[Message]:
    """The outbox for the back office; empty for anyone below city level."""
    if not has_city_scope(user):
        return Message.objects.none()
    return Message.objects.select_related("recipient")


def unread_site_message_count(*, user) -> int:
    return site_message_list(user=user).filter(read_at__isnull=True).count()
