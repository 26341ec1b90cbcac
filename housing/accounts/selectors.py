"""Reads of accounts, always through the region scope."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Organisation, User, UserKind
from .scope import get_in_scope_or_404, scope_queryset


def organisation_list(*, user) -> QuerySet[Organisation]:
    return scope_queryset(Organisation.objects.select_related("region"), user)


def organisation_get_for_user(*, user, pk: int) -> Organisation:
    return get_in_scope_or_404(Organisation.objects.select_related("region"), user, pk=pk)


def staff_list(*, user) -> QuerySet[User]:
    """Staff accounts of the organisations in the user's scope."""
    queryset = User.objects.filter(kind=UserKind.STAFF).select_related("organisation")
    return scope_queryset(queryset, user, field="organisation__region_code")
