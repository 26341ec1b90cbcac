"""Access to back-office views: one decorator for every subsystem's function views.

Anonymous users and applicants go to the staff login page; staff without the permission get 403.
The permission is checked before any row is looked up, so a 403 never depends on whether an id
exists; inside the permission, an out-of-scope id is a 404 (DESIGN §4 rule 2, the selectors).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def staff_permission_required(permission: str):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated or user.is_applicant:
                return redirect_to_login(request.get_full_path())
            if not user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def require_staff_permission(request, permission: str) -> None:
    """The same check inside a view body, for views that pick the permission at run time."""
    user = request.user
    if not user.is_authenticated or user.is_applicant or not user.has_perm(permission):
        raise PermissionDenied
