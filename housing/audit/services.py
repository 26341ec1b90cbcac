"""Writing audit events. Every write, transition, export, login and unmasked display calls this."""

from __future__ import annotations

from typing import Any

from django.db import models

from .middleware import current_context
from .models import AuditAction, AuditEvent


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def audit_record(
    *,
    action: str,
    obj: models.Model | None = None,
    actor=None,
    changes: dict | None = None,
    description: str = "",
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Append one event; the actor and IP default to the current request's."""
    context = current_context()
    request = context.request if context else None
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_name=(getattr(actor, "display_name", "") or str(actor or ""))[:150],
        ip_address=context.ip if context else None,
        request_id=context.request_id if context else "",
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        region_code=(getattr(obj, "region_code", "") or "") if obj is not None else "",
        changes=_jsonable(changes or {}),
        description=description[:500],
    )


__all__ = ["AuditAction", "audit_record"]
