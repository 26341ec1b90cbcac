from __future__ import annotations

from .navigation import menu_for


def backoffice(request) -> dict:
    """Menu, roles and region scope for the back-office layout (computed only for staff)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_applicant:
        return {}

    def scope_names():
        from housing.regions.models import Region

        if user.scope_prefixes is None:
            return ["全部区划"]
        codes = [p.ljust(12, "0") for p in user.scope_prefixes]
        return list(Region.objects.filter(code__in=codes).values_list("name", flat=True))

    def role_names():
        return list(
            user.role_assignments.select_related("role").values_list("role__name", flat=True).distinct()
        )

    return {"nav_menu": lambda: menu_for(user), "scope_names": scope_names, "role_names": role_names}
