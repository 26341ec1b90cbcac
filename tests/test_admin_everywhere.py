"""Django admin works in Chinese for every model, with the same data scope as the back office."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from housing.accounts.admin import ScopedAdminMixin

REGION_FIELDS = ("region_code",)


def _project_admins():
    """Admins of this project's own models (every app whose code lives in the repository)."""
    root = str(settings.BASE_DIR)
    for model, model_admin in admin.site._registry.items():
        path = model._meta.app_config.path
        if path.startswith(root) and "site-packages" not in path:
            yield model, model_admin


def test_every_region_owned_model_admin_is_scoped():
    labels = {model._meta.app_label for model, _ in _project_admins()}
    assert {"accounts", "rules", "admission", "projects"} <= labels
    unscoped = [
        model._meta.label
        for model, model_admin in _project_admins()
        if any(f.name in REGION_FIELDS for f in model._meta.get_fields())
        and not isinstance(model_admin, ScopedAdminMixin)
    ]
    assert unscoped == []


@pytest.mark.django_db
def test_every_admin_changelist_opens_in_chinese(client, superuser):
    client.force_login(superuser)
    failures = []
    for model, _model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        if response.status_code != 200 or "系统管理" not in response.content.decode():
            failures.append((model._meta.label, response.status_code))
    assert failures == []
