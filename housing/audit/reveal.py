"""Which masked fields may be shown in the clear, to whom, and how the row is found in scope.

Only (model, field) pairs registered here can be revealed: the endpoint is not a generic
"read any attribute" door. The app that owns a model registers its pairs from
``AppConfig.ready()`` (DESIGN §4 rule 1), naming a scoped getter that answers 404 out of scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model


@dataclass(frozen=True)
class RevealSpec:
    model_label: str  # "accounts.user"
    field: str  # "phone"
    get_object: Callable[..., Model]  # (user=..., pk=...) → the row, Http404 out of scope
    mask: Callable[[str], str]
    permission: str | None = None  # "app_label.codename" that allows the reveal
    roles: tuple[str, ...] = ()  # or any of these role codes

    def allowed(self, user) -> bool:
        if not user.is_authenticated or getattr(user, "is_applicant", True):
            return False
        if user.is_superuser:
            return True
        if self.roles and user.role_codes & set(self.roles):
            return True
        return bool(self.permission) and user.has_perm(self.permission)


_registry: dict[tuple[str, str], RevealSpec] = {}


def register(spec: RevealSpec) -> None:
    _registry[(spec.model_label, spec.field)] = spec


def get_spec(model_label: str, field: str) -> RevealSpec | None:
    return _registry.get((model_label.lower(), field))
