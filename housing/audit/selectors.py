"""Reads of the audit trail, scoped like every other back-office list.

Scope rule: an event that belongs to a region (a family's, a street office's staff account's)
is visible to whoever's region prefix covers its ``region_code`` — a street supervisor sees his
street, a district auditor her district. An event without a region (logins, failed logins,
logouts, exports, purges) describes a person or the system, not one region's data: giving it
to every street would let a street see the whole city's logins and exports, and giving it to
nobody would hide them from the audit office. So region-less events go to auditors whose scope
is the whole city (or wider) and to superusers only. One deployment serves one city
(DESIGN §6), so "city-wide" means a prefix no longer than a city's.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet

from housing.accounts.scope import get_in_scope_or_404, scope_queryset
from housing.regions.codes import PREFIX_LENGTH, Level

from .models import AuditEvent


def has_citywide_scope(user) -> bool:
    """True when the user's scope covers a whole city (or more), or is unrestricted."""
    if not user.is_authenticated:
        return False
    prefixes = user.scope_prefixes
    if prefixes is None:
        return True
    return any(len(prefix) <= PREFIX_LENGTH[Level.CITY] for prefix in prefixes)


def _regionless_grant(user) -> Q | None:
    return Q(region_code="") if has_citywide_scope(user) else None


def audit_event_list(*, user) -> QuerySet[AuditEvent]:
    """Events the user may see, newest first."""
    return scope_queryset(AuditEvent.objects.all(), user, grants=_regionless_grant(user))


def audit_event_get_for_user(*, user, pk: int) -> AuditEvent:
    """One event; out of scope is a 404, exactly like a missing id."""
    return get_in_scope_or_404(AuditEvent.objects.all(), user, grants=_regionless_grant(user), pk=pk)


def object_type_label(object_type: str) -> str:
    """``accounts.user`` → 用户; an unknown or removed model keeps its label."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def field_label(object_type: str, field_name: str) -> str:
    try:
        return str(apps.get_model(object_type)._meta.get_field(field_name).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return field_name


def audit_event_changes(event: AuditEvent) -> list[dict]:
    """The event's changed fields as rows: field label, old value, new value."""
    rows = []
    for name, value in (event.changes or {}).items():
        if isinstance(value, list) and len(value) == 2:
            old, new = value
        else:
            old, new = None, value
        rows.append({"field": name, "label": field_label(event.object_type, name), "old": old, "new": new})
    return rows
