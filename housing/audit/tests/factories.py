"""Audit events made directly, with a chosen time when a test needs an old one."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.utils import timezone

from housing.audit.models import AuditAction, AuditEvent


def make_event(
    *,
    region_code: str = "",
    action: str = AuditAction.UPDATE,
    object_repr: str = "某对象",
    occurred_at: dt.datetime | None = None,
    **extra,
) -> AuditEvent:
    """``occurred_at`` is ``auto_now_add`` (and rows cannot be updated), so the clock is set instead."""
    fields = {
        "action": action,
        "region_code": region_code,
        "object_type": "accounts.organisation",
        "object_id": "1",
        "object_repr": object_repr,
        "actor_name": "测试人",
        **extra,
    }
    if occurred_at is None:
        return AuditEvent.objects.create(**fields)
    with mock.patch("django.utils.timezone.now", return_value=occurred_at):
        return AuditEvent.objects.create(**fields)


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)
