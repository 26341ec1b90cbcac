"""Every back-office menu entry is open to at least one role: a page only the superuser can reach is a
page nobody in the office can use."""

from __future__ import annotations

from django.contrib.auth.models import Permission

from housing.accounts.roles import ROLE_SPECS
from housing.backoffice.navigation import _sections


def test_every_menu_entry_is_granted_by_a_role_and_every_role_permission_exists(db):
    granted = {dotted for spec in ROLE_SPECS for dotted in spec.permissions}
    role_codes = {spec.code for spec in ROLE_SPECS}
    orphans = [
        (item.title, item.permission)
        for section in _sections.values()
        for item in section.items
        if item.permission and item.permission not in granted and not role_codes & set(item.roles)
    ]
    assert not orphans, orphans
    existing = {
        f"{app}.{code}" for app, code in Permission.objects.values_list("content_type__app_label", "codename")
    }
    assert sorted(granted - existing) == []
