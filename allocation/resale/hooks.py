"""Called from ``AllocationConfig.ready()``: this part's navigation item and admin pages."""

from __future__ import annotations


def ready() -> None:
    from django.utils.translation import gettext_lazy as _

    from housing.backoffice.navigation import NavItem, register

    from . import admin  # noqa: F401 — registers the admin pages

    register(
        section="allocation",
        section_title=_("配给管理"),
        order=400,
        items=[NavItem(_("经适房退回与上市"), "allocation:resale_list", permission="allocation.view_resale")],
    )
