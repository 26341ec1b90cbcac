"""The one scoped-queryset helper (DESIGN §4 rule 2).

Every selector, admin changelist, export and API narrows its queryset here. A row is in a
user's scope when its ``region_code`` starts with one of the user's prefixes, or when a
per-object grant (django-guardian, direct-FK models) names the user. Out of scope is a 404.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)


def scope_q(user, *, field: str = "region_code") -> Q | None:
    """The filter for a user's scope; None means no restriction (superuser)."""
    prefixes = user.scope_prefixes if user.is_authenticated else []
    if prefixes is None:
        return None
    if not prefixes:
        return Q(pk__in=[])
    condition = Q()
    for prefix in prefixes:
        condition |= Q(**{f"{field}__startswith": prefix})
    return condition


def object_grant_q(model: type[Model], user) -> Q | None:
    """Rows of ``model`` granted to ``user`` one by one (django-guardian, direct-FK models).

    A model takes part by declaring ``<Model>UserObjectPermission(UserObjectPermissionBase)`` with a
    ``content_object`` foreign key; the grant is the model's ``view_<name>`` permission (核查指派:
    this inspector may see this case outside their region). An ``Exists`` subquery, not guardian's
    ``get_objects_for_user``, so a list stays one indexed query however many grants there are.
    """
    from guardian.models import UserObjectPermission, UserObjectPermissionBase
    from guardian.utils import get_obj_perms_model

    if not user.is_authenticated or user.is_applicant:
        return None
    permission_model = get_obj_perms_model(model, UserObjectPermissionBase, UserObjectPermission)
    if permission_model is UserObjectPermission:
        return None  # no direct-FK grant table: region scope only
    granted = permission_model.objects.filter(
        user=user,
        content_object=OuterRef("pk"),
        permission__codename=f"view_{model._meta.model_name}",
        permission__content_type__app_label=model._meta.app_label,
    )
    return Q(Exists(granted))


def scope_queryset(
    queryset: QuerySet[M], user, *, field: str = "region_code", grants: Q | None = None
) -> QuerySet[M]:
    """Narrow ``queryset`` to the user's region scope, plus rows granted to the user one by one."""
    condition = scope_q(user, field=field)
    if condition is None:
        return queryset
    object_grants = object_grant_q(queryset.model, user)
    if object_grants is not None:
        condition |= object_grants
    if grants is not None:
        condition |= grants
    return queryset.filter(condition)


def get_in_scope_or_404(
    queryset: QuerySet[M], user, *, field: str = "region_code", grants: Q | None = None, **lookup
) -> M:
    """One row by ``lookup`` inside the user's scope; a row outside it is indistinguishable from none."""
    try:
        return scope_queryset(queryset, user, field=field, grants=grants).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def code_in_scope(user, region_code: str) -> bool:
    prefixes = user.scope_prefixes if user.is_authenticated else []
    return prefixes is None or any(region_code.startswith(p) for p in prefixes)
