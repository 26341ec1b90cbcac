"""Writing audit events. Every write, transition, export, login and unmasked display calls this."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.accounts.identity import mask_id_number, mask_phone

from .middleware import current_context
from .models import AuditAction, AuditEvent

# Secrets and keyed hashes never enter the audit trail, not even as "old → new": a leaked audit
# export must not hand out password hashes or the ID-number digest (which is a lookup key).
REDACTED_FIELDS = frozenset({"password", "id_number_digest", "secret", "secret_key", "api_key", "token"})
REDACTED = "******"

PURGE_SESSION_VARIABLE = "housing.audit_purge"


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _is_secret(name: str) -> bool:
    return name in REDACTED_FIELDS or name.endswith(("_digest", "password"))


def _masker(name: str):
    """Phone and ID numbers stay masked in the trail too (DESIGN §4 rule 8): the log is no back door."""
    if name == "id_number" or name.endswith("_id_number"):
        return mask_id_number
    if name in {"phone", "mobile"} or name.endswith(("_phone", "_mobile")):
        return mask_phone
    return None


def mask_for_field(name: str, value: Any) -> Any:
    """A field's value as it may be shown in a trail or history: secrets hidden, numbers masked."""
    if _is_secret(name):
        return REDACTED
    mask = _masker(name)
    return mask(str(value)) if mask is not None and value else value


def redact_changes(changes: dict) -> dict:
    """Hide secrets (keeping the fact that they changed) and mask personal numbers."""
    result = {}
    for key, value in changes.items():
        pair = isinstance(value, list | tuple) and len(value) == 2
        if _is_secret(key):
            value = [REDACTED, REDACTED] if pair else REDACTED
        elif (mask := _masker(key)) is not None:
            value = (
                [mask(str(v)) if v else v for v in value] if pair else mask(str(value)) if value else value
            )
        result[key] = value
    return result


def region_code_of(obj: models.Model | None) -> str:
    """The region an event belongs to: the row's ``region_code``, or its ``audit_region_code()``.

    A model whose region lives on a related row (a user's organisation, a role's region) names
    it with an ``audit_region_code()`` method; a row with neither belongs to no region.
    """
    if obj is None:
        return ""
    try:
        value = getattr(obj, "region_code", None)
        if isinstance(value, str) and value:
            return value
        method = getattr(obj, "audit_region_code", None)
        if callable(method):
            return method() or ""
    except ObjectDoesNotExist:
        # A related row already removed in the same cascade: the event keeps no region.
        return ""
    return ""


def _object_repr(obj: models.Model) -> str:
    try:
        return str(obj)[:200]
    except ObjectDoesNotExist:
        return f"{obj._meta.verbose_name} #{obj.pk}"[:200]


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
    region_code: str | None = None,
) -> AuditEvent:
    """Append one event; the actor and IP default to the current request's.

    ``region_code=None`` takes the region from ``obj`` (see ``region_code_of``); pass ``""``
    for an event that belongs to no region.
    """
    context = current_context()
    request = context.request if context else None
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or _object_repr(obj)
    if region_code is None:
        region_code = region_code_of(obj)
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_name=(getattr(actor, "display_name", "") or str(actor or ""))[:150],
        ip_address=context.ip if context else None,
        request_id=context.request_id if context else "",
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        region_code=region_code[:12],
        changes=_jsonable(redact_changes(changes or {})),
        description=description[:500],
    )


def sensitive_reveal(*, actor, obj: models.Model, field: str) -> str:
    """The clear value of a masked field (手机号码, 证件号码), leaving a VIEW_SENSITIVE event.

    The caller has already checked that ``actor`` may see ``obj`` and this field. The event
    names the field but never stores the clear value: the trail records *that* it was seen.
    """
    value = getattr(obj, field)
    label = str(obj._meta.get_field(field).verbose_name)
    audit_record(
        action=AuditAction.VIEW_SENSITIVE,
        obj=obj,
        actor=actor,
        changes={"field": field},
        description=_("查看%(field)s明文") % {"field": label},
    )
    return "" if value is None else str(value)


def audit_purge_cutoff(today: dt.date | None = None) -> dt.date:
    """The latest ``--before`` date the retention period allows."""
    today = today or timezone.localdate()
    return today - dt.timedelta(days=settings.AUDIT_MIN_RETENTION_DAYS)


def audit_purge(*, before: dt.date, actor=None, chunk_size: int = 5000) -> int:
    """Delete events that occurred before ``before`` (local midnight), oldest first, chunk by chunk.

    Refuses, deleting nothing, when ``before`` is later than the retention period allows.
    Each chunk is its own transaction so a purge of millions of rows neither holds one huge
    lock nor loses its progress on a crash; running it again continues where it stopped.
    On PostgreSQL a trigger refuses any DELETE unless the transaction sets
    ``housing.audit_purge = 'on'`` (``SET LOCAL`` ends with the chunk's transaction).
    """
    cutoff = audit_purge_cutoff()
    if before > cutoff:
        raise ValidationError(
            _("审计事件须保存至少%(days)d天，只能清除 %(cutoff)s（含）之前的日期，本次未删除任何记录。")
            % {"days": settings.AUDIT_MIN_RETENTION_DAYS, "cutoff": cutoff.isoformat()},
            code="audit_retention",
        )
    boundary = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
    deleted = 0
    while True:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL {PURGE_SESSION_VARIABLE} = 'on'")
            ids = list(
                AuditEvent.objects.filter(occurred_at__lt=boundary)
                .order_by("occurred_at", "id")
                .values_list("id", flat=True)[:chunk_size]
            )
            if not ids:
                break
            count, _detail = AuditEvent.objects.filter(id__in=ids).delete()
            deleted += count
    audit_record(
        action=AuditAction.PURGE,
        actor=actor,
        object_type=AuditEvent._meta.label_lower,
        region_code="",
        changes={"before": before.isoformat(), "deleted": deleted},
        description=_("清除 %(before)s 之前的审计事件 %(n)d 条")
        % {"before": before.isoformat(), "n": deleted},
    )
    return deleted


__all__ = [
    "AuditAction",
    "audit_purge",
    "audit_record",
    "mask_for_field",
    "redact_changes",
    "sensitive_reveal",
]
