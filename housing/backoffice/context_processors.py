from __future__ import annotations

from .navigation import menu_for


def backoffice(request) -> dict:
    """Menu, roles and region scope for the back-office layout (computed only for staff)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_applicant:
        return {}

    return {
        "nav_menu": lambda: menu_for(user),
        "scope_names": lambda: user.scope_names,
        "role_names": lambda: user.role_names,
    }
